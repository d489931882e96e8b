"""Journey J6 end to end: helplines at once, the contact question both ways, alerts to the
safeguarding lead through the outbox, and /support."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.services.sharing import HELD_PURPOSE
from tests.e2e.conftest import ADMIN
from tests.support.chorus_run import RunningChorus, running_chorus, settings_for
from tests.support.clock import RunningClock
from tests.support.fake_bot_api import FakeBotApi
from tests.support.outbox import shown
from tests.support.phone import Phone
from tests.support.seed import seed_group
from tests.support.sharing import (
    COORDINATOR,
    GROUP,
    MEMBERS,
    answer_to_media,
    database,
    execute,
    rows,
    sealer,
)

RISKY = "Honestly some days I want to end it all."


class JumpingClock(RunningClock):
    """Real time from midday, which a test can move forward at once."""

    def __init__(self) -> None:
        super().__init__(datetime(2026, 3, 3, 12, 0, tzinfo=UTC))
        self._jumped = timedelta(0)

    def now(self) -> datetime:
        return super().now() + self._jumped

    def advance(self, delta: timedelta) -> None:
        self._jumped += delta


@pytest.fixture
def clock() -> JumpingClock:
    return JumpingClock()


@pytest.fixture
async def seeded(
    fake: FakeBotApi, tmp_path: Path, clock: JumpingClock
) -> AsyncIterator[RunningChorus]:
    """A group of six, and its coordinator made safeguarding lead by the admin."""
    await seed_group(database(tmp_path), COORDINATOR, MEMBERS, name=GROUP)
    for member in [COORDINATOR, *MEMBERS]:
        fake.user(member, f"M{member}")
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake, clock) as running:
        admin = Phone(fake, ADMIN)
        assert "No safeguarding lead is set" in (await admin.send("/help"))["text"]
        listing = await admin.send("/leads")
        assert "☐ a coordinator with no name set" in listing["text"]
        assert "No one is a lead yet" in listing["text"]
        marked = await admin.tap("coordinator")
        assert "☑ a coordinator with no name set" in marked["text"]
        assert "No one is a lead yet" not in marked["text"]
        assert "No safeguarding lead is set" not in (await admin.send("/help"))["text"]
        yield running


async def _risky_draft(fake: FakeBotApi, member: Phone, words: str = RISKY) -> dict[str, Any]:
    """The member writes risky words in /share; the safety reply, which comes first."""
    await member.send("/share")
    await member.tap("Feedback")
    reply = await member.send(words)
    assert "I'm sorry you're going through this" in reply["text"]
    assert "Samaritans: call 116 123" in reply["text"] and "85258" in reply["text"]
    assert "call 999" in reply["text"] and "NHS: call 111" in reply["text"]
    # The safety reply stands alone: the step waits behind one button.
    assert [label for label, _ in fake.buttons(reply)] == [
        "Yes, please contact me",
        "No, thank you",
        "Carry on with what I was writing",
    ]
    assert not any("with your name, or without it" in t for t in member.texts())
    return reply


async def test_yes_tells_the_lead_who_and_what(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    member, lead = Phone(fake, 801), Phone(fake, COORDINATOR)
    reply = await _risky_draft(fake, member)
    answer = await member.tap("Yes, please contact me", reply)
    assert "someone will contact you as soon as they can" in answer["text"]
    assert answer["message_id"] != reply["message_id"]
    # The helplines stay on screen.
    assert "Samaritans" in fake.message(member.id, reply["message_id"])["text"]
    alert = await fake.wait_for_text(lead.id, "Safety alert")
    assert "M801" in alert["text"] and RISKY in alert["text"]
    assert "asked to be contacted" in alert["text"] and "Group: Carers group" in alert["text"]
    assert "When: Tue 3 Mar 2026, 12:" in alert["text"]
    assert (
        "What the detector saw: Talks of ending their life (“want to end it all”)"
        in (alert["text"])
    )
    assert 'href="tg://user?id=801"' in alert["html"]
    assert [label for label, _ in fake.buttons(alert)] == ["I'll handle this", "Write to them"]

    [row] = rows(tmp_path, "SELECT payload, urgent FROM outbox WHERE kind = 'risk_alert'")
    assert row["urgent"] == 1 and row["payload"].startswith("v1.")
    assert RISKY not in row["payload"]
    assert RISKY in shown(sealer(), row["payload"]).text
    [stored] = rows(tmp_path, "SELECT state, words FROM risk_alert")
    assert stored["state"] == "named" and RISKY not in stored["words"]  # sealed
    again = await member.tap("Yes, please contact me", reply)
    assert "already answered" in again["text"]

    # The item itself is still saved, marked for the coordinators' attention.
    question = await member.tap("Carry on with what I was writing", reply)
    assert "with your name, or without it" in question["text"]
    assert "Samaritans" in fake.message(member.id, reply["message_id"])["text"]
    await member.tap("Without my name", question)
    await member.tap("Only coordinators read it")
    await member.tap("Send")
    # Held, sealed whole, until the daily batch.
    [held] = rows(tmp_path, "SELECT sealed FROM item_hold")
    assert json.loads(sealer().open(held["sealed"], HELD_PURPOSE))["risk"] is True


async def test_no_tells_the_lead_without_identity(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    member, lead = Phone(fake, 802), Phone(fake, COORDINATOR)
    reply = await _risky_draft(fake, member, "I keep thinking about how to kill myself")
    answer = await member.tap("No, thank you", reply)
    assert "nobody will contact you" in answer["text"]
    assert "Samaritans" in fake.message(member.id, reply["message_id"])["text"]
    alert = await fake.wait_for_text(lead.id, "Safety alert")
    assert "how to kill myself" in alert["text"] and "Carers group" in alert["text"]
    assert "said no to being contacted" in alert["text"]
    assert "who they are is not shared" in alert["text"]
    assert "M802" not in alert["text"] and "802" not in alert["html"]
    assert "When: Tue 3 Mar 2026\n" in alert["text"]  # the day only: the hour could point
    # Ways to act: take it, or write to them through Chorus by the alert alone, not by who.
    assert [label for label, _ in fake.buttons(alert)] == ["I'll handle this", "Write to them"]
    assert not any("802" in data for _, data in fake.buttons(alert))


async def test_ordinary_words_get_no_safety_reply(fake: FakeBotApi, seeded: RunningChorus) -> None:
    member = Phone(fake, 803)
    await member.send("/share")
    await member.tap("Feedback")
    answer = await member.send("The quiz night was killing me with laughter")
    assert "with your name, or without it" in answer["text"]
    assert not any("I'm sorry you're going through this" in t for t in member.texts())


async def test_words_outside_any_step_and_in_a_caption(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    member = Phone(fake, 804)
    loose = await member.send("i dont want to be here anymore")
    assert "I'm sorry you're going through this" in loose["text"]
    await member.tap("No, thank you", loose)
    await fake.wait_for_text(COORDINATOR, "Group: not given")


async def test_support_shows_the_helplines_to_anyone(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    stranger = Phone(fake, 4242)
    support = await stranger.send("/support")
    assert "Samaritans: call 116 123" in support["text"] and "999" in support["text"]


async def test_helplines_can_be_configured(fake: FakeBotApi, tmp_path: Path) -> None:
    settings = settings_for(
        fake, tmp_path, helplines="Our crisis line: 0800 123 456; In an emergency: call 999"
    )
    async with running_chorus(settings, fake):
        support = await Phone(fake, 4343).send("/support")
    assert "• Our crisis line: 0800 123 456\n• In an emergency: call 999" in support["text"]
    assert "Samaritans" not in support["text"]


async def test_forged_alert_buttons(fake: FakeBotApi, seeded: RunningChorus) -> None:
    writer, other = Phone(fake, 805), Phone(fake, 806)
    reply = await _risky_draft(fake, writer)
    data = fake.buttons(reply)[0][1]
    await other.send("/help")
    forged = await other.tap_data(data)
    assert "doesn't work any more" in forged["text"]
    nonsense = await other.tap_data("gy:zzzz")
    assert "doesn't work any more" in nonsense["text"]


async def test_someone_not_in_a_group_can_ask_to_be_contacted(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    stranger = Phone(fake, 4545)
    reply = await stranger.send("I want to end it all")
    assert "Would you like one of our team to contact you?" in reply["text"]
    answer = await stranger.tap("Yes, please contact me", reply)
    assert "someone will contact you" in answer["text"]
    alert = await fake.wait_for_text(COORDINATOR, "asked to be contacted")
    assert 'href="tg://user?id=4545"' in alert["html"]


async def test_help_comes_first_in_any_step(fake: FakeBotApi, seeded: RunningChorus) -> None:
    member = Phone(fake, 806)
    await member.send("/share")
    await member.tap("Feedback")
    await member.send("Fine words")
    # At a step that wants a button, risky words get the helplines, alone.
    reply = await member.send("actually I want to die")
    assert "I'm sorry you're going through this" in reply["text"]
    question = await member.tap("Carry on with what I was writing", reply)
    assert "with your name, or without it" in question["text"]
    await member.send("/settings")
    await member.tap("Change name")
    # The feedback half-written is put aside, and the member is asked about it.
    await fake.wait_for_text(806, "Keep it for later, or throw it away?", timeout=10)
    named = await member.send("no reason to live")
    assert "I'm sorry you're going through this" in named["text"]
    # Not saved as the name: the question waits behind "Carry on".
    again = await member.tap("Carry on with what I was writing", named)
    assert "name" in again["text"].lower()
    settings = await member.send("/settings")
    assert "no reason to live" not in settings["text"]


async def test_a_late_yes_is_honoured(
    fake: FakeBotApi, seeded: RunningChorus, clock: JumpingClock
) -> None:
    member, lead = Phone(fake, 801), Phone(fake, COORDINATOR)
    reply = await _risky_draft(fake, member)
    clock.advance(timedelta(minutes=31))
    alert = await fake.wait_for_text(lead.id, "did not answer")
    assert RISKY in alert["text"] and "M801" not in alert["text"]
    answer = await member.tap("Yes, please contact me", reply)
    assert "someone will contact you" in answer["text"]
    update = await fake.wait_for_text(lead.id, "now ask to be contacted")
    assert "M801" in update["text"] and 'href="tg://user?id=801"' in update["html"]
    assert "Username: none" in update["text"] and RISKY in update["text"]


async def test_a_lead_takes_an_alert_and_closes_it(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    member, lead, other = Phone(fake, 802), Phone(fake, COORDINATOR), Phone(fake, MEMBERS[5])
    reply = await _risky_draft(fake, member)
    await member.tap("No, thank you", reply)
    alert = await fake.wait_for_text(lead.id, "Safety alert")
    # Someone who is not a lead cannot take it, even with the button's data.
    data = fake.buttons(alert)[0][1]
    await other.send("/help")
    refused = await other.tap_data(data)
    assert "only a safeguarding lead or an admin" in refused["text"]
    taken = await lead.tap("I'll handle this", alert)
    assert "You're handling alert" in taken["text"]
    note_ask = await lead.tap("Close with a note", taken)
    assert "short note of what was done" in note_ask["text"]
    # The note is the lead's own writing: no safety reply, whatever its words.
    closed = await lead.send("Called them about wanting to end it all; they are safe")
    assert "is closed" in closed["text"]
    assert not any("I'm sorry you're going through this" in t for t in lead.texts())
    [row] = rows(tmp_path, "SELECT state, note, words FROM risk_alert")
    assert row["state"] == "closed" and row["words"] is None and "safe" not in row["note"]
    late = await member.tap("Yes, please contact me", reply)
    assert "has been closed" in late["text"] and "Samaritans" in late["text"]


async def test_an_alert_no_one_takes_goes_to_everyone(
    fake: FakeBotApi, seeded: RunningChorus, clock: JumpingClock
) -> None:
    member = Phone(fake, 803)
    reply = await _risky_draft(fake, member)
    await member.tap("No, thank you", reply)
    await fake.wait_for_text(COORDINATOR, "Safety alert")
    clock.advance(timedelta(minutes=16))
    again = await fake.wait_for_text(ADMIN, "No one has said they are handling")
    assert RISKY in again["text"]
    await fake.wait_for_text(COORDINATOR, "No one has said they are handling")


async def test_dont_send_after_risk_words_is_honest(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    member = Phone(fake, 804)
    reply = await _risky_draft(fake, member)
    question = await member.tap("Carry on with what I was writing", reply)
    gone = await member.tap("Don't send", question)
    assert "one person on our team has them (without your name)" in gone["text"]
    assert "No one else does" in gone["text"]


async def test_the_inbox_marks_items_that_got_the_safety_reply(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    member, lead = Phone(fake, 805), Phone(fake, COORDINATOR)
    reply = await _risky_draft(fake, member)
    await member.tap("Yes, please contact me", reply)
    question = await member.tap("Carry on with what I was writing", reply)
    await member.tap("With my name", question)
    await member.tap("Only coordinators read it")
    await member.tap("Send")
    # The alert to the lead comes through the outbox, maybe after /inbox is typed: it is
    # waited for first, so that it is not taken for the inbox's answer.
    await fake.wait_for_text(COORDINATOR, "Safety alert")
    card = await lead.send("/inbox")
    if "A safety reply was shown" not in card["text"]:
        card = await lead.tap("Carers group", card)
    assert "A safety reply was shown; a lead has been told." in card["text"]
    read = await lead.send("/read")
    assert "A safety reply was shown; a lead has been told." in read["text"]


async def test_commands_captions_and_edits_get_help_once(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    member = Phone(fake, 806)
    started = time.monotonic()
    fake.send_text(member.user, "/help i want to kill myself")
    await fake.wait_for_text(member.id, "I'm sorry you're going through this")
    await fake.wait_for_text(member.id, "/share")  # the command still runs
    assert len([t for t in member.texts() if "I'm sorry you're going" in t]) == 1
    assert member.texts() and started
    # An edited message: help, and it is not taken as new input.
    fake.add_update(
        {
            "edited_message": {
                "message_id": 1,
                "from": member.user.to_dict(),
                "chat": {"id": member.id, "type": "private", "first_name": "Sam"},
                "date": 0,
                "edit_date": 1,
                "text": "i want to die",
            }
        }
    )
    await fake.wait_for_text(member.id, "I don't pick up changes")
    assert len([t for t in member.texts() if "I'm sorry you're going" in t]) == 2
    [count] = rows(tmp_path, "SELECT count(*) AS n FROM risk_alert")
    assert count["n"] == 2


async def test_a_coordinators_own_writing_is_not_a_disclosure(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    coordinator = Phone(fake, COORDINATOR)
    await coordinator.send("/newsession")
    await coordinator.send("Suicide prevention evening")
    await coordinator.send("tomorrow 2pm")
    place = await coordinator.send("4pm")
    access = await coordinator.tap("Skip", place)
    content = await coordinator.tap("Skip", access)
    assert "content" in content["text"].lower() or "topic" in content["text"].lower()
    following = await coordinator.send("We talk about wanting to end it all and self-harm")
    assert "I'm sorry you're going through this" not in following["text"]
    await coordinator.send("/cancel")
    # Typed outside any flow, the same words are treated as anyone's.
    loose = await coordinator.send("i want to end it all")
    assert "I'm sorry you're going through this" in loose["text"]
    assert len([t for t in coordinator.texts() if "I'm sorry you're going" in t]) == 1
    [count] = rows(tmp_path, "SELECT count(*) AS n FROM risk_alert")
    assert count["n"] == 1


async def test_a_caption_outside_a_draft_gets_help(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    member = Phone(fake, 805)
    reply = await answer_to_media(fake, member, "photo", b"JPEG", caption="i want to die")
    assert "I'm sorry you're going through this" in reply["text"]


async def test_with_no_lead_and_no_admin_no_call_is_promised(
    fake: FakeBotApi, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = settings_for(fake, tmp_path, admin_ids=frozenset())
    async with running_chorus(settings, fake):
        assert "no safeguarding lead is set" in caplog.text
        stranger = Phone(fake, 4646)
        reply = await stranger.send("I want to end it all")
        answer = await stranger.tap("Yes, please contact me", reply)
    assert "I can't say when someone will contact you" in answer["text"]
    assert "someone will contact you as soon as" not in answer["text"]
    assert "call 999" in answer["text"] and "Samaritans" in answer["text"]
    # Kept, to be tried again once someone can receive it.
    [alert] = rows(tmp_path, "SELECT state, told_at, check_at FROM risk_alert")
    assert alert["state"] == "named" and alert["told_at"] is None and alert["check_at"]


async def test_an_alert_a_blocked_lead_cannot_get_goes_to_the_admins(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    await execute(
        tmp_path,
        f"UPDATE person SET unreachable_at = '2026-03-03 11:00:00.000000' "
        f"WHERE telegram_id = {COORDINATOR}",
    )
    member = Phone(fake, 801)
    reply = await _risky_draft(fake, member)
    await member.tap("No, thank you", reply)
    alert = await fake.wait_for_text(ADMIN, "Safety alert")
    assert RISKY in alert["text"] and "I'll handle this" in fake.buttons(alert)[0][0]
