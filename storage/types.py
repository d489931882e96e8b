"""Column types shared by the schema, and what the repositories need of a connection."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol, TypeVarTuple, overload

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult, Dialect
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.selectable import TypedReturnsRows
from sqlalchemy.types import DateTime, TypeDecorator
from sqlalchemy.util.typing import TupleAny

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
    ) -> CursorResult[*TupleAny]: ...

    async def execute(
        self, statement: Executable, parameters: Any = None
    ) -> CursorResult[*TupleAny]:
        """Execute `statement` and bring back its result."""
        ...
