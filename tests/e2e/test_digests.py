"""Journey J4 end to end with a fake clock: daily and weekly digests at the member's local
time across the spring clock change, quiet hours and pausing holding updates back and then
delivering them in one message, and a withdrawn item getting no further updates."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ADMIN
from tests.e2e.test_inbox import _rows, _sent_since, _until
from tests.support.chorus_run import RunningChorus, running_chorus, settings_for
from tests.support.clock import FakeClock
from tests.support.fake_bot_api import FakeBotApi
from tests.support.items import ItemSeed, seed_items
from tests.support.phone import Phone
from tests.support.seed import seed_group

COORDINATOR = 700_004
ANN, BEN = 5301, 5302
ANN_WORDS = "The waiting room is cold"
BEN_WORDS = "Letters come too late"


@dataclass
class World:
    """A running Chorus with its fake clock, and the people in the test."""

    fake: FakeBotApi
    chorus: RunningChorus
    clock: FakeClock
    folder: Path
    coordinator: Phone
    ann: Phone
    ben: Phone


@pytest.fixture
def start() -> datetime:
    """When the test's clock starts (overridden per test with a parametrised fixture)."""
    return datetime(2026, 3, 28, 10, 0, tzinfo=UTC)


@pytest.fixture
async def world(fake: FakeBotApi, tmp_path: Path, start: datetime) -> AsyncIterator[World]:
    db = tmp_path / "chorus.db"
    group = await seed_group(db, COORDINATOR, [ANN, BEN], "Carers")
    visible = start - timedelta(hours=3)
    given = (start - timedelta(days=2)).date()
    await seed_items(
        db,
        [
            ItemSeed(group, ANN, ANN_WORDS, given - timedelta(days=1), visible, anonymous=True),
            ItemSeed(group, BEN, BEN_WORDS, given, visible),
        ],
    )
    for person in (ANN, BEN, COORDINATOR):
        fake.user(person, f"Person{person}")
    clock = FakeClock(start)
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake, clock) as chorus:
        world = World(
            fake,
            chorus,
            clock,
            tmp_path,
            Phone(fake, COORDINATOR),
            Phone(fake, ANN),
            Phone(fake, BEN),
        )
        if start.astimezone(settings.zone).hour >= 9 and start.hour < 21:
            await fake.wait_for_text(COORDINATOR, "Your inbox today", timeout=10)
        yield world


def _updates_to(world: World, person: int) -> list[str]:
    return [t for t in world.fake.texts_to(person) if re.search(r"\bOn .+ you (said|sent)", t)]


async def _choose(phone: Phone, *labels: str) -> dict[str, Any]:
    message = await phone.send("/settings")
    for text in labels:
        message = await phone.tap(text, message)
    return message


async def _card(world: World, started: float) -> dict[str, Any]:
    return await _sent_since(world.fake, COORDINATOR, started, "Inbox:")


async def _work(world: World, *buttons: str) -> None:
    """The coordinator taps these buttons on the inbox, one card after another."""
    card = await world.coordinator.send("/inbox")
    for label in buttons:
        started = time.monotonic()
        answer = await world.coordinator.tap(label, card)
        card = answer if "Inbox:" in answer["text"] else await _card(world, started)


async def _reply(world: World, text: str) -> None:
    card = await world.coordinator.send("/inbox")
    await world.coordinator.tap("Reply", card)
    started = time.monotonic()
    await world.coordinator.send(text)
    confirm = await _sent_since(world.fake, COORDINATOR, started, "exactly what they will read")
    await world.coordinator.tap("Send it", confirm)


async def _notices(world: World, count: int) -> None:
    """Wait for the coordinator's daily notices so far (so they are not taken for answers)."""
    await _until(lambda: sum("Your inbox today" in t for t in world.coordinator.texts()) >= count)


async def _looked_at(world: World) -> None:
    """Run a closing-the-loop tick: every waiting update has then been looked at (and held
    until later)."""
    now = world.clock.now().isoformat()

    def held() -> bool:
        rows = _rows(world.folder, "SELECT due_at FROM contributor_update WHERE state='pending'")
        return all(datetime.fromisoformat(str(due)).isoformat() > now for (due,) in rows)

    await world.chorus.tick("followup")
    assert held()


async def test_daily_and_weekly_digests_come_at_local_time_across_the_clock_change(
    world: World,
) -> None:
    daily = await _choose(world.ann, "How I hear back", "Once a day", "18:00")
    assert "once a day, at 18:00" in daily["text"]
    weekly = await _choose(world.ben, "How I hear back", "Once a week", "Monday", "08:00")
    assert "once a week, on Monday at 08:00" in weekly["text"]

    # Saturday 28 March, 10:00 (GMT): two steps on Ann's item, one on Ben's.
    await _work(world, "Acknowledge", "considering", "Next", "Acknowledge")
    await _looked_at(world)
    assert not _updates_to(world, ANN) and not _updates_to(world, BEN)

    world.clock.set(datetime(2026, 3, 28, 17, 59, tzinfo=UTC))
    await world.chorus.tick("followup")
    assert not _updates_to(world, ANN)
    world.clock.set(datetime(2026, 3, 28, 18, 0, tzinfo=UTC))
    digest = await world.fake.wait_for_text(ANN, "What happened with your words", timeout=10)
    assert "has read it" in digest["text"] and "work out what they can do" in digest["text"]
    assert ANN_WORDS in digest["text"] and BEN_WORDS not in digest["text"]
    assert len(_updates_to(world, ANN)) == 1 and not _updates_to(world, BEN)

    # Sunday 29 March: the clocks went forward, so 18:00 is now 17:00 UTC.
    # (Nothing is new or waiting too long today, so the coordinator gets no notice.)
    world.clock.set(datetime(2026, 3, 29, 10, 0, tzinfo=UTC))
    await _reply(world, "Thank you, we've asked for the heating to be checked.")
    await _looked_at(world)
    world.clock.set(datetime(2026, 3, 29, 16, 59, tzinfo=UTC))
    await world.chorus.tick("followup")
    assert len(_updates_to(world, ANN)) == 1
    world.clock.set(datetime(2026, 3, 29, 17, 0, tzinfo=UTC))
    reply = await world.fake.wait_for_text(ANN, "heating to be checked", timeout=10)
    assert "wrote back" in reply["text"]

    # Ben's weekly digest: Monday 30 March at 08:00 BST, which is 07:00 UTC.
    world.clock.set(datetime(2026, 3, 30, 6, 59, tzinfo=UTC))
    await world.chorus.tick("followup")
    assert not _updates_to(world, BEN)
    world.clock.set(datetime(2026, 3, 30, 7, 0, tzinfo=UTC))
    weekly_digest = await world.fake.wait_for_text(BEN, "has read it", timeout=10)
    assert BEN_WORDS in weekly_digest["text"] and ANN_WORDS not in weekly_digest["text"]


@pytest.mark.parametrize("start", [datetime(2026, 3, 3, 21, 30, tzinfo=UTC)])
async def test_quiet_hours_and_pause_hold_updates_then_deliver_them_together(
    world: World,
) -> None:
    # 21:30: inside Ann's quiet hours (21:00 to 08:00). Two updates wait.
    await _work(world, "Acknowledge")
    await _reply(world, "Thank you for telling us.")
    await _looked_at(world)
    await world.chorus.tick("followup")
    assert not _updates_to(world, ANN)

    world.clock.set(datetime(2026, 3, 4, 8, 0, tzinfo=UTC))
    together = await world.fake.wait_for_text(ANN, "What happened with your words", timeout=10)
    assert "has read it" in together["text"] and "Thank you for telling us" in together["text"]
    assert len(_updates_to(world, ANN)) == 1
    await world.fake.wait_for_text(COORDINATOR, "Your inbox today", timeout=10)

    paused = await _choose(world.ann, "Pause messages")
    assert "paused" in paused["text"]
    world.clock.set(datetime(2026, 3, 4, 10, 0, tzinfo=UTC))
    await _notices(world, 2)
    await _work(world, "considering")
    await _reply(world, "We'll raise it on Friday.")
    await world.chorus.tick("followup")
    assert len(_updates_to(world, ANN)) == 1

    resumed = await _choose(world.ann, "Resume messages")
    assert "back on" in resumed["text"]
    # Held for an anonymous author, they are looked at again at the next quarter hour.
    world.clock.set(datetime(2026, 3, 4, 10, 15, tzinfo=UTC))
    later = await world.fake.wait_for_text(ANN, "raise it on Friday", timeout=10)
    assert "work out what they can do" in later["text"]
    assert len(_updates_to(world, ANN)) == 2


@pytest.mark.parametrize("start", [datetime(2026, 3, 3, 21, 30, tzinfo=UTC)])
async def test_a_withdrawn_item_gets_no_further_updates(world: World) -> None:
    await _work(world, "Acknowledge")
    card = await world.coordinator.send("/inbox")
    picker = await world.coordinator.tap("Add to action", card)
    await world.coordinator.tap("New action", picker)
    await world.coordinator.send("Warmer waiting room")
    await world.fake.wait_for_text(COORDINATOR, "Items linked: 1")
    await _looked_at(world)
    # Ann takes her item back in /mine, while both updates still wait for her quiet hours.
    listing = await world.ann.send("/mine")
    assert ANN_WORDS in listing["text"]
    confirm = await world.ann.tap("Take back 1", listing)
    taken = await world.ann.tap("Yes, take it back", confirm)
    assert "taken back" in taken["text"]
    # The coordinator's card of it is edited to say so (read before /action's answer).
    await world.fake.wait_for_text(COORDINATOR, "Taken back by the person who shared it.")

    world.clock.set(datetime(2026, 3, 4, 8, 0, tzinfo=UTC))
    await world.fake.wait_for_text(COORDINATOR, "Your inbox today", timeout=10)
    dropped = [("dropped",), ("dropped",)]
    await _until(lambda: _rows(world.folder, "SELECT state FROM contributor_update") == dropped)
    # News on the action it was part of reaches nobody now.
    listing = await world.coordinator.send("/action")
    opened = await world.coordinator.tap("Warmer waiting room", listing)
    assert "Items linked: 0" in opened["text"]
    await world.coordinator.tap("Post an update", opened)
    started = time.monotonic()
    await world.coordinator.send("The heating is fixed.")
    confirm = await _sent_since(world.fake, COORDINATOR, started, "Send it?")
    posted = await world.coordinator.tap("Send it", confirm)
    assert "0 people will hear it" in posted["text"]
    await world.chorus.tick("followup")
    assert not _updates_to(world, ANN)
    assert all(ANN_WORDS not in t for t in world.coordinator.texts()[-3:])
    inbox = await world.coordinator.send("/inbox")
    assert ANN_WORDS not in inbox["text"] and BEN_WORDS in inbox["text"]
