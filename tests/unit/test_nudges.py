"""The coordinators' daily notice: once a day from 9:00 local time, one message per
coordinator however many groups they run, kinds and dates only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.services import Services
from storage import schema
from storage.database import Storage
from tests.support.clock import FakeClock
from tests.support.items import ItemSeed, add_items
from tests.support.outbox import shown_plain

COORDINATOR, MEMBER = 4300, 4301


async def _two_groups(services: Services, storage: Storage, clock: FakeClock) -> None:
    now = clock.now()
    async with storage.transaction() as tx:
        coordinator = await tx.people.ensure(COORDINATOR, COORDINATOR, "Cora", now)
        await tx.people.set_coordinator(coordinator.id, True)
        await tx.people.ensure(MEMBER, MEMBER, "Ann", now)
        seeds = []
        for name, code in (("Carers", "c1"), ("Housing", "c2")):
            group = await tx.groups.create(name, code, coordinator.id, now)
            await tx.groups.add_coordinator(group.id, coordinator.id)
            seeds += [
                ItemSeed(group.id, MEMBER, "secret words", date(2026, 2, 27), now, True),
                ItemSeed(group.id, MEMBER, "more words", date(2026, 2, 10), now, True),
            ]
        await add_items(tx, services.sealer, seeds)


async def _notices(storage: Storage) -> list[str]:
    async with storage.read() as tx:
        o = schema.outbox
        rows = await tx.conn.execute(select(o.c.payload).where(o.c.kind == "nudge"))
        return [open_payload_plain(row[0]) for row in rows]


def open_payload_plain(stored: str) -> str:
    assert not stored.startswith("v1."), "a notice holds no member's words, so it is not sealed"
    return shown_plain(stored).text


async def test_one_notice_per_coordinator_per_day_from_nine(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    await _two_groups(services, storage, clock)
    clock.set(datetime(2026, 3, 3, 8, 59, tzinfo=UTC))
    assert await services.nudges.run_daily() == 0
    clock.set(datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
    assert await services.nudges.run_daily() == 1
    clock.advance(timedelta(hours=5))
    assert await services.nudges.run_daily() == 0
    [notice] = await _notices(storage)
    assert "Carers" in notice and "Housing" in notice
    assert notice.count("Feedback from 27 February (waiting 4 days)") == 2
    assert notice.count("Feedback from 10 February (waiting 21 days)") == 2
    assert "words" not in notice

    clock.set(datetime(2026, 3, 4, 9, 30, tzinfo=UTC))
    assert await services.nudges.run_daily() == 1
    assert len(await _notices(storage)) == 2


async def test_summer_time_moves_the_notice_to_nine_local(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    await _two_groups(services, storage, clock)
    clock.set(datetime(2026, 4, 1, 7, 59, tzinfo=UTC))  # 08:59 BST
    assert await services.nudges.run_daily() == 0
    clock.set(datetime(2026, 4, 1, 8, 0, tzinfo=UTC))  # 09:00 BST
    assert await services.nudges.run_daily() == 1


async def test_the_notice_says_who_joined_and_who_left(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    now = clock.now()
    async with storage.transaction() as tx:
        coordinator = await tx.people.ensure(COORDINATOR, COORDINATOR, "Cora", now)
        await tx.people.set_coordinator(coordinator.id, True)
        group = await tx.groups.create("Carers", "c1", coordinator.id, now)
        await tx.groups.add_coordinator(group.id, coordinator.id)
        dev = await tx.people.ensure(4310, 4310, "Dev", now)
        await tx.groups.add_member(group.id, dev.id, now - timedelta(days=20))
    # Yesterday's notice has gone; since then Sam and two people without a name joined.
    assert await services.nudges.run_daily() == 0
    clock.advance(timedelta(hours=3))
    for telegram_id, name in ((4311, "Sam"), (4312, None), (4313, None)):
        async with storage.transaction() as tx:
            person = await tx.people.ensure(telegram_id, telegram_id, name, clock.now())
            await tx.groups.add_member(group.id, person.id, clock.now())
    await services.membership.leave(4310, group.id)

    clock.set(datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
    assert await services.nudges.run_daily() == 1

    [notice] = await _notices(storage)
    assert "Joined: Sam, 2 people with no name set" in notice
    assert "Left: Dev" in notice
    clock.set(datetime(2026, 3, 4, 9, 0, tzinfo=UTC))
    assert await services.nudges.run_daily() == 0, "nothing new: no second notice"


async def test_departures_are_forgotten_after_a_month(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    await _two_groups(services, storage, clock)
    clock.set(datetime(2026, 3, 3, 10, 0, tzinfo=UTC))
    async with storage.transaction() as tx:
        group = await tx.groups.by_invite_code("c1")
        assert group is not None
        member = await tx.people.by_telegram_id(MEMBER)
        assert member is not None
        await tx.groups.add_member(group.id, member.id, clock.now())
    assert await services.membership.leave(MEMBER, group.id) is not None

    clock.set(datetime(2026, 4, 6, 9, 0, tzinfo=UTC))
    await services.nudges.run_daily()

    async with storage.read() as tx:
        rows = await tx.conn.execute(select(schema.membership_departure))
        assert rows.all() == []
