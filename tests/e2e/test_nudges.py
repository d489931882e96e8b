"""Journey J4 end to end with a fake clock: the coordinators' daily notice of new items and
of items waiting too long (3 days without acknowledgement, 14 without an outcome, or the
group's own choice), one message per coordinator per day."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.e2e.conftest import ADMIN
from tests.support.chorus_run import RunningChorus, running_chorus, settings_for
from tests.support.clock import FakeClock
from tests.support.fake_bot_api import FakeBotApi
from tests.support.items import ItemSeed, seed_items
from tests.support.phone import Phone
from tests.support.seed import seed_group

COORDINATOR = 700_005
MEMBER = 5501
VISIBLE = datetime(2026, 3, 3, 6, 0, tzinfo=UTC)


def _notices(fake: FakeBotApi) -> list[str]:
    return [t for t in fake.texts_to(COORDINATOR) if "Your inbox today" in t]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 3, 8, 0, tzinfo=UTC))


@pytest.fixture
async def chorus(
    fake: FakeBotApi, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[RunningChorus]:
    db = tmp_path / "chorus.db"
    group = await seed_group(db, COORDINATOR, [MEMBER], "Carers")
    await seed_items(
        db,
        [
            ItemSeed(group, MEMBER, "Item one", date(2026, 3, 1), VISIBLE, anonymous=True),
            ItemSeed(group, MEMBER, "Item two", date(2026, 2, 18), VISIBLE, status="acknowledged"),
            ItemSeed(group, MEMBER, "Item three", date(2026, 3, 3), VISIBLE),
        ],
    )
    fake.user(COORDINATOR, "Coordinator")
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake, clock) as running:
        yield running


async def test_nudges_come_after_3_and_14_days_once_a_day(
    fake: FakeBotApi, clock: FakeClock, chorus: RunningChorus
) -> None:
    await chorus.tick("followup")
    assert not _notices(fake)  # 08:00: not yet time

    clock.set(datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
    first = await fake.wait_for_text(COORDINATOR, "Your inbox today", timeout=10)
    assert "New: 3" in first["text"]
    assert "Not yet acknowledged" not in first["text"] and "No outcome" not in first["text"]

    clock.set(datetime(2026, 3, 4, 8, 59, tzinfo=UTC))
    await chorus.tick("followup")
    assert len(_notices(fake)) == 1

    clock.set(datetime(2026, 3, 4, 9, 0, tzinfo=UTC))
    await fake.wait_for_text(COORDINATOR, "(waiting 3 days)", timeout=10)
    clock.set(datetime(2026, 3, 4, 9, 5, tzinfo=UTC))
    await chorus.tick("followup", "followup")  # more ticks on the same day: still one message
    notices = _notices(fake)
    assert len(notices) == 2
    second = notices[1]
    assert "Not yet acknowledged after 3 days:\n• Feedback from 1 March (waiting 3 days)" in second
    assert "No outcome yet after 14 days:\n• Feedback from 18 February (waiting 14 days)" in second
    assert "New:" not in second and "Item" not in second  # dates and kinds, never words

    coordinator = Phone(fake, COORDINATOR)
    card = await coordinator.send("/inbox")
    assert "waiting 14 days" in card["text"]
    ask = await coordinator.tap("When to remind me", card)
    assert "after 14 days" in ask["text"]
    saved = await coordinator.tap("21 days", ask)
    assert "after 21 days" in saved["text"]

    clock.set(datetime(2026, 3, 5, 9, 0, tzinfo=UTC))
    await fake.wait_for_text(COORDINATOR, "(waiting 4 days)", timeout=10)
    third = _notices(fake)[2]
    assert "No outcome yet" not in third and "18 February" not in third
