"""Waiting for what a test needs, never for a while: a condition, or a statement run."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager


async def until(condition: Callable[[], bool], within: float = 5.0) -> None:
    """Wait until `condition` holds (other tasks and threads run meanwhile); fail if it does
    not within `within` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition():
        assert loop.time() < deadline, "what the test waits for never happened"
        await asyncio.sleep(0.001)


@contextmanager
def statements_run(raw: sqlite3.Connection) -> Iterator[list[str]]:
    """Every statement SQLite starts on `raw` while the block runs, in order."""
    run: list[str] = []
    raw.set_trace_callback(run.append)
    try:
        yield run
    finally:
        raw.set_trace_callback(None)
