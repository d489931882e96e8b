"""The delivery worker: sends what is due in the outbox, at Telegram's pace, once.

Each message is marked as being sent before the call and recorded right after it, so a
crash at any point leaves at most the messages in flight to be sent again on restart.
The worker also releases scheduled broadcasts and keeps their progress messages current.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.batching import GroupCommit
from bot.clock import Clock
from bot.context import ChorusBot
from bot.crypto import Sealer
from bot.failures import describe
from bot.outbox.ratelimit import Pace, retry_seconds
from bot.outbox.taken_back import TOO_OLD_TO_DELETE, cover
from bot.presentation import callbacks, texts
from bot.presentation.callbacks import Action
from bot.presentation.languages import ENGLISH, Reader, reader_of, reading_for
from bot.presentation.outgoing import Payload, Reading, render
from bot.presentation.texts import Raw, label, say
from bot.services.broadcasts import Broadcasts, Progress
from bot.services.delivery_rules import (
    anonymous_recheck,
    open_payload,
    open_return_address,
    quiet_until,
    retry_delay,
)
from bot.services.withdrawal import AlertKeys, record_delivery, sent_message
from bot.ticks import Ticks
from storage.database import Storage
from storage.outbox import OutboxJob, OutboxNew

logger = logging.getLogger(__name__)

# The worker's rounds, as counted in `Ticks`.
ROUND = "delivery-round"
# Reporting broadcasts' progress, run once across replicas.
PROGRESS = "broadcast-progress"
# Messages being sent at once, and claimed rows kept ready behind them (so claiming, a
# write, runs while others send). Stopping a broadcast drops its ready rows; only the
# ones in flight can still arrive.
IN_FLIGHT = 8
READY = 16
PROGRESS_EVERY = 3.0
IDLE_WAIT = 1.0
# A paused member's queued rows are not claimed, except those to an anonymous
# contributor, whose person is known only once the return address is opened: those wait
# and are looked at again after this long.
PAUSED_RECHECK = timedelta(hours=1)
# A message to one person that could not be sent at once (see `queue_notice`).
NOTICE_KIND = "notice"


@dataclass(frozen=True)
class _Recipient:
    """Where a queued message goes, and that person's own delivery settings."""

    chat_id: int
    person_id: int
    paused: bool
    unreachable: bool
    quiet_hours: str | None
    # Who the message is worded for: the person's language and easy-read setting.
    reader: Reader = ENGLISH


class DeliveryWorker:
    """Claims due outbox rows and sends them; started and stopped with the application."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        bot: ChorusBot,
        zone: ZoneInfo,
        broadcasts: Broadcasts,
        send_rate: float,
        quiet_hours: str,
        sealer: Sealer,
        ticks: Ticks,
        gate: Callable[[str, timedelta], Awaitable[bool]] | None = None,
    ) -> None:
        self._storage = storage
        # Replicas: progress is reported by one replica at a time (see bot/replicas.py).
        self._gate = gate
        self._ticks = ticks
        self._sealer = sealer
        self._clock = clock
        self._bot = bot
        self._zone = zone
        self._broadcasts = broadcasts
        self._rate = send_rate
        self._quiet_hours = quiet_hours
        self._wake = asyncio.Event()
        self._sends: set[asyncio.Task[None]] = set()
        self._ready: collections.deque[OutboxJob] = collections.deque()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        # "Sent" is recorded in batches. A crash before a batch is written sends those
        # messages again after the restart: at most one extra copy each, as for a message
        # in flight at the crash.
        self._sent: GroupCommit[int] = GroupCommit(self._record_sent, "chorus-sent")

    async def start(self) -> None:
        """Return messages left mid-send by a crash to the queue, then start working."""
        async with self._storage.transaction() as tx:
            # With replicas only this one's own claims, and claims that ran out.
            released = await tx.outbox.release_claims(self._clock.now())
        if released:
            logger.info("%d message(s) were mid-send when Chorus stopped; sending again", released)
        self._sent.start()
        self._task = asyncio.create_task(self._run(), name="chorus-delivery")

    def kick(self) -> None:
        """Look for due work now rather than at the next tick."""
        self._wake.set()

    async def queue_notice(self, telegram_id: int, text: str, dedupe_key: str) -> bool:
        """Queue a short message for a person, to go as soon as Telegram takes it (say, what
        was saved, when telling them at once failed); False if the person is not known."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return False
            notice = OutboxNew(
                dedupe_key, NOTICE_KIND, person.id, Payload(text).dumps(), now, urgent=True
            )
            await tx.outbox.enqueue([notice], now)
        self.kick()
        return True

    async def stop(self) -> None:
        """Stop claiming; let messages already being sent finish; queue the rest again."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task
        if self._sends:
            await asyncio.wait(self._sends, timeout=10)
        await self._sent.stop()
        await self._unclaim_ready(lambda job: True, "pending")

    async def drop_broadcast(self, broadcast_id: int) -> None:
        """A stopped broadcast: its rows claimed but not yet being sent are cancelled."""
        await self._unclaim_ready(lambda job: job.broadcast_id == broadcast_id, "cancelled")

    async def _unclaim_ready(self, which: Callable[[OutboxJob], bool], state: str) -> None:
        dropped = [job for job in self._ready if which(job)]
        if not dropped:
            return
        self._ready = collections.deque(job for job in self._ready if not which(job))
        async with self._storage.transaction() as tx:
            await tx.outbox.unclaim([job.id for job in dropped], state)

    async def _run(self) -> None:
        last_progress = 0.0
        loop = asyncio.get_running_loop()
        reporting: asyncio.Task[None] | None = None
        while not self._stopping:
            # Counted, so that a test can wait for a round that began after something.
            round_number = self._ticks.begin(ROUND)
            try:
                await self._broadcasts.release_due()
                claimed = await self._claim_and_send()
                due = loop.time() - last_progress >= PROGRESS_EVERY
                if due and self._gate is not None:
                    last_progress = loop.time()
                    due = await self._gate(PROGRESS, timedelta(seconds=PROGRESS_EVERY))
                if due and (reporting is None or reporting.done()):
                    # Its own task: an edit may wait its turn for the coordinator's chat
                    # (one message a second), and sending must not wait with it.
                    last_progress = loop.time()
                    reporting = asyncio.create_task(self._report_progress())
            except Exception as exc:  # the worker outlives any one failure; rows stay queued
                logger.error("delivery round failed: %s", describe(exc))
                claimed = 0
            self._ticks.end(ROUND, round_number)
            if not claimed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), IDLE_WAIT)
                self._wake.clear()

    async def _claim_and_send(self) -> int:
        """Keep the ready queue topped up and the sending places full; returns 0 when there
        is nothing to do (the loop then waits for a kick)."""
        if len(self._ready) < READY // 2:
            async with self._storage.transaction() as tx:
                claimed = await tx.outbox.claim_due(self._clock.now(), READY - len(self._ready))
            self._ready.extend(claimed)
        while self._ready and len(self._sends) < IN_FLIGHT:
            task = asyncio.create_task(self._deliver(self._ready.popleft()))
            self._sends.add(task)
            task.add_done_callback(self._sends.discard)
        if not self._ready and not self._sends:
            return 0
        if len(self._sends) >= IN_FLIGHT or not self._ready:
            await asyncio.wait(self._sends, return_when=asyncio.FIRST_COMPLETED)
        return 1

    async def _deliver(self, job: OutboxJob) -> None:
        try:
            await self._attempt(job)
        except Exception as exc:  # recorded as failed; never retried in a loop
            logger.error("outbox row %d could not be sent: %s", job.id, describe(exc))
            await self._finish(job, "failed", "error: unexpected")

    async def _attempt(self, job: OutboxJob) -> None:
        recipient = await self._recipient(job)
        if recipient is None:
            await self._finish(job, "failed", "refused: no address")
            return
        if recipient.unreachable:
            await self._finish(job, "skipped", "blocked: earlier")
            return
        if not job.urgent and await self._held(job, recipient):
            return
        try:
            with reading_for(recipient.reader):
                await self._send_parts(job, recipient.chat_id)
        except TelegramError as exc:
            await self._failed(job, recipient, exc)
        else:
            self._sent.add(job.id)

    async def _held(self, job: OutboxJob, recipient: _Recipient) -> bool:
        """Hold a message that is not urgent while its person has paused or is in quiet
        hours; True if it was held."""
        now = self._clock.now()
        if recipient.paused:
            later = now + PAUSED_RECHECK
            await self._retry(job, self._held_until(job, later), None, count_attempt=False)
            return True
        until = quiet_until(now, self._zone, recipient.quiet_hours, self._quiet_hours)
        if until is not None:
            await self._retry(job, self._held_until(job, until), None, count_attempt=False)
            return True
        return False

    async def _failed(self, job: OutboxJob, recipient: _Recipient, exc: TelegramError) -> None:
        """Record what Telegram's refusal means: later, never, or the person unreachable."""
        if isinstance(exc, RetryAfter):
            until = self._clock.now() + timedelta(seconds=retry_seconds(exc))
            await self._retry(job, until, "rate limited", False)
        elif isinstance(exc, Forbidden):
            if job.return_address is not None:
                # Marking the person here would write their row in the same commit as, and
                # with the same time as, a row that leads to an anonymous item: the failure
                # stands alone, and a message sent to them by name marks them.
                await self._finish(job, "failed", f"blocked: {exc.message}"[:200])
            else:
                await self._unreachable(job, recipient.person_id, exc.message)
        elif isinstance(exc, BadRequest):
            await self._finish(job, "failed", f"refused: {exc.message}"[:200])
        elif isinstance(exc, NetworkError):
            delay = retry_delay(job.attempts)
            reason = f"network: {type(exc).__name__}"
            if delay is None:
                await self._finish(job, "failed", reason)
            else:
                await self._retry(job, self._clock.now() + delay, reason)
        else:
            raise exc

    def _held_until(self, job: OutboxJob, due: datetime) -> datetime:
        """When to try a held message again: for an anonymous contributor not a time from
        their own settings (see `anonymous_recheck`)."""
        return due if job.return_address is None else anonymous_recheck(self._clock.now())

    async def _recipient(self, job: OutboxJob) -> _Recipient | None:
        """The person a row goes to; for an anonymous contributor, found only now, by
        opening the sealed return address."""
        if job.return_address is None:
            if job.chat_id is None or job.person_id is None:
                return None
            return _Recipient(
                job.chat_id,
                job.person_id,
                job.paused,
                job.unreachable,
                job.quiet_hours,
                reader_of(job.language, job.easy_read),
            )
        telegram_id = open_return_address(self._sealer, job.return_address)
        if telegram_id is None:
            return None
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
        if person is None:
            return None
        return _Recipient(
            person.chat_id,
            person.id,
            person.paused,
            person.unreachable_at is not None,
            person.quiet_hours,
            reader_of(person.language, person.easy_read),
        )

    async def _send_parts(self, job: OutboxJob, chat_id: int) -> None:
        # Rendered now, not when it was queued: the words, zone and day of sending, in the
        # recipient's language (set by the caller, `reading_for`).
        reading = Reading(self._zone, self._clock.now())
        payload = render(open_payload(self._sealer, job.payload), reading)
        if payload.delete and payload.edit is not None:
            await self._delete(chat_id, payload.edit, payload.text)
            return
        parts = texts.split_message(payload.text)
        markup = _markup(payload.buttons)
        if payload.edit is not None:
            await self._edit(chat_id, payload.edit, parts[0], markup)
            return
        shown: list[int] = []
        # A file comes after the text, as one more part: a crash between them sends only
        # what had not gone yet.
        total = len(parts) + (payload.document is not None)
        for index in range(job.parts_sent, total):
            if index < len(parts):
                keys = markup if index == len(parts) - 1 else None
                shown.append(await self._send_text(chat_id, parts[index], keys))
            else:
                assert payload.document is not None
                await self._send_document(chat_id, payload.document)
            if index != total - 1:
                async with self._storage.transaction() as tx:
                    await tx.outbox.part_sent(job.id, index + 1)
        if payload.copies and shown:
            await self._record_copies(job, chat_id, shown)

    async def _send_text(
        self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None
    ) -> int:
        """Send one part of a message's text; its message id."""
        sent = await self._bot.send_message(
            chat_id, text, reply_markup=markup, rate_limit_args={"pace": Pace.BULK}
        )
        return sent.message_id

    async def _send_document(self, chat_id: int, document: tuple[str, str]) -> None:
        name, content = document
        await self._bot.send_document(
            chat_id, content.encode(), filename=name, rate_limit_args={"pace": Pace.BULK}
        )

    async def _record_copies(self, job: OutboxJob, chat_id: int, shown: list[int]) -> None:
        """Where an item's words now are, so taking it back reaches these messages too."""
        messages = [sent_message(self._sealer, chat_id, message_id) for message_id in shown]
        async with self._storage.transaction() as tx:
            keys = AlertKeys(self._sealer, self._zone)
            late = await record_delivery(tx, job.id, messages, self._clock.now(), keys)
        if late:
            self.kick()

    async def _delete(self, chat_id: int, message_id: int, note: str) -> None:
        """Delete a message already in the person's chat; one already gone needs nothing
        more. One Telegram no longer lets the bot delete (48 hours) is covered with `note`
        (`taken_back.cover`), or, with no note, told in the row's error."""
        try:
            await self._bot.delete_message(
                chat_id, message_id, rate_limit_args={"pace": Pace.BULK}
            )
        except BadRequest as exc:
            if "not found" in exc.message:
                return
            if TOO_OLD_TO_DELETE not in exc.message or not note.strip():
                raise
            await cover(self._bot, chat_id, message_id, note)

    async def _edit(
        self, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None
    ) -> None:
        """Change a message already in the person's chat; one that is gone, or already
        says this, needs nothing more."""
        try:
            await self._bot.edit_message_text(
                text,
                chat_id=chat_id,
                message_id=message_id,
                reply_markup=markup,
                rate_limit_args={"pace": Pace.BULK},
            )
        except BadRequest as exc:
            if not any(words in exc.message for words in _EDIT_NOT_NEEDED):
                raise

    async def _record_sent(self, outbox_ids: list[int]) -> None:
        async with self._storage.transaction() as tx:
            await tx.outbox.finish_sent(outbox_ids, self._clock.now())

    async def _finish(self, job: OutboxJob, state: str, error: str | None) -> None:
        async with self._storage.transaction() as tx:
            await tx.outbox.finish(job.id, state, self._clock.now(), error)

    async def _retry(
        self, job: OutboxJob, due: datetime, error: str | None, count_attempt: bool = True
    ) -> None:
        async with self._storage.transaction() as tx:
            await tx.outbox.retry_at(job.id, due, error, count_attempt)

    async def _unreachable(self, job: OutboxJob, person_id: int, description: str) -> None:
        """Telegram will not deliver to this person: stop queuing for them until they return."""
        async with self._storage.transaction() as tx:
            await tx.outbox.finish(job.id, "failed", self._clock.now(), f"blocked: {description}")
            await tx.people.mark_unreachable(person_id, self._clock.now())
            await tx.outbox.drop_for_person(person_id, "blocked: earlier")

    async def _report_progress(self) -> None:
        # Counts may trail the newest sends by one batch; a row not yet recorded as sent
        # still counts as waiting, so a broadcast is never reported done too early.
        try:
            for broadcast in await self._broadcasts.sending():
                progress = await self._broadcasts.progress(broadcast.id)
                if progress is None:
                    continue
                if progress.done:
                    await self._broadcasts.finish(broadcast.id)
                await self._show(progress)
        except Exception as exc:  # progress is shown again at the next report
            logger.error("broadcast progress not reported: %s", describe(exc))

    async def _show(self, progress: Progress) -> None:
        """Edit (or first send) the coordinator's progress message."""
        broadcast = progress.broadcast
        text, markup = progress_message(progress, self._rate)
        try:
            if broadcast.progress_message_id is None:
                sent = await self._bot.send_message(
                    broadcast.report_chat_id, text, reply_markup=markup
                )
                await self._broadcasts.set_progress_message(broadcast.id, sent.message_id)
            else:
                await self._bot.edit_message_text(
                    text,
                    chat_id=broadcast.report_chat_id,
                    message_id=broadcast.progress_message_id,
                    reply_markup=markup,
                )
        except TelegramError as exc:
            if "not modified" not in str(exc):
                logger.info(
                    "progress of broadcast %d not shown: %s", broadcast.id, type(exc).__name__
                )


# Telegram's answers to an edit that has nothing left to do.
_EDIT_NOT_NEEDED = ("not modified", "not found", "can't be edited")


def progress_message(progress: Progress, rate: float) -> tuple[Raw, InlineKeyboardMarkup | None]:
    """The coordinator's view of a broadcast: progress with a Stop button, or the report."""
    broadcast = progress.broadcast
    if progress.done:
        reasons = "".join(
            f"\n  – {reason}: {count}" for reason, count in sorted(progress.errors.items())
        )
        text = say(
            texts.BROADCAST_REPORT,
            sent=progress.sent,
            blocked=progress.blocked + broadcast.skipped_unreachable,
            failed=progress.failed,
            reasons=reasons,
            paused=broadcast.skipped_paused,
        )
        return text, None
    seconds = progress.waiting / max(rate, 0.1)
    left = (
        say(texts.SECONDS, count=max(1, math.ceil(seconds)))
        if seconds < 60
        else say(texts.MINUTES, count=math.ceil(seconds / 60))
    )
    text = say(texts.BROADCAST_PROGRESS, sent=progress.sent, total=broadcast.total, left=left)
    stop = callbacks.encode(Action.BROADCAST_STOP, broadcast.id)
    return text, InlineKeyboardMarkup(
        [[InlineKeyboardButton(label(texts.BUTTON_STOP), callback_data=stop)]]
    )


def _markup(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]
    )
