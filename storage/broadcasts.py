"""Broadcasts and who they reach."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from storage import schema
from storage.types import Executor, off_loop


@dataclass(frozen=True)
class BroadcastRow:
    """A broadcast and where it stands."""

    id: int
    created_by: int | None
    text: str
    audience: str
    send_at: datetime
    state: str
    total: int
    skipped_paused: int
    skipped_unreachable: int
    report_chat_id: int
    progress_message_id: int | None
    created_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class RecipientRow:
    """Someone a broadcast could go to."""

    person_id: int
    paused: bool
    unreachable: bool


class BroadcastsRepo:
    """Broadcasts and their audiences."""

    def __init__(self, conn: Executor) -> None:
        self._conn = conn

    async def create(
        self,
        created_by: int,
        text: str,
        audience: str,
        send_at: datetime,
        state: str,
        report_chat_id: int,
        now: datetime,
    ) -> BroadcastRow:
        """Store a new broadcast."""
        result = await self._conn.execute(
            insert(schema.broadcast)
            .values(
                created_by=created_by,
                text=text,
                audience=audience,
                send_at=send_at,
                state=state,
                report_chat_id=report_chat_id,
                created_at=now,
            )
            .returning(*schema.broadcast.c)
        )
        return BroadcastRow(**result.one()._mapping)

    async def get(self, broadcast_id: int) -> BroadcastRow | None:
        """The broadcast with this id, if any."""
        b = schema.broadcast
        row = (await self._conn.execute(select(b).where(b.c.id == broadcast_id))).first()
        return BroadcastRow(**row._mapping) if row else None

    async def in_state(
        self, state: str, due_by: datetime | None = None, claim: bool = False
    ) -> list[BroadcastRow]:
        """Broadcasts in `state` (and, if given, due by then), oldest first. With `claim`,
        on PostgreSQL, locked until the transaction ends, skipping any another transaction
        holds: two replicas releasing broadcasts at once never release one twice."""
        b = schema.broadcast
        query = select(b).where(b.c.state == state)
        if due_by is not None:
            query = query.where(b.c.send_at <= due_by)
        if claim and self._conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = await self._conn.execute(query.order_by(b.c.send_at, b.c.id))
        return [BroadcastRow(**row._mapping) for row in rows]

    async def of_creator(self, person_id: int, states: Sequence[str]) -> list[BroadcastRow]:
        """A coordinator's broadcasts in these states, soonest first."""
        b = schema.broadcast
        rows = await self._conn.execute(
            select(b)
            .where(b.c.created_by == person_id, b.c.state.in_(states))
            .order_by(b.c.send_at, b.c.id)
        )
        return [BroadcastRow(**row._mapping) for row in rows]

    async def update(self, broadcast_id: int, **values: Any) -> None:
        """Change a broadcast's state, counts or progress message."""
        b = schema.broadcast
        await self._conn.execute(update(b).where(b.c.id == broadcast_id).values(**values))

    @off_loop
    async def recipients(self, group_ids: Sequence[int]) -> list[RecipientRow]:
        """Everyone in any of these groups, once each."""
        m, p = schema.membership, schema.person
        rows = await self._conn.execute(
            select(p.c.id, p.c.paused, p.c.unreachable_at)
            .where(p.c.id.in_(select(m.c.person_id).where(m.c.group_id.in_(group_ids))))
            .order_by(p.c.id)
        )
        return [RecipientRow(row.id, row.paused, row.unreachable_at is not None) for row in rows]
