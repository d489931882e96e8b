"""A coordinator's reason for removing a member: asked for after the removal, kept sealed
with the departure, shown to the group's coordinators in their daily notice and to the member
in their own /mydata, and never sent to the member or to anyone else in the group."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.crypto import Sealer
from bot.rights_file import summary
from bot.services import Services
from storage import schema
from storage.database import Storage
from tests.support.clock import FakeClock
from tests.support.outbox import shown

COORDINATOR, MEMBER, OTHER = 4400, 4401, 4402
REASON = "Shouted at Dev in the March meeting"


async def _group(storage: Storage, clock: FakeClock) -> tuple[int, int]:
    now = clock.now()
    async with storage.transaction() as tx:
        coordinator = await tx.people.ensure(COORDINATOR, COORDINATOR, "Cora", now)
        await tx.people.set_coordinator(coordinator.id, True)
        group = await tx.groups.create("Carers", "c1", coordinator.id, now)
        await tx.groups.add_coordinator(group.id, coordinator.id)
        member = await tx.people.ensure(MEMBER, MEMBER, "Ann", now)
        other = await tx.people.ensure(OTHER, OTHER, "Dev", now)
        for person in (member, other):
            await tx.groups.add_member(group.id, person.id, now - timedelta(days=20))
    return group.id, member.id


async def _payloads(storage: Storage, sealer: Sealer, kind: str) -> list[str]:
    async with storage.read() as tx:
        o = schema.outbox
        rows = await tx.conn.execute(select(o.c.payload).where(o.c.kind == kind))
        return [shown(sealer, row[0]).text for row in rows]


async def test_the_reason_is_kept_sealed_and_shown_only_to_coordinators_and_the_member(
    services: Services, storage: Storage, clock: FakeClock, sealer: Sealer
) -> None:
    clock.set(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    group, member = await _group(storage, clock)
    assert await services.membership.remove(COORDINATOR, group, member) is not None
    assert await services.membership.keep_reason(COORDINATOR, "   ") is False
    assert await services.membership.keep_reason(COORDINATOR, f"  {REASON} ") is True
    async with storage.read() as tx:
        [stored] = (await tx.conn.execute(select(schema.membership_departure.c.reason))).all()
        assert stored[0] is not None and REASON not in stored[0]
        assert await tx.steps.get(member) is None
    # The member is told kindly, without the reason; no one else in the group hears of it.
    [told] = await _payloads(storage, sealer, "removed")
    assert "Your place in" in told and REASON not in told
    async with storage.read() as tx:
        o = schema.outbox
        rows = (await tx.conn.execute(select(o.c.person_id, o.c.kind))).all()
    assert [kind for _, kind in rows] == ["removed"]

    # The coordinators' notice next morning says why.
    clock.set(datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
    assert await services.nudges.run_daily() == 1
    [notice] = await _payloads(storage, sealer, "nudge")
    assert f"Why Ann was removed (for coordinators only): {REASON}" in notice

    # The member's own data holds it, in data.json and in the summary.
    data = (await services.rights.my_data(MEMBER)).data
    [left] = data["groups_left"]
    assert left["group"] == "Carers" and left["coordinators_reason"] == REASON
    assert REASON in summary(data, ZoneInfo("Europe/London"))
    assert (await services.rights.my_data(OTHER)).data["groups_left"] == []


async def test_a_reason_is_asked_only_of_the_coordinator_who_removed_and_can_be_skipped(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    group, member = await _group(storage, clock)
    assert await services.membership.keep_reason(OTHER, REASON) is None
    assert await services.membership.remove(COORDINATOR, group, member) is not None
    assert await services.membership.keep_reason(OTHER, REASON) is None
    assert await services.membership.skip_reason(COORDINATOR) is True
    assert await services.membership.keep_reason(COORDINATOR, REASON) is None
    async with storage.read() as tx:
        [row] = (await tx.conn.execute(select(schema.membership_departure.c.reason))).all()
    assert row[0] is None
