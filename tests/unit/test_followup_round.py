"""The follow-up round: one moment for all of its steps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from bot.followup_round import followup_round


class _Ticking:
    """A clock that has moved on each time it is read (a round that straddles 9:00)."""

    def __init__(self) -> None:
        self.at = datetime(2026, 3, 4, 8, 59, 59, 999000, tzinfo=UTC)

    def now(self) -> datetime:
        self.at += timedelta(milliseconds=1)
        return self.at


async def test_each_step_of_a_round_sees_the_same_moment() -> None:
    seen: dict[str, Any] = {}

    async def release_held(now: datetime | None = None) -> int:
        seen["batch"] = now
        return 0

    async def run_due(zone: ZoneInfo, quiet: str) -> int:
        return 0

    async def run_daily(now: datetime | None = None) -> int:
        seen["notice"] = now
        return 0

    services: Any = SimpleNamespace(
        clock=_Ticking(),
        sharing=SimpleNamespace(release_held=release_held),
        contributor_updates=SimpleNamespace(run_due=run_due),
        nudges=SimpleNamespace(run_daily=run_daily),
    )
    await followup_round(services, ZoneInfo("Europe/London"), "off")
    assert seen["batch"] is not None and seen["batch"] == seen["notice"]
