"""The storage contract for departures, on every backend: a coordinator's reason (sealed) is
kept with the departure it belongs to, read back with the group's changes and the person's
own data, and goes with the departure."""

from __future__ import annotations

from datetime import timedelta

from storage.database import Storage
from storage.rights import RightsRepo
from tests.storage.test_items import T0, _setup


async def test_a_reason_is_kept_with_its_own_departure_only(storage: Storage) -> None:
    anna, ben, group = await _setup(storage)
    async with storage.transaction() as tx:
        await tx.groups.remove_member(group.id, anna.id)
        first = await tx.groups.record_departure(group.id, anna.id, T0)
        second = await tx.groups.record_departure(group.id, ben.id, T0 + timedelta(minutes=1))
        assert first != second
        assert await tx.groups.keep_departure_reason(first, group.id, "v1.why") is True
        # Another group's departure, or one forgotten, keeps nothing.
        assert await tx.groups.keep_departure_reason(first, group.id + 1, "v1.no") is False
        assert await tx.groups.keep_departure_reason(second + 99, group.id, "v1.no") is False
    async with storage.read() as tx:
        changes = await tx.groups.changes(T0 - timedelta(days=1), T0 + timedelta(hours=1))
        left = {c.person_id: c.reason for c in changes if not c.joined}
        assert left == {anna.id: "v1.why", ben.id: None}
        mine = await RightsRepo(tx.conn).departures(anna.id)
        assert [(row["name"], row["reason"]) for row in mine] == [("Voices", "v1.why")]
    async with storage.transaction() as tx:
        assert await tx.groups.prune_departures(T0 + timedelta(days=1)) == 2
    async with storage.read() as tx:
        assert await RightsRepo(tx.conn).departures(anna.id) == []
