"""Group sessions at scale: the coordinator's views, answers, reminders and the hours export
with a large group, on SQLite, through the sessions service.

A group of N members (default 10,000); one session is made through the service (which
queues one invitation per member); answers are written in bulk (60% going, 20% maybe, 10%
can't go); a year of 50 past sessions with 200 attendances each is added for the export.
Prints how long each step took; the design's target for coordinator views and reports
is under 200 ms.

    .venv/bin/python benchmarks/sessions.py [--members 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bot.crypto import Sealer  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.services.delivery_rules import DEFAULT_QUIET_HOURS  # noqa: E402
from bot.services.sessions import Period  # noqa: E402
from storage import schema  # noqa: E402
from storage.database import open_storage  # noqa: E402
from tests.support.clock import FakeClock  # noqa: E402
from tests.support.seed import seed_group  # noqa: E402

COORDINATOR = 1
LONDON = ZoneInfo("Europe/London")
START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # a Monday, 10:00 in London
# How often the event loop is asked for a turn while a step runs (often enough to see a
# hold-up, seldom enough not to slow the step).
WATCH_INTERVAL = 0.002


async def _timed(label: str, step: Callable[[], Awaitable[Any]], repeat: int = 1) -> Any:
    """Run `step` `repeat` times; print the median (and the slowest) in milliseconds, and
    the longest the event loop went without a turn meanwhile (what every other member
    waiting for a reply would have waited on top)."""
    times, result = [], None
    held = 0.0

    async def watch() -> None:
        nonlocal held
        while True:
            began = time.perf_counter()
            await asyncio.sleep(WATCH_INTERVAL)
            held = max(held, time.perf_counter() - began - WATCH_INTERVAL)

    watcher = asyncio.create_task(watch())
    await asyncio.sleep(0)
    try:
        for _ in range(repeat):
            began = time.perf_counter()
            result = await step()
            times.append((time.perf_counter() - began) * 1000)
    finally:
        watcher.cancel()
    slowest = f", slowest {max(times):.1f} ms" if repeat > 1 else ""
    print(
        f"{label:<52} {statistics.median(times):8.1f} ms{slowest}; "
        f"event loop held up {held * 1000:.1f} ms at most"
    )
    return result


async def main(members: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "chorus.db"
        member_ids = list(range(10_000, 10_000 + members))
        group_id = await seed_group(database, COORDINATOR, member_ids, name="Big group")
        clock = FakeClock(START)
        storage = await open_storage(make_url(f"sqlite+aiosqlite:///{database}"), clock.now)
        services = Services.build(storage, clock, frozenset(), Sealer(b"s" * 48))
        sessions = services.sessions
        try:
            await _run(services, storage, group_id, member_ids, clock)
        finally:
            await storage.close()
        del sessions


async def _run(
    services: Services, storage: Any, group_id: int, member_ids: list[int], clock: FakeClock
) -> None:
    sessions = services.sessions
    print(f"members: {len(member_ids)}")

    async def make() -> Any:
        await sessions.begin_new(COORDINATOR, COORDINATOR, group_id)
        for text in ["Planning", "tomorrow 2pm", "2 hours", "Room 4", None, None, None, None]:
            await sessions.advance(COORDINATOR, COORDINATOR, text, LONDON)
        return (await sessions.save(COORDINATOR, COORDINATOR, LONDON)).session

    session = await _timed("make a session, queue every invitation", make)
    async with storage.read() as tx:
        queued = (
            await tx.conn.execute(
                select(func.count()).where(schema.outbox.c.kind == "session_invite")
            )
        ).scalar_one()
    print(f"invitations queued: {queued}")

    async with storage.transaction() as tx:
        people = list(
            (
                await tx.conn.execute(
                    select(schema.person.c.id).where(schema.person.c.telegram_id.in_(member_ids))
                )
            ).scalars()
        )
        answers = ["going"] * 6 + ["maybe"] * 2 + ["no"]
        await tx.conn.execute(
            insert(schema.session_answer),
            [
                {
                    "session_id": session.id,
                    "person_id": pid,
                    "answer": answers[n % 10],
                    "answered_at": START,
                }
                for n, pid in enumerate(people)
                if n % 10 < len(answers)
            ],
        )

    await _timed(
        "coordinator's overview (counts and names)",
        lambda: sessions.overview(COORDINATOR, session.id),
        20,
    )
    await _timed("a member's /sessions", lambda: sessions.listing(member_ids[0]), 20)
    await _timed("coordinator's /sessions", lambda: sessions.listing(COORDINATOR), 20)
    spare = member_ids[9::10]  # people who had not answered
    index = iter(range(len(spare)))

    async def answer() -> Any:
        return await sessions.answer(spare[next(index)], session.id, "m", LONDON)

    await _timed("one answer (a tap on Going / Maybe / Can't go)", answer, 50)

    clock.set(START + timedelta(hours=4, minutes=1))  # the 24-hour reminder is due
    report = await _timed(
        "reminder tick: queue the 24-hour reminder",
        lambda: sessions.tick(LONDON, DEFAULT_QUIET_HOURS),
    )
    async with storage.read() as tx:
        messages = (
            await tx.conn.execute(
                select(func.count()).where(schema.outbox.c.kind == "session_reminder")
            )
        ).scalar_one()
    print(f"reminders handled: {report.reminders_sent}, reminder messages queued: {messages}")
    await _timed(
        "an idle tick (nothing due)", lambda: sessions.tick(LONDON, DEFAULT_QUIET_HOURS), 20
    )

    await _year_of_attendance(storage, group_id, people)
    await _timed(
        "hours export, last year (10,000 attendances)",
        lambda: sessions.export_hours(COORDINATOR, group_id, Period.LAST_YEAR, LONDON),
        5,
    )
    clock.set(session.ends_at + timedelta(minutes=1))
    await _timed(
        "attendance list (8,000 said going or maybe)",
        lambda: sessions.attendance(COORDINATOR, session.id),
        5,
    )
    await _timed("a member's total hours", lambda: sessions.total_minutes(member_ids[0]), 20)


async def _year_of_attendance(storage: Any, group_id: int, people: list[int]) -> None:
    """50 sessions last year, 200 attendances each."""
    async with storage.transaction() as tx:
        for n in range(50):
            starts = datetime(2025, 1, 6, 10, 0, tzinfo=UTC) + timedelta(weeks=n)
            past = await tx.sessions.create(
                group_id=group_id,
                title=f"Meeting {n}",
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                reminders="",
                uid=f"past-{n}@chorus",
                created_at=starts,
                attendance_asked_at=starts,
            )
            await tx.conn.execute(
                insert(schema.session_attendance),
                [
                    {
                        "session_id": past.id,
                        "person_id": pid,
                        "came": True,
                        "minutes": 120,
                        "marked_at": starts,
                        "feedback_asked_at": starts,
                    }
                    for pid in people[n * 37 % 1000 :][:200]
                ],
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    asyncio.run(main(parser.parse_args().members))
