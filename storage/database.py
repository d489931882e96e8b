"""The database: engine set-up, transactions, and migrations."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import stat
from collections.abc import AsyncIterator, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from storage.inline import InlineSQLite, is_file
from storage.people import PersonRow
from storage.replicas import Claimer
from storage.steps import Sealing, StepRow
from storage.tx import Tx

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 10_000
# PostgreSQL: connections kept open for the updates handled at once (64), and beyond them
# for the delivery worker's sends (8), the webhook's stores and the ticks. SQLAlchemy's
# default (5 + 10) made updates queue for a connection. Two replicas may hold 160, so the
# server needs max_connections above that (deploy/compose-replicas.yaml sets 250).
POSTGRES_POOL_SIZE = 32
POSTGRES_POOL_OVERFLOW = 48

_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    # Raw updates hold people's words; deleted rows are overwritten, not left in free pages.
    "PRAGMA secure_delete=ON",
    # FULL: a commit is on disk before the update it holds is acknowledged to Telegram.
    "PRAGMA synchronous=FULL",
)


@dataclass
class _Settling:
    """The update being handled in this task, settled by its first committed write."""

    update_id: int
    settled: bool = False
    # A write transaction of this update's was committed.
    wrote: bool = False
    # Handling the update again has the same effect (see `handled_again_until_done`): its
    # journal row is kept by its writes, and settled once its handlers have finished.
    replayable: bool = False
    # People read by Telegram id while handling this update, until it writes anything
    # (a handler, its role check and its services each ask for the same person).
    people: dict[int, PersonRow | None] = field(default_factory=dict)
    # Likewise unfinished steps, by ("person", id) and ("telegram", Telegram id).
    steps: dict[tuple[str, int], StepRow | None] = field(default_factory=dict)

    def forget(self) -> None:
        """Something is being written: what was read may be out of date."""
        self.people.clear()
        self.steps.clear()


_settling: ContextVar[_Settling | None] = ContextVar("chorus_settling", default=None)


def handled_again_until_done() -> None:
    """The update being handled has the same effect however often it is handled: its journal
    row stays until its handlers have finished (replies sent), not only until its first
    write, so a crash in between handles it again after the restart."""
    state = _settling.get()
    if state is not None:
        state.replayable = True


def update_wrote() -> bool:
    """True if the update being handled has committed a write."""
    state = _settling.get()
    return state is not None and state.wrote


class Storage:
    """The database behind Chorus. Callers own transactions via `transaction()` / `read()`."""

    def __init__(
        self,
        engine: AsyncEngine,
        now: Callable[[], datetime],
        inline: InlineSQLite | None = None,
    ) -> None:
        """`inline` is given for an SQLite file, whose every statement goes through it;
        `engine` then only applies migrations."""
        self.engine = engine
        self._now = now
        self.is_sqlite = inline is not None
        # SQLite has one writer at a time. Writes queue here, for one connection kept open,
        # which is fairer and faster than spinning in SQLite's busy handler.
        self._write_lock = asyncio.Lock() if inline is not None else None
        self._inline = inline
        self._sealer: Sealing | None = None
        # With replicas: this replica, whose claims its transactions make and honour.
        self.claimer: Claimer | None = None
        self._autocommit = (
            engine if self.is_sqlite else engine.execution_options(isolation_level="AUTOCOMMIT")
        )

    def seal_steps_with(self, sealer: Sealing) -> None:
        """Seal the whole of every unfinished step's data with `sealer` from now on."""
        self._sealer = sealer

    @classmethod
    def open(cls, url: URL, now: Callable[[], datetime]) -> Storage:
        """Open the database at `url` (an async driver URL), with SQLite's settings.

        On SQLite, which must be a file, every statement of the repositories goes through
        Python's sqlite3 module (storage/inline.py): on the event loop's thread, or on a
        worker thread for a method declared `off_loop`. On PostgreSQL, through asyncpg.
        """
        if url.get_backend_name() == "sqlite":
            if not is_file(url) or url.database is None:
                raise ValueError("Chorus keeps an SQLite database in a file, not in memory")
            keep_private(Path(url.database))
            # For migrations only, through SQLAlchemy's own aiosqlite adapter.
            engine = create_async_engine(
                url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, poolclass=NullPool
            )
            _prepare_sqlite(engine)
            return cls(engine, now, InlineSQLite(url, _SQLITE_PRAGMAS, BUSY_TIMEOUT_MS))
        engine = create_async_engine(
            url,
            pool_pre_ping=True,
            pool_size=POSTGRES_POOL_SIZE,
            max_overflow=POSTGRES_POOL_OVERFLOW,
        )
        return cls(engine, now)

    def sync_engines(self) -> list[Engine]:
        """Every engine statements go through, for event listeners."""
        engines = [self.engine.sync_engine]
        if self._inline is not None:
            engines += [self._inline.engine, self._inline.read_engine]
        return engines

    async def close(self) -> None:
        """Release every connection."""
        if self._inline is not None:
            self._inline.close()
        await self.engine.dispose()

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """A write transaction (`BEGIN IMMEDIATE` on SQLite), committed when the block ends.

        If an update is being handled in this task, its journal row is settled in the same
        transaction, so the update's effect and its removal from the journal are one.
        """
        settling = _settling.get()
        if settling is not None:
            settling.forget()
        try:
            async with self._begin() as tx:
                yield tx
                if settling is not None and not settling.settled and not settling.replayable:
                    await tx.journal.settle(settling.update_id)
        finally:
            if settling is not None:
                # Reads made while this was open may have seen the rows before it.
                settling.forget()
        if settling is not None:
            settling.wrote = True
            if not settling.replayable:
                settling.settled = True

    @contextlib.asynccontextmanager
    async def _begin(self) -> AsyncIterator[Tx]:
        if self._inline is not None and self._write_lock is not None:
            async with self._write_lock, self._inline.transaction() as writing:
                yield Tx(writing, self._sealer)
            return
        async with self.engine.connect() as conn, conn.begin():
            yield Tx(conn, self._sealer, self.claimer)

    @contextlib.asynccontextmanager
    async def apart(self, *, each_statement: bool = False) -> AsyncIterator[Tx]:
        """A write transaction of its own on PostgreSQL, which never settles the update being
        handled (replicas' bookkeeping, done while a handler sends its reply). With
        `each_statement` every statement commits by itself: one trip to the server, not
        three, for a single statement that is a whole change."""
        if each_statement:
            async with self._autocommit.connect() as conn:
                yield Tx(conn, self._sealer, self.claimer)
            return
        async with self.engine.connect() as conn, conn.begin():
            yield Tx(conn, self._sealer, self.claimer)

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        """Reads that take no write lock and must not write.

        On SQLite each statement sees the database as last committed, without an explicit
        transaction: a BEGIN and COMMIT around one or two SELECTs would double their cost.
        Where each statement runs is the repository method's to say (`off_loop`).
        """
        settling = _settling.get()
        if self._inline is not None:
            tx = Tx(self._inline.reads, self._sealer)
            if settling is not None:
                tx.people.remember_in(settling.people)
                tx.steps.remember_in(settling.steps)
            yield tx
            return
        async with self.engine.connect() as conn, conn.begin():
            tx = Tx(conn, self._sealer, self.claimer)
            if settling is not None:
                tx.people.remember_in(settling.people)
                tx.steps.remember_in(settling.steps)
            yield tx

    @contextlib.contextmanager
    def settling(self, update_id: int) -> Iterator[_Settling]:
        """Within this block, the first committed write transaction settles `update_id`."""
        state = _Settling(update_id)
        token = _settling.set(state)
        try:
            yield state
        finally:
            _settling.reset(token)

    async def settle(self, *update_ids: int) -> None:
        """Mark updates handled and delete their raw rows, in a transaction of their own."""
        async with self.transaction() as tx:
            await tx.journal.settle(*update_ids)

    async def checkpoint(self) -> None:
        """On an SQLite file: copy the write-ahead log into the database and empty the log,
        so the earlier versions of rows it held are in no file any more (deleted rows are
        overwritten in the database itself: `secure_delete`). Elsewhere nothing.

        Waits for writes under way; a reader that holds the log longer than the busy
        timeout leaves it as it is (logged), to be emptied at the next checkpoint.
        """
        if self._write_lock is None or self._inline is None:
            return
        async with self._write_lock:
            done = await self._inline.checkpoint()
        if not done:
            logger.warning("the write-ahead log could not be emptied: a reader held it")

    async def upgrade(self) -> None:
        """Apply every pending migration."""
        async with self.engine.connect() as conn:
            await conn.run_sync(_run_upgrade)
            await conn.commit()

    def give_up_waiting(self, after: float) -> None:
        """In `after` seconds, and from then on, a write waiting for another process's lock
        (on an SQLite file) fails at once: so stopping has an end, whatever holds the lock."""
        if self._inline is not None:
            self._inline.give_up_waiting(asyncio.get_running_loop().time() + after)

    async def can_write(self) -> bool:
        """True if the database takes a write now, as storing an update does: a page's worth
        is written and removed again in one committed transaction (false if the file is read
        only, full, or locked for longer than a busy timeout)."""
        try:
            async with self.transaction() as tx:
                await tx.journal.probe(self._now())
        except Exception as exc:  # a health check reports any failure, whatever its kind
            logger.warning("database cannot take a write: %s", type(exc).__name__)
            return False
        return True

    async def ping(self) -> bool:
        """True if the database answers."""
        try:
            if self._inline is not None:
                await self._inline.ping()
            else:
                async with self.engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))
        except Exception as exc:  # a health check reports any failure, whatever its kind
            # The type only: a database error's message can quote the values it was given.
            logger.warning("database ping failed: %s", type(exc).__name__)
            return False
        return True


# SQLite's companion files of a database: it gives each the main file's permissions.
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def keep_private(database: Path) -> None:
    """Make the database file readable and writable by this user only, whatever the umask:
    created empty with mode 600 before SQLite opens it (SQLite gives its write-ahead log,
    shared-memory and journal files the main file's mode), and any of them made earlier
    with a wider mode narrowed."""
    if not database.exists() and database.parent.is_dir():
        with contextlib.suppress(FileExistsError):
            os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            database.chmod(0o600)  # whatever the umask took away
    for path in (database, *(database.with_name(database.name + s) for s in SQLITE_COMPANIONS)):
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o077:
                path.chmod(mode & 0o700)
                logger.info("%s could be read by other users; now by this user only", path)
        except FileNotFoundError:
            continue
        except OSError as exc:  # not ours to change (a mounted volume, say): say so
            logger.warning("could not make %s private: %s", path, type(exc).__name__)


def _prepare_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN, so it can be IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in _SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _run_upgrade(connection: Connection) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def open_storage(url: URL, now: Callable[[], datetime]) -> Storage:
    """Open the database at `url` and bring its schema up to date."""
    storage = Storage.open(url, now)
    await storage.upgrade()
    # Whatever an earlier run (or an earlier version) left in the write-ahead log goes.
    await storage.checkpoint()
    return storage
