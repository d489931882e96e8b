"""Observers (bot/services/roles.py): links an admin makes, and what observers may read."""

from __future__ import annotations

from datetime import timedelta

from bot.services import Services
from bot.services.roles import OBSERVER_LINK_PREFIX, ObserverOutcome
from storage.database import Storage
from tests.conftest import ADMIN_ID
from tests.support.clock import FakeClock

OLU, PAT, CATH = 3001, 3002, 3003


async def _group(storage: Storage, clock: FakeClock) -> int:
    async with storage.transaction() as tx:
        cath = await tx.people.ensure(CATH, CATH, "Cath", clock.now())
        await tx.people.set_coordinator(cath.id, True)
        group = await tx.groups.create("Voices", "code3", cath.id, clock.now())
        await tx.groups.add_coordinator(group.id, cath.id)
        return group.id


async def test_an_observer_link_works_once_within_a_week(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    group = await _group(storage, clock)
    roles = services.roles
    assert await roles.new_observer_link(CATH, group) is None
    assert await roles.new_observer_link(ADMIN_ID, group + 99) is None
    made = await roles.new_observer_link(ADMIN_ID, group)
    assert made is not None and made[1].startswith(OBSERVER_LINK_PREFIX)
    code = made[1].removeprefix(OBSERVER_LINK_PREFIX)
    outcome, shown = await roles.use_observer_link(OLU, OLU, code)
    assert outcome is ObserverOutcome.MADE_OBSERVER and shown is not None and shown.id == group
    assert (await roles.use_observer_link(PAT, PAT, code))[0] is ObserverOutcome.USED
    assert (await roles.use_observer_link(PAT, PAT, "nope"))[0] is ObserverOutcome.UNKNOWN

    later = await roles.new_observer_link(ADMIN_ID, group)
    assert later is not None
    clock.advance(timedelta(days=7, seconds=1))
    late = later[1].removeprefix(OBSERVER_LINK_PREFIX)
    assert (await roles.use_observer_link(PAT, PAT, late))[0] is ObserverOutcome.EXPIRED
    fresh = await roles.new_observer_link(ADMIN_ID, group)
    assert fresh is not None
    again = fresh[1].removeprefix(OBSERVER_LINK_PREFIX)
    assert (await roles.use_observer_link(OLU, OLU, again))[0] is (
        ObserverOutcome.ALREADY_OBSERVER
    )


async def test_admins_list_and_remove_observers(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    group = await _group(storage, clock)
    made = await services.roles.new_observer_link(ADMIN_ID, group)
    assert made is not None
    await services.roles.use_observer_link(OLU, OLU, made[1].removeprefix(OBSERVER_LINK_PREFIX))
    assert await services.roles.observers(CATH, group) is None
    listed = await services.roles.observers(ADMIN_ID, group)
    assert listed is not None
    [observer] = listed[1]
    assert await services.roles.readable_groups(OLU) != []
    assert not await services.roles.remove_observer(CATH, group, observer.person_id)
    assert await services.roles.remove_observer(ADMIN_ID, group, observer.person_id)
    assert await services.roles.readable_groups(OLU) == []
    assert [g.id for g in await services.roles.readable_groups(CATH)] == [group]
    assert [g.id for g in await services.roles.readable_groups(ADMIN_ID)] == [group]
