"""The closing-the-loop repositories on every backend: inbox order, daily runs, waiting
updates by recipient, and actions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.crypto import Sealer
from storage.contributor_updates import Author, PendingNew, PreferenceRow
from storage.database import Storage
from storage.followup import Overdue
from tests.support.items import ItemSeed, add_items

T0 = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)
LATE = Overdue(unacknowledged_by=date(2026, 2, 28), no_outcome_by=date(2026, 2, 17))


async def _items(storage: Storage, sealer: Sealer) -> tuple[int, list[int]]:
    async with storage.transaction() as tx:
        person = await tx.people.ensure(10, 10, "Ann", T0)
        group = await tx.groups.create("G", "g1", person.id, T0)
        seeds = [
            ItemSeed(group.id, 10, f"item {n}", date(2026, 2, 1 + n), T0 - timedelta(hours=1))
            for n in range(5)
        ]
        seeds.append(ItemSeed(group.id, 10, "later", date(2026, 3, 3), T0 + timedelta(hours=1)))
        ids = await add_items(tx, sealer, seeds)
    return group.id, ids


async def test_the_inbox_pages_through_items_by_date_then_id(
    storage: Storage, sealer: Sealer
) -> None:
    group_id, ids = await _items(storage, sealer)
    seen = []
    after = None
    async with storage.read() as tx:
        while item := await tx.followup.inbox_next(group_id, "all", T0, LATE, after):
            seen.append(item.id)
            after = (item.given_on, item.id)
        counts = await tx.followup.inbox_counts(group_id, T0, LATE)
    assert seen == ids[:5]  # the item of a later batch is not there yet
    assert counts["all"] == 5 and counts["overdue"] == 5


async def test_a_daily_run_is_claimed_once_a_day(storage: Storage) -> None:
    async with storage.transaction() as tx:
        assert await tx.followup.claim_run("notice", date(2026, 3, 3), T0)
        assert not await tx.followup.claim_run("notice", date(2026, 3, 3), T0)
        assert await tx.followup.claim_run("notice", date(2026, 3, 4), T0 + timedelta(days=1))
        assert await tx.followup.last_run("notice") == (date(2026, 3, 4), T0 + timedelta(days=1))


async def test_waiting_updates_are_kept_once_and_found_by_recipient(
    storage: Storage, sealer: Sealer
) -> None:
    _, ids = await _items(storage, sealer)
    rows = [
        PendingNew(ids[0], 1, None, "sealed one", "e1", T0),
        PendingNew(ids[0], 1, None, "sealed one again", "e1", T0),
        PendingNew(ids[1], None, "p" * 64, "sealed two", "e2", T0),
    ]
    async with storage.transaction() as tx:
        await tx.contributor_updates.add(rows, T0)
        await tx.contributor_updates.add(rows[:1], T0)
        due = await tx.contributor_updates.due_recipients(T0, 10)
        found = await tx.contributor_updates.pending_for(due)
    assert set(due) == {Author(1, None), Author(None, "p" * 64)}
    assert [r.text for r in found[Author(1, None)]] == ["sealed one"]
    assert [r.text for r in found[Author(None, "p" * 64)]] == ["sealed two"]
    async with storage.transaction() as tx:
        await tx.contributor_updates.reschedule(
            [(found[Author(1, None)][0].id, T0 + timedelta(hours=1))]
        )
        assert await tx.contributor_updates.due_recipients(T0, 10) == [Author(None, "p" * 64)]


async def test_preferences_and_actions_round_trip(storage: Storage, sealer: Sealer) -> None:
    group_id, ids = await _items(storage, sealer)
    async with storage.transaction() as tx:
        await tx.contributor_updates.set_preference(1, PreferenceRow("weekly", 2, "08:00"))
        await tx.contributor_updates.set_preference(1, PreferenceRow("daily", 2, "20:00"))
        assert await tx.contributor_updates.preference(1) == PreferenceRow("daily", 2, "20:00")
        action = await tx.followup.create_action(group_id, "Rewrite the forms", None, T0)
        assert await tx.followup.link(action.id, ids[0], T0)
        assert not await tx.followup.link(action.id, ids[0], T0)
        await tx.followup.add_action_update(action.id, "done", None, None, T0)
        await tx.followup.set_action_status(action.id, "done", T0)
        assert [i.id for i in await tx.followup.linked_items(action.id)] == [ids[0]]
        [(row, entry)] = await tx.followup.recent_action_updates(group_id, 5)
        assert row.status == "done" and entry.status == "done"
