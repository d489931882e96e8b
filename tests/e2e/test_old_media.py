"""Taking back a voice note or photo that a coordinator was shown more than 48 hours ago
(from /mine, by leaving or by /forgetme),
when Telegram no longer lets the bot delete it: the photo is replaced by a plain picture that
says it was taken back; the voice note, whose media no bot can replace, gets that caption."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from tests.e2e.conftest import ADMIN
from tests.e2e.test_leaving import (
    AUTHOR,
    COORDINATOR,
    GIVEN,
    TAKEN_BACK,
    VISIBLE,
    _message_id,
    _start,
    _take_back_first,
)
from tests.support.chorus_run import running_chorus, settings_for
from tests.support.fake_bot_api import FakeBotApi
from tests.support.items import ItemSeed
from tests.support.phone import Phone
from tests.support.sharing import execute, rows

TWO_DAYS_AND_AN_HOUR = 49 * 3600


async def _noted(folder: Path) -> None:
    """Wait until Chorus has noted the voice note or photo it showed (after sending it)."""
    deadline = time.monotonic() + 10
    while not rows(folder, "SELECT id FROM item_copy WHERE shape = 'media'"):
        assert time.monotonic() < deadline, "the media message was never noted"
        await asyncio.sleep(0.02)


@pytest.mark.parametrize(
    ("kind", "send", "content"),
    [("photo", "sendPhoto", b"\x89PNG fake photo"), ("voice", "sendVoice", b"OggS fake voice")],
)
async def test_media_too_old_to_delete_is_covered_instead(
    fake: FakeBotApi, tmp_path: Path, kind: str, send: str, content: bytes
) -> None:
    stored = fake.add_file(kind, content)
    seed = ItemSeed(0, AUTHOR, None, GIVEN, VISIBLE, media_kind=kind)
    await _start(fake, tmp_path, [replace(seed, media_file_id=stored.file_id)])
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake):
        await fake.wait_for_text(COORDINATOR, "Your inbox today", timeout=10)
        coordinator, author = Phone(fake, COORDINATOR), Phone(fake, AUTHOR)
        card = await coordinator.send("/inbox")
        started = time.monotonic()
        play = next(data for text, data in fake.buttons(card) if "Hear or see it" in text)
        fake.tap(coordinator.user, card["message_id"], play)
        sent = await fake.wait_for(
            lambda c: c.at >= started and c.method == send and c.response is not None
        )
        shown = _message_id(sent)
        fake.age_message(COORDINATOR, shown, TWO_DAYS_AND_AN_HOUR)
        # Chorus keeps the day it was shown only (once it has noted it): long ago.
        await _noted(tmp_path)
        await execute(tmp_path, "UPDATE item_copy SET shown_on = ?", date(2026, 1, 1))
        done = await _take_back_first(author)
        # The member is told honestly what may be left: a voice note that can still play.
        assert ("can still be played" in done["text"]) is (kind == "voice")
        refused = await fake.wait_for(lambda c: c.method == "deleteMessage", timeout=10)
        assert refused.response is not None and refused.response["ok"] is False
        covered = "editMessageMedia" if kind == "photo" else "editMessageCaption"
        await fake.wait_for(
            lambda c: c.method == covered and c.response is not None and c.response["ok"],
            timeout=10,
        )
        now = fake.message(COORDINATOR, shown)
        assert now.get("caption") == TAKEN_BACK
        if kind == "photo":
            # The photo itself is gone from the chat: a plain picture is in its place.
            [picture] = now["photo"]
            assert picture["file_id"] != stored.file_id
        else:
            assert now["voice"]["file_id"] == stored.file_id


@pytest.mark.parametrize("how", ["leaving", "forgetting"])
async def test_leaving_or_forgetting_says_an_old_voice_note_can_still_be_played(
    fake: FakeBotApi, tmp_path: Path, how: str
) -> None:
    stored = fake.add_file("voice", b"OggS fake voice")
    seed = ItemSeed(0, AUTHOR, None, GIVEN, VISIBLE, media_kind="voice")
    await _start(fake, tmp_path, [replace(seed, media_file_id=stored.file_id)])
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake):
        await fake.wait_for_text(COORDINATOR, "Your inbox today", timeout=10)
        coordinator, author = Phone(fake, COORDINATOR), Phone(fake, AUTHOR)
        card = await coordinator.send("/inbox")
        started = time.monotonic()
        play = next(data for text, data in fake.buttons(card) if "Hear or see it" in text)
        fake.tap(coordinator.user, card["message_id"], play)
        sent = await fake.wait_for(
            lambda c: c.at >= started and c.method == "sendVoice" and c.response is not None
        )
        fake.age_message(COORDINATOR, _message_id(sent), TWO_DAYS_AND_AN_HOUR)
        await _noted(tmp_path)
        await execute(tmp_path, "UPDATE item_copy SET shown_on = ?", date(2026, 1, 1))
        if how == "leaving":
            done = await author.tap("Take them all back", await author.send("/leave"))
            assert "taken back" in done["text"]
        else:
            done = await author.tap("delete everything", await author.send("/forgetme"))
            assert "Done." in done["text"]
        assert "can still be played" in done["text"]
        # Telegram refuses to delete it, so it is covered with a caption instead.
        await fake.wait_for(
            lambda c: c.method == "editMessageCaption" and c.response is not None, timeout=10
        )
        assert fake.message(COORDINATOR, _message_id(sent)).get("caption") == TAKEN_BACK
