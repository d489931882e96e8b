"""Group sessions: time-based work: reminders, attendance requests and the question afterwards."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.presentation import outgoing, texts
from bot.presentation.callbacks import Action
from bot.services.sessions.base import (
    SessionsBase,
)
from bot.services.sessions.model import (
    ATTENDANCE_WINDOW,
    FEEDBACK_AFTER,
    FEEDBACK_WINDOW,
    KIND_ATTENDANCE,
    KIND_FEEDBACK,
    KIND_REMINDER,
    ON_TIME,
    REMINDER_LOOKAHEAD,
    SCALE,
    Answer,
    SessionView,
    TickReport,
)
from bot.services.sessions.words import (
    _SCALE_LABELS,
    answer_buttons,
    reminder_send_at,
    session_said,
)
from storage.outbox import OutboxNew
from storage.sessions import ATTENDING, ReminderRow, SessionRecipient, SessionRow
from storage.tx import Tx

logger = logging.getLogger(__name__)


class Reminders(SessionsBase):
    """Time-based work: reminders, attendance requests and the question afterwards."""

    # --- Time-based work -----------------------------------------------------------------------

    async def tick(self, zone: ZoneInfo, quiet_default: str) -> TickReport:
        """Queue what is due: reminders, requests to mark attendance, the question after."""
        now = self._clock.now()
        # Most ticks find nothing: look first without taking the database's write lock.
        async with self._storage.read() as tx:
            if not (
                await tx.sessions.pending_reminders(now + REMINDER_LOOKAHEAD)
                or await tx.sessions.ended_unmarked(now)
                or await tx.sessions.feedback_due(now - FEEDBACK_AFTER, now - FEEDBACK_WINDOW)
            ):
                return TickReport()
        async with self._storage.transaction() as tx:
            sent, missed = await self._reminders(tx, zone, quiet_default, now)
            asked = await self._ask_attendance(tx, zone, now)
            feedback = await self._ask_feedback(tx, now)
        return TickReport(sent, missed, asked, feedback)

    async def _reminders(
        self, tx: Tx, zone: ZoneInfo, quiet_default: str, now: datetime
    ) -> tuple[int, int]:
        pending = await tx.sessions.pending_reminders(now + REMINDER_LOOKAHEAD)
        by_session: dict[int, list[ReminderRow]] = {}
        for reminder in pending:
            by_session.setdefault(reminder.session_id, []).append(reminder)
        sent = missed = 0
        for session_id, reminders in by_session.items():
            session = await tx.sessions.get(session_id)
            if session is None:
                continue
            if session.starts_at <= now:
                due = [r for r in reminders if r.due_at <= now]
                missed += await self._missed(tx, session, due, now)
                continue
            sent += await self._remind(tx, session, reminders, zone, quiet_default, now)
        return sent, missed

    async def _remind(
        self,
        tx: Tx,
        session: SessionRow,
        reminders: list[ReminderRow],
        zone: ZoneInfo,
        quiet_default: str,
        now: datetime,
    ) -> int:
        """Queue a session's reminders whose time has come; 1 if one was due, else 0."""
        due = [r for r in reminders if r.due_at <= now]
        # After an outage only the nearest of several due reminders is still useful.
        nearest = min(due, key=lambda r: r.minutes_before) if due else None
        for r in due:
            if r is not nearest:
                await tx.sessions.finish_reminder(
                    session.id, r.minutes_before, "superseded", now, 0
                )
        early = await self._early(tx, session, reminders, zone, quiet_default, now)
        if nearest is None and not early:
            return 0
        group = await tx.groups.get(session.group_id)
        people = await tx.sessions.recipients(session.id, ATTENDING)
        name = group.name if group else ""
        for r in early:
            await self._queue_reminder(tx, session, name, r, people, zone, quiet_default, now)
        if nearest is None:
            return 0
        r = nearest
        held = await self._queue_reminder(tx, session, name, r, people, zone, quiet_default, now)
        state = "sent" if now - r.due_at <= ON_TIME else "late"
        await tx.sessions.finish_reminder(session.id, r.minutes_before, state, now, held)
        await tx.sessions.count_queued(session.id, r.minutes_before, len(people) - held)
        return 1

    @staticmethod
    async def _early(
        tx: Tx,
        session: SessionRow,
        reminders: list[ReminderRow],
        zone: ZoneInfo,
        quiet_default: str,
        now: datetime,
    ) -> list[ReminderRow]:
        """Reminders not yet due that go early to people whose quiet hours would hold them
        past the start; most ticks find nobody, from their few distinct settings."""
        settings = await tx.sessions.quiet_settings(session.id, ATTENDING)
        return [
            r
            for r in reminders
            if r.due_at > now
            and any(
                (at := reminder_send_at(r.due_at, session.starts_at, now, zone, q, quiet_default))
                is not None
                and at <= now
                for q in settings
            )
        ]

    async def _missed(
        self, tx: Tx, session: SessionRow, due: list[ReminderRow], now: datetime
    ) -> int:
        """Record reminders whose time passed unseen (Chorus was stopped, or a try-out's
        clock moved on) and the session has begun: never silently dropped."""
        for r in due:
            await tx.sessions.finish_reminder(session.id, r.minutes_before, "missed", now, 0)
            logger.warning(
                "reminder %d min before session %d was due at %s, but the session had begun "
                "when it was next looked at; recorded as missed",
                r.minutes_before,
                session.id,
                r.due_at.isoformat(timespec="minutes"),
            )
        return len(due)

    async def _queue_reminder(
        self,
        tx: Tx,
        session: SessionRow,
        group_name: str,
        reminder: ReminderRow,
        people: Sequence[SessionRecipient],
        zone: ZoneInfo,
        quiet_default: str,
        now: datetime,
    ) -> int:
        """Queue the reminder for everyone whose time for it has come; how many cannot get
        it before the start (paused, unreachable, or quiet all the while)."""
        prefix = f"sr{session.id}:{reminder.minutes_before}:{int(reminder.due_at.timestamp())}:"
        rows = _ReminderRows(session, group_name, reminder, zone, quiet_default, now, prefix)
        queued = await tx.sessions.queued_for(prefix)
        # Made as storage writes them: off the event loop for a session of 10,000 members.
        await tx.outbox.enqueue(rows.each(p for p in people if p.person_id not in queued), now)
        return rows.held

    async def _ask_attendance(self, tx: Tx, zone: ZoneInfo, now: datetime) -> int:
        asked = 0
        for session in await tx.sessions.ended_unmarked(now):
            await tx.sessions.update(session.id, attendance_asked_at=now)
            if now - session.ends_at > ATTENDANCE_WINDOW:
                continue
            said = outgoing.text(
                texts.SESSION_MARK_ASK,
                title=session.title,
                when=outgoing.Moment(session.starts_at),
            )
            button = outgoing.button(texts.BUTTON_MARK, Action.SESSION_ATTENDANCE, session.id)
            payload = outgoing.message(said, [[button]]).dumps()
            coordinators = await tx.sessions.coordinators_of(session.group_id)
            await tx.outbox.enqueue(
                [
                    OutboxNew(f"sa{session.id}:{pid}", KIND_ATTENDANCE, pid, payload, now)
                    for pid in coordinators
                ],
                now,
            )
            asked += 1
        return asked

    async def _ask_feedback(self, tx: Tx, now: datetime) -> int:
        due = await tx.sessions.feedback_due(now - FEEDBACK_AFTER, now - FEEDBACK_WINDOW)
        rows = []
        for session, person_id in due:
            await tx.sessions.feedback_asked(session.id, person_id, now)
            said = outgoing.text(texts.SESSION_FEEDBACK_ASK, title=session.title)
            scale = [
                outgoing.button(_SCALE_LABELS[score - 1], Action.SESSION_RATE, session.id, score)
                for score in SCALE
            ]
            skip = outgoing.button(texts.BUTTON_NO_THANKS, Action.SESSION_FEEDBACK_SKIP)
            rows.append(
                OutboxNew(
                    f"sf{session.id}:{person_id}",
                    KIND_FEEDBACK,
                    person_id,
                    # Faces with words are wider: three, then two, to a row.
                    outgoing.message(said, [scale[:3], scale[3:], [skip]]).dumps(),
                    now,
                )
            )
        await tx.outbox.enqueue(rows, now)
        return len(rows)


class _ReminderRows:
    """One reminder's outbox rows, made one person at a time (as storage asks for them), and
    how many could not be queued: paused, unreachable, or quiet until the start."""

    def __init__(
        self,
        session: SessionRow,
        group_name: str,
        reminder: ReminderRow,
        zone: ZoneInfo,
        quiet_default: str,
        now: datetime,
        prefix: str,
    ) -> None:
        self.held = 0
        self._session, self._group_name, self._reminder = session, group_name, reminder
        self._zone, self._quiet_default, self._now, self._prefix = zone, quiet_default, now, prefix
        self._times: dict[str | None, datetime | None] = {}
        self._payloads: dict[str, str] = {}

    def each(self, people: Iterable[SessionRecipient]) -> Iterator[OutboxNew]:
        due_now = self._reminder.due_at <= self._now
        for p in people:
            at = self._send_at(p.quiet_hours)
            if p.paused or p.unreachable or at is None:
                self.held += 1
                continue
            if at > self._now and not due_now:
                continue  # not yet: a later tick queues it
            payload = self._payload(p.answer)
            yield OutboxNew(
                self._prefix + str(p.person_id), KIND_REMINDER, p.person_id, payload, at
            )

    def _send_at(self, quiet_hours: str | None) -> datetime | None:
        if quiet_hours not in self._times:
            self._times[quiet_hours] = reminder_send_at(
                self._reminder.due_at,
                self._session.starts_at,
                self._now,
                self._zone,
                quiet_hours,
                self._quiet_default,
            )
        return self._times[quiet_hours]

    def _payload(self, answer: str) -> str:
        # Worded when it is sent ("today" or "tomorrow" as seen then, in the zone configured
        # then), with the person's answer and the answer buttons.
        if answer not in self._payloads:
            view = SessionView(self._session, self._group_name, Answer(answer))
            said = session_said(view, self._zone, None, texts.SESSION_REMINDER, relative=True)
            self._payloads[answer] = outgoing.message(
                said, answer_buttons(self._session, view.answer)
            ).dumps()
        return self._payloads[answer]
