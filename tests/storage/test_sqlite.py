"""What only SQLite needs: connection settings, one writer at a time, and secure deletion."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import event, insert, select, text
from sqlalchemy.exc import OperationalError

from storage import schema
from storage.database import Storage
from storage.tx import Tx
from storage.types import off_loop
from tests.support.waiting import statements_run, until

T0 = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)


@pytest.fixture
def sqlite_storage(storage: Storage) -> Storage:
    """The test storage, when it is SQLite."""
    if not storage.is_sqlite:
        pytest.skip("SQLite only")
    return storage


def _database_file(storage: Storage) -> Path:
    database = storage.engine.url.database
    assert database
    return Path(database)


def _raw_connection(storage: Storage) -> sqlite3.Connection:
    """A plain sqlite3 connection to the same file that never waits for a lock."""
    return sqlite3.connect(_database_file(storage), timeout=0, isolation_level=None)


def _writer(storage: Storage) -> sqlite3.Connection:
    """The storage's own writer connection, as sqlite3 holds it."""
    assert storage._inline is not None
    raw = storage._inline._writer_connection().connection.dbapi_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


EXPECTED_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "secure_delete": 1,
    "busy_timeout": 10000,
    "synchronous": 2,  # FULL
}


async def _pragmas(tx: Tx) -> dict[str, object]:
    return {
        name: (await tx.conn.execute(text(f"PRAGMA {name}"))).scalar()
        for name in [*EXPECTED_PRAGMAS, "query_only"]
    }


class _OffLoop:
    """A repository whose methods are declared off_loop."""

    def __init__(self, tx: Tx) -> None:
        self._conn = tx.conn
        self._tx = tx

    @off_loop
    async def pragmas(self) -> dict[str, object]:
        return await _pragmas(self._tx)

    @off_loop
    async def thread_name(self) -> str:
        await self._conn.execute(text("SELECT 1"))
        return threading.current_thread().name

    @off_loop
    async def add_many(self, telegram_ids: range) -> int:
        rows = [{"telegram_id": n, "chat_id": n, "created_at": T0} for n in telegram_ids]
        return (await self._conn.execute(insert(schema.person), rows)).rowcount


@pytest.mark.parametrize(
    "kind", ["read", "read off the loop", "transaction", "write off the loop"]
)
async def test_pragmas_are_in_force_on_every_connection(
    sqlite_storage: Storage, kind: str
) -> None:
    begin = (
        sqlite_storage.transaction
        if kind.startswith(("transaction", "write"))
        else (sqlite_storage.read)
    )
    async with begin() as tx:
        found = await (_OffLoop(tx).pragmas() if "off the loop" in kind else _pragmas(tx))

    expected = {**EXPECTED_PRAGMAS, "query_only": int(kind.startswith("read"))}
    if kind.startswith(("transaction", "write")):
        # The writer never waits inside SQLite: a BEGIN that would wait is tried again,
        # after short pauses on the event loop, until the busy timeout is over.
        expected["busy_timeout"] = 0
    assert found == expected


async def test_a_read_cannot_write(sqlite_storage: Storage) -> None:
    async with sqlite_storage.read() as tx:
        with pytest.raises(OperationalError, match="readonly"):
            await tx.people.add(5, 5, None, T0)
    async with sqlite_storage.read() as tx:
        assert await tx.people.by_telegram_id(5) is None


async def test_a_read_sees_each_commit_at_once(sqlite_storage: Storage) -> None:
    async with sqlite_storage.read() as reader:
        assert await reader.people.by_telegram_id(7) is None
        async with sqlite_storage.transaction() as tx:
            await tx.people.add(7, 7, "Bea", T0)
            async with sqlite_storage.read() as inside:
                # Not committed yet: a read sees the database as last committed.
                assert await inside.people.by_telegram_id(7) is None
        person = await reader.people.by_telegram_id(7)
    assert person is not None and person.display_name == "Bea"


async def test_a_failed_read_leaves_the_next_one_working(sqlite_storage: Storage) -> None:
    async with sqlite_storage.read() as tx:
        with pytest.raises(OperationalError):
            await tx.conn.execute(text("SELECT * FROM no_such_table"))
        assert await tx.people.by_telegram_id(1) is None


async def test_a_failed_transaction_is_rolled_back_and_the_writer_goes_on(
    sqlite_storage: Storage,
) -> None:
    with pytest.raises(RuntimeError):
        async with sqlite_storage.transaction() as tx:
            await tx.people.add(8, 8, "Cy", T0)
            raise RuntimeError("the handler failed")
    async with sqlite_storage.transaction() as tx:
        assert await tx.people.by_telegram_id(8) is None
        await tx.people.add(9, 9, "Di", T0)
    async with sqlite_storage.read() as tx:
        assert await tx.people.by_telegram_id(9) is not None


async def test_a_write_waits_for_another_process_without_holding_up_the_loop(
    sqlite_storage: Storage,
) -> None:
    raw = _raw_connection(sqlite_storage)
    raw.execute("BEGIN IMMEDIATE")
    ticks = 0
    ten_ticks = asyncio.Event()

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1
            if ticks == 10:
                ten_ticks.set()

    async def write() -> None:
        async with sqlite_storage.transaction() as tx:
            await tx.people.add(10, 10, "Ed", T0)

    ticker = asyncio.create_task(tick())
    with statements_run(_writer(sqlite_storage)) as run:
        writing = asyncio.create_task(write())
        # The event loop goes on while the write waits for the other process's lock: ten
        # ticks, and the write's BEGIN refused and tried again in between.
        await asyncio.wait_for(ten_ticks.wait(), 5)
        await until(lambda: run.count("BEGIN IMMEDIATE") >= 2)
    raw.execute("ROLLBACK")
    raw.close()
    await asyncio.wait_for(writing, 5)
    ticker.cancel()
    async with sqlite_storage.read() as tx:
        assert await tx.people.by_telegram_id(10) is not None


async def test_a_write_that_waits_too_long_fails_as_a_locked_database(
    sqlite_storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_storage._inline, "_busy_timeout_ms", 100)
    raw = _raw_connection(sqlite_storage)
    raw.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(OperationalError, match="locked"):
            async with sqlite_storage.transaction() as tx:
                await tx.people.add(11, 11, "Flo", T0)
    finally:
        raw.execute("ROLLBACK")
        raw.close()
    async with sqlite_storage.transaction() as tx:
        await tx.people.add(12, 12, "Gus", T0)
    async with sqlite_storage.read() as tx:
        assert await tx.people.by_telegram_id(11) is None
        assert await tx.people.by_telegram_id(12) is not None


async def test_a_method_declared_off_loop_runs_its_statements_on_a_worker_thread(
    sqlite_storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    names: list[str] = []

    def note(*_: object) -> None:
        names.append(threading.current_thread().name)

    for engine in sqlite_storage.sync_engines():
        event.listen(engine, "before_cursor_execute", note)
    try:
        async with sqlite_storage.transaction() as tx:
            assert await _OffLoop(tx).add_many(range(1000, 1300)) == 300
            # Inside the transaction, the rows are there for what comes next.
            assert await tx.people.by_telegram_id(1299) is not None
        async with sqlite_storage.read() as tx:
            assert (await _OffLoop(tx).thread_name()).startswith("chorus-sqlite-reader")
            assert await tx.people.by_telegram_id(1000) is not None
    finally:
        for engine in sqlite_storage.sync_engines():
            event.remove(engine, "before_cursor_execute", note)
    loop_thread = threading.current_thread().name
    assert names[0] == loop_thread  # BEGIN IMMEDIATE
    assert names[1].startswith("chorus-sqlite-writer")  # the many rows
    assert names[2] == loop_thread  # one person, through an index
    assert names[3].startswith("chorus-sqlite-writer")  # COMMIT
    assert names[4].startswith("chorus-sqlite-reader")
    assert names[5] == loop_thread
    assert len(names) == 6


async def test_a_write_waiting_for_another_process_is_cancelled_at_once_and_leaves_nothing_open(
    sqlite_storage: Storage,
) -> None:
    assert sqlite_storage._inline is not None
    raw = _raw_connection(sqlite_storage)
    raw.execute("BEGIN IMMEDIATE")
    entered = False

    async def write() -> None:
        nonlocal entered
        async with sqlite_storage.transaction() as tx:
            entered = True
            await tx.people.add(15, 15, "Jo", T0)

    with statements_run(_writer(sqlite_storage)) as run:
        writing = asyncio.create_task(write())
        # The write waits for the lock: its BEGIN is refused, then tried again.
        await until(lambda: run.count("BEGIN IMMEDIATE") >= 2)
    # The other process lets go just as the wait is cancelled (a stop, say).
    loop = asyncio.get_running_loop()
    released = asyncio.Event()

    def let_go() -> None:
        raw.execute("ROLLBACK")
        released.set()

    loop.call_later(0.05, let_go)
    cancelled_at = loop.time()
    writing.cancel()
    with pytest.raises(asyncio.CancelledError):
        await writing
    assert loop.time() - cancelled_at < 0.5
    await released.wait()
    raw.close()
    writer = sqlite_storage._inline._writer_connection().connection.dbapi_connection
    assert isinstance(writer, sqlite3.Connection)
    assert not writer.in_transaction and not entered
    async with sqlite_storage.transaction() as tx:
        await tx.people.add(16, 16, "Kit", T0)
    async with sqlite_storage.read() as tx:
        assert await tx.people.by_telegram_id(15) is None
        assert await tx.people.by_telegram_id(16) is not None


async def test_a_full_database_fails_the_write_as_sqlalchemy_s_error_and_keeps_nothing(
    sqlite_storage: Storage,
) -> None:
    assert sqlite_storage._inline is not None
    writer = sqlite_storage._inline._writer_connection()
    pages = writer.exec_driver_sql("PRAGMA page_count").scalar()
    # The database may grow no further: as if the disk were full.
    writer.exec_driver_sql(f"PRAGMA max_page_count={pages}")
    rows = [{"telegram_id": n, "chat_id": n, "created_at": T0} for n in range(3000, 6000)]
    try:
        with pytest.raises(OperationalError, match="full"):
            async with sqlite_storage.transaction() as tx:
                await tx.people.add(13, 13, "Hal", T0)
                await tx.conn.execute(insert(schema.person), rows)
    finally:
        writer.exec_driver_sql("PRAGMA max_page_count=1073741823")
    async with sqlite_storage.read() as tx:
        assert await tx.people.by_telegram_id(13) is None
        assert await tx.people.by_telegram_id(3000) is None
    async with sqlite_storage.transaction() as tx:
        await tx.people.add(14, 14, "Ida", T0)
    async with sqlite_storage.read() as tx:
        assert await tx.people.by_telegram_id(14) is not None


async def test_write_transaction_holds_the_write_lock_from_its_first_statement(
    sqlite_storage: Storage,
) -> None:
    raw = _raw_connection(sqlite_storage)
    try:
        async with sqlite_storage.transaction() as tx:
            await tx.conn.execute(select(1))
            # Nothing written yet: only BEGIN IMMEDIATE takes the lock this early, so what a
            # write transaction reads is read under the lock.
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                raw.execute("BEGIN IMMEDIATE")
        raw.execute("BEGIN IMMEDIATE")  # free again once the transaction ended
        raw.execute("ROLLBACK")
    finally:
        raw.close()


async def test_read_does_not_take_the_write_lock(sqlite_storage: Storage) -> None:
    raw = _raw_connection(sqlite_storage)
    try:
        async with sqlite_storage.read() as tx:
            await tx.conn.execute(select(1))
            raw.execute("BEGIN IMMEDIATE")
            raw.execute("ROLLBACK")
    finally:
        raw.close()


async def test_concurrent_write_transactions_do_not_interleave(sqlite_storage: Storage) -> None:
    order: list[str] = []
    first_in = asyncio.Event()
    second_trying = asyncio.Event()

    async def first() -> None:
        async with sqlite_storage.transaction() as tx:
            order.append("first in")
            first_in.set()
            await second_trying.wait()
            # Several round trips to the database thread: the second task gets every chance
            # to run while this transaction is still open.
            for telegram_id in range(101, 106):
                await tx.people.ensure(telegram_id, telegram_id, None, T0)
            order.append("first out")

    async def second() -> None:
        await first_in.wait()
        order.append("second trying")
        second_trying.set()
        async with sqlite_storage.transaction() as tx:
            order.append("second in")
            await tx.people.ensure(201, 201, None, T0)
            order.append("second out")

    await asyncio.gather(first(), second())

    assert order == ["first in", "second trying", "first out", "second in", "second out"]


async def test_settled_update_leaves_no_trace_in_the_files(sqlite_storage: Storage) -> None:
    marker = "chorus-marker-5f0d2b7e9a1c"
    payload = json.dumps({"update_id": 42, "message": {"text": f"my words {marker}"}})
    database = _database_file(sqlite_storage)
    wal = database.with_name(database.name + "-wal")

    async with sqlite_storage.transaction() as tx:
        await tx.journal.add_new([(42, payload)], T0)
    _checkpoint(sqlite_storage)
    # The payload really reached the database file, so its absence later means something.
    assert marker.encode() in database.read_bytes()

    await sqlite_storage.settle(42)
    assert marker.encode() not in wal.read_bytes()
    _checkpoint(sqlite_storage)

    assert marker.encode() not in database.read_bytes()
    assert not wal.exists() or marker.encode() not in wal.read_bytes()
    async with sqlite_storage.read() as tx:
        assert await tx.journal.pending() == []


def _checkpoint(storage: Storage) -> None:
    raw = sqlite3.connect(_database_file(storage), isolation_level=None)
    try:
        busy, _log, _done = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        raw.close()
    assert busy == 0
