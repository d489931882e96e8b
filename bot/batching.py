"""Group commit: many small writes gathered into one transaction while the last one runs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from bot.failures import describe

logger = logging.getLogger(__name__)

Item = TypeVar("Item")
# Seconds before a failed write is tried again when nothing new arrives meanwhile.
RETRY_AFTER = 1.0


class GroupCommit(Generic[Item]):
    """Writes items in batches: while one batch is being written the next gathers.

    At low load each item is written at once; under load a batch costs one transaction
    instead of one per item. Items not yet written when the process dies are lost, so only
    use it for writes whose loss is safe (the caller's docstring says why).
    """

    def __init__(self, write: Callable[[list[Item]], Awaitable[None]], name: str) -> None:
        self._write = write
        self._name = name
        self._pending: list[Item] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def start(self) -> None:
        """Start writing in the background."""
        self._task = asyncio.create_task(self._run(), name=self._name)

    def add(self, item: Item) -> None:
        """Queue an item for the next batch."""
        self._pending.append(item)
        self._wake.set()

    async def stop(self) -> None:
        """Stop, writing what is left. A write under way is let finish, not cancelled:
        cancelling it would lose its batch."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None
        await self._flush()

    async def _run(self) -> None:
        while not self._stopping:
            await self._wake.wait()
            self._wake.clear()
            await self._flush()

    async def _flush(self) -> None:
        batch, self._pending = self._pending, []
        if batch:
            try:
                await self._write(batch)
            except Exception as exc:  # kept for the next batch, tried again shortly
                logger.error(
                    "%s: could not write %d item(s): %s", self._name, len(batch), describe(exc)
                )
                self._pending[:0] = batch
                if not self._stopping:
                    asyncio.get_running_loop().call_later(RETRY_AFTER, self._wake.set)
                return
