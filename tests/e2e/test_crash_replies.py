"""A crash after a member's action was saved, before they were told: after the restart they
are told, and a second tap on the same button shows what happened, not an error."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ADMIN
from tests.e2e.test_sessions import _create
from tests.support.chorus_run import chorus_env, spawn_chorus
from tests.support.database import rows
from tests.support.fake_bot_api import Call, FakeBotApi
from tests.support.phone import Phone
from tests.support.seed import seed_group

MEMBERS = [9101, 9102, 9103, 9104, 9105, 9106]
GROUP = "Carers group"


def _rows(folder: Path, query: str) -> list[tuple[Any, ...]]:
    return list(rows(folder, query))


async def _until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("the condition never held")
        await asyncio.sleep(0.02)


def _edit_of(chat_id: int, words: str) -> Callable[[Call], bool]:
    def matches(call: Call) -> bool:
        return (
            call.method in ("editMessageText", "sendMessage")
            and call.params.get("chat_id") == chat_id
            and call.status == 200
            and words in str(call.params.get("text", ""))
        )

    return matches


@pytest.fixture
async def running(
    fake: FakeBotApi, tmp_path: Path
) -> AsyncIterator[list[subprocess.Popen[bytes]]]:
    """Chorus as its own process (the test may kill it and start it again), with one group."""
    await seed_group(tmp_path / "chorus.db", ADMIN, MEMBERS, name=GROUP)
    for member in MEMBERS:
        fake.user(member, f"M{member}")
    env = chorus_env(fake, tmp_path, CHORUS_ADMIN_IDS=str(ADMIN), CHORUS_QUIET_HOURS="off")
    processes = [spawn_chorus(env, tmp_path)]
    await fake.wait_for(lambda call: call.method == "getUpdates", 20)
    try:
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                await asyncio.to_thread(process.wait, 25)


async def _kill_and_restart(
    fake: FakeBotApi, tmp_path: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    processes[-1].send_signal(signal.SIGKILL)
    await asyncio.to_thread(processes[-1].wait, 10)
    env = chorus_env(fake, tmp_path, CHORUS_ADMIN_IDS=str(ADMIN), CHORUS_QUIET_HOURS="off")
    processes.append(spawn_chorus(env, tmp_path))


async def test_killed_while_the_receipt_is_on_its_way(
    fake: FakeBotApi, tmp_path: Path, running: list[subprocess.Popen[bytes]]
) -> None:
    member = Phone(fake, MEMBERS[0])
    await member.send("/share")
    await member.tap("Feedback")
    await member.send("The stairs at the centre are hard for me")
    await member.tap("With my name")
    preview = await member.tap("Only coordinators read it")
    send = next(data for label, data in fake.buttons(preview) if "Send" in label)
    # The receipt never arrives: the process dies first.
    fake.delay_next("editMessageText", 60, store=False)
    tapped = time.monotonic()
    fake.tap(member.user, preview["message_id"], send)
    await fake.wait_for(lambda c: c.method == "editMessageText" and c.at >= tapped, 10)
    await _until(lambda: len(_rows(tmp_path, "SELECT id FROM item")) == 1)
    await _kill_and_restart(fake, tmp_path, running)

    receipt = await fake.wait_for(_edit_of(member.id, "Your private reference"), 20)
    [(reference,)] = _rows(tmp_path, "SELECT reference FROM item")
    assert reference in str(receipt.params["text"])

    # The Send button tapped again (from the preview as it was): the receipt, not an error.
    again = await member.tap_data(send, preview)
    assert "Your private reference" in again["text"] and reference in again["text"]
    assert "doesn't work" not in again["text"]
    assert len(_rows(tmp_path, "SELECT id FROM item")) == 1


async def test_killed_while_the_invitation_is_being_updated(
    fake: FakeBotApi, tmp_path: Path, running: list[subprocess.Popen[bytes]]
) -> None:
    admin = Phone(fake, ADMIN)
    await _create(fake, admin)
    member = Phone(fake, MEMBERS[1])
    invitation = await fake.wait_for_text(member.id, "Can you make it?", timeout=10)
    going = next(data for label, data in fake.buttons(invitation) if label == "Going")
    fake.delay_next("editMessageText", 60, store=False)
    tapped = time.monotonic()
    fake.tap(member.user, invitation["message_id"], going)
    await fake.wait_for(lambda c: c.method == "editMessageText" and c.at >= tapped, 10)
    await _until(lambda: bool(_rows(tmp_path, "SELECT answer FROM session_answer")))
    await _kill_and_restart(fake, tmp_path, running)

    shown = await fake.wait_for_text(member.id, "Your answer: going", timeout=20)
    assert shown["message_id"] == invitation["message_id"]  # the invitation itself
    assert _rows(tmp_path, "SELECT answer FROM session_answer") == [("going",)]
