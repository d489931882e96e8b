"""Lengths of time, end times and reminder times for group sessions, as coordinators type
them: "2 hours", "until 4pm", "1 day, 2 hours"."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services.when import (
    MAX_INPUT,
    When,
    WhenError,
    WhenProblem,
    _Parts,
    _place,
    _read,
    parse_duration,
    parse_when,
)

# The longest session: longer ones are almost always a typing slip ("1am" for "1pm").
MAX_SESSION = timedelta(hours=12)
MAX_REMINDERS = 3
SHORTEST_REMINDER = timedelta(minutes=10)
LONGEST_REMINDER = timedelta(days=14)


def parse_end(
    text: str, start: datetime, zone: ZoneInfo, now: datetime | None = None
) -> When | WhenError:
    """When a session starting at `start` ends: a length ("2 hours"), a time on the same
    day ("4pm"), or a full date and time; or why that cannot be used.

    Days named relative to today ("today 11am", "Friday 4pm") are read from `now`, as the
    person typing them means them, so an end before the start is refused.
    """
    length = parse_duration(text)
    if length is not None:
        end = start + length
        if length > MAX_SESSION:
            return WhenError(WhenProblem.TOO_LONG, end.astimezone(zone))
        return When(at=end.astimezone(UTC), local=end.astimezone(zone))
    typed = _read(text)
    relative = typed is not None and (
        typed.days_from_today is not None or typed.weekday is not None
    )
    reference = now if now is not None and relative else start
    ahead = timedelta(days=2) + (start - reference)
    result = parse_when(text, reference, zone, max_ahead=ahead)
    if isinstance(result, WhenError):
        if result.problem in (WhenProblem.IN_THE_PAST, WhenProblem.TOO_FAR):
            return WhenError(WhenProblem.BEFORE_START, result.local)
        return result
    if result.at <= start:
        return WhenError(WhenProblem.BEFORE_START, result.local)
    if result.at - start > MAX_SESSION:
        # A time alone ("1pm" for a 2pm start) is read as the next day; say what was meant.
        parts = _read(text)
        time_alone = parts is not None and parts == _Parts(clock=parts.clock)
        start_local = start.astimezone(zone)
        same_day = datetime.combine(start_local.date(), result.local.time())
        if time_alone and same_day <= start_local.replace(tzinfo=None):
            return WhenError(WhenProblem.BEFORE_START, result.local)
        return WhenError(WhenProblem.TOO_LONG, result.local)
    return result


def parse_reminders(text: str) -> list[int] | None:
    """Reminder times typed as "24h, 2h", "1 day and 3 hours" or "none", as minutes before
    the start, furthest first; None if not understood or out of range."""
    words = text.strip().lower()
    if words in ("none", "no", "no reminders", "0"):
        return []
    if not words or len(words) > MAX_INPUT:
        return None
    parts = [part for part in re.split(r",|;|\band\b|&", words) if part.strip()]
    found: set[int] = set()
    for part in parts:
        length = parse_duration(part)
        if length is None or not SHORTEST_REMINDER <= length <= LONGEST_REMINDER:
            return None
        found.add(int(length.total_seconds() // 60))
    if not found or len(found) > MAX_REMINDERS:
        return None
    return sorted(found, reverse=True)


def wall_time_before(start: datetime, minutes: int, zone: ZoneInfo) -> datetime:
    """The moment `minutes` before `start` on the wall clock of `zone`, in UTC.

    "24 hours before 10:00 on Sunday" is 10:00 on Saturday even when the clocks change in
    between. A wall time the clocks skip is taken as the end of the skipped hour; one they
    show twice, as its first occurrence.
    """
    wall = start.astimezone(zone).replace(tzinfo=None) - timedelta(minutes=minutes)
    placed = _place(wall, zone)
    if placed is WhenProblem.DOES_NOT_EXIST:
        step = wall
        while isinstance(_place(step, zone), WhenProblem):
            step += timedelta(minutes=1)
        return wall_time_before(step.replace(tzinfo=zone), 0, zone)
    if placed is WhenProblem.AMBIGUOUS:
        return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    assert isinstance(placed, datetime)
    return placed.astimezone(UTC)


def describe_length(length: timedelta) -> str:
    """A length of time in words: "2 hours", "1 hour 30 minutes", "45 minutes", "1 day"."""
    minutes = int(length.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    for amount, unit in ((days, "day"), (hours, "hour"), (minutes, "minute")):
        if amount:
            parts.append(f"{amount} {unit}" + ("" if amount == 1 else "s"))
    return " ".join(parts) or "0 minutes"
