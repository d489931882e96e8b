"""Reports (J8): the figures of /report, counted in SQL so a report over 100,000 items
moves counts, not rows. Every query takes the groups (None: all groups) and a period of
local dates, both ends included. Withdrawn items count nowhere but in "taken back"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Integer, and_, case, cast, func, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement

from storage import schema
from storage.types import Executor, off_loop

# Ages of open loops, in days: up to 14, up to 30, up to 90, older.
OPEN_AGES = (14, 30, 90)


@dataclass(frozen=True)
class InputCount:
    """Items received of one kind, with or without a name."""

    kind: str
    named: bool
    count: int


@dataclass(frozen=True)
class OutcomeDays:
    """How many items reached this outcome this many days after they were given."""

    outcome: str
    days: int
    count: int


@dataclass(frozen=True)
class DayCount:
    """Items given on one day, and how many of them have reached an outcome."""

    on: date
    received: int
    closed: int


@dataclass(frozen=True)
class SessionFigures:
    """One session's figures: invited (members when it began), going, came, minutes."""

    session_id: int
    group_id: int
    starts_at: datetime
    held: bool
    invited: int
    going: int
    came: int
    minutes: int


@dataclass(frozen=True)
class QuotableRow:
    """An outcome whose words may be quoted, sealed as stored."""

    group_id: int
    at: datetime
    outcome: str | None
    text: str | None
    body: str | None
    consent: str
    author_name: str | None


def _moment(day: date) -> datetime:
    """The start of a day, in UTC (what a range over stored moments compares with)."""
    return datetime.combine(day, time(), UTC)


def _outcome(e: Any, groups: list[int] | None) -> ColumnElement[bool]:
    """The event is an outcome. For some groups, written so that SQLite does not choose the
    events' (kind, at) index, which reads every group's outcomes (0.5 s at 100,000 items),
    but finds the groups' items first and then their events."""
    if groups is None:
        return e.c.kind == "outcome"
    return e.c.kind.concat("") == "outcome"


class ReportsRepo:
    """The counts behind /report."""

    def __init__(self, conn: Executor) -> None:
        self._conn = conn

    def _days(self, moment: Any, day: Any) -> ColumnElement[Any]:
        """Whole days from a local date to a UTC moment, on either backend."""
        if self._conn.dialect.name == "sqlite":
            return cast(func.julianday(moment) - func.julianday(day), Integer)
        return cast(func.date(moment) - day, Integer)

    @staticmethod
    def _items(groups: list[int] | None, start: date, end: date) -> list[ColumnElement[bool]]:
        i = schema.item
        where = [i.c.given_on >= start, i.c.given_on <= end, i.c.withdrawn_on.is_(None)]
        if groups is not None:
            where.append(i.c.group_id.in_(groups))
        return where

    @off_loop
    async def input_counts(
        self, groups: list[int] | None, start: date, end: date
    ) -> list[InputCount]:
        """Items given in the period and not taken back, by kind and named or not."""
        i = schema.item
        named = i.c.person_id.is_not(None)
        rows = await self._conn.execute(
            select(i.c.kind, named.label("named"), func.count())
            .where(*self._items(groups, start, end))
            .group_by(i.c.kind, named)
        )
        return [InputCount(r[0], bool(r[1]), int(r[2])) for r in rows]

    @off_loop
    async def acknowledged_within(
        self, groups: list[int] | None, start: date, end: date, days: int
    ) -> int:
        """Items given in the period that a coordinator answered within `days` days."""
        i, e = schema.item, schema.item_event
        answered = (
            select(literal(1))
            .where(e.c.item_id == i.c.id, self._days(e.c.at, i.c.given_on) <= days)
            .exists()
        )
        count = (
            await self._conn.execute(
                select(func.count()).where(*self._items(groups, start, end), answered)
            )
        ).scalar()
        return int(count or 0)

    @off_loop
    async def outcome_days(
        self, groups: list[int] | None, start: date, end: date
    ) -> list[OutcomeDays]:
        """Items whose first outcome came in the period, by outcome and days from receipt."""
        i, e = schema.item, schema.item_event
        where = [i.c.status == "outcome", i.c.withdrawn_on.is_(None), _outcome(e, groups)]
        if groups is not None:
            where.append(i.c.group_id.in_(groups))
        # Each item's first outcome, from the group's items (through the status index)
        # rather than from every outcome ever given.
        first = (
            select(i.c.outcome, i.c.given_on, func.min(e.c.at).label("at"))
            .select_from(i.join(e, e.c.item_id == i.c.id))
            .where(*where)
            .group_by(i.c.id, i.c.outcome, i.c.given_on)
            .subquery()
        )
        begin, after = _moment(start), _moment(end + timedelta(days=1))
        days = self._days(first.c.at, first.c.given_on)
        rows = await self._conn.execute(
            select(first.c.outcome, days, func.count())
            .where(first.c.at >= begin, first.c.at < after)
            .group_by(first.c.outcome, days)
        )
        return [OutcomeDays(r[0], max(int(r[1]), 0), int(r[2])) for r in rows]

    @off_loop
    async def reasons(
        self, groups: list[int] | None, start: date, end: date, limit: int
    ) -> list[str]:
        """The sealed reasons given for "cannot change" outcomes in the period, newest first."""
        i, e = schema.item, schema.item_event
        where = [
            e.c.kind == "outcome",
            e.c.outcome == "cannot_change",
            e.c.text.is_not(None),
            i.c.withdrawn_on.is_(None),
            e.c.at >= _moment(start),
            e.c.at < _moment(end + timedelta(days=1)),
        ]
        if groups is not None:
            where.append(i.c.group_id.in_(groups))
        rows = await self._conn.execute(
            select(e.c.text)
            .select_from(e.join(i, i.c.id == e.c.item_id))
            .where(*where)
            .order_by(e.c.at.desc())
            .limit(limit)
        )
        return [r[0] for r in rows]

    @off_loop
    async def open_ages(self, groups: list[int] | None, end: date) -> list[int]:
        """Items given by `end` with no outcome yet, counted by age at `end` (OPEN_AGES)."""
        i = schema.item
        bucket = case(
            *[
                (i.c.given_on >= end - timedelta(days=age), index)
                for index, age in enumerate(OPEN_AGES)
            ],
            else_=len(OPEN_AGES),
        )
        where = [i.c.given_on <= end, i.c.withdrawn_on.is_(None), i.c.status != "outcome"]
        if groups is not None:
            where.append(i.c.group_id.in_(groups))
        rows = await self._conn.execute(
            select(bucket, func.count()).where(*where).group_by(bucket)
        )
        ages = [0] * (len(OPEN_AGES) + 1)
        for index, count in rows:
            ages[int(index)] = int(count)
        return ages

    @off_loop
    async def withdrawn(self, groups: list[int] | None, start: date, end: date) -> int:
        """Items taken back in the period."""
        i = schema.item
        where = [i.c.withdrawn_on >= start, i.c.withdrawn_on <= end]
        if groups is not None:
            where.append(i.c.group_id.in_(groups))
        return int((await self._conn.execute(select(func.count()).where(*where))).scalar() or 0)

    @off_loop
    async def by_day(self, groups: list[int] | None, start: date, end: date) -> list[DayCount]:
        """Items given each day of the period, and how many of them have an outcome now."""
        i = schema.item
        closed = func.sum(case((i.c.status == "outcome", 1), else_=0))
        rows = await self._conn.execute(
            select(i.c.given_on, func.count(), closed)
            .where(*self._items(groups, start, end))
            .group_by(i.c.given_on)
            .order_by(i.c.given_on)
        )
        return [DayCount(r[0], int(r[1]), int(r[2] or 0)) for r in rows]

    @off_loop
    async def sessions(
        self, groups: list[int] | None, start: datetime, end: datetime, now: datetime
    ) -> list[SessionFigures]:
        """Sessions that began in [start, end), not cancelled, with their figures."""
        s, m = schema.group_session, schema.membership
        a, t = schema.session_answer, schema.session_attendance
        invited = (
            select(func.count())
            .where(m.c.group_id == s.c.group_id, m.c.joined_at <= s.c.starts_at)
            .scalar_subquery()
        )
        going = (
            select(func.count())
            .where(a.c.session_id == s.c.id, a.c.answer == "going")
            .scalar_subquery()
        )
        came = select(func.count()).where(t.c.session_id == s.c.id, t.c.came).scalar_subquery()
        minutes = (
            select(func.coalesce(func.sum(t.c.minutes), 0))
            .where(t.c.session_id == s.c.id, t.c.came)
            .scalar_subquery()
        )
        where = [s.c.starts_at >= start, s.c.starts_at < end, s.c.state != "cancelled"]
        if groups is not None:
            where.append(s.c.group_id.in_(groups))
        rows = await self._conn.execute(
            select(s.c.id, s.c.group_id, s.c.starts_at, s.c.ends_at, invited, going, came, minutes)
            .where(*where)
            .order_by(s.c.starts_at)
        )
        return [
            SessionFigures(
                r[0], r[1], r[2], r[3] <= now, int(r[4]), int(r[5]), int(r[6]), int(r[7])
            )
            for r in rows
        ]

    @off_loop
    async def kept_minutes(
        self, groups: list[int] | None, start: date, end: date
    ) -> dict[int, int]:
        """Minutes of people since forgotten, by group, for days in the period."""
        k = schema.kept_hours
        where = [k.c.on_day >= start, k.c.on_day <= end, k.c.group_id.is_not(None)]
        if groups is not None:
            where.append(k.c.group_id.in_(groups))
        rows = await self._conn.execute(
            select(k.c.group_id, func.sum(k.c.minutes)).where(*where).group_by(k.c.group_id)
        )
        return {int(r[0]): int(r[1] or 0) for r in rows}

    @off_loop
    async def quotable(
        self, groups: list[int] | None, start: date, end: date, today: date, limit: int
    ) -> tuple[int, list[QuotableRow]]:
        """Outcomes in the period on items whose author lets them be quoted today: how many,
        and the newest `limit` of them."""
        i, e, p = schema.item, schema.item_event, schema.person
        where = [
            _outcome(e, groups),
            i.c.withdrawn_on.is_(None),
            i.c.consent != "coordinators",
            or_(i.c.quote_until.is_(None), i.c.quote_until >= today),
            e.c.at >= _moment(start),
            e.c.at < _moment(end + timedelta(days=1)),
        ]
        if groups is not None:
            where.append(i.c.group_id.in_(groups))
        joined = e.join(i, i.c.id == e.c.item_id)
        count = (
            await self._conn.execute(select(func.count()).select_from(joined).where(*where))
        ).scalar()
        rows = await self._conn.execute(
            select(
                i.c.group_id,
                e.c.at,
                e.c.outcome,
                e.c.text,
                i.c.body,
                i.c.consent,
                p.c.display_name,
            )
            .select_from(joined.outerjoin(p, and_(p.c.id == i.c.person_id)))
            .where(*where)
            .order_by(e.c.at.desc(), e.c.id.desc())
            .limit(limit)
        )
        return int(count or 0), [QuotableRow(*r) for r in rows]
