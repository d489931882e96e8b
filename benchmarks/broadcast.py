"""A real broadcast through Chorus's worker, against a fake Telegram that enforces its limits.

Chorus runs as its own process against the fake Bot API (in this process, on 127.0.0.1),
which enforces Telegram's limits and records every breach. A coordinator sends one
broadcast to every member; meanwhile a few members keep using the bot, and the time to
each of their replies is measured. Prints recipients, the configured rate, the achieved
rate and its ratio, breaches, lost and duplicate messages, and the reply p95.

    .venv/bin/python benchmarks/broadcast.py [--members 10000] [--rate 180]
    .venv/bin/python benchmarks/broadcast.py --kill   # SIGKILL mid-broadcast, then restart
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.proc import cpu_seconds  # noqa: E402
from tests.support.fake_bot_api import Call, FakeBotApi, FakeUser  # noqa: E402
from tests.support.seed import seed_group  # noqa: E402

COORDINATOR = 1
TEXT = "The next group meeting is on Thursday at the library. Tea from 6pm."
# A few members keep using the bot meanwhile, each waiting a little between taps.
ACTIVE_MEMBERS = 10
# Mean seconds a member spends reading a reply and thinking before the next message; each
# pause is drawn between half and one and a half times this, and members start at random
# moments within one pause, so they do not all send in the same instant.
THINK_TIME = 15.0


def _spawn(
    env: dict[str, str], folder: Path, profile: Path | None = None
) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "bot", "run"]
    if profile is not None:
        command[1:1] = ["-m", "cProfile", "-o", str(profile)]
    return subprocess.Popen(
        command,
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _env(fake: FakeBotApi, folder: Path, rate: float) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHORUS_", "TELEGRAM_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        TELEGRAM_BOT_TOKEN=fake.token,
        CHORUS_BOT_API_URL=fake.base_url,
        CHORUS_DATABASE_URL=f"sqlite:///{folder / 'chorus.db'}",
        CHORUS_SECRET_KEY="b" * 48,
        CHORUS_ADMIN_IDS=str(COORDINATOR),
        CHORUS_SEND_RATE=str(rate),
        # Measured at any hour: the default quiet hours would hold the broadcast at night.
        CHORUS_QUIET_HOURS="off",
        CHORUS_LOG_LEVEL="WARNING",
    )
    return env


async def _answer(fake: FakeBotApi, user: FakeUser, since: float, wait: float = 30) -> Call:
    def mine(call: Call) -> bool:
        return (
            call.at >= since
            and call.method in ("sendMessage", "editMessageText")
            and call.params.get("chat_id") == user.id
            and TEXT not in str(call.params.get("text", ""))
        )

    return await fake.wait_for(mine, wait)


async def _start_broadcast(fake: FakeBotApi, coordinator: FakeUser) -> None:
    """The coordinator types /broadcast, the text, then Send now and Yes."""
    for text in ("/broadcast", TEXT):
        started = time.monotonic()
        fake.send_text(coordinator, text)
        await _answer(fake, coordinator, started)
    preview = await fake.wait_for_text(coordinator.id, "Above is exactly", timeout=30)
    for label in ("Send now", "Yes, send it"):
        message = preview if label == "Send now" else fake.last_message(coordinator.id)
        data = next(d for text, d in fake.buttons(message) if label in text)
        started = time.monotonic()
        fake.tap(coordinator, message["message_id"], data)
        await _answer(fake, coordinator, started)


async def _keep_asking(fake: FakeBotApi, user: FakeUser, stop: asyncio.Event) -> list[float]:
    """A member using the bot while the broadcast runs; returns reply times."""
    times: list[float] = []
    pauses = random.Random(user.id)
    await _pause(stop, pauses.uniform(0.0, THINK_TIME))
    while not stop.is_set():
        started = time.monotonic()
        fake.send_text(user, "/help")
        try:
            await _answer(fake, user, started)
            times.append(time.monotonic() - started)
        except AssertionError:  # no reply within 30 s: counted as never answered
            times.append(math.inf)
        await _pause(stop, pauses.uniform(0.5 * THINK_TIME, 1.5 * THINK_TIME))
    return times


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    """Waits `seconds`, or less if the run stops meanwhile."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


def _counts(fake: FakeBotApi, members: list[int]) -> tuple[int, int]:
    """Members who never got the broadcast, and extra copies anyone got."""
    lost = duplicates = 0
    for member in members:
        got = sum(TEXT in text for text in fake.texts_to(member))
        lost += got == 0
        duplicates += max(0, got - 1)
    return lost, duplicates


class _Progress:
    """Counts broadcast messages delivered so far, reading only calls new since last time
    (a full scan every half second would slow the fake server it shares a process with)."""

    def __init__(self, fake: FakeBotApi) -> None:
        self._fake = fake
        self._seen = 0
        self.members_reached: set[int] = set()
        self.sends = 0

    def update(self) -> None:
        calls = self._fake.calls
        for call in calls[self._seen :]:
            if call.status == 200 and _is_broadcast(call):
                self.sends += 1
                self.members_reached.add(int(call.params["chat_id"]))
        # A call still being answered is looked at again next time.
        while self._seen < len(calls) and calls[self._seen].status is not None:
            self._seen += 1


def _is_broadcast(call: Call) -> bool:
    return (
        call.method == "sendMessage"
        and TEXT in str(call.params.get("text", ""))
        # The coordinator's own preview holds the text too; it is not part of the broadcast.
        and call.params.get("chat_id") != COORDINATOR
    )


def _broadcast_sends(fake: FakeBotApi) -> list[Call]:
    return [c for c in fake.calls if c.status == 200 and _is_broadcast(c)]


async def run(
    members: int, rate: float, kill: bool, active: int, profile: Path | None = None
) -> dict[str, Any]:
    fake = FakeBotApi(
        # Telegram's own limits, which Chorus's configured rate stays under.
        limit_per_second=max(30.0, rate * 1.2),
        limit_private_interval=1.0,
        limit_group_per_minute=20,
        tolerance=0.05,
    )
    member_ids = list(range(100_000, 100_000 + members))
    async with fake:
        with tempfile.TemporaryDirectory() as raw_folder:
            folder = Path(raw_folder)
            await seed_group(folder / "chorus.db", COORDINATOR, member_ids, name="Everyone")
            for member in member_ids:
                fake.user(member, f"M{member}")
            coordinator = fake.user(COORDINATOR, "Coordinator")
            env = _env(fake, folder, rate)
            process = _spawn(env, folder, profile)
            restarts = 0
            try:
                await fake.wait_for(lambda c: c.method == "getUpdates", 60)
                await _start_broadcast(fake, coordinator)
                stop = asyncio.Event()
                askers = [
                    asyncio.create_task(_keep_asking(fake, fake.user(member_ids[i]), stop))
                    for i in range(min(active, members))
                ]
                deadline = time.monotonic() + 4 * members / rate + 60
                killed = False
                progress = _Progress(fake)
                cpu_before = cpu_seconds(process.pid)
                while time.monotonic() < deadline:
                    progress.update()
                    if kill and not killed and progress.sends >= members // 3:
                        process.send_signal(signal.SIGKILL)
                        await asyncio.to_thread(process.wait, 10)
                        process = _spawn(env, folder)
                        killed, restarts = True, restarts + 1
                    if len(progress.members_reached) == members:
                        break
                    await asyncio.sleep(0.5)
                cpu_used = cpu_seconds(process.pid) - cpu_before
                stop.set()
                reply_times = [t for times in await asyncio.gather(*askers) for t in times]
            finally:
                process.send_signal(signal.SIGTERM)
                await asyncio.to_thread(process.wait, 30)
    sends = _broadcast_sends(fake)
    first, last = min(c.at for c in sends), max(c.at for c in sends)
    achieved = (len(sends) - 1) / (last - first) if last > first else 0.0
    # Replies share the configured rate with the broadcast (and go first).
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
        "recipients": members,
        "configured rate": rate,
        "achieved rate": achieved,
        "ratio": achieved / rate,
        "total rate": total_rate,
        "seconds": last - first,
        "breaches": len(fake.breaches),
        "lost": lost,
        "duplicates": duplicates,
        "replies measured": len(reply_times),
        "reply p95": reply_times[int(0.95 * (len(reply_times) - 1))] if reply_times else 0.0,
        "restarts after SIGKILL": restarts,
        # Without a restart: the bot's CPU per message it sent while the broadcast ran.
        "cpu per message": cpu_used / max(1, len(everything)) if not restarts else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=180.0, help="CHORUS_SEND_RATE, messages/s")
    parser.add_argument("--kill", action="store_true", help="SIGKILL once, a third of the way")
    parser.add_argument(
        "--active", type=int, default=ACTIVE_MEMBERS, help="members using the bot meanwhile"
    )
    parser.add_argument("--profile", type=Path, help="write a cProfile of the bot here")
    args = parser.parse_args()
    result = asyncio.run(run(args.members, args.rate, args.kill, args.active, args.profile))
    print(f"recipients:            {result['recipients']}")
    print(f"configured rate:       {result['configured rate']:.1f} messages/s")
    print(
        f"achieved rate:         {result['achieved rate']:.1f} messages/s "
        f"({result['ratio']:.1%} of configured; target >= 95%) over {result['seconds']:.1f} s"
    )
    print(
        f"all messages sent:     {result['total rate']:.1f} messages/s, broadcast and replies "
        f"({result['total rate'] / result['configured rate']:.1%} of configured)"
    )
    if result["cpu per message"] is not None:
        print(
            f"bot CPU per message:   {result['cpu per message'] * 1000:.2f} ms "
            f"(user and system, while the broadcast ran)"
        )
    print(f"breaches of limits:    {result['breaches']}")
    print(f"lost:                  {result['lost']}")
    print(f"duplicates:            {result['duplicates']}")
    print(f"restarts after SIGKILL: {result['restarts after SIGKILL']}")
    print(
        f"member replies during the broadcast: {result['replies measured']}, "
        f"p95 {result['reply p95']:.2f} s (target < 2 s)"
    )


if __name__ == "__main__":
    main()
