"""Whatever happens to a task, every SQLite write transaction it began is ended, and the
statements of one transaction never run at once."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Generator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, text
from sqlalchemy.exc import IntegrityError

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


def _other_process(storage: Storage) -> sqlite3.Connection:
    """A plain sqlite3 connection to the same file, as another process would have."""
    database = storage.engine.url.database
    assert database
    return sqlite3.connect(Path(database), timeout=0, isolation_level=None)


def _writer(storage: Storage) -> sqlite3.Connection:
    assert storage._inline is not None
    raw = storage._inline._writer_connection().connection.dbapi_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


class _Gate:
    """An SQL function, `chorus_gate()`, that waits on the writer's thread until opened."""

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.reached = threading.Event()
        self.opened = threading.Event()
        raw.create_function("chorus_gate", 0, self._wait)

    def _wait(self) -> int:
        self.reached.set()
        self.opened.wait(10)
        return 1


class _Gated:
    """A repository with one method declared off_loop."""

    def __init__(self, tx: Tx) -> None:
        self._conn = tx.conn
        self._tx = tx

    @off_loop
    async def add(self, telegram_id: int) -> None:
        """Write a person, passing the gate on the writer's thread first."""
        await self._conn.execute(text("SELECT chorus_gate()"))
        await self._tx.people.add(telegram_id, telegram_id, None, T0)


async def _through_the_gate(tx: Tx, telegram_id: int) -> None:
    await _Gated(tx).add(telegram_id)


async def _writes_work(storage: Storage, telegram_id: int) -> None:
    """A later write goes through, and the file is free again for another process."""
    async with storage.transaction() as tx:
        await tx.people.add(telegram_id, telegram_id, None, T0)
    async with storage.read() as tx:
        assert await tx.people.by_telegram_id(telegram_id) is not None
    assert not _writer(storage).in_transaction
    other = _other_process(storage)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()


async def test_a_task_cancelled_while_another_process_holds_the_lock_leaves_nothing_open(
    sqlite_storage: Storage,
) -> None:
    other = _other_process(sqlite_storage)
    other.execute("BEGIN IMMEDIATE")
    entered = asyncio.Event()

    async def write() -> None:
        async with sqlite_storage.transaction() as tx:
            entered.set()
            await tx.people.add(15, 15, None, T0)

    with statements_run(_writer(sqlite_storage)) as run:
        writing = asyncio.create_task(write())
        # The write waits for the other process's lock: its BEGIN is refused, then tried again.
        await until(lambda: run.count("BEGIN IMMEDIATE") >= 2)
    assert not entered.is_set()
    writing.cancel()
    with pytest.raises(asyncio.CancelledError):
        await writing
    other.execute("ROLLBACK")
    other.close()
    await _writes_work(sqlite_storage, 16)
    async with sqlite_storage.read() as tx:
        assert await tx.people.by_telegram_id(15) is None


async def test_a_task_cancelled_again_and_again_mid_statement_ends_its_transaction(
    sqlite_storage: Storage,
) -> None:
    gate = _Gate(_writer(sqlite_storage))

    async def write() -> None:
        async with sqlite_storage.transaction() as tx:
            await tx.people.add(20, 20, None, T0)
            await _through_the_gate(tx, 21)

    writing = asyncio.create_task(write())
    # Whether the statement had been let through when the task ended.
    ended_after_the_statement: list[bool] = []
    writing.add_done_callback(lambda _: ended_after_the_statement.append(gate.opened.is_set()))
    await asyncio.to_thread(gate.reached.wait, 5)
    # A stop, then an impatient second stop, while the statement runs on the thread; each
    # is taken by the task before this one goes on (the loop runs them in turn).
    for _ in range(5):
        writing.cancel()
        await _Pause()
    # Another write queues behind it meanwhile.
    later = asyncio.create_task(_writes_work(sqlite_storage, 22))
    await until(lambda: _writes_waiting(sqlite_storage) == 1)
    gate.opened.set()
    with pytest.raises(asyncio.CancelledError):
        await writing
    # It waited for the statement, which cannot be interrupted.
    assert ended_after_the_statement == [True]
    await asyncio.wait_for(later, 10)
    async with sqlite_storage.read() as tx:
        assert await tx.people.by_telegram_id(20) is None
        assert await tx.people.by_telegram_id(21) is None


async def test_a_failed_commit_ends_the_transaction(sqlite_storage: Storage) -> None:
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        async with sqlite_storage.transaction() as tx:
            # Checked at COMMIT, which then fails and leaves SQLite's transaction open.
            await tx.conn.execute(text("PRAGMA defer_foreign_keys=ON"))
            await tx.conn.execute(
                insert(schema.membership).values(group_id=999, person_id=999, joined_at=T0)
            )
    await _writes_work(sqlite_storage, 30)


async def test_statements_of_one_transaction_never_run_at_once(sqlite_storage: Storage) -> None:
    gate = _Gate(_writer(sqlite_storage))

    async def second(tx: Tx) -> None:
        await asyncio.to_thread(gate.reached.wait, 5)
        try:
            await tx.people.add(41, 41, None, T0)
        finally:
            gate.opened.set()

    with pytest.raises(RuntimeError, match="one after another"):
        async with sqlite_storage.transaction() as tx:
            await asyncio.gather(_through_the_gate(tx, 40), second(tx))
    await _writes_work(sqlite_storage, 42)
    async with sqlite_storage.read() as tx:
        assert await tx.people.by_telegram_id(40) is None
        assert await tx.people.by_telegram_id(41) is None


def _writes_waiting(storage: Storage) -> int:
    """How many writes wait for the write lock of this process."""
    lock = storage._write_lock
    assert lock is not None
    return len(lock._waiters or ())


class _Pause:
    """Something to wait for that is not a statement."""

    def __await__(self) -> Generator[None, None, None]:
        yield


class _Waits:
    """A repository whose method declared off_loop waits for something else."""

    def __init__(self, tx: Tx) -> None:
        self._conn = tx.conn

    @off_loop
    async def wait(self) -> None:
        await _Pause()


@pytest.mark.parametrize("kind", ["read", "transaction"])
async def test_a_method_off_the_loop_that_waits_for_anything_else_fails_loudly(
    sqlite_storage: Storage, kind: str
) -> None:
    begin = sqlite_storage.read if kind == "read" else sqlite_storage.transaction
    with pytest.raises(RuntimeError, match="awaited something other than statements"):
        async with begin() as tx:
            await _Waits(tx).wait()
    await _writes_work(sqlite_storage, 50)
