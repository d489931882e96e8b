"""SQLite through aiosqlite, with as few trips to the connection's thread as can be.

SQLAlchemy's aiosqlite adapter makes four trips to aiosqlite's worker thread for each
statement (make a cursor, execute, fetch the rows, close the cursor), each one a queue
hand-off, a thread wake-up and a wake-up of the event loop, plus a greenlet switch. Here:

- a cursor does all four in one call on that thread and keeps the rows, description, row
  count and last row id it brought back;
- a transaction's BEGIN travels with its first statement, not on a trip of its own;
- a commit or rollback when the connection has no transaction open (reads, which run
  without one) is not sent at all: each trip reports whether a transaction is open.

On an SQLite file, lookups and write transactions skip the thread altogether
(storage/inline.py); what comes here is the reads that may scan many rows, and everything
on a database in memory.

Everything else (connections, errors, server-side cursors) is SQLAlchemy's own adapter.
Used by `Storage.open` for SQLite, as the DBAPI module passed to `create_async_engine`.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_dbapi,
)
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


def _end(connection: sqlite3.Connection, commit: bool) -> bool:
    """Commit or roll back, on the connection's thread; whether a transaction is still open
    afterwards."""
    if commit:
        connection.commit()
    else:
        connection.rollback()
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

    __slots__ = ("_begin", "_in_transaction")

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self._begin: str | None = None
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
        self._begin = None
        if not self._in_transaction or not self._connection._connection:
            return  # nothing is open (a BEGIN that never went out opened nothing)
        try:
            self._in_transaction = await_(self._trip(_end, commit))
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
