"""SQLite through aiosqlite, one trip to the connection's thread per statement.

SQLAlchemy's aiosqlite adapter makes four trips to aiosqlite's worker thread for each
statement (make a cursor, execute, fetch the rows, close the cursor), each one a queue
hand-off, a thread wake-up and a wake-up of the event loop, plus a greenlet switch. Here a
cursor does all four in one call on that thread and keeps the rows, description, row count
and last row id it brought back. Everything else (connections, transactions, errors,
server-side cursors) is SQLAlchemy's own adapter, unchanged.

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
# row count and last row id.
_Outcome = tuple[Any, list[Any] | None, int, int | None]


def _run(connection: sqlite3.Connection, operation: str, parameters: Any) -> _Outcome:
    """Execute one statement on the connection's own thread and bring everything back."""
    cursor = connection.cursor()
    try:
        cursor.execute(operation, () if parameters is None else parameters)
        rows = cursor.fetchall() if cursor.description else None
        return cursor.description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


def _run_many(connection: sqlite3.Connection, operation: str, parameters: Any) -> _Outcome:
    """Execute one statement for many parameter sets, on the connection's thread."""
    cursor = connection.cursor()
    try:
        cursor.executemany(operation, parameters)
        return cursor.description, None, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneTripCursor:
    """A DBAPI cursor for SQLAlchemy whose statements each take one trip to the thread.

    Rows are fetched in full with the statement (as SQLAlchemy's own adapter does for
    every cursor that is not server-side), so fetching from it never waits.
    """

    server_side = False

    def __init__(self, adapted: AsyncAdapt_aiosqlite_connection) -> None:
        self._adapted = adapted
        self._rows: collections.deque[Any] = collections.deque()
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1

    def _trip(self, function: Any, operation: str, parameters: Any) -> None:
        driver: aiosqlite.Connection = self._adapted._connection  # type: ignore[assignment]
        try:
            # `_execute` queues the call on the connection's own thread and awaits it; it
            # raises if the connection is closed. SQLAlchemy's adapter uses the same queue.
            outcome: _Outcome = await_(
                driver._execute(function, driver._conn, operation, parameters)
            )
        except Exception as error:
            self._adapted._handle_exception(error)
        self.description, rows, self.rowcount, self.lastrowid = outcome
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
    """SQLAlchemy's aiosqlite connection adapter, with one-trip cursors."""

    __slots__ = ()

    def cursor(self, server_side: bool = False) -> Any:
        """A one-trip cursor (server-side cursors stay SQLAlchemy's own)."""
        if server_side:
            return super().cursor(server_side=True)
        return OneTripCursor(self)


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """aiosqlite as SQLAlchemy adapts it, handing out `OneTripConnection`s."""

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        """Open a connection (and its thread) as SQLAlchemy's adapter does."""
        adapted = super().connect(*arg, **kw)
        return OneTripConnection(self, adapted._connection)


def one_trip_dbapi() -> OneTripDBAPI:
    """The DBAPI module to pass to `create_async_engine(..., module=...)` for SQLite."""
    return OneTripDBAPI(aiosqlite, sqlite3)
