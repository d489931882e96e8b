"""Repositories for group sessions (J2): sessions, answers, reminders and attendance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update

from storage import schema
from storage.types import Executor, dialect_insert, off_loop

# Shown in every /settings: built once (building costs more than running it).
_TOTAL_MINUTES = select(func.coalesce(func.sum(schema.session_attendance.c.minutes), 0)).where(
    schema.session_attendance.c.person_id == bindparam("person_id"),
    schema.session_attendance.c.came.is_(True),
)

ATTENDING = ("going", "maybe")


@dataclass(frozen=True)
class SessionRow:
    """A group session."""

    id: int
    group_id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str | None
    link: str | None
    access_notes: str | None
    content_note: str | None
    capacity: int | None
    reminders: str
    hours_minutes: int | None
    state: str
    uid: str
    sequence: int
    created_by: int | None
    created_at: datetime
    attendance_asked_at: datetime | None

    @property
    def minutes(self) -> int:
        """The involvement time one attendance counts, in minutes."""
        if self.hours_minutes is not None:
            return self.hours_minutes
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def reminder_minutes(self) -> list[int]:
        """Reminder times, in minutes before the start, furthest first."""
        return sorted((int(m) for m in self.reminders.split(",") if m), reverse=True)


@dataclass(frozen=True)
class AnswerRow:
    """A member's answer, with the name they chose."""

    person_id: int
    display_name: str | None
    answer: str
    answered_at: datetime
    waiting_since: datetime | None


@dataclass(frozen=True)
class SessionRecipient:
    """Someone a session message could go to, with what decides whether and when."""

    person_id: int
    answer: str
    paused: bool
    unreachable: bool
    quiet_hours: str | None


@dataclass(frozen=True)
class ReminderRow:
    """One reminder of a session."""

    session_id: int
    minutes_before: int
    due_at: datetime
    state: str
    queued: int
    held: int
    handled_at: datetime | None


@dataclass(frozen=True)
class AttendanceRow:
    """Whether someone came to a session, and the time counted."""

    person_id: int
    display_name: str | None
    came: bool
    minutes: int


@dataclass(frozen=True)
class HoursRow:
    """One attendance with what an hours export needs."""

    person_id: int
    display_name: str | None
    session_id: int
    title: str
    starts_at: datetime
    minutes: int


class SessionsRepo:
    """Sessions, answers, reminders and attendance."""

    def __init__(self, conn: Executor) -> None:
        self._conn = conn

    # --- Sessions ---------------------------------------------------------------------

    async def create(self, **values: Any) -> SessionRow:
        """Store a new session."""
        result = await self._conn.execute(
            insert(schema.group_session).values(**values).returning(*schema.group_session.c)
        )
        return SessionRow(**result.one()._mapping)

    async def get(self, session_id: int, lock: bool = False) -> SessionRow | None:
        """The session with this id; `lock` holds its row until the transaction ends."""
        s = schema.group_session
        query = select(s).where(s.c.id == session_id)
        if lock and self._conn.dialect.name == "postgresql":
            query = query.with_for_update()
        row = (await self._conn.execute(query)).first()
        return SessionRow(**row._mapping) if row else None

    async def update(self, session_id: int, **values: Any) -> None:
        """Change a session."""
        s = schema.group_session
        await self._conn.execute(update(s).where(s.c.id == session_id).values(**values))

    async def upcoming_for(self, person_id: int, now: datetime, limit: int) -> list[SessionRow]:
        """Active sessions not yet started in the person's groups, soonest first."""
        s, m = schema.group_session, schema.membership
        rows = await self._conn.execute(
            select(s)
            .where(
                s.c.group_id.in_(select(m.c.group_id).where(m.c.person_id == person_id)),
                s.c.state == "active",
                s.c.starts_at > now,
            )
            .order_by(s.c.starts_at, s.c.id)
            .limit(limit)
        )
        return [SessionRow(**row._mapping) for row in rows]

    async def of_groups(
        self, group_ids: Sequence[int], since: datetime, limit: int
    ) -> list[SessionRow]:
        """Active sessions of these groups ending after `since`, soonest first."""
        s = schema.group_session
        rows = await self._conn.execute(
            select(s)
            .where(s.c.group_id.in_(group_ids), s.c.state == "active", s.c.ends_at > since)
            .order_by(s.c.starts_at, s.c.id)
            .limit(limit)
        )
        return [SessionRow(**row._mapping) for row in rows]

    async def ended_unmarked(self, now: datetime) -> list[SessionRow]:
        """Active sessions that have ended whose coordinators were not yet asked who came."""
        s = schema.group_session
        rows = await self._conn.execute(
            select(s)
            .where(s.c.state == "active", s.c.ends_at <= now, s.c.attendance_asked_at.is_(None))
            .order_by(s.c.ends_at, s.c.id)
        )
        return [SessionRow(**row._mapping) for row in rows]

    # --- Answers ------------------------------------------------------------------------

    @off_loop
    async def answers(self, session_id: int) -> list[AnswerRow]:
        """Every answer to the session, waiting list in order, then by when answered."""
        a, p = schema.session_answer, schema.person
        rows = await self._conn.execute(
            select(a.c.person_id, p.c.display_name, a.c.answer, a.c.answered_at, a.c.waiting_since)
            .join(p, p.c.id == a.c.person_id)
            .where(a.c.session_id == session_id)
            # The same order on every backend: waiting (by place) first, then the rest.
            .order_by(
                a.c.waiting_since.is_(None), a.c.waiting_since, a.c.answered_at, a.c.person_id
            )
        )
        return [AnswerRow(**row._mapping) for row in rows]

    async def answer_of(self, session_id: int, person_id: int) -> str | None:
        """The person's answer to the session, if any."""
        a = schema.session_answer
        return (
            await self._conn.execute(
                select(a.c.answer).where(a.c.session_id == session_id, a.c.person_id == person_id)
            )
        ).scalar_one_or_none()

    async def answers_of(self, person_id: int, session_ids: Sequence[int]) -> dict[int, str]:
        """The person's answers to these sessions."""
        a = schema.session_answer
        rows = await self._conn.execute(
            select(a.c.session_id, a.c.answer).where(
                a.c.person_id == person_id, a.c.session_id.in_(session_ids)
            )
        )
        return {row.session_id: row.answer for row in rows}

    async def set_answer(
        self,
        session_id: int,
        person_id: int,
        answer: str,
        now: datetime,
        waiting_since: datetime | None = None,
        message_id: int | None = None,
    ) -> None:
        """Record (or replace) the person's answer, and the message they answered from
        (None: keep the one known)."""
        a = schema.session_answer
        # One statement, so two answers at once (two taps, two replicas) replace each other.
        upsert = dialect_insert(self._conn, a).values(
            session_id=session_id,
            person_id=person_id,
            answer=answer,
            answered_at=now,
            waiting_since=waiting_since,
            message_id=message_id,
        )
        await self._conn.execute(
            upsert.on_conflict_do_update(
                index_elements=[a.c.session_id, a.c.person_id],
                set_={
                    "answer": upsert.excluded.answer,
                    "answered_at": upsert.excluded.answered_at,
                    "waiting_since": upsert.excluded.waiting_since,
                    "message_id": func.coalesce(upsert.excluded.message_id, a.c.message_id),
                },
            )
        )

    async def message_of(self, session_id: int, person_id: int) -> int | None:
        """The message the person last answered the session from, if known."""
        a = schema.session_answer
        found = await self._conn.execute(
            select(a.c.message_id).where(a.c.session_id == session_id, a.c.person_id == person_id)
        )
        value = found.scalar_one_or_none()
        return None if value is None else int(value)

    @off_loop
    async def count(self, session_id: int, answer: str) -> int:
        """How many gave this answer."""
        a = schema.session_answer
        return int(
            (
                await self._conn.execute(
                    select(func.count()).where(a.c.session_id == session_id, a.c.answer == answer)
                )
            ).scalar_one()
        )

    @off_loop
    async def waiting(self, session_id: int) -> list[int]:
        """The waiting list, first in line first (person ids)."""
        a = schema.session_answer
        rows = await self._conn.execute(
            select(a.c.person_id)
            .where(a.c.session_id == session_id, a.c.answer == "waiting")
            .order_by(a.c.waiting_since, a.c.person_id)
        )
        return list(rows.scalars())

    @off_loop
    async def recipients(self, session_id: int, answers: Sequence[str]) -> list[SessionRecipient]:
        """People still in the session's group whose answer is one of `answers`, with their
        delivery settings."""
        a, p, s, m = (
            schema.session_answer,
            schema.person,
            schema.group_session,
            schema.membership,
        )
        group = select(s.c.group_id).where(s.c.id == session_id).scalar_subquery()
        rows = await self._conn.execute(
            select(a.c.person_id, a.c.answer, p.c.paused, p.c.unreachable_at, p.c.quiet_hours)
            .join(p, p.c.id == a.c.person_id)
            .where(
                a.c.session_id == session_id,
                a.c.answer.in_(answers),
                a.c.person_id.in_(select(m.c.person_id).where(m.c.group_id == group)),
            )
            .order_by(a.c.person_id)
        )
        return [
            SessionRecipient(
                r.person_id, r.answer, r.paused, r.unreachable_at is not None, r.quiet_hours
            )
            for r in rows
        ]

    @off_loop
    async def unanswered(self, session_id: int) -> list[SessionRecipient]:
        """People in the session's group who have not answered it, with their delivery
        settings (answer "")."""
        a, p, s, m = (
            schema.session_answer,
            schema.person,
            schema.group_session,
            schema.membership,
        )
        group = select(s.c.group_id).where(s.c.id == session_id).scalar_subquery()
        answered = select(a.c.person_id).where(a.c.session_id == session_id)
        rows = await self._conn.execute(
            select(p.c.id, p.c.paused, p.c.unreachable_at, p.c.quiet_hours)
            .where(
                p.c.id.in_(select(m.c.person_id).where(m.c.group_id == group)),
                p.c.id.not_in(answered),
            )
            .order_by(p.c.id)
        )
        return [
            SessionRecipient(r.id, "", r.paused, r.unreachable_at is not None, r.quiet_hours)
            for r in rows
        ]

    async def was_invited(self, session_id: int, person_id: int) -> bool:
        """True if the person answered the session or was sent its invitation."""
        a, o = schema.session_answer, schema.outbox
        answered = await self._conn.execute(
            select(a.c.person_id).where(a.c.session_id == session_id, a.c.person_id == person_id)
        )
        if answered.first() is not None:
            return True
        invited = await self._conn.execute(
            select(o.c.id).where(o.c.dedupe_key == f"si{session_id}:{person_id}")
        )
        return invited.first() is not None

    @off_loop
    async def quiet_settings(self, session_id: int, answers: Sequence[str]) -> set[str | None]:
        """The distinct quiet-hours settings of those with these answers (None: default)."""
        a, p = schema.session_answer, schema.person
        rows = await self._conn.execute(
            select(p.c.quiet_hours)
            .distinct()
            .join(a, a.c.person_id == p.c.id)
            .where(a.c.session_id == session_id, a.c.answer.in_(answers))
        )
        return set(rows.scalars())

    # --- Reminders -----------------------------------------------------------------------

    async def replace_reminders(
        self, session_id: int, reminders: Sequence[tuple[int, datetime]]
    ) -> None:
        """Set the session's reminders afresh (after it is made, or its time changes)."""
        r, s = schema.session_reminder, schema.group_session
        if self._conn.dialect.name == "postgresql":
            # Two changes of one session at once take turns (SQLite has one writer anyway).
            await self._conn.execute(select(s.c.id).where(s.c.id == session_id).with_for_update())
        await self._conn.execute(delete(r).where(r.c.session_id == session_id))
        if reminders:
            await self._conn.execute(
                insert(r),
                [
                    {"session_id": session_id, "minutes_before": minutes, "due_at": due}
                    for minutes, due in reminders
                ],
            )

    async def pending_reminders(self, due_by: datetime) -> list[ReminderRow]:
        """Reminders not yet handled that are due by `due_by`, soonest first."""
        r = schema.session_reminder
        rows = await self._conn.execute(
            select(r)
            .where(r.c.state == "pending", r.c.due_at <= due_by)
            .order_by(r.c.due_at, r.c.session_id)
        )
        return [ReminderRow(**row._mapping) for row in rows]

    async def reminders_of(self, session_id: int) -> list[ReminderRow]:
        """The session's reminders, furthest from the start first."""
        r = schema.session_reminder
        rows = await self._conn.execute(
            select(r).where(r.c.session_id == session_id).order_by(r.c.due_at)
        )
        return [ReminderRow(**row._mapping) for row in rows]

    async def finish_reminder(
        self, session_id: int, minutes_before: int, state: str, now: datetime, held: int
    ) -> None:
        """Record what became of a reminder."""
        r = schema.session_reminder
        await self._conn.execute(
            update(r)
            .where(r.c.session_id == session_id, r.c.minutes_before == minutes_before)
            .values(state=state, handled_at=now, held=held)
        )

    async def count_queued(self, session_id: int, minutes_before: int, queued: int) -> None:
        """Add to the number of reminder messages queued."""
        r = schema.session_reminder
        await self._conn.execute(
            update(r)
            .where(r.c.session_id == session_id, r.c.minutes_before == minutes_before)
            .values(queued=r.c.queued + queued)
        )

    async def cancel_reminders(self, session_id: int, now: datetime) -> None:
        """A cancelled session's reminders still waiting will not go."""
        r = schema.session_reminder
        await self._conn.execute(
            update(r)
            .where(r.c.session_id == session_id, r.c.state == "pending")
            .values(state="cancelled", handled_at=now)
        )

    @off_loop
    async def queued_for(self, dedupe_prefix: str) -> set[int]:
        """People with an outbox row whose dedupe key starts with `dedupe_prefix`."""
        o = schema.outbox
        rows = await self._conn.execute(
            select(o.c.person_id).where(o.c.dedupe_key.startswith(dedupe_prefix, autoescape=True))
        )
        return {int(pid) for pid in rows.scalars() if pid is not None}

    async def coordinators_of(self, group_id: int) -> list[int]:
        """The person ids of the group's coordinators."""
        gc = schema.group_coordinator
        rows = await self._conn.execute(
            select(gc.c.person_id).where(gc.c.group_id == group_id).order_by(gc.c.person_id)
        )
        return list(rows.scalars())

    # --- Attendance ------------------------------------------------------------------------

    @off_loop
    async def attendance(self, session_id: int) -> list[AttendanceRow]:
        """Everyone marked for the session."""
        t, p = schema.session_attendance, schema.person
        rows = await self._conn.execute(
            select(t.c.person_id, p.c.display_name, t.c.came, t.c.minutes)
            .join(p, p.c.id == t.c.person_id)
            .where(t.c.session_id == session_id)
            .order_by(t.c.person_id)
        )
        return [AttendanceRow(**row._mapping) for row in rows]

    async def mark(
        self, session_id: int, person_id: int, came: bool, minutes: int, now: datetime
    ) -> None:
        """Record whether the person came, keeping when they were asked for feedback."""
        t = schema.session_attendance
        changed = await self._conn.execute(
            update(t)
            .where(t.c.session_id == session_id, t.c.person_id == person_id)
            .values(came=came, minutes=minutes, marked_at=now)
        )
        if not changed.rowcount:
            await self._conn.execute(
                insert(t).values(
                    session_id=session_id,
                    person_id=person_id,
                    came=came,
                    minutes=minutes,
                    marked_at=now,
                )
            )

    @off_loop
    async def set_minutes(self, session_id: int, minutes: int) -> None:
        """Count `minutes` for everyone marked as having come."""
        t = schema.session_attendance
        await self._conn.execute(
            update(t)
            .where(t.c.session_id == session_id, t.c.came.is_(True))
            .values(minutes=minutes)
        )

    async def total_minutes(self, person_id: int) -> int:
        """All the involvement time the person has given."""
        total = await self._conn.execute(_TOTAL_MINUTES, {"person_id": person_id})
        return int(total.scalar_one())

    @off_loop
    async def hours(self, group_id: int, start: datetime, end: datetime) -> list[HoursRow]:
        """Every attendance at the group's sessions starting in [start, end)."""
        t, s, p = schema.session_attendance, schema.group_session, schema.person
        rows = await self._conn.execute(
            select(
                t.c.person_id,
                p.c.display_name,
                s.c.id.label("session_id"),
                s.c.title,
                s.c.starts_at,
                t.c.minutes,
            )
            .join(s, s.c.id == t.c.session_id)
            .join(p, p.c.id == t.c.person_id)
            .where(
                s.c.group_id == group_id,
                s.c.starts_at >= start,
                s.c.starts_at < end,
                t.c.came.is_(True),
            )
            .order_by(s.c.starts_at, t.c.person_id)
        )
        return [HoursRow(**row._mapping) for row in rows]

    @off_loop
    async def feedback_due(
        self, ended_by: datetime, ended_after: datetime
    ) -> list[tuple[SessionRow, int]]:
        """(session, person) for those who came to a session that ended in the window and
        have not been asked how it was."""
        t, s = schema.session_attendance, schema.group_session
        rows = await self._conn.execute(
            select(s, t.c.person_id)
            .join(t, t.c.session_id == s.c.id)
            .where(
                s.c.ends_at <= ended_by,
                s.c.ends_at > ended_after,
                s.c.state == "active",
                t.c.came.is_(True),
                t.c.feedback_asked_at.is_(None),
            )
            .order_by(s.c.id, t.c.person_id)
        )
        found = []
        for row in rows:
            values = dict(row._mapping)
            person_id = values.pop("person_id")
            found.append((SessionRow(**values), int(person_id)))
        return found

    async def feedback_asked(self, session_id: int, person_id: int, now: datetime) -> None:
        """Remember that the person was asked how the session was."""
        t = schema.session_attendance
        await self._conn.execute(
            update(t)
            .where(t.c.session_id == session_id, t.c.person_id == person_id)
            .values(feedback_asked_at=now)
        )
