"""Updates per second and latency: Chorus against a bare python-telegram-bot echo bot.

Both bots run as their own processes against the same fake Bot API server (in this
process, on 127.0.0.1). Simulated members each walk the same script (open an invite link,
tap to join, type a name, ask for help and settings, pause and resume), waiting for each
answer before the next step, as a person would. Prints updates per second, p50 and p95
latency (from the update being offered to the bot's answer arriving) and the ratio, and
each bot's CPU time per update. The echo bot calls the Bot API over python-telegram-bot's
httpx layer, Chorus over aiohttp (see benchmarks/echo_bot.py).

    .venv/bin/python benchmarks/updates.py [--members 200] [--rounds 1]
        [--postgres postgresql://user@host/db]

With --postgres (or CHORUS_TEST_POSTGRES_URL) Chorus also runs on that PostgreSQL
database, which is wiped first, and its rate is printed beside SQLite's.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.proc import cpu_seconds  # noqa: E402
from bot.app import CONCURRENT_UPDATES, CONNECTION_POOL  # noqa: E402
from tests.support.fake_bot_api import FakeBotApi, FakeUser  # noqa: E402

ADMIN = 1
ECHO_BOT = Path(__file__).with_name("echo_bot.py")
# Each member's steps: text to type, or ("tap", part of a button label).
SCRIPT: list[str | tuple[str, str]] = [
    "/start {invite}",
    ("tap", "Yes, join"),
    "Member {n}",
    "/help",
    "/settings",
    ("tap", "Pause"),
    "/settings",
    ("tap", "Resume"),
    "/help",
    "/start",
]


class MeasuringFake(FakeBotApi):
    """The fake Bot API, telling each waiting member as soon as the bot answers them."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}

    def _notify_message(self, chat_id: int, message: dict[str, Any]) -> None:
        super()._notify_message(chat_id, message)
        waiter = self.waiting.pop(chat_id, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(message)


@dataclass
class Result:
    """What one run measured."""

    name: str
    updates: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    api_calls: int = 0
    cpu_seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.updates / self.seconds

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    def line(self) -> str:
        return (
            f"{self.name:<10} {self.updates:>6} updates in {self.seconds:6.2f} s = "
            f"{self.rate:7.1f} updates/s; latency p50 {1000 * self.percentile(0.5):6.1f} ms, "
            f"p95 {1000 * self.percentile(0.95):6.1f} ms; "
            f"{self.api_calls / self.updates:.2f} Bot API calls and "
            f"{1000 * self.cpu_seconds / self.updates:.2f} ms of the bot's CPU per update"
        )


async def _answer(
    fake: MeasuringFake, user: FakeUser, act: Callable[[], object]
) -> dict[str, Any]:
    waiter: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
    fake.waiting[user.id] = waiter
    act()
    return await asyncio.wait_for(waiter, 30)


async def _member(
    fake: MeasuringFake, user: FakeUser, invite: str, latencies: list[float]
) -> None:
    last: dict[str, Any] | None = None
    for step in SCRIPT:
        if isinstance(step, tuple):
            assert last is not None
            buttons = fake.buttons(last)
            data = next((d for label, d in buttons if step[1] in label), buttons[0][1])
            act: Callable[[], object] = functools.partial(fake.tap, user, last["message_id"], data)
        else:
            act = functools.partial(fake.send_text, user, step.format(invite=invite, n=user.id))

        started = time.perf_counter()
        last = await _answer(fake, user, act)
        latencies.append(time.perf_counter() - started)


async def _drive(fake: MeasuringFake, name: str, members: int, invite: str, pid: int) -> Result:
    users = [fake.user(1000 + n, f"M{n}") for n in range(members)]
    latencies: list[float] = []
    calls_before = len(fake.calls)
    cpu_before = cpu_seconds(pid)
    started = time.perf_counter()
    await asyncio.gather(*(_member(fake, user, invite, latencies) for user in users))
    seconds = time.perf_counter() - started
    cpu = cpu_seconds(pid) - cpu_before
    # getUpdates is how updates arrive, not work done for them.
    calls = [c for c in fake.calls[calls_before:] if c.method != "getUpdates"]
    return Result(name, len(latencies), seconds, latencies, len(calls), cpu)


def _spawn(command: list[str], env: dict[str, str], folder: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


async def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    await asyncio.to_thread(process.wait, 30)


async def _wipe(postgres: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(make_url(postgres).set(drivername="postgresql+asyncpg"))
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


async def run_chorus(
    members: int, profile: Path | None = None, postgres: str | None = None
) -> Result:
    fake = MeasuringFake()
    if postgres is not None:
        await _wipe(postgres)
    async with fake, _folder() as folder:
        env = _env(
            TELEGRAM_BOT_TOKEN=fake.token,
            CHORUS_BOT_API_URL=fake.base_url,
            CHORUS_DATABASE_URL=postgres or f"sqlite:///{folder / 'chorus.db'}",
            CHORUS_SECRET_KEY="b" * 48,
            CHORUS_ADMIN_IDS=str(ADMIN),
            CHORUS_LOG_LEVEL="WARNING",
            # Members here answer the instant a reply lands; spacing replies to one chat a
            # second apart (Telegram's rule, which Chorus keeps) would measure that rule,
            # not how fast updates are handled. The echo bot has no such spacing.
            CHORUS_PRIVATE_CHAT_INTERVAL="0",
            # Likewise Telegram's overall limit (Chorus sends 25 a second at most by
            # default): this fake server has none, and neither has the echo bot.
            CHORUS_SEND_RATE="1000",
            CHORUS_QUIET_HOURS="off",
        )
        command = [sys.executable, "-m", "bot", "run"]
        if profile is not None:
            command[1:1] = ["-m", "cProfile", "-o", str(profile)]
        process = _spawn(command, env, folder)
        try:
            await fake.wait_for(lambda call: call.method == "getUpdates", 60)
            admin = fake.user(ADMIN, "Admin")
            await _answer(fake, admin, lambda: fake.send_text(admin, "/newgroup"))
            done = await _answer(fake, admin, lambda: fake.send_text(admin, "Bench group"))
            link = next(word for word in done["text"].split() if "start=" in word)
            invite = link.split("start=")[1]
            name = "chorus/pg" if postgres else "chorus"
            return await _drive(fake, name, members, invite, process.pid)
        finally:
            await _stop(process)


async def run_echo(members: int, profile: Path | None = None) -> Result:
    fake = MeasuringFake()
    async with fake, _folder() as folder:
        env = _env(
            ECHO_TOKEN=fake.token,
            ECHO_URL=fake.base_url,
            ECHO_CONCURRENCY=str(CONCURRENT_UPDATES),
            ECHO_POOL=str(CONNECTION_POOL),
        )
        command = [sys.executable, str(ECHO_BOT)]
        if profile is not None:
            command[1:1] = ["-m", "cProfile", "-o", str(profile.with_suffix(".echo"))]
        process = _spawn(command, env, folder)
        try:
            await fake.wait_for(lambda call: call.method == "getUpdates", 60)
            return await _drive(fake, "echo bot", members, "j-echo", process.pid)
        finally:
            await _stop(process)


def _env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHORUS_", "TELEGRAM_"))}
    env["PYTHONPATH"] = str(ROOT)
    env.update(values)
    return env


class _folder:
    async def __aenter__(self) -> Path:
        self._dir = tempfile.TemporaryDirectory()
        return Path(self._dir.name)

    async def __aexit__(self, *_: object) -> None:
        self._dir.cleanup()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=1, help="alternating runs of each bot")
    parser.add_argument("--profile", type=Path, help="write a cProfile of Chorus's runs here")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("CHORUS_TEST_POSTGRES_URL"),
        help="also run Chorus on this PostgreSQL database (wiped first)",
    )
    args = parser.parse_args()
    print(
        f"{args.members} members x {len(SCRIPT)} steps = {args.members * len(SCRIPT)} updates "
        f"per run; both bots handle up to {CONCURRENT_UPDATES} updates at once over "
        f"{CONNECTION_POOL} HTTP connections; "
        f"{os.cpu_count()} CPU cores"
    )
    chorus: list[Result] = []
    echo: list[Result] = []
    on_postgres: list[Result] = []
    for _ in range(args.rounds):
        echo.append(await run_echo(args.members, args.profile))
        print(echo[-1].line())
        chorus.append(await run_chorus(args.members, args.profile))
        print(chorus[-1].line())
        if args.postgres:
            on_postgres.append(await run_chorus(args.members, None, args.postgres))
            print(on_postgres[-1].line())
    best_chorus = max(result.rate for result in chorus)
    best_echo = max(result.rate for result in echo)
    print(
        f"best of {args.rounds}: chorus {best_chorus:.1f} updates/s, echo bot "
        f"{best_echo:.1f} updates/s, ratio {best_chorus / best_echo:.0%} (target >= 80%)"
    )
    # Each round runs the two bots one after the other, so a round's ratio is measured under
    # much the same conditions on the machine; the median of them is the steadier figure.
    ratios = [c.rate / e.rate for c, e in zip(chorus, echo, strict=True)]
    print(
        "ratio in each round: "
        + ", ".join(f"{ratio:.0%}" for ratio in ratios)
        + f"; median {statistics.median(ratios):.0%}"
    )
    if on_postgres:
        best_pg = max(result.rate for result in on_postgres)
        print(
            f"PostgreSQL beside SQLite: chorus/pg {best_pg:.1f} updates/s, chorus (SQLite) "
            f"{best_chorus:.1f} updates/s, echo bot {best_echo:.1f} updates/s; PostgreSQL "
            f"{best_pg / best_chorus:.0%} of SQLite, {best_pg / best_echo:.0%} of the echo bot"
        )
    p95 = statistics.median(result.percentile(0.95) for result in chorus)
    print(f"chorus p95 latency (median over runs): {1000 * p95:.1f} ms")


if __name__ == "__main__":
    asyncio.run(main())
