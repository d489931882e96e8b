"""Dates and times as people type them: read in the group's zone, refused when unsure."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.presentation import texts
from bot.presentation.languages import reader_of, reading_for
from bot.presentation.texts import say
from bot.services.lengths import (
    MAX_SESSION,
    describe_length,
    parse_end,
    parse_reminders,
    wall_time_before,
)
from bot.services.when import (
    MAX_INPUT,
    When,
    WhenError,
    WhenProblem,
    describe,
    parse_date,
    parse_duration,
    parse_when,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")

# Tuesday 13 January 2026, 09:00 in London (GMT, so the same as UTC).
NOW = datetime(2026, 1, 13, 9, 0, tzinfo=UTC)
# Wednesday 15 July 2026, 09:00 in London (BST, an hour ahead of UTC).
SUMMER_NOW = datetime(2026, 7, 15, 8, 0, tzinfo=UTC)
# Friday 16 January 2026, before and after 6pm in London.
FRIDAY_MORNING = datetime(2026, 1, 16, 9, 0, tzinfo=UTC)
FRIDAY_EVENING = datetime(2026, 1, 16, 19, 0, tzinfo=UTC)
# Thursday 15 January 2026.
THURSDAY = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
# Sunday 20 December 2026, midday in London.
DECEMBER = datetime(2026, 12, 20, 12, 0, tzinfo=UTC)


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def at(
    text: str,
    now: datetime = NOW,
    zone: ZoneInfo = LONDON,
    *,
    future_only: bool = True,
    max_ahead: timedelta = timedelta(days=366),
) -> datetime:
    """The UTC moment `text` is read as; fails the test if it is refused."""
    result = parse_when(text, now, zone, future_only=future_only, max_ahead=max_ahead)
    assert isinstance(result, When), f"{text!r} was refused: {result}"
    return result.at


def problem(text: str, now: datetime = NOW, zone: ZoneInfo = LONDON) -> WhenError:
    """Why `text` is refused; fails the test if it is accepted."""
    result = parse_when(text, now, zone)
    assert isinstance(result, WhenError), f"{text!r} was accepted as {result}"
    return result


# --- Forms that are understood -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today 14:00", utc(2026, 1, 13, 14, 0)),
        ("today at 2pm", utc(2026, 1, 13, 14, 0)),
        ("tonight 7pm", utc(2026, 1, 13, 19, 0)),
        ("tomorrow 10:30", utc(2026, 1, 14, 10, 30)),
        ("tomorrow at 2pm", utc(2026, 1, 14, 14, 0)),
        ("  TOMORROW   At  2 PM  ", utc(2026, 1, 14, 14, 0)),
        ("tomorrow, 2pm", utc(2026, 1, 14, 14, 0)),
        ("2pm tomorrow", utc(2026, 1, 14, 14, 0)),
    ],
)
def test_relative_days(text: str, expected: datetime) -> None:
    assert at(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Tue 3 March 14:00",
        "Tuesday 3 March 2pm",
        "tuesday, 3rd March, at 2pm",
        "on Tuesday the 3rd of March at 2pm",
        "Tues 3 Mar 14.00",
        "3 March 14:00",
        "3rd March 2pm",
        "March 3 2pm",
        "March 3rd at 2pm",
        "3 Mar 2026 2pm",
        "March 3, 2026, 2pm",
        "3/3 14:00",
        "3/3/26 14:00",
        "03/03/2026 14:00",
        "2026-03-03 14:00",
        "on 3/3 at 2pm",
    ],
)
def test_dates(text: str) -> None:
    # 3 March 2026 is a Tuesday, before the clocks change, so London is on GMT.
    assert at(text) == utc(2026, 3, 3, 14, 0)


def test_slashed_dates_are_day_first() -> None:
    assert at("4/3 10:00") == utc(2026, 3, 4, 10, 0)
    assert at("13/1/27 10:00") == utc(2027, 1, 13, 10, 0)


def test_a_date_with_a_later_year() -> None:
    assert at("3 Mar 2027 2pm", now=DECEMBER) == utc(2027, 3, 3, 14, 0)
    assert at("3/3/27 14:00", now=DECEMBER) == utc(2027, 3, 3, 14, 0)


@pytest.mark.parametrize(
    ("text", "hour", "minute"),
    [
        ("14:00", 14, 0),
        ("14.00", 14, 0),
        ("9:30", 9, 30),
        ("09:30", 9, 30),
        ("00:00", 0, 0),
        ("23:59", 23, 59),
        ("2pm", 14, 0),
        ("2 pm", 14, 0),
        ("2PM", 14, 0),
        ("2 p.m.", 14, 0),
        ("2:30pm", 14, 30),
        ("2.30pm", 14, 30),
        ("2:30 pm", 14, 30),
        ("9am", 9, 0),
        ("11:45am", 11, 45),
        ("noon", 12, 0),
        ("midday", 12, 0),
        ("12 noon", 12, 0),
        ("midnight", 0, 0),
        ("12 midnight", 0, 0),
        ("12am", 0, 0),
        ("12:30am", 0, 30),
        ("12pm", 12, 0),
        ("12:30pm", 12, 30),
    ],
)
def test_times(text: str, hour: int, minute: int) -> None:
    assert at(f"tomorrow {text}") == utc(2026, 1, 14, hour, minute)


def test_twelve_before_noon_is_the_day_after_a_month() -> None:
    assert at("March 12 noon") == utc(2026, 3, 12, 12, 0)
    assert at("March 12 12 noon") == utc(2026, 3, 12, 12, 0)
    assert at("12 March 12 noon") == utc(2026, 3, 12, 12, 0)
    assert at("12 noon 12 March") == utc(2026, 3, 12, 12, 0)
    assert at("Thursday 12 March 12 midnight") == utc(2026, 3, 12, 0, 0)


def test_midnight_is_the_start_of_the_date() -> None:
    assert at("Friday midnight") == utc(2026, 1, 16, 0, 0)
    assert at("16/1 midnight") == utc(2026, 1, 16, 0, 0)


# --- Filling in what was left out ----------------------------------------------------


def test_a_time_alone_is_today_while_it_is_still_ahead() -> None:
    assert at("14:00") == utc(2026, 1, 13, 14, 0)
    assert at("at 9:01") == utc(2026, 1, 13, 9, 1)


def test_a_time_alone_is_tomorrow_once_it_has_gone() -> None:
    afternoon = datetime(2026, 1, 13, 15, 0, tzinfo=UTC)
    assert at("14:00", now=afternoon) == utc(2026, 1, 14, 14, 0)
    assert at("9:00") == utc(2026, 1, 14, 9, 0)  # exactly now is not ahead
    assert at("midnight") == utc(2026, 1, 14, 0, 0)


def test_a_weekday_is_the_next_one() -> None:
    assert at("Friday 6pm") == utc(2026, 1, 16, 18, 0)
    assert at("fri 6pm") == utc(2026, 1, 16, 18, 0)
    assert at("Monday 10am") == utc(2026, 1, 19, 10, 0)


def test_todays_weekday_is_today_while_the_time_is_still_ahead() -> None:
    assert at("Friday 6pm", now=FRIDAY_MORNING) == utc(2026, 1, 16, 18, 0)


def test_todays_weekday_is_next_week_once_the_time_has_gone() -> None:
    assert at("Friday 6pm", now=FRIDAY_EVENING) == utc(2026, 1, 23, 18, 0)


def test_next_weekday_is_the_first_one_strictly_after_today() -> None:
    assert at("next Friday 6pm") == utc(2026, 1, 16, 18, 0)  # from Tuesday
    assert at("next Friday 6pm", now=THURSDAY) == utc(2026, 1, 16, 18, 0)  # tomorrow
    assert at("next Friday 6pm", now=FRIDAY_MORNING) == utc(2026, 1, 23, 18, 0)
    assert at("next fri at 6pm", now=FRIDAY_EVENING) == utc(2026, 1, 23, 18, 0)


def test_a_date_without_a_year_rolls_into_next_year() -> None:
    assert at("3 January 10:00", now=DECEMBER) == utc(2027, 1, 3, 10, 0)
    assert at("3/1 10am", now=DECEMBER) == utc(2027, 1, 3, 10, 0)
    assert at("19 December 10:00", now=DECEMBER) == utc(2027, 12, 19, 10, 0)


def test_a_date_without_a_year_is_this_year_from_today_on() -> None:
    assert at("20 December 3pm", now=DECEMBER) == utc(2026, 12, 20, 15, 0)
    # Earlier today is in the past, not a year away.
    gone = problem("20 December 10:00", now=DECEMBER)
    assert gone.problem is WhenProblem.IN_THE_PAST
    assert gone.local == datetime(2026, 12, 20, 10, 0, tzinfo=LONDON)


def test_a_leap_day_without_a_year_is_the_next_one() -> None:
    result = parse_when("29 Feb 10:00", NOW, LONDON, max_ahead=timedelta(days=3650))
    assert isinstance(result, When)
    assert result.at == utc(2028, 2, 29, 10, 0)


# --- Summer time and clock changes ---------------------------------------------------


def test_london_summer_time_is_an_hour_ahead_of_utc() -> None:
    assert at("tomorrow 10:00", now=SUMMER_NOW) == utc(2026, 7, 16, 9, 0)
    assert at("16 July 10:00") == utc(2026, 7, 16, 9, 0)


def test_london_winter_time_is_utc() -> None:
    assert at("tomorrow 10:00") == utc(2026, 1, 14, 10, 0)


def test_the_local_time_is_given_back_in_the_zone() -> None:
    result = parse_when("16 July 10:00", NOW, LONDON)
    assert isinstance(result, When)
    assert result.local == datetime(2026, 7, 16, 10, 0, tzinfo=LONDON)
    assert result.local.tzinfo is LONDON
    assert (result.local.hour, result.local.minute) == (10, 0)
    assert result.at.tzinfo is UTC


@pytest.mark.parametrize("clock", ["1am", "01:00", "1:30am", "01:59"])
def test_a_time_the_clocks_skip_does_not_exist(clock: str) -> None:
    # 29 March 2026: London goes from 01:00 GMT straight to 02:00 BST.
    error = problem(f"29 March {clock}")
    assert error.problem is WhenProblem.DOES_NOT_EXIST
    assert error.local is not None
    assert error.local.date() == date(2026, 3, 29)
    assert error.local.tzinfo is LONDON


def test_times_either_side_of_the_spring_gap_are_fine() -> None:
    assert at("29 March 00:30") == utc(2026, 3, 29, 0, 30)
    assert at("29 March 02:00") == utc(2026, 3, 29, 1, 0)
    assert at("29 March 02:30") == utc(2026, 3, 29, 1, 30)


@pytest.mark.parametrize("clock", ["1am", "01:00", "1:30am", "01:59"])
def test_a_time_the_clocks_repeat_is_ambiguous(clock: str) -> None:
    # 25 October 2026: London goes from 02:00 BST back to 01:00 GMT.
    error = problem(f"25 October {clock}")
    assert error.problem is WhenProblem.AMBIGUOUS
    assert error.local is not None
    assert error.local.date() == date(2026, 10, 25)
    assert error.local.tzinfo is LONDON


def test_times_either_side_of_the_autumn_repeat_are_fine() -> None:
    assert at("25 October 00:30") == utc(2026, 10, 24, 23, 30)
    assert at("25 October 02:00") == utc(2026, 10, 25, 2, 0)
    assert at("25 October 02:30") == utc(2026, 10, 25, 2, 30)


def test_the_skipped_time_is_given_back_as_typed() -> None:
    error = problem("29/3 1:30am")
    assert error.local is not None
    assert (error.local.hour, error.local.minute) == (1, 30)
    assert describe(error.local, LONDON, NOW) == "Sunday 29 March at 1:30am"


def test_a_time_alone_on_the_morning_of_the_change() -> None:
    # 00:10 on 29 March: "1:30" is still ahead today, and today it does not exist.
    early = datetime(2026, 3, 29, 0, 10, tzinfo=UTC)
    assert problem("1:30", now=early).problem is WhenProblem.DOES_NOT_EXIST
    assert at("2:30", now=early) == utc(2026, 3, 29, 1, 30)


# --- Another zone ------------------------------------------------------------------


def test_new_york_times_are_read_in_new_york() -> None:
    assert at("tomorrow 10:00", zone=NEW_YORK) == utc(2026, 1, 14, 15, 0)
    assert at("tomorrow 10:00", now=SUMMER_NOW, zone=NEW_YORK) == utc(2026, 7, 16, 14, 0)


def test_today_is_the_day_in_the_zone() -> None:
    # 03:00 UTC on 13 January is still 12 January in New York.
    late = datetime(2026, 1, 13, 3, 0, tzinfo=UTC)
    assert at("today 11pm", now=late, zone=NEW_YORK) == utc(2026, 1, 13, 4, 0)
    assert at("today 11pm", now=late, zone=LONDON) == utc(2026, 1, 13, 23, 0)


def test_new_york_changes_its_clocks_on_its_own_dates() -> None:
    # New York springs forward at 02:00 on 8 March 2026 and falls back at 02:00 on
    # 1 November 2026; London is not changing on either day.
    assert problem("8 March 2:30am", zone=NEW_YORK).problem is WhenProblem.DOES_NOT_EXIST
    assert at("8 March 2:30am", zone=LONDON) == utc(2026, 3, 8, 2, 30)
    assert problem("1 November 1:30am", zone=NEW_YORK).problem is WhenProblem.AMBIGUOUS
    assert at("1 November 1:30am", zone=LONDON) == utc(2026, 11, 1, 1, 30)
    # And the London change days are ordinary there.
    assert at("29 March 1:30am", zone=NEW_YORK) == utc(2026, 3, 29, 5, 30)
    assert at("25 October 1:30am", zone=NEW_YORK) == utc(2026, 10, 25, 5, 30)


# --- Past and too far --------------------------------------------------------------


def test_a_moment_already_gone_is_in_the_past() -> None:
    error = problem("today 8am")
    assert error.problem is WhenProblem.IN_THE_PAST
    assert error.local == datetime(2026, 1, 13, 8, 0, tzinfo=LONDON)
    assert problem("12 January 2026 10:00").problem is WhenProblem.IN_THE_PAST


def test_now_itself_is_in_the_past() -> None:
    assert problem("today 9:00").problem is WhenProblem.IN_THE_PAST


def test_the_past_is_allowed_when_asked_for() -> None:
    assert at("today 8am", future_only=False) == utc(2026, 1, 13, 8, 0)
    assert at("2025-12-25 noon", future_only=False) == utc(2025, 12, 25, 12, 0)


def test_more_than_a_year_ahead_is_too_far() -> None:
    assert at("13/1/27 10:00") == utc(2027, 1, 13, 10, 0)
    error = problem("14/1/27 10:00")
    assert error.problem is WhenProblem.TOO_FAR
    assert error.local == datetime(2027, 1, 14, 10, 0, tzinfo=LONDON)
    assert problem("1 Jan 2030 10:00").problem is WhenProblem.TOO_FAR


def test_the_limit_ahead_can_be_set() -> None:
    week = timedelta(days=7)
    assert at("20/1 8am", max_ahead=week) == utc(2026, 1, 20, 8, 0)
    result = parse_when("20/1 10am", NOW, LONDON, max_ahead=week)
    assert isinstance(result, WhenError)
    assert result.problem is WhenProblem.TOO_FAR


# --- Refusals ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\n\t",
        "🙂",
        "🎉 🎉",
        "hello",
        "soon",
        "tomorrow",
        "tomorrow morning",
        "tomorrow evening",
        "next week 2pm",
        "in 2 hours time 2pm",
        "the meeting is at 2pm",
        "3 March",
        "Friday",
        "next Friday",
        "3/3",
        "32/1 10:00",
        "0/0 10:00",
        "31/4 10:00",
        "29/2/26 10:00",
        "3/13 10:00",
        "2026-02-30 10:00",
        "25:00",
        "24:00",
        "12:60",
        "13pm",
        "0pm",
        "0am",
        "14:00pm",
        "1430",
        "2",
        "at",
        "next 2pm",
        "2pm 3pm",
        "today tomorrow 2pm",
        "tomorrow Friday 2pm",
        "tomorrow 3 March 2pm",
        "3 March 4 March 2pm",
        "12 noon 2pm",
        "March 12 12",
        "Mon 3 March 14:00",  # 3 March 2026 is a Tuesday
        "Monday 2026-03-03 2pm",
        "next Tuesday 3 March 2pm",
        "3 Mar 26 2pm",  # a two-digit year only after slashes
        "3 2pm",
        "March 2pm",
        "3/3/202 10:00",
        "3.3.26 10:00",
        "１４:００",  # full-width digits
        "tomorrow 2pm!",
        "tomorrow 2pm 🙂",
    ],
)
def test_refused(text: str) -> None:
    assert problem(text).problem is WhenProblem.NOT_UNDERSTOOD
    assert problem(text).local is None


def test_long_input_is_refused_without_reading_it() -> None:
    assert problem("x" * 4000).problem is WhenProblem.NOT_UNDERSTOOD
    assert problem("1:" * 2000).problem is WhenProblem.NOT_UNDERSTOOD
    assert problem("tomorrow 2pm " * 400).problem is WhenProblem.NOT_UNDERSTOOD


def test_the_length_limit_applies_after_trimming() -> None:
    padded = " " * 500 + "tomorrow 2pm" + " " * 500
    assert at(padded) == utc(2026, 1, 14, 14, 0)
    too_long = "tomorrow" + " " * (MAX_INPUT - len("tomorrow2pm") + 1) + "2pm"
    assert problem(too_long).problem is WhenProblem.NOT_UNDERSTOOD


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_when("2pm", datetime(2026, 1, 13, 9, 0), LONDON)


# --- Saying it back ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (utc(2026, 1, 13, 14, 0), "today at 2pm"),
        (utc(2026, 1, 13, 12, 0), "today at midday"),
        (utc(2026, 1, 13, 23, 59), "today at 11:59pm"),
        (utc(2026, 1, 14, 10, 30), "tomorrow at 10:30am"),
        (utc(2026, 1, 14, 0, 30), "tomorrow at 12:30am"),
        (utc(2026, 1, 14, 0, 0), "midnight at the start of tomorrow"),
        (utc(2026, 1, 16, 18, 0), "Friday 16 January at 6pm"),
        (utc(2026, 1, 19, 9, 5), "Monday 19 January at 9:05am"),
        (utc(2026, 3, 3, 14, 0), "Tuesday 3 March at 2pm"),
        (utc(2026, 12, 31, 0, 0), "midnight at the start of Thursday 31 December"),
        (utc(2027, 1, 5, 9, 5), "Tuesday 5 January 2027 at 9:05am"),
        (utc(2027, 1, 3, 12, 0), "Sunday 3 January 2027 at midday"),
    ],
)
def test_describe_in_winter(moment: datetime, expected: str) -> None:
    assert describe(moment, LONDON, NOW) == expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (utc(2026, 7, 15, 13, 0), "today at 2pm"),
        (utc(2026, 7, 16, 9, 0), "tomorrow at 10am"),
        # 23:30 UTC is already the next day in London.
        (utc(2026, 7, 15, 23, 30), "tomorrow at 12:30am"),
        (utc(2026, 7, 17, 17, 0), "Friday 17 July at 6pm"),
        (utc(2026, 10, 25, 0, 30), "Sunday 25 October at 1:30am"),  # first 1:30, BST
        (utc(2026, 10, 25, 1, 30), "Sunday 25 October at 1:30am"),  # second 1:30, GMT
    ],
)
def test_describe_in_summer(moment: datetime, expected: str) -> None:
    assert describe(moment, LONDON, SUMMER_NOW) == expected


def test_describe_adds_the_year_only_when_it_is_not_this_year() -> None:
    assert describe(utc(2026, 12, 24, 15, 0), LONDON, DECEMBER) == "Thursday 24 December at 3pm"
    assert describe(utc(2027, 1, 3, 10, 0), LONDON, DECEMBER) == "Sunday 3 January 2027 at 10am"
    assert describe(utc(2025, 12, 25, 12, 0), LONDON, NOW) == (
        "Thursday 25 December 2025 at midday"
    )


def test_describe_uses_the_zone() -> None:
    assert describe(utc(2026, 1, 13, 15, 0), NEW_YORK, NOW) == "today at 10am"
    assert describe(utc(2026, 1, 14, 3, 0), NEW_YORK, NOW) == "today at 10pm"
    assert describe(utc(2026, 1, 14, 3, 0), LONDON, NOW) == "tomorrow at 3am"


def test_describe_accepts_a_moment_in_any_zone() -> None:
    moment = datetime(2026, 1, 13, 10, 0, tzinfo=NEW_YORK)
    assert describe(moment, LONDON, NOW) == "today at 3pm"


@pytest.mark.parametrize(
    ("text", "now", "said"),
    [
        ("tonight 7pm", NOW, "today at 7pm"),
        ("tomorrow at 10.30", NOW, "tomorrow at 10:30am"),
        ("next Friday 6pm", FRIDAY_MORNING, "Friday 23 January at 6pm"),
        ("Tue 3 March 14:00", NOW, "Tuesday 3 March at 2pm"),
        ("3 January 10:00", DECEMBER, "Sunday 3 January 2027 at 10am"),
        ("tomorrow 10:00", SUMMER_NOW, "tomorrow at 10am"),
        ("Friday midnight", NOW, "midnight at the start of Friday 16 January"),
    ],
)
def test_what_is_typed_is_said_back(text: str, now: datetime, said: str) -> None:
    result = parse_when(text, now, LONDON)
    assert isinstance(result, When)
    assert describe(result.at, LONDON, now) == said
    assert describe(result.local, LONDON, now) == said


# --- Lengths, end times and reminder times (group sessions) ------------------------------

# Tuesday 3 March 2026, 2pm in London (GMT).
START = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("2 hours", 120),
        ("2h", 120),
        ("2 hrs", 120),
        ("1.5 hours", 90),
        ("1,5h", 90),
        ("90 min", 90),
        ("90 minutes", 90),
        ("45m", 45),
        ("2h30", 150),
        ("1 hour 30 minutes", 90),
        ("1 hour and 15 min", 75),
        ("an hour", 60),
        ("half an hour", 30),
        ("1 day", 24 * 60),
        ("  3 HOURS ", 180),
    ],
)
def test_lengths_people_type(text: str, minutes: int) -> None:
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize(
    "text",
    ["", "two hours", "16:00", "4pm", "2 weeks", "0 hours", "h", "2 hours later", "x" * 200],
)
def test_what_is_not_a_length(text: str) -> None:
    assert parse_duration(text) is None


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("4pm", utc(2026, 3, 3, 16, 0)),
        ("16:00", utc(2026, 3, 3, 16, 0)),
        ("4.30pm", utc(2026, 3, 3, 16, 30)),
        ("2 hours", utc(2026, 3, 3, 16, 0)),
        ("90 min", utc(2026, 3, 3, 15, 30)),
        ("Tue 3 March 5pm", utc(2026, 3, 3, 17, 0)),
        ("11pm", utc(2026, 3, 3, 23, 0)),
    ],
)
def test_end_times(text: str, end: datetime) -> None:
    result = parse_end(text, START, LONDON)
    assert isinstance(result, When), result
    assert result.at == end


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("1pm", WhenProblem.BEFORE_START),
        ("14:00", WhenProblem.BEFORE_START),
        ("2 March 4pm", WhenProblem.BEFORE_START),
        ("13 hours", WhenProblem.TOO_LONG),
        ("tomorrow 9am", WhenProblem.TOO_LONG),
        ("soon", WhenProblem.NOT_UNDERSTOOD),
        ("after lunch", WhenProblem.NOT_UNDERSTOOD),
    ],
)
def test_end_times_that_are_refused(text: str, why: WhenProblem) -> None:
    result = parse_end(text, START, LONDON)
    assert isinstance(result, WhenError)
    assert result.problem is why


def test_a_session_may_last_twelve_hours_and_no_more() -> None:
    assert isinstance(parse_end("12 hours", START, LONDON), When)
    assert timedelta(hours=12) == MAX_SESSION


def test_an_end_time_the_clocks_skip_is_refused() -> None:
    # Saturday 28 March 2026, 11pm; 1:30am on Sunday does not exist in London.
    start = datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    result = parse_end("Sun 29 March 1:30", start, LONDON)
    assert isinstance(result, WhenError) and result.problem is WhenProblem.DOES_NOT_EXIST


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("24h, 2h", [1440, 120]),
        ("2h, 24h", [1440, 120]),
        ("1 day and 3 hours", [1440, 180]),
        ("48h; 2h; 30 min", [2880, 120, 30]),
        ("24 hours before, 2 hours before", [1440, 120]),
        ("2h, 2h", [120]),
        ("none", []),
        ("No", []),
    ],
)
def test_reminder_times(text: str, minutes: list[int]) -> None:
    assert parse_reminders(text) == minutes


@pytest.mark.parametrize(
    "text", ["5 min", "3 weeks", "1h, 2h, 3h, 4h", "sometime", "", "24h, lunch"]
)
def test_reminder_times_that_are_refused(text: str) -> None:
    assert parse_reminders(text) is None


@pytest.mark.parametrize(
    ("start", "minutes", "due"),
    [
        # Sunday 29 March 2026, 10:00 BST (clocks went forward at 01:00 UTC): 24 hours
        # before on the wall clock is 10:00 GMT on Saturday, 25 hours earlier.
        (utc(2026, 3, 29, 9, 0), 1440, utc(2026, 3, 28, 10, 0)),
        (utc(2026, 3, 29, 9, 0), 120, utc(2026, 3, 29, 7, 0)),
        # Sunday 25 October 2026, 10:00 GMT (clocks went back at 01:00 UTC): 24 hours
        # before on the wall clock is 10:00 BST on Saturday, 23 hours earlier.
        (utc(2026, 10, 25, 10, 0), 1440, utc(2026, 10, 24, 9, 0)),
        (utc(2026, 10, 25, 10, 0), 120, utc(2026, 10, 25, 8, 0)),
        # 03:30 BST on the spring Sunday, 2 hours before is 01:30, which is skipped:
        # the reminder goes when the skipped hour ends (02:00 BST, 01:00 UTC).
        (utc(2026, 3, 29, 2, 30), 120, utc(2026, 3, 29, 1, 0)),
        # 03:30 GMT on the autumn Sunday, 2 hours before is 01:30, shown twice: the first.
        (utc(2026, 10, 25, 3, 30), 120, utc(2026, 10, 25, 0, 30)),
        # An ordinary summer day.
        (utc(2026, 7, 15, 13, 0), 1440, utc(2026, 7, 14, 13, 0)),
    ],
)
def test_reminders_keep_local_wall_times(start: datetime, minutes: int, due: datetime) -> None:
    assert wall_time_before(start, minutes, LONDON) == due


def test_a_named_day_for_queued_messages() -> None:
    moment = utc(2026, 1, 14, 14, 0)
    assert describe(moment, LONDON, NOW) == "tomorrow at 2pm"
    assert describe(moment, LONDON, NOW, relative=False) == "Wednesday 14 January at 2pm"


@pytest.mark.parametrize(
    ("minutes", "words"),
    [(120, "2 hours"), (90, "1 hour 30 minutes"), (45, "45 minutes"), (1440, "1 day")],
)
def test_lengths_in_words(minutes: int, words: str) -> None:
    assert describe_length(timedelta(minutes=minutes)) == words


# --- "this Tuesday", a day of the month alone, "in 2 hours" -------------------------------

# Monday 7 December 2026, 09:00 in London (GMT).
EARLY_DECEMBER = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
# Friday 4 December 2026, midday in London.
FOURTH_DECEMBER = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "now", "expected"),
    [
        ("this Tuesday 6pm", NOW, utc(2026, 1, 13, 18, 0)),  # today, still ahead
        ("this tue at 8am", NOW, utc(2026, 1, 20, 8, 0)),  # today's has gone
        ("this Friday 6pm", NOW, utc(2026, 1, 16, 18, 0)),
        ("Tue 15th 6pm", EARLY_DECEMBER, utc(2026, 12, 15, 18, 0)),
        ("Tuesday 15 6pm", EARLY_DECEMBER, utc(2026, 12, 15, 18, 0)),
        ("tue the 15th at 6pm", EARLY_DECEMBER, utc(2026, 12, 15, 18, 0)),
        ("15th 6pm", NOW, utc(2026, 1, 15, 18, 0)),
        ("Thu 15th 10am", NOW, utc(2026, 1, 15, 10, 0)),
        # The next month whose 15th is a Wednesday: April (summer time).
        ("Wed 15th 6pm", NOW, utc(2026, 4, 15, 17, 0)),
        # The 13th is today: still ahead at 6pm, gone at 8am (so next month's).
        ("13th 6pm", NOW, utc(2026, 1, 13, 18, 0)),
        ("13th 8am", NOW, utc(2026, 2, 13, 8, 0)),
        ("31st 10am", datetime(2026, 4, 5, 9, 0, tzinfo=UTC), utc(2026, 5, 31, 9, 0)),
    ],
)
def test_this_weekday_and_a_day_of_the_month(text: str, now: datetime, expected: datetime) -> None:
    assert at(text, now=now) == expected


@pytest.mark.parametrize(
    "text", ["15 6pm", "tomorrow 15th 6pm", "next Tue 15th 6pm", "15th 16th 6pm", "32nd 6pm"]
)
def test_a_day_of_the_month_that_cannot_be_placed_is_refused(text: str) -> None:
    assert problem(text, now=EARLY_DECEMBER).problem is WhenProblem.NOT_UNDERSTOOD


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in 2 hours", utc(2026, 1, 13, 11, 0)),
        ("In 90 minutes", utc(2026, 1, 13, 10, 30)),
        ("in an hour", utc(2026, 1, 13, 10, 0)),
        ("in half an hour", utc(2026, 1, 13, 9, 30)),
        ("in 2 days", utc(2026, 1, 15, 9, 0)),
        ("in 1 hour 15 minutes", utc(2026, 1, 13, 10, 15)),
    ],
)
def test_in_a_length_of_time_counts_from_now(text: str, expected: datetime) -> None:
    assert at(text) == expected


def test_in_two_hours_is_rounded_up_to_the_whole_minute() -> None:
    assert at("in 2 hours", now=NOW + timedelta(seconds=30)) == utc(2026, 1, 13, 11, 1)


def test_in_two_hours_across_the_spring_clock_change_is_two_real_hours() -> None:
    # Saturday 28 March 2026, 23:30 GMT; the clocks go forward at 01:00.
    result = parse_when("in 2 hours", datetime(2026, 3, 28, 23, 30, tzinfo=UTC), LONDON)
    assert isinstance(result, When)
    assert result.at == utc(2026, 3, 29, 1, 30)
    assert (result.local.hour, result.local.minute) == (2, 30)  # BST


def test_in_two_hours_across_the_autumn_clock_change_is_two_real_hours() -> None:
    # Sunday 25 October 2026, 00:30 BST (23:30 UTC the day before); the clocks go back at 02:00.
    result = parse_when("in 2 hours", datetime(2026, 10, 24, 23, 30, tzinfo=UTC), LONDON)
    assert isinstance(result, When)
    assert result.at == utc(2026, 10, 25, 1, 30)
    assert (result.local.hour, result.local.minute) == (1, 30)  # GMT, the second 1:30


def test_a_weekday_and_day_of_the_month_across_clock_changes() -> None:
    spring = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)
    autumn = datetime(2026, 10, 23, 12, 0, tzinfo=UTC)
    assert at("Sun 29th 10am", now=spring) == utc(2026, 3, 29, 9, 0)  # BST
    assert at("Sun 25th 10am", now=autumn) == utc(2026, 10, 25, 10, 0)  # GMT
    assert problem("this Sunday 1:30am", now=spring).problem is WhenProblem.DOES_NOT_EXIST
    assert problem("Sun 25th 1:30am", now=autumn).problem is WhenProblem.AMBIGUOUS


@pytest.mark.parametrize("text", ["in 400 days", "in 2 weeks"])
def test_in_a_long_or_unknown_length_is_refused(text: str) -> None:
    assert problem(text).problem in (WhenProblem.TOO_FAR, WhenProblem.NOT_UNDERSTOOD)


@pytest.mark.parametrize("text", ["in soon", "in", "in 0 hours", "in two hours"])
def test_in_without_a_length_is_not_understood(text: str) -> None:
    assert problem(text).problem is WhenProblem.NOT_UNDERSTOOD


# --- A date gone by this year is asked about, not silently moved --------------------------


def test_a_date_that_went_by_this_year_is_read_as_next_year_and_marked() -> None:
    result = parse_when("1 dec 10am", FOURTH_DECEMBER, LONDON)
    assert isinstance(result, When)
    assert result.at == utc(2027, 12, 1, 10, 0) and result.next_year
    assert describe(result.at, LONDON, FOURTH_DECEMBER) == "Wednesday 1 December 2027 at 10am"


@pytest.mark.parametrize(
    ("text", "now"),
    [
        ("25 dec 10am", FOURTH_DECEMBER),  # still ahead this year
        ("5 jan 10am", FOURTH_DECEMBER),  # plainly next January
        ("1/12/2027 10am", FOURTH_DECEMBER),  # the year was typed
        ("tomorrow 10am", FOURTH_DECEMBER),
        ("Tue 15th 6pm", EARLY_DECEMBER),
    ],
)
def test_other_dates_are_not_marked(text: str, now: datetime) -> None:
    result = parse_when(text, now, LONDON)
    assert isinstance(result, When) and not result.next_year


# --- An end before the start is refused, read from today -------------------------------------


def test_an_end_named_from_today_before_a_later_start_is_refused() -> None:
    # Typed on Monday 2 March at 9am, for a session on Tuesday 3 March at 10am.
    monday, start = utc(2026, 3, 2, 9, 0), utc(2026, 3, 3, 10, 0)
    for text in ("today 11am", "Monday 11am", "this Monday 11am"):
        result = parse_end(text, start, LONDON, now=monday)
        assert isinstance(result, WhenError), text
        assert result.problem is WhenProblem.BEFORE_START
        assert result.local == datetime(2026, 3, 2, 11, 0, tzinfo=LONDON)


def test_an_end_named_from_today_after_the_start_is_kept() -> None:
    monday, start = utc(2026, 3, 2, 9, 0), utc(2026, 3, 3, 10, 0)
    for text in ("tomorrow 1pm", "Tuesday 1pm", "Tue 3 March 1pm", "1pm"):
        result = parse_end(text, start, LONDON, now=monday)
        assert isinstance(result, When), text
        assert result.at == utc(2026, 3, 3, 13, 0)


@pytest.mark.parametrize(
    ("typed", "parts"),
    [
        ("3 March", (None, 3, 3)),
        ("3rd of March 2027", (2027, 3, 3)),
        ("March 3 2027", (2027, 3, 3)),
        ("3 Mar.", (None, 3, 3)),
        ("3/3/27", (2027, 3, 3)),
        ("4/3", (None, 3, 4)),
        ("2026-03-03", (2026, 3, 3)),
        ("2026-3-3", (2026, 3, 3)),
        ("31 April", (None, 4, 31)),  # the calendar is the caller's to check
    ],
)
def test_a_date_alone_is_read(typed: str, parts: tuple[int | None, int, int]) -> None:
    assert parse_date(typed) == parts


@pytest.mark.parametrize(
    "typed", ["", "tomorrow", "3 March 2pm", "Tue 3 March", "15th", "Marchember 3"]
)
def test_anything_but_a_date_alone_is_not_a_date(typed: str) -> None:
    assert parse_date(typed) is None


# --- Welsh and Arabic --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yfory 10:30", utc(2026, 1, 14, 10, 30)),
        ("heddiw am 14:00", utc(2026, 1, 13, 14, 0)),
        ("heno 19:00", utc(2026, 1, 13, 19, 0)),
        ("dydd Mawrth 3 Mawrth 14:00", utc(2026, 3, 3, 14, 0)),
        ("ar ddydd Gwener am 18:00", utc(2026, 1, 16, 18, 0)),
        ("3 Chwefror 2pm", utc(2026, 2, 3, 14, 0)),
        ("Llun 2 Chwef 9:30", utc(2026, 2, 2, 9, 30)),
        ("غدًا 10:30", utc(2026, 1, 14, 10, 30)),
        ("غدا الساعة 2 م", utc(2026, 1, 14, 14, 0)),
        ("الثلاثاء 3 مارس 14:00", utc(2026, 3, 3, 14, 0)),
        ("يوم الجمعة ١٨:٠٠", utc(2026, 1, 16, 18, 0)),
        ("٣ مارس، ٢ م", utc(2026, 3, 3, 14, 0)),
        ("١٤:٠٠", utc(2026, 1, 13, 14, 0)),
        ("mewn 2 awr", utc(2026, 1, 13, 11, 0)),
        ("mewn 30 munud", utc(2026, 1, 13, 9, 30)),
        ("بعد 2 ساعة", utc(2026, 1, 13, 11, 0)),
        ("بعد ٣٠ دقيقة", utc(2026, 1, 13, 9, 30)),
    ],
)
def test_welsh_and_arabic_dates_are_understood(text: str, expected: datetime) -> None:
    assert at(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Maw 3 Mawrth 14:00",  # "Maw" is both Tuesday and March in Welsh
        "dydd Mawrth 3 Mawrth",  # no time
        "yfory",
        "غدًا 2 ص م",
        "mewn awr",  # no number
        "in ２ hours",  # full-width digits
    ],
)
def test_welsh_and_arabic_words_that_leave_doubt_are_refused(text: str) -> None:
    assert problem(text).problem is WhenProblem.NOT_UNDERSTOOD


def test_a_date_alone_is_read_in_welsh_and_arabic() -> None:
    assert parse_date("3 Mawrth 2027") == (2027, 3, 3)
    assert parse_date("١ أبريل") == (None, 4, 1)
    assert parse_date("Ionawr 5") == (None, 1, 5)


# The examples the Welsh and Arabic questions give, each read as typed.
NATIVE_EXAMPLES = {
    "cy": ("BROADCAST_ASK_WHEN", ("yfory 10:30", "dydd Mawrth 3 Mawrth 14:00", "mewn 2 awr")),
    "ar": ("BROADCAST_ASK_WHEN", ("غدًا 10:30", "الثلاثاء 3 مارس 14:00", "بعد 2 ساعة")),
}


@pytest.mark.parametrize("language", sorted(NATIVE_EXAMPLES))
def test_the_examples_a_translated_question_gives_are_understood(language: str) -> None:
    name, examples = NATIVE_EXAMPLES[language]
    with reading_for(reader_of(language)):
        question = say(getattr(texts, name))
    for example in examples:
        assert example in question
        assert isinstance(parse_when(example, NOW, LONDON), When), example
    assert parse_duration(examples[-1].split(" ", 1)[1]) == timedelta(hours=2)
