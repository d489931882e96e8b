"""Storage at scale: the queries behind /inbox, /mine, /updates, the nudges and a digest run.

Seeds a SQLite database with 10,000 members in 20 groups and 100,000 items (half of them
anonymous, words sealed) with their histories (acknowledgements, meetings, outcomes,
replies), actions with linked items and updates, and updates waiting for their authors.
Then times each service call a coordinator or member would cause, as the bot makes it, and
prints the median and the slowest of several runs, against the 200 ms target.

    .venv/bin/python benchmarks/storage.py [--members 10000] [--groups 20] [--items 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
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

from sqlalchemy import delete, insert, select, update  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bot.crypto import Sealer  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.services.contributor_updates import UPDATE_PURPOSE  # noqa: E402
from bot.services.inbox import EVENT_PURPOSE, InboxFilter  # noqa: E402
from storage import schema  # noqa: E402
from storage.database import Storage, open_storage  # noqa: E402
from tests.support.clock import FakeClock  # noqa: E402
from tests.support.items import ItemSeed, item_values  # noqa: E402

TARGET_MS = 200.0
RUNS = 25
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
ZONE = ZoneInfo("Europe/London")
CHUNK = 5000
STATUSES = ("received", "acknowledged", "considering", "meeting", "outcome")
STATUS_WEIGHTS = (30, 25, 15, 15, 15)
OLD_WEIGHTS = (1, 2, 2, 3, 92)
CONSENTS = ("coordinators", "quote_anonymous", "quote_named")
OUTCOMES = ("changed", "will_change", "cannot_change")
COORDINATOR_BASE = 1_000_000
MEMBER_BASE = 2_000_000
# Authors with updates waiting when the digest run is timed.
WAITING_AUTHORS = 200


async def _bulk(storage: Storage, table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        async with storage.transaction() as tx:
            await tx.conn.execute(insert(table), rows[start : start + CHUNK])


async def seed(storage: Storage, sealer: Sealer, members: int, groups: int, items: int) -> None:
    """People, groups, items with histories, actions, and waiting updates."""
    rng = random.Random(7)
    created = NOW - timedelta(days=400)
    people = [
        {
            "telegram_id": COORDINATOR_BASE + g,
            "chat_id": COORDINATOR_BASE + g,
            "display_name": f"Coordinator {g}",
            "is_coordinator": True,
            "created_at": created,
        }
        for g in range(groups)
    ] + [
        {
            "telegram_id": MEMBER_BASE + m,
            "chat_id": MEMBER_BASE + m,
            "display_name": f"Member {m}",
            "is_coordinator": False,
            "created_at": created,
        }
        for m in range(members)
    ]
    await _bulk(storage, schema.person, people)
    async with storage.transaction() as tx:
        ids = dict(
            (await tx.conn.execute(select(schema.person.c.telegram_id, schema.person.c.id))).all()
        )
        for g in range(groups):
            group = await tx.groups.create(
                f"Group {g}", f"code{g}", ids[COORDINATOR_BASE + g], created
            )
            await tx.groups.add_coordinator(group.id, ids[COORDINATOR_BASE + g])
    group_ids = list(range(1, groups + 1))
    member_group = {m: group_ids[m % groups] for m in range(members)}
    await _bulk(
        storage,
        schema.membership,
        [
            {"group_id": member_group[m], "person_id": ids[MEMBER_BASE + m], "joined_at": created}
            for m in range(members)
        ],
    )

    item_rows, event_rows = [], []
    body = "The forms are too long, and nobody explains what happens to them afterwards."
    for n in range(items):
        m = rng.randrange(members)
        given = (NOW - timedelta(days=rng.randrange(0, 365))).date()
        # Most items older than a month have their outcome; newer ones are still moving.
        weights = STATUS_WEIGHTS if given > (NOW - timedelta(days=30)).date() else OLD_WEIGHTS
        status = rng.choices(STATUSES, weights)[0]
        seed_row = ItemSeed(
            group_id=member_group[m],
            author=MEMBER_BASE + m,
            words=body,
            given_on=given,
            visible_at=datetime.combine(given, datetime.min.time(), UTC) + timedelta(hours=30),
            anonymous=n % 2 == 0,
            consent=rng.choice(CONSENTS),
            status=status,
        )
        row = item_values(sealer, seed_row, ids[MEMBER_BASE + m])
        row["outcome"] = rng.choice(OUTCOMES) if status == "outcome" else None
        item_rows.append(row)
        at = datetime.combine(given, datetime.min.time(), UTC) + timedelta(days=2)
        for kind in STATUSES[1 : STATUSES.index(status) + 1]:
            outcome = kind == "outcome"
            text = sealer.seal("The forms are now one page.", EVENT_PURPOSE) if outcome else None
            event_rows.append(
                {
                    "item_id": row["id"],
                    "kind": kind,
                    "at": at,
                    "text": text,
                    "outcome": row["outcome"] if outcome else None,
                }
            )
            at += timedelta(days=3)
    await _bulk(storage, schema.item, item_rows)
    await _bulk(storage, schema.item_event, event_rows)

    # Ten actions per group, each with twenty linked items and a few updates.
    by_group: dict[int, list[int]] = {}
    for row in item_rows:
        by_group.setdefault(int(str(row["group_id"])), []).append(int(str(row["id"])))
    async with storage.transaction() as tx:
        for group_id, own in by_group.items():
            for a in range(10):
                action = await tx.followup.create_action(group_id, f"Action {a}", None, NOW)
                for item_id in rng.sample(own, 20):
                    await tx.followup.link(action.id, item_id, NOW)
                for u in range(3):
                    text = sealer.seal(f"Update {u} on the work.", "action.update")
                    await tx.followup.add_action_update(action.id, None, text, None, NOW)

    # Updates waiting for their authors: three each, due now.
    waiting = []
    for n, row in enumerate(item_rows[: WAITING_AUTHORS * 3 : 3]):
        for k in range(3):
            waiting.append(
                {
                    "item_id": row["id"],
                    "person_id": row["person_id"],
                    "pseudonym": row["pseudonym"],
                    "text": sealer.seal("About what you said: it was read.", UPDATE_PURPOSE),
                    "source": f"bench{n}:{k}",
                    "created_at": NOW - timedelta(hours=1),
                    "due_at": NOW - timedelta(minutes=1),
                }
            )
    await _bulk(storage, schema.contributor_update, waiting)


async def timed(
    name: str,
    call: Callable[[], Awaitable[object]],
    runs: int = RUNS,
    prepare: Callable[[], Awaitable[None]] | None = None,
) -> bool:
    """Run `call` several times; print the median, 90th percentile and slowest; True if the
    90th percentile is under the target (a single slow run is usually the machine's
    other load, and is printed all the same)."""
    times = []
    for _ in range(runs):
        if prepare is not None:
            await prepare()
        started = time.perf_counter()
        await call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p90 = times[min(len(times) - 1, round(0.9 * (len(times) - 1)))]
    verdict = "ok" if p90 < TARGET_MS else "OVER"
    print(
        f"{name:<40} median {statistics.median(times):6.1f} ms   p90 {p90:6.1f} ms"
        f"   slowest {times[-1]:6.1f} ms   {verdict}"
    )
    return p90 < TARGET_MS


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--groups", type=int, default=20)
    parser.add_argument("--items", type=int, default=100_000)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="chorus-storage-"))
    clock = FakeClock(NOW)
    storage = await open_storage(
        make_url(f"sqlite+aiosqlite:///{folder / 'chorus.db'}"), clock.now
    )
    sealer = Sealer(b"s" * 48)
    services = Services.build(storage, clock, frozenset(), sealer, zone=ZONE)
    started = time.perf_counter()
    await seed(storage, sealer, options.members, options.groups, options.items)
    print(
        f"Seeded {options.members} members, {options.groups} groups, {options.items} items "
        f"with histories in {time.perf_counter() - started:.0f} s (SQLite, {folder})"
    )

    coordinator = COORDINATOR_BASE + 3
    group_id = 4
    member = MEMBER_BASE + 3 + options.groups  # in group 4, like the coordinator's
    async with storage.read() as tx:
        person = await tx.people.by_telegram_id(member)
        assert person is not None
        mine_rows = (
            (
                await tx.conn.execute(
                    select(schema.item.c.id).where(
                        (schema.item.c.person_id == person.id)
                        | (schema.item.c.pseudonym == sealer.pseudonym(member))
                    )
                )
            )
            .scalars()
            .all()
        )
    first = await services.inbox.view(coordinator, group_id)
    assert first is not None and first.card is not None
    first_item = first.card.item.id

    async def mine() -> None:
        # /mine: the member's own items (named, and anonymous by pseudonym), and the history
        # of one of them ("What happened").
        async with storage.read() as tx:
            i = schema.item
            await tx.conn.execute(
                select(i.c.id, i.c.status, i.c.given_on)
                .where((i.c.person_id == person.id) | (i.c.pseudonym == sealer.pseudonym(member)))
                .order_by(i.c.given_on.desc())
            )
        await services.you_said.history(member, mine_rows[0])

    day = [0]

    async def nudges() -> None:
        day[0] += 1
        clock.set(NOW + timedelta(days=day[0]))
        await services.nudges.run_daily()

    async def waiting_again() -> None:
        # Each run gathers every waiting update; put them back (untimed) for the next run.
        async with storage.transaction() as tx:
            cu = schema.contributor_update
            await tx.conn.execute(
                update(cu).values(
                    state="pending", queued_at=None, due_at=NOW - timedelta(minutes=1)
                )
            )
            await tx.conn.execute(delete(schema.outbox).where(schema.outbox.c.kind == "update"))

    async def digest_run() -> None:
        clock.set(NOW)
        assert await services.contributor_updates.run_due(ZONE, "off") > 0

    results = [
        await timed(
            "/inbox: open (oldest item, counts)",
            lambda: services.inbox.view(coordinator, group_id),
        ),
        await timed(
            "/inbox: overdue filter",
            lambda: services.inbox.view(coordinator, group_id, InboxFilter.OVERDUE),
        ),
        await timed(
            "/inbox: next item",
            lambda: services.inbox.view(coordinator, group_id, InboxFilter.ALL, first_item),
        ),
        await timed(f"/mine: list {len(mine_rows)} items + one history", mine),
        await timed(
            "/updates: you said, we did", lambda: services.you_said.board(member, group_id)
        ),
        await timed(f"nudges: daily notice, {options.groups} groups", nudges, runs=10),
        await timed(
            f"digest run: {WAITING_AUTHORS * 3} updates, {WAITING_AUTHORS} items",
            digest_run,
            runs=5,
            prepare=waiting_again,
        ),
    ]
    await storage.close()
    print("All under 200 ms (90th percentile)." if all(results) else "Some are over 200 ms.")
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
