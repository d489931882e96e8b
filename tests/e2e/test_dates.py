"""Dates as coordinators type them, end to end: a date gone by this year is asked about
before it is used, "in 2 hours" works for a broadcast, an end before the start is refused."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.e2e.conftest import ADMIN
from tests.support.chorus_run import RunningChorus, running_chorus, settings_for
from tests.support.clock import FakeClock
from tests.support.database import rows
from tests.support.fake_bot_api import FakeBotApi
from tests.support.phone import Phone
from tests.support.seed import seed_group

MEMBERS = [9101, 9102]
# Friday 4 December 2026, midday in London.
FOURTH_DECEMBER = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
async def running(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningChorus]:
    await seed_group(tmp_path / "chorus.db", ADMIN, MEMBERS, name="Carers group")
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake, FakeClock(FOURTH_DECEMBER)) as chorus:
        yield chorus


def _sessions(folder: Path) -> list[tuple[str]]:
    return list(rows(folder, "SELECT starts_at FROM group_session"))


async def test_a_start_date_gone_by_this_year_is_asked_about_first(
    fake: FakeBotApi, running: RunningChorus, tmp_path: Path
) -> None:
    admin = Phone(fake, ADMIN)
    await admin.send("/newsession")
    await admin.send("Planning meeting")
    asked = await admin.send("1 dec 10am")
    assert "That date has already gone this year." in asked["text"]
    assert "Did you mean Wednesday 1 December 2027 at 10am?" in asked["text"]
    assert [t for t, _ in fake.buttons(asked)] == ["Yes, that's right", "No, I'll type it again"]

    again = await admin.tap("No, I'll type it again", asked)
    assert "When does it start?" in again["text"]
    asked = await admin.send("1 dec 10am")
    ends = await admin.tap("Yes, that's right", asked)
    assert "It starts Wednesday 1 December 2027 at 10am. When does it end?" in ends["text"]

    place = await admin.send("2 hours")
    content = await admin.tap("Skip", await admin.tap("Skip", place))
    reminders = await admin.tap("No limit", await admin.tap("Skip", content))
    confirm = await admin.tap("Usual times", reminders)
    assert "Wednesday 1 December 2027 at 10am to midday" in confirm["text"]
    await admin.tap("Save and invite", confirm)
    assert [s[0][:16] for s in _sessions(tmp_path)] == ["2027-12-01 10:00"]


async def test_a_date_still_ahead_goes_straight_on(
    fake: FakeBotApi, running: RunningChorus
) -> None:
    admin = Phone(fake, ADMIN)
    await admin.send("/newsession")
    await admin.send("Planning meeting")
    ends = await admin.send("Tue 15th 6pm")
    assert "It starts Tuesday 15 December at 6pm. When does it end?" in ends["text"]
    refused = await admin.send("today 11am")
    assert "That's before it starts (Tuesday 15 December at 6pm)" in refused["text"]
    place = await admin.send("8pm")
    assert "Where is it?" in place["text"]


async def test_a_broadcast_in_two_hours_and_one_a_year_on_is_said_plainly(
    fake: FakeBotApi, running: RunningChorus
) -> None:
    admin = Phone(fake, ADMIN)
    await admin.send("/broadcast")
    await admin.send("The meeting room has changed.")
    preview = await fake.wait_for_text(admin.id, "Above is exactly how your message will look")
    asked = await admin.tap("Send later", preview)
    assert "in 2 hours" in asked["text"]
    confirm = await admin.send("in 2 hours")
    assert "Send it to 2 people today at 2pm?" in confirm["text"]

    # Back asks when again, the words kept; once more, and they can be changed.
    when = await admin.tap("‹ Back", confirm)
    assert "When should it go?" in when["text"]
    await admin.tap("‹ Back", when)
    again = await fake.wait_for_text(admin.id, "Above is exactly how your message will look")
    await admin.tap("Change the text", again)
    started = time.monotonic()
    await admin.send("The meeting room has changed again.")
    await fake.wait_for(
        lambda c: (
            c.at >= started
            and c.method == "sendMessage"
            and "Above is exactly" in str(c.params.get("text"))
            and c.response is not None
        )
    )
    await admin.tap("Send later", fake.last_message(admin.id))
    confirm = await admin.send("1 dec 10am")
    assert confirm["text"] == (
        "Please check the date: it has already gone this year, so this would be next year. "
        "Send it to 2 people Wednesday 1 December 2027 at 10am?"
    )
