"""Journey J5 end to end: broadcasts through the outbox and the delivery worker."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.clock import SystemClock
from bot.crypto import Sealer
from tests.e2e.conftest import ADMIN
from tests.support.chorus_run import (
    SECRET_KEY,
    RunningChorus,
    chorus_env,
    running_chorus,
    settings_for,
    spawn_chorus,
)
from tests.support.clock import FakeClock
from tests.support.database import opened, rows
from tests.support.fake_bot_api import FakeBotApi
from tests.support.phone import Phone
from tests.support.seed import seed_group

MEMBERS = list(range(5001, 5031))
UNFINISHED = "state IN ('pending', 'sending')"
TEXT = "Tomorrow's group meeting moves to the library."
time_now = SystemClock().now


def _db(folder: Path) -> Path:
    return folder / "chorus.db"


def _rows(folder: Path, query: str) -> list[tuple[Any, ...]]:
    return list(rows(folder, query))


async def _until(check: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


def _got_it(fake: FakeBotApi, member: int) -> int:
    return sum(TEXT in text for text in fake.texts_to(member))


async def _seeded(fake: FakeBotApi, folder: Path, members: list[int]) -> None:
    await seed_group(_db(folder), ADMIN, members, name="Carers group")
    for member in members:
        fake.user(member, f"M{member}")


async def _send(fake: FakeBotApi, admin: Phone, text: str = TEXT) -> dict[str, Any]:
    """The admin writes a broadcast to their one group and sends it now."""
    ask = await admin.send("/broadcast")
    assert "Type your message for Carers group" in ask["text"]
    await admin.send(text)
    preview = await fake.wait_for_text(admin.id, "Above is exactly how your message will look")
    confirm = await admin.tap("Send now", preview)
    assert "Send it now to" in confirm["text"]
    return await admin.tap("Yes, send it", confirm)


@pytest.fixture
async def seeded(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningChorus]:
    await _seeded(fake, tmp_path, MEMBERS)
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}), send_rate=50.0)
    async with running_chorus(settings, fake) as running:
        yield running


async def test_a_broadcast_reaches_every_member_once(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    admin = Phone(fake, ADMIN)
    sending = await _send(fake, admin)
    assert "Sending your message to 30 people" in sending["text"]
    await _until(lambda: all(_got_it(fake, m) for m in MEMBERS))
    report = await fake.wait_for_text(admin.id, "Your message has gone out", timeout=15)
    assert "Delivered: 30" in report["text"]
    assert all(_got_it(fake, m) == 1 for m in MEMBERS)
    assert "From a coordinator of Carers group" in fake.last_message(MEMBERS[0])["text"]
    assert _rows(tmp_path, "SELECT state, count(*) FROM outbox GROUP BY state") == [("sent", 30)]


# How late a request sent before the 429 was answered may reach the fake Bot API.
IN_FLIGHT = 0.5


async def test_a_429_is_honoured_and_nothing_is_lost(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    admin = Phone(fake, ADMIN)
    ask = await admin.send("/broadcast")
    assert "Type your message" in ask["text"]
    await admin.send(TEXT)
    preview = await fake.wait_for_text(admin.id, "Above is exactly how your message will look")
    confirm = await admin.tap("Send now", preview)
    # The confirmation below is an edit; the first sendMessage is the broadcast's own.
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 2", retry_after=2)
    await admin.tap("Yes, send it", confirm)
    await _until(lambda: all(_got_it(fake, m) == 1 for m in MEMBERS), timeout=20)
    refused = next(c for c in fake.calls if c.status == 429)
    later = [
        c.at - refused.at for c in fake.calls if c.method == "sendMessage" and c.at > refused.at
    ]
    # Everything paused until Telegram's deadline, then resumed; nobody was missed. A request
    # already on its way when the 429 came back may reach the server just after it (on a
    # busy machine, tens of milliseconds late); none may be sent once the 429 was read.
    assert later and max(later) >= 1.95
    assert not [gap for gap in later if IN_FLIGHT <= gap < 1.95], later
    assert sum(_got_it(fake, m) for m in MEMBERS) == len(MEMBERS)


async def test_a_blocked_member_is_marked_and_skipped_next_time(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    admin, gone = Phone(fake, ADMIN), MEMBERS[0]
    fake.blocked.add(gone)
    await _send(fake, admin)
    report = await fake.wait_for_text(admin.id, "Your message has gone out", timeout=15)
    assert "Delivered: 29" in report["text"] and "Blocked the bot: 1" in report["text"]
    marked = _rows(
        tmp_path, f"SELECT unreachable_at IS NOT NULL FROM person WHERE telegram_id={gone}"
    )
    assert marked == [(1,)]
    attempts = len([c for c in fake.calls if c.params.get("chat_id") == gone])

    await _send(fake, admin, TEXT + " Again.")
    await _until(lambda: sum("Again." in t for t in fake.texts_to(MEMBERS[1])) == 1)
    await _until(lambda: "Delivered: 29" in fake.last_message(admin.id)["text"], 15)
    assert len([c for c in fake.calls if c.params.get("chat_id") == gone]) == attempts
    assert "Blocked the bot: 1" in fake.last_message(admin.id)["text"]


async def test_cancelling_stops_it(fake: FakeBotApi, tmp_path: Path) -> None:
    await _seeded(fake, tmp_path, MEMBERS)
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}), send_rate=4.0)
    async with running_chorus(settings, fake) as running:
        admin = Phone(fake, ADMIN)
        sending = await _send(fake, admin)
        await _until(lambda: sum(_got_it(fake, m) for m in MEMBERS) >= 3)
        stopped = await admin.tap("Stop sending", sending)
        assert "Stopped." in stopped["text"]
        delivered = sum(_got_it(fake, m) for m in MEMBERS)
        # The messages in flight finish and nothing is left to send, even a round later.
        await _until(lambda: not _rows(tmp_path, f"SELECT 1 FROM outbox WHERE {UNFINISHED}"))
        await running.tick()
        after = sum(_got_it(fake, m) for m in MEMBERS)
    # At most the messages already in flight when Stop was tapped arrive after it.
    assert after <= delivered + 8
    assert after < len(MEMBERS)
    states = dict(_rows(tmp_path, "SELECT state, count(*) FROM outbox GROUP BY state"))
    assert states.get("cancelled", 0) == len(MEMBERS) - states.get("sent", 0)


LONDON = "Europe/London"


async def test_quiet_hours_hold_a_message_until_morning(fake: FakeBotApi, tmp_path: Path) -> None:
    await _seeded(fake, tmp_path, MEMBERS[:3])
    # 22:30 in London in winter: quiet hours (21:00 to 08:00) for members.
    clock = FakeClock(datetime(2026, 1, 15, 22, 30, tzinfo=UTC))
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake, clock) as running:
        await _send(fake, Phone(fake, ADMIN))
        held = [("pending", "2026-01-16 08:00:00.000000")]
        await _until(lambda: _rows(tmp_path, "SELECT DISTINCT state, due_at FROM outbox") == held)
        await running.tick()  # a delivery round after they were held sends none of them
        assert not any(_got_it(fake, m) for m in MEMBERS[:3])
        clock.set(datetime(2026, 1, 16, 8, 0, 1, tzinfo=UTC))
        await _until(lambda: all(_got_it(fake, m) == 1 for m in MEMBERS[:3]))


async def test_a_scheduled_broadcast_survives_a_restart(fake: FakeBotApi, tmp_path: Path) -> None:
    await _seeded(fake, tmp_path, MEMBERS[:3])
    clock = FakeClock(datetime(2026, 7, 1, 9, 0, tzinfo=UTC))  # 10:00 in London (BST)
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    from bot.runner import serve

    async def run_until(stop: asyncio.Event) -> asyncio.Task[None]:
        task = asyncio.create_task(serve(settings, stop, clock))
        await fake.wait_for(lambda c: c.method == "getUpdates" and c.at > started, 15)
        return task

    started = time.monotonic()
    stop = asyncio.Event()
    task = await run_until(stop)
    admin = Phone(fake, ADMIN)
    await admin.send("/broadcast")
    await admin.send(TEXT)
    preview = await fake.wait_for_text(admin.id, "Above is exactly how your message will look")
    await admin.tap("Send later", preview)
    confirm = await admin.send("tomorrow 10:30")
    assert "Send it to 3 people tomorrow at 10:30am?" in confirm["text"]
    scheduled = await admin.tap("Yes, schedule it", confirm)
    assert "Scheduled: it will go tomorrow at 10:30am" in scheduled["text"]
    stop.set()
    await asyncio.wait_for(task, 30)

    clock.set(datetime(2026, 7, 2, 9, 30, 1, tzinfo=UTC))  # 10:30 the next day, in BST
    started = time.monotonic()
    stop = asyncio.Event()
    task = await run_until(stop)
    try:
        await _until(lambda: all(_got_it(fake, m) == 1 for m in MEMBERS[:3]))
        await fake.wait_for_text(admin.id, "Your message has gone out", timeout=15)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


async def test_sigkill_mid_broadcast_misses_no_one(fake: FakeBotApi, tmp_path: Path) -> None:
    members = list(range(6001, 6041))
    await _seeded(fake, tmp_path, members)
    env = chorus_env(
        fake,
        tmp_path,
        CHORUS_ADMIN_IDS=str(ADMIN),
        CHORUS_SEND_RATE="10",
        CHORUS_QUIET_HOURS="off",
    )
    process = spawn_chorus(env, tmp_path)
    try:
        await fake.wait_for(lambda call: call.method == "getUpdates", 20)
        await _send(fake, Phone(fake, ADMIN))
        await _until(lambda: sum(_got_it(fake, m) for m in members) >= 12)
        process.send_signal(signal.SIGKILL)
        await asyncio.to_thread(process.wait, 10)
        before_restart = sum(_got_it(fake, m) for m in members)
        assert before_restart < len(members)
        process = spawn_chorus(env, tmp_path)
        await _until(lambda: all(_got_it(fake, m) >= 1 for m in members), timeout=30)
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.to_thread(process.wait, 20)
    duplicates = sum(_got_it(fake, m) - 1 for m in members)
    # Only messages in flight at the kill may arrive twice, each at most once more.
    assert all(_got_it(fake, m) <= 2 for m in members)
    assert duplicates <= 8


async def test_a_long_message_arrives_in_parts_in_order(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    admin = Phone(fake, ADMIN)
    lines = [f"Line {n}: {TEXT}" for n in range(120)]  # about 6,600 characters
    await _send(fake, admin, "\n".join(lines))
    member = MEMBERS[0]
    await _until(lambda: any("Line 119" in t for t in fake.texts_to(member)))
    parts = [t for t in fake.texts_to(member) if "Line " in t]
    assert len(parts) == 2 and all(len(part) <= 4096 for part in parts)
    got = "\n".join(parts).split("\n")
    assert [line for line in got if line.startswith("Line ")] == lines


async def test_a_server_error_is_retried_and_nothing_is_lost(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    admin = Phone(fake, ADMIN)
    ask = await admin.send("/broadcast")
    assert "Type your message" in ask["text"]
    await admin.send(TEXT)
    preview = await fake.wait_for_text(admin.id, "Above is exactly how your message will look")
    confirm = await admin.tap("Send now", preview)
    fake.fail_next("sendMessage", 502, "Bad Gateway")
    await admin.tap("Yes, send it", confirm)
    # The failed message waits for its retry (5 s) while the others go.
    await _until(lambda: all(_got_it(fake, m) == 1 for m in MEMBERS), timeout=20)
    failed = next(c for c in fake.calls if c.status == 502)
    retried = [
        c
        for c in fake.calls
        if c.params.get("chat_id") == failed.params["chat_id"] and c.at > failed.at
    ]
    assert retried and retried[0].at - failed.at >= 4.5
    attempts = _rows(
        tmp_path,
        f"SELECT attempts FROM outbox WHERE person_id = "
        f"(SELECT id FROM person WHERE telegram_id = {failed.params['chat_id']})",
    )
    assert attempts == [(2,)]


async def test_a_draft_kept_by_the_previous_version_carries_on(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    """A coordinator had chosen the group and was asked for the words when Chorus was
    upgraded: the words they type next are taken for that draft."""
    group = await seed_group(_db(tmp_path), ADMIN, MEMBERS[:3], name="Carers group")
    storage = await opened(tmp_path)
    storage.seal_steps_with(Sealer(SECRET_KEY.encode()))
    try:
        async with storage.transaction() as tx:
            person = await tx.people.ensure(ADMIN, ADMIN, None, time_now())
            # Exactly as the handlers used to keep it.
            await tx.steps.set(person.id, "broadcast_text", {"groups": [group]}, time_now())
    finally:
        await storage.close()
    admin = Phone(fake, ADMIN)
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake):
        await admin.send(TEXT)
        preview = await fake.wait_for_text(admin.id, "Above is exactly how your message will look")
        confirm = await admin.tap("Send now", preview)
        assert "Send it now to 3 people" in confirm["text"]
        sending = await admin.tap("Yes, send it", confirm)
        assert "Sending your message to 3 people" in sending["text"]


async def test_back_at_a_scheduled_time_keeps_the_time_typed(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    """Back from "Send it … tomorrow at 10:30am?" asks when again, offering the time typed."""
    await _seeded(fake, tmp_path, MEMBERS[:3])
    admin = Phone(fake, ADMIN)
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake):
        await admin.send("/broadcast")
        await admin.send(TEXT)
        preview = await fake.wait_for_text(admin.id, "Above is exactly how your message will look")
        await admin.tap("Send later", preview)
        confirm = await admin.send("tomorrow 10:30")
        assert "tomorrow at 10:30am?" in confirm["text"]
        again = await admin.tap("‹ Back", confirm)
        assert "When should it go?" in again["text"]
        assert "You chose tomorrow at 10:30am" in again["text"]
        kept = await admin.tap("Keep this time", again)
        assert "Send it to 3 people tomorrow at 10:30am?" in kept["text"]
        scheduled = await admin.tap("Yes, schedule it", kept)
        assert "Scheduled: it will go tomorrow at 10:30am" in scheduled["text"]
