"""Groups and their members."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, insert, select, update

from storage import schema
from storage.sql import insert_ignoring_duplicates
from storage.types import Executor, off_loop


@dataclass(frozen=True)
class GroupRow:
    """An involvement group."""

    id: int
    name: str
    invite_code: str
    created_at: datetime


@dataclass(frozen=True)
class MemberRow:
    """A member as a group's coordinators see them."""

    person_id: int
    display_name: str | None
    joined_at: datetime


@dataclass(frozen=True)
class MemberChange:
    """Someone who joined (and is still in) or left a group, for the coordinators' notice."""

    group_id: int
    person_id: int
    display_name: str | None
    joined: bool
    at: datetime
    # Why a coordinator removed them (sealed), if a reason was kept.
    reason: str | None = None


_GROUP_COLUMNS = (
    schema.group.c.id,
    schema.group.c.name,
    schema.group.c.invite_code,
    schema.group.c.created_at,
)
_GROUP_BY_ID = select(*_GROUP_COLUMNS).where(schema.group.c.id == bindparam("group_id"))
_GROUP_BY_INVITE_CODE = select(*_GROUP_COLUMNS).where(
    schema.group.c.invite_code == bindparam("code")
)
_GROUPS_OF_MEMBER = (
    select(*_GROUP_COLUMNS)
    .join(schema.membership, schema.membership.c.group_id == schema.group.c.id)
    .where(schema.membership.c.person_id == bindparam("person_id"))
    .order_by(schema.group.c.name, schema.group.c.id)
)


class GroupsRepo:
    """Groups, their members and their coordinators."""

    def __init__(self, conn: Executor) -> None:
        self._conn = conn

    async def create(
        self, name: str, invite_code: str, created_by: int, now: datetime
    ) -> GroupRow:
        """Make a new group."""
        result = await self._conn.execute(
            insert(schema.group)
            .values(name=name, invite_code=invite_code, created_by=created_by, created_at=now)
            .returning(*self._columns())
        )
        return GroupRow(**result.one()._mapping)

    async def get(self, group_id: int) -> GroupRow | None:
        """The group with this id, if any."""
        return await self._one(_GROUP_BY_ID, {"group_id": group_id})

    async def by_invite_code(self, code: str) -> GroupRow | None:
        """The group this invite code opens, if any."""
        return await self._one(_GROUP_BY_INVITE_CODE, {"code": code})

    async def set_invite_code(self, group_id: int, code: str) -> None:
        """Replace the group's invite code (the old link stops working)."""
        await self._conn.execute(
            update(schema.group).where(schema.group.c.id == group_id).values(invite_code=code)
        )

    async def all(self) -> list[GroupRow]:
        """Every group, by name."""
        return await self._many(select(*self._columns()))

    async def coordinated_by(self, person_id: int) -> list[GroupRow]:
        """The groups this person coordinates, by name."""
        gc = schema.group_coordinator
        return await self._many(
            select(*self._columns())
            .join(gc, gc.c.group_id == schema.group.c.id)
            .where(gc.c.person_id == person_id)
        )

    async def of_member(self, person_id: int) -> list[GroupRow]:
        """The groups this person is a member of, by name."""
        rows = await self._conn.execute(_GROUPS_OF_MEMBER, {"person_id": person_id})
        return [GroupRow(**row._mapping) for row in rows]

    async def add_coordinator(self, group_id: int, person_id: int) -> None:
        """Make the person one of the group's coordinators."""
        await self._conn.execute(
            insert_ignoring_duplicates(self._conn, schema.group_coordinator),
            {"group_id": group_id, "person_id": person_id},
        )

    async def is_coordinator_of(self, group_id: int, person_id: int) -> bool:
        """True if the person coordinates the group."""
        gc = schema.group_coordinator
        row = await self._conn.execute(
            select(gc.c.group_id).where(gc.c.group_id == group_id, gc.c.person_id == person_id)
        )
        return row.first() is not None

    async def add_member(self, group_id: int, person_id: int, now: datetime) -> bool:
        """Add the person to the group; False if they were already in it."""
        result = await self._conn.execute(
            insert_ignoring_duplicates(self._conn, schema.membership),
            {"group_id": group_id, "person_id": person_id, "joined_at": now},
        )
        return bool(result.rowcount)

    async def remove_member(self, group_id: int, person_id: int) -> bool:
        """Take the person out of the group; False if they were not in it."""
        m = schema.membership
        result = await self._conn.execute(
            delete(m).where(m.c.group_id == group_id, m.c.person_id == person_id)
        )
        return bool(result.rowcount)

    async def record_departure(self, group_id: int, person_id: int, now: datetime) -> int:
        """Remember that the person left the group, for the coordinators' daily notice; the
        departure's id."""
        result = await self._conn.execute(
            insert(schema.membership_departure).returning(schema.membership_departure.c.id),
            {"group_id": group_id, "person_id": person_id, "left_at": now},
        )
        return int(result.scalar_one())

    async def keep_departure_reason(self, departure_id: int, group_id: int, sealed: str) -> bool:
        """Keep a coordinator's reason (sealed) with a departure from the group; False if
        there is no such departure any more."""
        d = schema.membership_departure
        result = await self._conn.execute(
            update(d).where(d.c.id == departure_id, d.c.group_id == group_id).values(reason=sealed)
        )
        return bool(result.rowcount)

    @off_loop
    async def changes(self, since: datetime, until: datetime) -> list[MemberChange]:
        """Who joined or left any group in (since, until], oldest first."""
        m, d, p = schema.membership, schema.membership_departure, schema.person
        joined = await self._conn.execute(
            select(m.c.group_id, m.c.person_id, p.c.display_name, m.c.joined_at)
            .join(p, p.c.id == m.c.person_id)
            .where(m.c.joined_at > since, m.c.joined_at <= until)
        )
        left = await self._conn.execute(
            select(d.c.group_id, d.c.person_id, p.c.display_name, d.c.left_at, d.c.reason)
            .join(p, p.c.id == d.c.person_id)
            .where(d.c.left_at > since, d.c.left_at <= until)
        )
        found = [MemberChange(g, pid, name, True, at) for g, pid, name, at in joined]
        found += [MemberChange(g, pid, n, False, at, why) for g, pid, n, at, why in left]
        return sorted(found, key=lambda c: (c.at, c.person_id))

    @off_loop
    async def prune_departures(self, before: datetime) -> int:
        """Forget departures older than `before`; how many were forgotten."""
        d = schema.membership_departure
        result = await self._conn.execute(delete(d).where(d.c.left_at < before))
        return int(result.rowcount or 0)

    async def is_member(self, group_id: int, person_id: int) -> bool:
        """True if the person is a member of the group."""
        m = schema.membership
        row = await self._conn.execute(
            select(m.c.group_id).where(m.c.group_id == group_id, m.c.person_id == person_id)
        )
        return row.first() is not None

    @off_loop
    async def members(self, group_id: int) -> list[MemberRow]:
        """The group's members, in the order they joined."""
        m, p = schema.membership, schema.person
        rows = await self._conn.execute(
            select(p.c.id.label("person_id"), p.c.display_name, m.c.joined_at)
            .join(p, p.c.id == m.c.person_id)
            .where(m.c.group_id == group_id)
            .order_by(m.c.joined_at, p.c.id)
        )
        return [MemberRow(**row._mapping) for row in rows]

    @off_loop
    async def member_count(self, group_id: int) -> int:
        """How many members the group has."""
        m = schema.membership
        count = await self._conn.execute(
            select(func.count()).select_from(m).where(m.c.group_id == group_id)
        )
        return int(count.scalar_one())

    @staticmethod
    def _columns() -> tuple[Any, ...]:
        return _GROUP_COLUMNS

    async def _one(self, query: Select[Any], parameters: dict[str, Any]) -> GroupRow | None:
        row = (await self._conn.execute(query, parameters)).first()
        return GroupRow(**row._mapping) if row else None

    async def _many(self, query: Any) -> list[GroupRow]:
        rows = await self._conn.execute(query.order_by(schema.group.c.name, schema.group.c.id))
        return [GroupRow(**row._mapping) for row in rows]
