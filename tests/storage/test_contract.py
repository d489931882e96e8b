"""The storage contract: what every backend must do, tested only through the `storage` fixture."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Table, delete, event, func, select
from sqlalchemy.exc import IntegrityError, StatementError

from bot.crypto import Sealer
from storage import schema
from storage.database import Storage
from storage.groups import GroupRow
from storage.people import PersonRow
from storage.steps import step_day

T0 = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)


class Boom(Exception):
    """Raised inside a transaction to make it roll back."""


async def _count(storage: Storage, table: Table) -> int:
    async with storage.read() as tx:
        result = await tx.conn.execute(select(func.count()).select_from(table))
        return int(result.scalar_one())


async def _person(storage: Storage, telegram_id: int, name: str | None = None) -> PersonRow:
    async with storage.transaction() as tx:
        return await tx.people.ensure(telegram_id, telegram_id + 1, name, T0)


async def _group(storage: Storage, name: str, code: str, creator: PersonRow) -> GroupRow:
    async with storage.transaction() as tx:
        return await tx.groups.create(name, code, creator.id, T0)


async def _pending_ids(storage: Storage) -> list[int]:
    async with storage.read() as tx:
        return [update_id for update_id, _ in await tx.journal.pending()]


async def _seen_ids(storage: Storage) -> set[int]:
    async with storage.read() as tx:
        rows = await tx.conn.execute(select(schema.seen_update.c.update_id))
        return set(rows.scalars())


# --- Transactions ---------------------------------------------------------------------------


async def test_committed_transaction_is_seen_by_read(storage: Storage) -> None:
    async with storage.transaction() as tx:
        await tx.people.ensure(101, 201, "Ann", T0)

    async with storage.read() as tx:
        person = await tx.people.by_telegram_id(101)

    assert person is not None
    assert (person.telegram_id, person.chat_id, person.display_name) == (101, 201, "Ann")


async def test_exception_inside_transaction_leaves_nothing(storage: Storage) -> None:
    with pytest.raises(Boom):
        async with storage.transaction() as tx:
            person = await tx.people.ensure(101, 201, "Ann", T0)
            group = await tx.groups.create("Choir", "code-1", person.id, T0)
            await tx.groups.add_member(group.id, person.id, T0)
            await tx.steps.set(person.id, "display_name", {}, T0)
            await tx.journal.add_new([(1, "{}")], T0)
            raise Boom

    for table in (
        schema.person,
        schema.group,
        schema.membership,
        schema.pending_step,
        schema.update_journal,
    ):
        assert await _count(storage, table) == 0, table.name


async def test_uncommitted_writes_are_not_seen_by_read(storage: Storage) -> None:
    async with storage.transaction() as tx:
        await tx.people.ensure(101, 201, "Ann", T0)
        async with storage.read() as other:
            assert await other.people.by_telegram_id(101) is None

    async with storage.read() as tx:
        assert await tx.people.by_telegram_id(101) is not None


async def test_transactions_can_follow_each_other(storage: Storage) -> None:
    with pytest.raises(Boom):
        async with storage.transaction() as tx:
            await tx.people.ensure(101, 201, None, T0)
            raise Boom
    # A failed transaction releases whatever it held: the next one works.
    async with storage.transaction() as tx:
        await tx.people.ensure(102, 202, None, T0)

    assert await _count(storage, schema.person) == 1


# --- Update journal -------------------------------------------------------------------------


async def test_add_new_returns_all_ids_the_first_time(storage: Storage) -> None:
    async with storage.transaction() as tx:
        fresh = await tx.journal.add_new([(2, '{"b": 2}'), (1, '{"a": 1}')], T0)

    assert fresh == [1, 2]
    async with storage.read() as tx:
        assert await tx.journal.pending() == [(1, '{"a": 1}'), (2, '{"b": 2}')]
        assert await tx.journal.count_pending() == 2


async def test_add_new_of_nothing_stores_nothing(storage: Storage) -> None:
    async with storage.transaction() as tx:
        assert await tx.journal.add_new([], T0) == []

    assert await _count(storage, schema.update_journal) == 0


async def test_add_new_skips_pending_and_settled_ids(storage: Storage) -> None:
    async with storage.transaction() as tx:
        await tx.journal.add_new([(1, "one"), (2, "two")], T0)
        await tx.journal.settle(2)

    async with storage.transaction() as tx:
        fresh = await tx.journal.add_new([(1, "one again"), (2, "two again"), (3, "three")], T0)

    assert fresh == [3]
    async with storage.read() as tx:
        # The pending row keeps its first payload; the settled one is not stored again.
        assert await tx.journal.pending() == [(1, "one"), (3, "three")]


async def test_add_new_stores_an_id_repeated_in_one_batch_once(storage: Storage) -> None:
    async with storage.transaction() as tx:
        fresh = await tx.journal.add_new([(5, "first"), (4, "four"), (5, "second")], T0)

    assert fresh == [4, 5]
    async with storage.read() as tx:
        assert await tx.journal.pending() == [(4, "four"), (5, "first")]


async def test_add_new_since_takes_ids_seen_only_before_then_as_new(storage: Storage) -> None:
    async with storage.transaction() as tx:
        await tx.journal.add_new([(1, "one"), (2, "two"), (3, "three")], T0)
        await tx.journal.settle(1, 2)
    later = T0 + timedelta(days=8)

    async with storage.transaction() as tx:
        # Numbering started afresh: 1 and 2 were seen long ago and handled, so they are new;
        # 3 still waits to be handled, so it is not taken twice.
        fresh = await tx.journal.add_new(
            [(1, "new one"), (2, "new two"), (3, "three again")], later, later - timedelta(days=1)
        )
    assert fresh == [1, 2]
    async with storage.read() as tx:
        assert await tx.journal.pending() == [(1, "new one"), (2, "new two"), (3, "three")]

    async with storage.transaction() as tx:
        await tx.journal.settle(1, 2)
        # Seen again just now: a redelivery of them soon after is still a duplicate.
        again = await tx.journal.add_new(
            [(1, "x"), (2, "y")], later + timedelta(hours=1), later - timedelta(hours=23)
        )
    assert again == []


async def test_pending_is_in_update_id_order(storage: Storage) -> None:
    async with storage.transaction() as tx:
        await tx.journal.add_new([(30, "c")], T0)
    async with storage.transaction() as tx:
        await tx.journal.add_new([(10, "a")], T0 + timedelta(seconds=1))
    async with storage.transaction() as tx:
        await tx.journal.add_new([(20, "b")], T0 + timedelta(seconds=2))

    assert await _pending_ids(storage) == [10, 20, 30]


async def test_settle_deletes_the_row_and_the_id_stays_seen(storage: Storage) -> None:
    async with storage.transaction() as tx:
        await tx.journal.add_new([(1, "one"), (2, "two")], T0)
    assert await _seen_ids(storage) == {1, 2}

    async with storage.transaction() as tx:
        await tx.journal.settle(1)
        await tx.journal.settle(1)  # settling twice is harmless

    assert await _pending_ids(storage) == [2]
    assert await _seen_ids(storage) == {1, 2}
    async with storage.transaction() as tx:
        assert await tx.journal.add_new([(1, "one")], T0) == []


async def test_prune_seen_forgets_only_old_seen_ids(storage: Storage) -> None:
    async with storage.transaction() as tx:
        await tx.journal.add_new([(1, "one"), (3, "three")], T0)
        await tx.journal.add_new([(2, "two")], T0 + timedelta(days=2))
        await tx.journal.settle(1, 2)

    async with storage.transaction() as tx:
        # 1 is old and handled; 2 is recent; 3 is old but not handled yet, so it stays.
        assert await tx.journal.prune_seen(T0 + timedelta(days=1)) == 1

    assert await _seen_ids(storage) == {2, 3}
    async with storage.transaction() as tx:
        # A forgotten id is new again; a remembered one is still refused.
        assert await tx.journal.add_new([(1, "one"), (2, "two")], T0) == [1]
        assert await tx.journal.prune_seen(T0) == 0


async def test_storage_settle_uses_its_own_transaction(storage: Storage) -> None:
    async with storage.transaction() as tx:
        await tx.journal.add_new([(7, "seven"), (8, "eight")], T0)

    await storage.settle(7)

    assert await _pending_ids(storage) == [8]
    assert await _seen_ids(storage) == {7, 8}


# --- Settling an update with the handler's first write ----------------------------------------


async def test_first_committed_write_settles_the_update(storage: Storage) -> None:
    async with storage.transaction() as tx:
        await tx.journal.add_new([(7, "seven"), (8, "eight")], T0)

    with storage.settling(7) as state:
        assert not state.settled
        async with storage.transaction() as tx:
            await tx.people.ensure(101, 201, None, T0)
            # Still inside the transaction: nothing is settled before the commit.
            assert not state.settled
        assert state.settled

    assert await _pending_ids(storage) == [8]
    assert await _seen_ids(storage) == {7, 8}
    assert await _count(storage, schema.person) == 1


async def test_rolled_back_write_does_not_settle_the_update(storage: Storage) -> None:
    async with storage.transaction() as tx:
        await tx.journal.add_new([(7, "seven")], T0)

    with storage.settling(7) as state:
        with pytest.raises(Boom):
            async with storage.transaction() as tx:
                await tx.people.ensure(101, 201, None, T0)
                raise Boom
        assert not state.settled
        assert await _pending_ids(storage) == [7]

        # The next write that commits settles it.
        async with storage.transaction() as tx:
            await tx.people.ensure(102, 202, None, T0)
        assert state.settled

    assert await _pending_ids(storage) == []
    assert await _seen_ids(storage) == {7}
    async with storage.read() as tx:
        assert await tx.people.by_telegram_id(101) is None
        assert await tx.people.by_telegram_id(102) is not None


async def test_settled_update_stays_settled_across_later_writes(storage: Storage) -> None:
    async with storage.transaction() as tx:
        await tx.journal.add_new([(7, "seven")], T0)

    with storage.settling(7) as state:
        async with storage.transaction() as tx:
            await tx.people.ensure(101, 201, None, T0)
        async with storage.transaction() as tx:
            await tx.people.ensure(102, 202, None, T0)
        assert state.settled

    assert await _pending_ids(storage) == []
    assert await _count(storage, schema.person) == 2


async def test_reads_inside_settling_do_not_settle(storage: Storage) -> None:
    async with storage.transaction() as tx:
        await tx.journal.add_new([(7, "seven")], T0)

    with storage.settling(7) as state:
        async with storage.read() as tx:
            await tx.people.by_telegram_id(101)
        assert not state.settled

    assert await _pending_ids(storage) == [7]


async def test_writes_outside_settling_leave_the_journal_alone(storage: Storage) -> None:
    async with storage.transaction() as tx:
        await tx.journal.add_new([(7, "seven")], T0)

    with storage.settling(7):
        pass
    async with storage.transaction() as tx:
        await tx.people.ensure(101, 201, None, T0)

    assert await _pending_ids(storage) == [7]


async def _selects_from(table: str, storage: Storage, body: Any) -> int:
    """How many SELECTs from `table` `body()` makes."""
    statements: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and f"FROM {table}" in statement:
            statements.append(statement)

    for engine in storage.sync_engines():
        event.listen(engine, "before_cursor_execute", note)
    try:
        await body()
    finally:
        for engine in storage.sync_engines():
            event.remove(engine, "before_cursor_execute", note)
    return len(statements)


async def test_one_update_reads_a_person_once_until_it_writes(storage: Storage) -> None:
    await _person(storage, 101, "Ann")
    seen: list[PersonRow | None] = []

    async def handle() -> None:
        with storage.settling(7):
            for telegram_id in (101, 101, 404, 404):
                async with storage.read() as tx:
                    seen.append(await tx.people.by_telegram_id(telegram_id))
            async with storage.transaction() as tx:
                ann = await tx.people.by_telegram_id(101)
                assert ann is not None
                await tx.people.set_display_name(ann.id, "Annie")
            async with storage.read() as tx:
                seen.append(await tx.people.by_telegram_id(101))

    # 101 and 404 once each before the write (each asked for twice), once inside it, once after.
    assert await _selects_from("person", storage, handle) == 4
    first, again, stranger, still_stranger, after = seen
    assert first is not None and first == again and first.display_name == "Ann"
    assert stranger is None and still_stranger is None
    assert after is not None and after.display_name == "Annie"


async def test_one_update_reads_a_step_once_until_it_writes(storage: Storage) -> None:
    ann = await _person(storage, 101, "Ann")
    async with storage.transaction() as tx:
        await tx.steps.set(ann.id, "name", {"n": 1}, T0)
    seen: list[Any] = []

    async def handle() -> None:
        with storage.settling(7):
            for _ in range(2):
                async with storage.read() as tx:
                    seen.append(await tx.steps.of_telegram_id(101))
                    seen.append(await tx.steps.get(ann.id))
                    seen.append(await tx.steps.of_telegram_id(404))
            async with storage.transaction() as tx:
                await tx.steps.set(ann.id, "name", {"n": 2}, T0)
            async with storage.read() as tx:
                seen.append(await tx.steps.of_telegram_id(101))
                seen.append(await tx.steps.get(ann.id))

    # Each of the three once before the write (each asked for twice); the write's own read
    # of the step it replaces; each of the two again after the write.
    assert await _selects_from("pending_step", storage, handle) == 3 + 1 + 2
    by_id, of_ann, stranger, again_by_id, again_of_ann, still_stranger, after, after_of = seen
    assert by_id is not None and by_id == of_ann == again_by_id == again_of_ann
    assert by_id.data == {"n": 1}
    assert stranger is None and still_stranger is None
    assert after is not None and after.data == {"n": 2} and after == after_of


async def test_reads_outside_an_update_always_ask_the_database(storage: Storage) -> None:
    await _person(storage, 101, "Ann")

    async def read_twice() -> None:
        for _ in range(2):
            async with storage.read() as tx:
                await tx.people.by_telegram_id(101)

    assert await _selects_from("person", storage, read_twice) == 2


async def test_each_update_reads_people_afresh(storage: Storage) -> None:
    await _person(storage, 101, "Ann")

    async def two_updates() -> None:
        for update_id in (7, 8):
            with storage.settling(update_id):
                async with storage.read() as tx:
                    await tx.people.by_telegram_id(101)

    assert await _selects_from("person", storage, two_updates) == 2


# --- People ---------------------------------------------------------------------------------


async def test_ensure_is_idempotent_and_keeps_the_first_values(storage: Storage) -> None:
    async with storage.transaction() as tx:
        first = await tx.people.ensure(101, 201, "Ann", T0)
    async with storage.transaction() as tx:
        second = await tx.people.ensure(101, 999, "Other", T0 + timedelta(days=1))

    assert second == first
    assert (first.telegram_id, first.chat_id, first.display_name) == (101, 201, "Ann")
    assert (first.is_coordinator, first.paused) == (False, False)
    assert first.created_at == T0
    assert await _count(storage, schema.person) == 1


async def test_add_returns_the_new_row_or_the_one_already_there(storage: Storage) -> None:
    async with storage.transaction() as tx:
        added = await tx.people.add(101, 201, "Ann", T0)
        again = await tx.people.add(101, 999, "Other", T0 + timedelta(days=1))
    async with storage.read() as tx:
        stored = await tx.people.by_telegram_id(101)

    assert stored == added == again
    assert (added.telegram_id, added.chat_id, added.display_name) == (101, 201, "Ann")
    assert (added.is_coordinator, added.paused, added.created_at) == (False, False, T0)
    assert await _count(storage, schema.person) == 1


async def test_set_paused_by_telegram_id_says_whether_the_person_is_known(
    storage: Storage,
) -> None:
    ann = await _person(storage, 101, "Ann")
    bob = await _person(storage, 102, "Bob")

    async with storage.transaction() as tx:
        assert await tx.people.set_paused_by_telegram_id(101, True) is True
        assert await tx.people.set_paused_by_telegram_id(404, True) is False
    async with storage.read() as tx:
        paused = {
            p.id: p.paused for p in [await tx.people.get(ann.id), await tx.people.get(bob.id)] if p
        }
    assert paused == {ann.id: True, bob.id: False}

    async with storage.transaction() as tx:
        assert await tx.people.set_paused_by_telegram_id(101, False) is True
    async with storage.read() as tx:
        back = await tx.people.get(ann.id)
    assert back is not None and back.paused is False


async def test_unknown_people_are_none(storage: Storage) -> None:
    async with storage.read() as tx:
        assert await tx.people.by_telegram_id(404) is None
        assert await tx.people.get(404) is None


async def test_set_name_paused_and_coordinator(storage: Storage) -> None:
    ann = await _person(storage, 101, "Ann")

    async with storage.transaction() as tx:
        await tx.people.set_display_name(ann.id, "Annie")
        await tx.people.set_paused(ann.id, True)
        await tx.people.set_coordinator(ann.id, True)
    async with storage.read() as tx:
        changed = await tx.people.get(ann.id)
    assert changed is not None
    assert (changed.display_name, changed.paused, changed.is_coordinator) == ("Annie", True, True)

    async with storage.transaction() as tx:
        await tx.people.set_display_name(ann.id, None)
        await tx.people.set_paused(ann.id, False)
        await tx.people.set_coordinator(ann.id, False)
    async with storage.read() as tx:
        back = await tx.people.by_telegram_id(101)
    assert back is not None
    assert (back.display_name, back.paused, back.is_coordinator) == (None, False, False)


async def test_coordinators_lists_only_coordinators_by_id(storage: Storage) -> None:
    ann = await _person(storage, 101, "Ann")
    bob = await _person(storage, 102, "Bob")
    cat = await _person(storage, 103, "Cat")
    async with storage.transaction() as tx:
        await tx.people.set_coordinator(cat.id, True)
        await tx.people.set_coordinator(ann.id, True)

    async with storage.read() as tx:
        coordinators = await tx.people.coordinators()

    assert [p.id for p in coordinators] == [ann.id, cat.id]
    assert bob.id not in [p.id for p in coordinators]
    assert all(p.is_coordinator for p in coordinators)


# --- Groups ---------------------------------------------------------------------------------


async def test_create_and_find_a_group(storage: Storage) -> None:
    ann = await _person(storage, 101)
    group = await _group(storage, "Tuesday Choir", "code-1", ann)

    assert (group.name, group.invite_code, group.created_at) == ("Tuesday Choir", "code-1", T0)
    async with storage.read() as tx:
        assert await tx.groups.get(group.id) == group
        assert await tx.groups.by_invite_code("code-1") == group
        assert await tx.groups.by_invite_code("code-2") is None
        assert await tx.groups.get(group.id + 1000) is None


async def test_invite_codes_are_unique(storage: Storage) -> None:
    ann = await _person(storage, 101)
    await _group(storage, "One", "same-code", ann)

    with pytest.raises(IntegrityError):
        await _group(storage, "Two", "same-code", ann)

    assert await _count(storage, schema.group) == 1


async def test_set_invite_code_replaces_the_old_one(storage: Storage) -> None:
    ann = await _person(storage, 101)
    group = await _group(storage, "Choir", "old-code", ann)

    async with storage.transaction() as tx:
        await tx.groups.set_invite_code(group.id, "new-code")

    async with storage.read() as tx:
        assert await tx.groups.by_invite_code("old-code") is None
        found = await tx.groups.by_invite_code("new-code")
    assert found is not None
    assert (found.id, found.name, found.invite_code) == (group.id, "Choir", "new-code")


async def test_add_and_remove_member_report_whether_anything_changed(storage: Storage) -> None:
    ann = await _person(storage, 101)
    group = await _group(storage, "Choir", "code-1", ann)

    async with storage.transaction() as tx:
        assert await tx.groups.add_member(group.id, ann.id, T0) is True
        assert await tx.groups.add_member(group.id, ann.id, T0 + timedelta(hours=1)) is False
        assert await tx.groups.is_member(group.id, ann.id) is True
    async with storage.read() as tx:
        members = await tx.groups.members(group.id)
    # The second add changed nothing, not even the join time.
    assert [(m.person_id, m.joined_at) for m in members] == [(ann.id, T0)]

    async with storage.transaction() as tx:
        assert await tx.groups.remove_member(group.id, ann.id) is True
        assert await tx.groups.remove_member(group.id, ann.id) is False
        assert await tx.groups.is_member(group.id, ann.id) is False


async def test_members_are_in_join_order(storage: Storage) -> None:
    ann = await _person(storage, 101, "Ann")
    bob = await _person(storage, 102, None)
    cat = await _person(storage, 103, "Cat")
    group = await _group(storage, "Choir", "code-1", ann)
    other = await _group(storage, "Band", "code-2", ann)

    async with storage.transaction() as tx:
        await tx.groups.add_member(group.id, cat.id, T0)
        await tx.groups.add_member(group.id, ann.id, T0 + timedelta(minutes=2))
        await tx.groups.add_member(group.id, bob.id, T0 + timedelta(minutes=1))
        await tx.groups.add_member(other.id, bob.id, T0)

    async with storage.read() as tx:
        members = await tx.groups.members(group.id)
        assert await tx.groups.member_count(group.id) == 3
        assert await tx.groups.member_count(other.id) == 1

    assert [(m.person_id, m.display_name) for m in members] == [
        (cat.id, "Cat"),
        (bob.id, None),
        (ann.id, "Ann"),
    ]
    assert [m.joined_at for m in members] == [
        T0,
        T0 + timedelta(minutes=1),
        T0 + timedelta(minutes=2),
    ]


async def test_empty_group_has_no_members(storage: Storage) -> None:
    ann = await _person(storage, 101)
    group = await _group(storage, "Choir", "code-1", ann)

    async with storage.read() as tx:
        assert await tx.groups.members(group.id) == []
        assert await tx.groups.member_count(group.id) == 0


async def test_coordinated_by_and_is_coordinator_of(storage: Storage) -> None:
    ann = await _person(storage, 101)
    bob = await _person(storage, 102)
    zed = await _group(storage, "Zed group", "code-z", ann)
    alpha = await _group(storage, "Alpha group", "code-a", ann)
    bobs = await _group(storage, "Bob's group", "code-b", bob)

    async with storage.transaction() as tx:
        await tx.groups.add_coordinator(zed.id, ann.id)
        await tx.groups.add_coordinator(alpha.id, ann.id)
        await tx.groups.add_coordinator(alpha.id, ann.id)  # twice is harmless
        await tx.groups.add_coordinator(bobs.id, bob.id)

    async with storage.read() as tx:
        assert [g.id for g in await tx.groups.coordinated_by(ann.id)] == [alpha.id, zed.id]
        assert [g.id for g in await tx.groups.coordinated_by(bob.id)] == [bobs.id]
        assert await tx.groups.is_coordinator_of(alpha.id, ann.id) is True
        assert await tx.groups.is_coordinator_of(bobs.id, ann.id) is False
        assert await tx.groups.is_coordinator_of(zed.id, bob.id) is False
        assert [g.name for g in await tx.groups.all()] == [
            "Alpha group",
            "Bob's group",
            "Zed group",
        ]


async def test_of_member_lists_the_person_s_groups_by_name(storage: Storage) -> None:
    ann = await _person(storage, 101)
    bob = await _person(storage, 102)
    zed = await _group(storage, "Zed", "code-z", ann)
    alpha = await _group(storage, "Alpha", "code-a", ann)
    await _group(storage, "Middle", "code-m", ann)

    async with storage.transaction() as tx:
        await tx.groups.add_member(zed.id, bob.id, T0)
        await tx.groups.add_member(alpha.id, bob.id, T0 + timedelta(minutes=1))

    async with storage.read() as tx:
        assert [g.id for g in await tx.groups.of_member(bob.id)] == [alpha.id, zed.id]
        assert await tx.groups.of_member(ann.id) == []


async def test_deleting_a_person_cascades(storage: Storage) -> None:
    ann = await _person(storage, 101)
    bob = await _person(storage, 102)
    group = await _group(storage, "Choir", "code-1", ann)
    async with storage.transaction() as tx:
        await tx.groups.add_coordinator(group.id, ann.id)
        await tx.groups.add_member(group.id, ann.id, T0)
        await tx.groups.add_member(group.id, bob.id, T0 + timedelta(minutes=1))
        await tx.steps.set(ann.id, "display_name", {}, T0)

    async with storage.transaction() as tx:
        await tx.conn.execute(delete(schema.person).where(schema.person.c.id == ann.id))

    async with storage.read() as tx:
        assert [m.person_id for m in await tx.groups.members(group.id)] == [bob.id]
        assert await tx.groups.member_count(group.id) == 1
        assert await tx.groups.coordinated_by(ann.id) == []
        assert await tx.steps.get(ann.id) is None
        # The group itself stays; only the link to its maker goes.
        assert await tx.groups.get(group.id) == group
        created_by = await tx.conn.execute(
            select(schema.group.c.created_by).where(schema.group.c.id == group.id)
        )
        assert created_by.scalar_one() is None
    assert await _count(storage, schema.group_coordinator) == 0


# --- Coordinator links ----------------------------------------------------------------------


async def test_coordinator_link_can_be_used_once(storage: Storage) -> None:
    expires = T0 + timedelta(days=7)
    async with storage.transaction() as tx:
        await tx.coordinator_links.create("link-1", 900_001, T0, expires)

    async with storage.read() as tx:
        link = await tx.coordinator_links.get("link-1")
        assert await tx.coordinator_links.get("link-2") is None
    assert link is not None
    assert (link.code, link.expires_at, link.used_at) == ("link-1", expires, None)

    used_at = T0 + timedelta(hours=1)
    async with storage.transaction() as tx:
        assert await tx.coordinator_links.use("link-1", used_at) is True
        assert await tx.coordinator_links.use("link-1", used_at + timedelta(hours=1)) is False
        assert await tx.coordinator_links.use("link-2", used_at) is False

    async with storage.read() as tx:
        used = await tx.coordinator_links.get("link-1")
    assert used is not None
    assert used.used_at == used_at


# --- Steps ----------------------------------------------------------------------------------


async def test_steps_set_get_replace_and_clear(storage: Storage) -> None:
    ann = await _person(storage, 101)
    data: dict[str, Any] = {"group_id": 7, "names": ["Ann", "Zoë"], "nested": {"ok": True}}

    async with storage.transaction() as tx:
        assert await tx.steps.get(ann.id) is None
        await tx.steps.set(ann.id, "group_name", data, T0)
    async with storage.read() as tx:
        step = await tx.steps.get(ann.id)
    assert step is not None
    # Only the day is kept: the moment would line up with what the step led to.
    assert (step.step, step.data, step.updated_at) == ("group_name", data, step_day(T0))

    later = T0 + timedelta(minutes=5)
    async with storage.transaction() as tx:
        await tx.steps.set(ann.id, "display_name", {}, later)
    async with storage.read() as tx:
        replaced = await tx.steps.get(ann.id)
    assert replaced is not None
    assert (replaced.step, replaced.data, replaced.updated_at) == (
        "display_name",
        {},
        step_day(later),
    )
    assert await _count(storage, schema.pending_step) == 1

    async with storage.transaction() as tx:
        assert await tx.steps.clear(ann.id) is True
        assert await tx.steps.clear(ann.id) is False
        assert await tx.steps.get(ann.id) is None


async def test_steps_are_sealed_whole_and_padded_with_a_sealer(storage: Storage) -> None:
    ann, ben = await _person(storage, 101), await _person(storage, 102)
    storage.seal_steps_with(Sealer(b"s" * 32))
    async with storage.transaction() as tx:
        await tx.steps.set(ann.id, "loop_outcome", {"text": "new kettle", "named": True}, T0)
        await tx.steps.set(ben.id, "loop_outcome", {"text": "new kettle", "named": False}, T0)
    async with storage.read() as tx:
        step = await tx.steps.get(ann.id)
        assert step is not None and step.data == {"text": "new kettle", "named": True}
        stored = (await tx.conn.execute(select(schema.pending_step.c.data))).scalars().all()
    assert all("kettle" not in data and "named" not in data for data in stored)
    assert len({len(data) for data in stored}) == 1  # a choice does not show in the length
    storage.seal_steps_with(Sealer(b"t" * 32))  # another key: nothing can be offered back
    async with storage.read() as tx:
        other = await tx.steps.get(ann.id)
    assert other is not None and other.data == {}


async def test_steps_of_telegram_id_finds_the_person_s_step(storage: Storage) -> None:
    ann = await _person(storage, 101)
    await _person(storage, 102)
    async with storage.transaction() as tx:
        await tx.steps.set(ann.id, "group_name", {"group_id": 7}, T0)

    async with storage.read() as tx:
        step = await tx.steps.of_telegram_id(101)
        assert await tx.steps.of_telegram_id(102) is None  # known, no step
        assert await tx.steps.of_telegram_id(404) is None  # not known at all
    assert step is not None
    assert (step.step, step.data, step.updated_at) == (
        "group_name",
        {"group_id": 7},
        step_day(T0),
    )


# --- Times ----------------------------------------------------------------------------------


async def test_aware_times_come_back_in_utc_and_equal(storage: Storage) -> None:
    new_york = datetime(2026, 3, 3, 9, 0, 0, 123456, tzinfo=ZoneInfo("America/New_York"))
    kolkata = datetime(2026, 3, 10, 19, 30, tzinfo=ZoneInfo("Asia/Kolkata"))

    async with storage.transaction() as tx:
        person = await tx.people.ensure(101, 201, None, new_york)
        await tx.coordinator_links.create("link-1", 900_001, new_york, kolkata)

    async with storage.read() as tx:
        stored = await tx.people.get(person.id)
        link = await tx.coordinator_links.get("link-1")
    assert stored is not None
    assert link is not None
    for moment, given in ((stored.created_at, new_york), (link.expires_at, kolkata)):
        assert moment.tzinfo is UTC
        assert moment == given
    assert stored.created_at == datetime(2026, 3, 3, 14, 0, 0, 123456, tzinfo=UTC)
    assert link.expires_at == datetime(2026, 3, 10, 14, 0, tzinfo=UTC)


async def test_aware_times_keep_their_order(storage: Storage) -> None:
    ann = await _person(storage, 101, "Ann")
    bob = await _person(storage, 102, "Bob")
    group = await _group(storage, "Choir", "code-1", ann)
    # 15:00 in Berlin is earlier than 14:30 in London.
    berlin = datetime(2026, 3, 3, 15, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    london = datetime(2026, 3, 3, 14, 30, tzinfo=ZoneInfo("Europe/London"))

    async with storage.transaction() as tx:
        await tx.groups.add_member(group.id, bob.id, london)
        await tx.groups.add_member(group.id, ann.id, berlin)

    async with storage.read() as tx:
        members = await tx.groups.members(group.id)
    assert [m.person_id for m in members] == [ann.id, bob.id]


async def test_naive_times_are_refused(storage: Storage) -> None:
    with pytest.raises(StatementError) as caught:
        async with storage.transaction() as tx:
            await tx.people.ensure(101, 201, None, datetime(2026, 3, 3, 14, 0))

    assert isinstance(caught.value.orig, ValueError)
    assert await _count(storage, schema.person) == 0
