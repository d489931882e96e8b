"""Steps people can leave: every step of every flow is left with /cancel (and, after the
first, gone back through), and a half-written draft survives another flow starting."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.e2e.conftest import ADMIN
from tests.support.chorus_run import RunningChorus, running_chorus, settings_for
from tests.support.clock import MovableClock
from tests.support.fake_bot_api import FakeBotApi
from tests.support.phone import Phone
from tests.support.seed import seed_group
from tests.support.sharing import COORDINATOR, GROUP, MEMBERS, database


@pytest.fixture
async def seeded(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningChorus]:
    """Chorus with one group of six members, coordinated by COORDINATOR."""
    await seed_group(database(tmp_path), COORDINATOR, MEMBERS, name=GROUP)
    for member in [COORDINATOR, *MEMBERS]:
        fake.user(member, f"M{member}")
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    clock = MovableClock(datetime(2026, 3, 3, 12, 0, tzinfo=UTC))
    async with running_chorus(settings, fake, clock) as running:
        yield running


async def test_a_half_written_story_survives_changing_ones_name(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    member = Phone(fake, 801)
    await member.send("/share")
    await member.tap("Feedback")
    await member.send("The waiting room is cold and nobody says hello.")
    # Half-way through, the member goes to change their name instead.
    await member.send("/settings")
    await member.tap("Change name")
    saved = await member.send("Robin")
    assert "Robin" in saved["text"]
    # The story is still there, offered back where it was left.
    offered = await member.send("/share")
    assert "You were writing something" in offered["text"], offered["text"]
    await member.tap("Carry on")
    preview = await member.tap("With my name")
    assert "The waiting room is cold and nobody says hello." in preview["text"]


async def test_stopping_another_flow_gives_the_draft_back(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    member = Phone(fake, 802)
    await member.send("/share")
    await member.tap("Part of my story")
    await member.send("Could we meet in the evenings sometimes?")
    await member.send("/settings")
    await member.tap("Change name")
    await member.send("/cancel")
    # With the name left alone, what is typed next goes on with the story.
    offered = await member.send("/share")
    assert "You were writing something" in offered["text"], offered["text"]
    await member.tap("Carry on")
    await member.tap("With my name")
    preview = await member.tap("Only coordinators read it")
    assert "Could we meet in the evenings sometimes?" in preview["text"], preview["text"]
