"""Journey J7 end to end: leaving a group with a choice about what was shared, a coordinator
removing a member, taking an item back from every chat and row it reached, and consent that
the member can change after sending."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.crypto import SEALED_PREFIX
from bot.services.delivery_rules import PAYLOAD_PURPOSE, RETURN_ADDRESS_PURPOSE
from tests.e2e.conftest import ADMIN
from tests.support.chorus_run import RunningChorus, running_chorus, settings_for
from tests.support.fake_bot_api import Call, FakeBotApi
from tests.support.items import ItemSeed, seed_items, seed_outcomes
from tests.support.phone import Phone
from tests.support.seed import seed_group
from tests.support.sharing import rows, sealer

COORDINATOR = 700_002
AUTHOR = 5201
OTHER = 5202
WORDS = "The waiting room is far too cold in winter."
SECRET = "My key worker never calls back."
GIVEN = date(2026, 3, 2)
VISIBLE = datetime(2026, 3, 3, 6, 0, tzinfo=UTC)
TAKEN_BACK = "Taken back by the person who shared it."
LIST_TAKEN_BACK = "was taken back by the person who shared it"


async def _start(
    fake: FakeBotApi, folder: Path, seeds: list[ItemSeed], outcome: bool = False
) -> tuple[int, list[int]]:
    """The group (AUTHOR and OTHER, coordinated by COORDINATOR) and its items."""
    group = await seed_group(folder / "chorus.db", COORDINATOR, [AUTHOR, OTHER], "Carers")
    ids = await seed_items(folder / "chorus.db", [replace(s, group_id=group) for s in seeds])
    if outcome:
        when = datetime(2026, 3, 3, 7, 0, tzinfo=UTC)
        await seed_outcomes(folder / "chorus.db", [(ids[0], "changed", "a heater")], when)
    for person in (AUTHOR, OTHER, COORDINATOR):
        fake.user(person, f"Person{person}")
    return group, ids


@pytest.fixture
async def running(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningChorus]:
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake) as run:
        await fake.wait_for_text(COORDINATOR, "Your inbox today", timeout=10)
        yield run


def _named(words: str = WORDS, consent: str = "quote_anonymous") -> ItemSeed:
    return ItemSeed(0, AUTHOR, words, GIVEN, VISIBLE, False, consent)


def _anonymous(words: str = SECRET) -> ItemSeed:
    return ItemSeed(0, AUTHOR, words, GIVEN, VISIBLE, True, "coordinators")


def _seeds(*seeds: ItemSeed) -> list[ItemSeed]:
    # `_start` puts the group in: the seeds' group is filled in there.
    return list(seeds)


async def _sent_since(fake: FakeBotApi, chat: int, started: float, contains: str) -> Call:
    return await fake.wait_for(
        lambda c: (
            c.at >= started
            and c.method == "sendMessage"
            and c.params.get("chat_id") == chat
            and contains in str(c.params.get("text", ""))
            and c.response is not None
        ),
        timeout=10,
    )


async def _edited(fake: FakeBotApi, chat: int, message_id: int) -> str:
    """The text of a message once the bot has edited the words out of it (an earlier edit
    that put them in, such as /mine's full view, does not count)."""
    await fake.wait_for(
        lambda c: (
            c.method == "editMessageText"
            and c.params.get("chat_id") == chat
            and c.params.get("message_id") == message_id
            and WORDS not in str(c.params.get("text", ""))
            and c.response is not None
        ),
        timeout=10,
    )
    return str(fake.message(chat, message_id)["text"])


def _message_id(call: Call) -> int:
    assert call.response is not None
    return int(call.response["result"]["message_id"])


def _payload_words(folder: Path) -> list[str]:
    """Every outbox payload as the delivery worker would read it."""
    opened = []
    for row in rows(folder, "SELECT payload FROM outbox"):
        payload = str(row["payload"])
        if payload.startswith(SEALED_PREFIX):
            payload = sealer().open(payload, PAYLOAD_PURPOSE)
        opened.append(payload)
    return opened


async def _take_back_first(author: Phone) -> dict[str, Any]:
    listing = await author.send("/mine")
    ask = await author.tap("Take back 1", listing)
    return await author.tap("Yes, take it back", ask)


# --- Taking back reaches every copy ------------------------------------------------------------


@pytest.fixture
async def quoted(fake: FakeBotApi, tmp_path: Path) -> tuple[int, list[int]]:
    return await _start(fake, tmp_path, _seeds(_named()), outcome=True)


@pytest.fixture
async def fresh(fake: FakeBotApi, tmp_path: Path) -> tuple[int, list[int]]:
    return await _start(fake, tmp_path, _seeds(_named()))


async def test_taking_back_edits_every_message_that_showed_it_and_erases_sealed_copies(
    fake: FakeBotApi, fresh: tuple[int, list[int]], running: RunningChorus, tmp_path: Path
) -> None:
    coordinator, author, other = Phone(fake, COORDINATOR), Phone(fake, AUTHOR), Phone(fake, OTHER)
    card = await coordinator.send("/inbox")
    assert WORDS in card["text"]
    listed = await coordinator.send("/read")
    assert WORDS in listed["text"] and "may be quoted, without a name" in listed["text"]
    # An outcome: its author hears it (quoting their words, sealed in the outbox), and it
    # goes on the "you said, we did" list, which is sent to the group.
    working = await coordinator.send("/inbox")
    picker = await coordinator.tap("Record outcome", working)
    await coordinator.tap("Something changed", picker)
    started = time.monotonic()
    await coordinator.send("we have ordered a heater")
    confirm = await _sent_since(fake, COORDINATOR, started, "exactly what they will read")
    await coordinator.tap("Send it", fake.message(COORDINATOR, _message_id(confirm)))
    heard = await fake.wait_for_text(AUTHOR, "ordered a heater", timeout=10)
    assert any(WORDS in p for p in _payload_words(tmp_path))
    sending = await coordinator.send("/updates")
    started = time.monotonic()
    ask = await coordinator.tap("Send this to the group", sending)
    sent = await coordinator.tap("Yes, send it", ask)
    sent_board = await _sent_since(fake, OTHER, started, WORDS)
    # The author is a member too, and gets the list as well.
    author_board = await _sent_since(fake, AUTHOR, started, WORDS)
    board = await coordinator.send("/updates")
    assert WORDS in board["text"]
    [item] = rows(tmp_path, "SELECT reference FROM item")
    full = await author.tap_data(f"uv:{item['reference']}", await author.send("/mine"))
    assert WORDS in full["text"]
    await fake.wait_for_text(AUTHOR, "you can take it back")

    done = await _take_back_first(author)
    assert "taken back" in done["text"]

    # Every message that showed the words says so now, through the outbox.
    assert await _edited(fake, COORDINATOR, card["message_id"]) == TAKEN_BACK
    assert LIST_TAKEN_BACK in await _edited(fake, COORDINATOR, listed["message_id"])
    assert LIST_TAKEN_BACK in await _edited(fake, COORDINATOR, board["message_id"])
    assert LIST_TAKEN_BACK in await _edited(fake, OTHER, _message_id(sent_board))
    assert LIST_TAKEN_BACK in await _edited(fake, AUTHOR, _message_id(author_board))
    assert await _edited(fake, AUTHOR, heard["message_id"]) == TAKEN_BACK
    assert await _edited(fake, AUTHOR, full["message_id"]) == TAKEN_BACK
    # A message that moved on to say something else is left as it is.
    assert fake.message(COORDINATOR, sent["message_id"])["text"] == sent["text"]
    # The answer to taking it back is left as it is.
    assert fake.message(AUTHOR, done["message_id"])["text"] == done["text"]
    for phone in (coordinator, author, other):
        assert not any(WORDS in text for text in phone.texts()), (
            phone.id,
            [t for t in phone.texts() if WORDS in t],
        )

    # No sealed copy is left: not in the item, its updates, or any queued or sent message.
    [item] = rows(tmp_path, "SELECT body, withdrawn_on FROM item")
    assert item["body"] is None and item["withdrawn_on"] is not None
    assert not any(WORDS in p for p in _payload_words(tmp_path))
    assert not any("heater" in p and "you said" in p for p in _payload_words(tmp_path))
    updates = rows(tmp_path, "SELECT text FROM contributor_update")
    assert updates and all(row["text"] == "" for row in updates)
    assert rows(tmp_path, "SELECT id FROM item_copy") == []


async def test_a_voice_note_played_to_a_coordinator_is_deleted_when_taken_back(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    voice = fake.add_file("voice", b"OggS fake voice", mime_type="audio/ogg")
    seed = ItemSeed(0, AUTHOR, None, GIVEN, VISIBLE, media_kind="voice")
    await _start(fake, tmp_path, [replace(seed, media_file_id=voice.file_id)])
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake):
        await fake.wait_for_text(COORDINATOR, "Your inbox today", timeout=10)
        coordinator, author = Phone(fake, COORDINATOR), Phone(fake, AUTHOR)
        card = await coordinator.send("/inbox")
        started = time.monotonic()
        play = next(data for text, data in fake.buttons(card) if "Hear or see it" in text)
        fake.tap(coordinator.user, card["message_id"], play)
        sent = await fake.wait_for(
            lambda c: c.at >= started and c.method == "sendVoice" and c.response is not None
        )
        await _take_back_first(author)
        deleted = await fake.wait_for(
            lambda c: c.method == "deleteMessage" and c.response is not None, timeout=10
        )
        assert deleted.params["chat_id"] == COORDINATOR
        assert int(deleted.params["message_id"]) == _message_id(sent)
        await fake.wait_for_text(COORDINATOR, TAKEN_BACK, timeout=10)


# --- Leaving with a choice ----------------------------------------------------------------------


@pytest.fixture
async def shared(fake: FakeBotApi, tmp_path: Path) -> tuple[int, list[int]]:
    return await _start(fake, tmp_path, _seeds(_named(consent="quote_named"), _anonymous()))


async def _leave(author: Phone, choice: str) -> dict[str, Any]:
    ask = await author.send("/leave")
    assert "You shared 2 things in Carers" in ask["text"]
    return await author.tap(choice, ask)


def _still_member(folder: Path) -> bool:
    found = rows(
        folder,
        "SELECT 1 FROM membership m JOIN person p ON p.id = m.person_id WHERE p.telegram_id = ?",
        AUTHOR,
    )
    return bool(found)


async def test_leaving_and_keeping_items_with_the_name(
    fake: FakeBotApi, shared: tuple[int, list[int]], running: RunningChorus, tmp_path: Path
) -> None:
    left = await _leave(Phone(fake, AUTHOR), "Keep them, with my name")
    assert "You've left Carers" in left["text"]
    assert not _still_member(tmp_path)
    # NULLS FIRST: SQLite's order for an empty value; PostgreSQL puts it last unless told.
    items = rows(
        tmp_path, "SELECT person_id, body, withdrawn_on FROM item ORDER BY person_id NULLS FIRST"
    )
    assert [row["person_id"] is None for row in items] == [True, False]
    assert all(row["body"] is not None and row["withdrawn_on"] is None for row in items)


async def test_leaving_and_keeping_items_without_the_name(
    fake: FakeBotApi, shared: tuple[int, list[int]], running: RunningChorus, tmp_path: Path
) -> None:
    named_id = shared[1][0]
    left = await _leave(Phone(fake, AUTHOR), "Keep them, without my name")
    assert "without your name" in left["text"]
    assert not _still_member(tmp_path)
    [item] = rows(tmp_path, "SELECT * FROM item WHERE id = ?", named_id)
    key = sealer()
    # Now like any anonymous item: no person, the pseudonym, the chat sealed, the batch time.
    assert item["person_id"] is None and item["pseudonym"] == key.pseudonym(AUTHOR)
    assert key.open(item["return_address"], RETURN_ADDRESS_PURPOSE) == str(AUTHOR)
    assert item["visible_at"].startswith("2026-03-02 09:00")
    assert item["consent"] == "quote_anonymous" and item["body"] is not None
    card = await Phone(fake, COORDINATOR).send("/inbox")
    assert "without a name" in card["text"] and f"Person{AUTHOR}" not in card["text"]
    listing = await Phone(fake, AUTHOR).send("/mine")
    assert "What you've shared (2)" in listing["text"]


async def test_leaving_and_taking_everything_back(
    fake: FakeBotApi, shared: tuple[int, list[int]], running: RunningChorus, tmp_path: Path
) -> None:
    card = await Phone(fake, COORDINATOR).send("/read")
    assert WORDS in card["text"] and SECRET in card["text"]
    left = await _leave(Phone(fake, AUTHOR), "Take them all back")
    assert "taken back" in left["text"]
    assert not _still_member(tmp_path)
    items = rows(tmp_path, "SELECT body, withdrawn_on, pseudonym, return_address FROM item")
    assert len(items) == 2
    for row in items:
        assert row["body"] is None and row["withdrawn_on"] is not None
        assert row["pseudonym"] is None and row["return_address"] is None
    edited = await fake.wait_for_text(COORDINATOR, LIST_TAKEN_BACK, timeout=10)
    assert edited["message_id"] == card["message_id"]


# --- A coordinator removes a member -----------------------------------------------------------


def _person_id(folder: Path, telegram_id: int) -> int:
    [row] = rows(folder, "SELECT id FROM person WHERE telegram_id = ?", telegram_id)
    return int(row["id"])


async def test_a_coordinator_removes_a_member_who_is_told_kindly(
    fake: FakeBotApi, shared: tuple[int, list[int]], running: RunningChorus, tmp_path: Path
) -> None:
    group, person = shared[0], _person_id(tmp_path, AUTHOR)
    coordinator = Phone(fake, COORDINATOR)
    listing = await coordinator.send("/members")
    remove = next(data for _, data in fake.buttons(listing) if data == f"mr:{group}:{person}")
    ask = await coordinator.tap_data(remove, listing)
    assert "Any reason you have stays with you" in ask["text"]
    done = await coordinator.tap("Yes, remove them", ask)
    assert "is no longer in" in done["text"]
    told = await fake.wait_for_text(AUTHOR, "Your place in", timeout=10)
    assert "Thank you for the time and the words you gave" in told["text"]
    assert "/mine shows it" in told["text"]
    assert not _still_member(tmp_path)
    # What they shared stays as it was.
    assert len(rows(tmp_path, "SELECT id FROM item WHERE body IS NOT NULL")) == 2


async def test_a_coordinator_keeps_a_reason_that_the_member_never_sees(
    fake: FakeBotApi, shared: tuple[int, list[int]], running: RunningChorus, tmp_path: Path
) -> None:
    group, person = shared[0], _person_id(tmp_path, AUTHOR)
    reason = "Spoke over others at every meeting"
    coordinator = Phone(fake, COORDINATOR)
    listing = await coordinator.send("/members")
    remove = next(data for _, data in fake.buttons(listing) if data == f"mr:{group}:{person}")
    ask = await coordinator.tap("Yes, remove them", await coordinator.tap_data(remove, listing))
    assert "type a short reason" in ask["text"] and "Skip" in str(fake.buttons(ask))
    kept = await coordinator.send(reason)
    assert "I've kept your reason" in kept["text"]
    [row] = rows(tmp_path, "SELECT reason FROM membership_departure")
    assert row["reason"] is not None and reason not in row["reason"]
    told = await fake.wait_for_text(AUTHOR, "Your place in", timeout=10)
    assert reason not in told["text"]
    assert not any(reason in text for text in fake.texts_to(OTHER))


async def test_a_forged_remove_button_from_a_member_does_nothing(
    fake: FakeBotApi, shared: tuple[int, list[int]], running: RunningChorus, tmp_path: Path
) -> None:
    group, person = shared[0], _person_id(tmp_path, AUTHOR)
    other = Phone(fake, OTHER)
    await other.send("/help")
    refused = await other.tap_data(f"my:{group}:{person}")
    assert "only the people who run a group" in refused["text"]
    assert _still_member(tmp_path)
    assert rows(tmp_path, "SELECT id FROM outbox WHERE kind = 'removed'") == []


# --- Consent that stays the member's ----------------------------------------------------------


async def test_narrowing_consent_takes_the_quote_off_updates(
    fake: FakeBotApi, quoted: tuple[int, list[int]], running: RunningChorus, tmp_path: Path
) -> None:
    author, other = Phone(fake, AUTHOR), Phone(fake, OTHER)
    assert WORDS in (await other.send("/updates"))["text"]
    [item] = rows(tmp_path, "SELECT reference FROM item")
    listing = await author.send("/mine")
    await author.tap_data(f"uv:{item['reference']}", listing)
    actions = await fake.wait_for_text(AUTHOR, "you can take it back")
    where = await author.tap("Where it was quoted", actions)
    assert "3 March 2026: in the group's “you said, we did” list" in where["text"]
    await author.tap_data(f"uv:{item['reference']}", listing)
    actions = await fake.wait_for_text(AUTHOR, "you can take it back")
    ask = await author.tap("Change how it may be used", actions)
    assert "Right now: it may be quoted, without your name" in ask["text"]
    labels = [text for text, _ in fake.buttons(ask)]
    assert labels == [
        "Only coordinators read it",
        "Quote it without my name",
        "Quote it with my name",
        "‹ Back",
        "✖ Stop",
    ]
    saved = await author.tap("Only coordinators read it", ask)
    assert "From now on: it is just for the coordinators to see" in saved["text"]
    assert WORDS not in (await other.send("/updates"))["text"]
    read = await Phone(fake, COORDINATOR).send("/read")
    assert "for the coordinators to see" in read["text"]

    # Widened again, with an end date: quoted until then, and the member sees it in /mine.
    await author.tap_data(f"ucs:{item['reference']}:quote_anonymous")
    assert WORDS in (await other.send("/updates"))["text"]
    await author.tap_data(f"uv:{item['reference']}", listing)
    actions = await fake.wait_for_text(AUTHOR, "you can take it back")
    ask = await author.tap("Set an end date for quotes", actions)
    saved = await author.tap("For 1 month", ask)
    assert "until 3 April 2026" in saved["text"]
    [row] = rows(tmp_path, "SELECT quote_until FROM item")
    assert row["quote_until"] == "2026-04-03"
    full = await author.tap_data(f"uv:{item['reference']}", listing)
    assert "it may be quoted, without your name, until 3 April 2026" in full["text"]
    read = await Phone(fake, COORDINATOR).send("/read")
    assert "may be quoted, without a name · May be quoted until 3 April 2026" in read["text"]
