"""Updates to contributors: reminders of their words, digest moments across clock changes,
one update per person for an action, and holding back for pause, quiet hours and rhythm."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from bot.crypto import Sealer
from bot.presentation import texts
from bot.presentation.texts import Raw
from bot.services import Services
from bot.services.contributor_updates import (
    UPDATE_PURPOSE,
    DigestPreference,
    Rhythm,
    first_line,
    last_slot,
    next_slot,
    sentence,
    wall_to_utc,
)
from bot.services.delivery_rules import anonymous_recheck
from storage import schema
from storage.contributor_updates import PendingNew
from storage.database import Storage
from tests.support.clock import FakeClock
from tests.support.items import ItemSeed, add_items
from tests.support.outbox import shown

LONDON = ZoneInfo("Europe/London")
DAILY_18 = DigestPreference(Rhythm.DAILY, 0, "18:00")
ANN, BEN, COORDINATOR = 4001, 4002, 4100


def test_first_line_is_the_first_words_cut_short() -> None:
    assert first_line("\n  The forms are too long  \nsecond line") == "The forms are too long"
    long = "word " * 30
    assert first_line(long, 20).endswith("…") and len(first_line(long, 20)) == 20
    assert first_line("   ") == ""


def test_sentence_adds_a_full_stop_only_when_needed() -> None:
    assert sentence(" the forms are one page ") == "the forms are one page."
    assert sentence("Done!") == "Done!"
    assert sentence("") == ""


def test_a_wall_time_skipped_by_the_clock_change_moves_to_the_end_of_the_gap() -> None:
    # 29 March 2026: 01:00 GMT becomes 02:00 BST, so 01:30 does not exist.
    assert wall_to_utc(date(2026, 3, 29), time(1, 30), LONDON) == datetime(
        2026, 3, 29, 1, 0, tzinfo=UTC
    )
    # 25 October 2026: 01:30 happens twice; the first is 00:30 UTC.
    assert wall_to_utc(date(2026, 10, 25), time(1, 30), LONDON) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("now", "last", "following"),
    [
        # Before the change: 18:00 is 18:00 UTC.
        (datetime(2026, 3, 28, 12, 0, tzinfo=UTC), (27, 18), (28, 18)),
        # After it: 18:00 BST is 17:00 UTC.
        (datetime(2026, 3, 29, 16, 59, tzinfo=UTC), (28, 18), (29, 17)),
        (datetime(2026, 3, 29, 17, 0, tzinfo=UTC), (29, 17), (30, 17)),
    ],
)
def test_daily_digest_moments_follow_local_time_across_the_spring_change(
    now: datetime, last: tuple[int, int], following: tuple[int, int]
) -> None:
    assert last_slot(now, LONDON, DAILY_18) == datetime(2026, 3, last[0], last[1], tzinfo=UTC)
    assert next_slot(now, LONDON, DAILY_18) == datetime(
        2026, 3, following[0], following[1], tzinfo=UTC
    )


def test_weekly_digest_moments_are_on_the_chosen_day() -> None:
    monday_8 = DigestPreference(Rhythm.WEEKLY, 0, "08:00")
    now = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)  # Saturday, before the autumn change
    assert next_slot(now, LONDON, monday_8) == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
    assert last_slot(now, LONDON, monday_8) == datetime(2026, 10, 19, 7, 0, tzinfo=UTC)


async def _world(services: Services, storage: Storage) -> tuple[int, list[int]]:
    """A group with Ann and Ben; Ann gives a named and an anonymous item, Ben a named one."""
    now = services.clock.now()
    async with storage.transaction() as tx:
        coordinator = await tx.people.ensure(COORDINATOR, COORDINATOR, "Cora", now)
        await tx.people.set_coordinator(coordinator.id, True)
        group = await tx.groups.create("Carers", "code1", coordinator.id, now)
        await tx.groups.add_coordinator(group.id, coordinator.id)
        for member in (ANN, BEN):
            person = await tx.people.ensure(member, member, f"M{member}", now)
            await tx.groups.add_member(group.id, person.id, now)
        visible = now - timedelta(hours=1)
        given = now.date() - timedelta(days=1)
        ids = await add_items(
            tx,
            services.sealer,
            [
                ItemSeed(group.id, ANN, "Ann named", given, visible),
                ItemSeed(group.id, ANN, "Ann anonymous", given, visible, anonymous=True),
                ItemSeed(group.id, BEN, "Ben named", given, visible),
            ],
        )
    return group.id, ids


async def _outbox(storage: Storage, sealer: Sealer) -> list[tuple[int | None, str | None, str]]:
    async with storage.read() as tx:
        o = schema.outbox
        rows = await tx.conn.execute(
            select(o.c.person_id, o.c.return_address, o.c.payload).order_by(o.c.id)
        )
        return [(r[0], r[1], shown(sealer, r[2]).text) for r in rows]


async def test_one_update_per_person_for_several_linked_items(
    services: Services, storage: Storage
) -> None:
    _, ids = await _world(services, storage)
    now = services.clock.now()
    async with storage.transaction() as tx:
        items = await tx.followup.items(ids)
        reached = await services.contributor_updates.queue_for_items(
            tx, items, Raw("news on the paperwork."), "a1", now
        )
    assert reached == 2
    assert await services.contributor_updates.run_due(LONDON, "off") == 2
    sent = await _outbox(storage, services.sealer)
    assert len(sent) == 2
    ann = next(text for _, _, text in sent if "Ann named" in text)
    assert "Ann anonymous" in ann and "Ben" not in ann
    ben = next(text for _, _, text in sent if "Ben named" in text)
    assert "Ann" not in ben
    # Both go to named persons (Ann's named item is the one her message is about).
    assert all(person is not None and address is None for person, address, _ in sent)


async def test_an_anonymous_authors_pause_and_rhythm_are_found_through_the_return_address(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    _, ids = await _world(services, storage)
    await services.membership.set_paused(ANN, True)
    now = clock.now()
    async with storage.transaction() as tx:
        anonymous = await tx.followup.item(ids[1])
        assert anonymous is not None
        await services.contributor_updates.queue(tx, anonymous, Raw("it was read."), "e1", now)
    assert await services.contributor_updates.run_due(LONDON, "off") == 0
    await services.membership.set_paused(ANN, False)
    await services.contributor_updates.set_preference(ANN, Rhythm.DAILY, at_time="18:00")
    clock.advance(timedelta(minutes=2))
    assert await services.contributor_updates.run_due(LONDON, "off") == 0  # 14:02: before 18:00
    clock.set(datetime(2026, 3, 3, 18, 0, tzinfo=UTC))
    assert await services.contributor_updates.run_due(LONDON, "off") == 1
    [(person, address, text)] = await _outbox(storage, services.sealer)
    assert person is None and address == anonymous.return_address
    assert "Ann anonymous" in text and "it was read." in text


async def test_quiet_hours_hold_updates_until_they_end(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    _, ids = await _world(services, storage)
    clock.set(datetime(2026, 3, 3, 22, 0, tzinfo=UTC))
    async with storage.transaction() as tx:
        item = await tx.followup.item(ids[2])
        assert item is not None
        await services.contributor_updates.queue(tx, item, Raw("one."), "e1", clock.now())
        await services.contributor_updates.queue(tx, item, Raw("two."), "e2", clock.now())
    assert await services.contributor_updates.run_due(LONDON, "21:00-08:00") == 0
    clock.set(datetime(2026, 3, 4, 8, 0, tzinfo=UTC))
    assert await services.contributor_updates.run_due(LONDON, "21:00-08:00") == 1
    [(_, _, text)] = await _outbox(storage, services.sealer)
    assert "one." in text and "two." in text


async def test_withdrawn_items_get_nothing(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    _, ids = await _world(services, storage)
    async with storage.transaction() as tx:
        item = await tx.followup.item(ids[2])
        assert item is not None
        await services.contributor_updates.queue(tx, item, Raw("one."), "e1", clock.now())
        await tx.conn.execute(
            schema.item.update()
            .where(schema.item.c.id == item.id)
            .values(withdrawn_on=date.today())
        )
        withdrawn = await tx.followup.item(ids[2])
        assert withdrawn is not None
        assert not await services.contributor_updates.queue(
            tx, withdrawn, Raw("two."), "e2", clock.now()
        )
    assert await services.contributor_updates.run_due(LONDON, "off") == 0
    assert await _outbox(storage, services.sealer) == []


async def test_an_anonymous_authors_own_settings_never_show_in_when_their_updates_wait(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    _, ids = await _world(services, storage)
    async with storage.transaction() as tx:
        await tx.conn.execute(
            update(schema.person)
            .where(schema.person.c.telegram_id == ANN)
            .values(quiet_hours="13:07-19:43")
        )
        anonymous = await tx.followup.item(ids[1])
        assert anonymous is not None
        await services.contributor_updates.queue(
            tx, anonymous, Raw("it was read."), "e1", clock.now()
        )
    assert await services.contributor_updates.run_due(LONDON, "21:00-08:00") == 0  # 14:00: quiet
    async with storage.read() as tx:
        due = (await tx.conn.execute(select(schema.contributor_update.c.due_at))).scalar_one()
    # Not 19:43, the end of her own quiet hours: the next quarter hour, as for anyone.
    assert due == datetime(2026, 3, 3, 14, 15, tzinfo=UTC)
    clock.set(datetime(2026, 3, 3, 19, 45, tzinfo=UTC))
    assert await services.contributor_updates.run_due(LONDON, "21:00-08:00") == 1


def test_anonymous_messages_are_looked_at_again_each_quarter_hour() -> None:
    at = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)
    assert anonymous_recheck(at) == datetime(2026, 3, 3, 14, 15, tzinfo=UTC)
    assert anonymous_recheck(at + timedelta(minutes=44, seconds=59)) == at + timedelta(minutes=45)
    assert anonymous_recheck(at + timedelta(minutes=59)) == at + timedelta(hours=1)


async def test_waiting_updates_are_stored_as_what_to_say_and_older_worded_ones_still_go(
    services: Services, storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, ids = await _world(services, storage)
    now = services.clock.now()
    async with storage.transaction() as tx:
        ann_named = next(i for i in await tx.followup.items(ids) if i.id == ids[0])
        ben_named = next(i for i in await tx.followup.items(ids) if i.id == ids[2])
        await services.contributor_updates.queue(tx, ann_named, Raw("news for Ann."), "e1", now)
        # As an earlier version stored a waiting update: its block already worded.
        worded = services.sealer.seal("About your words: old news for Ben.", UPDATE_PURPOSE)
        await tx.contributor_updates.add(
            [PendingNew(ben_named.id, ben_named.person_id, None, worded, "e2", now)], now
        )
        stored = await tx.conn.execute(select(schema.contributor_update.c.text))
        opened = [services.sealer.open(row[0], UPDATE_PURPOSE) for row in stored]
    assert any('"t": "ABOUT_WORDS"' in text for text in opened)
    assert not any("UPDATE_BLOCK" in text for text in opened)
    # Worded when sent: a text changed after the update was written shows its new words.
    monkeypatch.setattr(texts, "ABOUT_WORDS", "Your words of {date} (“{words}”)")

    assert await services.contributor_updates.run_due(LONDON, "off") == 2

    sent = {text for _, _, text in await _outbox(storage, services.sealer)}
    assert any(t.startswith("Your words of") and "news for Ann." in t for t in sent)
    assert any(t.startswith("About your words: old news for Ben.") for t in sent)
