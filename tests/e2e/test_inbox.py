"""Journey J4 end to end: an anonymous item worked from received to outcome in /inbox, its
author hearing each step, and the coordinator never learning who they are."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ADMIN
from tests.support.chorus_run import RunningChorus, running_chorus, settings_for
from tests.support.database import rows
from tests.support.fake_bot_api import Call, FakeBotApi
from tests.support.items import ItemSeed, seed_items
from tests.support.phone import Phone
from tests.support.seed import seed_group

COORDINATOR = 700_002
AUTHOR = 5101
OTHER = 5102
WORDS = "The forms are too long\nand nobody explains them."
GIVEN = date(2026, 3, 2)
# Visible from the morning batch, before the running clock's midday start.
VISIBLE = datetime(2026, 3, 3, 6, 0, tzinfo=UTC)


def _rows(folder: Path, query: str, *params: Any) -> list[tuple[Any, ...]]:
    return list(rows(folder, query, *params))


async def _until(check: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


async def _sent_since(
    fake: FakeBotApi, chat: int, started: float, contains: str
) -> dict[str, Any]:
    """The first message sent to `chat` after `started` whose text contains `contains`."""

    def matches(call: Call) -> bool:
        return (
            call.at >= started
            and call.method == "sendMessage"
            and call.params.get("chat_id") == chat
            and contains in str(call.params.get("text", ""))
        )

    call = await fake.wait_for(matches, 10)
    await _until(lambda: call.response is not None)
    assert call.response is not None
    return fake.message(chat, call.response["result"]["message_id"])


@pytest.fixture
async def seeded(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningChorus]:
    group = await seed_group(tmp_path / "chorus.db", COORDINATOR, [AUTHOR, OTHER], "Carers")
    await seed_items(
        tmp_path / "chorus.db",
        [ItemSeed(group, AUTHOR, WORDS, GIVEN, VISIBLE, anonymous=True)],
    )
    for person in (AUTHOR, OTHER, COORDINATOR):
        fake.user(person, f"Person{person}")
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake) as running:
        # Today's notice comes first (it is past 9:00); later answers are not confused with it.
        notice = await fake.wait_for_text(COORDINATOR, "Your inbox today", timeout=10)
        assert "New: 1" in notice["text"] and "forms" not in notice["text"]
        yield running


async def test_an_anonymous_item_reaches_an_outcome_and_its_author_hears_each_step(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    coordinator, author = Phone(fake, COORDINATOR), Phone(fake, AUTHOR)
    card = await coordinator.send("/inbox")
    assert "without a name" in card["text"] and "The forms are too long" in card["text"]
    assert "2 March 2026" in card["text"] and "waiting 1 day)" in card["text"]

    started = time.monotonic()
    confirmation = await coordinator.tap("Acknowledge", card)
    assert "Acknowledged" in confirmation["text"]
    heard = await fake.wait_for_text(AUTHOR, "A coordinator has read it", timeout=10)
    assert "On 2 March you said: “The forms are too long”" in heard["text"]

    card = await _sent_since(fake, COORDINATOR, started, "Inbox:")
    started = time.monotonic()
    await coordinator.tap("considering", card)
    await fake.wait_for_text(AUTHOR, "work out what they can do", timeout=10)

    card = await _sent_since(fake, COORDINATOR, started, "Inbox:")
    ask = await coordinator.tap("Take to a meeting", card)
    assert "Which meeting" in ask["text"]
    not_read = await coordinator.send("sometime soon")
    assert "couldn't read that" in not_read["text"]
    started = time.monotonic()
    saved = await coordinator.send("Board meeting, 12 March")
    assert "Saved" in saved["text"]
    await fake.wait_for_text(AUTHOR, "talked about at Board meeting on 12 March", timeout=10)

    card = await _sent_since(fake, COORDINATOR, started, "Inbox:")
    picker = await coordinator.tap("Record outcome", card)
    ask = await coordinator.tap("Something changed", picker)
    assert "What changed?" in ask["text"]
    started = time.monotonic()
    await coordinator.send("the forms have been cut to one page")
    preview = (await _sent_since(fake, COORDINATOR, started, "you said"))["text"]
    confirm = await _sent_since(fake, COORDINATOR, started, "exactly what they will read")
    assert preview.startswith("On 2 March you said: “The forms are too long”")
    assert "\nthe forms have been cut to one page. Thank you, this changed" in preview
    assert not any("cut to one page" in t for t in author.texts())  # not before Send
    await coordinator.tap("Send it", confirm)
    outcome = await fake.wait_for_text(AUTHOR, "cut to one page", timeout=10)
    assert outcome["text"].startswith(preview.split("\n\n")[0])

    # The coordinator never saw who gave it: no name, no id, in any message.
    for text in coordinator.texts():
        assert str(AUTHOR) not in text and f"Person{AUTHOR}" not in text and "M5101" not in text
    # Each update went to the sealed return address: no person, and no words in the clear.
    rows = _rows(
        tmp_path, "SELECT person_id, return_address, payload FROM outbox WHERE kind = 'update'"
    )
    assert len(rows) == 4
    for person_id, address, payload in rows:
        assert person_id is None and address.startswith("v1.") and payload.startswith("v1.")
    assert author.texts().count(outcome["text"]) == 1
    assert not any("forms" in t for t in Phone(fake, OTHER).texts())


async def test_a_forged_inbox_button_from_a_member_does_nothing(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    item_id = _rows(tmp_path, "SELECT id FROM item")[0][0]
    other = Phone(fake, OTHER)
    await other.send("/help")
    refused = await other.tap_data(f"oa:{item_id}")
    assert "only the people who run a group" in refused["text"]
    assert _rows(tmp_path, "SELECT status FROM item") == [("received",)]
    assert _rows(tmp_path, "SELECT count(*) FROM contributor_update") == [(0,)]


async def test_a_reply_is_previewed_then_reaches_only_its_author(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    coordinator = Phone(fake, COORDINATOR)
    card = await coordinator.send("/inbox")
    await coordinator.tap("Reply", card)
    empty = await coordinator.send("   ")
    assert "That's empty" in empty["text"]
    started = time.monotonic()
    await coordinator.send("Thank you. Which form was the worst?")
    confirm = await _sent_since(fake, COORDINATOR, started, "exactly what they will read")
    await coordinator.tap("Send it", confirm)
    reply = await fake.wait_for_text(AUTHOR, "wrote back", timeout=10)
    assert "“Thank you. Which form was the worst?”" in reply["text"]
    assert not any("Which form" in t for t in Phone(fake, OTHER).texts())


async def test_a_voice_note_is_played_to_the_coordinator_and_recalled_to_its_author(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    voice = fake.add_file("voice", b"OggS fake voice", mime_type="audio/ogg")
    group = await seed_group(tmp_path / "chorus.db", COORDINATOR, [AUTHOR], "Carers")
    seed = ItemSeed(
        group, AUTHOR, None, GIVEN, VISIBLE, True, media_kind="voice", media_file_id=voice.file_id
    )
    await seed_items(tmp_path / "chorus.db", [seed])
    for person in (AUTHOR, COORDINATOR):
        fake.user(person, f"Person{person}")
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake):
        await fake.wait_for_text(COORDINATOR, "Your inbox today", timeout=10)
        coordinator = Phone(fake, COORDINATOR)
        card = await coordinator.send("/inbox")
        assert "a voice note" in card["text"]
        started = time.monotonic()
        play = next(data for text, data in fake.buttons(card) if "Hear or see it" in text)
        fake.tap(coordinator.user, card["message_id"], play)  # the answer is the voice note
        sent = await fake.wait_for(
            lambda c: c.at >= started and c.method == "sendVoice", timeout=10
        )
        assert sent.params["chat_id"] == COORDINATOR and sent.params["voice"] == voice.file_id
        await coordinator.tap("Acknowledge", card)
        heard = await fake.wait_for_text(AUTHOR, "A coordinator has read it", timeout=10)
        assert heard["text"].startswith("On 2 March you sent a voice note.")
