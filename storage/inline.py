"""An SQLite file through Python's sqlite3 module and SQLAlchemy's public API, with each
statement on the event loop's own thread or on a worker thread.

Which of the two a statement takes is declared once, on its repository method
(`storage.types.off_loop`), never chosen by a caller:

- most methods are small reads and writes through an index: SQLite runs each in tens of
  microseconds, a tenth of what a trip to a thread costs (a queue hand-off, a thread
  wake-up, a wake-up of the event loop), so they run here, on the event loop's thread;
- a method declared `off_loop` may touch many rows (a whole group, a table's old rows): its
  statements run on a worker thread, and the event loop goes on answering members meanwhile
  (sqlite3 lets go of the interpreter while SQLite works). Its rows are read in full on
  that thread.

Reads run on connections that SQLite itself keeps from writing (`PRAGMA query_only`),
without a transaction: each statement sees the database as last committed. A write
transaction runs on the one writer connection while `Storage` holds its write lock. Its
BEGIN IMMEDIATE is tried again from the event loop while another process holds the lock,
so the wait can be cancelled; its COMMIT, which waits for the disk, runs on the writer's
thread. Whatever happens to the task (a cancellation at any await, repeated or not; a
failed statement or COMMIT), the transaction it began is ended before the write lock is let
go, and a statement still running on the thread is waited for first. Statements of one
transaction never run at once: one started while another is running is refused.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import logging
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, CursorResult, Dialect, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.sql.base import Executable

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

# While another process holds the write lock, BEGIN IMMEDIATE is tried again after these
# pauses (doubling): short, since such locks are usually brief; a try costs microseconds.
_FIRST_PAUSE = 0.002
_LONGEST_PAUSE = 0.05
# A statement on the event loop's thread taking longer than this is logged: its method
# should be declared `off_loop`.
SLOW_ON_LOOP = 0.020
# Worker threads for reads declared `off_loop` (the writer has a thread of its own).
READ_THREADS = 2


# On a worker thread, while a method declared off_loop runs there: its connection.
_here = threading.local()


def _off_loop_connection() -> Connection | None:
    connection: Connection | None = getattr(_here, "connection", None)
    return connection


def _drive(call: Callable[[], Coroutine[Any, Any, _T]], connection: Connection) -> _T:
    """On a worker thread: run a repository method to its end, its statements on
    `connection` at once (it never waits for anything else)."""
    _here.connection = connection
    coroutine = call()
    try:
        coroutine.send(None)
    except StopIteration as done:
        result: _T = done.value
        return result
    finally:
        _here.connection = None
    coroutine.close()
    raise RuntimeError("a method declared off_loop awaited something other than statements")


def _on_worker(
    connection: Connection, statement: Executable, parameters: Any
) -> CursorResult[*tuple[Any, ...]]:
    result = connection.execute(statement, parameters)
    # Let the interpreter go, so the event loop has it if it was waiting (a statement given
    # many rows can keep it for longer than Python's switch interval).
    time.sleep(0)
    return result


def _on_loop(
    connection: Connection, statement: Executable, parameters: Any
) -> CursorResult[*tuple[Any, ...]]:
    began = time.perf_counter()
    result = connection.execute(statement, parameters)
    took = time.perf_counter() - began
    if took > SLOW_ON_LOOP:
        logger.warning(
            "a statement held up the event loop for %.0f ms; declare its repository method "
            "off_loop: %.80s",
            took * 1000,
            str(statement).replace("\n", " "),
        )
    return result


class ReadConnection:
    """The repositories' connection for reads (`Storage.read`): no transaction, no writes."""

    def __init__(self, sqlite: InlineSQLite) -> None:
        self._sqlite = sqlite

    @property
    def dialect(self) -> Dialect:
        """SQLite's dialect."""
        return self._sqlite.engine.dialect

    async def execute(
        self, statement: Executable, parameters: Any = None
    ) -> CursorResult[*tuple[Any, ...]]:
        """Execute `statement` here (or, in a method declared off_loop, on its thread)."""
        elsewhere = _off_loop_connection()
        if elsewhere is not None:
            return _on_worker(elsewhere, statement, parameters)
        connection = self._sqlite.lookup_connection()
        try:
            return _on_loop(connection, statement, parameters)
        except BaseException:
            self._sqlite.drop_lookup()
            raise

    async def elsewhere(self, call: Callable[[], Coroutine[Any, Any, _T]]) -> _T:
        """Run a method declared off_loop on a reading thread, on a connection of its own."""
        if _off_loop_connection() is not None:
            return await call()  # already there
        return await self._sqlite.read_elsewhere(call)


class WriteConnection:
    """The repositories' connection inside one write transaction on the writer connection."""

    def __init__(self, sqlite: InlineSQLite, connection: Connection) -> None:
        self._sqlite = sqlite
        self._connection = connection
        self._running = False
        self.ended = False

    @property
    def dialect(self) -> Dialect:
        """SQLite's dialect."""
        return self._connection.dialect

    async def execute(
        self, statement: Executable, parameters: Any = None
    ) -> CursorResult[*tuple[Any, ...]]:
        """Execute `statement` in the transaction, here (or, in a method declared off_loop,
        on the writer's thread). Refused while another of its statements is running."""
        if _off_loop_connection() is self._connection:
            return _on_worker(self._connection, statement, parameters)
        self._check()
        return _on_loop(self._connection, statement, parameters)

    async def elsewhere(self, call: Callable[[], Coroutine[Any, Any, _T]]) -> _T:
        """Run a method declared off_loop on the writer's thread, in this transaction."""
        if _off_loop_connection() is self._connection:
            return await call()  # already there
        self._check()
        self._running = True
        try:
            return await self._sqlite.on_writer_thread(
                functools.partial(_drive, call, self._connection)
            )
        finally:
            self._running = False

    def _check(self) -> None:
        if self.ended:
            raise RuntimeError("this write transaction has ended; begin another")
        if self._running:
            raise RuntimeError(
                "statements of one transaction run one after another, never at once"
            )


class InlineSQLite:
    """The connections of one SQLite file: reads, the writer, and their threads."""

    def __init__(self, url: URL, pragmas: tuple[str, ...], busy_timeout_ms: int) -> None:
        self._busy_timeout_ms = busy_timeout_ms
        self.engine = _engine(url, pragmas, query_only=False, pool_size=1)
        self.read_engine = _engine(url, pragmas, query_only=True, pool_size=READ_THREADS + 1)
        self._lookup: Connection | None = None
        self._writer: Connection | None = None
        # One thread for the writer, so its statements, commits and rollbacks happen one
        # after another, in order.
        self._thread = concurrent.futures.ThreadPoolExecutor(1, "chorus-sqlite-writer")
        self._readers = concurrent.futures.ThreadPoolExecutor(READ_THREADS, "chorus-sqlite-reader")
        self._give_up_at: float | None = None
        self.reads = ReadConnection(self)

    def lookup_connection(self) -> Connection:
        """The read connection used on the event loop's thread."""
        if self._lookup is None or self._lookup.closed:
            self._lookup = self.read_engine.connect()
        return self._lookup

    def drop_lookup(self) -> None:
        """Whatever went wrong, the next read starts on a fresh connection."""
        if self._lookup is not None:
            self._lookup.close()
            self._lookup = None

    async def read_elsewhere(self, call: Callable[[], Coroutine[Any, Any, _T]]) -> _T:
        """Run a method declared off_loop on a reading thread, on a connection of its own."""

        def run() -> _T:
            with self.read_engine.connect() as connection:
                return _drive(call, connection)

        return await _finished(asyncio.get_running_loop().run_in_executor(self._readers, run))

    def _writer_connection(self) -> Connection:
        if self._writer is None or self._writer.closed:
            self._writer = self.engine.connect()
            # BEGIN IMMEDIATE never waits inside SQLite; see `_begin`.
            self._writer.exec_driver_sql("PRAGMA busy_timeout=0")
        return self._writer

    def _drop_writer(self, writer: Connection) -> None:
        # Closing the connection ends any transaction SQLite still had open on it.
        if self._writer is writer:
            self._writer = None
            with contextlib.suppress(Exception):
                writer.invalidate()

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[WriteConnection]:
        """One write transaction on the writer connection; the caller holds the write lock.

        Committed when the block ends, rolled back if it raises (a cancellation too). When
        this returns or raises, no transaction is open on the writer connection."""
        writer = self._writer_connection()
        raw = writer.connection.dbapi_connection
        assert isinstance(raw, sqlite3.Connection)
        conn = WriteConnection(self, writer)
        try:
            # Inside the `try`: whatever stops the BEGIN (a cancellation, say), a
            # transaction it did open is ended here.
            await self._begin(writer)
            yield conn
            conn.ended = True
            await self.on_writer_thread(functools.partial(_run, writer, "COMMIT"))
        except BaseException:
            conn.ended = True
            await self._end(writer, raw)
            raise

    async def _end(self, writer: Connection, raw: sqlite3.Connection) -> None:
        """Roll back what is open (a failed COMMIT can leave the transaction open); if even
        that fails, close the connection, which ends it."""
        try:
            if _open(raw):
                await self.on_writer_thread(functools.partial(_run, writer, "ROLLBACK"))
        finally:
            if _open(raw):
                self._drop_writer(writer)

    async def _begin(self, writer: Connection) -> None:
        """BEGIN IMMEDIATE, tried again while another process holds the write lock (a backup,
        a migration), for as long as SQLite's busy timeout says or until `give_up_waiting`.

        The waits are on the event loop, not in SQLite's busy handler on a thread: a task
        waiting here can be cancelled at once (a clean stop does not wait for the lock)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._busy_timeout_ms / 1000
        pause = _FIRST_PAUSE
        while True:
            try:
                _run(writer, "BEGIN IMMEDIATE")
                return
            except OperationalError as error:
                if not _is_busy(error):
                    raise
                limit = deadline if self._give_up_at is None else min(deadline, self._give_up_at)
                left = limit - loop.time()
                if left <= 0:
                    raise
            if pause == _FIRST_PAUSE:
                logger.info("another process holds the write lock; a write waits for it")
            await asyncio.sleep(min(pause, left))
            pause = min(pause * 2, _LONGEST_PAUSE)

    def give_up_waiting(self, at: float) -> None:
        """From `at` (the event loop's clock), a write waiting for another process's lock
        fails at once, as if its busy timeout were over."""
        self._give_up_at = at

    async def checkpoint(self) -> bool:
        """Copy the write-ahead log into the database and empty it, on the writer's thread
        (the caller holds the write lock); False if a reader kept it from finishing."""
        writer = self._writer_connection()
        return await self.on_writer_thread(functools.partial(self._checkpoint, writer))

    def _checkpoint(self, writer: Connection) -> bool:
        writer.exec_driver_sql(f"PRAGMA busy_timeout={self._busy_timeout_ms}")
        try:
            row = writer.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()
        finally:
            writer.exec_driver_sql("PRAGMA busy_timeout=0")
        return row is None or not row[0]

    async def on_writer_thread(self, function: Callable[[], _T]) -> _T:
        """Run `function` on the writer's thread and wait until it has finished, even if
        this task is cancelled meanwhile: nothing else may touch the writer connection
        while it runs."""
        loop = asyncio.get_running_loop()
        return await _finished(loop.run_in_executor(self._thread, function))

    async def ping(self) -> None:
        """A statement that reads nothing, on the event loop's thread."""
        self.lookup_connection().exec_driver_sql("SELECT 1").close()

    def close(self) -> None:
        """Close every connection and both threads."""
        self._thread.shutdown(wait=True)
        self._readers.shutdown(wait=True)
        for connection in (self._lookup, self._writer):
            if connection is not None:
                connection.close()
        self._lookup = self._writer = None
        self.engine.dispose()
        self.read_engine.dispose()


async def _finished(future: asyncio.Future[_T]) -> _T:
    """Wait for `future` (work on a thread) to finish, however often this task is cancelled
    meanwhile; then raise the cancellation, if there was one, or give its outcome."""
    cancelled: asyncio.CancelledError | None = None
    while not future.done():
        try:
            await asyncio.wait([future])
        except asyncio.CancelledError as error:
            cancelled = error
    if cancelled is not None:
        if not future.cancelled():
            # Looked at, so an error it ended with is not reported as never retrieved.
            with contextlib.suppress(Exception):
                future.result()
        raise cancelled
    return future.result()


def _run(writer: Connection, statement: str) -> None:
    """BEGIN, COMMIT or ROLLBACK on the writer."""
    writer.exec_driver_sql(statement)


def _open(raw: sqlite3.Connection) -> bool:
    """True if a transaction is open on `raw` (or it is in a state that cannot say)."""
    try:
        return raw.in_transaction
    except sqlite3.Error:
        return True


def _is_busy(error: OperationalError) -> bool:
    code = getattr(error.orig, "sqlite_errorcode", None)
    return code is not None and code & 0xFF == sqlite3.SQLITE_BUSY


def _engine(url: URL, pragmas: tuple[str, ...], *, query_only: bool, pool_size: int) -> Engine:
    engine = create_engine(
        url.set(drivername="sqlite+pysqlite"),
        # Statements stand alone unless the writer says BEGIN itself; SQLAlchemy and
        # Python's sqlite3 module open nothing implicitly.
        isolation_level="AUTOCOMMIT",
        # Connections are used on the event loop's thread and on worker threads.
        connect_args={"check_same_thread": False},
        pool_reset_on_return=None,
        pool_size=pool_size,
        max_overflow=READ_THREADS,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            cursor.execute(pragma)
        if query_only:
            cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    return engine


def is_file(url: URL) -> bool:
    """True if `url` names an SQLite database in a file (not one in memory)."""
    return url.database not in (None, "", ":memory:") and url.query.get("mode") != "memory"
