"""How long storage holds up the event loop during Chorus's biggest jobs, on SQLite.

A database of 10,000 members in one group and 100,000 items in it is seeded in bulk. Then,
through the services as the bot calls them, each step runs while a probe task asks the
event loop for a turn every millisecond; every turn that came late is a hold-up (what
every member waiting for a reply would wait on top). For each step it prints the longest
hold-up and the 99th percentile of all of them, against the targets (20 ms at the 99th
percentile, 50 ms at most), and the most CPU time the event loop's own thread spent between
two of its turns (the work done on the loop, which a busy machine's other work cannot inflate):

- a broadcast to the 10,000 members being created (one message queued for each);
- the reminder tick for a session of the 10,000 members (the session made first, and
  nine in ten answered);
- the journal's prune at 300,000 seen update ids;
- the coordinator's largest views: the inbox over 100,000 items, a session's overview
  (10,000 answers) and its attendance list.

    .venv/bin/python benchmarks/loop_holdups.py [--members 10000] [--items 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import secrets
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, insert, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bot.crypto import Sealer  # noqa: E402
from bot.intake.journal import SEEN_MEMORY, UpdateJournal  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.services.delivery_rules import DEFAULT_QUIET_HOURS  # noqa: E402
from storage import schema  # noqa: E402
from storage.database import Storage, open_storage  # noqa: E402
from tests.support.clock import FakeClock  # noqa: E402
from tests.support.items import BODY  # noqa: E402

COORDINATOR = 1
LONDON = ZoneInfo("Europe/London")
START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # a Monday, 10:00 in London
PROBE_INTERVAL = 0.001
P99_TARGET_MS = 20.0
MAX_TARGET_MS = 50.0
SEEN_IDS = 300_000
CHUNK = 20_000


class Probe:
    """Asks the event loop for a turn every `PROBE_INTERVAL`; notes how late each came."""

    def __init__(self) -> None:
        self.late: list[float] = []
        self.busy = 0.0
        self._task: asyncio.Task[None] | None = None
        self._asked = time.perf_counter()
        self._cpu = time.thread_time()

    async def _run(self) -> None:
        while True:
            self._asked = time.perf_counter()
            self._cpu = time.thread_time()
            await asyncio.sleep(PROBE_INTERVAL)
            self.late.append(max(0.0, time.perf_counter() - self._asked - PROBE_INTERVAL))
            self._note_busy()

    def _note_busy(self) -> None:
        # The loop thread's own CPU time between two turns: the work done on the loop,
        # whatever else the machine's cores were busy with meanwhile.
        self.busy = max(self.busy, time.thread_time() - self._cpu)

    async def __aenter__(self) -> Probe:
        self._task = asyncio.create_task(self._run())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._task is not None
        # The turn asked for last and not yet given (all of a step that never let go).
        self.late.append(max(0.0, time.perf_counter() - self._asked - PROBE_INTERVAL))
        self._note_busy()
        self._task.cancel()

    def figures(self) -> tuple[float, float]:
        """The 99th percentile and the longest hold-up, in milliseconds."""
        late = sorted(self.late) or [0.0]
        p99 = late[min(len(late) - 1, round(0.99 * (len(late) - 1)))]
        return p99 * 1000, late[-1] * 1000


class OnTheLoop:
    """Times every SQL statement run on the event loop's own thread (SQLAlchemy's cursor
    events), to tell storage's share of a hold-up from the services' own work."""

    def __init__(self, storage: Storage) -> None:
        self.longest = 0.0
        self._loop_thread = threading.get_ident()
        self._began: dict[int, float] = {}
        for engine in storage.sync_engines():
            event.listen(engine, "before_cursor_execute", self._before)
            event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn: Any, *_: Any) -> None:
        if threading.get_ident() == self._loop_thread:
            self._began[id(conn)] = time.perf_counter()

    def _after(self, conn: Any, *_: Any) -> None:
        began = self._began.pop(id(conn), None)
        if began is not None:
            self.longest = max(self.longest, time.perf_counter() - began)


async def step(label: str, run: Callable[[], Awaitable[Any]], statements: OnTheLoop) -> Any:
    """Run one step under the probe and print its figures."""
    statements.longest = 0.0
    began = time.perf_counter()
    async with Probe() as probe:
        result = await run()
    took = (time.perf_counter() - began) * 1000
    p99, longest = probe.figures()
    verdict = "ok" if p99 <= P99_TARGET_MS and longest <= MAX_TARGET_MS else "OVER"
    print(
        f"{label:<40} took {took:6.0f} ms; loop held up p99 {p99:6.1f} ms, "
        f"longest {longest:6.1f} ms {verdict:<4}; most CPU on the loop between two turns "
        f"{probe.busy * 1000:5.1f} ms; longest statement on the loop "
        f"{statements.longest * 1000:5.1f} ms"
    )
    return result


async def seed(storage: Storage, sealer: Sealer, members: int, items: int) -> int:
    """One group of `members` with `items` in it (one sealed text shared by all, for speed);
    the group's id."""
    now = START - timedelta(days=30)
    async with storage.transaction() as tx:
        coordinator = await tx.people.ensure(COORDINATOR, COORDINATOR, "Coordinator", now)
        await tx.people.set_coordinator(coordinator.id, True)
        group = await tx.groups.create("Big group", "bigcode", coordinator.id, now)
        await tx.groups.add_coordinator(group.id, coordinator.id)
    member_ids = list(range(10_000, 10_000 + members))
    await _bulk(
        storage,
        schema.person,
        [
            {"telegram_id": m, "chat_id": m, "display_name": f"M{m}", "created_at": now}
            for m in member_ids
        ],
    )
    async with storage.read() as tx:
        people = list(
            (
                await tx.conn.execute(
                    select(schema.person.c.id).where(schema.person.c.telegram_id >= 10_000)
                )
            ).scalars()
        )
    await _bulk(
        storage,
        schema.membership,
        [{"group_id": group.id, "person_id": pid, "joined_at": now} for pid in people],
    )
    body = sealer.seal("The forms are too long, and nobody explains them.", BODY)
    statuses = ("received", "acknowledged", "considering", "meeting", "outcome")
    await _bulk(
        storage,
        schema.item,
        [
            {
                "id": n + 1,
                "group_id": group.id,
                "kind": "feedback",
                "reference": secrets.token_hex(5).upper(),
                "person_id": people[n % len(people)],
                "body": body,
                "consent": "coordinators",
                "status": statuses[n % len(statuses)],
                "given_on": (now - timedelta(days=n % 300)).date(),
                "visible_at": now - timedelta(days=n % 300),
            }
            for n in range(items)
        ],
    )
    return group.id


async def _bulk(storage: Storage, table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        async with storage.transaction() as tx:
            await tx.conn.execute(insert(table), rows[start : start + CHUNK])


async def seen_ids(storage: Storage, count: int, at: datetime) -> None:
    """`count` update ids seen at `at`, old enough to be forgotten."""
    await _bulk(
        storage,
        schema.seen_update,
        [{"update_id": 5_000_000 + n, "seen_at": at} for n in range(count)],
    )


async def answers(storage: Storage, session_id: int) -> None:
    """Nine in ten members answer: six going, two maybe, one can't go."""
    async with storage.read() as tx:
        people = list(
            (
                await tx.conn.execute(
                    select(schema.person.c.id).where(schema.person.c.telegram_id >= 10_000)
                )
            ).scalars()
        )
    said = ["going"] * 6 + ["maybe"] * 2 + ["no"]
    await _bulk(
        storage,
        schema.session_answer,
        [
            {
                "session_id": session_id,
                "person_id": pid,
                "answer": said[n % 10],
                "answered_at": START,
            }
            for n, pid in enumerate(people)
            if n % 10 < len(said)
        ],
    )


async def run(members: int, items: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        clock = FakeClock(START)
        url = make_url(f"sqlite+aiosqlite:///{Path(folder) / 'chorus.db'}")
        storage = await open_storage(url, clock.now)
        try:
            sealer = Sealer(b"s" * 48)
            began = time.perf_counter()
            group_id = await seed(storage, sealer, members, items)
            await seen_ids(storage, SEEN_IDS, START - SEEN_MEMORY - timedelta(hours=1))
            print(
                f"seeded {members} members and {items} items in one group, "
                f"{SEEN_IDS} seen update ids, in {time.perf_counter() - began:.0f} s"
            )
            services = Services.build(storage, clock, frozenset(), sealer, zone=LONDON)
            # As the bot does once it has started (bot/runner.py): what start-up made is
            # left out of later garbage collections, which would otherwise walk it all.
            gc.freeze()
            await _steps(storage, services, clock, group_id, OnTheLoop(storage))
        finally:
            await storage.close()


async def _steps(
    storage: Storage, services: Services, clock: FakeClock, group_id: int, timer: OnTheLoop
) -> None:
    # The control: no work at all, so what the machine's other work alone makes late.
    await step("nothing (the machine's own noise), 0.5 s", lambda: asyncio.sleep(0.5), timer)
    await step(
        "create a broadcast to every member",
        lambda: services.broadcasts.create(
            COORDINATOR, COORDINATOR, [group_id], "The meeting moved to Room 4.", None
        ),
        timer,
    )
    sessions = services.sessions

    async def make() -> Any:
        await sessions.begin_new(COORDINATOR, COORDINATOR, group_id)
        for text in ["Planning", "tomorrow 2pm", "2 hours", "Room 4", None, None, None, None]:
            await sessions.advance(COORDINATOR, COORDINATOR, text, LONDON)
        return (await sessions.save(COORDINATOR, COORDINATOR, LONDON)).session

    session = await step("make a session (an invitation each)", make, timer)
    await answers(storage, session.id)
    clock.set(START + timedelta(hours=4, minutes=1))  # the 24-hour reminder is due
    await step(
        "reminder tick for every member",
        lambda: sessions.tick(LONDON, DEFAULT_QUIET_HOURS),
        timer,
    )
    journal = UpdateJournal(storage, clock, None, asyncio.Queue(), Sealer(b"s" * 48))  # type: ignore[arg-type]
    await step(f"journal prune at {SEEN_IDS} seen ids", journal.prune, timer)
    await step(
        "coordinator's inbox over every item",
        lambda: services.inbox.view(COORDINATOR, group_id),
        timer,
    )
    await step(
        "coordinator's session overview",
        lambda: sessions.overview(COORDINATOR, session.id),
        timer,
    )
    clock.set(session.ends_at + timedelta(minutes=1))
    await step(
        "coordinator's attendance list",
        lambda: sessions.attendance(COORDINATOR, session.id),
        timer,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=100_000)
    options = parser.parse_args()
    asyncio.run(run(options.members, options.items))


if __name__ == "__main__":
    main()
