"""Group sessions: attendance after a session and the involvement hours it counts."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.services.roles import may_manage
from bot.services.sessions.answers import (
    Answers,
)
from bot.services.sessions.model import (
    FORGOTTEN,
    HOURS_STEP,
    AttendanceLine,
    AttendanceView,
    HoursExport,
    Period,
)
from bot.services.sessions.words import (
    _csv_safe,
    _local_midnight,
    period_dates,
)
from bot.services.when import parse_duration
from storage.payments import PayeeRow
from storage.rights import RightsRepo
from storage.sessions import ATTENDING, SessionRow
from storage.tx import Tx

# In the hours export, for someone with no payee reference or no name yet.
NO_REFERENCE = "not set (see /payments)"
NO_NAME = "no name given"


class Attendance(Answers):
    """Attendance after a session and the involvement hours it counts."""

    # --- Attendance and hours ------------------------------------------------------------------

    async def attendance(self, telegram_id: int, session_id: int) -> AttendanceView | None:
        """Who said going or maybe, and anyone marked, with their marks; coordinators only,
        once the session has started."""
        now = self._clock.now()
        async with self._storage.read() as tx:
            found = await self._managed(tx, telegram_id, session_id)
            if found is None or found[0].starts_at > now:
                return None
            return await self._attendance(tx, *found)

    async def _attendance(self, tx: Tx, session: SessionRow, group_name: str) -> AttendanceView:
        answers = {
            a.person_id: a for a in await tx.sessions.answers(session.id) if a.answer in ATTENDING
        }
        marks = {m.person_id: m for m in await tx.sessions.attendance(session.id)}
        lines = [
            AttendanceLine(
                pid,
                (answers[pid].display_name if pid in answers else marks[pid].display_name),
                marks[pid].came if pid in marks else None,
                answers[pid].answer if pid in answers else None,
            )
            for pid in sorted(answers.keys() | marks.keys())
        ]
        return AttendanceView(session, group_name, lines)

    async def mark(
        self, telegram_id: int, session_id: int, person_id: int, came: bool | None = None
    ) -> AttendanceView | None:
        """Mark someone as came / did not come (None: switch their mark); coordinators only.

        Anyone in the group may be marked, so someone who came unannounced can be added.
        """
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            found = await self._managed(tx, telegram_id, session_id)
            if found is None or found[0].starts_at > now or found[0].state != "active":
                return None
            session, group_name = found
            if not await tx.groups.is_member(session.group_id, person_id):
                answered = await tx.sessions.answer_of(session.id, person_id)
                if answered is None:
                    return None
            marks = {m.person_id: m.came for m in await tx.sessions.attendance(session.id)}
            if came is None:
                came = not marks.get(person_id, False)
            minutes = session.minutes if came else 0
            await tx.sessions.mark(session.id, person_id, came, minutes, now)
            if self._attendance_changed is not None:  # attendance makes the claims
                await self._attendance_changed(tx, session.group_id, person_id)
            return await self._attendance(tx, session, group_name)

    async def addable(self, telegram_id: int, session_id: int) -> list[tuple[int, str | None]]:
        """Group members not yet on the attendance list (to add someone who came)."""
        async with self._storage.read() as tx:
            found = await self._managed(tx, telegram_id, session_id)
            if found is None:
                return []
            view = await self._attendance(tx, *found)
            listed = {line.person_id for line in view.lines}
            members = await tx.groups.members(found[0].group_id)
        return [(m.person_id, m.display_name) for m in members if m.person_id not in listed]

    async def set_hours(self, telegram_id: int, text: str) -> AttendanceView | None:
        """Change the time each attendance of the session the coordinator is working on
        counts ("2.5", "2 hours", "90 min"); None if not understood or not allowed."""
        typed = text.strip().replace(",", ".")
        try:
            length = timedelta(hours=float(typed)) if typed.replace(".", "", 1).isdigit() else None
        except ValueError:
            length = None
        length = length or parse_duration(text)
        if length is None or not timedelta(minutes=1) <= length <= timedelta(hours=24):
            return None
        minutes = round(length.total_seconds() / 60)
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            step = None if person is None else await tx.steps.get(person.id)
            if person is None or step is None or step.step != HOURS_STEP:
                return None
            session_id = int(step.data["session"])
            found = await self._managed(tx, telegram_id, session_id)
            if found is None:
                return None
            await tx.sessions.update(session_id, hours_minutes=minutes)
            await tx.sessions.set_minutes(session_id, minutes)
            session = await tx.sessions.get(session_id)
            assert session is not None
            if self._attendance_changed is not None:
                await self._attendance_changed(tx, session.group_id, None)
            await tx.steps.clear(person.id)
            return await self._attendance(tx, session, found[1])

    async def begin_hours(self, telegram_id: int, chat_id: int, session_id: int) -> bool:
        """Wait for the coordinator to type the hours each attendance counts."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            if await self._managed(tx, telegram_id, session_id) is None:
                return False
            person = await tx.people.ensure(telegram_id, chat_id, None, now)
            await tx.steps.set(person.id, HOURS_STEP, {"session": session_id}, now)
        return True

    async def leave_hours(self, telegram_id: int) -> None:
        """Stop waiting for typed hours (Back to the attendance list): words typed next are
        not taken as hours."""
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            step = None if person is None else await tx.steps.get(person.id)
            if person is not None and step is not None and step.step == HOURS_STEP:
                await tx.steps.clear(person.id)

    async def total_minutes(self, telegram_id: int) -> int:
        """All the involvement time this person has given, in minutes."""
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            return 0 if person is None else await tx.sessions.total_minutes(person.id)

    async def export_hours(
        self, telegram_id: int, group_id: int, period: Period, zone: ZoneInfo
    ) -> HoursExport | None:
        """Involvement hours per member of the group over the period, as CSV."""
        start, end = period_dates(period, self._clock.now().astimezone(zone).date())
        async with self._storage.read() as tx:
            group = await tx.groups.get(group_id)
            if group is None or not await may_manage(tx, telegram_id, group_id, self._admins):
                return None
            rows = await tx.sessions.hours(
                group_id, _local_midnight(start, zone), _local_midnight(end, zone)
            )
            # The hours of people who asked to be forgotten, kept for the accounts alone.
            kept = await RightsRepo(tx.conn).kept_hours(group_id, start, end)
            # Finance pays under the payee reference and name a coordinator set, never an id.
            payees = await tx.payments.payees(sorted({row.person_id for row in rows}))
        totals: dict[int, list[Any]] = {}
        for row in rows:
            entry = totals.setdefault(row.person_id, [row.display_name, 0, 0, []])
            entry[1] += 1
            entry[2] += row.minutes
            entry[3].append(row.starts_at.astimezone(zone).date().isoformat())
        content = _hours_csv(totals, payees, kept)
        last = end - timedelta(days=1)
        return HoursExport(
            group_name=group.name,
            filename=f"hours-{start.isoformat()}-to-{last.isoformat()}.csv",
            content=content,
            people=len(totals),
            minutes=sum(t[2] for t in totals.values()) + sum(m for _, m in kept),
            start=start,
            end=last,
        )


def _hours_csv(
    totals: dict[int, list[Any]], payees: dict[int, PayeeRow], kept: list[tuple[date, int]]
) -> bytes:
    """The hours export: one row per person, under their payee reference and name."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["payee reference", "name", "sessions", "hours", "dates"])
    for person_id, (name, count, minutes, dates) in sorted(totals.items()):
        payee = payees.get(person_id)
        reference = payee.reference if payee is not None else NO_REFERENCE
        name = (payee.name if payee is not None else None) or name or NO_NAME
        hours = f"{minutes / 60:.2f}"
        writer.writerow([_csv_safe(reference), _csv_safe(name), count, hours, " ".join(dates)])
    if kept:
        kept_minutes = sum(minutes for _, minutes in kept)
        kept_days = " ".join(sorted({day.isoformat() for day, _ in kept}))
        writer.writerow(["", FORGOTTEN, len(kept), f"{kept_minutes / 60:.2f}", kept_days])
    return out.getvalue().encode()
