"""The period a report covers: picked with a button (this month, last month, last quarter)
or typed ("1 March to 31 May 2026", "2026-03-01 - 2026-05-31"), each end read as
`bot.services.when` reads a date."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.services.when import parse_date

# The longest period a report covers: three years.
LONGEST = timedelta(days=3 * 366)

# "to" between the two dates, in English, Welsh ("i", "tan") and Arabic ("إلى", "حتى"); the
# "from" before the first ("o", "من") is one of the words `parse_date` passes over.
_SPLIT = re.compile(r"\s+(?:to|until|till|i|tan|إلى|الى|حتى)\s+|\s*[-–—]\s+|\s+[-–—]\s*")


class Pick(enum.Enum):
    """The periods offered as buttons."""

    THIS_MONTH = "tm"
    LAST_MONTH = "lm"
    LAST_QUARTER = "lq"


class PeriodProblem(enum.Enum):
    """Why a typed period cannot be used."""

    UNREADABLE = "unreadable"
    NO_SUCH_DAY = "no_such_day"  # 31 April, 2026-02-30
    BACKWARDS = "backwards"  # ends before it starts
    FUTURE = "future"  # starts after today
    TOO_LONG = "too_long"


@dataclass(frozen=True)
class Period:
    """Local dates, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        """How many days it covers."""
        return (self.end - self.start).days + 1


def picked(pick: Pick, today: date) -> Period:
    """The period a button names, seen from `today`."""
    first = today.replace(day=1)
    if pick is Pick.THIS_MONTH:
        return Period(first, today)
    if pick is Pick.LAST_MONTH:
        end = first - timedelta(days=1)
        return Period(end.replace(day=1), end)
    quarter_first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = quarter_first - timedelta(days=1)
    return Period(date(end.year, end.month - 2, 1), end)


def parse_period(text: str, today: date) -> Period | PeriodProblem:
    """A typed period, or why it cannot be used."""
    parts = _SPLIT.split(text.strip().lower(), maxsplit=1)
    if len(parts) != 2:
        return PeriodProblem.UNREADABLE
    first, last = parse_date(parts[0]), parse_date(parts[1])
    if first is None or last is None:
        return PeriodProblem.UNREADABLE
    (y1, m1, d1), (y2, m2, d2) = first, last
    y2 = y2 if y2 is not None else today.year
    y1 = y1 if y1 is not None else y2
    try:
        period = Period(date(y1, m1, d1), date(y2, m2, d2))
    except ValueError:
        return PeriodProblem.NO_SUCH_DAY
    if period.end < period.start:
        return PeriodProblem.BACKWARDS
    if period.start > today:
        return PeriodProblem.FUTURE
    if period.end - period.start > LONGEST:
        return PeriodProblem.TOO_LONG
    return period
