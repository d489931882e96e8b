"""The periodic ticks by name, with each run counted.

The JobQueue runs every tick through here, and the delivery worker counts its rounds here.
Counting lets a test run a tick now, or wait until a run that started after a given moment
has finished, instead of sleeping and hoping a tick came meanwhile. One `Ticks` is made
with each application; nothing here is shared between runs.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any


@dataclass
class _Waiter:
    """Someone waiting for `left` more runs, numbered above `after`, to finish."""

    after: int
    left: int
    done: asyncio.Future[None]


class Ticks:
    """Runs the named ticks and counts, per name, the runs started and finished."""

    def __init__(self) -> None:
        self._work: dict[str, Callable[[], Awaitable[object]]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._started: dict[str, int] = {}
        self._finished: dict[str, int] = {}
        self._waiters: dict[str, list[_Waiter]] = {}

    def add(
        self, name: str, work: Callable[[], Awaitable[object]]
    ) -> Callable[[object], Coroutine[Any, Any, None]]:
        """Name a tick's work; returns the callback for the JobQueue to run it by."""
        self._work[name] = work
        self._locks[name] = asyncio.Lock()

        async def job(_context: object) -> None:
            await self.run(name)

        return job

    def knows(self, name: str) -> bool:
        """True once a tick of this name has been added (the application is built)."""
        return name in self._work

    async def run(self, name: str) -> None:
        """Run the tick once now and return when it has finished. Runs of one tick never
        overlap: this waits for a run already under way."""
        async with self._locks[name], self.counted(name):
            await self._work[name]()

    @contextlib.asynccontextmanager
    async def counted(self, name: str) -> AsyncIterator[None]:
        """Count one run of `name` (work with a loop of its own, such as the delivery
        worker's rounds, counts its rounds with this)."""
        number = self.begin(name)
        try:
            yield
        finally:
            self.end(name, number)

    def begin(self, name: str) -> int:
        """A run of `name` starts; returns its number, for `end`."""
        number = self._started.get(name, 0) + 1
        self._started[name] = number
        return number

    def end(self, name: str, number: int) -> None:
        """The run `number` of `name` has finished (whether or not it failed)."""
        self._finished[name] = self._finished.get(name, 0) + 1
        waiting = self._waiters.get(name)
        if not waiting:
            return
        for waiter in waiting:
            if number > waiter.after and not waiter.done.done():
                waiter.left -= 1
                if waiter.left <= 0:
                    waiter.done.set_result(None)
        self._waiters[name] = [w for w in waiting if not w.done.done()]

    def finished(self, name: str) -> int:
        """How many runs of `name` have finished so far."""
        return self._finished.get(name, 0)

    def next_runs(self, name: str, count: int = 1) -> asyncio.Future[None]:
        """Done once `count` runs of `name` that start after THIS CALL (not after the
        await) have finished."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(name, []).append(_Waiter(self._started.get(name, 0), count, done))
        return done
