"""Who reads a group's input without taking part: observers and their links, and the
safeguarding leads who receive risk alerts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select, update

from storage import schema
from storage.types import Executor, dialect_insert, off_loop


@dataclass(frozen=True)
class ReaderRow:
    """An observer or a safeguarding lead, as an admin sees them."""

    person_id: int
    display_name: str | None
    chat_id: int


@dataclass(frozen=True)
class ObserverLinkRow:
    """A one-time link that makes whoever opens it an observer of one group."""

    code: str
    group_id: int
    expires_at: datetime
    used_at: datetime | None


class ObserversRepo:
    """Who may read which group's input without taking part, and the links that make them."""

    def __init__(self, conn: Executor) -> None:
        self._conn = conn

    async def add(self, group_id: int, person_id: int, now: datetime) -> bool:
        """Make the person an observer of the group; False if they already were."""
        result = await self._conn.execute(
            dialect_insert(self._conn, schema.group_observer)
            .values(group_id=group_id, person_id=person_id, added_at=now)
            .on_conflict_do_nothing()
        )
        return bool(result.rowcount)

    async def remove(self, group_id: int, person_id: int) -> bool:
        """Stop the person observing the group; False if they did not."""
        o = schema.group_observer
        result = await self._conn.execute(
            delete(o).where(o.c.group_id == group_id, o.c.person_id == person_id)
        )
        return bool(result.rowcount)

    async def is_observer(self, group_id: int, person_id: int) -> bool:
        """True if the person observes the group."""
        o = schema.group_observer
        row = await self._conn.execute(
            select(o.c.group_id).where(o.c.group_id == group_id, o.c.person_id == person_id)
        )
        return row.first() is not None

    async def group_ids_of(self, person_id: int) -> list[int]:
        """The groups the person observes."""
        o = schema.group_observer
        rows = await self._conn.execute(
            select(o.c.group_id).where(o.c.person_id == person_id).order_by(o.c.group_id)
        )
        return list(rows.scalars())

    @off_loop
    async def of_group(self, group_id: int) -> list[ReaderRow]:
        """The group's observers, in the order they were added."""
        o, p = schema.group_observer, schema.person
        rows = await self._conn.execute(
            select(p.c.id.label("person_id"), p.c.display_name, p.c.chat_id)
            .join(o, o.c.person_id == p.c.id)
            .where(o.c.group_id == group_id)
            .order_by(o.c.added_at, p.c.id)
        )
        return [ReaderRow(**row._mapping) for row in rows]

    async def coordinator_ids(self, group_id: int) -> list[int]:
        """The person ids of the group's coordinators (told when a used item is withdrawn)."""
        gc = schema.group_coordinator
        rows = await self._conn.execute(
            select(gc.c.person_id).where(gc.c.group_id == group_id).order_by(gc.c.person_id)
        )
        return list(rows.scalars())

    async def create_link(
        self, code: str, group_id: int, now: datetime, expires_at: datetime
    ) -> None:
        """Store a new observer link."""
        await self._conn.execute(
            insert(schema.observer_link).values(
                code=code, group_id=group_id, created_at=now, expires_at=expires_at
            )
        )

    async def get_link(self, code: str) -> ObserverLinkRow | None:
        """The observer link with this code, if any."""
        link = schema.observer_link
        row = (
            await self._conn.execute(
                select(link.c.code, link.c.group_id, link.c.expires_at, link.c.used_at).where(
                    link.c.code == code
                )
            )
        ).first()
        return ObserverLinkRow(**row._mapping) if row else None

    async def use_link(self, code: str, now: datetime) -> bool:
        """Mark the link used; False if it was already used."""
        link = schema.observer_link
        result = await self._conn.execute(
            update(link).where(link.c.code == code, link.c.used_at.is_(None)).values(used_at=now)
        )
        return bool(result.rowcount)


class LeadsRepo:
    """Safeguarding leads: the coordinators who receive risk alerts."""

    def __init__(self, conn: Executor) -> None:
        self._conn = conn

    async def mark(self, person_id: int, lead: bool, now: datetime) -> None:
        """Mark or unmark the person as a safeguarding lead."""
        s = schema.safeguarding_lead
        if not lead:
            await self._conn.execute(delete(s).where(s.c.person_id == person_id))
            return
        upsert = dialect_insert(self._conn, s).values(person_id=person_id, added_at=now)
        await self._conn.execute(
            upsert.on_conflict_do_update(
                index_elements=[s.c.person_id], set_={"added_at": upsert.excluded.added_at}
            )
        )

    @off_loop
    async def all(self) -> list[ReaderRow]:
        """Every safeguarding lead who is still a coordinator."""
        s, p = schema.safeguarding_lead, schema.person
        rows = await self._conn.execute(
            select(p.c.id.label("person_id"), p.c.display_name, p.c.chat_id)
            .join(s, s.c.person_id == p.c.id)
            .where(p.c.is_coordinator.is_(True))
            .order_by(p.c.id)
        )
        return [ReaderRow(**row._mapping) for row in rows]

    @off_loop
    async def reachable(self) -> list[ReaderRow]:
        """Every lead who is still a coordinator and has not blocked the bot."""
        s, p = schema.safeguarding_lead, schema.person
        rows = await self._conn.execute(
            select(p.c.id.label("person_id"), p.c.display_name, p.c.chat_id)
            .join(s, s.c.person_id == p.c.id)
            .where(p.c.is_coordinator.is_(True), p.c.unreachable_at.is_(None))
            .order_by(p.c.id)
        )
        return [ReaderRow(**row._mapping) for row in rows]

    @off_loop
    async def ids(self) -> frozenset[int]:
        """The person ids of every lead (coordinator or not)."""
        rows = await self._conn.execute(select(schema.safeguarding_lead.c.person_id))
        return frozenset(rows.scalars())
