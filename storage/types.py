"""Column types shared by the schema, what the repositories need of a connection, and how
a repository method declares what its statements cost."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, ParamSpec, Protocol, TypeVar, TypeVarTuple, overload

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


# Set while a repository method declared `off_loop` runs (in this task only).
_OFF_LOOP: ContextVar[bool] = ContextVar("chorus_off_loop", default=False)

_P = ParamSpec("_P")
_R = TypeVar("_R")


def off_loop(
    method: Callable[_P, Coroutine[Any, Any, _R]],
) -> Callable[_P, Coroutine[Any, Any, _R]]:
    """Declare a repository method whose statements may touch many rows (a whole group, a
    table's worth of old rows): on an SQLite file they run on a worker thread, so the
    event loop goes on answering members meanwhile. Every other method's statements are
    small reads and writes through an index, run on the event loop's own thread, where
    they cost a tenth of a trip to a thread. On PostgreSQL every statement is a trip to
    the server, and this changes nothing."""

    @functools.wraps(method)
    async def declared(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        token = _OFF_LOOP.set(True)
        try:
            return await method(*args, **kwargs)
        finally:
            _OFF_LOOP.reset(token)

    declared.runs_off_loop = True  # type: ignore[attr-defined]
    return declared


def runs_off_loop() -> bool:
    """True while a method declared `off_loop` runs in this task."""
    return _OFF_LOOP.get()
