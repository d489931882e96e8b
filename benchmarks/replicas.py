"""Two Chorus replicas on PostgreSQL sending one broadcast, against a fake Telegram that
enforces its limits for the bot as a whole; then the same with one replica SIGKILLed.

Both replicas run as their own processes (CHORUS_REPLICAS=true) on one PostgreSQL database,
behind a round-robin proxy that stands in for Caddy or nginx; the fake Bot API (in this
process) delivers updates through the proxy by webhook, enforces Telegram's limits and
records every breach. A coordinator sends one broadcast to every member while other members
keep using the bot; the time to each of their replies is measured. Prints delivered, lost,
duplicates, breaches, the rate achieved as a share of the configured rate, and the reply p95.

    CHORUS_TEST_POSTGRES_URL=postgresql://... .venv/bin/python benchmarks/replicas.py \\
        [--members 10000] [--active 200] [--rate 180] [--kill-only | --no-kill]

The database named is wiped first.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.broadcast import (  # noqa: E402
    COORDINATOR,
    _broadcast_sends,
    _counts,
    _keep_asking,
    _Progress,
    _start_broadcast,
)
from bot.services.nudges import RUN_NAME as NOTICE_RUN  # noqa: E402
from tests.support.chorus_run import free_port  # noqa: E402
from tests.support.fake_bot_api import FakeBotApi  # noqa: E402
from tests.support.proxy import round_robin  # noqa: E402

SECRET = "bench-replicas"
ZONE = "Europe/London"
# Short, so the survivor takes the killed replica's work over within seconds.
LEASE_SECONDS = 5


async def _in_flight(postgres: str, replica: str) -> int:
    """How many messages `replica` has claimed and not recorded as sent."""
    from sqlalchemy import func, select
    from sqlalchemy.engine import make_url
    from sqlalchemy.ext.asyncio import create_async_engine

    from storage import schema

    engine = create_async_engine(make_url(postgres).set(drivername="postgresql+asyncpg"))
    try:
        async with engine.connect() as conn:
            o = schema.outbox
            counted = await conn.execute(
                select(func.count())
                .select_from(o)
                .where(o.c.claimed_by == replica, o.c.state == "sending")
            )
            return int(counted.scalar_one())
    finally:
        await engine.dispose()


async def _prepare(postgres: str, member_ids: list[int]) -> None:
    """A wiped, migrated database with one group of every member."""
    from sqlalchemy import insert, select, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.ext.asyncio import create_async_engine

    from bot.clock import SystemClock
    from storage import schema
    from storage.database import open_storage

    url = make_url(postgres).set(drivername="postgresql+asyncpg")
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()
    clock = SystemClock()
    storage = await open_storage(url, clock.now)
    try:
        now = clock.now()
        async with storage.transaction() as tx:
            coordinator = await tx.people.ensure(COORDINATOR, COORDINATOR, None, now)
            await tx.people.set_coordinator(coordinator.id, True)
            group = await tx.groups.create("Everyone", "seed1", coordinator.id, now)
            await tx.groups.add_coordinator(group.id, coordinator.id)
            await tx.conn.execute(
                insert(schema.person),
                [
                    {"telegram_id": m, "chat_id": m, "display_name": f"M{m}", "created_at": now}
                    for m in member_ids
                ],
            )
            rows = await tx.conn.execute(
                select(schema.person.c.id).where(schema.person.c.telegram_id.in_(member_ids))
            )
            await tx.conn.execute(
                insert(schema.membership),
                [
                    {"group_id": group.id, "person_id": pid, "joined_at": now}
                    for pid in rows.scalars()
                ],
            )
        # The coordinators' daily notice ("Joined: ...") has gone today already: it would
        # land among the coordinator's steps below.
        async with storage.transaction() as tx:
            await tx.followup.claim_run(NOTICE_RUN, now.astimezone(ZoneInfo(ZONE)).date(), now)
    finally:
        await storage.close()


def _env(fake: FakeBotApi, postgres: str, rate: float, name: str, port: int, proxy: int) -> Any:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHORUS_", "TELEGRAM_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        TELEGRAM_BOT_TOKEN=fake.token,
        CHORUS_BOT_API_URL=fake.base_url,
        CHORUS_DATABASE_URL=postgres,
        CHORUS_SECRET_KEY="b" * 48,
        CHORUS_ADMIN_IDS=str(COORDINATOR),
        CHORUS_SEND_RATE=str(rate),
        CHORUS_QUIET_HOURS="off",
        CHORUS_LOG_LEVEL=os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
        CHORUS_REPLICAS=os.environ.get("BENCH_REPLICAS", "true"),
        CHORUS_REPLICA_NAME=name,
        CHORUS_REPLICA_LEASE_SECONDS=str(LEASE_SECONDS),
        CHORUS_WEBHOOK_URL=f"http://127.0.0.1:{proxy}/telegram",
        CHORUS_WEBHOOK_SECRET=SECRET,
        CHORUS_WEBHOOK_PORT=str(port),
    )
    return env


def _spawn(env: dict[str, str], folder: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(f"{folder}/chorus-{env['CHORUS_REPLICA_NAME']}.log", "wb"),
    )


async def run(
    postgres: str,
    members: int,
    active: int,
    rate: float,
    kill: bool,
    think: float,
    replicas: int = 2,
) -> dict[str, Any]:
    member_ids = list(range(100_000, 100_000 + members))
    await _prepare(postgres, member_ids)
    fake = FakeBotApi(
        # Telegram's own limits, which Chorus's configured rate stays under.
        limit_per_second=max(30.0, rate * 1.2),
        limit_private_interval=1.0,
        limit_group_per_minute=20,
        tolerance=0.05,
    )
    proxy, ports = free_port(), [free_port() for _ in range(replicas)]
    folder = tempfile.mkdtemp(prefix="chorus-replicas-")
    # A new connection for each update, so the proxy (which passes each connection to the
    # next replica) spreads updates over the replicas as a reverse proxy does requests. The
    # fake posts one update at a time; Telegram posts up to 40 at once.
    fake._webhook_client = httpx.AsyncClient(
        trust_env=False, timeout=10.0, limits=httpx.Limits(max_keepalive_connections=0)
    )
    async with fake, round_robin(proxy, ports):
        for member in member_ids:
            fake.user(member, f"M{member}")
        coordinator = fake.user(COORDINATOR, "Coordinator")
        processes = [
            _spawn(_env(fake, postgres, rate, name, port, proxy), folder)
            for name, port in zip("abcdefgh", ports, strict=False)
        ]
        killed_at: float | None = None
        in_flight = 0
        try:
            ready = time.monotonic() + 60
            while sum(c.method == "setWebhook" for c in fake.calls) < len(processes):
                if time.monotonic() > ready:
                    raise RuntimeError("the replicas did not start")
                await asyncio.sleep(0.2)
            try:
                await _start_broadcast(fake, coordinator)
            except Exception:
                print("the coordinator saw:", fake.texts_to(COORDINATOR))
                raise
            stop = asyncio.Event()
            askers = [
                asyncio.create_task(_keep_asking(fake, fake.user(member_ids[i]), stop))
                for i in range(min(active, members))
            ]
            asking_from = time.monotonic()
            deadline = asking_from + 4 * members / rate + 60
            progress = _Progress(fake)
            while time.monotonic() < deadline:
                progress.update()
                if kill and killed_at is None and progress.sends >= members // 3:
                    in_flight = await _kill(processes, postgres)
                    killed_at = time.monotonic()
                if len(progress.members_reached) == members:
                    break
                await asyncio.sleep(0.5)
            stop.set()
            asking_seconds = time.monotonic() - asking_from
            reply_times = [t for times in await asyncio.gather(*askers) for t in times]
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes:
                await asyncio.to_thread(process.wait, 30)
            if os.environ.get("BENCH_KEEP_LOGS"):
                print(f"logs kept in {folder}")
            else:
                shutil.rmtree(folder)
    sends = _broadcast_sends(fake)
    first, last = min(c.at for c in sends), max(c.at for c in sends)
    everything = [
        c
        for c in fake.calls
        if first <= c.at <= last
        and c.status == 200
        and c.method in ("sendMessage", "editMessageText")
    ]
    total_rate = (len(everything) - 1) / (last - first) if last > first else 0.0
    lost, duplicates = _counts(fake, member_ids)
    reply_times.sort()
    return {
        "members": members,
        "active": min(active, members),
        "configured rate": rate,
        "broadcast rate": (len(sends) - 1) / (last - first) if last > first else 0.0,
        "total rate": total_rate,
        "seconds": last - first,
        "delivered": members - lost,
        "lost": lost,
        "duplicates": duplicates,
        "in flight": in_flight,
        "breaches": len(fake.breaches),
        "breach kinds": sorted({b.kind for b in fake.breaches}),
        "breach details": [f"{b.at - first:+.1f} s: {b.detail}" for b in fake.breaches[:3]],
        "replies measured": len(reply_times),
        "unanswered": sum(t == math.inf for t in reply_times),
        "reply p95": reply_times[int(0.95 * (len(reply_times) - 1))] if reply_times else 0.0,
        "killed": killed_at is not None,
        "think": think,
        # The load the members made: messages per member per minute, as measured.
        "per member per minute": len(reply_times) / min(active, members) / asking_seconds * 60,
    }


async def _kill(processes: list[subprocess.Popen[bytes]], postgres: str) -> int:
    """SIGKILL the first replica; how many messages it had claimed and not recorded as sent
    (the others are held still meanwhile, so none of those is taken over before counting)."""
    for survivor in processes[1:]:
        survivor.send_signal(signal.SIGSTOP)
    try:
        processes[0].send_signal(signal.SIGKILL)
        await asyncio.to_thread(processes[0].wait, 10)
        return await _in_flight(postgres, "a")
    finally:
        for survivor in processes[1:]:
            survivor.send_signal(signal.SIGCONT)


def _print(title: str, result: dict[str, Any]) -> None:
    rate = result["configured rate"]
    print(f"--- {title}")
    print(
        f"members: {result['members']}, using the bot meanwhile: {result['active']}; "
        f"configured rate {rate:.0f} messages/s (for the bot, shared by the replicas)"
    )
    print(f"delivered:             {result['delivered']}")
    print(f"lost:                  {result['lost']} (target 0)")
    target = (
        f" (target: at most the {result['in flight']} the killed replica had in flight)"
        if result["killed"]
        else ""
    )
    print(f"duplicates:            {result['duplicates']}{target}")
    print(f"breaches of limits:    {result['breaches']} (target 0) {result['breach kinds']}")
    for detail in result["breach details"]:
        print(f"  e.g. {detail}")
    print(
        f"achieved rate:         {result['total rate']:.1f} messages/s, broadcast and replies "
        f"({result['total rate'] / rate:.1%} of configured; target >= 95%); broadcast alone "
        f"{result['broadcast rate']:.1f}/s over {result['seconds']:.1f} s"
    )
    print(
        f"member replies:        {result['replies measured']} measured, "
        f"p95 {result['reply p95']:.2f} s (target < 2 s); "
        f"{result['unanswered']} not answered within 30 s"
    )
    print(
        f"members' load:         {result['active']} members each sending a message, reading "
        f"the reply and pausing {result['think']:.0f} s on average (0.5 to 1.5 times that): "
        f"{result['per member per minute']:.1f} messages per member per minute, "
        f"{result['per member per minute'] * result['active'] / 60:.1f} a second in all"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("CHORUS_TEST_POSTGRES_URL"))
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--active", type=int, default=200, help="members using the bot")
    parser.add_argument("--rate", type=float, default=180.0, help="CHORUS_SEND_RATE")
    parser.add_argument(
        "--think",
        type=float,
        default=15.0,
        help="mean seconds a member reads and thinks between messages",
    )
    parser.add_argument("--replicas", type=int, default=2, help="how many replicas run")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--kill-only", action="store_true", help="only the run with SIGKILL")
    which.add_argument("--no-kill", action="store_true", help="only the run without SIGKILL")
    args = parser.parse_args()
    if not args.postgres:
        parser.error("give --postgres or set CHORUS_TEST_POSTGRES_URL (it is wiped)")
    import benchmarks.broadcast as broadcast

    broadcast.THINK_TIME = args.think
    runs = [False, True]
    if args.kill_only:
        runs = [True]
    if args.no_kill:
        runs = [False]
    for kill in runs:
        result = asyncio.run(
            run(
                args.postgres,
                args.members,
                args.active,
                args.rate,
                kill,
                args.think,
                args.replicas,
            )
        )
        _print(
            "two replicas, one SIGKILLed a third of the way" if kill else "two replicas", result
        )


if __name__ == "__main__":
    main()
