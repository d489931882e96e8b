"""A message over Telegram's 4096 characters arrives as several messages: the bot joins the
parts into one draft, never taking the last part alone."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.services.sharing import BODY_PURPOSE
from tests.e2e.conftest import ADMIN
from tests.support.chorus_run import RunningChorus, running_chorus, settings_for
from tests.support.fake_bot_api import Call, FakeBotApi
from tests.support.phone import Phone
from tests.support.seed import seed_group
from tests.support.sharing import COORDINATOR, GROUP, MEMBERS, database, rows, sealer

# Two parts as Telegram cuts one long message: the first at a space before 4096 characters.
FIRST = ("The waiting room was cold and nobody told us how long it would be. " * 61).strip()
SECOND = "In the end we waited four hours, and that is the part I most want you to hear."


@pytest.fixture
async def seeded(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningChorus]:
    await seed_group(database(tmp_path), COORDINATOR, MEMBERS, name=GROUP)
    for member in [COORDINATOR, *MEMBERS]:
        fake.user(member, f"M{member}")
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake) as running:
        yield running


async def _answered(fake: FakeBotApi, member: Phone, started: float, count: int) -> None:
    """Wait until the bot has sent `count` messages to the member since `started`."""
    for seen in range(count):

        def is_answer(call: Call, seen: int = seen) -> bool:
            sent = [
                c
                for c in fake.calls
                if c.at >= started
                and c.method == "sendMessage"
                and c.params.get("chat_id") == member.id
                and c.response is not None
            ]
            return len(sent) > seen

        await fake.wait_for(is_answer)


async def _deleted(fake: FakeBotApi, member: Phone) -> None:
    """Wait until the bot has taken back one of its messages to the member."""
    await fake.wait_for(
        lambda call: (
            call.method == "deleteMessage"
            and call.params.get("chat_id") == member.id
            and call.response is not None
        )
    )


async def test_the_parts_of_a_long_message_make_one_draft(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    assert 4000 < len(FIRST) <= 4096
    member = Phone(fake, MEMBERS[0])
    await member.send("/share")
    await member.tap("Feedback")

    started = time.monotonic()
    fake.send_text(member.user, FIRST)
    fake.send_text(member.user, SECOND)  # back to back, as Telegram sends the parts
    # The answer to the whole text replaces the answer to the first part: one question.
    await _answered(fake, member, started, 2)
    await _deleted(fake, member)
    questions = [t for t in member.texts() if "with your name, or without it" in t]
    assert len(questions) == 1, member.texts()

    await member.tap("With my name", fake.last_message(member.id))
    await member.tap("Only coordinators read it")
    # The preview is longer than one message: the buttons come under its last part.
    last = await fake.wait_for_text(member.id, f"with your name (M{member.id})")
    preview = "\n".join(member.texts())
    assert FIRST[:200] in preview and SECOND in preview
    receipt = await member.tap("Send", last)
    assert "Your private reference" in receipt["text"]

    [item] = rows(tmp_path, "SELECT body FROM item")
    # The first part ended a sentence: the second goes on on a new line.
    assert sealer().open(str(item["body"]), BODY_PURPOSE) == FIRST + "\n" + SECOND


async def test_the_last_part_alone_is_never_taken_as_a_whole_answer(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    admin = Phone(fake, ADMIN)
    asked = await admin.send("/newgroup")
    assert "called" in asked["text"]

    started = time.monotonic()
    fake.send_text(admin.user, FIRST)
    fake.send_text(admin.user, "Carers")  # the end of the same long message
    await _answered(fake, admin, started, 2)
    await _deleted(fake, admin)

    answers = [t for t in admin.texts() if "couldn't use that as a name" in t]
    assert len(answers) == 1, admin.texts()
    assert [row["name"] for row in rows(tmp_path, "SELECT name FROM chorus_group")] == [GROUP]


async def test_words_of_risk_in_a_later_part_still_get_help_at_once(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    # A member writing their feedback (a coordinator's own writing in their flows, such as
    # a group's name, is not taken as a disclosure).
    member = Phone(fake, MEMBERS[1])
    await member.send("/share")
    await member.tap("Feedback")

    fake.send_text(member.user, FIRST)
    fake.send_text(member.user, "Honestly some days I want to end it all.")

    help_now = await fake.wait_for_text(member.id, "You're not alone")
    assert "If you need help now" in help_now["text"]
