"""The anonymity promises, checked in the database after real submissions.

After an anonymous submission is handled: no table but the members' tables holds the
member's Telegram id or chat id in any form; nothing links the item to the member without
the secret key; no member's words are in the database file or its WAL in plain text (on
PostgreSQL: in a dump of the database, or the server's data files and log); no
log line holds them; no coordinator or observer view shows who wrote an anonymous item.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import signal
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.clock import SystemClock
from bot.logs import LIBRARY_FLOORS, configure_logging
from bot.services.sharing import Sharing, next_batch
from storage import schema
from tests.e2e.conftest import ADMIN
from tests.support import forensics
from tests.support.chorus_run import chorus_env, running_chorus, settings_for, spawn_chorus
from tests.support.clock import MovableClock
from tests.support.database import (
    current_postgres,
    database_file,
    on_postgres,
    postgres_dump,
    postgres_files,
    rows,
    table_names,
)
from tests.support.fake_bot_api import FakeBotApi
from tests.support.items import ItemSeed, seed_items
from tests.support.phone import Phone
from tests.support.seed import seed_group
from tests.support.sharing import (
    COORDINATOR,
    GROUP,
    MEMBERS,
    answer_to_media,
    database,
    share_words,
)

WRITER = 918_273_645
# The members' own tables: who they are, and which groups they are in.
MEMBER_TABLES = {"person", "membership"}
WORDS = "marmalade umbrella confession about the night ward"
CAPTION = "lighthouse caption nobody should read"
RISKY = "after that visit I wanted to end my life"
NAMED_WORDS = "walrus testimony with a name on it"
DRAFT_WORDS = "unfinished kettle draft words"


@pytest.fixture
def production_logging() -> Iterator[None]:
    """Chorus's own logging at its most talkative level, undone afterwards."""
    names = ["", *LIBRARY_FLOORS]
    levels = {name: logging.getLogger(name).level for name in names}
    configure_logging("DEBUG")
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def _forms(number: int) -> list[str]:
    text = str(number)
    return [
        text,
        hashlib.sha256(text.encode()).hexdigest(),
        hashlib.sha256(number.to_bytes(8, "big")).hexdigest(),
    ]


def _holding(folder: Path, number: int) -> list[str]:
    """Every table.column outside the members' tables that holds `number` in any form."""
    found = []
    for table in table_names(folder):
        if table in MEMBER_TABLES:
            continue
        for row in rows(folder, f'SELECT * FROM "{table}"'):
            for column, value in zip(row.keys(), row, strict=True):
                if value == number or any(form in str(value) for form in _forms(number)):
                    found.append(f"{table}.{column}")
    return found


def _stored(folder: Path) -> dict[str, bytes]:
    """Everything that holds the database, as bytes: the SQLite file and its write-ahead
    log; or on PostgreSQL, the database's dump and the server's files that can hold it."""
    database = current_postgres()
    if database is not None:
        return {"dump": postgres_dump(database), **postgres_files(database)}
    path = database_file(folder)
    wal = path.with_name(path.name + "-wal")
    return {"chorus.db": path.read_bytes(), "-wal": wal.read_bytes() if wal.exists() else b""}


@pytest.mark.usefixtures("production_logging")
async def test_an_anonymous_submission_leaves_no_trace_of_its_author(
    fake: FakeBotApi, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    await seed_group(database(tmp_path), COORDINATOR, MEMBERS, name=GROUP)
    writer, other = Phone(fake, WRITER, "Quill"), Phone(fake, MEMBERS[0])
    coordinator, lead = Phone(fake, COORDINATOR), Phone(fake, COORDINATOR)
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    clock = MovableClock(datetime(2026, 3, 3, 12, 0, tzinfo=UTC))
    async with running_chorus(settings, fake, clock) as running:
        admin = Phone(fake, ADMIN)
        await admin.send("/leads")
        await admin.tap("coordinator")
        await writer.send(f"/start j-seed{COORDINATOR}")
        await writer.tap("Yes, join")
        await writer.tap("Use “Quill”")

        # A story in words, anonymous, with a word of risk said "no" to.
        await writer.send("/share")
        await writer.tap("Part of my story")
        reply = await writer.send(f"{WORDS}. {RISKY}")
        assert "I'm sorry you're going through this" in reply["text"]
        await writer.tap("No, thank you", reply)
        question = await writer.tap("Carry on with what I was writing", reply)
        await writer.tap("Without my name", question)
        await writer.tap("Quote it without my name")
        await writer.tap("Send")
        alert = await fake.wait_for_text(lead.id, "Safety alert")
        assert "Quill" not in alert["text"] and str(WRITER) not in alert["html"]

        # A photo with a caption, anonymous too; and a draft left half-written.
        await writer.send("/share")
        await writer.tap("Feedback")
        await answer_to_media(fake, writer, "photo", b"JPEG", caption=CAPTION)
        await writer.tap("Without my name")
        await writer.tap("Only coordinators read it")
        await writer.tap("Send")
        await writer.send("/share")
        await writer.tap("Feedback")
        await writer.send(DRAFT_WORDS)

        # Someone else's named item, so the files hold a named one as well.
        await share_words(other, NAMED_WORDS)

        # The daily batch: coordinators read both anonymous items, without who wrote them.
        clock.move_to(datetime(2026, 3, 4, 9, 0, 30, tzinfo=UTC))
        # The daily batch's round, run now rather than waited for.
        await running.tick("followup")
        # The new day's notice to coordinators comes with it; /read is answered after it.
        await fake.wait_for_text(coordinator.id, "Your inbox today", timeout=10)
        view = await coordinator.send("/read")
        assert WORDS in view["text"] and CAPTION in view["text"]
        assert "Quill" not in view["text"] and str(WRITER) not in view["text"]

        # While Chorus runs (the WAL holds the latest pages) and after it stops.
        while_running = _stored(tmp_path)
        assert _holding(tmp_path, WRITER) == []
    stopped = _stored(tmp_path)

    for words in (WORDS, CAPTION, RISKY, NAMED_WORDS, DRAFT_WORDS, "marmalade", "lighthouse"):
        for when, files in (("running", while_running), ("stopped", stopped)):
            held = [name for name, data in files.items() if words.encode() in data]
            assert held == [], (words, when)
    assert _holding(tmp_path, WRITER) == []
    assert rows(tmp_path, "SELECT count(*) FROM update_journal") == [(0,)]
    [(person_id,)] = rows(tmp_path, "SELECT id FROM person WHERE telegram_id = ?", WRITER)
    anonymous = rows(
        tmp_path, "SELECT person_id, given_on, pseudonym FROM item WHERE person_id IS NULL"
    )
    assert len(anonymous) == 2
    if not on_postgres():
        # No hidden sequence number orders the items by when they came: the rowid is the
        # random id itself.
        assert all(rowid == id_ for rowid, id_ in rows(tmp_path, "SELECT rowid, id FROM item"))
    assert all(given_on == "2026-03-03" for _, given_on, _ in anonymous)
    # Nothing but the members' tables refers to the writer's person row.
    assert _holding_reference(tmp_path, person_id) == []

    for record in caplog.records:
        message = record.getMessage()
        for words in ("marmalade", "lighthouse", "end my life", "walrus", "kettle", str(WRITER)):
            assert words not in message, (record.name, message)
    assert any(record.levelno == logging.DEBUG for record in caplog.records)


def _holding_reference(folder: Path, person_id: int) -> list[str]:
    """Foreign keys to person, outside the members' tables, that point at this person."""
    found = []
    for table in schema.metadata.sorted_tables:
        # The member's own unfinished step refers to them, as it must (its words sealed).
        if table.name in MEMBER_TABLES or table.name == "pending_step":
            continue
        for key in table.foreign_keys:
            if key.column.table.name != "person":
                continue
            column = key.parent.name
            query = f'SELECT count(*) FROM "{table.name}" WHERE "{column}" = ?'
            [(count,)] = rows(folder, query, person_id)
            if count:
                found.append(f"{table.name}.{column}")
    return found


@pytest.mark.usefixtures("production_logging")
async def test_an_error_while_sending_reports_no_words_and_no_one(
    fake: FakeBotApi,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await seed_group(database(tmp_path), COORDINATOR, [WRITER], name=GROUP)
    writer = Phone(fake, WRITER, "Quill")
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake):
        await writer.send("/share")
        await writer.tap("Feedback")
        await writer.send(WORDS)
        await writer.tap("Without my name")
        await writer.tap("Only coordinators read it")

        async def broken(
            self: Sharing, telegram_id: int, chat_id: int, reference: str | None = None
        ) -> None:
            raise RuntimeError(f"{telegram_id} {WORDS}")

        monkeypatch.setattr(Sharing, "send", broken)
        failed = await writer.tap("Send")
        assert failed["text"].startswith("Sorry, something went wrong on my side.")
    reports = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert reports and any("RuntimeError" in report for report in reports)
    for record in caplog.records:
        message = record.getMessage()
        assert "marmalade" not in message and str(WRITER) not in message, message


# --- every file, at every commit -------------------------------------------------------------

OUTCOME_WORDS = "the quince committee replaced every chair"
JOURNEY_WORDS = "periwinkle account of the locked day room"
HALF_WORDS = "sycamore half draft never sent"


def _author(folder: Path, telegram_id: int) -> forensics.Author:
    [(person_id, chat_id)] = rows_of(
        folder, "SELECT id, chat_id FROM person WHERE telegram_id = ?", telegram_id
    )
    return forensics.Author(
        person_id, telegram_id, chat_id, forensics.person_columns(database(folder))
    )


def _anonymous_item(folder: Path) -> forensics.Item:
    [(item_id, reference, pseudonym)] = rows_of(
        folder, "SELECT id, reference, pseudonym FROM item WHERE person_id IS NULL"
    )
    return forensics.Item(item_id, reference, pseudonym)


def rows_of(folder: Path, query: str, *params: Any) -> list[tuple[Any, ...]]:
    return list(rows(folder, query, *params))


def _problems(
    copies: list[forensics.Copy],
    author: forensics.Author,
    item: forensics.Item,
    sent_at: list[datetime],
    words: list[bytes],
) -> list[str]:
    # The commit that stored the item is in at least one copy, so its neighbours are checked.
    assert any(forensics.storing_commit(forensics.states(c), item) is not None for c in copies)
    found: list[str] = []
    for copy in copies:
        found += forensics.links(copy, author, item, sent_at)
        found += forensics.plain_drafts(copy)
        found += forensics.plain_bytes(copy, [*words, b'"named"'])
    return found


async def _share_anonymously(
    writer: Phone, words: str, clock: Any, risky: bool = False
) -> list[datetime]:
    """The writer's anonymous story, from /share to its receipt; when it was sent. With
    `risky`, the words suggest risk, and the writer says no to being contacted."""
    await writer.send("/share")
    await writer.tap("Part of my story")
    if risky:
        reply = await writer.send(f"{words}. {RISKY}")
        await writer.tap("No, thank you", reply)
        # The safety reply stands alone; the step waits behind "Carry on".
        question = await writer.tap("Carry on with what I was writing", reply)
        await writer.tap("Without my name", question)
    else:
        await writer.send(words)
        await writer.tap("Without my name")
    preview = await writer.tap("Quote it without my name")
    assert "Here's what you'll send" in preview["text"], preview["text"]
    before = clock.now()
    receipt = await writer.tap("Send")
    assert "Your private reference" in receipt["text"], receipt["text"]
    return [before, clock.now()]


async def _outcome_reaches_the_author(coordinator: Phone, writer: Phone, fake: FakeBotApi) -> None:
    """The coordinator records an outcome in their words; its author hears it."""
    card = await coordinator.send("/inbox")
    assert JOURNEY_WORDS in card["text"], card["text"]
    picker = await coordinator.tap("Record outcome", card)
    await coordinator.tap("Something changed", picker)
    await coordinator.send(OUTCOME_WORDS)
    confirm = await fake.wait_for_text(coordinator.id, "exactly what they will read", 10)
    await coordinator.tap("Send it", confirm)
    await fake.wait_for_text(writer.id, OUTCOME_WORDS, timeout=15)


# Commit by commit, from SQLite's write-ahead log: PostgreSQL's is not replayed here.
@pytest.mark.sqlite_only
async def test_no_copy_of_the_files_at_any_commit_ties_an_anonymous_item_to_its_author(
    fake: FakeBotApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _every_commit_of_a_journey(fake, tmp_path, monkeypatch, risky=False)


@pytest.mark.sqlite_only
async def test_no_copy_ties_an_anonymous_item_with_words_of_risk_to_its_author(
    fake: FakeBotApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _every_commit_of_a_journey(fake, tmp_path, monkeypatch, risky=True)


async def _every_commit_of_a_journey(
    fake: FakeBotApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, risky: bool
) -> None:
    await seed_group(database(tmp_path), COORDINATOR, MEMBERS, name=GROUP)
    writer, coordinator = Phone(fake, WRITER, "Quill"), Phone(fake, COORDINATOR)
    recorder = forensics.CommitRecorder(database(tmp_path))
    recorder.install(monkeypatch)
    clock = MovableClock(datetime(2026, 3, 3, 12, 0, tzinfo=UTC))
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake, clock) as running:
        await writer.send(f"/start j-seed{COORDINATOR}")
        await writer.tap("Yes, join")
        await writer.tap("Use “Quill”")
        sent_at = await _share_anonymously(writer, JOURNEY_WORDS, clock, risky)
        # A draft left half-written.
        await writer.send("/share")
        await writer.tap("Feedback")
        await writer.send(HALF_WORDS)

        # The next morning's batch, then an outcome that reaches the author.
        clock.move_to(datetime(2026, 3, 4, 9, 0, 30, tzinfo=UTC))
        # The daily batch's round, run now rather than waited for.
        await running.tick("followup")
        await fake.wait_for_text(coordinator.id, "New: 1", timeout=15)
        await _outcome_reaches_the_author(coordinator, writer, fake)
        recorder.add(forensics.take_copy(database(tmp_path), "while running, at the end"))
    recorder.add(forensics.take_copy(database(tmp_path), "after a clean stop"))

    assert recorder.commits > 20
    author, item = _author(tmp_path, WRITER), _anonymous_item(tmp_path)
    words = [JOURNEY_WORDS, HALF_WORDS, OUTCOME_WORDS, RISKY, "periwinkle", "quince"]
    problems = _problems(recorder.copies, author, item, sent_at, [w.encode() for w in words])
    assert problems == [], "\n".join(problems)


@pytest.mark.sqlite_only
async def test_a_copy_after_a_kill_ties_no_anonymous_item_to_its_author(
    fake: FakeBotApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed_group(database(tmp_path), COORDINATOR, MEMBERS, name=GROUP)
    writer, coordinator = Phone(fake, WRITER, "Quill"), Phone(fake, COORDINATOR)
    env = chorus_env(fake, tmp_path, CHORUS_ADMIN_IDS=str(ADMIN))
    process = spawn_chorus(env, tmp_path)
    try:
        await fake.wait_for(lambda call: call.method == "getUpdates", 20)
        await writer.send(f"/start j-seed{COORDINATOR}")
        await writer.tap("Yes, join")
        await writer.tap("Use “Quill”")
        sent_at = await _share_anonymously(writer, JOURNEY_WORDS, SystemClock())
        await writer.send("/share")
        await writer.tap("Feedback")
        await writer.send(HALF_WORDS)
    finally:
        process.send_signal(signal.SIGKILL)
        await asyncio.to_thread(process.wait, 10)
    killed = forensics.take_copy(database(tmp_path), "after SIGKILL")

    # Restarted at the next batch: the batch reaches the coordinators, and the outcome the
    # author.
    recorder = forensics.CommitRecorder(database(tmp_path))
    recorder.add(killed)
    recorder.install(monkeypatch)
    batch = next_batch(sent_at[1], ZoneInfo("Europe/London"))
    clock = MovableClock(batch + timedelta(seconds=30))
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake, clock) as running:
        # The daily batch's round, run now rather than waited for.
        await running.tick("followup")
        await _outcome_reaches_the_author(coordinator, writer, fake)
    recorder.add(forensics.take_copy(database(tmp_path), "after a clean stop"))

    author, item = _author(tmp_path, WRITER), _anonymous_item(tmp_path)
    words = [JOURNEY_WORDS, HALF_WORDS, OUTCOME_WORDS, "periwinkle", "sycamore"]
    problems = _problems(recorder.copies, author, item, sent_at, [w.encode() for w in words])
    assert problems == [], "\n".join(problems)


# --- coordinators' drafts ------------------------------------------------------------------

REPLY_WORDS = "Thank you, which gazebo form was the worst?"
UPDATE_WORDS = "The tangerine working group meets on Friday."
BROADCAST_WORDS = "Our accordion evening moves to the library."


async def test_coordinators_drafts_are_sealed_like_members(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    group = await seed_group(database(tmp_path), COORDINATOR, MEMBERS, name=GROUP)
    await seed_items(
        database(tmp_path),
        [
            ItemSeed(
                group,
                MEMBERS[0],
                "Some words",
                datetime(2026, 3, 2).date(),
                datetime(2026, 3, 3, 6, tzinfo=UTC),
                anonymous=True,
            )
        ],
    )
    coordinator = Phone(fake, COORDINATOR)
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN, COORDINATOR}))
    async with running_chorus(settings, fake):
        await fake.wait_for_text(coordinator.id, "Your inbox today", timeout=10)

        # A reply, written and previewed, not sent.
        card = await coordinator.send("/inbox")
        await coordinator.tap("Reply", card)
        await coordinator.send(REPLY_WORDS)
        await fake.wait_for_text(coordinator.id, "exactly what they will read", 10)
        reply_copy = forensics.take_test_copy(tmp_path, "reply drafted")

        # An update on an action, written and previewed, not sent.
        card = await coordinator.send("/inbox")
        picker = await coordinator.tap("Add to action", card)
        await coordinator.tap("New action", picker)
        await coordinator.send("Shorter forms")
        opened = await coordinator.send("/action")  # the one action, opened at once
        await coordinator.tap("Post an update", opened)
        await coordinator.send(UPDATE_WORDS)
        await fake.wait_for_text(coordinator.id, "Send it?", 10)
        update_copy = forensics.take_test_copy(tmp_path, "update drafted")

        # A message to the group, written and previewed, not sent.
        await coordinator.send("/broadcast")
        await coordinator.send(BROADCAST_WORDS)
        await fake.wait_for_text(coordinator.id, "exactly how your message will look", 10)
        broadcast_copy = forensics.take_test_copy(tmp_path, "broadcast drafted")

    problems: list[str] = []
    for copy in (reply_copy, update_copy, broadcast_copy):
        problems += forensics.plain_drafts(copy)
        problems += forensics.plain_bytes(
            copy, [REPLY_WORDS.encode(), UPDATE_WORDS.encode(), BROADCAST_WORDS.encode()]
        )
    assert problems == [], "\n".join(problems)
