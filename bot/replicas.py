"""Replicas (CHORUS_REPLICAS, PostgreSQL, webhook mode): several Chorus processes, one bot.

Each replica claims its work with leases (storage/replicas.py) and, every few seconds here:
says it is alive, renews its leases, takes over the stored updates of a replica whose
leases ran out, and sets its share of the overall send rate to one part in the number of
replicas alive. A chat's own limit is shared through the database (`SharedChats`), so it
holds whichever replica sends, and so is the pause after a 429 (Telegram's limits are the
bot's, not one process's); each periodic tick runs once per interval across them all
(`take_tick`).

A replica starting sends nothing for a few seconds, until the others have seen it and
lowered their share, so the overall rate is never exceeded while replicas come and go;
a replica that dies leaves its share unused until it is no longer counted alive.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import timedelta

from bot.clock import Clock
from bot.crypto import Sealer
from bot.failures import describe
from bot.intake.journal import UpdateJournal, chat_tag
from bot.outbox.ratelimit import GROUP_WINDOW, ChatKey, ChorusRateLimiter, Limits
from storage.database import Storage
from storage.replicas import Claimer, renew_leases

logger = logging.getLogger(__name__)

# Seconds between two heartbeats (less with leases under 8 s: a quarter of the lease); a
# replica unseen for ALIVE_BEATS of them is not counted.
BEAT = 2.0
ALIVE_BEATS = 3
# A starting replica waits this long before sending: every other replica has beaten (and
# taken its smaller share) by then.
START_QUIET = BEAT * 1.5
# A chat's pace is forgotten this long after it stopped mattering.
CHAT_MEMORY = 60.0
# A tick taken by one replica next falls due after this share of its interval, so timers
# firing a little early still find it due once per interval.
TICK_SLACK = 0.9


async def take_tick(
    storage: Storage, clock: Clock, name: str, interval: timedelta, replica: str
) -> bool:
    """True if this replica runs the tick `name` now (no other ran it this interval)."""
    now = clock.now()
    async with storage.apart() as tx:
        return await tx.replicas.take_tick(name, now, now + interval * TICK_SLACK, replica)


class SharedChats:
    """A chat's own limit (one message a second to a person, 20 a minute to a group, spread
    evenly) kept in the database, so it holds across replicas."""

    def __init__(self, storage: Storage, sealer: Sealer, limits: Limits, replica: str) -> None:
        self._replica = replica
        self._storage = storage
        self._sealer = sealer
        self._limits = limits

    def interval(self, chat: ChatKey) -> float:
        """Seconds between two messages to this chat."""
        if isinstance(chat, int) and chat > 0:
            return self._limits.private_chat_interval
        return GROUP_WINDOW / self._limits.group_chat_per_minute

    async def reserve(self, chat: ChatKey, moment: float, hold: float) -> float | None:
        """Reserve the chat from `moment` (epoch seconds) for its interval and `hold` more;
        None if done, else when it is free. A request to no one chat (an inline message
        edited by its id), or to a chat with no interval of its own, reserves nothing but
        still waits out a pause after a 429 that any replica met."""
        interval = 0.0 if chat is None else self.interval(chat)
        if chat is None or interval <= 0:
            async with self._storage.apart(each_statement=True) as tx:
                return await tx.replicas.paused_until(moment)
        tag = chat_tag(self._sealer, chat)
        async with self._storage.apart(each_statement=True) as tx:
            return await tx.replicas.reserve_chat(tag, moment, interval + hold, self._replica)

    async def pause(self, until: float) -> None:
        """Telegram answered 429: every replica sends nothing before `until` (epoch s)."""
        async with self._storage.apart(each_statement=True) as tx:
            await tx.replicas.pause_sending(until, self._replica)


class ReplicaLife:
    """This replica's heartbeat, lease renewal, take-over of updates and rate share."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        claimer: Claimer,
        limiter: ChorusRateLimiter,
        journal: UpdateJournal,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._claimer = claimer
        self._limiter = limiter
        self._journal = journal
        self._task: asyncio.Task[None] | None = None
        self._alive = 0
        # Leases are renewed at every beat, several times within each lease.
        self._every = min(BEAT, claimer.lease.total_seconds() / 4)

    async def start(self) -> None:
        """Say this replica is alive, take its share, and send nothing for a moment."""
        self._limiter.scheduler.pause_until(self._limiter.now() + START_QUIET)
        await self._beat()
        self._task = asyncio.create_task(self._run(), name="chorus-replica")

    async def stop(self) -> None:
        """Stop beating; the others take this replica's share at their next beat."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(Exception):
            now = self._clock.now()
            async with self._storage.apart() as tx:
                await tx.replicas.leave(self._claimer.replica, now - timedelta(days=1))

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._every)
            try:
                await self._beat()
            except Exception as exc:  # the next beat tries again; leases last several beats
                logger.error("replica heartbeat failed: %s", describe(exc))

    async def _beat(self) -> None:
        now = self._clock.now()
        async with self._storage.apart() as tx:
            await tx.replicas.beat(self._claimer.replica, now)
            alive = await tx.replicas.alive(now - timedelta(seconds=self._every * ALIVE_BEATS))
            await renew_leases(tx.conn, self._claimer, now)
            await tx.replicas.forget_chats(time.time() - CHAT_MEMORY)
        if max(1, alive) != self._alive:
            self._alive = max(1, alive)
            logger.info("%d replica(s) alive: this one sends 1/%d of the rate", alive, alive)
        self._limiter.scheduler.share(self._alive)
        taken = await self._journal.take_over()
        if taken:
            logger.info("took over %d update(s) from a replica that stopped", taken)


def claimer_for(replica: str, lease_seconds: float) -> Claimer:
    """This replica's claimer."""
    return Claimer(replica, timedelta(seconds=lease_seconds))
