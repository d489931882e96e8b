"""Journey J4 end to end: an action gathers items from the inbox, and each update on it
reaches every person whose words are linked, once each, with only their own words."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ADMIN
from tests.e2e.test_inbox import _rows, _sent_since, _until
from tests.support.chorus_run import RunningChorus, running_chorus, settings_for
from tests.support.fake_bot_api import FakeBotApi
from tests.support.items import ItemSeed, seed_items
from tests.support.phone import Phone
from tests.support.seed import seed_group

COORDINATOR = 700_003
ANN, BEN = 5201, 5202
VISIBLE = datetime(2026, 3, 3, 6, 0, tzinfo=UTC)
TITLE = "Rewrite the support-plan paperwork"
NEWS = "The first draft is ready for the group to read."


@pytest.fixture
async def seeded(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningChorus]:
    db = tmp_path / "chorus.db"
    group = await seed_group(db, COORDINATOR, [ANN, BEN], "Carers")
    await seed_items(
        db,
        [
            ItemSeed(group, ANN, "Ann's named words", date(2026, 2, 27), VISIBLE),
            ItemSeed(group, BEN, "Ben's named words", date(2026, 2, 28), VISIBLE),
            ItemSeed(group, ANN, "Ann's words without her name", date(2026, 3, 1), VISIBLE, True),
        ],
    )
    for person in (ANN, BEN, COORDINATOR):
        fake.user(person, f"Person{person}")
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake) as running:
        # Today's notice comes first (it is past 9:00); later answers are not confused with it.
        await fake.wait_for_text(COORDINATOR, "Your inbox today", timeout=10)
        yield running


async def _link_current(fake: FakeBotApi, coordinator: Phone, card: dict[str, Any]) -> None:
    """Add the item on `card` to the action (made the first time)."""
    picker = await coordinator.tap("Add to action", card)
    if any(TITLE in text for text, _ in fake.buttons(picker)):
        linked = await coordinator.tap(TITLE, picker)
        assert "Added" in linked["text"]
        return
    ask = await coordinator.tap("New action", picker)
    assert "What's the action?" in ask["text"]
    made = await coordinator.send(TITLE)
    assert TITLE in made["text"]
    await fake.wait_for_text(coordinator.id, "Items linked: 1")


async def test_an_action_update_reaches_each_member_once(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    coordinator = Phone(fake, COORDINATOR)
    card = await coordinator.send("/inbox")
    for index in range(3):
        assert ("Ann's" if index != 1 else "Ben's") in card["text"]
        await _link_current(fake, coordinator, card)
        card = await coordinator.send("/inbox")
        for _ in range(index + 1):
            card = await coordinator.tap("Next", card)
    assert _rows(tmp_path, "SELECT count(*) FROM action_item") == [(3,)]

    listing = await coordinator.send("/action")
    opened = await coordinator.tap(TITLE, listing)
    assert "Items linked: 3" in opened["text"]
    ask = await coordinator.tap("Post an update", opened)
    assert "once each" in ask["text"]
    started = time.monotonic()
    await coordinator.send(NEWS)
    confirm = await _sent_since(fake, COORDINATOR, started, "Send it?")
    posted = await coordinator.tap("Send it", confirm)
    assert "2 people will hear it" in posted["text"]

    await fake.wait_for_text(ANN, NEWS, timeout=10)
    await fake.wait_for_text(BEN, NEWS, timeout=10)
    await _until(lambda: not _rows(tmp_path, "SELECT 1 FROM outbox WHERE state != 'sent'"))
    ann = [t for t in fake.texts_to(ANN) if NEWS in t]
    ben = [t for t in fake.texts_to(BEN) if NEWS in t]
    assert len(ann) == 1 and len(ben) == 1
    # Ann hears about both her items in the one message; nobody reads another's words.
    assert "Ann's named words" in ann[0] and "Ann's words without her name" in ann[0]
    assert all("Ben's" not in t for t in fake.texts_to(ANN))
    assert all("Ann's" not in t for t in fake.texts_to(BEN))

    # A change of status reaches them too, once each.
    opened = await coordinator.send("/action")
    opened = await coordinator.tap(TITLE, opened)
    ask = await coordinator.tap("done", opened)
    # Asked first: it reaches everyone linked.
    assert "Everyone whose words are linked to it will hear this" in ask["text"]
    done = await coordinator.tap("Yes, tell them", ask)
    assert "2 people will hear it" in done["text"]
    await fake.wait_for_text(ANN, f"“{TITLE}” is now done", timeout=10)
    await fake.wait_for_text(BEN, f"“{TITLE}” is now done", timeout=10)
