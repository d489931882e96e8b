"""Outgoing-message pacing: the scheduler's bookings and the rate limiter around the Bot API."""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import warnings
from collections import defaultdict
from collections.abc import Callable, Coroutine, Sequence
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import RetryAfter
from telegram.ext import ApplicationBuilder, ExtBot
from telegram.request import BaseRequest, RequestData
from telegram.warnings import PTBDeprecationWarning

from bot.outbox.ratelimit import (
    CHAT_HOLD,
    ChorusRateLimiter,
    Limits,
    Pace,
    SendScheduler,
    chat_key,
    pace_of,
    retry_seconds,
)
from tests.support.waiting import until

# Slack for floating-point sums of intervals; far below any interval under test.
TOL = 1e-6
LIMITS = Limits()  # 25/s overall, 1 s per private chat, 20 a minute per group
GAP = 1 / LIMITS.per_second
GROUP = -100123


# --- checks of the four rules -------------------------------------------------------------


def most_in_window(moments: Sequence[float], width: float) -> int:
    """The most bookings in any window (t - width, t], t running over every booking."""
    ordered = sorted(moments)
    most = 0
    start = 0
    for end, moment in enumerate(ordered):
        while ordered[start] <= moment - width + TOL:
            start += 1
        most = max(most, end - start + 1)
    return most


def assert_spaced(moments: Sequence[float], least: float) -> None:
    ordered = sorted(moments)
    for earlier, later in itertools.pairwise(ordered):
        assert later - earlier >= least - TOL, (earlier, later)


def assert_rules(bookings: Sequence[tuple[int, float]], limits: Limits) -> None:
    """Rules 1-3 over (chat, moment) bookings."""
    assert_spaced([moment for _, moment in bookings], 1 / limits.per_second)
    assert most_in_window([moment for _, moment in bookings], 1.0) <= limits.per_second
    by_chat: dict[int, list[float]] = defaultdict(list)
    for chat, moment in bookings:
        by_chat[chat].append(moment)
    for chat, moments in by_chat.items():
        if chat > 0:
            assert_spaced(moments, limits.private_chat_interval)
        else:
            assert most_in_window(moments, 60.0) <= limits.group_chat_per_minute, chat


def test_the_checks_catch_broken_sequences() -> None:
    with pytest.raises(AssertionError):
        assert_spaced([0.0, 0.03], GAP)
    with pytest.raises(AssertionError):
        assert_rules([(1, 0.0), (1, 0.5)], LIMITS)
    with pytest.raises(AssertionError):
        assert_rules([(GROUP, i * 1.0) for i in range(21)], LIMITS)
    assert most_in_window([i * GAP for i in range(26)], 1.0) == 25
    assert most_in_window([i * 0.03 for i in range(40)], 1.0) > 25


# --- the scheduler ------------------------------------------------------------------------


def saturate_bulk(scheduler: SendScheduler, chats: Sequence[int], start: float) -> list[float]:
    """Book BULK for each chat in turn, the sender asking again at each booked moment."""
    now = start
    moments = []
    for chat in chats:
        moment = scheduler.book(chat, Pace.BULK, now)
        assert moment <= now + GAP + TOL
        moments.append(moment)
        now = moment
    return moments


def test_bulk_uses_the_whole_rate_without_bursts() -> None:
    scheduler = SendScheduler(LIMITS)
    start = 1000.0
    moments = saturate_bulk(scheduler, range(1, 1001), start)
    assert moments[0] == start
    assert_spaced(moments, GAP)
    assert most_in_window(moments, 1.0) <= 25
    assert sum(1 for moment in moments if moment < start + 1.0 - TOL) <= 25
    elapsed = moments[-1] - start + GAP  # the last message's share of the second
    assert elapsed == pytest.approx(1000 / 25, rel=0.02)


def test_bulk_from_many_senders_at_once_books_only_just_in_time() -> None:
    scheduler = SendScheduler(LIMITS)
    assert scheduler.try_book(1, Pace.BULK, 5.0) == 5.0
    assert scheduler.try_book(2, Pace.BULK, 5.0) == pytest.approx(5.0 + GAP)
    assert scheduler.try_book(3, Pace.BULK, 5.0) is None
    assert scheduler.next_chance(3, 5.0) == pytest.approx(5.0 + GAP)
    assert scheduler.try_book(3, Pace.BULK, 5.0 + GAP) == pytest.approx(5.0 + 2 * GAP)
    # `book` always books, if need be further ahead.
    assert scheduler.book(4, Pace.BULK, 5.0) == pytest.approx(5.0 + 3 * GAP)


def test_one_private_chat_gets_one_message_a_second() -> None:
    scheduler = SendScheduler(LIMITS)
    first = scheduler.book(7, Pace.REPLY, 0.0)
    second = scheduler.book(7, Pace.REPLY, 0.0)
    assert second - first >= 1.0 - TOL
    scheduler = SendScheduler(LIMITS)
    now = 0.0
    moments = []
    for _ in range(30):
        moment = scheduler.book(7, Pace.BULK, now)
        moments.append(moment)
        now = moment
    assert_spaced(moments, 1.0)
    assert moments[-1] - moments[0] >= 29.0 - TOL


def test_a_group_gets_twenty_messages_a_minute() -> None:
    scheduler = SendScheduler(LIMITS)
    moments = [scheduler.book(GROUP, Pace.BULK, 0.0) for _ in range(45)]
    assert most_in_window(moments, 60.0) <= 20
    assert moments[20] - moments[0] >= 60.0 - TOL
    assert moments[40] - moments[20] >= 60.0 - TOL
    assert_spaced(moments, GAP)


def test_a_reply_takes_precedence_over_a_running_broadcast() -> None:
    scheduler = SendScheduler(LIMITS)
    rng = random.Random(11)
    now = 0.0
    bookings: list[tuple[int, float]] = []
    replies = 0
    for chat in range(1, 2001):
        moment = scheduler.book(chat, Pace.BULK, now)
        bookings.append((chat, moment))
        now = moment
        if chat % 37 == 0:
            # A member acts somewhere before the sender asks for its next message.
            asked = now + rng.uniform(0, GAP)
            reply = scheduler.book(100_000 + chat, Pace.REPLY, asked)
            assert asked <= reply <= asked + GAP + TOL
            bookings.append((100_000 + chat, reply))
            replies += 1
            now = asked
    assert replies > 50
    assert_rules(bookings, LIMITS)


def test_a_reply_fits_in_front_of_a_bulk_message_booked_later() -> None:
    scheduler = SendScheduler(LIMITS)
    # The bulk message waits for its own chat; the slot before it stays open.
    scheduler.book(5, Pace.BULK, 0.0)
    later = scheduler.book(5, Pace.BULK, 0.0)
    assert later == pytest.approx(1.0)
    reply = scheduler.book(6, Pace.REPLY, 1.0 - 2.5 * GAP)
    assert reply == pytest.approx(1.0 - 2.5 * GAP)
    squeezed = scheduler.book(8, Pace.REPLY, 1.0 - 0.5 * GAP)
    assert squeezed == pytest.approx(1.0 + GAP)  # too close to both neighbours: after them


def test_a_reply_waits_for_its_chats_interval_after_a_bulk_message() -> None:
    scheduler = SendScheduler(LIMITS)
    bulk = scheduler.book(42, Pace.BULK, 10.0)
    reply = scheduler.book(42, Pace.REPLY, bulk + 0.3)
    assert reply == pytest.approx(bulk + 1.0)


def test_nothing_is_booked_before_a_pause_and_no_burst_after_it() -> None:
    scheduler = SendScheduler(LIMITS)
    saturate_bulk(scheduler, range(1, 51), 0.0)
    scheduler.pause_until(10.0)
    moments = [scheduler.book(chat, Pace.REPLY, 3.0) for chat in range(100, 160)]
    moments += [scheduler.book(chat, Pace.BULK, 3.0) for chat in range(200, 210)]
    assert min(moments) >= 10.0
    assert sum(1 for moment in moments if moment < 11.0 - TOL) <= 25
    assert most_in_window(moments, 1.0) <= 25
    assert_spaced(moments, GAP)


def test_a_cancelled_booking_frees_its_slot_and_its_chat() -> None:
    scheduler = SendScheduler(LIMITS)
    assert scheduler.book(1, Pace.REPLY, 0.0) == 0.0
    unused = scheduler.book(2, Pace.REPLY, 0.0)
    assert unused == pytest.approx(GAP)
    scheduler.cancel(2, unused)
    assert scheduler.book(3, Pace.REPLY, 0.0) == pytest.approx(GAP)
    # Chat 2's interval no longer counts from the released booking.
    assert scheduler.book(2, Pace.REPLY, 0.0) == pytest.approx(2 * GAP)


def test_memory_stays_bounded() -> None:
    scheduler = SendScheduler(LIMITS)
    now = 0.0
    for chat in range(1, 20_001):
        now = scheduler.book(chat if chat % 10 else -chat, Pace.BULK, now)
    assert now > 700
    # At most 60 s (plus one sweep period) of bookings are kept.
    assert len(scheduler._booked) <= 61 * 25
    assert len(scheduler._chats) <= 66 * 25


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_random_mixed_bookings_keep_every_rule(seed: int) -> None:
    rng = random.Random(seed)
    scheduler = SendScheduler(LIMITS)
    private = list(range(1, 181))
    groups = [-1000 - n for n in range(20)]
    busy = [private[0], private[1], groups[0], groups[1]]
    bookings: list[tuple[int, float]] = []
    pause = -1.0
    now = 0.0
    for _ in range(3000):
        now += rng.expovariate(30.0)  # asked a little faster than the overall rate allows
        if rng.random() < 0.002:
            pause = now + rng.uniform(0.5, 5.0)
            scheduler.pause_until(pause)
        pick = rng.random()
        chat = rng.choice(busy) if pick < 0.3 else rng.choice(groups if pick < 0.5 else private)
        pace = Pace.REPLY if rng.random() < 0.3 else Pace.BULK
        moment = scheduler.book(chat, pace, now)
        assert moment >= now
        assert moment >= pause
        if rng.random() < 0.05:
            scheduler.cancel(chat, moment)
        else:
            bookings.append((chat, moment))
    assert len(bookings) > 2500
    assert_rules(bookings, LIMITS)


def test_limits_refuse_nonsense() -> None:
    with pytest.raises(ValueError):
        Limits(per_second=0)
    with pytest.raises(ValueError):
        Limits(group_chat_per_minute=0)
    with pytest.raises(ValueError):
        Limits(private_chat_interval=-1)


# --- the rate limiter ---------------------------------------------------------------------


class FakeTime:
    """A clock that only moves when something sleeps; sleeping takes no real time."""

    def __init__(self, start: float = 100.0) -> None:
        self.now = start
        self.sleeps: list[float] = []
        self.hold = False  # when set, a sleep waits until the task is cancelled
        self.on_sleep: Callable[[], None] | None = None

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if self.on_sleep is not None:
            self.on_sleep()
        if self.hold:
            await asyncio.Event().wait()
        self.now += seconds


class FakeApi:
    """The callback PTB would pass: records when each request is made; may answer 429."""

    def __init__(self, time_: FakeTime) -> None:
        self.time = time_
        self.calls: list[tuple[str, float]] = []
        self.floods: list[RetryAfter] = []

    async def call(self, endpoint: str, data: dict[str, Any]) -> bool:
        self.calls.append((endpoint, self.time.now))
        if self.floods:
            raise self.floods.pop(0)
        return True


def flood(retry_after: int | timedelta) -> RetryAfter:
    """A 429 answer; PTB warns about the coming type of `retry_after` while building it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        return RetryAfter(retry_after)


def make_limiter(time_: FakeTime, max_retries: int = 3) -> ChorusRateLimiter:
    return ChorusRateLimiter(LIMITS, clock=time_.clock, sleep=time_.sleep, max_retries=max_retries)


async def send(
    limiter: ChorusRateLimiter,
    api: FakeApi,
    endpoint: str,
    chat_id: int | str | None,
    pace: Pace | None = None,
) -> Any:
    data: dict[str, Any] = {} if chat_id is None else {"chat_id": chat_id}
    return await limiter.process_request(
        callback=api.call,
        args=(endpoint, data),
        kwargs={},
        endpoint=endpoint,
        data=data,
        rate_limit_args=None if pace is None else {"pace": pace},
    )


async def test_only_messages_are_delayed() -> None:
    time_ = FakeTime()
    api = FakeApi(time_)
    limiter = make_limiter(time_)
    await limiter.initialize()
    assert await send(limiter, api, "sendMessage", 1) is True
    for _ in range(100):
        await send(limiter, api, "answerCallbackQuery", None)
        await send(limiter, api, "getUpdates", None)
        await send(limiter, api, "setMyCommands", None)
    assert time_.sleeps == []
    await send(limiter, api, "editMessageText", 1)
    assert time_.sleeps == [pytest.approx(1.0)]
    await send(limiter, api, "sendPhoto", 2)
    assert time_.sleeps == [pytest.approx(1.0), pytest.approx(GAP)]
    await limiter.shutdown()


async def test_a_flooded_reply_is_sent_again_after_the_pause() -> None:
    time_ = FakeTime()
    api = FakeApi(time_)
    api.floods.append(flood(5))
    limiter = make_limiter(time_)
    assert await send(limiter, api, "sendMessage", 1) is True
    assert [moment for _, moment in api.calls] == [100.0, pytest.approx(105.0)]


@pytest.mark.parametrize("retry_after", [3, timedelta(seconds=2.5)])
async def test_a_flooded_bulk_message_raises_and_replies_wait_out_the_pause(
    retry_after: int | timedelta,
) -> None:
    time_ = FakeTime()
    api = FakeApi(time_)
    api.floods.append(flood(retry_after))
    limiter = make_limiter(time_)
    with pytest.raises(RetryAfter):
        await send(limiter, api, "sendMessage", 1, Pace.BULK)
    assert len(api.calls) == 1
    await send(limiter, api, "sendMessage", 2)
    seconds = 3.0 if retry_after == 3 else 2.5
    assert api.calls[-1][1] >= 100.0 + seconds - TOL


async def test_a_reply_gives_up_after_max_retries() -> None:
    time_ = FakeTime()
    api = FakeApi(time_)
    api.floods.extend(flood(1) for _ in range(3))
    limiter = make_limiter(time_, max_retries=2)
    with pytest.raises(RetryAfter):
        await send(limiter, api, "sendMessage", 1)
    assert len(api.calls) == 3


async def test_a_pause_begun_while_waiting_is_kept() -> None:
    time_ = FakeTime()
    api = FakeApi(time_)
    limiter = make_limiter(time_)
    await send(limiter, api, "sendMessage", 1)

    def flood_elsewhere() -> None:
        limiter.scheduler.pause_until(103.0)
        time_.on_sleep = None

    time_.on_sleep = flood_elsewhere
    await send(limiter, api, "sendMessage", 2)
    assert api.calls[-1][1] >= 103.0


async def test_a_cancelled_wait_releases_its_slot() -> None:
    time_ = FakeTime()
    api = FakeApi(time_)
    limiter = make_limiter(time_)
    await send(limiter, api, "sendMessage", 1)
    time_.hold = True
    waiting = asyncio.create_task(send(limiter, api, "sendMessage", 2))
    await asyncio.sleep(0)
    assert time_.sleeps == [pytest.approx(GAP)]
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    time_.hold = False
    await send(limiter, api, "sendMessage", 3)
    # The third message gets the released slot, not the one after it.
    assert time_.sleeps == [pytest.approx(GAP), pytest.approx(GAP)]
    assert [endpoint for endpoint, _ in api.calls] == ["sendMessage", "sendMessage"]


class SlowApi(FakeApi):
    """Requests that take `delays[i]` seconds on the way (waiting for a connection, say):
    Telegram counts each when it arrives, at the end of its delay."""

    def __init__(self, time_: FakeTime, delays: list[float]) -> None:
        super().__init__(time_)
        self.delays = delays
        self.arrived: list[tuple[int | str | None, float]] = []
        self.on_the_way = asyncio.Event()
        # When set, the next request is held on its way until `let_go` is set.
        self.hold_next = False
        self.let_go = asyncio.Event()

    async def call(self, endpoint: str, data: dict[str, Any]) -> bool:
        self.on_the_way.set()
        if self.hold_next:
            self.hold_next = False
            await self.let_go.wait()
        self.time.now += self.delays.pop(0) if self.delays else 0.0
        self.arrived.append((data.get("chat_id"), self.time.now))
        return await super().call(endpoint, data)

    def arrivals(self, chat: int) -> list[float]:
        return [at for to, at in self.arrived if to == chat]


async def test_a_private_chats_interval_holds_from_a_late_message_arriving() -> None:
    time_ = FakeTime()
    api = SlowApi(time_, [0.4, 0.0])
    limiter = make_limiter(time_)
    await send(limiter, api, "sendMessage", 1)
    await send(limiter, api, "sendMessage", 1)
    # The first arrived 0.4 s after its moment: the second keeps its interval from that
    # arrival, not from the first one's booked moment.
    first, second = api.arrivals(1)
    assert second - first >= LIMITS.private_chat_interval - TOL


async def test_a_private_chats_next_message_waits_for_the_one_on_its_way() -> None:
    time_ = FakeTime()
    api = SlowApi(time_, [0.7, 0.0, 0.0])
    limiter = make_limiter(time_)
    api.hold_next = True
    first = asyncio.create_task(send(limiter, api, "sendMessage", 1))
    await api.on_the_way.wait()
    second = asyncio.create_task(send(limiter, api, "sendMessage", 1))
    await send(limiter, api, "sendMessage", 2)  # another chat is not held up by it
    await until(lambda: time_.now >= 101.0)  # the second's moment has come
    assert api.arrivals(1) == []
    api.let_go.set()
    await asyncio.gather(first, second)
    first_at, second_at = api.arrivals(1)
    assert second_at - first_at >= LIMITS.private_chat_interval - TOL
    assert limiter._latest == {}


async def test_a_reply_is_not_held_behind_a_bulk_message_waiting_for_the_rate() -> None:
    time_ = FakeTime()
    api = SlowApi(time_, [])
    limiter = make_limiter(time_)
    for other in range(2, 62):  # other chats take every slot of the next 2.4 s
        limiter.scheduler.book(other, Pace.REPLY, time_.now)
    time_.hold = True
    bulk = asyncio.create_task(send(limiter, api, "sendMessage", 1, Pace.BULK))
    await until(lambda: len(time_.sleeps) == 1)  # waiting for a slot, none booked yet
    time_.hold = False
    await asyncio.wait_for(send(limiter, api, "sendMessage", 1, Pace.REPLY), 5)
    assert len(api.arrivals(1)) == 1 and not bulk.done()
    bulk.cancel()
    await asyncio.gather(bulk, return_exceptions=True)
    assert limiter._latest == {}


async def test_with_no_interval_a_message_does_not_wait_for_the_one_before() -> None:
    time_ = FakeTime()
    api = SlowApi(time_, [])
    limiter = ChorusRateLimiter(
        Limits(private_chat_interval=0), clock=time_.clock, sleep=time_.sleep
    )
    api.hold_next = True
    first = asyncio.create_task(send(limiter, api, "sendMessage", 1))
    await api.on_the_way.wait()
    await asyncio.wait_for(send(limiter, api, "sendMessage", 1), 5)
    assert len(api.arrivals(1)) == 1  # the second went while the first was on its way
    api.let_go.set()
    await first


class FakeChats:
    """Chats shared with other replicas: records each reservation (chat, hold)."""

    def __init__(self) -> None:
        self.reservations: list[tuple[int | str | None, float]] = []

    async def reserve(self, chat: int | str | None, moment: float, hold: float) -> None:
        self.reservations.append((chat, hold))

    async def pause(self, until: float) -> None:
        raise AssertionError("no 429 here")


async def test_a_message_arriving_after_its_reservation_reserves_its_chat_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    time_ = FakeTime()
    epoch = [1000.0]
    monkeypatch.setattr("bot.outbox.ratelimit.time.time", lambda: epoch[0])
    api = SlowApi(time_, [])
    limiter = make_limiter(time_)
    chats = FakeChats()
    limiter.share_chats(chats)
    await send(limiter, api, "sendMessage", 1)
    assert chats.reservations == [(1, CHAT_HOLD)]

    def late_on_the_way() -> None:
        epoch[0] += CHAT_HOLD + 0.2

    api.on_the_way = _Hook(late_on_the_way)  # type: ignore[assignment]
    await send(limiter, api, "sendMessage", 2)
    # Reserved before it went, then again from its arrival (no extra hold).
    assert chats.reservations[1:] == [(2, CHAT_HOLD), (2, 0.0)]


class _Hook:
    """Stands in for `SlowApi.on_the_way`: runs `action` when the request sets off."""

    def __init__(self, action: Callable[[], None]) -> None:
        self._action = action

    def set(self) -> None:
        self._action()


async def test_bulk_senders_side_by_side_keep_the_near_future_open() -> None:
    time_ = FakeTime()
    api = FakeApi(time_)
    limiter = make_limiter(time_)
    time_.hold = True
    senders = [
        asyncio.create_task(send(limiter, api, "sendMessage", chat, Pace.BULK))
        for chat in range(1, 6)
    ]
    await asyncio.sleep(0)
    # One is sent now, one is booked for the next interval, the rest ask again then.
    assert len(api.calls) == 1
    assert time_.sleeps == [pytest.approx(GAP)] * 4
    assert len(limiter.scheduler._booked) == 2
    for sender in senders:
        sender.cancel()
    await asyncio.gather(*senders, return_exceptions=True)
    assert len(limiter.scheduler._booked) == 1


def test_request_arguments_are_read_as_ptb_passes_them() -> None:
    assert pace_of(None) is Pace.REPLY
    assert pace_of({}) is Pace.REPLY
    assert pace_of({"pace": Pace.BULK}) is Pace.BULK
    assert pace_of({"pace": "bulk"}) is Pace.BULK
    assert chat_key(-100123) == -100123
    assert chat_key("-100123") == -100123
    assert chat_key("@chorus") == "@chorus"
    assert chat_key(None) is None
    assert retry_seconds(flood(7)) == 7.0
    assert retry_seconds(flood(timedelta(seconds=1.5))) == 1.5


# --- with PTB itself ----------------------------------------------------------------------


class RecordingRequest(BaseRequest):
    """A Bot API that answers every method at once, recording the method names."""

    def __init__(self) -> None:
        self.methods: list[str] = []

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        self.methods.append(name)
        result: object = True
        if name == "sendMessage":
            chat = {"id": 1, "type": "private", "first_name": "Ann"}
            result = {"message_id": len(self.methods), "date": 0, "chat": chat, "text": "hi"}
        return 200, json.dumps({"ok": True, "result": result}).encode()


async def test_ext_bot_passes_endpoint_chat_and_pace() -> None:
    time_ = FakeTime()
    limiter = make_limiter(time_)
    seen: list[tuple[str, object, object]] = []
    process = limiter.process_request

    async def spy(
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> Any:
        seen.append((endpoint, data.get("chat_id"), pace_of(rate_limit_args)))
        return await process(callback, args, kwargs, endpoint, data, rate_limit_args)

    limiter.process_request = spy  # type: ignore[method-assign]
    request = RecordingRequest()
    bot: ExtBot[dict[str, Any]] = ExtBot(
        "123:abc", request=request, get_updates_request=request, rate_limiter=limiter
    )
    await bot.send_message(chat_id=1, text="hi")
    await bot.send_message(chat_id=1, text="hi", rate_limit_args={"pace": Pace.BULK})
    await bot.answer_callback_query("q1")
    assert seen == [
        ("sendMessage", 1, Pace.REPLY),
        ("sendMessage", 1, Pace.BULK),
        ("answerCallbackQuery", None, Pace.REPLY),
    ]
    assert request.methods == ["sendMessage", "sendMessage", "answerCallbackQuery"]
    assert time_.sleeps == [pytest.approx(1.0)]


def test_application_builder_accepts_the_limiter() -> None:
    limiter = ChorusRateLimiter(LIMITS)
    application = ApplicationBuilder().token("123:abc").rate_limiter(limiter).build()
    assert application.bot.rate_limiter is limiter
