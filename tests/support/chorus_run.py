"""Running the real Chorus (in this process, or as a separate one) against the fake Bot API."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.clock import Clock
from bot.outbox.delivery import ROUND
from bot.runner import serve
from bot.settings import Settings, load_settings
from bot.ticks import Ticks
from tests.support.clock import midday
from tests.support.database import database_url
from tests.support.fake_bot_api import Call, FakeBotApi

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "k" * 48


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody is listening on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def chorus_env(fake: FakeBotApi, folder: Path, **extra: str) -> dict[str, str]:
    """Environment variables for a Chorus process talking to `fake`, with its data in `folder`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CHORUS_") and key != "TELEGRAM_BOT_TOKEN"
    }
    env.update(
        TELEGRAM_BOT_TOKEN=fake.token,
        CHORUS_BOT_API_URL=fake.base_url,
        CHORUS_DATABASE_URL=database_url(folder),
        CHORUS_SECRET_KEY=SECRET_KEY,
        CHORUS_LOG_LEVEL="INFO",
        CHORUS_PRIVATE_CHAT_INTERVAL="0",
    )
    env.update(extra)
    return env


def settings_for(fake: FakeBotApi, folder: Path, **overrides: Any) -> Settings:
    """Settings for an in-process Chorus talking to `fake`."""
    values: dict[str, Any] = {
        "TELEGRAM_BOT_TOKEN": fake.token,
        "bot_api_url": fake.base_url,
        "database_url": database_url(folder),
        "secret_key": SECRET_KEY,
        # A person tapping through a journey gets one reply per tap; spacing them a second
        # apart, as for real chats, would only slow the tests. Tests of the limits set it.
        "private_chat_interval": 0.0,
    }
    values.update(overrides)
    return load_settings(**values)


@dataclass
class RunningChorus:
    """A Chorus running in this process, with its ticks for the test to drive."""

    settings: Settings
    stop: asyncio.Event
    task: asyncio.Task[None]
    ticks: Ticks

    async def tick(self, *names: str, timeout: float = 15) -> None:
        """Run these ticks now, one after another, then wake the delivery worker and wait
        for a round of it that began after them. Whatever they queued that was due has
        then reached the fake Bot API (its first message, at least), so a test can go on
        to assert that nothing was sent."""

        async def ticked() -> None:
            for name in names:
                await self.ticks.run(name)
            delivered = self.ticks.next_runs(ROUND)
            await self.ticks.run("delivery")
            await delivered

        await asyncio.wait_for(ticked(), timeout)


def _is_ready(settings: Settings, call: Call) -> bool:
    if settings.webhook_url is not None:
        return call.method == "setWebhook"
    return call.method == "getUpdates"


@contextlib.asynccontextmanager
async def running_chorus(
    settings: Settings, fake: FakeBotApi, clock: Clock | None = None
) -> AsyncIterator[RunningChorus]:
    """Run Chorus until the block ends; ready once it listens for updates.

    The clock defaults to real time starting at midday, so that no test depends on the
    hour it runs at (quiet hours hold messages at night)."""
    stop = asyncio.Event()
    # Ready once THIS run listens: a restart in the same test must not match the last run's.
    began = time.monotonic()
    ticks = Ticks()
    task = asyncio.create_task(serve(settings, stop, clock or midday(), ticks=ticks))
    ready = asyncio.create_task(
        fake.wait_for(lambda call: call.at >= began and _is_ready(settings, call), 15)
    )
    done, _ = await asyncio.wait({task, ready}, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        ready.cancel()
        task.result()  # raises why it stopped
        raise AssertionError("Chorus stopped before it was ready")
    await ready
    # The day's notice to coordinators is decided now, before the test acts, rather than
    # at the first tick a second later, when it could catch a test halfway (and name a
    # member the test has just seen join).
    await ticks.run("followup")
    try:
        yield RunningChorus(settings, stop, task, ticks)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


def spawn_chorus(env: dict[str, str], folder: Path) -> subprocess.Popen[bytes]:
    """Start `chorus run` as its own process (for tests that kill it)."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
