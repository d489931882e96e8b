"""Follow-up of input (J4): item history, meetings and actions. Contributor updates are in
storage/contributor_updates.py. The caller owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, tuple_, update

from storage import schema
from storage.items import ItemRow, OutcomeEntry
from storage.types import Executor, dialect_insert, off_loop

OPEN_STATUSES = ("received", "acknowledged", "considering", "meeting")


# Which items the inbox shows: every open item, the new ones, those acknowledged and
# waiting for an outcome, and the overdue ones.
INBOX_SETS = ("all", "new", "waiting", "overdue")


@dataclass(frozen=True)
class Overdue:
    """How old an item must be (given on or before these dates) to be overdue."""

    unacknowledged_by: date
    no_outcome_by: date


@dataclass(frozen=True)
class EventNew:
    """Something that happened to an item."""

    item_id: int
    kind: str
    at: datetime
    by_person: int | None
    outcome: str | None = None
    text: str | None = None
    due_on: date | None = None
    meeting_id: int | None = None
    action_id: int | None = None


@dataclass(frozen=True)
class EventRow:
    """Something that happened to an item, with the meeting or action it names."""

    id: int
    item_id: int
    kind: str
    outcome: str | None
    text: str | None
    due_on: date | None
    at: datetime
    meeting_name: str | None
    meeting_on: date | None
    action_id: int | None
    action_title: str | None


@dataclass(frozen=True)
class ActionRow:
    """A piece of work a group's coordinators will do."""

    id: int
    group_id: int
    title: str
    status: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ActionUpdateRow:
    """One entry in an action's history."""

    id: int
    action_id: int
    status: str | None
    text: str | None
    at: datetime


@dataclass(frozen=True)
class WaitingItem:
    """An item that has waited too long, for the coordinators' daily nudge."""

    id: int
    group_id: int
    kind: str
    status: str
    given_on: date


@dataclass(frozen=True)
class Waiting:
    """How many items wait in one way, and the oldest of them."""

    count: int
    oldest: list[WaitingItem]


def _item_columns() -> list[Any]:
    return list(schema.item.c)


def _visible(now: datetime) -> Any:
    """Items coordinators may see: in their batch already, and not withdrawn."""
    i = schema.item
    return and_(i.c.visible_at <= now, i.c.withdrawn_on.is_(None))


def _filter_condition(which: str, overdue: Overdue) -> Any:
    i = schema.item
    late = or_(
        and_(i.c.status == "received", i.c.given_on <= overdue.unacknowledged_by),
        i.c.given_on <= overdue.no_outcome_by,
    )
    return {
        "all": i.c.status.in_(OPEN_STATUSES),
        "new": i.c.status == "received",
        "waiting": i.c.status.in_(OPEN_STATUSES[1:]),
        "overdue": and_(i.c.status.in_(OPEN_STATUSES), late),
    }[which]


class FollowUpRepo:
    """Items as coordinators work them, their history, meetings, actions and settings."""

    def __init__(self, conn: Executor) -> None:
        self._conn = conn

    # --- Items ---------------------------------------------------------------------------

    async def item(self, item_id: int) -> ItemRow | None:
        """The item with this id, if any."""
        row = (
            await self._conn.execute(select(*_item_columns()).where(schema.item.c.id == item_id))
        ).first()
        return ItemRow(**row._mapping) if row else None

    async def items(self, item_ids: Sequence[int]) -> list[ItemRow]:
        """These items (those that exist), in no particular order."""
        if not item_ids:
            return []
        rows = await self._conn.execute(
            select(*_item_columns()).where(schema.item.c.id.in_(list(item_ids)))
        )
        return [ItemRow(**row._mapping) for row in rows]

    @off_loop
    async def inbox_next(
        self,
        group_id: int,
        which: str,
        now: datetime,
        overdue: Overdue,
        after: tuple[date, int] | None = None,
    ) -> ItemRow | None:
        """The oldest item in the group's inbox (after `after`, if given) matching `which`.

        Items are ordered by the date given, then by their random id, so anonymous items of
        one day come in an order that says nothing about when each arrived."""
        i = schema.item
        query = select(*_item_columns()).where(
            i.c.group_id == group_id, _visible(now), _filter_condition(which, overdue)
        )
        if after is not None:
            query = query.where(tuple_(i.c.given_on, i.c.id) > tuple_(*after))
        row = (await self._conn.execute(query.order_by(i.c.given_on, i.c.id).limit(1))).first()
        return ItemRow(**row._mapping) if row else None

    @off_loop
    async def inbox_counts(self, group_id: int, now: datetime, overdue: Overdue) -> dict[str, int]:
        """How many of the group's visible items are in each of `INBOX_SETS`."""
        i = schema.item
        counts = {}
        for which in INBOX_SETS:
            counts[which] = int(
                (
                    await self._conn.execute(
                        select(func.count())
                        .select_from(i)
                        .where(
                            i.c.group_id == group_id,
                            _visible(now),
                            _filter_condition(which, overdue),
                        )
                    )
                ).scalar_one()
            )
        return counts

    async def set_status(self, item_id: int, status: str, outcome: str | None = None) -> None:
        """Move an item on."""
        values: dict[str, Any] = {"status": status}
        if outcome is not None:
            values["outcome"] = outcome
        await self._conn.execute(
            update(schema.item).where(schema.item.c.id == item_id).values(**values)
        )

    @off_loop
    async def waiting(
        self, groups: dict[int, Overdue], limit: int
    ) -> dict[int, tuple[Waiting, Waiting]]:
        """For each group: its items not acknowledged in time, and those without an outcome
        in time (each counted once, in the second if both), oldest first, at most `limit` of
        each. Groups sharing their dates are counted together, in a few statements."""
        i = schema.item
        together: dict[Overdue, list[int]] = {}
        for group_id, overdue in groups.items():
            together.setdefault(overdue, []).append(group_id)
        found: dict[int, list[Waiting]] = {g: [Waiting(0, []), Waiting(0, [])] for g in groups}
        for overdue, group_ids in together.items():
            open_ = and_(i.c.group_id.in_(group_ids), i.c.withdrawn_on.is_(None))
            late = and_(
                open_, i.c.status.in_(OPEN_STATUSES), i.c.given_on <= overdue.no_outcome_by
            )
            unacknowledged = and_(
                open_,
                i.c.status == "received",
                i.c.given_on <= overdue.unacknowledged_by,
                i.c.given_on > overdue.no_outcome_by,
            )
            for which, condition in enumerate((unacknowledged, late)):
                counts = await self._conn.execute(
                    select(i.c.group_id, func.count()).where(condition).group_by(i.c.group_id)
                )
                for group_id, count in counts:
                    found[int(group_id)][which] = Waiting(int(count), [])
                # The oldest few of each group that has any: each an index range, read in order.
                for group_id in group_ids:
                    if not found[group_id][which].count:
                        continue
                    rows = await self._conn.execute(
                        select(i.c.id, i.c.group_id, i.c.kind, i.c.status, i.c.given_on)
                        .where(condition, i.c.group_id == group_id)
                        .order_by(i.c.given_on, i.c.id)
                        .limit(limit)
                    )
                    found[group_id][which].oldest.extend(WaitingItem(**r._mapping) for r in rows)
        return {group_id: (pair[0], pair[1]) for group_id, pair in found.items()}

    @off_loop
    async def all_outcome_days(self) -> dict[int, int]:
        """Every group's own days-without-outcome before a nudge, where one was set."""
        s = schema.followup_setting
        rows = await self._conn.execute(select(s.c.group_id, s.c.outcome_days))
        return {int(row[0]): int(row[1]) for row in rows}

    @off_loop
    async def newly_visible(
        self, group_ids: Sequence[int], since: datetime, now: datetime
    ) -> dict[int, int]:
        """How many items became visible to each group's coordinators in (since, now]."""
        i = schema.item
        wanted = set(group_ids)
        # By the time index alone: a day's items are few, the group's are many.
        rows = await self._conn.execute(
            select(i.c.group_id, func.count())
            .where(
                i.c.visible_at > since,
                i.c.visible_at <= now,
                i.c.withdrawn_on.is_(None),
            )
            .group_by(i.c.group_id)
        )
        return {int(row[0]): int(row[1]) for row in rows if int(row[0]) in wanted}

    async def coordinators_of(self, group_ids: Sequence[int]) -> list[tuple[int, int]]:
        """(group id, person id) for every coordinator of these groups."""
        gc = schema.group_coordinator
        rows = await self._conn.execute(
            select(gc.c.group_id, gc.c.person_id)
            .where(gc.c.group_id.in_(list(group_ids)))
            .order_by(gc.c.group_id, gc.c.person_id)
        )
        return [(int(row[0]), int(row[1])) for row in rows]

    # --- History ---------------------------------------------------------------------------

    async def add_event(self, event: EventNew) -> int:
        """Record something that happened to an item; its id."""
        result = await self._conn.execute(
            insert(schema.item_event)
            .values(
                item_id=event.item_id,
                kind=event.kind,
                outcome=event.outcome,
                text=event.text,
                due_on=event.due_on,
                meeting_id=event.meeting_id,
                action_id=event.action_id,
                by_person=event.by_person,
                at=event.at,
            )
            .returning(schema.item_event.c.id)
        )
        return int(result.scalar_one())

    async def events(self, item_id: int) -> list[EventRow]:
        """Everything that happened to an item, in order."""
        e, m, a = schema.item_event, schema.meeting, schema.followup_action
        rows = await self._conn.execute(
            select(
                e.c.id,
                e.c.item_id,
                e.c.kind,
                e.c.outcome,
                e.c.text,
                e.c.due_on,
                e.c.at,
                m.c.name.label("meeting_name"),
                m.c.held_on.label("meeting_on"),
                e.c.action_id,
                a.c.title.label("action_title"),
            )
            .select_from(
                e.outerjoin(m, m.c.id == e.c.meeting_id).outerjoin(a, a.c.id == e.c.action_id)
            )
            .where(e.c.item_id == item_id)
            .order_by(e.c.id)
        )
        return [EventRow(**row._mapping) for row in rows]

    async def add_meeting(self, group_id: int, name: str, held_on: date, now: datetime) -> int:
        """A named meeting on a date; its id."""
        result = await self._conn.execute(
            insert(schema.meeting)
            .values(group_id=group_id, name=name, held_on=held_on, created_at=now)
            .returning(schema.meeting.c.id)
        )
        return int(result.scalar_one())

    @off_loop
    async def outcomes(self, group_id: int, limit: int) -> list[OutcomeEntry]:
        """The group's latest outcomes on items not withdrawn, newest first."""
        e, i, p = schema.item_event, schema.item, schema.person
        rows = await self._conn.execute(
            select(
                e.c.at,
                e.c.outcome,
                e.c.text,
                e.c.due_on,
                i.c.body,
                i.c.consent,
                p.c.display_name.label("author_name"),
                i.c.given_on,
                i.c.id.label("item_id"),
                i.c.quote_until,
            )
            .select_from(e.join(i, i.c.id == e.c.item_id).outerjoin(p, p.c.id == i.c.person_id))
            .where(e.c.kind == "outcome", i.c.group_id == group_id, i.c.withdrawn_on.is_(None))
            .order_by(e.c.at.desc(), e.c.id.desc())
            .limit(limit)
        )
        return [OutcomeEntry(**row._mapping) for row in rows]

    # --- Actions ---------------------------------------------------------------------------

    async def create_action(
        self, group_id: int, title: str, created_by: int | None, now: datetime
    ) -> ActionRow:
        """A new action, planned."""
        a = schema.followup_action
        result = await self._conn.execute(
            insert(a)
            .values(
                group_id=group_id,
                title=title,
                status="planned",
                created_by=created_by,
                created_at=now,
                updated_at=now,
            )
            .returning(a.c.id, a.c.group_id, a.c.title, a.c.status, a.c.created_at, a.c.updated_at)
        )
        return ActionRow(**result.one()._mapping)

    async def action(self, action_id: int) -> ActionRow | None:
        """The action with this id, if any."""
        a = schema.followup_action
        row = (
            await self._conn.execute(
                select(
                    a.c.id, a.c.group_id, a.c.title, a.c.status, a.c.created_at, a.c.updated_at
                ).where(a.c.id == action_id)
            )
        ).first()
        return ActionRow(**row._mapping) if row else None

    async def actions_of(self, group_id: int) -> list[ActionRow]:
        """The group's actions, most recently changed first."""
        a = schema.followup_action
        rows = await self._conn.execute(
            select(a.c.id, a.c.group_id, a.c.title, a.c.status, a.c.created_at, a.c.updated_at)
            .where(a.c.group_id == group_id)
            .order_by(a.c.updated_at.desc(), a.c.id.desc())
        )
        return [ActionRow(**row._mapping) for row in rows]

    async def set_action_status(self, action_id: int, status: str, now: datetime) -> None:
        """Change an action's status."""
        a = schema.followup_action
        await self._conn.execute(
            update(a).where(a.c.id == action_id).values(status=status, updated_at=now)
        )

    async def link(self, action_id: int, item_id: int, now: datetime) -> bool:
        """Link an item to an action; False if it already was."""
        ai = schema.action_item
        result = await self._conn.execute(
            dialect_insert(self._conn, ai)
            .values(action_id=action_id, item_id=item_id, linked_at=now)
            .on_conflict_do_nothing()
        )
        return bool(result.rowcount)

    async def linked_items(self, action_id: int) -> list[ItemRow]:
        """The items linked to an action, withdrawn ones included (callers skip them)."""
        ai, i = schema.action_item, schema.item
        rows = await self._conn.execute(
            select(*_item_columns())
            .join(ai, ai.c.item_id == i.c.id)
            .where(ai.c.action_id == action_id)
            .order_by(i.c.given_on, i.c.id)
        )
        return [ItemRow(**row._mapping) for row in rows]

    async def add_action_update(
        self,
        action_id: int,
        status: str | None,
        text: str | None,
        by_person: int | None,
        now: datetime,
    ) -> int:
        """Record an update on an action (and touch the action); its id."""
        au, a = schema.action_update, schema.followup_action
        result = await self._conn.execute(
            insert(au)
            .values(action_id=action_id, status=status, text=text, by_person=by_person, at=now)
            .returning(au.c.id)
        )
        await self._conn.execute(update(a).where(a.c.id == action_id).values(updated_at=now))
        return int(result.scalar_one())

    async def action_updates(self, action_id: int) -> list[ActionUpdateRow]:
        """An action's history, oldest first."""
        au = schema.action_update
        rows = await self._conn.execute(
            select(au.c.id, au.c.action_id, au.c.status, au.c.text, au.c.at)
            .where(au.c.action_id == action_id)
            .order_by(au.c.id)
        )
        return [ActionUpdateRow(**row._mapping) for row in rows]

    @off_loop
    async def recent_action_updates(
        self, group_id: int, limit: int
    ) -> list[tuple[ActionRow, ActionUpdateRow]]:
        """The group's latest action updates, newest first."""
        au, a = schema.action_update, schema.followup_action
        rows = await self._conn.execute(
            select(
                a.c.id,
                a.c.group_id,
                a.c.title,
                a.c.status.label("action_status"),
                a.c.created_at,
                a.c.updated_at,
                au.c.id.label("update_id"),
                au.c.status,
                au.c.text,
                au.c.at,
            )
            .join(a, a.c.id == au.c.action_id)
            .where(a.c.group_id == group_id)
            .order_by(au.c.at.desc(), au.c.id.desc())
            .limit(limit)
        )
        return [
            (
                ActionRow(r.id, r.group_id, r.title, r.action_status, r.created_at, r.updated_at),
                ActionUpdateRow(r.update_id, r.id, r.status, r.text, r.at),
            )
            for r in rows
        ]

    # --- Settings --------------------------------------------------------------------------

    async def outcome_days(self, group_id: int) -> int | None:
        """The group's own days-without-outcome before a nudge, if it set one."""
        s = schema.followup_setting
        row = await self._conn.execute(select(s.c.outcome_days).where(s.c.group_id == group_id))
        value = row.scalar_one_or_none()
        return int(value) if value is not None else None

    async def set_outcome_days(self, group_id: int, days: int) -> None:
        """Set the group's days-without-outcome before a nudge."""
        s = schema.followup_setting
        upsert = dialect_insert(self._conn, s).values(group_id=group_id, outcome_days=days)
        await self._conn.execute(
            upsert.on_conflict_do_update(
                index_elements=[s.c.group_id], set_={"outcome_days": upsert.excluded.outcome_days}
            )
        )

    async def last_run(self, name: str) -> tuple[date, datetime] | None:
        """When a daily piece of work last ran (local date, UTC moment), if ever."""
        r = schema.followup_run
        row = (
            await self._conn.execute(select(r.c.last_on, r.c.last_at).where(r.c.name == name))
        ).first()
        return (row.last_on, row.last_at) if row else None

    async def claim_run(self, name: str, on: date, now: datetime) -> bool:
        """Record that a daily piece of work runs today; False if it already did."""
        r = schema.followup_run
        result = await self._conn.execute(
            update(r).where(r.c.name == name, r.c.last_on < on).values(last_on=on, last_at=now)
        )
        if result.rowcount:
            return True
        # Never run before, or already run today: one of two claimers at once inserts.
        inserted = await self._conn.execute(
            dialect_insert(self._conn, r)
            .values(name=name, last_on=on, last_at=now)
            .on_conflict_do_nothing()
        )
        return bool(inserted.rowcount)
