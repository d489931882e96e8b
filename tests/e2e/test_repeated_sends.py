"""Repeated taps on a "send to everyone" button have one effect, whatever happens between."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.services.steps import Steps
from tests.e2e.conftest import ADMIN
from tests.e2e.test_broadcast import _rows, _seeded, _until
from tests.support.chorus_run import RunningChorus, running_chorus, settings_for
from tests.support.fake_bot_api import FakeBotApi
from tests.support.phone import Phone

MEMBERS = [5101, 5102, 5103]
TEXT = "The library is closed on Friday."


def _got_it(fake: FakeBotApi, member: int) -> int:
    return sum(TEXT in text for text in fake.texts_to(member))


@pytest.fixture
async def seeded(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningChorus]:
    await _seeded(fake, tmp_path, MEMBERS)
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake) as running:
        yield running


async def test_a_broadcast_confirmed_twice_goes_once_even_if_its_draft_outlived_the_send(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = Phone(fake, ADMIN)
    await admin.send("/broadcast")
    await admin.send(TEXT)
    preview = await fake.wait_for_text(admin.id, "Above is exactly how your message will look")
    confirm = await admin.tap("Send now", preview)
    [(_, yes), *_] = fake.buttons(confirm)

    async def fails(self: Steps, telegram_id: int) -> None:
        raise RuntimeError("the process stopped here")

    # Whatever ends the draft apart from the send (a crash just after it, say) never runs.
    monkeypatch.setattr(Steps, "clear", fails)
    first = await admin.tap_data(yes, confirm)
    second = await admin.tap_data(yes, confirm)
    await _until(lambda: all(_got_it(fake, m) for m in MEMBERS))
    assert _rows(tmp_path, "SELECT count(*) FROM broadcast") == [(1,)]
    assert _rows(tmp_path, "SELECT count(*) FROM outbox WHERE kind = 'broadcast'") == [(3,)]
    assert all(_got_it(fake, m) == 1 for m in MEMBERS)
    assert "Sending your message to 3 people" in first["text"]
    assert "already sent or dropped" in second["text"]
