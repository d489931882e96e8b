"""The try-out's clock: real time, which the person trying Chorus can move forward (never
back) to see what time brings: daily batches, reminders, digests."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock

MORNING = time(9, 0)
MOVES = ("hour", "morning", "day")


class TryoutClock:
    """Another clock's time plus however far the try-out has been moved forward."""

    def __init__(self, base: Clock, offset: timedelta = timedelta(0)) -> None:
        self._base = base
        self.offset = max(offset, timedelta(0))

    def now(self) -> datetime:
        """The try-out's current moment, in UTC."""
        return self._base.now() + self.offset

    def move(self, how: str, zone: ZoneInfo) -> None:
        """Move forward an hour, a day, or to the next morning at 9:00 in `zone`."""
        if how == "hour":
            self.offset += timedelta(hours=1)
        elif how == "day":
            self.offset += timedelta(days=1)
        elif how == "morning":
            self.offset += next_morning(self.now(), zone) - self.now()
        else:
            raise ValueError(f"unknown move {how!r}")


def next_morning(now: datetime, zone: ZoneInfo, at: time = MORNING) -> datetime:
    """The next moment after `now` when the wall clock in `zone` shows `at`."""
    local = now.astimezone(zone)
    day = local.date() if local.time() < at else local.date() + timedelta(days=1)
    return datetime.combine(day, at, tzinfo=zone)
