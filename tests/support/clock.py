"""A clock that only moves when a test moves it."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta


class FakeClock:
    """Tells the time a test set; `advance` moves it forward."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 3, 3, 14, 0, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")

    def now(self) -> datetime:
        """The time the test set, in UTC."""
        return self._now.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        """Move time forward."""
        self._now += delta

    def set(self, moment: datetime) -> None:
        """Jump to `moment` (aware)."""
        if moment.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = moment


class RunningClock:
    """Real time, moving as it does, but starting from a chosen moment (e.g. midday)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("RunningClock needs an aware datetime")
        self._start = start
        self._began = time.monotonic()

    def now(self) -> datetime:
        """The chosen start plus the real time passed since."""
        return (self._start + timedelta(seconds=time.monotonic() - self._began)).astimezone(UTC)


def midday() -> RunningClock:
    """A running clock from 12:00 UTC on a weekday, outside anyone's default quiet hours."""
    return RunningClock(datetime(2026, 3, 3, 12, 0, tzinfo=UTC))


class MovableClock(RunningClock):
    """Real time from a chosen moment, which a test can move on while Chorus runs."""

    def move_to(self, moment: datetime) -> None:
        """Go on, in real time, from `moment` (aware)."""
        if moment.tzinfo is None:
            raise ValueError("MovableClock needs an aware datetime")
        self._start, self._began = moment, time.monotonic()
