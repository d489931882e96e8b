"""Replicas on PostgreSQL: two processes' claims, leases and ticks, each run as two Storage
objects (two connection pools) working at once on one database."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from telegram import Bot, Update
from telegram.error import RetryAfter

from bot.crypto import Sealer
from bot.intake.journal import UpdateJournal, chat_tag
from bot.outbox.ratelimit import ChorusRateLimiter, Limits, Pace
from bot.replicas import SharedChats
from storage import schema
from storage.database import Storage
from storage.outbox import OutboxNew
from storage.replicas import Claimer
from storage.single import DatabaseInUse, only_process
from tests.support.clock import FakeClock
from tests.support.database import fresh_postgres

pytestmark = pytest.mark.skipif(
    not os.environ.get("CHORUS_TEST_POSTGRES_URL"),
    reason="needs CHORUS_TEST_POSTGRES_URL (a PostgreSQL database to wipe)",
)

T0 = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


@pytest.fixture
async def pair(storage: Storage) -> AsyncIterator[tuple[Storage, Storage]]:
    """Two replicas, "a" and "b", on the PostgreSQL database (skipped on SQLite)."""
    if storage.is_sqlite:
        pytest.skip("replicas run on PostgreSQL only")
    other = Storage.open(make_url(storage.engine.url.render_as_string(False)), lambda: T0)
    storage.claimer = Claimer("a", LEASE)
    other.claimer = Claimer("b", LEASE)
    try:
        yield storage, other
    finally:
        await other.close()


async def _queue(storage: Storage, count: int) -> None:
    async with storage.transaction() as tx:
        person = await tx.people.ensure(1001, 1001, None, T0)
        await tx.outbox.enqueue(
            [
                OutboxNew(f"m{n}", "test", person.id, '{"text": "hi", "buttons": []}', T0)
                for n in range(count)
            ],
            T0,
        )


async def _claim(storage: Storage, now: datetime = T0, limit: int = 16) -> list[int]:
    async with storage.transaction() as tx:
        return [job.id for job in await tx.outbox.claim_due(now, limit)]


async def _owners(storage: Storage) -> dict[int, tuple[str, str | None]]:
    o = schema.outbox
    async with storage.read() as tx:
        rows = await tx.conn.execute(select(o.c.id, o.c.state, o.c.claimed_by))
        return {row.id: (row.state, row.claimed_by) for row in rows}


async def test_two_replicas_claiming_at_once_never_take_the_same_row(
    pair: tuple[Storage, Storage],
) -> None:
    a, b = pair
    await _queue(a, 600)

    async def drain(storage: Storage) -> list[int]:
        taken: list[int] = []
        while claimed := await _claim(storage):
            taken += claimed
        return taken

    # Several claimers per replica, as rounds overlap with sends.
    batches = await asyncio.gather(*(drain(s) for s in (a, b, a, b)))

    taken = [row_id for batch in batches for row_id in batch]
    assert len(taken) == len(set(taken)) == 600
    owners = await _owners(a)
    assert {claimed_by for _, claimed_by in owners.values()} == {"a", "b"}


async def test_a_dead_replicas_claims_are_taken_over_once_its_lease_runs_out(
    pair: tuple[Storage, Storage],
) -> None:
    a, b = pair
    await _queue(a, 3)
    claimed = await _claim(a)

    assert await _claim(b, T0 + LEASE - timedelta(seconds=1)) == []
    taken = await _claim(b, T0 + LEASE + timedelta(seconds=1))

    assert sorted(taken) == sorted(claimed)
    # The first replica, back from a long pause, records nothing over the new claims.
    async with a.transaction() as tx:
        await tx.outbox.finish_sent(claimed, T0 + LEASE)
    assert set((await _owners(a)).values()) == {("sending", "b")}


async def test_a_starting_replica_leaves_another_replicas_messages_in_flight(
    pair: tuple[Storage, Storage],
) -> None:
    a, b = pair
    await _queue(a, 4)
    mine = await _claim(b, limit=1)
    theirs = await _claim(a, limit=3)

    async with b.transaction() as tx:
        released = await tx.outbox.release_claims(T0 + timedelta(seconds=5))

    assert released == len(mine) == 1
    owners = await _owners(a)
    assert all(owners[row_id] == ("sending", "a") for row_id in theirs)
    assert owners[mine[0]] == ("pending", None)


async def test_a_starting_replica_takes_back_claims_whose_lease_ran_out(
    pair: tuple[Storage, Storage],
) -> None:
    a, b = pair
    await _queue(a, 2)
    await _claim(a)

    async with b.transaction() as tx:
        released = await tx.outbox.release_claims(T0 + LEASE + timedelta(seconds=1))

    assert released == 2


async def test_stored_updates_are_replayed_only_by_the_replica_holding_them(
    pair: tuple[Storage, Storage],
) -> None:
    a, b = pair
    async with a.transaction() as tx:
        await tx.journal.add_new([(1, "one"), (2, "two")], T0)

    async with b.transaction() as tx:
        assert await tx.journal.pending(T0 + timedelta(seconds=5)) == []
    async with a.transaction() as tx:
        assert await tx.journal.pending(T0 + timedelta(seconds=5)) == [(1, "one"), (2, "two")]
    async with b.transaction() as tx:
        later = T0 + timedelta(seconds=5) + LEASE + timedelta(seconds=1)
        assert await tx.journal.take_over(later) == [(1, "one"), (2, "two")]
    async with a.transaction() as tx:
        assert await tx.journal.take_over(later) == []


async def test_an_update_waits_behind_an_older_one_of_its_chat_held_elsewhere(
    pair: tuple[Storage, Storage],
) -> None:
    a, b = pair
    async with a.transaction() as tx:
        await tx.journal.add_new([(1, "one")], T0, chat_tags={1: 77})
    async with b.transaction() as tx:
        await tx.journal.add_new([(2, "two"), (3, "three")], T0, chat_tags={2: 77, 3: 78})

    async with b.read() as tx:
        assert await tx.journal.waits_behind(2, 77)
        assert not await tx.journal.waits_behind(3, 78)
    async with a.read() as tx:
        assert not await tx.journal.waits_behind(1, 77)
    await a.settle(1)
    async with b.read() as tx:
        assert not await tx.journal.waits_behind(2, 77)


async def test_a_tick_runs_once_across_replicas(pair: tuple[Storage, Storage]) -> None:
    a, b = pair

    async def take(storage: Storage, now: datetime) -> bool:
        assert storage.claimer is not None
        async with storage.transaction() as tx:
            return await tx.replicas.take_tick(
                "loop", now, now + timedelta(seconds=2), storage.claimer.replica
            )

    for second in range(0, 10, 2):
        now = T0 + timedelta(seconds=second)
        runs = await asyncio.gather(*(take(s, now) for s in (a, b, a, b)))
        assert runs.count(True) == 1


async def test_a_chat_is_reserved_by_one_replica_at_a_time(
    pair: tuple[Storage, Storage],
) -> None:
    a, b = pair

    async def reserve(storage: Storage, moment: float) -> float | None:
        assert storage.claimer is not None
        async with storage.transaction() as tx:
            return await tx.replicas.reserve_chat(5, moment, 1.0, storage.claimer.replica)

    answers = await asyncio.gather(reserve(a, 100.0), reserve(b, 100.0))

    assert answers.count(None) == 1
    assert [answer for answer in answers if answer is not None] == [101.0]
    holder, other = (a, b) if answers[0] is None else (b, a)
    # The holder may extend its own reservation; the other waits until it ends.
    assert await reserve(holder, 100.5) is None
    assert await reserve(other, 101.0) == 101.5
    assert await reserve(other, 101.5) is None


async def test_claims_taken_by_sqlite_style_rows_without_a_claimer_are_released(
    pair: tuple[Storage, Storage],
) -> None:
    a, _ = pair
    await _queue(a, 1)
    async with a.transaction() as tx:
        row = (await tx.conn.execute(select(schema.outbox.c.id))).scalar_one()
        await tx.conn.execute(
            schema.outbox.update().where(schema.outbox.c.id == row).values(state="sending")
        )
        assert await tx.outbox.release_claims(T0) == 1


async def test_each_tick_runs_once_per_interval_across_two_replicas(
    pair: tuple[Storage, Storage],
) -> None:
    from bot.replicas import take_tick
    from tests.support.clock import FakeClock

    clock = FakeClock()
    runs: list[str] = []
    interval = timedelta(seconds=2)

    def tick_of(storage: Storage) -> Callable[[], Awaitable[None]]:
        assert storage.claimer is not None
        replica = storage.claimer.replica

        async def tick() -> None:
            if await take_tick(storage, clock, "sessions", interval, replica):
                runs.append(replica)

        return tick

    a_tick, b_tick = tick_of(pair[0]), tick_of(pair[1])
    for _ in range(5):
        # Both replicas' timers fire within the interval, in either order or at once.
        await asyncio.gather(a_tick(), b_tick(), a_tick())
        clock.advance(timedelta(seconds=1))
        await b_tick()
        clock.advance(timedelta(seconds=1))

    assert len(runs) == 5


# A process that holds the database given on its command line (as a replica when told)
# until it is killed.
HOLDER = """
import asyncio, sys
from sqlalchemy.engine import make_url
from storage.single import only_process

async def main():
    async with only_process(make_url(sys.argv[1]), replicas=sys.argv[2] == "replica"):
        print("holding", flush=True)
        await asyncio.Event().wait()

asyncio.run(main())
"""


def _holder(url: str, kind: str) -> subprocess.Popen[str]:
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, url, kind],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "holding"
    return process


async def test_replicas_run_together_but_not_beside_a_process_without_replicas() -> None:
    # This test process's own database: another's tests may hold a lock on theirs meanwhile.
    with fresh_postgres("storage") as database:
        url = database.url.set(drivername="postgresql+asyncpg").render_as_string(False)
        await _replicas_beside_others(url)


async def _replicas_beside_others(url: str) -> None:
    replica = _holder(url, "replica")
    try:
        async with only_process(make_url(url), replicas=True):
            pass
        with pytest.raises(DatabaseInUse, match="another Chorus is already running"):
            async with only_process(make_url(url)):
                pass
    finally:
        replica.send_signal(signal.SIGKILL)
        replica.wait(timeout=30)
    single = _holder(url, "single")
    try:
        with pytest.raises(DatabaseInUse, match="without CHORUS_REPLICAS"):
            async with only_process(make_url(url), replicas=True):
                pass
    finally:
        single.send_signal(signal.SIGKILL)
        single.wait(timeout=30)


async def test_a_pause_after_a_429_holds_every_chat_for_every_replica(
    pair: tuple[Storage, Storage],
) -> None:
    a, b = pair

    async def reserve(storage: Storage, chat: int, moment: float) -> float | None:
        assert storage.claimer is not None
        async with storage.transaction() as tx:
            return await tx.replicas.reserve_chat(chat, moment, 1.0, storage.claimer.replica)

    assert await reserve(b, 5, 100.0) is None
    async with a.transaction() as tx:
        await tx.replicas.pause_sending(130.0, "a")
        await tx.replicas.pause_sending(110.0, "a")  # a shorter pause does not shorten it

    # Neither a chat never seen nor one a replica holds may be reserved until it ends.
    assert await reserve(b, 6, 100.5) == 130.0
    assert await reserve(b, 5, 100.5) == 130.0
    assert await reserve(a, 7, 129.0) == 130.0
    assert await reserve(b, 6, 130.0) is None
    assert await reserve(a, 7, 130.0) is None


async def test_a_429_met_by_one_replica_pauses_the_others_sending(
    pair: tuple[Storage, Storage],
) -> None:
    a, b = pair
    sealer = Sealer(b"k" * 48)
    limits = Limits(per_second=25.0)
    limiters = []
    for storage, name in ((a, "a"), (b, "b")):
        limiter = ChorusRateLimiter(limits)
        limiter.share_chats(SharedChats(storage, sealer, limits, name))
        limiters.append(limiter)
    first, second = limiters

    async def flooded() -> bool:
        raise RetryAfter(1)

    sent_at: list[float] = []

    async def send() -> bool:
        sent_at.append(time.time())
        return True

    paused_at = time.time()
    with pytest.raises(RetryAfter):
        await first.process_request(
            flooded, (), {}, "sendMessage", {"chat_id": 101}, {"pace": Pace.BULK}
        )
    # The other replica, sending to another chat, waits until the pause Telegram asked for
    # has passed (before, it sent at once).
    await second.process_request(send, (), {}, "sendMessage", {"chat_id": 202}, None)
    assert sent_at and sent_at[0] >= paused_at + 1.0


async def test_a_429_pauses_the_other_replicas_requests_to_no_one_chat(
    pair: tuple[Storage, Storage],
) -> None:
    a, b = pair
    sealer = Sealer(b"k" * 48)
    limits = Limits(per_second=25.0)
    first, second = ChorusRateLimiter(limits), ChorusRateLimiter(limits)
    first.share_chats(SharedChats(a, sealer, limits, "a"))
    second.share_chats(SharedChats(b, sealer, limits, "b"))

    async def flooded() -> bool:
        raise RetryAfter(1)

    sent_at: list[float] = []

    async def send() -> bool:
        sent_at.append(time.time())
        return True

    paused_at = time.time()
    with pytest.raises(RetryAfter):
        await first.process_request(
            flooded, (), {}, "sendMessage", {"chat_id": 101}, {"pace": Pace.BULK}
        )
    # An inline message edited by its id names no chat; it waits out the pause all the same
    # (before, it went at once).
    await second.process_request(
        send, (), {}, "editMessageText", {"inline_message_id": "abc", "text": "x"}, None
    )
    assert sent_at and sent_at[0] >= paused_at + 1.0


async def test_a_replica_reads_each_update_it_admits_once(
    pair: tuple[Storage, Storage], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = pair
    read: list[int] = []
    original = Update.de_json

    def counting(cls: type[Update], data: dict[str, Any], bot: Any = None) -> Update:
        read.append(int(data["update_id"]))
        return original(data, bot)

    monkeypatch.setattr(Update, "de_json", classmethod(counting))
    queue: asyncio.Queue[object] = asyncio.Queue()
    sealer = Sealer(b"k" * 48)
    journal = UpdateJournal(a, FakeClock(T0), Bot("1:x"), queue, sealer)
    raw = {
        "update_id": 5,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 1001, "type": "private"},
            "from": {"id": 1001, "is_bot": False, "first_name": "M"},
            "text": "hi",
        },
    }
    assert await journal.admit([raw]) == 1
    assert read == [5]
    queued = queue.get_nowait()
    assert isinstance(queued, Update) and queued.update_id == 5
    # Its chat was stored with it: the other replica's next update of that chat waits.
    async with b.read() as tx:
        assert await tx.journal.waits_behind(6, chat_tag(sealer, 1001))
        assert not await tx.journal.waits_behind(6, chat_tag(sealer, 1002))
