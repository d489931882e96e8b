"""Running the try-out in this process, for tests."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.tryout.run import TryoutOptions, serve_tryout
from bot.tryout.server import TryoutApi
from tests.support.clock import midday


@dataclass
class RunningTryout:
    """A try-out running in this process."""

    api: TryoutApi
    output: io.StringIO
    task: asyncio.Task[None]


@contextlib.asynccontextmanager
async def running_tryout(folder: Path) -> AsyncIterator[RunningTryout]:
    """The try-out on a free port with its data in `folder`, until the block ends."""
    stop = asyncio.Event()
    output = io.StringIO()
    ready: asyncio.Future[TryoutApi] = asyncio.get_running_loop().create_future()
    options = TryoutOptions(port=0, data_dir=folder)
    task = asyncio.create_task(
        serve_tryout(options, stop, midday(), output, started=ready.set_result)
    )
    either: set[asyncio.Future[Any]] = {task, ready}
    done, _ = await asyncio.wait(either, timeout=30, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        task.result()
        raise AssertionError("the try-out stopped before it was ready")
    if ready not in done:
        task.cancel()
        raise AssertionError("the try-out was not ready within 30 s")
    try:
        yield RunningTryout(ready.result(), output, task)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
