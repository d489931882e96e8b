"""Pacing of outgoing messages within Telegram's flood limits, replies ahead of broadcasts.

Telegram allows a bot about 30 messages a second overall, about one a second to one private
chat and 20 a minute to one group; beyond that it answers 429 ("retry after"). Every message
is booked a moment in `SendScheduler` before it is sent, so the limits hold in advance instead
of being found out by 429s. `ChorusRateLimiter` applies the scheduler to the Bot API requests
that send or edit messages.

Replies to a member's own action (`Pace.REPLY`) take precedence over outbox deliveries
(`Pace.BULK`): a bulk message only books a slot that is free now or one overall interval
ahead, so the near future stays open and a reply can take any gap, even in front of bulk
messages already booked. With nobody replying, bulk alone uses the whole overall rate.
"""

from __future__ import annotations

import asyncio
import bisect
import enum
import logging
import math
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

logger = logging.getLogger(__name__)

# What a Bot API call returns, as PTB's BaseRateLimiter types it.
ApiResult = bool | dict[str, Any] | list[dict[str, Any]]

# Who a message goes to: an int chat id, an "@username" (a channel or supergroup), or nobody
# known (an inline message edited by its id), which only counts against the overall limit.
ChatKey = int | str | None

GROUP_WINDOW = 60.0  # seconds over which `Limits.group_chat_per_minute` counts
# Floating-point slack when comparing moments, far below any interval that matters.
EPSILON = 1e-9
# Chats with no booking left that matters are forgotten at most this often (scheduler time),
# so forgetting costs little per booking.
SWEEP_EVERY = 5.0
# With replicas: seconds within which a message to a chat reserved in the database must
# find its moment (see `ChorusRateLimiter._wait_turn`); the chat's next message may wait
# this much longer than its interval.
CHAT_HOLD = 0.5
# A message that wakes this much after its booked moment (the process was held up) is
# booked again rather than sent at once with the others held up with it: a burst could
# break the overall limit.
LATE = 0.1

# Bot API methods that send or edit a message; each is one booking. Everything else
# (getUpdates, answerCallbackQuery, setMyCommands, getMe...) is not limited here.
LIMITED_ENDPOINTS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendVoice",
        "sendAudio",
        "sendVideo",
        "sendVideoNote",
        "sendAnimation",
        "sendSticker",
        "sendMediaGroup",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendPoll",
        "sendDice",
        "sendInvoice",
        "sendGame",
        "sendPaidMedia",
        "sendChecklist",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "editMessageMedia",
        "editMessageLiveLocation",
        "editMessageChecklist",
        "stopMessageLiveLocation",
        "stopPoll",
    }
)


class Pace(enum.Enum):
    """How urgent a message is."""

    REPLY = "reply"  # answers to a member's own action: take precedence
    BULK = "bulk"  # outbox deliveries (broadcasts, reminders, updates)


@dataclass(frozen=True)
class Limits:
    """The rates the bot keeps to, set a little under Telegram's own."""

    per_second: float = 25.0  # overall messages per second
    private_chat_interval: float = 1.0  # seconds between two messages to one private chat
    group_chat_per_minute: int = 20  # messages in any 60 s to one group chat

    def __post_init__(self) -> None:
        if not self.per_second > 0:
            raise ValueError("per_second must be positive")
        if self.private_chat_interval < 0:
            raise ValueError("private_chat_interval must not be negative")
        if self.group_chat_per_minute < 1:
            raise ValueError("group_chat_per_minute must be at least 1")


def _is_private(chat: int | str) -> bool:
    """Whether the chat is a private chat (positive ids); groups and channels are negative."""
    return isinstance(chat, int) and chat > 0


class SendScheduler:
    """Pure booking logic, no asyncio, no real time: every method takes `now` (monotonic s).

    Rules every booking keeps, in the scheduler's own time:

    1. Any two bookings are at least `interval` (1 / per_second) apart, so no second holds
       more than `per_second` of them and nothing goes out in a burst.
    2. Bookings for one private chat (id > 0) are `private_chat_interval` apart.
    3. One group chat (id < 0, or an "@username") has at most `group_chat_per_minute`
       bookings in any 60 s.
    4. Nothing is booked before a `pause_until` moment.
    5. A private chat's next booking is also its interval after its previous message was
       answered (`finished`): Telegram counts a message when it arrives, which can be later
       than its booked moment (a request waiting for a connection, a busy process).

    Bookings for one chat are made in order (each is at or after that chat's previous one), so
    a chat's messages go out in the order they were booked. Across chats bookings may be made
    out of time order: a reply lands in the first gap that fits, possibly in front of bulk
    messages booked earlier.

    Precedence: a BULK booking is only made in the slot free at the chat's earliest moment or
    at most one overall interval later (`try_book` declines otherwise; `book` then takes the
    first free slot anyway). With bulk booked just in time, a reply to a free chat waits about
    one overall interval for overall capacity: one when no bulk message is booked ahead of
    `now`, two when one is (waiting replies queue behind each other; its own chat's interval, a
    group's minute or a pause may add to that). No capacity is held back for replies: with no
    replies, bulk uses the whole rate.
    """

    def __init__(self, limits: Limits) -> None:
        self._limits = limits
        self._interval = 1.0 / limits.per_second
        # Bookings older than this constrain nothing any more.
        self._memory = max(GROUP_WINDOW, limits.private_chat_interval, self._interval)
        self._booked: list[float] = []  # every booking, sorted
        self._chats: dict[int | str, list[float]] = {}  # each chat's bookings, ascending
        # When the latest message to each private chat was answered, so had arrived.
        self._finished: dict[int | str, float] = {}
        self._paused_until = -math.inf
        self._swept_at = -math.inf

    @property
    def limits(self) -> Limits:
        """The limits this scheduler keeps."""
        return self._limits

    @property
    def interval(self) -> float:
        """The least time between any two bookings, 1 / per_second."""
        return self._interval

    def share(self, replicas: int) -> None:
        """Keep to one part in `replicas` of the overall rate (the others keep the rest)."""
        self._interval = max(1, replicas) / self._limits.per_second

    @property
    def paused_until(self) -> float:
        """Nothing is booked before this moment (minus infinity when never paused)."""
        return self._paused_until

    def book(self, chat_id: ChatKey, pace: Pace, now: float) -> float:
        """Book and return the earliest moment >= now at which a message to chat_id may be sent
        without breaking any limit; the booking is final (the caller waits until then).

        A BULK message whose chat is free gets a moment at most one overall interval after
        `now`; when its chat is not free yet (a private chat's interval, a group's minute) it
        gets that chat's moment anyway and the caller waits for that one message. Only when
        other bookings fill the interval after that moment does BULK go further ahead.
        """
        moment = self.try_book(chat_id, pace, now)
        if moment is None:
            moment = self._first_free(self._earliest(chat_id, now))
            self._record(chat_id, moment)
        return moment

    def try_book(self, chat_id: ChatKey, pace: Pace, now: float) -> float | None:
        """Like `book`, but a BULK message that would be booked more than one overall interval
        after its chat's earliest moment is not booked at all: None, ask again later (at
        `next_chance`). Used by senders running side by side, so bulk is never booked ahead.
        """
        self._forget(now)
        earliest = self._earliest(chat_id, now)
        moment = self._first_free(earliest)
        if pace is Pace.BULK and moment > earliest + self._interval + EPSILON:
            return None
        self._record(chat_id, moment)
        return moment

    def next_chance(self, chat_id: ChatKey, now: float) -> float:
        """When `try_book` may next succeed for a BULK message to chat_id (books nothing)."""
        moment = self._first_free(self._earliest(chat_id, now))
        return max(now, moment - self._interval)

    def finished(self, chat_id: ChatKey, at: float) -> None:
        """A message to `chat_id` was answered at `at`, so it had arrived by then: a private
        chat's next message is booked its interval after that at the earliest."""
        if chat_id is not None and _is_private(chat_id):
            self._finished[chat_id] = max(at, self._finished.get(chat_id, at))

    def free_after_answer(self, chat_id: ChatKey) -> float:
        """When a private chat's interval after its latest answered message ends."""
        at = self._finished.get(chat_id, -math.inf) if chat_id is not None else -math.inf
        return at + self._limits.private_chat_interval

    def pause_until(self, moment: float) -> None:
        """Book nothing before `moment` (Telegram answered 429 "retry after")."""
        self._paused_until = max(self._paused_until, moment)

    def cancel(self, chat_id: ChatKey, moment: float) -> None:
        """Release a booking the caller did not use, so the slot can be booked again."""
        index = bisect.bisect_left(self._booked, moment)
        if index < len(self._booked) and self._booked[index] == moment:
            del self._booked[index]
        if chat_id is None:
            return
        moments = self._chats.get(chat_id)
        if moments is None:
            return
        index = bisect.bisect_left(moments, moment)
        if index < len(moments) and moments[index] == moment:
            del moments[index]
        if not moments:
            del self._chats[chat_id]

    def _earliest(self, chat_id: ChatKey, now: float) -> float:
        """The first moment the chat's own limits and any pause allow, ignoring other chats."""
        earliest = max(now, self._paused_until)
        if chat_id is None:
            return earliest
        moments = self._chats.get(chat_id)
        if _is_private(chat_id):
            last = self._finished.get(chat_id, -math.inf)
            if moments:
                last = max(last, moments[-1])
            return max(earliest, last + self._limits.private_chat_interval)
        if not moments:
            return earliest
        earliest = max(earliest, moments[-1])
        cap = self._limits.group_chat_per_minute
        if len(moments) >= cap:
            # The new booking and the cap - 1 latest ones make cap in the window; the one
            # before those must have left it.
            earliest = max(earliest, moments[-cap] + GROUP_WINDOW)
        return earliest

    def _first_free(self, earliest: float) -> float:
        """The first moment >= earliest at least one interval away from every booking."""
        gap = self._interval
        booked = self._booked
        moment = earliest
        # Bookings at or before this index are far enough before `moment` already.
        index = bisect.bisect_right(booked, moment - gap + EPSILON)
        while index < len(booked) and booked[index] - moment < gap - EPSILON:
            moment = max(moment, booked[index] + gap)
            index += 1
        return moment

    def _record(self, chat_id: ChatKey, moment: float) -> None:
        bisect.insort(self._booked, moment)
        if chat_id is not None:
            # `moment` is at or after the chat's latest booking (see `_earliest`): append.
            self._chats.setdefault(chat_id, []).append(moment)

    def _forget(self, now: float) -> None:
        """Drop bookings too old to constrain any booking at or after `now`."""
        horizon = now - self._memory
        stale = bisect.bisect_left(self._booked, horizon)
        if stale:
            del self._booked[:stale]
        if now - self._swept_at < SWEEP_EVERY:
            return
        self._swept_at = now
        for chat_id, moments in list(self._chats.items()):
            stale = bisect.bisect_left(moments, horizon)
            if stale == len(moments):
                del self._chats[chat_id]
            elif stale:
                del moments[:stale]
        for chat_id, at in list(self._finished.items()):
            if at < horizon:
                del self._finished[chat_id]


@dataclass
class _Turn:
    """One message's place among the messages to its chat."""

    chat: ChatKey
    gone: asyncio.Future[None]  # done once the message was answered or given up
    previous: asyncio.Future[None] | None = None  # the message booked before, same chat
    placed: bool = False
    sent: bool = False


def retry_seconds(error: RetryAfter) -> float:
    """How long Telegram asked to wait, in seconds, from an int or a timedelta."""
    # The `retry_after` property warns about its coming change of type unless PTB_TIMEDELTA
    # is set; the timedelta it is made from does not.
    value: object = getattr(error, "_retry_after", None)
    if value is None:
        value = error.retry_after
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, int | float):
        return float(value)
    raise TypeError(f"unexpected retry_after: {type(value).__name__}")


def chat_key(chat_id: object) -> ChatKey:
    """The scheduler's key for a request's chat_id: an int where it is one, else its text."""
    if chat_id is None:
        return None
    if isinstance(chat_id, int) and not isinstance(chat_id, bool):
        return chat_id
    text = str(chat_id)
    try:
        return int(text)
    except ValueError:
        return text


def pace_of(rate_limit_args: dict[str, Any] | None) -> Pace:
    """The pace a caller asked for with `rate_limit_args={"pace": ...}`; REPLY if none."""
    if not rate_limit_args:
        return Pace.REPLY
    return Pace(rate_limit_args.get("pace", Pace.REPLY))


class ChatReservations(Protocol):
    """Chats' own limits kept somewhere every replica sees (bot/replicas.py)."""

    async def reserve(self, chat: ChatKey, moment: float, hold: float) -> float | None:
        """Reserve `chat` from `moment` (epoch seconds) for its interval and `hold` seconds
        more; None if done, else when it is free. With `chat` None (a request to no one
        chat) nothing is reserved, but a pause after a 429 is still waited out."""
        ...

    async def pause(self, until: float) -> None:
        """Reserve no chat before `until` (epoch seconds): Telegram answered 429."""
        ...


class ChorusRateLimiter(BaseRateLimiter[dict[str, Any]]):
    """Applies SendScheduler to every Bot API request that sends or edits a message.

    Callers say how urgent a message is with ``rate_limit_args={"pace": Pace.BULK}`` (the
    delivery worker does); without it a message is a REPLY. On a 429 every sender pauses for
    the time Telegram asked; a BULK request then raises RetryAfter (the worker reschedules its
    row), a REPLY waits and is sent again, up to `max_retries` times. With chats shared
    between replicas, the pause is shared too: a chat is reserved by no replica before it ends.

    Two messages to one private chat arrive at least its interval apart however long either
    waited on the way (for a connection, say): a message goes no sooner than its interval
    after the one booked before it to the same chat was answered. Only a message whose turn
    comes while that one is still on its way waits for it; nothing waits for a message that
    has yet to find its moment (a reply is not held behind a broadcast waiting for the rate).
    """

    def __init__(
        self,
        limits: Limits,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        max_retries: int = 3,
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must not be negative")
        self._scheduler = SendScheduler(limits)
        self._clock = clock
        self._sleep = sleep
        self._max_retries = max_retries
        self._chats: ChatReservations | None = None
        # The latest message booked to each private chat, done when it has been answered.
        self._latest: dict[ChatKey, asyncio.Future[None]] = {}

    def share_chats(self, chats: ChatReservations) -> None:
        """Keep each chat's own limit through `chats` too (replicas), as well as here."""
        self._chats = chats

    def now(self) -> float:
        """The scheduler's time now."""
        return self._clock()

    @property
    def scheduler(self) -> SendScheduler:
        """The scheduler holding the bookings."""
        return self._scheduler

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, ApiResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> ApiResult:
        """Wait for the request's booked moment, then make it; see the class docstring."""
        if endpoint not in LIMITED_ENDPOINTS:
            return await callback(*args, **kwargs)
        pace = pace_of(rate_limit_args)
        chat = chat_key(data.get("chat_id"))
        turn = _Turn(chat, asyncio.get_running_loop().create_future())
        try:
            return await self._send(callback, args, kwargs, endpoint, turn, pace)
        finally:
            if turn.sent:
                self._scheduler.finished(chat, self._clock())
            turn.gone.set_result(None)
            if self._latest.get(chat) is turn.gone:
                del self._latest[chat]

    async def _send(
        self,
        callback: Callable[..., Coroutine[Any, Any, ApiResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        turn: _Turn,
        pace: Pace,
    ) -> ApiResult:
        """Send at the message's turn; on a 429 pause everyone, then see the class docstring."""
        retries = 0
        while True:
            held_until = await self._wait_turn(turn, pace)
            try:
                turn.sent = True
                result = await callback(*args, **kwargs)
            except RetryAfter as error:
                seconds = retry_seconds(error)
                self._scheduler.pause_until(self._clock() + seconds)
                await self._pause_others(time.time() + seconds)
                logger.warning(
                    "flood limit on %s (%s): all sending paused for %.1f s",
                    endpoint,
                    pace.value,
                    seconds,
                )
                if pace is Pace.BULK or retries >= self._max_retries:
                    raise
                retries += 1
                continue
            await self._arrived(turn.chat, held_until)
            return result

    async def _arrived(self, chat: ChatKey, held_until: float | None) -> None:
        """With replicas, a message answered after its chat's reservation ended (it waited on
        the way) reserves the chat again from now: no other replica sends to it within its
        interval of this message arriving."""
        if self._chats is None or held_until is None or time.time() <= held_until:
            return
        try:
            free = await self._chats.reserve(chat, time.time(), 0.0)
        except Exception as exc:  # the other replicas keep the reservation made before
            logger.warning("could not reserve a chat again: %s", type(exc).__name__)
            return
        if free is not None:
            logger.warning("a message went after another replica took its chat over")

    async def _pause_others(self, until: float) -> None:
        """With replicas, pause them all: the limits are the bot's, not this process's."""
        if self._chats is None:
            return
        try:
            await self._chats.pause(until)
        except Exception as exc:  # this replica still pauses; the others may meet the 429
            logger.error("could not pause the other replicas' sending: %s", type(exc).__name__)

    async def _wait_turn(self, turn: _Turn, pace: Pace) -> float | None:
        """Book a moment for the message and wait until it comes (and, to a private chat,
        until the message before it has been answered); with chats shared between replicas,
        return when (epoch seconds) the chat's reservation ends.

        With chats shared between replicas, the chat is first reserved in the database from
        now until its interval and `CHAT_HOLD` later; the message must then find its moment
        here within `CHAT_HOLD`, or the chat is reserved again. Reserving first keeps the
        database's answer out of the time between booking a moment and sending at it. A
        request to no one chat reserves nothing but still waits out the replicas' pause.
        """
        scheduler, chat = self._scheduler, turn.chat
        held_until: float | None = None  # epoch seconds by which the reserved chat is used
        while True:
            if held_until is not None and time.time() >= held_until:
                held_until = None
            if held_until is None and self._chats is not None:
                held_until = await self._reserve(self._chats, chat)
                if held_until is None:
                    continue
            now = self._clock()
            moment = scheduler.try_book(chat, pace, now)
            if moment is None:
                # Bulk is only booked just in time; ask again when a slot is one interval away.
                await self._pause(scheduler.next_chance(chat, now) - now)
                continue
            if held_until is not None and time.time() + moment - now > held_until:
                scheduler.cancel(chat, moment)
                held_until = None
                continue
            self._place(turn)
            await self._wait_for(chat, moment)
            late = self._clock() - moment > LATE
            if held_until is not None and time.time() > held_until:
                late = True  # the chat's reservation ended meanwhile: reserve it again
            if moment >= scheduler.paused_until and not late and await self._after(turn, moment):
                return held_until
            # A 429 elsewhere paused sending while this one waited, the process was held up
            # so long that messages booked apart would now go together, or the message before
            # arrived late: book again.
            scheduler.cancel(chat, moment)

    def _place(self, turn: _Turn) -> None:
        """Put a message to a private chat, once booked, after the one booked before it."""
        chat = turn.chat
        if turn.placed or chat is None or not _is_private(chat):
            return
        if self._scheduler.limits.private_chat_interval > 0:
            turn.previous = self._latest.get(chat)
            self._latest[chat] = turn.gone
        turn.placed = True

    async def _after(self, turn: _Turn, moment: float) -> bool:
        """Whether the message booked at `moment` may go now, its chat's interval after the
        message before it was answered; False to book it again (after waiting for one still
        on its way)."""
        previous = turn.previous
        if previous is None:
            return True
        try:
            if not previous.done():
                # On its way since before this one's moment: its arrival is not known yet.
                await asyncio.wait({previous})
                return False
            wait = self._scheduler.free_after_answer(turn.chat) - self._clock()
            if wait > LATE:
                return False
            await self._pause(wait)
        except asyncio.CancelledError:
            self._scheduler.cancel(turn.chat, moment)
            raise
        return True

    async def _reserve(self, chats: ChatReservations, chat: ChatKey) -> float | None:
        """Reserve the chat in the database: until when (epoch seconds) it is this
        replica's, or None after waiting while another replica sends to it first."""
        start = time.time()
        free = await chats.reserve(chat, start, CHAT_HOLD)
        if free is not None:
            # Another replica sends to this chat first.
            await self._pause(free - time.time())
            return None
        return start + CHAT_HOLD

    async def _wait_for(self, chat: ChatKey, moment: float) -> None:
        """Wait until the moment booked; the booking goes if the wait is cancelled."""
        try:
            await self._pause(moment - self._clock())
        except asyncio.CancelledError:
            self._scheduler.cancel(chat, moment)
            raise

    async def _pause(self, seconds: float) -> None:
        if seconds > 0:
            await self._sleep(seconds)
