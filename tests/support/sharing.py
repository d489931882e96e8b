"""Helpers for end-to-end tests of sharing: a seeded group, a member's way through /share,
and reading the database directly."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.crypto import Sealer
from tests.support.chorus_run import SECRET_KEY
from tests.support.clock import MovableClock
from tests.support.database import Row, database_file
from tests.support.database import execute as database_execute
from tests.support.database import rows as database_rows
from tests.support.fake_bot_api import FakeBotApi
from tests.support.phone import Phone

COORDINATOR = 800
MEMBERS = [801, 802, 803, 804, 805, 806]
GROUP = "Carers group"


def sealer() -> Sealer:
    """The sealer with the tests' secret key."""
    return Sealer(SECRET_KEY.encode())


def database(folder: Path) -> Path:
    """The Chorus database file in a test's folder (on PostgreSQL, helpers given it use the
    test's own database instead)."""
    return database_file(folder)


def rows(folder: Path, query: str, *params: Any) -> list[Row]:
    """Rows of a query on the test's database, as a reader of the database would see them
    (on either backend: see tests/support/database.py)."""
    return database_rows(folder, query, *params)


async def execute(folder: Path, statement: str, *params: Any) -> None:
    """Change the test's database directly (as the coordinators' journey would), from a
    thread: the Chorus under test shares this event loop, and a write waiting for its lock
    there would otherwise keep it from ever letting go."""
    await asyncio.to_thread(database_execute, folder, statement, *params)


async def answer_to_media(
    fake: FakeBotApi,
    phone: Phone,
    kind: str,
    content: bytes = b"media",
    caption: str | None = None,
    file_name: str | None = None,
    mime_type: str | None = None,
) -> dict[str, Any]:
    """Send a voice note, photo, sticker or file; the bot's answer."""
    started = time.monotonic()
    fake.send_media(phone.user, kind, content, caption, file_name, mime_type)
    return await phone.answer_since(started)


async def share_words(
    phone: Phone,
    words: str,
    *,
    kind: str = "Feedback",
    named: bool = True,
    consent: str | None = None,
) -> dict[str, Any]:
    """A member in one group shares typed words all the way to the receipt."""
    ask = await phone.send("/share")
    assert "What would you like to share" in ask["text"], ask["text"]
    content = await phone.tap(kind)
    assert "Type your words" in content["text"], content["text"]
    question = await phone.send(words)
    assert "with your name, or without it" in question["text"], question["text"]
    step = await phone.tap("With my name" if named else "Without my name")
    assert "How may we use your words" in step["text"], step["text"]
    step = await phone.tap(consent or "Only coordinators read it")
    assert "Here's what you'll send" in step["text"], step["text"]
    receipt = await phone.tap("Send")
    assert "Your private reference" in receipt["text"], receipt["text"]
    return receipt


def reference_in(receipt: dict[str, Any]) -> str:
    """The private reference a receipt gives."""
    line = next(line for line in receipt["text"].splitlines() if "private reference" in line)
    return line.split(":", 1)[1].split()[0]


async def pass_daily_batch(clock: MovableClock, folder: Path, moment: datetime) -> None:
    """Move the running clock to `moment` (after a batch time) and wait until the anonymous
    items held for the batch have joined the items."""
    clock.move_to(moment)
    await wait_until_released(folder)


async def wait_until_released(folder: Path) -> None:
    """Wait until no anonymous item is held for a daily batch any more."""
    deadline = time.monotonic() + 15
    while rows(folder, "SELECT id FROM item_hold"):
        if time.monotonic() > deadline:
            raise AssertionError("the held items were not released at the batch")
        await asyncio.sleep(0.02)
