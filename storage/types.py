"""Column types shared by the schema, what the repositories need of a connection, and how
a repository method declares what its statements cost."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar, TypeVarTuple, overload

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult, Dialect
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.selectable import TypedReturnsRows
from sqlalchemy.types import DateTime, TypeDecorator

_Ts = TypeVarTuple("_Ts")


class UTCDateTime(TypeDecorator[datetime]):
    """A moment in time, stored in UTC; always aware on the way in and out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("times must carry a time zone before they are stored")
        moment = value.astimezone(UTC)
        # SQLite has no zone type: store naive UTC so text ordering is time ordering.
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def dialect_insert(conn: Executor, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that can say what to do on a conflict (ON CONFLICT), on either backend: so
    a write is one statement whoever else writes the same row at the same moment."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


class Executor(Protocol):
    """What a repository needs of its connection: an `AsyncConnection`, or a lookup's."""

    @property
    def dialect(self) -> Dialect:
        """The database's dialect."""
        ...

    @overload
    async def execute(
        self, statement: TypedReturnsRows[*_Ts], parameters: Any = None
    ) -> CursorResult[*_Ts]: ...

    @overload
    async def execute(
        self, statement: Executable, parameters: Any = None
    ) -> CursorResult[*tuple[Any, ...]]: ...

    async def execute(
        self, statement: Executable, parameters: Any = None
    ) -> CursorResult[*tuple[Any, ...]]:
        """Execute `statement` and bring back its result."""
        ...


_S = TypeVar("_S")
_P = ParamSpec("_P")
_R = TypeVar("_R")


def off_loop(
    method: Callable[Concatenate[_S, _P], Coroutine[Any, Any, _R]],
) -> Callable[Concatenate[_S, _P], Coroutine[Any, Any, _R]]:
    """Declare a repository method that may touch many rows (a whole group, a table's worth
    of old rows). On an SQLite file the whole method runs on a worker thread, its statements
    and the making of its rows alike, so the event loop goes on answering members
    meanwhile; every other method's statements are small reads and writes through an
    index, run on the event loop's own thread, where they cost a tenth of a trip to a
    thread. On PostgreSQL every statement is a trip to the server, and this changes nothing.

    The method must await nothing but its connection's statements (and other repository
    methods); its connection is the repository's `_conn`."""

    @functools.wraps(method)
    async def declared(self: _S, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        elsewhere = getattr(getattr(self, "_conn", None), "elsewhere", None)
        if elsewhere is None:
            return await method(self, *args, **kwargs)
        result: _R = await elsewhere(functools.partial(method, self, *args, **kwargs))
        return result

    declared.runs_off_loop = True  # type: ignore[attr-defined]
    return declared
