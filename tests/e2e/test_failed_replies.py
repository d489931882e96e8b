"""Every tap gets its answer: when the reply to a button fails, the person still hears."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.conftest import ADMIN
from tests.support.chorus_run import RunningChorus, running_chorus, settings_for
from tests.support.fake_bot_api import Call, FakeBotApi
from tests.support.phone import Phone
from tests.support.seed import seed_group
from tests.support.sharing import COORDINATOR, GROUP, MEMBERS, database, rows


@pytest.fixture
async def seeded(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningChorus]:
    """Chorus with one group of six members, coordinated by COORDINATOR."""
    await seed_group(database(tmp_path), COORDINATOR, MEMBERS, name=GROUP)
    for member in [COORDINATOR, *MEMBERS]:
        fake.user(member, f"M{member}")
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake) as running:
        yield running


async def _to_preview(member: Phone, words: str) -> None:
    await member.send("/share")
    await member.tap("Feedback")
    await member.send(words)
    await member.tap("With my name")
    preview = await member.tap("Only coordinators read it")
    assert "Here's what you'll send" in preview["text"], preview["text"]


def _answers(fake: FakeBotApi, started: float) -> list[Call]:
    return [c for c in fake.calls if c.method == "answerCallbackQuery" and c.at >= started]


async def _message_since(fake: FakeBotApi, member: Phone, started: float, words: str) -> str:
    call = await fake.wait_for(
        lambda c: (
            c.at >= started
            and c.method == "sendMessage"
            and c.params.get("chat_id") == member.id
            and c.status == 200
            and words in str(c.params.get("text", ""))
        ),
        10,
    )
    return str(call.params["text"])


@pytest.mark.parametrize(
    ("status", "description"),
    [(502, "Bad Gateway"), (400, "Bad Request: message to edit not found")],
)
async def test_a_failed_edit_after_send_gives_the_receipt_as_a_new_message(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path, status: int, description: str
) -> None:
    member = Phone(fake, MEMBERS[0])
    await _to_preview(member, "The waiting room is cold")
    fake.fail_next("editMessageText", status, description)
    started = time.monotonic()
    fake.tap(member.user, fake.last_message(member.id)["message_id"], _send_data(fake, member))
    receipt = await _message_since(fake, member, started, "private reference")
    assert "Your private reference" in receipt
    assert len(rows(tmp_path, "SELECT id FROM item")) == 1
    answers = _answers(fake, started)
    assert [c.status for c in answers] == [200]  # answered once, never refused


async def test_when_no_reply_gets_through_the_member_hears_what_was_saved(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    member = Phone(fake, MEMBERS[1])
    await _to_preview(member, "The bus times changed")
    fake.fail_next("editMessageText", 502, "Bad Gateway")
    fake.fail_next("sendMessage", 502, "Bad Gateway")
    started = time.monotonic()
    fake.tap(member.user, fake.last_message(member.id)["message_id"], _send_data(fake, member))
    apology = await _message_since(fake, member, started, "saved")
    assert apology.startswith("Your tap on “Send” is saved.")
    assert len(rows(tmp_path, "SELECT id FROM item")) == 1
    answers = _answers(fake, started)
    assert [c.status for c in answers] == [200]


def _send_data(fake: FakeBotApi, member: Phone) -> str:
    message = fake.last_message(member.id)
    return next(data for label, data in fake.buttons(message) if "Send" in label)


async def test_when_telegram_keeps_failing_what_was_saved_is_told_once_it_recovers(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    member = Phone(fake, MEMBERS[2])
    await _to_preview(member, "The lift is broken again")
    send = _send_data(fake, member)
    fake.fail_chats[member.id] = (502, "Bad Gateway")
    started = time.monotonic()
    fake.tap(member.user, fake.last_message(member.id)["message_id"], send)
    # The edit, the reply as a new message, and the apology all fail.
    await fake.wait_for(
        lambda c: (
            c.at >= started
            and c.method == "sendMessage"
            and c.status == 502
            and "saved" in str(c.params.get("text"))
        ),
        10,
    )
    del fake.fail_chats[member.id]
    told = await fake.wait_for_text(member.id, "is saved", timeout=15)
    assert told["text"].startswith("Your tap on “Send” is saved.")
    assert len(rows(tmp_path, "SELECT id FROM item")) == 1
