"""The step a person is on in a multi-step flow, with its sealed data."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import Select
from sqlalchemy.sql.dml import Insert

from storage import schema
from storage.types import Executor


@functools.cache
def _step_upsert(dialect_name: str) -> Insert:
    """Start or replace a person's waiting step, in one statement, on either backend."""
    s = schema.pending_step
    upsert = postgresql.insert(s) if dialect_name == "postgresql" else sqlite.insert(s)
    return upsert.on_conflict_do_update(
        index_elements=[s.c.person_id],
        set_={
            "step": upsert.excluded.step,
            "data": upsert.excluded.data,
            "updated_at": upsert.excluded.updated_at,
        },
    )


@dataclass(frozen=True)
class StepRow:
    """A typed answer the bot is waiting for from a person."""

    step: str
    data: dict[str, Any]
    updated_at: datetime


_STEP_COLUMNS = (
    schema.pending_step.c.step,
    schema.pending_step.c.data,
    schema.pending_step.c.updated_at,
)
_STEP_OF_PERSON = select(*_STEP_COLUMNS).where(
    schema.pending_step.c.person_id == bindparam("person_id")
)
_STEP_OF_TELEGRAM_ID = (
    select(*_STEP_COLUMNS)
    .join(schema.person, schema.person.c.id == schema.pending_step.c.person_id)
    .where(schema.person.c.telegram_id == bindparam("telegram_id"))
)
_CLEAR_STEP = delete(schema.pending_step).where(
    schema.pending_step.c.person_id == bindparam("person_id")
)


class Sealing(Protocol):
    """What seals a step's data (bot/crypto.py's Sealer)."""

    def seal(self, text: str, purpose: str) -> str:
        """`text` encrypted for `purpose`."""
        ...

    def open(self, token: str, purpose: str) -> str:
        """The text sealed in `token` for `purpose`."""
        ...


STEP_PURPOSE = "step.data"
# A step's data is padded to a multiple of this many characters before it is sealed, so the
# length of the sealed value does not tell one choice from another (with a name or without).
STEP_PAD = 256
_SEALED_KEY = "sealed"
# A draft's step data names its flow under `DRAFT_KEY` (e.g. "share") and holds `KEEP_KEY`
# true once it holds words a person typed. Starting another step does not lose those: the
# draft is kept aside inside the new step's data under `KEPT_KEY`, and comes back when that
# step ends or is stopped. The draft's own flow starting again takes its place.
DRAFT_KEY = "draft"
KEEP_KEY = "keep"
KEPT_KEY = "kept"


def _kept_beside(old: StepRow | None, data: dict[str, Any]) -> dict[str, Any] | None:
    """The draft to keep aside when `data` replaces the step `old`, if any."""
    if old is None or KEPT_KEY in data:
        return None
    keep = old.data.get(KEEP_KEY) and old.data.get(DRAFT_KEY) != data.get(DRAFT_KEY)
    kept = {"step": old.step, "data": old.data} if keep else old.data.get(KEPT_KEY)
    if not isinstance(kept, dict):
        return None
    if kept["data"].get(DRAFT_KEY) == data.get(DRAFT_KEY):
        return None  # the same draft going on (or its own flow starting it again)
    return kept


def step_day(now: datetime) -> datetime:
    """The time a step keeps: the start of its UTC day, never the moment (which would line
    up with what the step led to)."""
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


class StepsRepo:
    """The typed answer each person is in the middle of giving.

    With a sealer, the whole of a step's data (words, choices, what it is about) is sealed
    as one value, and its time is the day only.
    """

    def __init__(self, conn: Executor, sealer: Sealing | None = None) -> None:
        self._conn = conn
        self._sealer = sealer
        self._memo: dict[tuple[str, int], StepRow | None] | None = None

    def remember_in(self, memo: dict[tuple[str, int], StepRow | None]) -> None:
        """Answer `get` and `of_telegram_id` from `memo` where it can, and note new answers
        there. For reads within one update: its owner clears `memo` whenever anything is
        written."""
        self._memo = memo

    async def get(self, person_id: int) -> StepRow | None:
        """The person's unfinished step, if any."""
        return await self._read(("person", person_id), _STEP_OF_PERSON, "person_id")

    async def of_telegram_id(self, telegram_id: int) -> StepRow | None:
        """The unfinished step of the person with this Telegram id, if any (one query)."""
        return await self._read(("telegram", telegram_id), _STEP_OF_TELEGRAM_ID, "telegram_id")

    async def _read(
        self, key: tuple[str, int], statement: Select[Any], parameter: str
    ) -> StepRow | None:
        if self._memo is not None and key in self._memo:
            return self._memo[key]
        row = (await self._conn.execute(statement, {parameter: key[1]})).first()
        step = None
        if row is not None:
            step = StepRow(step=row.step, data=self._opened(row.data), updated_at=row.updated_at)
        if self._memo is not None:
            self._memo[key] = step
        return step

    async def set(self, person_id: int, step: str, data: dict[str, Any], now: datetime) -> None:
        """Start (or replace) the person's unfinished step. A draft of typed words that it
        replaces is kept aside (see `KEEP_KEY`)."""
        kept = _kept_beside(await self.get(person_id), data)
        if kept is not None:
            data = {**data, KEPT_KEY: kept}
        await self._conn.execute(
            _step_upsert(self._conn.dialect.name),
            {
                "person_id": person_id,
                "step": step,
                "data": self._sealed(data),
                "updated_at": step_day(now),
            },
        )

    async def clear(self, person_id: int) -> bool:
        """End the person's unfinished step; False if there was none. A draft kept aside
        while it went on becomes their step again."""
        step = await self.get(person_id)
        kept = None if step is None else step.data.get(KEPT_KEY)
        if isinstance(kept, dict) and isinstance(kept.get("step"), str):
            await self._conn.execute(
                _step_upsert(self._conn.dialect.name),
                {
                    "person_id": person_id,
                    "step": kept["step"],
                    "data": self._sealed(kept.get("data") or {}),
                    "updated_at": step.updated_at if step is not None else None,
                },
            )
            return True
        result = await self._conn.execute(_CLEAR_STEP, {"person_id": person_id})
        return bool(result.rowcount)

    async def drop(self, person_id: int) -> bool:
        """Drop the person's step and any draft kept aside with it."""
        result = await self._conn.execute(_CLEAR_STEP, {"person_id": person_id})
        return bool(result.rowcount)

    async def drop_kept(self, person_id: int) -> bool:
        """Drop the draft kept aside beside the person's step (the step goes on); False if
        none was kept."""
        step = await self.get(person_id)
        if step is None or KEPT_KEY not in step.data:
            return False
        data = {k: v for k, v in step.data.items() if k != KEPT_KEY}
        await self._conn.execute(
            _step_upsert(self._conn.dialect.name),
            {
                "person_id": person_id,
                "step": step.step,
                "data": self._sealed(data),
                "updated_at": step.updated_at,
            },
        )
        return True

    async def kept(self, person_id: int) -> StepRow | None:
        """The draft of typed words kept aside while another step goes on, if any."""
        step = await self.get(person_id)
        kept = None if step is None else step.data.get(KEPT_KEY)
        if step is None or not isinstance(kept, dict):
            return None
        return StepRow(step=kept["step"], data=kept.get("data") or {}, updated_at=step.updated_at)

    def _sealed(self, data: dict[str, Any]) -> str:
        plain = json.dumps(data)
        if self._sealer is None:
            return plain
        padded = plain + " " * (-len(plain) % STEP_PAD)
        return json.dumps({_SEALED_KEY: self._sealer.seal(padded, STEP_PURPOSE)})

    def _opened(self, stored: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(stored)
        sealed = data.get(_SEALED_KEY) if len(data) == 1 else None
        if sealed is None or self._sealer is None:
            return data  # kept before steps were sealed (or sealed and unreadable here)
        try:
            opened: dict[str, Any] = json.loads(self._sealer.open(sealed, STEP_PURPOSE))
        except ValueError:  # sealed under another key, or damaged: nothing can be offered back
            return {}
        return opened
