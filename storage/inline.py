"""SQLite statements run on the event loop's own thread, where that is cheaper than a trip.

A short SQLite statement costs SQLite tens of microseconds; a trip to aiosqlite's thread to
run it costs about ten times that (a queue hand-off, a thread wake-up, a wake-up of the
event loop, the GIL passed back and forth, SQLAlchemy's greenlet switch). So, on an SQLite
file:

- lookups (reads of a few rows found through an index) run here, on one connection that
  SQLite itself keeps from writing (`PRAGMA query_only`);
- a write transaction's statements run here too, on one writer connection, while
  `Storage` holds its write lock. Its COMMIT, which waits for the disk, runs on the
  writer's own thread; a BEGIN IMMEDIATE that has to wait for another process is tried
  again from the event loop, so the wait can be cancelled.

Reads that may scan many rows stay on aiosqlite (`Storage.read`): they would hold up every
other update meanwhile. Used by `Storage.open` for an SQLite file (not a database in
memory, which another connection would not see).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, CursorResult, Dialect, Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.sql.base import Executable
from sqlalchemy.util.typing import TupleAny

_T = TypeVar("_T")

# A statement given this many rows or more (an invitation to every member, say) runs on the
# writer's thread: the event loop then goes on answering members, sharing the interpreter
# with it, instead of waiting for it (measured with benchmarks/sessions.py).
BULK_ROWS = 100

# Rows come back in full at once, as on an AsyncConnection: no cursor stays open between
# statements (an open one would hold the connection's view of the database in the past).
_FETCH_ALL = {"prebuffer_rows": True}

# While another process holds the write lock, BEGIN IMMEDIATE is tried again after these
# pauses (doubling): short, since such locks are usually brief; a try costs microseconds.
_FIRST_PAUSE = 0.002
_LONGEST_PAUSE = 0.05


class InlineConnection:
    """A connection for the repositories whose statements run at once, on this thread;
    with `elsewhere`, a statement given many rows runs through it instead."""

    def __init__(
        self,
        connection: Callable[[], Connection],
        on_error: Callable[[], None],
        elsewhere: Callable[[Callable[[], Any]], Awaitable[Any]] | None = None,
    ) -> None:
        self._connection = connection
        self._on_error = on_error
        self._elsewhere = elsewhere

    @property
    def dialect(self) -> Dialect:
        """SQLite's dialect."""
        return self._connection().dialect

    async def execute(
        self, statement: Executable, parameters: Any = None
    ) -> CursorResult[*TupleAny]:
        """Execute `statement` now and bring back every row."""
        run = functools.partial(
            self._connection().execute, statement, parameters, execution_options=_FETCH_ALL
        )
        try:
            if self._elsewhere is not None and _many_rows(parameters):
                result: CursorResult[*TupleAny] = await self._elsewhere(run)
                return result
            return run()
        except BaseException:
            self._on_error()
            raise


def _many_rows(parameters: Any) -> bool:
    return isinstance(parameters, list | tuple) and len(parameters) >= BULK_ROWS


class InlineSQLite:
    """The lookup connection and the writer connection of one SQLite file."""

    def __init__(self, url: URL, pragmas: tuple[str, ...], busy_timeout_ms: int) -> None:
        self._busy_timeout_ms = busy_timeout_ms
        self.engine = _engine(url, pragmas)
        self._lookup: Connection | None = None
        self._writer: Connection | None = None
        # One thread for the writer's waits, so they happen one after another, in order.
        self._thread = concurrent.futures.ThreadPoolExecutor(1, "chorus-sqlite-writer")
        self._give_up_at: float | None = None
        self.lookups = InlineConnection(self._lookup_connection, self._drop_lookup)

    def _lookup_connection(self) -> Connection:
        if self._lookup is None or self._lookup.closed:
            self._lookup = self.engine.connect()
            self._lookup.exec_driver_sql("PRAGMA query_only=ON")
        return self._lookup

    def _drop_lookup(self) -> None:
        # Whatever went wrong, the next lookup starts on a fresh connection.
        if self._lookup is not None:
            self._lookup.close()
            self._lookup = None

    def _writer_connection(self) -> Connection:
        if self._writer is None or self._writer.closed:
            self._writer = self.engine.connect()
            # BEGIN IMMEDIATE never waits inside SQLite; see `_begin`.
            self._writer.exec_driver_sql("PRAGMA busy_timeout=0")
        return self._writer

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[InlineConnection]:
        """One write transaction on the writer connection; the caller holds the write lock.

        Committed when the block ends, rolled back if it raises. Its statements must run one
        after another (never two at once from `asyncio.gather`): one given many rows runs on
        the writer's thread, and the connection is used by one thread at a time.
        """
        writer = self._writer_connection()
        raw = _raw(writer)
        try:
            # Inside the `try`: whatever stops the BEGIN (a cancellation, say), a transaction
            # it did open is rolled back, never left open for the next one to write into.
            await self._begin(raw)
            yield InlineConnection(lambda: writer, lambda: None, self._in_thread)
            await self._in_thread(_run, raw, "COMMIT")
        except BaseException:
            # A failed COMMIT (a full disk, say) can leave the transaction open.
            if raw.in_transaction:
                await self._in_thread(_run, raw, "ROLLBACK")
            raise

    async def _begin(self, raw: sqlite3.Connection) -> None:
        """BEGIN IMMEDIATE, tried again while another process holds the write lock (a backup,
        a migration), for as long as SQLite's busy timeout says or until `give_up_waiting`.

        The waits are on the event loop, not in SQLite's busy handler on a thread: a task
        waiting here can be cancelled at once (a clean stop does not wait for the lock)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._busy_timeout_ms / 1000
        pause = _FIRST_PAUSE
        while True:
            try:
                _run(raw, "BEGIN IMMEDIATE")
                return
            except OperationalError as error:
                if not _is_busy(error):
                    raise
                limit = deadline if self._give_up_at is None else min(deadline, self._give_up_at)
                left = limit - loop.time()
                if left <= 0:
                    raise
            await asyncio.sleep(min(pause, left))
            pause = min(pause * 2, _LONGEST_PAUSE)

    def give_up_waiting(self, at: float) -> None:
        """From `at` (the event loop's clock), a write waiting for another process's lock
        fails at once, as if its busy timeout were over."""
        self._give_up_at = at

    async def checkpoint(self) -> bool:
        """Copy the write-ahead log into the database and empty it, on the writer's thread
        (the caller holds the write lock); False if a reader kept it from finishing."""
        raw = _raw(self._writer_connection())
        return await self._in_thread(self._checkpoint, raw)

    def _checkpoint(self, raw: sqlite3.Connection) -> bool:
        _run(raw, f"PRAGMA busy_timeout={self._busy_timeout_ms}")
        try:
            row = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.Error as error:
            raise DBAPIError.instance(
                "PRAGMA wal_checkpoint", None, error, sqlite3.Error
            ) from error
        finally:
            _run(raw, "PRAGMA busy_timeout=0")
        return row is None or not row[0]

    async def _in_thread(self, function: Callable[..., _T], *args: Any) -> _T:
        future = asyncio.get_running_loop().run_in_executor(self._thread, function, *args)
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            # The statement goes on in the thread regardless; let it end before anything
            # else touches the connection.
            with contextlib.suppress(BaseException):
                await future
            raise

    def close(self) -> None:
        """Close both connections and the writer's thread."""
        for connection in (self._lookup, self._writer):
            if connection is not None:
                connection.close()
        self._lookup = self._writer = None
        self._thread.shutdown(wait=True)
        self.engine.dispose()


def _run(raw: sqlite3.Connection, statement: str) -> None:
    """Execute a statement with no result straight on the driver (BEGIN, COMMIT: SQLAlchemy's
    bookkeeping around them costs more than they do, and on the writer's thread it would
    hold the interpreter); a failure is SQLAlchemy's error, as everywhere else."""
    try:
        raw.execute(statement)
    except sqlite3.Error as error:
        raise DBAPIError.instance(statement, None, error, sqlite3.Error) from error


def _is_busy(error: OperationalError) -> bool:
    code = getattr(error.orig, "sqlite_errorcode", None)
    return code is not None and code & 0xFF == sqlite3.SQLITE_BUSY


def _raw(connection: Connection) -> sqlite3.Connection:
    raw = connection.connection.dbapi_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def _engine(url: URL, pragmas: tuple[str, ...]) -> Engine:
    engine = create_engine(
        url.set(drivername="sqlite+pysqlite"),
        # Statements stand alone unless the writer says BEGIN itself; SQLAlchemy and
        # Python's sqlite3 module open nothing implicitly.
        isolation_level="AUTOCOMMIT",
        # The writer's COMMIT runs on its own thread.
        connect_args={"check_same_thread": False},
        pool_reset_on_return=None,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            cursor.execute(pragma)
        cursor.close()

    return engine


def is_file(url: URL) -> bool:
    """True if `url` names an SQLite database in a file (not one in memory)."""
    return url.database not in (None, "", ":memory:") and url.query.get("mode") != "memory"
