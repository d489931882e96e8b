"""Contributor updates: the news queued for an item's author, their digest preference, and
who receives it. The caller owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, or_, select, update

from storage import schema
from storage.people import PersonRow
from storage.types import Executor, dialect_insert, off_loop

# Shown in every /settings: built once (building costs more than running it).
_PREFERENCE = select(
    schema.digest_preference.c.rhythm,
    schema.digest_preference.c.weekday,
    schema.digest_preference.c.at_time,
).where(schema.digest_preference.c.person_id == bindparam("person_id"))


# Statuses an item moves through before its outcome.
@dataclass(frozen=True)
class PendingNew:
    """An update to queue for an item's author (a person, or a pseudonym)."""

    item_id: int
    person_id: int | None
    pseudonym: str | None
    text: str
    source: str
    due_at: datetime
    # A coordinator's reply the author can answer: its conversation.
    conversation_id: str | None = None


@dataclass(frozen=True)
class Author:
    """Whom a batch of pending updates is for: an item's author, by person or pseudonym."""

    person_id: int | None
    pseudonym: str | None


@dataclass(frozen=True)
class PendingRow:
    """An update waiting for its author, with what is needed to reach them."""

    id: int
    item_id: int
    text: str
    created_at: datetime
    return_address: str | None
    withdrawn: bool
    conversation_id: str | None = None


@dataclass(frozen=True)
class PreferenceRow:
    """How a member hears about their words, as stored: a rhythm ("now", "daily" or
    "weekly"), a weekday (0 is Monday) and a local time ("HH:MM")."""

    rhythm: str
    weekday: int
    at_time: str


def _pending_of(people: list[int], pseudonyms: list[str]) -> Any:
    """The pending updates for these people and pseudonyms, with their items' return
    addresses, oldest first."""
    cu, i = schema.contributor_update, schema.item
    return (
        select(
            cu.c.person_id,
            cu.c.pseudonym,
            cu.c.id,
            cu.c.item_id,
            cu.c.text,
            cu.c.created_at,
            i.c.return_address,
            i.c.withdrawn_on.is_not(None).label("withdrawn"),
            cu.c.conversation_id,
        )
        .join(i, i.c.id == cu.c.item_id)
        .where(
            cu.c.state == "pending",
            or_(
                cu.c.person_id.in_(people),
                and_(cu.c.person_id.is_(None), cu.c.pseudonym.in_(pseudonyms)),
            ),
        )
        .order_by(cu.c.id)
    )


class ContributorUpdatesRepo:
    """Updates waiting for items' authors, and how each member wants to hear them."""

    def __init__(self, conn: Executor) -> None:
        self._conn = conn

    @off_loop
    async def add(self, rows: Sequence[PendingNew], now: datetime) -> None:
        """Queue updates; one whose source is already queued is left as it was."""
        if not rows:
            return
        cu = schema.contributor_update
        # The first of each source in the batch; one already stored is skipped by the
        # database itself (ON CONFLICT), so two writers at once cannot both add it.
        fresh = list({row.source: row for row in reversed(rows)}.values())
        fresh.reverse()
        await self._conn.execute(
            dialect_insert(self._conn, cu).on_conflict_do_nothing(index_elements=[cu.c.source]),
            [
                {
                    "item_id": row.item_id,
                    "person_id": row.person_id,
                    "pseudonym": row.pseudonym,
                    "text": row.text,
                    "source": row.source,
                    "created_at": now,
                    "due_at": row.due_at,
                    "conversation_id": row.conversation_id,
                }
                for row in fresh
            ],
        )

    @off_loop
    async def due_recipients(self, now: datetime, limit: int) -> list[Author]:
        """Whose pending updates need looking at now."""
        cu = schema.contributor_update
        rows = await self._conn.execute(
            select(cu.c.person_id, cu.c.pseudonym)
            .where(cu.c.state == "pending", cu.c.due_at <= now)
            .group_by(cu.c.person_id, cu.c.pseudonym)
            .limit(limit)
        )
        return [Author(row.person_id, row.pseudonym) for row in rows]

    @off_loop
    async def pending_for(self, recipients: Sequence[Author]) -> dict[Author, list[PendingRow]]:
        """Every update still waiting for these recipients, oldest first, by recipient."""
        if not recipients:
            return {}
        people = [r.person_id for r in recipients if r.person_id is not None]
        pseudonyms = [r.pseudonym for r in recipients if r.person_id is None and r.pseudonym]
        rows = await self._conn.execute(_pending_of(people, pseudonyms))
        found: dict[Author, list[PendingRow]] = {}
        for row in rows:
            key = Author(row.person_id, None if row.person_id is not None else row.pseudonym)
            found.setdefault(key, []).append(
                PendingRow(
                    row.id,
                    row.item_id,
                    row.text,
                    row.created_at,
                    row.return_address,
                    row.withdrawn,
                    row.conversation_id,
                )
            )
        return found

    @off_loop
    async def people(self, person_ids: Sequence[int]) -> dict[int, PersonRow]:
        """The people with these ids, by id."""

        if not person_ids:
            return {}
        p = schema.person
        rows = await self._conn.execute(select(p).where(p.c.id.in_(list(person_ids))))
        return {row.id: PersonRow(**row._mapping) for row in rows}

    @off_loop
    async def people_by_telegram_id(self, telegram_ids: Sequence[int]) -> dict[int, PersonRow]:
        """The people with these Telegram ids, by Telegram id."""

        if not telegram_ids:
            return {}
        p = schema.person
        rows = await self._conn.execute(select(p).where(p.c.telegram_id.in_(list(telegram_ids))))
        return {row.telegram_id: PersonRow(**row._mapping) for row in rows}

    @off_loop
    async def preferences(self, person_ids: Sequence[int]) -> dict[int, PreferenceRow]:
        """The chosen rhythm of each of these members who chose one."""
        if not person_ids:
            return {}
        d = schema.digest_preference
        rows = await self._conn.execute(
            select(d.c.person_id, d.c.rhythm, d.c.weekday, d.c.at_time).where(
                d.c.person_id.in_(list(person_ids))
            )
        )
        return {
            int(row.person_id): PreferenceRow(row.rhythm, row.weekday, row.at_time) for row in rows
        }

    @off_loop
    async def mark(self, ids: Sequence[int], state: str, now: datetime) -> None:
        """Mark updates queued (gathered into a message) or dropped."""
        if not ids:
            return
        cu = schema.contributor_update
        await self._conn.execute(
            update(cu).where(cu.c.id.in_(list(ids))).values(state=state, queued_at=now)
        )

    @off_loop
    async def reschedule(self, due: Sequence[tuple[int, datetime]]) -> None:
        """Look at these updates again later: (update id, when)."""
        if not due:
            return
        cu = schema.contributor_update
        by_time: dict[datetime, list[int]] = {}
        for update_id, due_at in due:
            by_time.setdefault(due_at, []).append(update_id)
        for due_at, ids in by_time.items():
            await self._conn.execute(update(cu).where(cu.c.id.in_(ids)).values(due_at=due_at))

    async def look_again(self, person_id: int, pseudonym: str, now: datetime) -> None:
        """A member changed how they hear: look at their waiting updates now."""
        cu = schema.contributor_update
        await self._conn.execute(
            update(cu)
            .where(
                cu.c.state == "pending",
                or_(cu.c.person_id == person_id, cu.c.pseudonym == pseudonym),
            )
            .values(due_at=now)
        )

    async def drop_for_item(self, item_id: int, now: datetime) -> int:
        """Drop every update still waiting about an item (it was withdrawn); how many."""
        cu = schema.contributor_update
        result = await self._conn.execute(
            update(cu)
            .where(cu.c.item_id == item_id, cu.c.state == "pending")
            .values(state="dropped", queued_at=now)
        )
        return int(result.rowcount or 0)

    async def preference(self, person_id: int) -> PreferenceRow | None:
        """The member's chosen rhythm, if they chose one."""
        row = (await self._conn.execute(_PREFERENCE, {"person_id": person_id})).first()
        return PreferenceRow(**row._mapping) if row else None

    async def set_preference(self, person_id: int, preference: PreferenceRow) -> None:
        """Save how the member wants to hear about their words."""
        d = schema.digest_preference
        upsert = dialect_insert(self._conn, d).values(
            person_id=person_id,
            rhythm=preference.rhythm,
            weekday=preference.weekday,
            at_time=preference.at_time,
        )
        await self._conn.execute(
            upsert.on_conflict_do_update(
                index_elements=[d.c.person_id],
                set_={
                    "rhythm": upsert.excluded.rhythm,
                    "weekday": upsert.excluded.weekday,
                    "at_time": upsert.excluded.at_time,
                },
            )
        )
