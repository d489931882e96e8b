"""The try-out's clock moves forward only, and finds the next morning in local time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.tryout.clock import TryoutClock, next_morning
from tests.support.clock import FakeClock

LONDON = ZoneInfo("Europe/London")


def test_moves_add_up_on_top_of_real_time() -> None:
    base = FakeClock(datetime(2026, 3, 3, 12, 0, tzinfo=UTC))
    clock = TryoutClock(base)
    clock.move("hour", LONDON)
    clock.move("day", LONDON)
    assert clock.now() == datetime(2026, 3, 4, 13, 0, tzinfo=UTC)
    base.advance(timedelta(minutes=5))
    assert clock.now() == datetime(2026, 3, 4, 13, 5, tzinfo=UTC)
    assert clock.offset == timedelta(hours=25)


def test_next_morning_is_nine_local_time_after_now() -> None:
    clock = TryoutClock(FakeClock(datetime(2026, 3, 3, 12, 0, tzinfo=UTC)))
    clock.move("morning", LONDON)
    assert clock.now() == datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    before_nine = datetime(2026, 3, 5, 7, 30, tzinfo=UTC)
    assert next_morning(before_nine, LONDON) == datetime(2026, 3, 5, 9, 0, tzinfo=LONDON)


def test_next_morning_across_the_clock_change() -> None:
    # The clocks go forward on Sunday 29 March 2026: 9:00 that day is 8:00 UTC.
    saturday_noon = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    assert next_morning(saturday_noon, LONDON).astimezone(UTC) == datetime(
        2026, 3, 29, 8, 0, tzinfo=UTC
    )


def test_time_never_goes_back() -> None:
    clock = TryoutClock(FakeClock(), offset=timedelta(hours=-3))
    assert clock.offset == timedelta(0)
    with pytest.raises(ValueError, match="unknown move"):
        clock.move("yesterday", LONDON)
