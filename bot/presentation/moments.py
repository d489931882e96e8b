"""Moments and dates in words, as a person reads them in the configured time zone.

Queued messages carry moments (UTC) and dates as values (`outgoing.Moment`, `outgoing.Day`)
and are worded here when they are sent, so the zone, the day of sending ("today",
"tomorrow") and the reader's language are those in force then. English is worded here
("Friday 6 March at 6pm"); other languages with Babel, in their own custom (day and month
names in the language, the clock as the language shows it: 24-hour in Welsh).
"""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from bot.presentation.languages import SOURCE_LANGUAGE, current_reader
from bot.presentation.texts import language as phrases
from bot.presentation.texts.core import label
from bot.presentation.texts.sessions import (
    DURATION_HOURS,
    DURATION_HOURS_MINUTES,
    DURATION_MINUTES,
)

_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class MomentForm(enum.StrEnum):
    """How a moment is shown."""

    # "today at 2pm", "Friday 6 March at 6pm" (see `describe`).
    WORDS = "w"
    # "Fri 6 Mar 2026": the day only (an anonymous alert's, so the hour points to no one).
    SHORT_DAY = "d"
    # "Fri 6 Mar 2026, 18:00".
    SHORT = "s"
    # "Fri 6 Mar, 18:00".
    SHORT_THIS_YEAR = "t"


class DayForm(enum.StrEnum):
    """How a date is shown."""

    # "3 March".
    DAY_MONTH = "m"
    # "Tuesday 3 March".
    WEEKDAY = "w"
    # "3 March 2026".
    FULL = "f"
    # "Mar 26": a month on a chart.
    SHORT_MONTH = "s"


_SHORT_FORMATS = {
    MomentForm.SHORT_DAY: "%a %-d %b %Y",
    MomentForm.SHORT: "%a %-d %b %Y, %H:%M",
    MomentForm.SHORT_THIS_YEAR: "%a %-d %b, %H:%M",
}
# The same forms in Babel's patterns (a date, and whether the clock follows), for other
# languages; and the dates of `DayForm`.
_BABEL_SHORT = {
    MomentForm.SHORT_DAY: ("EEE d MMM y", False),
    MomentForm.SHORT: ("EEE d MMM y", True),
    MomentForm.SHORT_THIS_YEAR: ("EEE d MMM", True),
}
_BABEL_DAYS = {"m": "d MMMM", "w": "EEEE d MMMM", "f": "d MMMM y", "s": "MMM yy"}


def _language() -> str | None:
    """The reader's language if it is not English (whose words are made here)."""
    language = current_reader().language
    return None if language == SOURCE_LANGUAGE else language


def describe(moment: datetime, zone: ZoneInfo, now: datetime, *, relative: bool = True) -> str:
    """The moment in words, in `zone`: "today at 2pm", "tomorrow at 10:30am",
    "Friday 6 March at 6pm", "Sunday 3 January 2027 at midday".

    The year is shown only when it is not the current year. 00:00 is said as
    "midnight at the start of ...", since "midnight on Friday" is often read as the end
    of Friday. With `relative` False the day is always named ("Friday 6 March"), for
    messages that may be read on another day than they were written.
    """
    # A wall time from a WhenError may be one the clocks skip; converting it would move it,
    # so a moment already in the zone is said as it stands.
    local = moment if moment.tzinfo is zone else moment.astimezone(zone)
    language = _language()
    if language is not None:
        return _described_in(language, local, now.astimezone(zone).date(), relative)
    day = _day_words(local.date(), now.astimezone(zone).date(), relative)
    if local.hour == 0 and local.minute == 0:
        return f"midnight at the start of {day}"
    return f"{day} at {_clock_words(local.hour, local.minute)}"


def _described_in(language: str, local: datetime, today: date, relative: bool) -> str:
    """`describe` in another language than English."""
    day = local.date()
    if relative and day == today:
        said = label(phrases.MOMENT_TODAY)
    elif relative and day == today + timedelta(days=1):
        said = label(phrases.MOMENT_TOMORROW)
    else:
        pattern = "EEEE d MMMM" if day.year == today.year else "EEEE d MMMM y"
        said = format_date(day, pattern, locale=language)
    if local.hour == 0 and local.minute == 0:
        return label(phrases.MOMENT_MIDNIGHT, day=said)
    return label(phrases.MOMENT_AT, day=said, clock=_clock_in(language, local))


def _clock_in(language: str, local: datetime) -> str:
    if local.hour == 12 and local.minute == 0:
        return label(phrases.MOMENT_MIDDAY)
    return format_time(local.time(), "short", locale=language)


def moment_words(
    moment: datetime,
    zone: ZoneInfo,
    now: datetime | None,
    form: MomentForm = MomentForm.WORDS,
    *,
    relative: bool = False,
    after: datetime | None = None,
) -> str:
    """A moment as `form` shows it in `zone`. In words, the day is said as seen from `now`
    (if `relative` and `now` is known), or from `after`, whose day leaves only the clock
    ("4pm" for the end of a session that started that day)."""
    language = _language()
    if form is not MomentForm.WORDS:
        local = moment.astimezone(zone)
        if language is None:
            return local.strftime(_SHORT_FORMATS[form])
        pattern, clock = _BABEL_SHORT[form]
        said = format_date(local.date(), pattern, locale=language)
        return f"{said}, {format_time(local.time(), 'HH:mm', locale=language)}" if clock else said
    if after is not None:
        said = describe(moment, zone, after, relative=relative)
        if moment.astimezone(zone).date() == after.astimezone(zone).date():
            local = moment.astimezone(zone)
            if language is not None:
                return _clock_in(language, local)
            return said.split(" at ", 1)[-1]
        return said
    return describe(moment, zone, now or moment, relative=relative and now is not None)


def day_words(day: date, form: DayForm = DayForm.DAY_MONTH) -> str:
    """A date as people say it: "3 March", "Tuesday 3 March" or "3 March 2026"."""
    language = _language()
    if language is not None:
        return format_date(day, _BABEL_DAYS[form.value], locale=language)
    month = _MONTH_NAMES[day.month - 1]
    if form is DayForm.WEEKDAY:
        return f"{_WEEKDAY_NAMES[day.weekday()]} {day.day} {month}"
    if form is DayForm.FULL:
        return f"{day.day} {month} {day.year}"
    if form is DayForm.SHORT_MONTH:
        return f"{month[:3]} {day:%y}"
    return f"{day.day} {month}"


def duration_words(minutes: int) -> str:
    """A length of time in whole words, in the reader's language: "2 hours", "45 minutes",
    "1 hour and 30 minutes"."""
    hours, rest = divmod(max(minutes, 0), 60)
    if not rest:
        return label(DURATION_HOURS, count=hours)
    if not hours:
        return label(DURATION_MINUTES, count=rest)
    return label(
        DURATION_HOURS_MINUTES,
        hours=label(DURATION_HOURS, count=hours),
        minutes=label(DURATION_MINUTES, count=rest),
    )


def _day_words(day: date, today: date, relative: bool = True) -> str:
    """'today', 'tomorrow', or the weekday and date, with the year if it is not this year."""
    if relative and day == today:
        return "today"
    if relative and day == today + timedelta(days=1):
        return "tomorrow"
    words = f"{_WEEKDAY_NAMES[day.weekday()]} {day.day} {_MONTH_NAMES[day.month - 1]}"
    return words if day.year == today.year else f"{words} {day.year}"


def _clock_words(hour: int, minute: int) -> str:
    """'2pm', '10:30am', or 'midday'."""
    if hour == 12 and minute == 0:
        return "midday"
    shown = hour % 12 or 12
    suffix = "am" if hour < 12 else "pm"
    return f"{shown}{suffix}" if minute == 0 else f"{shown}:{minute:02d}{suffix}"
