"""Journey J6 end to end: helplines at once, the contact question both ways, alerts to the
safeguarding lead through the outbox, and /support."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.services.delivery_rules import open_payload
from bot.services.sharing import HELD_PURPOSE
from tests.e2e.conftest import ADMIN
from tests.support.chorus_run import RunningChorus, running_chorus, settings_for
from tests.support.fake_bot_api import FakeBotApi
from tests.support.phone import Phone
from tests.support.seed import seed_group
from tests.support.sharing import COORDINATOR, GROUP, MEMBERS, database, rows, sealer

RISKY = "Honestly some days I want to end it all."


@pytest.fixture
async def seeded(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningChorus]:
    """A group of six, and its coordinator made safeguarding lead by the admin."""
    await seed_group(database(tmp_path), COORDINATOR, MEMBERS, name=GROUP)
    for member in [COORDINATOR, *MEMBERS]:
        fake.user(member, f"M{member}")
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake) as running:
        admin = Phone(fake, ADMIN)
        listing = await admin.send("/leads")
        assert "☐ coordinator (no name given)" in listing["text"]
        marked = await admin.tap("coordinator")
        assert "☑ coordinator (no name given)" in marked["text"]
        yield running


async def _risky_draft(fake: FakeBotApi, member: Phone, words: str = RISKY) -> dict[str, object]:
    """The member writes risky words in /share; the safety reply, which comes first."""
    await member.send("/share")
    await member.tap("Feedback")
    reply = await member.send(words)
    assert "I'm sorry you're going through this" in reply["text"]
    assert "Samaritans: call 116 123" in reply["text"] and "85258" in reply["text"]
    assert "call 999" in reply["text"] and "NHS: call 111" in reply["text"]
    # Help never waits on the step: the step goes on underneath.
    await fake.wait_for_text(member.id, "with your name, or without it")
    return reply


async def test_yes_tells_the_lead_who_and_what(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    member, lead = Phone(fake, 801), Phone(fake, COORDINATOR)
    reply = await _risky_draft(fake, member)
    answer = await member.tap("Yes, please contact me", reply)
    assert "someone will contact you as soon as they can" in answer["text"]
    alert = await fake.wait_for_text(lead.id, "Safety alert")
    assert "M801" in alert["text"] and RISKY in alert["text"]
    assert "asked to be contacted" in alert["text"]
    assert 'href="tg://user?id=801"' in alert["html"]

    [row] = rows(tmp_path, "SELECT payload, urgent FROM outbox WHERE kind = 'risk_alert'")
    assert row["urgent"] == 1 and row["payload"].startswith("v1.")
    assert RISKY not in row["payload"]
    assert RISKY in open_payload(sealer(), row["payload"]).text
    [stored] = rows(tmp_path, "SELECT state, words FROM risk_alert")
    assert (stored["state"], stored["words"]) == ("named", None)
    again = await member.tap("Yes, please contact me", reply)
    assert "already answered" in again["text"]

    # The item itself is still saved, marked for the coordinators' attention.
    question = fake.last_message(member.id)
    await member.tap("Without my name", question)
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
    alert = await fake.wait_for_text(lead.id, "Safety alert")
    assert "how to kill myself" in alert["text"] and "Carers group" in alert["text"]
    assert "who they are is not shared" in alert["text"]
    assert "M802" not in alert["text"] and "802" not in alert["html"]
    assert fake.buttons(alert) == []


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
    assert "Would you like someone from the organisation to contact you?" in reply["text"]
    answer = await stranger.tap("Yes, please contact me", reply)
    assert "someone will contact you" in answer["text"]
    alert = await fake.wait_for_text(COORDINATOR, "asked to be contacted")
    assert 'href="tg://user?id=4545"' in alert["html"]


async def test_help_comes_first_in_any_step(fake: FakeBotApi, seeded: RunningChorus) -> None:
    member = Phone(fake, 806)
    await member.send("/share")
    await member.tap("Feedback")
    await member.send("Fine words")
    # At a step that wants a button, risky words still get the helplines first.
    reply = await member.send("actually I want to die")
    assert "I'm sorry you're going through this" in reply["text"]
    await fake.wait_for_text(member.id, "Please choose with the buttons below")
    await member.send("/settings")
    await member.tap("Change name")
    named = await member.send("no reason to live")
    assert "I'm sorry you're going through this" in named["text"]
