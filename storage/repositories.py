"""Repositories: small typed methods over one connection. The caller owns the transaction."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Select, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

from storage import schema
from storage.conversations import ConversationsRepo
from storage.copies import CopiesRepo
from storage.items import (
    ItemsRepo,
    LeadsRepo,
    ObserversRepo,
    PromptsRepo,
    RiskAlertsRepo,
)
from storage.loop import LoopRepo, UpdatesRepo
from storage.replicas import Claimer, ReplicasRepo
from storage.sessions import SessionsRepo
from storage.types import Executor, off_loop


def _insert_ignoring_duplicates(conn: Executor, table: Table) -> Insert:
    """An INSERT that skips rows whose key already exists, on either backend (built once for
    each; give it the values when executing it)."""
    return _ignoring_duplicates(conn.dialect.name, table)


@functools.cache
def _ignoring_duplicates(dialect_name: str, table: Table) -> Insert:
    if dialect_name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


@functools.cache
def _remember_seen(dialect_name: str) -> Insert:
    """Remember update ids as seen, bringing back those not seen before (built once; given
    many rows, SQLAlchemy sends them as one INSERT)."""
    table = schema.seen_update
    return _ignoring_duplicates(dialect_name, table).returning(table.c.update_id)


@functools.cache
def _remember_seen_since(dialect_name: str) -> Insert:
    """Remember update ids as seen, bringing back those not seen since the parameter `since`:
    an id seen only before then is taken as new (Telegram numbers updates afresh after a
    quiet week) unless its update still waits to be handled."""
    table, journal = schema.seen_update, schema.update_journal
    upsert = postgresql.insert(table) if dialect_name == "postgresql" else sqlite.insert(table)
    return upsert.on_conflict_do_update(
        index_elements=[table.c.update_id],
        set_={"seen_at": upsert.excluded.seen_at},
        where=(table.c.seen_at < bindparam("since", type_=table.c.seen_at.type))
        & table.c.update_id.not_in(select(journal.c.update_id)),
    ).returning(table.c.update_id)


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
class PersonRow:
    """A person known to Chorus."""

    id: int
    telegram_id: int
    chat_id: int
    display_name: str | None
    is_coordinator: bool
    paused: bool
    created_at: datetime
    unreachable_at: datetime | None = None
    quiet_hours: str | None = None


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


@dataclass(frozen=True)
class StepRow:
    """A typed answer the bot is waiting for from a person."""

    step: str
    data: dict[str, Any]
    updated_at: datetime


@dataclass(frozen=True)
class CoordinatorLinkRow:
    """A one-time link that makes whoever opens it a coordinator."""

    code: str
    expires_at: datetime
    used_at: datetime | None


# Statements used for nearly every update are built once: building one costs SQLAlchemy
# more than SQLite takes to run it (measured with benchmarks/updates.py).
SETTLE = delete(schema.update_journal).where(
    schema.update_journal.c.update_id == bindparam("update_id")
)
_PERSON_BY_TELEGRAM_ID = select(schema.person).where(
    schema.person.c.telegram_id == bindparam("telegram_id")
)
_PERSON_BY_ID = select(schema.person).where(schema.person.c.id == bindparam("person_id"))
# An UPDATE of one person, setting the columns named in its parameters (bound names in
# an UPDATE must differ from its columns' names).
_UPDATE_PERSON = update(schema.person).where(schema.person.c.id == bindparam("person_id"))
_SET_PAUSED_BY_TELEGRAM_ID = (
    update(schema.person)
    .where(schema.person.c.telegram_id == bindparam("of_telegram_id"))
    .values(paused=bindparam("paused_now"))
)
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


# Telegram's update ids are positive; the health check's probe takes one no update has.
PROBE_UPDATE_ID = -1
PROBE_PAYLOAD = "-" * 4096


class JournalRepo:
    """Raw updates waiting to be handled, and the ids of every update seen.

    With a `claimer` (replicas) an update is stored claimed by this replica, and `pending`
    claims only updates no live replica holds.
    """

    def __init__(self, conn: Executor, claimer: Claimer | None = None) -> None:
        self._conn = conn
        self._claimer = claimer

    async def add_new(
        self,
        updates: Sequence[tuple[int, str]],
        now: datetime,
        since: datetime | None = None,
        chat_tags: dict[int, int] | None = None,
    ) -> list[int]:
        """Store the updates not seen before (or, given `since`, not seen since then), and
        remember their ids; return them, in order. `chat_tags` (replicas) names each
        update's chat, so a chat's updates are handled in order across replicas."""
        if not updates:
            return []
        claim: dict[str, Any] = {}
        if self._claimer is not None:
            claim = {"claimed_by": self._claimer.replica, "lease_until": self._claimer.until(now)}
        batch: dict[int, str] = {}
        for update_id, payload in updates:
            batch.setdefault(update_id, payload)
        # The hour only: the moment an update came would give the time of whatever it led
        # to (the sending of an anonymous item, say) to anyone with a copy of the files.
        now = now.replace(minute=0, second=0, microsecond=0)
        # Remembering the ids tells which were new: one statement, not a SELECT and an INSERT.
        if since is None:
            remembered = await self._conn.execute(
                _remember_seen(self._conn.dialect.name),
                [{"update_id": update_id, "seen_at": now} for update_id in batch],
            )
        else:
            remembered = await self._conn.execute(
                _remember_seen_since(self._conn.dialect.name),
                [{"update_id": update_id, "seen_at": now, "since": since} for update_id in batch],
            )
        fresh = sorted(remembered.scalars())
        if fresh:
            await self._conn.execute(
                insert(schema.update_journal),
                [
                    {
                        "update_id": update_id,
                        "received_at": now,
                        "payload": batch[update_id],
                        "chat_tag": (chat_tags or {}).get(update_id),
                        **claim,
                    }
                    for update_id in fresh
                ],
            )
        return fresh

    @off_loop
    async def pending(self, now: datetime | None = None) -> list[tuple[int, str]]:
        """Every stored update not yet handled, oldest first.

        With a claimer (replicas) only those this replica may take, now claimed by it: its
        own, unclaimed ones and those whose claim ran out by `now`; rows another replica is
        claiming at this moment are skipped, not waited for.
        """
        table = schema.update_journal
        if self._claimer is None:
            rows = await self._conn.execute(
                select(table.c.update_id, table.c.payload).order_by(table.c.update_id)
            )
            return [(row.update_id, row.payload) for row in rows]
        assert now is not None
        return await self.take_over(now, own=True)

    async def take_over(self, now: datetime, own: bool = False) -> list[tuple[int, str]]:
        """Claim the stored updates whose claim ran out by `now` (and unclaimed ones, and
        with `own` this replica's own), oldest first (replicas only)."""
        assert self._claimer is not None
        table = schema.update_journal
        free = table.c.claimed_by.is_(None) | (table.c.lease_until < now)
        if own:
            free = free | (table.c.claimed_by == self._claimer.replica)
        claimable = select(table.c.update_id).where(free)
        if self._conn.dialect.name == "postgresql":
            claimable = claimable.with_for_update(skip_locked=True)
        rows = await self._conn.execute(
            update(table)
            .where(table.c.update_id.in_(claimable.scalar_subquery()))
            .values(claimed_by=self._claimer.replica, lease_until=self._claimer.until(now))
            .returning(table.c.update_id, table.c.payload)
        )
        return sorted((row.update_id, row.payload) for row in rows)

    async def waits_behind(self, update_id: int, chat_tag: int) -> bool:
        """True if an older update of the same chat is stored and not this replica's: the
        replica holding it handles it first (replicas only)."""
        assert self._claimer is not None
        table = schema.update_journal
        row = await self._conn.execute(
            select(table.c.update_id)
            .where(
                table.c.chat_tag == chat_tag,
                table.c.update_id < update_id,
                table.c.claimed_by.is_distinct_from(self._claimer.replica),
            )
            .limit(1)
        )
        return row.first() is not None

    async def settle(self, *update_ids: int) -> None:
        """Delete these raw updates: they are handled (their ids stay remembered as seen)."""
        if not update_ids:
            return
        await self._conn.execute(SETTLE, [{"update_id": update_id} for update_id in update_ids])

    @off_loop
    async def prune_seen(self, before: datetime) -> int:
        """Forget ids seen before `before`, whose updates are handled (Telegram redelivers
        for a day at most)."""
        seen_table, journal = schema.seen_update, schema.update_journal
        result = await self._conn.execute(
            delete(seen_table).where(
                seen_table.c.seen_at < before,
                seen_table.c.update_id.not_in(select(journal.c.update_id)),
            )
        )
        return int(result.rowcount or 0)

    async def probe(self, now: datetime) -> None:
        """Store a raw update of a page's size and delete it again: fails as storing an update
        would (a read-only or full database)."""
        table = schema.update_journal
        await self._conn.execute(
            insert(table).values(update_id=PROBE_UPDATE_ID, received_at=now, payload=PROBE_PAYLOAD)
        )
        await self._conn.execute(delete(table).where(table.c.update_id == PROBE_UPDATE_ID))

    async def count_pending(self) -> int:
        """How many stored updates wait to be handled."""
        return int(
            (
                await self._conn.execute(select(func.count()).select_from(schema.update_journal))
            ).scalar_one()
        )


class PeopleRepo:
    """People who have agreed to take part, coordinators and admins who acted."""

    def __init__(self, conn: Executor) -> None:
        self._conn = conn
        self._memo: dict[int, PersonRow | None] | None = None

    def remember_in(self, memo: dict[int, PersonRow | None]) -> None:
        """Answer `by_telegram_id` from `memo` where it can, and note new answers there.

        For reads within one update: its owner clears `memo` whenever anything is written.
        """
        self._memo = memo

    async def by_telegram_id(self, telegram_id: int) -> PersonRow | None:
        """The person with this Telegram id, if known."""
        if self._memo is not None and telegram_id in self._memo:
            return self._memo[telegram_id]
        row = (
            await self._conn.execute(_PERSON_BY_TELEGRAM_ID, {"telegram_id": telegram_id})
        ).first()
        person = PersonRow(**row._mapping) if row else None
        if self._memo is not None:
            self._memo[telegram_id] = person
        return person

    async def get(self, person_id: int) -> PersonRow | None:
        """The person with this id, if any."""
        row = (await self._conn.execute(_PERSON_BY_ID, {"person_id": person_id})).first()
        return PersonRow(**row._mapping) if row else None

    async def ensure(
        self, telegram_id: int, chat_id: int, display_name: str | None, now: datetime
    ) -> PersonRow:
        """The person with this Telegram id, created if new."""
        # Most people asked for are known: one SELECT. A new one: the INSERT returns the row.
        person = await self.by_telegram_id(telegram_id)
        if person is not None:
            return person
        return await self.add(telegram_id, chat_id, display_name, now)

    async def add(
        self, telegram_id: int, chat_id: int, display_name: str | None, now: datetime
    ) -> PersonRow:
        """A new person with this Telegram id (the existing one if they were added meanwhile)."""
        row = (
            await self._conn.execute(
                _insert_ignoring_duplicates(self._conn, schema.person)
                .values(
                    telegram_id=telegram_id,
                    chat_id=chat_id,
                    display_name=display_name,
                    created_at=now,
                )
                .returning(*schema.person.c)
            )
        ).first()
        if row is not None:
            return PersonRow(**row._mapping)
        # Added meanwhile by another connection (possible on PostgreSQL).
        person = await self.by_telegram_id(telegram_id)
        assert person is not None
        return person

    async def set_display_name(self, person_id: int, name: str | None) -> None:
        """Set the name others see (None: no name)."""
        await self._update(person_id, display_name=name)

    async def set_paused(self, person_id: int, paused: bool) -> None:
        """Pause or resume every message that is not a direct reply."""
        await self._update(person_id, paused=paused)

    async def set_paused_by_telegram_id(self, telegram_id: int, paused: bool) -> bool:
        """Pause or resume, in one statement; False if nobody has this Telegram id."""
        result = await self._conn.execute(
            _SET_PAUSED_BY_TELEGRAM_ID, {"of_telegram_id": telegram_id, "paused_now": paused}
        )
        return bool(result.rowcount)

    async def set_coordinator(self, person_id: int, is_coordinator: bool) -> None:
        """Give or take the coordinator role."""
        await self._update(person_id, is_coordinator=is_coordinator)

    async def set_quiet_hours(self, person_id: int, quiet_hours: str | None) -> None:
        """Set quiet hours ("HH:MM-HH:MM", "off", or None for the default)."""
        await self._update(person_id, quiet_hours=quiet_hours)

    async def mark_unreachable(self, person_id: int, now: datetime) -> None:
        """Telegram refused to deliver to this person (blocked the bot, account gone)."""
        await self._update(person_id, unreachable_at=now)

    async def mark_reachable(self, telegram_id: int) -> bool:
        """The person is back; True if they had been marked unreachable."""
        p = schema.person
        result = await self._conn.execute(
            update(p)
            .where(p.c.telegram_id == telegram_id, p.c.unreachable_at.is_not(None))
            .values(unreachable_at=None)
        )
        return bool(result.rowcount)

    async def coordinators(self) -> list[PersonRow]:
        """Everyone who is a coordinator."""
        rows = await self._conn.execute(
            select(schema.person)
            .where(schema.person.c.is_coordinator.is_(True))
            .order_by(schema.person.c.id)
        )
        return [PersonRow(**row._mapping) for row in rows]

    async def _update(self, person_id: int, **values: Any) -> None:
        await self._conn.execute(_UPDATE_PERSON, {"person_id": person_id, **values})


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
            _insert_ignoring_duplicates(self._conn, schema.group_coordinator),
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
            _insert_ignoring_duplicates(self._conn, schema.membership),
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

    async def record_departure(self, group_id: int, person_id: int, now: datetime) -> None:
        """Remember that the person left the group, for the coordinators' daily notice."""
        await self._conn.execute(
            insert(schema.membership_departure),
            {"group_id": group_id, "person_id": person_id, "left_at": now},
        )

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
            select(d.c.group_id, d.c.person_id, p.c.display_name, d.c.left_at)
            .join(p, p.c.id == d.c.person_id)
            .where(d.c.left_at > since, d.c.left_at <= until)
        )
        found = [MemberChange(g, pid, name, True, at) for g, pid, name, at in joined]
        found += [MemberChange(g, pid, name, False, at) for g, pid, name, at in left]
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


class CoordinatorLinksRepo:
    """One-time links that make someone a coordinator."""

    def __init__(self, conn: Executor) -> None:
        self._conn = conn

    async def create(
        self, code: str, created_by_telegram_id: int, now: datetime, expires_at: datetime
    ) -> None:
        """Store a new link."""
        await self._conn.execute(
            insert(schema.coordinator_link).values(
                code=code,
                created_by_telegram_id=created_by_telegram_id,
                created_at=now,
                expires_at=expires_at,
            )
        )

    async def get(self, code: str) -> CoordinatorLinkRow | None:
        """The link with this code, if any."""
        link = schema.coordinator_link
        row = (
            await self._conn.execute(
                select(link.c.code, link.c.expires_at, link.c.used_at).where(link.c.code == code)
            )
        ).first()
        return CoordinatorLinkRow(**row._mapping) if row else None

    async def use(self, code: str, now: datetime) -> bool:
        """Mark the link used; False if it was already used."""
        link = schema.coordinator_link
        result = await self._conn.execute(
            update(link).where(link.c.code == code, link.c.used_at.is_(None)).values(used_at=now)
        )
        return bool(result.rowcount)


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

    async def get(self, person_id: int) -> StepRow | None:
        """The person's unfinished step, if any."""
        row = (await self._conn.execute(_STEP_OF_PERSON, {"person_id": person_id})).first()
        if row is None:
            return None
        return StepRow(step=row.step, data=self._opened(row.data), updated_at=row.updated_at)

    async def of_telegram_id(self, telegram_id: int) -> StepRow | None:
        """The unfinished step of the person with this Telegram id, if any (one query)."""
        row = (
            await self._conn.execute(_STEP_OF_TELEGRAM_ID, {"telegram_id": telegram_id})
        ).first()
        if row is None:
            return None
        return StepRow(step=row.step, data=self._opened(row.data), updated_at=row.updated_at)

    async def set(self, person_id: int, step: str, data: dict[str, Any], now: datetime) -> None:
        """Start (or replace) the person's unfinished step."""
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
        """Drop the person's unfinished step; False if there was none."""
        result = await self._conn.execute(_CLEAR_STEP, {"person_id": person_id})
        return bool(result.rowcount)

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


@dataclass(frozen=True)
class OutboxNew:
    """A message to queue, to a member (`person_id`) or to the sealed `return_address` of an
    anonymous contributor; exactly one of the two is set."""

    dedupe_key: str
    kind: str
    person_id: int | None
    payload: str
    due_at: datetime
    urgent: bool = False
    broadcast_id: int | None = None
    return_address: str | None = None

    def __post_init__(self) -> None:
        if (self.person_id is None) == (self.return_address is None):
            raise ValueError("an outbox row goes to a person or to a return address")


@dataclass(frozen=True)
class OutboxJob:
    """A queued message claimed for sending, with what is needed to send it."""

    id: int
    kind: str
    payload: str
    urgent: bool
    attempts: int
    parts_sent: int
    broadcast_id: int | None
    person_id: int | None
    chat_id: int | None
    paused: bool
    unreachable: bool
    quiet_hours: str | None
    # For an anonymous contributor: their sealed chat id (person_id and chat_id are None).
    return_address: str | None = None


# Rows written by one statement of a bulk write.
PART_ROWS = 500


class OutboxRepo:
    """Messages waiting to be sent, and what became of them.

    With a `claimer` (replicas) a message being sent is claimed by this replica until its
    lease runs out; a claim whose lease ran out is taken over by the next replica to claim,
    and what this replica records of a message it no longer holds changes nothing.
    """

    def __init__(self, conn: Executor, claimer: Claimer | None = None) -> None:
        self._conn = conn
        self._claimer = claimer

    def _mine(self) -> Any:
        """The condition that a "sending" row is this replica's to record."""
        o = schema.outbox
        if self._claimer is None:
            return o.c.state == "sending"
        return (o.c.state == "sending") & (o.c.claimed_by == self._claimer.replica)

    @off_loop
    async def enqueue(self, rows: Sequence[OutboxNew], now: datetime) -> None:
        """Queue messages; one whose dedupe key is already queued is left as it was.

        Written in parts: between them, the worker thread lets the event loop have the
        interpreter (SQLAlchemy readies a statement's rows without letting it go)."""
        for start in range(0, len(rows), PART_ROWS):
            await self._conn.execute(
                _insert_ignoring_duplicates(self._conn, schema.outbox),
                [
                    {
                        "dedupe_key": row.dedupe_key,
                        "kind": row.kind,
                        "person_id": row.person_id,
                        "return_address": row.return_address,
                        "payload": row.payload,
                        "due_at": row.due_at,
                        "urgent": row.urgent,
                        "broadcast_id": row.broadcast_id,
                        "created_at": now,
                    }
                    for row in rows[start : start + PART_ROWS]
                ],
            )

    @off_loop
    async def queued_keys(self, dedupe_keys: Sequence[str]) -> set[str]:
        """Those of these dedupe keys already queued (whatever became of their messages)."""
        if not dedupe_keys:
            return set()
        o = schema.outbox
        rows = await self._conn.execute(
            select(o.c.dedupe_key).where(o.c.dedupe_key.in_(list(dedupe_keys)))
        )
        return set(rows.scalars())

    async def refused_as_blocked(self, dedupe_key: str) -> bool:
        """True if the message queued under this key failed because the person blocked the
        bot (kept on the message itself when the person may not be marked)."""
        o = schema.outbox
        row = await self._conn.execute(
            select(o.c.last_error).where(o.c.dedupe_key == dedupe_key, o.c.state == "failed")
        )
        error = row.scalar_one_or_none()
        return error is not None and str(error).startswith("blocked")

    async def claim_due(self, now: datetime, limit: int) -> list[OutboxJob]:
        """Mark up to `limit` due messages as being sent, and return them, oldest first.

        Paused members' messages wait (unless urgent), so they are not claimed. On
        PostgreSQL rows another transaction is claiming are skipped (`SKIP LOCKED`), so
        claimers running at once never take the same row; with a claimer, rows whose claim
        ran out are taken over too.
        """
        o, p = schema.outbox, schema.person
        waiting = (o.c.state == "pending") & (o.c.due_at <= now)
        claim: dict[str, Any] = {}
        if self._claimer is not None:
            waiting = waiting | ((o.c.state == "sending") & (o.c.lease_until < now))
            claim = {"claimed_by": self._claimer.replica, "lease_until": self._claimer.until(now)}
        query = (
            select(
                o.c.id,
                o.c.kind,
                o.c.payload,
                o.c.urgent,
                o.c.attempts,
                o.c.parts_sent,
                o.c.broadcast_id,
                o.c.person_id,
                o.c.return_address,
                p.c.chat_id,
                p.c.paused,
                p.c.unreachable_at,
                p.c.quiet_hours,
            )
            .select_from(o.outerjoin(p, p.c.id == o.c.person_id))
            .where(
                waiting,
                (p.c.paused.is_(False)) | (o.c.urgent.is_(True)) | (p.c.id.is_(None)),
            )
            .order_by(o.c.due_at, o.c.id)
            .limit(limit)
        )
        if self._conn.dialect.name == "postgresql":
            query = query.with_for_update(of=o, skip_locked=True)
        rows = (await self._conn.execute(query)).all()
        if not rows:
            return []
        await self._conn.execute(
            update(o)
            .where(o.c.id.in_([row.id for row in rows]))
            .values(state="sending", attempts=o.c.attempts + 1, **claim)
        )
        return [
            OutboxJob(
                id=row.id,
                kind=row.kind,
                payload=row.payload,
                urgent=row.urgent,
                attempts=row.attempts + 1,
                parts_sent=row.parts_sent,
                broadcast_id=row.broadcast_id,
                person_id=row.person_id,
                chat_id=row.chat_id,
                paused=row.paused,
                unreachable=row.unreachable_at is not None,
                quiet_hours=row.quiet_hours,
                return_address=row.return_address,
            )
            for row in rows
        ]

    async def finish(
        self, outbox_id: int, state: str, now: datetime, error: str | None = None
    ) -> None:
        """Record that a claimed message was sent, failed, skipped or cancelled."""
        o = schema.outbox
        values: dict[str, Any] = {"state": state, "last_error": error}
        if state == "sent":
            values["sent_at"] = now
        await self._conn.execute(
            update(o).where(o.c.id == outbox_id, self._mine()).values(**values)
        )

    async def finish_sent(self, outbox_ids: Sequence[int], now: datetime) -> None:
        """Record that these claimed messages were sent."""
        o = schema.outbox
        await self._conn.execute(
            update(o)
            .where(o.c.id.in_(outbox_ids), self._mine())
            .values(state="sent", sent_at=now, last_error=None)
        )

    async def part_sent(self, outbox_id: int, parts_sent: int) -> None:
        """Record how many parts of a long message have gone."""
        o = schema.outbox
        await self._conn.execute(
            update(o).where(o.c.id == outbox_id, self._mine()).values(parts_sent=parts_sent)
        )

    async def retry_at(
        self, outbox_id: int, due_at: datetime, error: str | None, count_attempt: bool = True
    ) -> None:
        """Put a claimed message back in the queue, due at `due_at`."""
        o = schema.outbox
        values: dict[str, Any] = {"state": "pending", "due_at": due_at, "last_error": error}
        if not count_attempt:
            values["attempts"] = o.c.attempts - 1
        await self._conn.execute(
            update(o).where(o.c.id == outbox_id, self._mine()).values(**values)
        )

    async def unclaim(self, outbox_ids: Sequence[int], state: str = "pending") -> None:
        """Return claimed messages that were never sent to the queue (or cancel them)."""
        o = schema.outbox
        await self._conn.execute(
            update(o).where(o.c.id.in_(outbox_ids), self._mine()).values(state=state)
        )

    @off_loop
    async def release_claims(self, now: datetime | None = None) -> int:
        """Return messages left "sending" by a stop or crash to the queue; how many.

        With a claimer (replicas) only this replica's own, unclaimed ones and those whose
        claim ran out by `now`: another replica's messages in flight are left to it.
        """
        o = schema.outbox
        which = o.c.state == "sending"
        if self._claimer is not None:
            assert now is not None
            which = which & (
                (o.c.claimed_by == self._claimer.replica)
                | o.c.claimed_by.is_(None)
                | (o.c.lease_until < now)
            )
        result = await self._conn.execute(
            update(o).where(which).values(state="pending", claimed_by=None, lease_until=None)
        )
        return int(result.rowcount or 0)

    async def next_due(self) -> datetime | None:
        """When the next pending message is due, if any."""
        o = schema.outbox
        return (
            await self._conn.execute(select(func.min(o.c.due_at)).where(o.c.state == "pending"))
        ).scalar_one()

    @off_loop
    async def cancel_broadcast(self, broadcast_id: int) -> int:
        """Cancel a broadcast's messages not yet sent; how many."""
        o = schema.outbox
        result = await self._conn.execute(
            update(o)
            .where(o.c.broadcast_id == broadcast_id, o.c.state == "pending")
            .values(state="cancelled")
        )
        return int(result.rowcount or 0)

    @off_loop
    async def shown_otherwise(self, dedupe_keys: Sequence[str], now: datetime) -> int:
        """Record messages not yet sent as sent: the person saw the same thing another way
        (e.g. an invitation in the list they asked for); how many."""
        if not dedupe_keys:
            return 0
        o = schema.outbox
        result = await self._conn.execute(
            update(o)
            .where(o.c.dedupe_key.in_(list(dedupe_keys)), o.c.state == "pending")
            .values(state="sent", sent_at=now)
        )
        return int(result.rowcount or 0)

    @off_loop
    async def sent_since(self, dedupe_keys: Sequence[str], since: datetime) -> set[str]:
        """Of these messages, those being sent now or sent since `since`."""
        if not dedupe_keys:
            return set()
        o = schema.outbox
        rows = await self._conn.execute(
            select(o.c.dedupe_key).where(
                o.c.dedupe_key.in_(list(dedupe_keys)),
                (o.c.state == "sending") | ((o.c.state == "sent") & (o.c.sent_at >= since)),
            )
        )
        return {row.dedupe_key for row in rows}

    @off_loop
    async def broadcast_counts(self, broadcast_id: int) -> dict[str, int]:
        """How many of a broadcast's messages are in each state."""
        o = schema.outbox
        rows = await self._conn.execute(
            select(o.c.state, func.count())
            .where(o.c.broadcast_id == broadcast_id)
            .group_by(o.c.state)
        )
        return {row[0]: int(row[1]) for row in rows}

    @off_loop
    async def broadcast_errors(self, broadcast_id: int) -> dict[str, int]:
        """Why a broadcast's failed messages failed, with counts."""
        o = schema.outbox
        rows = await self._conn.execute(
            select(o.c.last_error, func.count())
            .where(o.c.broadcast_id == broadcast_id, o.c.state == "failed")
            .group_by(o.c.last_error)
        )
        return {str(row[0]): int(row[1]) for row in rows}

    @off_loop
    async def drop_for_person(self, person_id: int, reason: str) -> int:
        """Stop every message still queued for a person; how many."""
        o = schema.outbox
        result = await self._conn.execute(
            update(o)
            .where(o.c.person_id == person_id, o.c.state == "pending")
            .values(state="skipped", last_error=reason)
        )
        return int(result.rowcount or 0)


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


class Tx:
    """The repositories, bound to one connection inside one transaction."""

    def __init__(
        self, conn: Executor, sealer: Sealing | None = None, claimer: Claimer | None = None
    ) -> None:
        self.conn = conn
        self.claimer = claimer
        self.journal = JournalRepo(conn, claimer)
        self.people = PeopleRepo(conn)
        self.groups = GroupsRepo(conn)
        self.coordinator_links = CoordinatorLinksRepo(conn)
        self.steps = StepsRepo(conn, sealer)
        self.outbox = OutboxRepo(conn, claimer)
        self.replicas = ReplicasRepo(conn)
        self.broadcasts = BroadcastsRepo(conn)
        # Input at arm's length (storage/items.py)
        self.items = ItemsRepo(conn)
        self.prompts = PromptsRepo(conn)
        self.observers = ObserversRepo(conn)
        self.leads = LeadsRepo(conn)
        self.risk_alerts = RiskAlertsRepo(conn)
        self.loop = LoopRepo(conn)
        self.updates = UpdatesRepo(conn)
        self.sessions = SessionsRepo(conn)
        self.conversations = ConversationsRepo(conn)
        # Where each item's words went (storage/copies.py)
        self.copies = CopiesRepo(conn)
