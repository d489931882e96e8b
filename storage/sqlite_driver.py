"""SQLite through aiosqlite, with as few trips to the connection's thread as can be.

SQLAlchemy's aiosqlite adapter makes four trips to aiosqlite's worker thread for each
statement (make a cursor, execute, fetch the rows, close the cursor), each one a queue
hand-off, a thread wake-up and a wake-up of the event loop, plus a greenlet switch. Here:

- a cursor does all four in one call on that thread and keeps the rows, description, row
  count and last row id it brought back;
- a transaction's BEGIN travels with its first statement, not on a trip of its own;
- a commit or rollback when the connection has no transaction open (reads, which run
  without one) is not sent at all: each trip reports whether a transaction is open;
- a statement whose result nobody needs can be left for the commit's own trip
  (`run_before_commit`; the update journal's settling uses it).

Everything else (connections, errors, server-side cursors) is SQLAlchemy's own adapter.
Used by `Storage.open` for SQLite, as the DBAPI module passed to `create_async_engine`.
"""

from __future__ import annotations

import collections
import functools
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.engine.interfaces import Compiled
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.util.concurrency import await_

# What one trip brings back: description, rows (None if the statement returns none),
# row count, last row id, and whether a transaction is open afterwards.
_Outcome = tuple[Any, list[Any] | None, int, int | None, bool]


def _run(
    connection: sqlite3.Connection, begin: str | None, operation: str, parameters: Any
) -> _Outcome:
    """Execute one statement (after a waiting BEGIN) on the connection's own thread."""
    if begin is not None:
        connection.execute(begin).close()
    cursor = connection.cursor()
    try:
        cursor.execute(operation, () if parameters is None else parameters)
        rows = cursor.fetchall() if cursor.description else None
        return (
            cursor.description,
            rows,
            cursor.rowcount,
            cursor.lastrowid,
            connection.in_transaction,
        )
    finally:
        cursor.close()


def _run_many(
    connection: sqlite3.Connection, begin: str | None, operation: str, parameters: Any
) -> _Outcome:
    """Execute one statement for many parameter sets, on the connection's thread."""
    if begin is not None:
        connection.execute(begin).close()
    cursor = connection.cursor()
    try:
        cursor.executemany(operation, parameters)
        return (
            cursor.description,
            None,
            cursor.rowcount,
            cursor.lastrowid,
            connection.in_transaction,
        )
    finally:
        cursor.close()


def _end(
    connection: sqlite3.Connection,
    commit: bool,
    begin: str | None,
    before_commit: list[tuple[str, tuple[Any, ...]]],
) -> bool:
    """Commit (after the statements left for the commit) or roll back, on the connection's
    thread; whether a transaction is still open afterwards."""
    if not commit:
        connection.rollback()
        return connection.in_transaction
    try:
        if begin is not None:
            connection.execute(begin).close()
        for operation, parameters in before_commit:
            connection.execute(operation, parameters).close()
    except BaseException:
        # The transaction's writes and these statements stand or fall together.
        connection.rollback()
        raise
    connection.commit()
    return connection.in_transaction


class OneTripCursor:
    """A DBAPI cursor for SQLAlchemy whose statements each take one trip to the thread.

    Rows are fetched in full with the statement (as SQLAlchemy's own adapter does for
    every cursor that is not server-side), so fetching from it never waits.
    """

    server_side = False

    def __init__(self, adapted: OneTripConnection) -> None:
        self._adapted = adapted
        self._rows: collections.deque[Any] = collections.deque()
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1

    def _trip(self, function: Any, operation: str, parameters: Any) -> None:
        adapted = self._adapted
        begin, adapted._begin = adapted._begin, None
        try:
            outcome: _Outcome = await_(adapted._trip(function, begin, operation, parameters))
        except Exception as error:
            # Whether the BEGIN or the statement failed, a transaction may be open.
            adapted._in_transaction = True
            adapted._handle_exception(error)
        self.description, rows, self.rowcount, self.lastrowid, open_now = outcome
        adapted._in_transaction = open_now
        self._rows = collections.deque(rows) if rows is not None else collections.deque()

    def execute(self, operation: str, parameters: Any = None) -> None:
        """Execute a statement and keep its rows."""
        self._trip(_run, operation, parameters)

    def executemany(self, operation: str, seq_of_parameters: Any) -> None:
        """Execute a statement once for each set of parameters."""
        self._trip(_run_many, operation, seq_of_parameters)

    async def _async_soft_close(self) -> None:
        """Nothing is open on the thread: the rows are already here."""

    def close(self) -> None:
        """Drop any rows not fetched."""
        self._rows.clear()

    def __enter__(self) -> OneTripCursor:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[Any]:
        while self._rows:
            yield self._rows.popleft()

    def fetchone(self) -> Any:
        """The next row, or None."""
        return self._rows.popleft() if self._rows else None

    def fetchmany(self, size: int | None = None) -> Sequence[Any]:
        """Up to `size` rows (`arraysize` if not given)."""
        count = min(self.arraysize if size is None else size, len(self._rows))
        return [self._rows.popleft() for _ in range(count)]

    def fetchall(self) -> Sequence[Any]:
        """Every row left."""
        rows = list(self._rows)
        self._rows.clear()
        return rows

    def setinputsizes(self, *_: Any) -> None:
        """SQLite takes no input sizes."""

    def setoutputsize(self, *_: Any) -> None:
        """SQLite takes no output sizes."""


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """SQLAlchemy's aiosqlite connection adapter, with one-trip cursors, a BEGIN that
    waits for the first statement, and no trip to end a transaction that is not open."""

    __slots__ = ("_before_commit", "_begin", "_in_transaction")

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self._begin: str | None = None
        self._before_commit: list[tuple[str, tuple[Any, ...]]] = []
        # Not known until the first trip says; True makes the next commit/rollback go.
        self._in_transaction = True

    async def _trip(self, function: Any, *args: Any) -> Any:
        driver: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        # `_execute` queues the call on the connection's own thread and awaits it; it
        # raises if the connection is closed. SQLAlchemy's adapter uses the same queue.
        return await driver._execute(function, driver._conn, *args)

    def begin_with_next_statement(self, begin: str) -> None:
        """Send `begin` (e.g. "BEGIN IMMEDIATE") in the same trip as the next statement."""
        self._begin = begin

    def run_before_commit(self, operation: str, parameters: tuple[Any, ...]) -> None:
        """Execute a statement whose result nobody needs in the commit's own trip.

        If it fails, the whole transaction is rolled back and the commit raises. A rollback
        drops it unexecuted.
        """
        self._before_commit.append((operation, parameters))

    def cursor(self, server_side: bool = False) -> Any:
        """A one-trip cursor (server-side cursors stay SQLAlchemy's own)."""
        if server_side:
            # Its statements bypass the bookkeeping here; send any waiting BEGIN first.
            self._flush_begin()
            self._in_transaction = True
            return super().cursor(server_side=True)
        return OneTripCursor(self)

    def commit(self) -> None:
        """Commit, if a transaction is open."""
        self._end(commit=True)

    def rollback(self) -> None:
        """Roll back, if a transaction is open."""
        self._end(commit=False)

    def _end(self, commit: bool) -> None:
        begin, self._begin = self._begin, None
        before_commit, self._before_commit = self._before_commit, []
        if not (commit and before_commit):
            if not self._in_transaction or not self._connection._connection:
                return  # nothing is open (a BEGIN that never went out opened nothing)
            begin = None
        # Else the statements left for the commit go, after the BEGIN if nothing sent it.
        try:
            self._in_transaction = await_(self._trip(_end, commit, begin, before_commit))
        except Exception as error:
            self._in_transaction = True
            self._handle_exception(error)

    def _flush_begin(self) -> None:
        if self._begin is not None:
            OneTripCursor(self).execute("SELECT 1")


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """aiosqlite as SQLAlchemy adapts it, handing out `OneTripConnection`s."""

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        """Open a connection (and its thread) as SQLAlchemy's adapter does."""
        adapted = super().connect(*arg, **kw)
        return OneTripConnection(self, adapted._connection)


def one_trip_dbapi() -> OneTripDBAPI:
    """The DBAPI module to pass to `create_async_engine(..., module=...)` for SQLite."""
    return OneTripDBAPI(aiosqlite, sqlite3)


def leave_for_commit(
    conn: AsyncConnection, statement: ClauseElement, parameters: Mapping[str, Any] | None = None
) -> bool:
    """Leave `statement` (with `parameters` for its bound names) for the commit's own trip if
    `conn` is a one-trip SQLite connection in a transaction; False (and nothing done)
    otherwise, for the caller to execute it.

    For statements whose result nobody needs and whose values go to SQLite as they are
    (numbers, text): no type of SQLAlchemy's converts them on the way. Each statement is
    compiled once; build it once too (with `bindparam`) where it is used often.
    """
    sync = conn.sync_connection
    if sync is None or not conn.in_transaction():
        return False
    driver = sync.connection.dbapi_connection
    if not isinstance(driver, OneTripConnection):
        return False
    compiled = _compiled(statement, conn.dialect)
    values = compiled.construct_params(parameters)
    driver.run_before_commit(
        compiled.string, tuple(values[name] for name in compiled.positiontup or ())
    )
    return True


@functools.lru_cache(maxsize=64)
def _compiled(statement: ClauseElement, dialect: Dialect) -> Compiled:
    # Statements are hashed by identity: one built once is compiled once.
    return statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
