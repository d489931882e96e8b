"""A gentle note on a coordinator's own words: before a broadcast, a question for a group, a
reply to a member, an update on an action or a lead's message to the person of an alert
goes, words that may be hard to read are noted with the reason, and the coordinator sends
them as they are or changes them (given back to change)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.e2e.conftest import ADMIN
from tests.support.chorus_run import RunningChorus, running_chorus, settings_for
from tests.support.clock import MovableClock
from tests.support.fake_bot_api import FakeBotApi
from tests.support.items import ItemSeed, seed_items
from tests.support.phone import Phone
from tests.support.seed import seed_group
from tests.support.sharing import COORDINATOR, GROUP, MEMBERS, database

HARD = (
    "Comprehensive documentation regarding safeguarding responsibilities "
    "is mandatory for continued participation."
)
LONG = (
    "Please remember that next week we are meeting in the small room upstairs because "
    "the big hall is being painted and the lift is not working so take the stairs slowly."
)
PLAIN = "Tea at four on Friday. All welcome."
SHARED = "The forms are far too long."


async def _newest(fake: FakeBotApi, words: str) -> None:
    """Wait until the coordinator's newest message shows `words`."""
    deadline = time.monotonic() + 10
    while words not in fake.last_message(COORDINATOR)["text"]:
        assert time.monotonic() < deadline, fake.texts_to(COORDINATOR)[-3:]
        await asyncio.sleep(0.01)


@pytest.fixture
async def seeded(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningChorus]:
    """Chorus with one group of six members (one item shared), coordinated by COORDINATOR."""
    group = await seed_group(database(tmp_path), COORDINATOR, MEMBERS, name=GROUP)
    seen = datetime(2026, 3, 3, 6, 0, tzinfo=UTC)
    await seed_items(database(tmp_path), [ItemSeed(group, 801, SHARED, date(2026, 3, 2), seen)])
    for member in [COORDINATOR, *MEMBERS]:
        fake.user(member, f"M{member}")
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    clock = MovableClock(datetime(2026, 3, 3, 12, 0, tzinfo=UTC))
    async with running_chorus(settings, fake, clock) as running:
        await fake.wait_for_text(COORDINATOR, "Your inbox today", timeout=10)
        yield running


async def test_hard_broadcast_words_are_noted_and_sent_exactly_as_written(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    coordinator = Phone(fake, COORDINATOR)
    await coordinator.send("/broadcast")
    note = await coordinator.send(HARD)
    assert "many words are long" in note["text"], note["text"]
    assert "grade" in note["text"], note["text"]
    await coordinator.tap("Send it as it is")
    await fake.wait_for_text(COORDINATOR, "exactly how your message will look", timeout=10)
    await coordinator.tap("Send now")
    await coordinator.tap("Yes, send it")
    got = await fake.wait_for_text(MEMBERS[0], "Comprehensive", timeout=10)
    assert HARD in got["text"], got["text"]


async def test_changing_noted_broadcast_words_gives_them_back(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    coordinator = Phone(fake, COORDINATOR)
    await coordinator.send("/broadcast")
    note = await coordinator.send(LONG)
    assert "one sentence is long (31 words)" in note["text"], note["text"]
    assert "Please remember that next week we are meeting" in note["text"], note["text"]
    given = await coordinator.tap("Change it")
    # The words come back exactly as typed, to copy and change; then the question.
    assert given["text"] == LONG
    await _newest(fake, "Type your message")
    shown = await coordinator.send(PLAIN)
    assert PLAIN in shown["text"], shown["text"]  # plain words: no note, the preview
    await fake.wait_for_text(COORDINATOR, "exactly how your message will look", timeout=10)


async def test_a_long_question_for_a_group_is_noted_first(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    coordinator = Phone(fake, COORDINATOR)
    await coordinator.send("/prompt")
    note = await coordinator.send(LONG)
    assert "one sentence is long" in note["text"], note["text"]
    asked = await coordinator.tap("Send it as it is")
    assert "Until when" in asked["text"], asked["text"]


async def test_a_hard_reply_to_a_member_can_be_changed(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    coordinator = Phone(fake, COORDINATOR)
    await coordinator.send("/inbox")
    await fake.wait_for_text(COORDINATOR, SHARED, timeout=10)
    await coordinator.tap("Reply", fake.last_message(COORDINATOR))
    note = await coordinator.send(HARD)
    assert "many words are long" in note["text"], note["text"]
    given = await coordinator.tap("Change it")
    assert given["text"] == HARD
    await _newest(fake, "Type your reply")
    await coordinator.send(PLAIN)
    await fake.wait_for_text(COORDINATOR, "exactly what they will read", timeout=10)


async def _action_update_asked(fake: FakeBotApi, coordinator: Phone) -> None:
    """Link the shared item to a new action, and tap Post an update on it."""
    card = await coordinator.send("/inbox")
    assert SHARED in card["text"], card["text"]
    picker = await coordinator.tap("Add to action", card)
    await coordinator.tap("New action", picker)
    await coordinator.send("Shorter forms")
    await _newest(fake, "Items linked: 1")
    asked = await coordinator.tap("Post an update")
    assert "What's the news on" in asked["text"], asked["text"]


async def test_a_hard_action_update_is_noted_and_sent_as_written(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    coordinator = Phone(fake, COORDINATOR)
    await _action_update_asked(fake, coordinator)
    note = await coordinator.send(HARD)
    assert "many words are long" in note["text"], note["text"]
    await coordinator.tap("Send it as it is")
    await _newest(fake, "Send it?")
    await coordinator.tap("Send it")
    got = await fake.wait_for_text(MEMBERS[0], "Comprehensive", timeout=10)
    assert HARD in got["text"], got["text"]


async def test_a_long_action_update_can_be_changed(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    coordinator = Phone(fake, COORDINATOR)
    await _action_update_asked(fake, coordinator)
    note = await coordinator.send(LONG)
    assert "one sentence is long (31 words)" in note["text"], note["text"]
    given = await coordinator.tap("Change it")
    # The words come back exactly as typed, to copy and change; then the question.
    assert given["text"] == LONG
    await _newest(fake, "What's the news on")
    assert any("Back" in label for label, _ in fake.buttons(fake.last_message(COORDINATOR)))
    await coordinator.send(PLAIN)  # plain words: no note, the preview
    await _newest(fake, "Send it?")
    await coordinator.tap("Send it")
    got = await fake.wait_for_text(MEMBERS[0], PLAIN, timeout=10)
    assert "Please remember" not in got["text"], got["text"]


async def _writing_to_alert(fake: FakeBotApi) -> Phone:
    """The admin makes COORDINATOR safeguarding lead; a member's risk words raise an alert
    and the lead taps Write to them; the lead's phone."""
    admin = Phone(fake, ADMIN)
    await admin.send("/leads")
    marked = await admin.tap("coordinator")
    assert "☑" in marked["text"], marked["text"]
    member = Phone(fake, MEMBERS[0])
    reply = await member.send("i dont want to be here anymore")
    await member.tap("Yes, please contact me", reply)
    alert = await fake.wait_for_text(COORDINATOR, "Safety alert", timeout=10)
    lead = Phone(fake, COORDINATOR)
    asked = await lead.tap("Write to them", alert)
    assert "Type your message" in asked["text"], asked["text"]
    return lead


async def test_a_leads_hard_words_to_a_person_are_noted_and_sent_as_written(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    lead = await _writing_to_alert(fake)
    note = await lead.send(HARD)
    assert "many words are long" in note["text"], note["text"]
    await lead.tap("Send it as it is")
    got = await fake.wait_for_text(MEMBERS[0], "Comprehensive", timeout=10)
    assert HARD in got["text"], got["text"]
    await _newest(fake, "Sent")


async def test_a_leads_long_words_to_a_person_can_be_changed(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    lead = await _writing_to_alert(fake)
    note = await lead.send(LONG)
    assert "one sentence is long (31 words)" in note["text"], note["text"]
    given = await lead.tap("Change it")
    # The words come back exactly as typed, to copy and change; then the question.
    assert given["text"] == LONG
    await _newest(fake, "Type your message")
    await lead.send(PLAIN)  # plain words: no note, they go
    await fake.wait_for_text(MEMBERS[0], PLAIN, timeout=10)
    await _newest(fake, "Sent")
    assert not any("Please remember" in text for text in fake.texts_to(MEMBERS[0]))
