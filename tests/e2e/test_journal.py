"""Updates are never lost and never handled twice: duplicates, crashes, failures."""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from bot.logs import LIBRARY_FLOORS, configure_logging
from bot.services.membership import Membership
from tests.e2e.conftest import ADMIN
from tests.e2e.test_joining import make_group
from tests.support.chorus_run import (
    RunningChorus,
    chorus_env,
    running_chorus,
    settings_for,
    spawn_chorus,
)
from tests.support.clock import midday
from tests.support.database import rows
from tests.support.fake_bot_api import Call, FakeBotApi
from tests.support.phone import Phone


def _rows(folder: Path, query: str) -> list[tuple[object, ...]]:
    return list(rows(folder, query))


async def _journal_empties(folder: Path, timeout: float = 10.0) -> None:
    """Wait until every stored update has been handled and its raw row deleted."""
    deadline = time.monotonic() + timeout
    while _rows(folder, "SELECT update_id FROM update_journal"):
        if time.monotonic() > deadline:
            raise AssertionError("the update journal still holds rows")
        await asyncio.sleep(0.01)


async def _acknowledged(fake: FakeBotApi, update_id: int) -> None:
    """Wait until the bot has told the fake it has everything up to `update_id`."""
    await fake.wait_for(
        lambda call: call.method == "getUpdates" and (call.params.get("offset") or 0) > update_id,
        10,
    )


async def test_duplicate_delivery_has_one_effect(
    fake: FakeBotApi, chorus: RunningChorus, tmp_path: Path
) -> None:
    admin = Phone(fake, ADMIN)
    await admin.send("/newgroup")
    await admin.send("Peer support")
    update_id = max(fake._updates_by_id)
    replies_before = len(fake.sent_to(admin.id))

    fake.resend(update_id)
    await _acknowledged(fake, update_id)
    await admin.send("/help")  # handled after the duplicate, in the same chat

    assert _rows(tmp_path, "SELECT name FROM chorus_group") == [("Peer support",)]
    assert len(fake.sent_to(admin.id)) == replies_before + 1
    assert sum("Done: Peer support" in text for text in admin.texts()) == 1


async def test_duplicate_of_an_update_still_being_handled(
    fake: FakeBotApi, chorus: RunningChorus, tmp_path: Path
) -> None:
    member = Phone(fake, 201)
    fake.hold("sendMessage")
    update_id = fake.send_text(member.user, "/start")
    await fake.wait_for(lambda call: call.method == "sendMessage", 10)
    fake.resend(update_id)
    await _acknowledged(fake, update_id)
    fake.release("sendMessage")
    await member.send("/help")
    assert sum("open the invite link" in text for text in member.texts()) == 2  # /start, /help
    await _journal_empties(tmp_path)


async def test_killed_after_storing_handles_the_update_after_restart(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    env = chorus_env(fake, tmp_path, CHORUS_ADMIN_IDS=str(ADMIN))
    member = Phone(fake, 202)
    process = spawn_chorus(env, tmp_path)
    try:
        await fake.wait_for(lambda call: call.method == "getUpdates", 20)
        fake.hold("sendMessage")
        update_id = fake.send_text(member.user, "/start")
        # The handler is running (its reply is held) and the update was acknowledged.
        await fake.wait_for(lambda c: c.method == "sendMessage" and _to(c, member.id), 10)
        await _acknowledged(fake, update_id)
        process.send_signal(signal.SIGKILL)
        await asyncio.to_thread(process.wait, 10)
        assert _rows(tmp_path, "SELECT update_id FROM update_journal") == [(update_id,)]
        assert fake.pending_update_count == 0  # Telegram will not send it again
        fake.release("sendMessage")
        assert member.texts() == []

        restarted = time.monotonic()
        process = spawn_chorus(env, tmp_path)
        answer = await member.answer_since(restarted, 20)
        assert "open the invite link" in answer["text"]
        await _journal_empties(tmp_path)
        assert _rows(tmp_path, "SELECT update_id FROM seen_update") == [(update_id,)]
    finally:
        process.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(process.wait, 20)
    assert code == 0
    output = process.stdout.read().decode() if process.stdout else ""
    assert "Traceback" not in output


def _to(call: Call, chat_id: int) -> bool:
    return call.params.get("chat_id") == chat_id


@pytest.fixture
def production_logging() -> Iterator[None]:
    """Chorus's own logging set-up at its most talkative level, undone afterwards."""
    names = ["", *LIBRARY_FLOORS]
    levels = {name: logging.getLogger(name).level for name in names}
    configure_logging("DEBUG")
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.usefixtures("production_logging")
async def test_a_failing_handler_logs_no_member_text(
    fake: FakeBotApi,
    chorus: RunningChorus,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    admin = Phone(fake, ADMIN)
    await admin.send("/newgroup")

    async def broken(self: Membership, telegram_id: int) -> None:
        raise RuntimeError("the words were: my private story")

    monkeypatch.setattr(Membership, "current_step", broken)
    answer = await admin.send("my private story")
    assert answer["text"].startswith("Sorry, something went wrong on my side.")
    failures = [r for r in caplog.records if "failed" in r.getMessage()]
    assert failures and "RuntimeError" in failures[0].getMessage()
    assert all("private story" not in record.getMessage() for record in caplog.records)
    await _journal_empties(tmp_path)


async def test_a_busy_database_gets_its_own_kind_message(
    fake: FakeBotApi, chorus: RunningChorus, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = Phone(fake, 203)

    async def locked(self: Membership, telegram_id: int) -> None:
        raise OperationalError("INSERT ...", {"text": "secret"}, Exception("database is locked"))

    monkeypatch.setattr(Membership, "current_step", locked)
    answer = await member.send("hello")
    assert "couldn't save that just now" in answer["text"]


async def test_a_member_who_blocked_the_bot(
    fake: FakeBotApi, chorus: RunningChorus, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    gone, other = Phone(fake, 204), Phone(fake, 205)
    fake.blocked.add(gone.id)
    update_id = fake.send_text(gone.user, "/help")
    await _acknowledged(fake, update_id)
    # The two updates are handled side by side: the other member may be answered first.
    assert "open the invite link" in (await other.send("/help"))["text"]
    await fake.wait_for(lambda c: c.params.get("chat_id") == gone.id and c.status == 403, 10)
    await _journal_empties(tmp_path)  # the update handled to its end: no second try to come
    attempts = [c for c in fake.calls if c.params.get("chat_id") == gone.id]
    assert len(attempts) == 1 and attempts[0].status == 403
    assert any("Forbidden" in r.getMessage() for r in caplog.records)


async def test_group_name_escaped_in_every_reply(fake: FakeBotApi, chorus: RunningChorus) -> None:
    admin = Phone(fake, ADMIN)
    payload = await make_group(admin, "<b>Tom</b> & Jerry's")
    member = Phone(fake, 206)
    welcome = await member.send(f"/start {payload}")
    assert "<b>Tom</b> & Jerry's" in welcome["text"]
    assert "&lt;b&gt;Tom&lt;/b&gt; &amp; Jerry's" in welcome["html"]


class _MovableClock:
    """Real time from midday, which the test can move on by days."""

    def __init__(self) -> None:
        self._base = midday()
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return self._base.now() + self.offset


async def test_ids_numbered_afresh_after_a_quiet_week_are_answered(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    clock = _MovableClock()
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake, clock):
        member = Phone(fake, 201)
        first = fake.send_text(member.user, "/help")
        await _acknowledged(fake, first)
        await _journal_empties(tmp_path)
        # A week without updates: Telegram starts numbering again, here from the same id.
        clock.offset = timedelta(days=8)
        fake._next_update_id = first
        answer = await member.send("/help")
        assert "open the invite link" in answer["text"]
