"""Sharing: the daily batch that gives held anonymous items to the coordinators."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime

from bot.crypto import SealError
from bot.services.sharing.base import (
    SharingBase,
)

logger = logging.getLogger(__name__)


class Batch(SharingBase):
    """The daily batch of held anonymous items."""

    # --- the daily batch ------------------------------------------------------------------------

    async def release_held(self, now: datetime | None = None) -> int:
        """Give the coordinators every anonymous item whose batch has come by `now` (the
        clock's moment unless given); how many.

        They join the items all at once, in random order, in a commit of their own. On an
        SQLite file the write-ahead log is emptied first, so no file holds both the commits
        that held an item, next to its author's, and the one that stores it; and again after.
        """
        now = now or self._clock.now()
        async with self._storage.read() as tx:
            if not await tx.items.held(now):
                return 0
        await self._storage.checkpoint()
        async with self._storage.transaction() as tx:
            held = await tx.items.held(now, claim=True)
            items = []
            for _, sealed in held:
                try:
                    items.append(self._open_held(sealed))
                except (SealError, ValueError, TypeError) as exc:
                    # Sealed under another key, or damaged: it can never be read again.
                    logger.error("a held item could not be read; dropped: %s", type(exc).__name__)
            secrets.SystemRandom().shuffle(items)
            for item in items:
                await tx.items.add(item)
            await tx.items.drop_held(*(item_id for item_id, _ in held))
        await self._storage.checkpoint()
        return len(items)
