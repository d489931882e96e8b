"""Journey J4 end to end: "you said, we did" quotes only items whose consent allows it,
names people only when they said so, and coordinators can send it to the group."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tests.e2e.conftest import ADMIN
from tests.e2e.test_inbox import _rows, _until
from tests.support.chorus_run import RunningChorus, running_chorus, settings_for
from tests.support.clock import FakeClock
from tests.support.fake_bot_api import FakeBotApi
from tests.support.items import ItemSeed, seed_items, seed_outcomes
from tests.support.phone import Phone
from tests.support.seed import seed_group

COORDINATOR = 700_006
ANN, BEN, CAL, OBSERVER = 5601, 5602, 5603, 5604
VISIBLE = datetime(2026, 3, 3, 6, 0, tzinfo=UTC)
PRIVATE = "My neighbour's name is on this letter"


@pytest.fixture
async def seeded(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningChorus]:
    await _seed(fake, tmp_path)
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake) as running:
        # Today's notice comes first (it is past 9:00); later answers are not confused with it.
        await fake.wait_for_text(COORDINATOR, "Your inbox today", timeout=10)
        yield running


async def _seed(fake: FakeBotApi, tmp_path: Path) -> None:
    db = tmp_path / "chorus.db"
    group = await seed_group(db, COORDINATOR, [ANN, BEN, CAL], "Carers")
    day = date(2026, 2, 20)
    ids = await seed_items(
        db,
        [
            ItemSeed(group, ANN, PRIVATE, day, VISIBLE, consent="coordinators"),
            ItemSeed(group, BEN, "Quote me, no name", day, VISIBLE, True, "quote_anonymous"),
            ItemSeed(group, CAL, "Quote me with my name", day, VISIBLE, consent="quote_named"),
            ItemSeed(group, CAL, "Withdrawn words", day, VISIBLE, consent="quote_named"),
        ],
    )
    at = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    await seed_outcomes(
        db,
        [
            (ids[0], "changed", "letters no longer show other people's names"),
            (ids[1], "cannot_change", "the budget is set by the council"),
            (ids[2], "changed", "the phone line now opens at 8"),
            (ids[3], "changed", "something about withdrawn words"),
        ],
        at,
    )
    _rows(tmp_path, f"UPDATE item SET withdrawn_on=?, body=NULL WHERE id={ids[3]}", "2026-03-02")
    _rows(
        tmp_path,
        "INSERT INTO person (telegram_id, chat_id, display_name, is_coordinator, paused, "
        f"created_at) VALUES ({OBSERVER}, {OBSERVER}, 'Olive', false, false, ?)",
        "2026-03-01 10:00:00",
    )
    _rows(
        tmp_path,
        "INSERT INTO group_observer (group_id, person_id, added_at) SELECT "
        f"{group}, id, ? FROM person WHERE telegram_id = {OBSERVER}",
        "2026-03-01 10:00:00",
    )
    for person in (ANN, BEN, CAL, COORDINATOR, OBSERVER):
        fake.user(person, f"Person{person}")


async def test_you_said_shows_only_what_consent_allows(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    board = (await Phone(fake, BEN).send("/updates"))["text"]
    assert "You said, we did: Carers" in board
    assert "Someone said: “Quote me, no name”" in board
    assert "This can't change for now: the budget is set by the council" in board
    assert "M5603 said: “Quote me with my name”" in board
    assert "the phone line now opens at 8" in board
    assert PRIVATE not in board and "other people's names" not in board
    assert "withdrawn" not in board.lower()
    assert "M5602" not in board and "M5601" not in board

    coordinator = Phone(fake, COORDINATOR)
    shown = await coordinator.send("/updates")
    confirm = await coordinator.tap("Send this to the group", shown)
    sent = await coordinator.tap("Yes, send it", confirm)
    assert "Sending it to 3 people" in sent["text"]
    for member in (ANN, BEN, CAL):
        got = await fake.wait_for_text(member, "Quote me, no name", timeout=10)
        assert PRIVATE not in got["text"]
    await _until(lambda: len(_rows(tmp_path, "SELECT 1 FROM outbox WHERE kind='you_said'")) == 3)
    payloads = _rows(tmp_path, "SELECT payload FROM outbox WHERE kind='you_said'")
    assert all(str(p).startswith("v1.") for (p,) in payloads)


async def test_sending_the_list_again_sends_nothing_twice(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    await _seed(fake, tmp_path)
    clock = FakeClock(datetime(2026, 3, 3, 12, 0, tzinfo=UTC))
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake, clock):
        await fake.wait_for_text(COORDINATOR, "Your inbox today", timeout=10)
        coordinator = Phone(fake, COORDINATOR)
        shown = await coordinator.send("/updates")
        confirm = await coordinator.tap("Send this to the group", shown)
        [(_, yes), (_, _stop)] = fake.buttons(confirm)
        first = await coordinator.tap_data(yes, confirm)
        assert "Sending it to 3 people" in first["text"]
        clock.advance(timedelta(seconds=1.2))
        second = await coordinator.tap_data(yes, confirm)
        clock.advance(timedelta(minutes=5))
        third = await coordinator.tap_data(yes, confirm)
        for member in (ANN, BEN, CAL):
            await fake.wait_for_text(member, "Quote me, no name", timeout=10)
        queued = _rows(tmp_path, "SELECT 1 FROM outbox WHERE kind='you_said'")
    assert len(queued) == 3
    assert fake.duplicates(lambda text: "You said, we did" in text) == {}
    for answer in (second, third):
        assert "already gone to everyone" in answer["text"]


async def test_a_member_cannot_send_the_list(fake: FakeBotApi, seeded: RunningChorus) -> None:
    member = Phone(fake, ANN)
    shown = await member.send("/updates")
    assert not fake.buttons(shown)
    refused = await member.tap_data("oz:1", shown)
    assert "only the people who run a group" in refused["text"]


async def test_mine_shows_what_happened_with_an_item(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    cal = Phone(fake, CAL)
    listing = await cal.send("/mine")
    assert "Quote me with my name" in listing["text"]
    assert "Withdrawn words" not in listing["text"]
    await cal.tap("Read 1", listing)
    actions = await fake.wait_for_text(CAL, "take it back")
    history = await cal.tap("What happened", actions)
    assert "What happened with your words of 20 February" in history["text"]
    assert "What changed: the phone line now opens at 8" in history["text"]
    assert "you shared it" in history["text"]


async def test_an_observer_reads_the_inbox_and_the_list_without_names_or_buttons_that_act(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    observer = Phone(fake, OBSERVER)
    _rows(tmp_path, "UPDATE item SET status='received', outcome=NULL WHERE consent='quote_named'")
    card = await observer.send("/inbox")
    assert "Quote me with my name" in card["text"]
    assert "not shown to observers" in card["text"] and "M5603" not in card["text"]
    labels = [text for text, _ in fake.buttons(card)]
    assert not any(
        word in " ".join(labels) for word in ("Acknowledge", "Reply", "Record", "Add to")
    )
    forged = await observer.tap_data(f"oa:{_rows(tmp_path, 'SELECT id FROM item')[0][0]}", card)
    assert "only the people who run a group" in forged["text"]
    board = await observer.send("/updates")
    assert "Someone said: “Quote me, no name”" in board["text"]
    assert not fake.buttons(board)


async def test_feedback_that_may_be_quoted_fills_the_list_and_private_ones_are_counted(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    db = tmp_path / "chorus.db"
    group = await seed_group(db, COORDINATOR, [ANN, BEN, CAL], "Carers")
    [private] = await seed_items(
        db, [ItemSeed(group, ANN, PRIVATE, date(2026, 2, 20), VISIBLE, consent="coordinators")]
    )
    at = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    await seed_outcomes(db, [(private, "changed", "letters no longer show names")], at)
    for person in (ANN, BEN, CAL, COORDINATOR):
        fake.user(person, f"Person{person}")
    clock = FakeClock(datetime(2026, 3, 3, 12, 0, tzinfo=UTC))
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake, clock):
        ben = Phone(fake, BEN)
        await ben.send("/share")
        await ben.tap("Feedback")
        await ben.send("The waiting room is too cold")
        ask = await ben.tap("With my name")
        assert "How may we use your words?" in ask["text"]
        labels = [text for text, _ in fake.buttons(ask)]
        assert labels[:3] == [
            "Only coordinators read it",
            "Quote it without my name",
            "Quote it with my name",
        ]
        preview = await ben.tap("Quote it without my name", ask)
        assert "How it may be used: it may be quoted, without your name." in preview["text"]
        await ben.tap("Send", preview)

        coordinator = Phone(fake, COORDINATOR)
        card = await coordinator.send("/inbox")
        assert "The waiting room is too cold" in card["text"]
        assert "How it may be used: may be quoted, without a name" in card["text"]
        await coordinator.tap("Record outcome", card)
        await coordinator.tap("Something changed")
        await coordinator.send("the heating is fixed")
        confirm = await fake.wait_for_text(COORDINATOR, "exactly what they will read")
        await coordinator.tap("Send it", confirm)
        await fake.wait_for_text(BEN, "the heating is fixed", timeout=10)

        board = (await Phone(fake, CAL).send("/updates"))["text"]
    assert "Someone said: “The waiting room is too cold”" in board
    assert "What changed: the heating is fixed" in board
    assert "And 1 more change we can't quote." in board
    assert PRIVATE not in board and "no longer show names" not in board
    assert f"Person{BEN}" not in board and "M5602" not in board
