"""Words typed while a choice of buttons waits: every such step answers "please choose with
the buttons", never "I don't pass on messages written here", and a tap moves on as before."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.services.sharing import STAGES
from bot.services.steps import CHOOSING_STEP, waits_for_button
from handlers import general
from tests.e2e.conftest import ADMIN
from tests.e2e.test_joining import make_coordinator, make_group
from tests.support.chorus_run import PROJECT_ROOT, RunningChorus
from tests.support.clock import midday
from tests.support.fake_bot_api import FakeBotApi
from tests.support.phone import Phone
from tests.support.sharing import execute, rows, share_words

CHOOSE = "Please choose with the buttons above, or /cancel to stop."
NOT_PASSED_ON = "I don't pass on messages written here"


def _declared_steps() -> dict[str, str]:
    """Every step name the code declares (a module constant named ..._STEP), by constant."""
    found: dict[str, str] = {}
    services = PROJECT_ROOT.glob("bot/services/**/*.py")
    for path in [*services, *PROJECT_ROOT.glob("handlers/**/*.py")]:
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.Assign) or len(node.targets) != 1:
                continue
            target = node.targets[0]
            if not isinstance(target, ast.Name) or not target.id.endswith("_STEP"):
                continue
            value = node.value
            if isinstance(value, ast.Call) and value.args:  # button_step("...")
                value = value.args[0]
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                found[f"{path.stem}.{target.id}"] = value.value
    return found


def test_every_step_takes_typed_words_or_waits_for_a_button() -> None:
    declared = _declared_steps()
    assert len(declared) >= 20  # the scan finds the steps it is meant to
    for where, step in declared.items():
        typed = step in general._STEPS
        assert typed != waits_for_button(step), f"{where} ({step!r})"
    for step in STAGES:  # sharing explains its buttons itself, naming the step
        assert step in general._STEPS


BUTTON_STEPS = sorted(step for step in _declared_steps().values() if waits_for_button(step))


async def _two_groups(fake: FakeBotApi) -> Phone:
    admin, coordinator = Phone(fake, ADMIN), Phone(fake, 31, "Cath")
    await make_coordinator(fake, admin, coordinator)
    await make_group(coordinator, "Carers")
    await make_group(coordinator, "Parents")
    return coordinator


# The running bot's clock starts at midday on this day (tests/support/clock.py).
NOW = midday().now()


async def _set_step(folder: Path, person: int, step: str, at: datetime) -> None:
    await execute(
        folder,
        "INSERT INTO pending_step (person_id, step, data, updated_at) VALUES (?, ?, '{}', ?)"
        " ON CONFLICT (person_id) DO UPDATE SET step = excluded.step, data = excluded.data,"
        " updated_at = excluded.updated_at",
        person,
        step,
        at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"),
    )


def _person_id(folder: Path, telegram_id: int) -> int:
    return int(rows(folder, "SELECT id FROM person WHERE telegram_id = ?", telegram_id)[0][0])


async def test_typing_at_every_button_step_asks_for_the_buttons(
    fake: FakeBotApi, chorus: RunningChorus, tmp_path: Path
) -> None:
    coordinator = await _two_groups(fake)
    assert {"broadcast_audience", "prompt_end", "loop_ready", CHOOSING_STEP} <= set(BUTTON_STEPS)
    person = _person_id(tmp_path, coordinator.id)
    for step in BUTTON_STEPS:
        await _set_step(tmp_path, person, step, NOW)
        answer = await coordinator.send("Planning meeting")
        assert answer["text"] == CHOOSE, step


async def test_a_choice_asked_long_ago_no_longer_waits(
    fake: FakeBotApi, chorus: RunningChorus, tmp_path: Path
) -> None:
    coordinator = await _two_groups(fake)
    person = _person_id(tmp_path, coordinator.id)
    await _set_step(tmp_path, person, CHOOSING_STEP, NOW - timedelta(hours=2))
    assert NOT_PASSED_ON in (await coordinator.send("Planning meeting"))["text"]
    # A flow's own step (a preview waiting for Send) still waits, however long ago.
    await _set_step(tmp_path, person, "broadcast_ready", NOW - timedelta(days=2))
    assert (await coordinator.send("Planning meeting"))["text"] == CHOOSE


async def test_typing_at_a_new_sessions_last_question_shows_it_again_with_a_word(
    fake: FakeBotApi, chorus: RunningChorus
) -> None:
    coordinator = await _two_groups(fake)
    await coordinator.send("/newsession")
    await coordinator.tap("Carers")
    await coordinator.send("Planning meeting")
    await coordinator.send("tomorrow 2pm")
    question = await coordinator.send("2 hours")
    while "Save it and invite" not in question["text"]:
        _, data = fake.buttons(question)[0]
        question = await coordinator.tap_data(data, question)

    typed = await coordinator.send("Looks good")

    assert typed["text"].startswith("Please choose with the buttons below, or /cancel to stop.")
    assert "Save it and invite" in typed["text"]
    assert "Save and invite" in [label for label, _ in fake.buttons(typed)]


@pytest.mark.parametrize(
    "command",
    [
        "/newsession",
        "/broadcast",
        "/prompt",
        "/inbox",
        "/action",
        "/updates",
        "/invite",
        "/members",
        "/hours",
    ],
)
async def test_typing_at_a_coordinators_group_choice_asks_for_the_buttons(
    fake: FakeBotApi, chorus: RunningChorus, command: str
) -> None:
    coordinator = await _two_groups(fake)
    asked = await coordinator.send(command)
    labels = [label for label, _ in fake.buttons(asked)]
    assert "Carers" in " ".join(labels) and "Parents" in " ".join(labels), labels

    typed = await coordinator.send("Planning meeting")

    assert typed["text"] == CHOOSE
    assert NOT_PASSED_ON not in typed["text"]


async def test_a_tap_or_a_command_ends_the_choice(fake: FakeBotApi, chorus: RunningChorus) -> None:
    coordinator = await _two_groups(fake)
    await coordinator.send("/newsession")
    title = await coordinator.tap("Parents")
    assert "called" in title["text"]
    typed = await coordinator.send("Planning meeting")
    assert "When does it start" in typed["text"]

    await coordinator.send("/cancel")
    await coordinator.send("/members")
    await coordinator.send("/help")
    after_help = await coordinator.send("Hello there")
    assert NOT_PASSED_ON in after_help["text"]


async def test_typing_at_settings_asks_for_the_buttons(
    fake: FakeBotApi, chorus: RunningChorus
) -> None:
    coordinator = await _two_groups(fake)
    member = Phone(fake, 32, "Rosa")
    payload = await make_group(coordinator, "Friends")
    await member.send(f"/start {payload}")
    await member.tap("Yes, join")
    await member.send("Rosa")
    settings = await member.send("/settings")
    assert fake.buttons(settings)

    typed = await member.send("Rosa Smith")

    assert typed["text"] == CHOOSE


async def test_typing_at_a_members_take_it_back_question_asks_for_the_buttons(
    fake: FakeBotApi, chorus: RunningChorus, tmp_path: Path
) -> None:
    coordinator = await _two_groups(fake)
    member = Phone(fake, 33, "Ana")
    payload = await make_group(coordinator, "Friends")
    await member.send(f"/start {payload}")
    await member.tap("Yes, join")
    await member.send("Ana")
    await share_words(member, "Please move the meetings to the evening.")
    listing = await member.send("/mine")
    [item] = rows(tmp_path, "SELECT reference FROM item")
    await member.tap_data(f"uv:{item['reference']}", listing)
    actions = await fake.wait_for_text(member.id, "you can take it back")
    ask = await member.tap("Take it back", actions)
    assert "It will be removed" in ask["text"]

    typed = await member.send("yes please")

    assert typed["text"] == CHOOSE
    done = await member.tap("Yes, take it back", ask)
    assert "taken back" in done["text"] or "removed" in done["text"], done["text"]
