"""Dates and times as coordinators type them, read in the group's time zone.

`parse_when` understands forms such as "tomorrow 2pm", "Tue 3 March 14:00", "3/3/26 10.30"
and "next Friday at noon". It refuses anything it cannot read for certain, including wall
times that a clock change skips or repeats, rather than guess. `describe` says a moment back
in words, so a person can check it before anything is saved.

Choices for the forms people read differently:

- Slashed dates are day first, as in the UK: "4/3" is 4 March.
- A date without a year is its next occurrence: this year if the date is today or later,
  otherwise next year. A time already gone earlier today is reported as in the past rather
  than moved a year on. A date moved to next year that went by this year within about six
  months ("1 Dec" typed on 4 December) is marked (`When.next_year`), so the person can be
  asked whether that is what they meant before it is used.
- A day of the month alone ("15th", or "Tue 15" with a weekday) is its next occurrence:
  this month if it is still ahead, otherwise the next month that has it (and, with a
  weekday, the next month in which it falls on that weekday).
- "this Tuesday" is the same as "Tuesday".
- "in 2 hours", "in 30 minutes", "in a day" count from now, to the next whole minute.
- A time without a date is today if it is still ahead, otherwise tomorrow.
- "Friday" is today if today is Friday and the time is still ahead, otherwise the next Friday.
  "next Friday" is the first Friday strictly after today (so, typed on a Thursday, it is the
  next day). `describe` always shows the date, so either reading is visible before saving.
- "tonight" means today. "midnight" (and "12am") is 00:00 at the start of the date given.
- "14:00" and "9:30" are 24-hour times; "2pm", "2.30 pm" and "12am" are 12-hour times.
- A weekday and a date that disagree ("Mon 3 March" when 3 March is a Tuesday) are not
  understood, so the person is asked again.
- Vague words ("morning", "next week") and anything else unrecognised are not understood.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.presentation.moments import describe
from bot.services.when_words import (
    CLOCK_SUFFIXES,
    DAY_WORDS,
    DAYS_FROM_TODAY,
    FILLER,
    FROM_NOW,
    HOUR_WORDS,
    MINUTE_WORDS,
    MONTHS,
    WEEKDAYS,
)
from bot.services.when_words import normalised as _normalised

__all__ = [
    "When",
    "WhenError",
    "WhenProblem",
    "days_from_today",
    "describe",
    "parse_date",
    "parse_duration",
    "parse_when",
]

# Longer than anything a person would type for a date and time; longer input is refused
# before any parsing, so a pasted essay costs nothing.
MAX_INPUT = 100
# A date without a year read as next year's is marked for asking when this year's went by
# within about six months (so its next occurrence is further ahead than this).
_RECENTLY_GONE = timedelta(days=183)
# Years searched for the next 29 February; leap days can be eight years apart (2096, 2104).
_LEAP_SEARCH = 9


class WhenProblem(enum.Enum):
    """Why typed text did not give a moment that can be used."""

    NOT_UNDERSTOOD = "not_understood"
    IN_THE_PAST = "in_the_past"
    DOES_NOT_EXIST = "does_not_exist"
    AMBIGUOUS = "ambiguous"
    TOO_FAR = "too_far"
    BEFORE_START = "before_start"
    TOO_LONG = "too_long"


@dataclass(frozen=True)
class When:
    """A moment understood from typed text, in UTC and in the time zone it was read in.

    `next_year` is True when a date typed without a year has already gone this year, so
    it was read as next year's: say so, and ask, before using it.
    """

    at: datetime
    local: datetime
    next_year: bool = False


@dataclass(frozen=True)
class WhenError:
    """Why typed text could not be used, and the local wall time understood, if any.

    `local` is set for every problem except NOT_UNDERSTOOD. For DOES_NOT_EXIST it is a wall
    time the clocks skip, and for AMBIGUOUS one they show twice; pass it to `describe`
    unchanged to say it back as typed.
    """

    problem: WhenProblem
    local: datetime | None = None


_NAMED_TIMES = {"noon": time(12), "midday": time(12), "midnight": time(0)}

# Each pattern is matched whole against one short word and has no nested repetition,
# so matching takes time in proportion to the word. ASCII only: digits from other
# scripts are refused rather than read.
_CLOCK_24 = re.compile(r"(\d{1,2})[:.](\d{2})", re.ASCII)
_CLOCK_12 = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?(am|pm)", re.ASCII)
_CLOCK_BEFORE_SUFFIX = re.compile(r"\d{1,2}(?:[:.]\d{2})?", re.ASCII)
_DAY = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?", re.ASCII)
_YEAR = re.compile(r"\d{4}", re.ASCII)
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?", re.ASCII)
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)


@dataclass
class _Parts:
    """The pieces found in typed text, before they are placed on a calendar."""

    days_from_today: int | None = None
    weekday: int | None = None
    strictly_after_today: bool = False
    year: int | None = None
    month: int | None = None
    day: int | None = None
    clock: time | None = None
    # A day of the month typed without its month ("15th", or "15" after a weekday).
    day_only: int | None = None
    bare_day: bool = False
    # Set when placed: a date without a year that had gone this year, read as next year's.
    next_year: bool = False


def parse_when(
    text: str,
    now: datetime,
    zone: ZoneInfo,
    *,
    future_only: bool = True,
    max_ahead: timedelta = timedelta(days=366),
) -> When | WhenError:
    """The moment `text` names, read in `zone` as of `now`, or why it cannot be used."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    later = _from_now(text, now)
    if later is not None:
        if later - now > max_ahead:
            return WhenError(WhenProblem.TOO_FAR, later.astimezone(zone))
        return When(at=later.astimezone(UTC), local=later.astimezone(zone))
    parts = _read(text)
    if parts is None or parts.clock is None:
        return WhenError(WhenProblem.NOT_UNDERSTOOD)
    wall = _wall_time(parts, parts.clock, now.astimezone(zone))
    if wall is None:
        return WhenError(WhenProblem.NOT_UNDERSTOOD)
    try:
        placed = _place(wall, zone)
    except OverflowError:
        # A year so far off that it cannot be turned into UTC.
        return WhenError(WhenProblem.NOT_UNDERSTOOD)
    if isinstance(placed, WhenProblem):
        return WhenError(placed, wall.replace(tzinfo=zone))
    if future_only and placed <= now:
        return WhenError(WhenProblem.IN_THE_PAST, placed)
    if placed - now > max_ahead:
        return WhenError(WhenProblem.TOO_FAR, placed)
    return When(at=placed.astimezone(UTC), local=placed, next_year=parts.next_year)


def _from_now(text: str, now: datetime) -> datetime | None:
    """The moment "in 2 hours" (a length of time after "in") names: from `now`, rounded up
    to the whole minute; None if the text is not of that form."""
    words = _normalised(text.strip())
    first, _, rest = words.partition(" ")
    if first not in FROM_NOW or len(words) > MAX_INPUT:
        return None
    length = parse_duration(rest)
    if length is None:
        return None
    later = now.astimezone(UTC) + length
    if later.second or later.microsecond:
        later = later.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return later


def _words(text: str) -> list[str] | None:
    """The text as lower-case words, with "2 pm" joined into one, or None if too long."""
    trimmed = text.strip()
    if not trimmed or len(trimmed) > MAX_INPUT:
        return None
    lowered = _normalised(trimmed).replace("a.m.", "am").replace("p.m.", "pm").replace(",", " ")
    words: list[str] = []
    for word in lowered.rstrip(".").split():
        previous = words[-1] if words else ""
        if word in CLOCK_SUFFIXES and _CLOCK_BEFORE_SUFFIX.fullmatch(previous):
            words[-1] = previous + CLOCK_SUFFIXES[word]
        elif word not in FILLER and word != "am":  # "am" not after a clock: Welsh for "at"
            words.append(word)
    return words


def _read(text: str) -> _Parts | None:
    """The pieces of a date and time in `text`, or None if any word is not understood."""
    words = _words(text)
    if words is None:
        return None
    parts = _Parts()
    kinds: list[str] = []
    index = 0
    while index < len(words):
        read = _read_word(words, index, parts)
        if read is None:
            return None
        kind, used = read
        kinds.append(kind)
        index += used
    # Two of anything ("2pm 3pm", "today tomorrow") leaves no single answer.
    if len(kinds) != len(set(kinds)):
        return None
    # A bare number is a day of the month only beside a weekday ("Tue 15 6pm").
    if parts.bare_day and parts.weekday is None:
        return None
    return parts


def _read_word(words: list[str], index: int, parts: _Parts) -> tuple[str, int] | None:
    """Read the word at `index` into `parts`: what kind of piece it was and how many words it
    took, or None if it is not understood."""
    word = words[index]
    following = words[index + 1] if index + 1 < len(words) else ""
    if word in DAYS_FROM_TODAY:
        parts.days_from_today = DAYS_FROM_TODAY[word]
        return "relative day", 1
    if word == "next" and following in WEEKDAYS:
        parts.weekday = WEEKDAYS[following]
        parts.strictly_after_today = True
        return "weekday", 2
    if word == "this" and following in WEEKDAYS:
        parts.weekday = WEEKDAYS[following]
        return "weekday", 2
    if word in WEEKDAYS:
        parts.weekday = WEEKDAYS[word]
        return "weekday", 1
    if word == "12" and following in _NAMED_TIMES:
        # "12 noon" is one time. Dates are read from their first word, so the 12 in
        # "March 12 noon" has already been taken as the day.
        parts.clock = _NAMED_TIMES[following]
        return "time", 2
    return _read_time_or_date(words, index, parts)


def _read_time_or_date(words: list[str], index: int, parts: _Parts) -> tuple[str, int] | None:
    """Read a time or a date starting at `index` into `parts`, as `_read_word` does."""
    word = words[index]
    if (clock := _clock(word)) is not None:
        parts.clock = clock
        return "time", 1
    if (numeric := _numeric_date(word)) is not None:
        parts.year, parts.month, parts.day = numeric
        return "date", 1
    if (spelled := _spelled_date(words, index)) is not None:
        (parts.year, parts.month, parts.day), used = spelled
        return "date", used
    if day := _DAY.fullmatch(word):
        parts.day_only = int(day[1])
        parts.bare_day = day[0] == day[1]
        return "date", 1
    return None


def _clock(word: str) -> time | None:
    """The time of day one word names, or None."""
    if word in _NAMED_TIMES:
        return _NAMED_TIMES[word]
    if match := _CLOCK_12.fullmatch(word):
        hour, minute = int(match[1]), int(match[2] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            return None
        return time(hour % 12 + (12 if match[3] == "pm" else 0), minute)
    if match := _CLOCK_24.fullmatch(word):
        hour, minute = int(match[1]), int(match[2])
        if hour > 23 or minute > 59:
            return None
        return time(hour, minute)
    return None


def _numeric_date(word: str) -> tuple[int | None, int, int] | None:
    """Year (if given), month and day from "3/3", "3/3/27", "03/03/2027" or "2026-03-03"."""
    if match := _SLASHED.fullmatch(word):
        year = match[3]
        if year is None:
            return None, int(match[2]), int(match[1])
        return int(year) + (2000 if len(year) == 2 else 0), int(match[2]), int(match[1])
    if match := _ISO.fullmatch(word):
        return int(match[1]), int(match[2]), int(match[3])
    return None


def _spelled_date(words: list[str], index: int) -> tuple[tuple[int | None, int, int], int] | None:
    """Year, month and day from "3 March", "3rd Mar 2027" or "March 3" starting at `index`,
    and how many words they took; or None."""
    # A month may be shortened with a full stop ("3 Mar. 2027").
    first = words[index].rstrip(".")
    second = (words[index + 1] if index + 1 < len(words) else "").rstrip(".")
    if (day := _DAY.fullmatch(first)) and second in MONTHS:
        month = MONTHS[second]
    elif first in MONTHS and (day := _DAY.fullmatch(second)):
        month = MONTHS[first]
    else:
        return None
    after = words[index + 2] if index + 2 < len(words) else ""
    if _YEAR.fullmatch(after):
        return (int(after), month, int(day[1])), 3
    return (None, month, int(day[1])), 2


def days_from_today(text: str) -> int | None:
    """0 for "today" (or "tonight"), 1 for "tomorrow", in any language read; else None."""
    words = _words(text)
    return DAYS_FROM_TODAY.get(words[0]) if words and len(words) == 1 else None


def parse_date(text: str) -> tuple[int | None, int, int] | None:
    """A date alone, as typed ("3 March", "March 3 2027", "3/3/27", "2026-03-03"): its year
    (None if none was typed), month and day, not yet checked against the calendar; None if
    the text is anything else."""
    words = _words(text)
    if not words:
        return None
    if len(words) == 1:
        return _numeric_date(words[0])
    spelled = _spelled_date(words, 0)
    if spelled is None or spelled[1] != len(words):
        return None
    return spelled[0]


def _wall_time(parts: _Parts, clock: time, now_local: datetime) -> datetime | None:
    """The naive local date and time the parts name, or None if they contradict each other."""
    today = now_local.date()
    # Compared as wall times; a clock change today makes this approximate, and such
    # times are caught as skipped or repeated when placed.
    still_ahead = clock > now_local.time()
    if parts.month is not None and parts.day is not None:
        if parts.days_from_today is not None or parts.strictly_after_today:
            return None
        day = _calendar_date(parts.year, parts.month, parts.day, today)
        if day is None or (parts.weekday is not None and day.weekday() != parts.weekday):
            return None
        # A date that went by recently ("1 Dec" typed on 4 December) is more likely a slip
        # than a plan for a year ahead; January typed in December is plainly next year's.
        if parts.year is None and day.year > today.year and day - today > _RECENTLY_GONE:
            parts.next_year = True
    elif parts.day_only is not None:
        if parts.days_from_today is not None or parts.strictly_after_today:
            return None
        found = _day_of_month(parts.day_only, parts.weekday, today, still_ahead)
        if found is None:
            return None
        day = found
    elif parts.days_from_today is not None:
        if parts.weekday is not None:
            return None
        day = today + timedelta(days=parts.days_from_today)
    elif parts.weekday is not None:
        days = (parts.weekday - today.weekday()) % 7
        if days == 0 and (parts.strictly_after_today or not still_ahead):
            days = 7
        day = today + timedelta(days=days)
    else:
        day = today if still_ahead else today + timedelta(days=1)
    return datetime.combine(day, clock)


def _calendar_date(year: int | None, month: int, day: int, today: date) -> date | None:
    """The date, or without a year its next occurrence from today; None if there is none."""
    if year is not None:
        try:
            return date(year, month, day)
        except ValueError:
            return None
    for candidate_year in range(today.year, today.year + _LEAP_SEARCH):
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


def _day_of_month(number: int, weekday: int | None, today: date, still_ahead: bool) -> date | None:
    """The next date (today if its time is still ahead) that is day `number` of its month,
    and falls on `weekday` if one is given; None if there is none within a year."""
    year, month = today.year, today.month
    for _ in range(13):
        try:
            candidate = date(year, month, number)
        except ValueError:
            candidate = None
        if (
            candidate is not None
            and (candidate > today or (candidate == today and still_ahead))
            and (weekday is None or candidate.weekday() == weekday)
        ):
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _place(wall: datetime, zone: ZoneInfo) -> datetime | WhenProblem:
    """The naive wall time as an aware moment in `zone`, or why it is not one moment."""
    earlier = wall.replace(tzinfo=zone, fold=0)
    later = wall.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() == later.utcoffset():
        return earlier.astimezone(UTC).astimezone(zone)
    # The offsets differ, so the clocks change around this wall time. If it survives a
    # round trip through UTC it happens twice; if not, the clocks skip over it.
    back = earlier.astimezone(UTC).astimezone(zone)
    if back.replace(tzinfo=None) != wall:
        return WhenProblem.DOES_NOT_EXIST
    return WhenProblem.AMBIGUOUS


# --- Lengths of time ("in 2 hours") -------------------------------------------------------

_UNITS = {
    **dict.fromkeys(("d", "day", "days", *DAY_WORDS), timedelta(days=1)),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours", *HOUR_WORDS), timedelta(hours=1)),
    **dict.fromkeys(
        ("m", "min", "mins", "minute", "minutes", *MINUTE_WORDS), timedelta(minutes=1)
    ),
}
# A number and a unit, written together or apart: "2h", "1.5 hours", "90 min", "2 awr".
# Digits 0-9 only (others are made so first, or refused); the unit in any script.
_AMOUNT = re.compile(r"([0-9]{1,4}(?:[.,][0-9]{1,2})?)\s*([^\W\d_]+)")
# "2h30" (a clock time such as "16:00" is not a length)
_HOURS_MINUTES = re.compile(r"(\d{1,2})h(\d{2})", re.ASCII)
# Longest first, so "half an hour" is not read as "half" and "an hour".
_WORD_AMOUNTS = (("half an hour", "30 minutes"), ("an hour", "1 hour"), ("a day", "1 day"))


def parse_duration(text: str) -> timedelta | None:
    """A length of time typed as "2 hours", "90 min", "1.5h", "2h30", "an hour" or
    "1 hour 30 minutes"; None if it is not one (or is zero)."""
    words = _normalised(text.strip())
    if not words or len(words) > MAX_INPUT:
        return None
    for spelled, amount in _WORD_AMOUNTS:
        words = words.replace(spelled, amount)
    words = words.replace(" and ", " ").replace(" before", "").strip()
    if match := _HOURS_MINUTES.fullmatch(words.replace(" ", "")):
        total = timedelta(hours=int(match[1]), minutes=int(match[2]))
        return total if total and int(match[2]) < 60 else None
    total = timedelta()
    position = 0
    for match in _AMOUNT.finditer(words):
        if words[position : match.start()].strip():
            return None
        unit = _UNITS.get(match[2])
        if unit is None:
            return None
        total += unit * float(match[1].replace(",", "."))
        position = match.end()
    if position == 0 or words[position:].strip() or not total:
        return None
    return timedelta(minutes=round(total.total_seconds() / 60))
