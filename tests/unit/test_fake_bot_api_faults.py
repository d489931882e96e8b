"""Flood limits, faults and delivery counting of the fake Bot API, driven by a real PTB ``Bot``."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from tests.support.fake_bot_api import Breach, FakeBotApi

pytestmark = [
    pytest.mark.timeout(10),
    pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning"),
]

GROUP = -1001


class ManualClock:
    """A time source for the limit checks that moves only when a test moves it."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def fake(clock: ManualClock) -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(clock=clock) as api:
        api.user(42, "Sam")
        api.user(43, "Kim")
        api.add_update(
            {
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "chat": {"id": GROUP, "type": "supergroup", "title": "Choir"},
                    "from": {"id": 42, "is_bot": False, "first_name": "Sam"},
                    "text": "hi all",
                }
            }
        )
        yield api


@pytest.fixture
async def bot(fake: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(fake.token, base_url=fake.base_url) as b:
        yield b


def retry_after_seconds(error: RetryAfter) -> float:
    value: Any = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


# ---------------------------------------------------------------------- flood limits


async def test_overall_limit_breach_is_answered_429_and_not_stored(
    fake: FakeBotApi, bot: Bot, clock: ManualClock
) -> None:
    fake.limit_per_second = 5
    for n in range(5):
        await bot.send_message(42 + n % 2, f"m{n}")
    assert fake.breaches == []

    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(42, "one too many")

    assert retry_after_seconds(caught.value) == 1
    assert fake.breaches == [
        Breach("overall", "sendMessage", 42, clock.now, fake.breaches[0].detail)
    ]
    assert "6 counted calls" in fake.breaches[0].detail
    assert "one too many" not in fake.texts_to(42)
    assert fake.delivered_to(42) == 3
    assert fake.sent_to(42)[-1].status == 429
    assert fake.sent_to(42)[-1].response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }

    # The breaching call still counts: 6 calls stay in the window until it has passed.
    clock.advance(0.999)
    with pytest.raises(RetryAfter):
        await bot.send_message(42, "still too many")
    clock.advance(0.001)  # the first six are now exactly one second old: out of the window
    await bot.send_message(42, "fine again")
    assert fake.texts_to(42)[-1] == "fine again"
    assert len(fake.breaches) == 2


async def test_edits_count_and_retry_after_is_configurable(fake: FakeBotApi, bot: Bot) -> None:
    fake.limit_per_second = 2
    fake.retry_after_on_breach = 7
    message = await bot.send_message(42, "draft")
    await bot.edit_message_text("draft 2", chat_id=42, message_id=message.message_id)
    await bot.send_chat_action(42, "typing")  # not a counted method
    await bot.get_me()

    with pytest.raises(RetryAfter) as caught:
        await bot.edit_message_text("draft 3", chat_id=42, message_id=message.message_id)

    assert retry_after_seconds(caught.value) == 7
    assert [b.method for b in fake.breaches] == ["editMessageText"]
    assert fake.texts_to(42) == ["draft 2"]
    assert fake.delivered_to(42) == 1


async def test_default_clock_with_fast_sends_breaches() -> None:
    async with (
        FakeBotApi(limit_per_second=5) as fake,
        Bot(fake.token, base_url=fake.base_url) as real_bot,
    ):
        fake.user(42)
        outcomes = await asyncio.gather(
            *(real_bot.send_message(42, f"m{n}") for n in range(6)), return_exceptions=True
        )
        failed = [o for o in outcomes if isinstance(o, BaseException)]
        assert len(failed) == 1 and isinstance(failed[0], RetryAfter)
        assert [b.kind for b in fake.breaches] == ["overall"]
        assert len(fake.texts_to(42)) == 5


async def test_enforce_limits_off_records_but_delivers(fake: FakeBotApi, bot: Bot) -> None:
    fake.limit_per_second = 5
    fake.enforce_limits = False
    for n in range(7):
        await bot.send_message(42, f"m{n}")

    assert [b.kind for b in fake.breaches] == ["overall", "overall"]
    assert len(fake.texts_to(42)) == 7
    assert all(call.status == 200 for call in fake.sent_to(42))


async def test_private_chat_interval(fake: FakeBotApi, bot: Bot, clock: ManualClock) -> None:
    fake.limit_private_interval = 1.0
    await bot.send_message(42, "first")
    clock.advance(0.5)
    await bot.send_message(43, "other chat is separate")
    with pytest.raises(RetryAfter):
        await bot.send_message(42, "too soon")

    [breach] = fake.breaches
    assert (breach.kind, breach.method, breach.chat_id, breach.at) == (
        "private_chat",
        "sendMessage",
        42,
        clock.now,
    )
    assert "0.500 s" in breach.detail

    # The refused call restarted the interval: 0.9 s after it is still too soon.
    clock.advance(0.9)
    with pytest.raises(RetryAfter):
        await bot.send_message(42, "still too soon")
    clock.advance(1.0)
    await bot.send_message(42, "after a full second")
    assert fake.texts_to(42) == ["first", "after a full second"]
    assert fake.texts_to(43) == ["other chat is separate"]


async def test_group_chat_per_minute(fake: FakeBotApi, bot: Bot, clock: ManualClock) -> None:
    fake.limit_group_per_minute = 3
    fake.limit_private_interval = 1.0  # not applied to groups
    for _ in range(3):
        await bot.send_message(GROUP, "news")
        clock.advance(10)
    with pytest.raises(RetryAfter):
        await bot.send_message(GROUP, "more news")  # 4th within a minute, at +30 s

    [breach] = fake.breaches
    assert (breach.kind, breach.chat_id) == ("group_chat", GROUP)
    assert "4 counted calls" in breach.detail

    clock.advance(30)  # +60 s: the call at +0 s left the window, the refused one has not
    with pytest.raises(RetryAfter):
        await bot.send_message(GROUP, "news again")
    clock.advance(25)  # +85 s: only the calls at +30 s and +60 s are within the last minute
    await bot.send_message(GROUP, "later news")
    assert fake.texts_to(GROUP) == ["news", "news", "news", "later news"]
    await bot.send_message(42, "private chats are not limited per minute")


async def test_tolerance_lets_a_slightly_short_gap_pass(
    fake: FakeBotApi, bot: Bot, clock: ManualClock
) -> None:
    fake.limit_private_interval = 1.0
    fake.tolerance = 0.05
    await bot.send_message(42, "one")
    clock.advance(0.96)
    await bot.send_message(42, "two")
    clock.advance(0.94)
    with pytest.raises(RetryAfter):
        await bot.send_message(42, "three")
    assert fake.texts_to(42) == ["one", "two"]
    assert [b.kind for b in fake.breaches] == ["private_chat"]


async def test_tolerance_shortens_the_overall_window(
    fake: FakeBotApi, bot: Bot, clock: ManualClock
) -> None:
    fake.limit_per_second = 2
    fake.tolerance = 0.1
    await bot.send_message(42, "a")
    clock.advance(0.5)
    await bot.send_message(43, "b")
    clock.advance(0.41)  # 0.91 s after "a": more than the 0.9 s the window now spans
    await bot.send_message(42, "c")
    assert fake.breaches == []


# ---------------------------------------------------------------------- faults


async def test_fail_chats_answers_every_counted_call(fake: FakeBotApi, bot: Bot) -> None:
    fake.fail_chats[42] = (403, "Forbidden: user is deactivated")
    with pytest.raises(Forbidden, match="user is deactivated"):
        await bot.send_message(42, "hello?")
    with pytest.raises(Forbidden, match="user is deactivated"):
        await bot.send_message(42, "hello again?")
    await bot.send_chat_action(42, "typing")  # not counted: unaffected
    await bot.send_message(43, "others are fine")

    assert fake.texts_to(42) == []
    assert [c.status for c in fake.sent_to(42)] == [403, 403]
    del fake.fail_chats[42]
    await bot.send_message(42, "back")
    assert fake.texts_to(42) == ["back"]


async def test_lost_response_raises_network_error_but_message_is_stored(
    fake: FakeBotApi, bot: Bot
) -> None:
    await bot.send_message(42, "warm up")  # reuse a keep-alive connection
    fake.lose_response_next("sendMessage")

    with pytest.raises(NetworkError):
        await bot.send_message(42, "did it arrive?")

    assert fake.texts_to(42) == ["warm up", "did it arrive?"]
    [lost] = fake.lost_responses
    assert lost.method == "sendMessage" and lost.params["text"] == "did it arrive?"
    assert lost.status == 200

    # A client that retries blindly sends the message twice.
    await bot.send_message(42, "did it arrive?")
    assert fake.duplicates() == {42: 1}
    assert len(fake.lost_responses) == 1


async def test_lose_response_count(fake: FakeBotApi, bot: Bot) -> None:
    fake.lose_response_next("sendMessage", count=2)
    for text in ("a", "b"):
        with pytest.raises(NetworkError):
            await bot.send_message(42, text)
    await bot.send_message(42, "c")
    assert fake.texts_to(42) == ["a", "b", "c"]
    assert [c.params["text"] for c in fake.lost_responses] == ["a", "b"]


async def test_delay_next_times_out_after_storing(fake: FakeBotApi, bot: Bot) -> None:
    fake.delay_next("sendMessage", 1.0)
    with pytest.raises(TimedOut):
        await bot.send_message(42, "slow", read_timeout=0.1)
    assert fake.texts_to(42) == ["slow"]

    started = time.monotonic()
    await bot.send_message(42, "fast again", read_timeout=0.5)
    assert time.monotonic() - started < 0.5


async def test_delay_without_store_drops_the_abandoned_request(fake: FakeBotApi, bot: Bot) -> None:
    fake.delay_next("sendMessage", 0.3, store=False)
    with pytest.raises(TimedOut):
        await bot.send_message(42, "never handled", read_timeout=0.05)
    await fake.wait_for(lambda call: call.method == "sendMessage")
    await fake.wait_until_idle()  # the fake is done with it
    assert fake.texts_to(42) == []
    assert fake.sent_to(42)[0].status is None


async def test_delay_shorter_than_timeout_answers_late(fake: FakeBotApi, bot: Bot) -> None:
    fake.delay_next("sendMessage", 0.15, count=2, store=False)
    for text in ("late", "late too"):
        started = time.monotonic()
        message = await bot.send_message(42, text, read_timeout=2)
        assert time.monotonic() - started >= 0.15
        assert message.text == text
    assert fake.texts_to(42) == ["late", "late too"]


async def test_stop_cuts_delays_short(clock: ManualClock) -> None:
    fake = FakeBotApi(clock=clock)
    await fake.start()
    fake.user(42)
    async with Bot(fake.token, base_url=fake.base_url) as real_bot:
        fake.delay_next("sendMessage", 30)
        sending = asyncio.create_task(real_bot.send_message(42, "x", read_timeout=5))
        await fake.wait_for(lambda c: c.method == "sendMessage")
        started = time.monotonic()
        await fake.stop()
        message = await asyncio.wait_for(sending, 2)
        assert time.monotonic() - started < 2
        assert message.text == "x"


async def test_fail_next_with_count(fake: FakeBotApi, bot: Bot) -> None:
    fake.fail_next("sendMessage", 400, "Bad Request: chat not found", count=2)
    for _ in range(2):
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await bot.send_message(42, "try")
    await bot.send_message(42, "third time lucky")
    assert [c.status for c in fake.sent_to(42)] == [400, 400, 200]
    assert fake.texts_to(42) == ["third time lucky"]


async def test_5xx_raises_network_error(fake: FakeBotApi, bot: Bot) -> None:
    fake.fail_next("sendMessage", 502, "Bad Gateway")
    fake.fail_next("sendMessage", 500, "Internal Server Error")
    with pytest.raises(NetworkError, match="Bad Gateway") as caught:
        await bot.send_message(42, "one")
    assert type(caught.value) is NetworkError
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_message(42, "two")
    assert fake.texts_to(42) == []


async def test_fail_next_takes_precedence_over_a_breach(
    fake: FakeBotApi, bot: Bot, clock: ManualClock
) -> None:
    fake.limit_private_interval = 1.0
    await bot.send_message(42, "one")
    fake.fail_next("sendMessage", 502, "Bad Gateway")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(42, "two")
    assert [b.kind for b in fake.breaches] == ["private_chat"]


# ---------------------------------------------------------------------- counting


async def test_delivered_to_and_duplicates(fake: FakeBotApi, bot: Bot) -> None:
    sent = [await bot.send_message(42, text) for text in ("a", "a", "b", "a")]
    await bot.send_message(43, "x")
    await bot.send_message(43, "x")
    await bot.send_message(GROUP, "y")
    await bot.edit_message_text("z", chat_id=42, message_id=sent[0].message_id)
    await bot.delete_message(42, sent[2].message_id)
    fake.blocked.add(43)
    with pytest.raises(Forbidden):
        await bot.send_message(43, "x")

    assert fake.delivered_to(42) == 4  # edits do not count, deleted messages still do
    assert fake.delivered_to(43) == 2
    assert fake.delivered_to(GROUP) == 1
    assert fake.delivered_to(999) == 0
    assert fake.duplicates() == {42: 2, 43: 1}  # compared as sent, before the edit
    assert fake.duplicates(lambda text: text == "x") == {43: 1}
    assert fake.duplicates(lambda text: text == "b") == {}


async def test_limit_bookkeeping_stays_bounded(fake: FakeBotApi, clock: ManualClock) -> None:
    fake.limit_per_second = 1000
    fake.limit_group_per_minute = 100_000
    fake.limit_private_interval = 0.002
    fake.tolerance = 0.0005  # absorbs the float drift of the summed clock steps
    started = time.perf_counter()
    for n in range(60_000):  # a minute at 1000 calls/s
        clock.advance(0.001)
        chat_id = GROUP if n % 2 else 42 + n % 4
        assert not fake._check_limits("sendMessage", chat_id)
    elapsed = time.perf_counter() - started
    assert len(fake._recent) <= 1001
    assert len(fake._group_recent[GROUP]) <= 30_001
    assert fake.breaches == []
    assert elapsed < 5  # generous: O(1) amortised per call
