"""Prompts: the scenarios and questions coordinators post to their groups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, or_, select

from storage import schema
from storage.types import Executor


@dataclass(frozen=True)
class PromptRow:
    """A question or scenario posted to a group."""

    id: int
    group_id: int
    text: str
    created_by: int | None
    created_at: datetime
    ends_on: date | None


class PromptsRepo:
    """Prompts coordinators post to their groups."""

    def __init__(self, conn: Executor) -> None:
        self._conn = conn

    async def create(
        self, group_id: int, text: str, created_by: int, now: datetime, ends_on: date | None
    ) -> PromptRow:
        """Store a new prompt."""
        result = await self._conn.execute(
            insert(schema.prompt)
            .values(
                group_id=group_id,
                text=text,
                created_by=created_by,
                created_at=now,
                ends_on=ends_on,
            )
            .returning(*schema.prompt.c)
        )
        return PromptRow(**result.one()._mapping)

    async def get(self, prompt_id: int) -> PromptRow | None:
        """The prompt with this id, if any."""
        p = schema.prompt
        row = (await self._conn.execute(select(p).where(p.c.id == prompt_id))).first()
        return PromptRow(**row._mapping) if row else None

    async def open_in_group(self, group_id: int, today: date, limit: int) -> list[PromptRow]:
        """A group's prompts still taking answers, newest first."""
        p = schema.prompt
        rows = await self._conn.execute(
            select(p)
            .where(p.c.group_id == group_id, or_(p.c.ends_on.is_(None), p.c.ends_on >= today))
            .order_by(p.c.created_at.desc(), p.c.id.desc())
            .limit(limit)
        )
        return [PromptRow(**row._mapping) for row in rows]
