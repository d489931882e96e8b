"""The sessions repositories' contract, on every backend (the `storage` fixture)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.database import Storage
from storage.outbox import OutboxNew
from storage.sessions import SessionRow

T0 = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)


async def _setup(storage: Storage, members: int = 3) -> tuple[int, list[int]]:
    """A group with a coordinator and members; (group id, member person ids)."""
    async with storage.transaction() as tx:
        coordinator = await tx.people.ensure(1, 1, "Coordinator", T0)
        group = await tx.groups.create("Carers", "code", coordinator.id, T0)
        await tx.groups.add_coordinator(group.id, coordinator.id)
        people = []
        for n in range(members):
            person = await tx.people.ensure(100 + n, 100 + n, f"M{n}", T0)
            await tx.groups.add_member(group.id, person.id, T0)
            people.append(person.id)
    return group.id, people


async def _session(storage: Storage, group_id: int, **extra: object) -> SessionRow:
    values: dict[str, object] = {
        "group_id": group_id,
        "title": "Planning",
        "starts_at": T0 + timedelta(days=1),
        "ends_at": T0 + timedelta(days=1, hours=2),
        "reminders": "1440,120",
        "uid": f"uid-{extra.get('title', 'x')}@chorus",
        "created_at": T0,
    }
    values.update(extra)
    async with storage.transaction() as tx:
        return await tx.sessions.create(**values)


async def test_a_session_is_stored_and_read_back(storage: Storage) -> None:
    group_id, _ = await _setup(storage)
    session = await _session(storage, group_id, capacity=12, place="Room 4")

    async with storage.read() as tx:
        again = await tx.sessions.get(session.id)

    assert again == session
    assert (again.state, again.sequence, again.capacity) == ("active", 0, 12)
    assert again.starts_at == T0 + timedelta(days=1)
    assert again.minutes == 120
    assert again.reminder_minutes == [1440, 120]


async def test_answers_replace_each_other_and_the_waiting_list_keeps_order(
    storage: Storage,
) -> None:
    group_id, (a, b, c) = await _setup(storage)
    session = await _session(storage, group_id)
    async with storage.transaction() as tx:
        await tx.sessions.set_answer(session.id, a, "going", T0)
        await tx.sessions.set_answer(session.id, c, "waiting", T0, T0 + timedelta(seconds=2))
        await tx.sessions.set_answer(session.id, b, "waiting", T0, T0 + timedelta(seconds=1))
        await tx.sessions.set_answer(session.id, a, "maybe", T0 + timedelta(seconds=3))

    async with storage.read() as tx:
        assert await tx.sessions.answer_of(session.id, a) == "maybe"
        assert await tx.sessions.count(session.id, "going") == 0
        assert await tx.sessions.waiting(session.id) == [b, c]
        assert await tx.sessions.answers_of(a, [session.id]) == {session.id: "maybe"}
        recipients = await tx.sessions.recipients(session.id, ["going", "maybe"])
        answers = await tx.sessions.answers(session.id)

    assert [r.person_id for r in recipients] == [a]
    async with storage.transaction() as tx:
        await tx.groups.remove_member(group_id, a)
        # Someone who left the group hears no more about its sessions.
        assert await tx.sessions.recipients(session.id, ["going", "maybe"]) == []
    assert [(x.person_id, x.display_name, x.answer) for x in answers][:2] == [
        (b, "M1", "waiting"),
        (c, "M2", "waiting"),
    ]


async def test_upcoming_sessions_are_those_of_the_persons_groups_not_yet_started(
    storage: Storage,
) -> None:
    group_id, (a, _, _) = await _setup(storage)
    coming = await _session(storage, group_id, title="coming")
    await _session(
        storage,
        group_id,
        title="past",
        starts_at=T0 - timedelta(hours=3),
        ends_at=T0 - timedelta(hours=1),
    )
    await _session(storage, group_id, title="cancelled", state="cancelled")
    async with storage.transaction() as tx:
        outsider = await tx.people.ensure(999, 999, None, T0)

    async with storage.read() as tx:
        mine = await tx.sessions.upcoming_for(a, T0, 10)
        theirs = await tx.sessions.upcoming_for(outsider.id, T0, 10)
        managed = await tx.sessions.of_groups([group_id], T0 - timedelta(days=1), 10)

    assert [s.id for s in mine] == [coming.id]
    assert theirs == []
    assert {s.title for s in managed} == {"coming", "past"}


async def test_reminders_are_replaced_found_when_due_and_finished(storage: Storage) -> None:
    group_id, _ = await _setup(storage)
    session = await _session(storage, group_id)
    first, second = T0 + timedelta(hours=1), T0 + timedelta(hours=22)
    async with storage.transaction() as tx:
        await tx.sessions.replace_reminders(session.id, [(1440, T0), (120, T0)])
        await tx.sessions.replace_reminders(session.id, [(1440, first), (120, second)])

    async with storage.read() as tx:
        assert await tx.sessions.pending_reminders(T0) == []
        due = await tx.sessions.pending_reminders(first)
    assert [(r.minutes_before, r.due_at) for r in due] == [(1440, first)]

    async with storage.transaction() as tx:
        await tx.sessions.finish_reminder(session.id, 1440, "sent", first, held=1)
        await tx.sessions.count_queued(session.id, 1440, 2)
        await tx.sessions.cancel_reminders(session.id, first)
    async with storage.read() as tx:
        states = {r.minutes_before: r for r in await tx.sessions.reminders_of(session.id)}
        assert await tx.sessions.pending_reminders(second) == []
    assert (states[1440].state, states[1440].queued, states[1440].held) == ("sent", 2, 1)
    assert states[120].state == "cancelled"


async def test_queued_rows_are_found_by_their_key_prefix(storage: Storage) -> None:
    group_id, (a, b, _) = await _setup(storage)
    async with storage.transaction() as tx:
        await tx.outbox.enqueue(
            [
                OutboxNew("sr1:120:99:" + str(a), "session_reminder", a, "{}", T0),
                OutboxNew("sr1:1200:99:" + str(b), "session_reminder", b, "{}", T0),
            ],
            T0,
        )
    async with storage.read() as tx:
        assert await tx.sessions.queued_for("sr1:120:99:") == {a}
        assert await tx.sessions.queued_for("sr1:1%") == set()
        assert await tx.sessions.coordinators_of(group_id) == [1]


async def test_attendance_counts_minutes_and_exports_by_period(storage: Storage) -> None:
    group_id, (a, b, c) = await _setup(storage)
    session = await _session(storage, group_id)
    later = await _session(
        storage,
        group_id,
        title="later",
        starts_at=T0 + timedelta(days=40),
        ends_at=T0 + timedelta(days=40, hours=1),
    )
    async with storage.transaction() as tx:
        await tx.sessions.mark(session.id, a, True, 120, T0)
        await tx.sessions.mark(session.id, b, True, 120, T0)
        await tx.sessions.mark(session.id, b, False, 0, T0)  # corrected
        await tx.sessions.mark(later.id, a, True, 60, T0)
        await tx.sessions.set_minutes(session.id, 150)

    async with storage.read() as tx:
        marks = {
            m.person_id: (m.came, m.minutes) for m in await tx.sessions.attendance(session.id)
        }
        total = await tx.sessions.total_minutes(a)
        march = await tx.sessions.hours(group_id, T0, T0 + timedelta(days=30))

    assert marks == {a: (True, 150), b: (False, 0)}
    assert total == 210
    assert [(r.person_id, r.minutes, r.title) for r in march] == [(a, 150, "Planning")]
    assert c not in marks


async def test_feedback_is_due_once_for_those_who_came(storage: Storage) -> None:
    group_id, (a, b, _) = await _setup(storage)
    session = await _session(storage, group_id)
    async with storage.transaction() as tx:
        await tx.sessions.mark(session.id, a, True, 120, T0)
        await tx.sessions.mark(session.id, b, False, 0, T0)
    ended = session.ends_at

    async with storage.read() as tx:
        assert await tx.sessions.feedback_due(ended - timedelta(minutes=1), T0) == []
        due = await tx.sessions.feedback_due(ended + timedelta(hours=3), T0)
    assert [(s.id, person) for s, person in due] == [(session.id, a)]

    async with storage.transaction() as tx:
        await tx.sessions.feedback_asked(session.id, a, ended)
        assert await tx.sessions.feedback_due(ended + timedelta(hours=3), T0) == []


async def test_ended_sessions_wait_to_be_marked_until_asked(storage: Storage) -> None:
    group_id, _ = await _setup(storage)
    session = await _session(storage, group_id)
    async with storage.read() as tx:
        assert await tx.sessions.ended_unmarked(session.ends_at - timedelta(seconds=1)) == []
        assert [s.id for s in await tx.sessions.ended_unmarked(session.ends_at)] == [session.id]
    async with storage.transaction() as tx:
        await tx.sessions.update(session.id, attendance_asked_at=session.ends_at)
        assert await tx.sessions.ended_unmarked(session.ends_at + timedelta(days=1)) == []


async def test_the_message_answered_from_is_kept_until_another_is_given(
    storage: Storage,
) -> None:
    group_id, (a, b, c) = await _setup(storage)
    session = await _session(storage, group_id)
    async with storage.transaction() as tx:
        await tx.sessions.set_answer(session.id, a, "waiting", T0, T0, message_id=2**40)
        await tx.sessions.set_answer(session.id, b, "maybe", T0)
        # Moved up: the answer changes, the message it was given from stays known.
        await tx.sessions.set_answer(session.id, a, "going", T0 + timedelta(seconds=1))
    async with storage.read() as tx:
        assert await tx.sessions.message_of(session.id, a) == 2**40
        assert await tx.sessions.message_of(session.id, b) is None
        assert await tx.sessions.message_of(session.id, c) is None
    async with storage.transaction() as tx:
        await tx.sessions.set_answer(session.id, a, "no", T0, message_id=77)
        assert await tx.sessions.message_of(session.id, a) == 77


async def test_the_unanswered_and_the_invited(storage: Storage) -> None:
    group_id, (a, b, c) = await _setup(storage)
    session = await _session(storage, group_id)
    async with storage.transaction() as tx:
        await tx.sessions.set_answer(session.id, a, "going", T0)
        await tx.outbox.enqueue(
            [OutboxNew(f"si{session.id}:{b}", "session_invite", b, "{}", T0)], T0
        )
    async with storage.read() as tx:
        assert [r.person_id for r in await tx.sessions.unanswered(session.id)] == [b, c]
        assert await tx.sessions.was_invited(session.id, a)
        assert await tx.sessions.was_invited(session.id, b)
        assert not await tx.sessions.was_invited(session.id, c)
