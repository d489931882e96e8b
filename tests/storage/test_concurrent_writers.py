"""Two writers at once on PostgreSQL (as two replicas, or two updates, may be): every write
that depends on what is there already holds, with no error and no double, whoever commits
first. Each test starts two transactions, lets both reach the write together, then commits."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from bot.crypto import Sealer
from storage import schema
from storage.contributor_updates import PendingNew, PreferenceRow
from storage.database import Storage
from storage.tx import Tx
from tests.support.items import ItemSeed, add_items

pytestmark = pytest.mark.skipif(
    not os.environ.get("CHORUS_TEST_POSTGRES_URL"),
    reason="needs CHORUS_TEST_POSTGRES_URL (a PostgreSQL database to wipe)",
)

T0 = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)
Work = Callable[[Tx], Awaitable[Any]]


@pytest.fixture
async def pair(storage: Storage) -> AsyncIterator[tuple[Storage, Storage]]:
    """Two connection pools on the PostgreSQL database (skipped on SQLite)."""
    if storage.is_sqlite:
        pytest.skip("SQLite has one writer at a time")
    other = Storage.open(make_url(storage.engine.url.render_as_string(False)), lambda: T0)
    try:
        yield storage, other
    finally:
        await other.close()


async def _at_once(pair: tuple[Storage, Storage], first: Work, second: Work) -> list[Any]:
    """Run both writes in transactions of their own, begun before either writes."""
    barrier = asyncio.Barrier(2)

    async def run(storage: Storage, work: Work) -> Any:
        async with storage.transaction() as tx:
            await tx.conn.execute(text("SELECT 1"))
            await barrier.wait()
            return await work(tx)

    return list(await asyncio.gather(run(pair[0], first), run(pair[1], second)))


async def _count(storage: Storage, table: Any) -> int:
    async with storage.read() as tx:
        return int((await tx.conn.execute(select(func.count()).select_from(table))).scalar_one())


async def _group(storage: Storage) -> tuple[int, int]:
    """A group and its coordinator's person id."""
    async with storage.transaction() as tx:
        person = await tx.people.ensure(10, 10, "Ann", T0)
        group = await tx.groups.create("G", "g1", person.id, T0)
    return group.id, person.id


async def test_an_observer_added_twice_at_once(pair: tuple[Storage, Storage]) -> None:
    group_id, person_id = await _group(pair[0])

    async def add(tx: Tx) -> bool:
        return await tx.observers.add(group_id, person_id, T0)

    assert sorted(await _at_once(pair, add, add)) == [False, True]
    assert await _count(pair[0], schema.group_observer) == 1


async def test_an_item_linked_to_an_action_twice_at_once(
    pair: tuple[Storage, Storage], sealer: Sealer
) -> None:
    group_id, _ = await _group(pair[0])
    async with pair[0].transaction() as tx:
        [item] = await add_items(tx, sealer, [ItemSeed(group_id, 10, "x", date(2026, 3, 1), T0)])
        action = await tx.followup.create_action(group_id, "Fix the ramp", None, T0)

    async def link(tx: Tx) -> bool:
        return await tx.followup.link(action.id, item, T0)

    assert sorted(await _at_once(pair, link, link)) == [False, True]


async def test_a_daily_run_claimed_twice_at_once_runs_once(
    pair: tuple[Storage, Storage],
) -> None:
    async def claim(tx: Tx) -> bool:
        return await tx.followup.claim_run("notice", date(2026, 3, 3), T0)

    assert sorted(await _at_once(pair, claim, claim)) == [False, True]

    async def next_day(tx: Tx) -> bool:
        return await tx.followup.claim_run("notice", date(2026, 3, 4), T0 + timedelta(days=1))

    assert sorted(await _at_once(pair, next_day, next_day)) == [False, True]


async def test_a_groups_setting_saved_twice_at_once(pair: tuple[Storage, Storage]) -> None:
    group_id, _ = await _group(pair[0])

    async def seven(tx: Tx) -> None:
        await tx.followup.set_outcome_days(group_id, 7)

    async def nine(tx: Tx) -> None:
        await tx.followup.set_outcome_days(group_id, 9)

    await _at_once(pair, seven, nine)
    async with pair[0].read() as tx:
        assert await tx.followup.outcome_days(group_id) in (7, 9)


async def test_a_digest_preference_saved_twice_at_once(pair: tuple[Storage, Storage]) -> None:
    _, person_id = await _group(pair[0])

    async def daily(tx: Tx) -> None:
        await tx.contributor_updates.set_preference(person_id, PreferenceRow("daily", 2, "20:00"))

    async def weekly(tx: Tx) -> None:
        await tx.contributor_updates.set_preference(person_id, PreferenceRow("weekly", 2, "08:00"))

    await _at_once(pair, daily, weekly)
    assert await _count(pair[0], schema.digest_preference) == 1


async def test_an_update_for_a_contributor_queued_twice_at_once(
    pair: tuple[Storage, Storage], sealer: Sealer
) -> None:
    group_id, _ = await _group(pair[0])
    async with pair[0].transaction() as tx:
        [item] = await add_items(tx, sealer, [ItemSeed(group_id, 10, "x", date(2026, 3, 1), T0)])

    async def queue(tx: Tx) -> None:
        await tx.contributor_updates.add([PendingNew(item, 1, None, "sealed", "e1", T0)], T0)

    await _at_once(pair, queue, queue)
    assert await _count(pair[0], schema.contributor_update) == 1


async def test_a_lead_marked_twice_at_once(pair: tuple[Storage, Storage]) -> None:
    _, person_id = await _group(pair[0])

    async def mark(tx: Tx) -> None:
        await tx.leads.mark(person_id, True, T0)

    await _at_once(pair, mark, mark)
    assert await _count(pair[0], schema.safeguarding_lead) == 1


async def _session(storage: Storage) -> tuple[int, int]:
    group_id, person_id = await _group(storage)
    async with storage.transaction() as tx:
        session = await tx.sessions.create(
            group_id=group_id,
            title="Planning",
            starts_at=T0 + timedelta(days=1),
            ends_at=T0 + timedelta(days=1, hours=2),
            reminders="1440,120",
            uid="uid-x@chorus",
            created_at=T0,
        )
    return session.id, person_id


async def test_an_answer_given_twice_at_once(pair: tuple[Storage, Storage]) -> None:
    session_id, person_id = await _session(pair[0])
    async with pair[0].transaction() as tx:
        await tx.sessions.set_answer(session_id, person_id, "maybe", T0, message_id=55)

    async def going(tx: Tx) -> None:
        await tx.sessions.set_answer(session_id, person_id, "going", T0)

    async def no(tx: Tx) -> None:
        await tx.sessions.set_answer(session_id, person_id, "no", T0)

    await _at_once(pair, going, no)
    async with pair[0].read() as tx:
        assert await tx.sessions.answer_of(session_id, person_id) in ("going", "no")
        # Given without a message, the one known is kept.
        assert await tx.sessions.message_of(session_id, person_id) == 55


async def test_a_sessions_reminders_replaced_twice_at_once(
    pair: tuple[Storage, Storage],
) -> None:
    session_id, _ = await _session(pair[0])

    def replace(minutes: int) -> Work:
        async def work(tx: Tx) -> None:
            await tx.sessions.replace_reminders(session_id, [(minutes, T0)])

        return work

    await _at_once(pair, replace(60), replace(30))
    assert await _count(pair[0], schema.session_reminder) == 1


async def test_scheduled_broadcasts_released_by_two_at_once_are_released_once(
    pair: tuple[Storage, Storage],
) -> None:
    _, person_id = await _group(pair[0])
    async with pair[0].transaction() as tx:
        for n in range(4):
            await tx.broadcasts.create(person_id, f"b{n}", "{}", T0, "scheduled", 10, T0)

    async def release(tx: Tx) -> list[int]:
        due = await tx.broadcasts.in_state("scheduled", due_by=T0, claim=True)
        for broadcast in due:
            await tx.broadcasts.update(broadcast.id, state="sending")
        return [broadcast.id for broadcast in due]

    first, second = await _at_once(pair, release, release)
    assert not set(first) & set(second)
    assert len(first) + len(second) == 4
