"""The update journal: every update is stored before Telegram is told it arrived.

An update is written to the journal first, then acknowledged (by the next `getUpdates`
offset, or by the webhook's 200), then handled. Its journal row is removed in the same
transaction as the handler's first write (see `Storage.transaction`), or right after a
handler that writes nothing. A handler whose effect is the same however often it runs (see
`storage.database.handled_again_until_done`) keeps the row until it has replied. Whatever is
still in the journal at start-up is handled again; so is an update a stop cut short.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Sequence
from datetime import timedelta
from typing import Any

from telegram import Bot, Update
from telegram.ext import BaseUpdateProcessor

from bot.batching import GroupCommit
from bot.clock import Clock
from bot.crypto import Sealer, SealError
from bot.failures import describe
from storage.database import Storage

# Handlers mark the update they handle as one that may be handled again until they finish
# (its row is kept until its replies are sent): through intake, which owns the journal.
from storage.database import handled_again_until_done as handled_again_until_done

logger = logging.getLogger(__name__)

# Telegram keeps an unacknowledged update for 24 hours, so an update can come again only
# within a day of its first delivery. An id seen longer ago than that is not a redelivery:
# after a week without updates Telegram numbers them afresh from a random start, and an old
# id coming back then is someone's new message.
SEEN_MEMORY = timedelta(hours=25)
# With replicas: how often a replica looks again whether an older update of the chat,
# held by another replica, has been handled.
TURN_POLL = 0.05
# Raw updates hold a sender and their words; they are sealed even for the moment they are
# kept, since old copies of a deleted row can linger in SQLite's write-ahead log.
UPDATE_PURPOSE = "journal.update"
CHAT_PURPOSE = "replica.chat"


class UpdateJournal:
    """Stores incoming updates, hands new ones to the application, and replays leftovers."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        bot: Bot,
        queue: asyncio.Queue[object],
        sealer: Sealer,
    ) -> None:
        self._sealer = sealer
        self._storage = storage
        self._clock = clock
        self._bot = bot
        self._queue = queue

    async def admit(self, updates: Sequence[dict[str, Any]]) -> int:
        """Store the updates not seen before, then queue them; return how many were new.

        Raises if they could not be stored, so the caller does not acknowledge them.
        """
        pairs = [
            (int(raw["update_id"]), self._sealer.seal(json.dumps(raw), UPDATE_PURPOSE))
            for raw in updates
        ]
        # Each update is read once: for its chat (replicas) and to be handled.
        read = {int(raw["update_id"]): self._read(raw) for raw in updates}
        tags = self._chat_tags(read) if self._storage.claimer is not None else None
        async with self._storage.transaction() as tx:
            now = self._clock.now()
            fresh = await tx.journal.add_new(pairs, now, now - SEEN_MEMORY, tags)
        if len(fresh) < len(pairs):
            logger.info("ignored %d update(s) delivered before", len(pairs) - len(fresh))
        waiting = set(fresh)
        for raw in updates:
            update_id = int(raw["update_id"])
            if update_id in waiting:
                # Discard so an update repeated within one batch is queued once.
                waiting.discard(update_id)
                await self._enqueue(update_id, read[update_id])
        return len(fresh)

    def _chat_tags(self, read: dict[int, Update | Exception]) -> dict[int, int]:
        """Replicas: each update's chat, as a keyed hash (see `bot.replicas.chat_tag`);
        none for an update that could not be read (it is dropped when it is queued)."""
        return {
            update_id: chat_tag(self._sealer, _chat_key(update))
            for update_id, update in read.items()
            if isinstance(update, Update)
        }

    def _read(self, raw: dict[str, Any]) -> Update | Exception:
        """The update as PTB reads it, or why it could not be read."""
        try:
            return Update.de_json(raw, self._bot)
        except Exception as exc:  # a malformed update must not stop the ones after it
            return exc

    async def replay(self) -> int:
        """Queue every update left unhandled by an earlier run; return how many.

        With replicas: only updates no other live replica holds (they are claimed for this
        one); the rest are that replica's to handle.
        """
        if self._storage.claimer is not None:
            async with self._storage.transaction() as tx:
                pending = await tx.journal.pending(self._clock.now())
        else:
            async with self._storage.read() as tx:
                pending = await tx.journal.pending()
        await self._queue_stored(pending)
        if pending:
            logger.info("handling %d update(s) left from before the restart", len(pending))
        return len(pending)

    async def take_over(self) -> int:
        """Replicas: queue the updates of a replica whose claims ran out; return how many."""
        async with self._storage.transaction() as tx:
            taken = await tx.journal.take_over(self._clock.now())
        await self._queue_stored(taken)
        return len(taken)

    async def _queue_stored(self, pending: list[tuple[int, str]]) -> None:
        for update_id, payload in pending:
            try:
                raw = json.loads(self._sealer.open(payload, UPDATE_PURPOSE))
            except SealError:
                # Stored before updates were sealed, or under another key.
                raw = _plain_or_none(payload)
            if raw is None:
                logger.error("update %d could not be read; dropped", update_id)
                await self._storage.settle(update_id)
                continue
            await self._enqueue(update_id, self._read(raw))

    async def prune(self) -> int:
        """Forget handled update ids old enough that Telegram will not send them again."""
        async with self._storage.transaction() as tx:
            return await tx.journal.prune_seen(self._clock.now() - SEEN_MEMORY)

    async def _enqueue(self, update_id: int, update: Update | Exception) -> None:
        if isinstance(update, Exception):
            logger.error("update %d could not be read; dropped: %s", update_id, describe(update))
            await self._storage.settle(update_id)
            return
        await self._queue.put(update)


class JournalUpdateProcessor(BaseUpdateProcessor):
    """Handles updates concurrently, one at a time per chat, settling each journal row."""

    def __init__(self, storage: Storage, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._storage = storage
        # Updates whose handlers wrote nothing are settled in batches. A crash before a
        # batch is written means they are handled again after the restart: their handlers
        # wrote nothing, so at most a reply is repeated.
        self._settler: GroupCommit[int] = GroupCommit(self._settle, "chorus-settler")
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        # Handlers running now, and whether a stop has begun (then none start).
        self._handling: set[asyncio.Future[Any]] = set()
        self._stopping = False
        # Replicas: updates' chats as stored (set by `keep_order_across_replicas`).
        self._sealer: Sealer | None = None

    def keep_order_across_replicas(self, sealer: Sealer) -> None:
        """Handle an update only once older stored updates of its chat held by other
        replicas are handled (replicas; this process keeps its own order in memory)."""
        self._sealer = sealer

    async def _wait_for_turn(self, update: Update) -> None:
        """Replicas: wait while another replica holds an older update of this chat."""
        if self._sealer is None:
            return
        tag = chat_tag(self._sealer, _chat_key(update))
        claimer = self._storage.claimer
        # An older update left unhandled by a replica that lives on (its handler failed)
        # holds the chat up for one lease at most.
        patience = claimer.lease.total_seconds() if claimer is not None else 0.0
        loop = asyncio.get_running_loop()
        give_up = loop.time() + patience
        while not self._stopping:
            async with self._storage.read() as tx:
                if not await tx.journal.waits_behind(update.update_id, tag):
                    return
            if loop.time() >= give_up:
                logger.warning(
                    "update %d handled before an older one of its chat", update.update_id
                )
                return
            await asyncio.sleep(TURN_POLL)

    async def initialize(self) -> None:
        """Start settling handled updates."""
        self._settler.start()

    async def shutdown(self) -> None:
        """Settle what is left."""
        await self._settler.stop()

    async def _settle(self, update_ids: list[int]) -> None:
        await self._storage.settle(*update_ids)

    async def stop_handling(self, grace: float) -> None:
        """Start no more updates; let those being handled finish within `grace` seconds, then
        cancel them. An update not finished stays in the journal and is handled after the
        restart (one whose write was committed was settled with it, so is not applied twice).
        """
        self._stopping = True
        running = set(self._handling)
        if not running:
            return
        _, late = await asyncio.wait(running, timeout=grace)
        for handling in late:
            handling.cancel()
        if late:
            logger.info("stopping: %d update(s) left for after the restart", len(late))
            await asyncio.wait(late)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the handlers for `update`, in order within its chat, then settle its row."""
        if not isinstance(update, Update):
            await coroutine
            return
        key = _chat_key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await self._wait_for_turn(update)
                if self._stopping:
                    _close(coroutine)  # still in the journal: handled after the restart
                    return
                with self._storage.settling(update.update_id) as state:
                    # A task of its own (seeing this update's settling state), so that a stop
                    # can cancel it.
                    handling = asyncio.ensure_future(coroutine)
                    self._handling.add(handling)
                    try:
                        await handling
                    except asyncio.CancelledError:
                        if not (self._stopping and handling.cancelled()):
                            raise
                        return
                    finally:
                        self._handling.discard(handling)
                if not state.settled:
                    # The handlers wrote nothing (or failed before writing), or their effect is
                    # the same if handled again and they have now replied.
                    self._settler.add(update.update_id)
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key]
                del self._locks[key]


def _close(coroutine: Awaitable[Any]) -> None:
    close = getattr(coroutine, "close", None)
    if close is not None:
        close()


def _plain_or_none(payload: str) -> dict[str, Any] | None:
    try:
        raw = json.loads(payload)
    except ValueError:
        return None
    return raw if isinstance(raw, dict) else None


def chat_tag(sealer: Sealer, chat: int | str) -> int:
    """Replicas: a chat's keyed hash, as stored (never its id); 63 bits, fits a BIGINT."""
    return int(sealer.fingerprint(str(chat), CHAT_PURPOSE), 16) >> 1


def _chat_key(update: Update) -> int:
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return 0
