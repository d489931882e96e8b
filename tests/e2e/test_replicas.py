"""Two Chorus replicas on one PostgreSQL database behind one webhook address: the work is
shared, nothing is sent twice, and Telegram's limits hold for the bot as a whole."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bot.clock import SystemClock
from bot.services.delivery_rules import Payload
from bot.settings import Settings
from storage import schema
from storage.database import open_storage
from storage.outbox import OutboxNew
from tests.support.chorus_run import (
    RunningChorus,
    chorus_env,
    free_port,
    running_chorus,
    settings_for,
    spawn_chorus,
)
from tests.support.database import Backend, current_postgres, postgres_configured
from tests.support.fake_bot_api import FakeBotApi
from tests.support.proxy import round_robin

pytestmark = pytest.mark.skipif(
    not postgres_configured(), reason="replicas need PostgreSQL (CHORUS_TEST_POSTGRES_URL)"
)


@pytest.fixture(autouse=True)
def _on_postgres(backend: Backend) -> None:
    """Replicas run on PostgreSQL only: the run of these tests on SQLite is skipped."""
    if current_postgres() is None:
        pytest.skip("replicas run on PostgreSQL only")


def _url() -> str:
    """This test's own migrated PostgreSQL database (emptied before the test)."""
    database = current_postgres()
    assert database is not None
    return database.url.render_as_string(hide_password=False)


SECRET = "replica-secret"
MEMBERS = list(range(500_001, 500_021))
# Due already by the replicas' clock (midday, see `running_chorus`).
MIDDAY = datetime(2026, 3, 3, 11, 0, tzinfo=UTC)


@contextlib.asynccontextmanager
async def two_replicas(
    fake: FakeBotApi, tmp_path: Path
) -> AsyncIterator[tuple[RunningChorus, RunningChorus]]:
    """Replicas "a" and "b" on a fresh PostgreSQL database, behind one proxy port."""
    proxy, ports = free_port(), [free_port(), free_port()]

    def settings(name: str, port: int) -> Settings:
        return settings_for(
            fake,
            tmp_path,
            database_url=_url(),
            replicas=True,
            replica_name=name,
            webhook_url=f"http://127.0.0.1:{proxy}/telegram",
            webhook_secret=SECRET,
            webhook_port=port,
            quiet_hours="off",
            send_rate=20.0,
            private_chat_interval=1.0,
        )

    async with (
        round_robin(proxy, ports),
        running_chorus(settings("a", ports[0]), fake) as a,
        running_chorus(settings("b", ports[1]), fake) as b,
    ):
        yield a, b


async def _queue_twice_for_everyone(now: datetime = MIDDAY) -> None:
    """Two messages for each member: every first one, then every second one, so the two
    messages to one person are claimed by different replicas."""
    url = make_url(_url()).set(drivername="postgresql+asyncpg")
    storage = await open_storage(url, SystemClock().now)
    try:
        async with storage.transaction() as tx:
            people = [await tx.people.ensure(m, m, None, now) for m in MEMBERS]
            await tx.outbox.enqueue(
                [
                    OutboxNew(f"{n}:{p.id}", "notice", p.id, Payload(f"Note {n}").dumps(), now)
                    for n in (1, 2)
                    for p in people
                ],
                now,
            )
    finally:
        await storage.close()


async def _claimed_by(state: str = "sent") -> set[str]:
    url = make_url(_url()).set(drivername="postgresql+asyncpg")
    storage = await open_storage(url, SystemClock().now)
    try:
        async with storage.read() as tx:
            o = schema.outbox
            rows = await tx.conn.execute(select(o.c.claimed_by).where(o.c.state == state))
            return {str(row[0]) for row in rows}
    finally:
        await storage.close()


async def _unfinished_by(replica: str) -> set[tuple[int, str]]:
    """The messages `replica` has claimed and not recorded as sent: (member, words)."""
    url = make_url(_url()).set(drivername="postgresql+asyncpg")
    storage = await open_storage(url, SystemClock().now)
    try:
        async with storage.read() as tx:
            o, p = schema.outbox, schema.person
            rows = await tx.conn.execute(
                select(p.c.telegram_id, o.c.dedupe_key)
                .join(p, p.c.id == o.c.person_id)
                .where(o.c.claimed_by == replica, o.c.state == "sending")
            )
            return {(int(row[0]), f"Note {row[1].split(':')[0]}") for row in rows}
    finally:
        await storage.close()


async def test_two_replicas_send_everything_once_within_the_bots_limits(
    tmp_path: Path,
) -> None:
    fake = FakeBotApi(
        limit_per_second=25, limit_private_interval=1.0, enforce_limits=False, tolerance=0.05
    )
    async with fake, two_replicas(fake, tmp_path) as (a, b):
        for member in MEMBERS:
            fake.user(member, f"M{member}")
        await _queue_twice_for_everyone()
        await asyncio.gather(a.tick(), b.tick())

        def delivered() -> int:
            return sum(
                1
                for call in fake.calls
                if call.method == "sendMessage" and call.params.get("chat_id") in MEMBERS
            )

        async def all_sent() -> None:
            while delivered() < 2 * len(MEMBERS):
                await asyncio.sleep(0.05)

        await asyncio.wait_for(all_sent(), 20)

    for member in MEMBERS:
        assert sorted(fake.texts_to(member)) == ["Note 1", "Note 2"]
    assert fake.breaches == []
    assert await _claimed_by() == {"a", "b"}


async def test_a_replica_killed_mid_send_has_its_messages_taken_over(tmp_path: Path) -> None:
    proxy, ports = free_port(), [free_port(), free_port()]
    fake = FakeBotApi(limit_per_second=25, enforce_limits=False)
    async with fake, round_robin(proxy, ports):
        for member in MEMBERS:
            fake.user(member, f"M{member}")
        replicas = [
            spawn_chorus(
                chorus_env(
                    fake,
                    tmp_path,
                    CHORUS_DATABASE_URL=_url(),
                    CHORUS_REPLICAS="true",
                    CHORUS_REPLICA_NAME=name,
                    CHORUS_REPLICA_LEASE_SECONDS="1",
                    CHORUS_WEBHOOK_URL=f"http://127.0.0.1:{proxy}/telegram",
                    CHORUS_WEBHOOK_SECRET=SECRET,
                    CHORUS_WEBHOOK_PORT=str(port),
                    CHORUS_QUIET_HOURS="off",
                    CHORUS_SEND_RATE="40",
                    CHORUS_LOG_LEVEL="WARNING",
                ),
                tmp_path,
            )
            for name, port in zip("ab", ports, strict=True)
        ]
        try:

            async def started() -> None:
                while sum(call.method == "setWebhook" for call in fake.calls) < 2:
                    await asyncio.sleep(0.05)

            await asyncio.wait_for(started(), 30)
            await _queue_twice_for_everyone(datetime.now(UTC) - timedelta(minutes=1))

            async def claimed_by_both() -> None:
                while await _claimed_by(state="sending") != {"a", "b"}:
                    await asyncio.sleep(0.05)

            await asyncio.wait_for(claimed_by_both(), 20)
            # The survivor is held still while "a" dies, so that what "a" left unfinished
            # can be read before anything of it is taken over.
            replicas[1].send_signal(signal.SIGSTOP)
            try:
                replicas[0].send_signal(signal.SIGKILL)
                await asyncio.to_thread(replicas[0].wait, 10)
                left_unfinished = await _unfinished_by("a")
            finally:
                replicas[1].send_signal(signal.SIGCONT)

            async def all_sent() -> None:
                while any(len(fake.texts_to(member)) < 2 for member in MEMBERS):
                    await asyncio.sleep(0.05)

            await asyncio.wait_for(all_sent(), 30)
        finally:
            for replica in replicas:
                if replica.poll() is None:
                    replica.send_signal(signal.SIGTERM)
            for replica in replicas:
                await asyncio.to_thread(replica.communicate, None, 30)

    for member in MEMBERS:
        assert set(fake.texts_to(member)) == {"Note 1", "Note 2"}
    # Only a message the killed replica had claimed and not recorded as sent can come
    # twice (it may have reached Telegram just before the kill), and only once more.
    twice = {
        (member, text)
        for member in MEMBERS
        for text in ("Note 1", "Note 2")
        if fake.texts_to(member).count(text) > 1
    }
    assert all(fake.texts_to(member).count(text) == 2 for member, text in twice)
    assert twice <= left_unfinished
    assert "b" in await _claimed_by()
