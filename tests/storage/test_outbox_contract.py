"""The outbox and broadcast storage contract: what every backend must do, tested only through
the `storage` fixture."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, select

from storage import schema
from storage.broadcasts import BroadcastRow, RecipientRow
from storage.database import Storage
from storage.outbox import OutboxNew
from storage.people import PersonRow

T0 = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


async def _person(storage: Storage, telegram_id: int) -> PersonRow:
    async with storage.transaction() as tx:
        return await tx.people.ensure(telegram_id, telegram_id + 1, None, T0)


async def _broadcast(storage: Storage, creator: PersonRow) -> BroadcastRow:
    async with storage.transaction() as tx:
        return await tx.broadcasts.create(
            created_by=creator.id,
            text="Hello",
            audience='{"groups": []}',
            send_at=T0,
            state="sending",
            report_chat_id=creator.chat_id,
            now=T0,
        )


def _new(
    key: str,
    person: PersonRow,
    due_at: datetime = T0,
    *,
    urgent: bool = False,
    broadcast: BroadcastRow | None = None,
    payload: str = '{"text": "hi", "buttons": []}',
) -> OutboxNew:
    return OutboxNew(
        dedupe_key=key,
        kind="test",
        person_id=person.id,
        payload=payload,
        due_at=due_at,
        urgent=urgent,
        broadcast_id=broadcast.id if broadcast else None,
    )


async def _enqueue(storage: Storage, *rows: OutboxNew, now: datetime = T0) -> None:
    async with storage.transaction() as tx:
        await tx.outbox.enqueue(rows, now)


async def _rows(storage: Storage) -> dict[str, dict[str, Any]]:
    """Every outbox row, by dedupe key."""
    o = schema.outbox
    async with storage.read() as tx:
        rows = await tx.conn.execute(select(o).order_by(o.c.id))
        return {row.dedupe_key: dict(row._mapping) for row in rows}


async def _states(storage: Storage) -> dict[str, str]:
    return {key: row["state"] for key, row in (await _rows(storage)).items()}


async def _ids(storage: Storage) -> dict[str, int]:
    return {key: row["id"] for key, row in (await _rows(storage)).items()}


async def _claim(storage: Storage, now: datetime = T0, limit: int = 100) -> list[str]:
    """Claim what is due; the dedupe keys of the claimed rows, in claim order."""
    async with storage.transaction() as tx:
        jobs = await tx.outbox.claim_due(now, limit)
    by_id = {row_id: key for key, row_id in (await _ids(storage)).items()}
    return [by_id[job.id] for job in jobs]


# --- Queuing --------------------------------------------------------------------------------


async def test_enqueue_stores_rows_pending(storage: Storage) -> None:
    ann = await _person(storage, 101)

    await _enqueue(storage, _new("a", ann, T0 + MINUTE, urgent=True), now=T0)

    row = (await _rows(storage))["a"]
    assert row["person_id"] == ann.id
    assert row["kind"] == "test"
    assert row["state"] == "pending"
    assert row["attempts"] == 0
    assert row["parts_sent"] == 0
    assert row["urgent"] is True
    assert row["due_at"] == T0 + MINUTE
    assert row["created_at"] == T0
    assert row["sent_at"] is None
    assert row["last_error"] is None


async def test_enqueue_takes_rows_made_as_it_writes_them_off_the_loop_on_sqlite(
    storage: Storage,
) -> None:
    """A broadcast to a big group hands its rows over as a generator: on an SQLite file
    they are made on the worker thread, never on the event loop's."""
    ann = await _person(storage, 101)
    made_on: set[int] = set()

    def rows() -> Iterator[OutboxNew]:
        for n in range(1_200):  # more than one part
            made_on.add(threading.get_ident())
            yield _new(f"g{n}", ann, T0)

    async with storage.transaction() as tx:
        await tx.outbox.enqueue(rows(), T0)

    assert len(await _rows(storage)) == 1_200
    if storage.is_sqlite:
        assert threading.get_ident() not in made_on


async def test_enqueue_of_nothing_stores_nothing(storage: Storage) -> None:
    await _enqueue(storage)

    assert await _rows(storage) == {}


async def test_enqueue_ignores_a_repeated_dedupe_key(storage: Storage) -> None:
    ann = await _person(storage, 101)
    await _enqueue(storage, _new("a", ann, payload='{"text": "first", "buttons": []}'))

    await _enqueue(
        storage,
        _new("a", ann, T0 + MINUTE, payload='{"text": "second", "buttons": []}'),
        _new("b", ann),
    )

    rows = await _rows(storage)
    assert list(rows) == ["a", "b"]
    assert rows["a"]["payload"] == '{"text": "first", "buttons": []}'
    assert rows["a"]["due_at"] == T0


async def test_enqueue_stores_a_key_repeated_in_one_batch_once(storage: Storage) -> None:
    ann = await _person(storage, 101)

    await _enqueue(
        storage,
        _new("a", ann, payload='{"text": "first", "buttons": []}'),
        _new("a", ann, payload='{"text": "second", "buttons": []}'),
    )

    rows = await _rows(storage)
    assert list(rows) == ["a"]
    assert rows["a"]["payload"] == '{"text": "first", "buttons": []}'


async def test_enqueue_ignores_a_key_already_sent(storage: Storage) -> None:
    ann = await _person(storage, 101)
    await _enqueue(storage, _new("a", ann))
    await _claim(storage)
    async with storage.transaction() as tx:
        await tx.outbox.finish_sent([(await _ids(storage))["a"]], T0)

    await _enqueue(storage, _new("a", ann))

    assert await _states(storage) == {"a": "sent"}


async def test_payload_keeps_unicode(storage: Storage) -> None:
    ann = await _person(storage, 101)
    payload = '{"text": "<b>Zoë</b> ☕ 日本語 🎶", "buttons": [[["Yes ✅", "j:x"]]]}'

    await _enqueue(storage, _new("a", ann, payload=payload))

    async with storage.transaction() as tx:
        [job] = await tx.outbox.claim_due(T0, 1)
    assert job.payload == payload


# --- Claiming -------------------------------------------------------------------------------


async def test_claim_due_returns_only_due_rows_oldest_first(storage: Storage) -> None:
    ann = await _person(storage, 101)
    await _enqueue(
        storage,
        _new("later", ann, T0 + MINUTE),
        _new("now", ann, T0),
        _new("earlier", ann, T0 - MINUTE),
        _new("also-now", ann, T0),
    )

    claimed = await _claim(storage, T0)

    # Ties in due time go in queue order.
    assert claimed == ["earlier", "now", "also-now"]
    assert await _states(storage) == {
        "later": "pending",
        "now": "sending",
        "earlier": "sending",
        "also-now": "sending",
    }
    # Claimed rows are not claimed again.
    assert await _claim(storage, T0) == []
    assert await _claim(storage, T0 + MINUTE) == ["later"]


async def test_claim_due_returns_what_is_needed_to_send(storage: Storage) -> None:
    ann = await _person(storage, 101)
    async with storage.transaction() as tx:
        await tx.people.set_quiet_hours(ann.id, "22:00-07:00")
    broadcast = await _broadcast(storage, ann)
    await _enqueue(storage, _new("a", ann, broadcast=broadcast))

    async with storage.transaction() as tx:
        [job] = await tx.outbox.claim_due(T0, 10)

    assert job.id == (await _ids(storage))["a"]
    assert job.kind == "test"
    assert job.person_id == ann.id
    assert job.chat_id == ann.chat_id
    assert job.broadcast_id == broadcast.id
    assert job.attempts == 1
    assert job.parts_sent == 0
    assert job.urgent is False
    assert job.paused is False
    assert job.unreachable is False
    assert job.quiet_hours == "22:00-07:00"


async def test_a_row_to_a_return_address_is_claimed_with_it_and_no_person(
    storage: Storage,
) -> None:
    await _enqueue(
        storage,
        OutboxNew(
            dedupe_key="i7:e1",
            kind="update",
            person_id=None,
            return_address="v1.sealed-address",
            payload="v1.sealed-payload",
            due_at=T0,
        ),
    )

    async with storage.transaction() as tx:
        [job] = await tx.outbox.claim_due(T0, 10)

    assert job.return_address == "v1.sealed-address"
    assert job.payload == "v1.sealed-payload"
    assert job.person_id is None
    assert job.chat_id is None


def test_an_outbox_row_goes_to_a_person_or_a_return_address_never_both() -> None:
    with pytest.raises(ValueError):
        OutboxNew("k", "update", person_id=None, payload="{}", due_at=T0)
    with pytest.raises(ValueError):
        OutboxNew("k", "update", person_id=1, payload="{}", due_at=T0, return_address="v1.x")


async def test_claim_due_respects_the_limit(storage: Storage) -> None:
    ann = await _person(storage, 101)
    await _enqueue(storage, *(_new(f"k{i}", ann, T0 + i * MINUTE) for i in range(5)))

    assert await _claim(storage, T0 + 10 * MINUTE, limit=2) == ["k0", "k1"]
    assert await _claim(storage, T0 + 10 * MINUTE, limit=2) == ["k2", "k3"]
    assert await _claim(storage, T0 + 10 * MINUTE, limit=2) == ["k4"]
    assert await _claim(storage, T0 + 10 * MINUTE, limit=2) == []


async def test_claim_due_counts_attempts(storage: Storage) -> None:
    ann = await _person(storage, 101)
    await _enqueue(storage, _new("a", ann))

    for attempt in (1, 2, 3):
        async with storage.transaction() as tx:
            [job] = await tx.outbox.claim_due(T0, 10)
            assert job.attempts == attempt
            await tx.outbox.retry_at(job.id, T0, "network: TimedOut")

    assert (await _rows(storage))["a"]["attempts"] == 3


async def test_claim_due_skips_paused_members_unless_urgent(storage: Storage) -> None:
    ann = await _person(storage, 101)
    bob = await _person(storage, 102)
    async with storage.transaction() as tx:
        await tx.people.set_paused(bob.id, True)
    await _enqueue(
        storage,
        _new("ann", ann),
        _new("bob", bob),
        _new("bob-urgent", bob, urgent=True),
    )

    async with storage.transaction() as tx:
        jobs = await tx.outbox.claim_due(T0, 10)

    assert [(job.person_id, job.urgent, job.paused) for job in jobs] == [
        (ann.id, False, False),
        (bob.id, True, True),
    ]
    assert (await _states(storage))["bob"] == "pending"

    # Resumed: the held message goes.
    async with storage.transaction() as tx:
        await tx.people.set_paused(bob.id, False)
    assert await _claim(storage) == ["bob"]


async def test_claim_due_reports_unreachable_people(storage: Storage) -> None:
    ann = await _person(storage, 101)
    async with storage.transaction() as tx:
        await tx.people.mark_unreachable(ann.id, T0)
    await _enqueue(storage, _new("a", ann))

    async with storage.transaction() as tx:
        [job] = await tx.outbox.claim_due(T0, 10)

    assert job.unreachable is True


async def test_claim_due_of_an_empty_queue(storage: Storage) -> None:
    async with storage.transaction() as tx:
        assert await tx.outbox.claim_due(T0, 10) == []


# --- Finishing and retrying -----------------------------------------------------------------


async def test_finish_records_the_outcome_of_a_claimed_row(storage: Storage) -> None:
    ann = await _person(storage, 101)
    await _enqueue(storage, _new("sent", ann), _new("failed", ann), _new("skipped", ann))
    await _claim(storage)
    ids = await _ids(storage)

    async with storage.transaction() as tx:
        await tx.outbox.finish(ids["sent"], "sent", T0 + MINUTE)
        await tx.outbox.finish(ids["failed"], "failed", T0 + MINUTE, "refused: chat not found")
        await tx.outbox.finish(ids["skipped"], "skipped", T0 + MINUTE, "blocked: earlier")

    rows = await _rows(storage)
    assert (rows["sent"]["state"], rows["sent"]["sent_at"], rows["sent"]["last_error"]) == (
        "sent",
        T0 + MINUTE,
        None,
    )
    assert (rows["failed"]["state"], rows["failed"]["sent_at"]) == ("failed", None)
    assert rows["failed"]["last_error"] == "refused: chat not found"
    assert (rows["skipped"]["state"], rows["skipped"]["last_error"]) == (
        "skipped",
        "blocked: earlier",
    )


async def test_finish_leaves_rows_not_being_sent_alone(storage: Storage) -> None:
    ann = await _person(storage, 101)
    await _enqueue(storage, _new("pending", ann, T0 + MINUTE), _new("done", ann))
    await _claim(storage)
    ids = await _ids(storage)
    async with storage.transaction() as tx:
        await tx.outbox.finish(ids["done"], "failed", T0, "refused: first")

    async with storage.transaction() as tx:
        await tx.outbox.finish(ids["pending"], "sent", T0)
        await tx.outbox.finish(ids["done"], "sent", T0)
        await tx.outbox.finish_sent([ids["pending"], ids["done"]], T0)

    rows = await _rows(storage)
    assert rows["pending"]["state"] == "pending"
    assert rows["pending"]["sent_at"] is None
    assert (rows["done"]["state"], rows["done"]["last_error"]) == ("failed", "refused: first")
    assert rows["done"]["sent_at"] is None


async def test_finish_sent_marks_claimed_rows_sent_and_clears_the_error(
    storage: Storage,
) -> None:
    ann = await _person(storage, 101)
    await _enqueue(storage, _new("a", ann), _new("b", ann), _new("c", ann))
    await _claim(storage)
    ids = await _ids(storage)
    async with storage.transaction() as tx:
        await tx.outbox.retry_at(ids["a"], T0, "network: TimedOut")
    await _claim(storage)

    async with storage.transaction() as tx:
        await tx.outbox.finish_sent([ids["a"], ids["b"]], T0 + MINUTE)

    rows = await _rows(storage)
    assert [(rows[k]["state"], rows[k]["sent_at"]) for k in "abc"] == [
        ("sent", T0 + MINUTE),
        ("sent", T0 + MINUTE),
        ("sending", None),
    ]
    assert rows["a"]["last_error"] is None


async def test_retry_at_puts_a_claimed_row_back_with_its_error(storage: Storage) -> None:
    ann = await _person(storage, 101)
    await _enqueue(storage, _new("a", ann))
    await _claim(storage)
    ids = await _ids(storage)

    async with storage.transaction() as tx:
        await tx.outbox.retry_at(ids["a"], T0 + 5 * MINUTE, "network: TimedOut")

    row = (await _rows(storage))["a"]
    assert (row["state"], row["due_at"], row["last_error"], row["attempts"]) == (
        "pending",
        T0 + 5 * MINUTE,
        "network: TimedOut",
        1,
    )
    assert await _claim(storage, T0 + 5 * MINUTE - timedelta(seconds=1)) == []
    assert await _claim(storage, T0 + 5 * MINUTE) == ["a"]


async def test_retry_at_without_counting_keeps_the_attempt_count(storage: Storage) -> None:
    ann = await _person(storage, 101)
    await _enqueue(storage, _new("a", ann))
    ids = await _ids(storage)

    for _ in range(3):  # e.g. held for quiet hours, three nights running
        async with storage.transaction() as tx:
            [job] = await tx.outbox.claim_due(T0, 10)
            assert job.attempts == 1
            await tx.outbox.retry_at(ids["a"], T0, None, count_attempt=False)

    assert (await _rows(storage))["a"]["attempts"] == 0


async def test_retry_at_leaves_rows_not_being_sent_alone(storage: Storage) -> None:
    ann = await _person(storage, 101)
    await _enqueue(storage, _new("a", ann))
    ids = await _ids(storage)

    async with storage.transaction() as tx:
        await tx.outbox.retry_at(ids["a"], T0 + MINUTE, "x", count_attempt=False)

    row = (await _rows(storage))["a"]
    assert (row["due_at"], row["last_error"], row["attempts"]) == (T0, None, 0)


async def test_part_sent_is_remembered(storage: Storage) -> None:
    ann = await _person(storage, 101)
    await _enqueue(storage, _new("a", ann))
    await _claim(storage)
    ids = await _ids(storage)

    async with storage.transaction() as tx:
        await tx.outbox.part_sent(ids["a"], 2)
        await tx.outbox.retry_at(ids["a"], T0, "network: TimedOut")
    async with storage.transaction() as tx:
        [job] = await tx.outbox.claim_due(T0, 1)

    assert job.parts_sent == 2


async def test_release_claims_returns_sending_rows_to_the_queue(storage: Storage) -> None:
    ann = await _person(storage, 101)
    await _enqueue(storage, _new("a", ann), _new("b", ann), _new("c", ann), _new("d", ann))
    await _claim(storage, limit=3)
    ids = await _ids(storage)
    async with storage.transaction() as tx:
        await tx.outbox.finish(ids["c"], "sent", T0)

    async with storage.transaction() as tx:
        assert await tx.outbox.release_claims() == 2

    assert await _states(storage) == {"a": "pending", "b": "pending", "c": "sent", "d": "pending"}
    async with storage.transaction() as tx:
        assert await tx.outbox.release_claims() == 0


async def test_unclaim_returns_or_cancels_only_claimed_rows(storage: Storage) -> None:
    ann = await _person(storage, 101)
    await _enqueue(
        storage, _new("a", ann), _new("b", ann), _new("c", ann), _new("later", ann, T0 + MINUTE)
    )
    await _claim(storage)
    ids = await _ids(storage)

    async with storage.transaction() as tx:
        await tx.outbox.unclaim([ids["a"]])
        await tx.outbox.unclaim([ids["b"], ids["later"]], "cancelled")

    rows = await _rows(storage)
    assert {k: r["state"] for k, r in rows.items()} == {
        "a": "pending",
        "b": "cancelled",
        "c": "sending",
        "later": "pending",
    }
    # Unclaiming does not undo the attempt count (the next claim counts again).
    assert rows["a"]["attempts"] == 1


async def test_next_due_is_the_earliest_pending_row(storage: Storage) -> None:
    ann = await _person(storage, 101)
    async with storage.read() as tx:
        assert await tx.outbox.next_due() is None
    await _enqueue(storage, _new("a", ann, T0 + MINUTE), _new("b", ann, T0 + 2 * MINUTE))

    async with storage.read() as tx:
        assert await tx.outbox.next_due() == T0 + MINUTE
    await _claim(storage, T0 + MINUTE)
    async with storage.read() as tx:
        assert await tx.outbox.next_due() == T0 + 2 * MINUTE
    await _claim(storage, T0 + 2 * MINUTE)
    async with storage.read() as tx:
        assert await tx.outbox.next_due() is None


# --- Broadcasts -----------------------------------------------------------------------------


async def test_cancel_broadcast_touches_only_its_pending_rows(storage: Storage) -> None:
    ann = await _person(storage, 101)
    bob = await _person(storage, 102)
    mine = await _broadcast(storage, ann)
    other = await _broadcast(storage, ann)
    await _enqueue(
        storage,
        _new("mine-sent", ann, broadcast=mine),
        _new("mine-sending", bob, broadcast=mine),
        _new("mine-pending", ann, T0 + MINUTE, broadcast=mine),
        _new("mine-later", bob, T0 + MINUTE, broadcast=mine),
        _new("other", ann, T0 + MINUTE, broadcast=other),
        _new("plain", ann, T0 + MINUTE),
    )
    await _claim(storage, T0)
    async with storage.transaction() as tx:
        await tx.outbox.finish_sent([(await _ids(storage))["mine-sent"]], T0)

    async with storage.transaction() as tx:
        assert await tx.outbox.cancel_broadcast(mine.id) == 2

    assert await _states(storage) == {
        "mine-sent": "sent",
        "mine-sending": "sending",
        "mine-pending": "cancelled",
        "mine-later": "cancelled",
        "other": "pending",
        "plain": "pending",
    }


async def test_broadcast_counts_and_errors(storage: Storage) -> None:
    ann = await _person(storage, 101)
    mine = await _broadcast(storage, ann)
    other = await _broadcast(storage, ann)
    await _enqueue(
        storage,
        *(_new(f"m{i}", ann, T0 + i * MINUTE, broadcast=mine) for i in range(7)),
        _new("o", ann, broadcast=other),
    )
    await _claim(storage, T0 + 5 * MINUTE)
    ids = await _ids(storage)
    async with storage.transaction() as tx:
        await tx.outbox.finish_sent([ids["m0"]], T0)
        await tx.outbox.finish(ids["m1"], "failed", T0, "refused: chat not found")
        await tx.outbox.finish(ids["m2"], "failed", T0, "refused: chat not found")
        await tx.outbox.finish(ids["m3"], "failed", T0, "blocked: Forbidden")
        await tx.outbox.finish(ids["m4"], "skipped", T0, "blocked: earlier")
        await tx.outbox.finish(ids["o"], "failed", T0, "network: TimedOut")

    async with storage.read() as tx:
        counts = await tx.outbox.broadcast_counts(mine.id)
        errors = await tx.outbox.broadcast_errors(mine.id)
        other_errors = await tx.outbox.broadcast_errors(other.id)
        nothing = await tx.outbox.broadcast_counts(other.id + 1)

    assert counts == {"sent": 1, "failed": 3, "skipped": 1, "sending": 1, "pending": 1}
    # Only failed rows count as errors; skipped ones are not among them.
    assert errors == {"refused: chat not found": 2, "blocked: Forbidden": 1}
    assert other_errors == {"network: TimedOut": 1}
    assert nothing == {}


async def test_drop_for_person_skips_only_their_pending_rows(storage: Storage) -> None:
    ann = await _person(storage, 101)
    bob = await _person(storage, 102)
    await _enqueue(
        storage,
        _new("ann-sending", ann),
        _new("ann-pending", ann, T0 + MINUTE),
        _new("ann-urgent", ann, T0 + MINUTE, urgent=True),
        _new("bob-pending", bob, T0 + MINUTE),
    )
    await _claim(storage, T0)

    async with storage.transaction() as tx:
        assert await tx.outbox.drop_for_person(ann.id, "blocked: earlier") == 2

    rows = await _rows(storage)
    assert {k: r["state"] for k, r in rows.items()} == {
        "ann-sending": "sending",
        "ann-pending": "skipped",
        "ann-urgent": "skipped",
        "bob-pending": "pending",
    }
    assert rows["ann-pending"]["last_error"] == "blocked: earlier"
    assert rows["bob-pending"]["last_error"] is None


async def test_deleting_a_person_deletes_their_outbox_rows(storage: Storage) -> None:
    ann = await _person(storage, 101)
    bob = await _person(storage, 102)
    await _enqueue(storage, _new("ann-1", ann), _new("ann-2", ann), _new("bob", bob))
    await _claim(storage, limit=1)

    async with storage.transaction() as tx:
        await tx.conn.execute(delete(schema.person).where(schema.person.c.id == ann.id))

    assert list(await _rows(storage)) == ["bob"]


async def test_deleting_a_broadcast_deletes_its_outbox_rows(storage: Storage) -> None:
    ann = await _person(storage, 101)
    broadcast = await _broadcast(storage, ann)
    await _enqueue(storage, _new("b", ann, broadcast=broadcast), _new("plain", ann))

    async with storage.transaction() as tx:
        await tx.conn.execute(
            delete(schema.broadcast).where(schema.broadcast.c.id == broadcast.id)
        )

    assert list(await _rows(storage)) == ["plain"]


async def test_broadcast_create_get_update_and_states(storage: Storage) -> None:
    ann = await _person(storage, 101)
    async with storage.transaction() as tx:
        later = await tx.broadcasts.create(
            created_by=ann.id,
            text="Later",
            audience='{"groups": [1]}',
            send_at=T0 + 2 * MINUTE,
            state="scheduled",
            report_chat_id=555,
            now=T0,
        )
        sooner = await tx.broadcasts.create(
            created_by=ann.id,
            text="Sooner",
            audience='{"groups": [1]}',
            send_at=T0 + MINUTE,
            state="scheduled",
            report_chat_id=555,
            now=T0,
        )

    assert (later.state, later.total, later.skipped_paused, later.skipped_unreachable) == (
        "scheduled",
        0,
        0,
        0,
    )
    assert (later.progress_message_id, later.finished_at) == (None, None)
    async with storage.read() as tx:
        assert await tx.broadcasts.get(later.id) == later
        assert await tx.broadcasts.get(later.id + 100) is None
        assert await tx.broadcasts.in_state("scheduled") == [sooner, later]
        assert await tx.broadcasts.in_state("scheduled", due_by=T0 + MINUTE) == [sooner]
        assert await tx.broadcasts.in_state("scheduled", due_by=T0) == []

    async with storage.transaction() as tx:
        await tx.broadcasts.update(sooner.id, state="sending", total=3, progress_message_id=9)

    async with storage.read() as tx:
        changed = await tx.broadcasts.get(sooner.id)
        assert changed is not None
        assert (changed.state, changed.total, changed.progress_message_id) == ("sending", 3, 9)
        assert await tx.broadcasts.of_creator(ann.id, ["sending"]) == [changed]
        assert await tx.broadcasts.of_creator(ann.id, ["scheduled", "sending"]) == [
            changed,
            later,
        ]


# --- Recipients and reachability ------------------------------------------------------------


async def test_recipients_lists_each_person_once(storage: Storage) -> None:
    ann = await _person(storage, 101)
    bob = await _person(storage, 102)
    cat = await _person(storage, 103)
    dan = await _person(storage, 104)
    async with storage.transaction() as tx:
        choir = await tx.groups.create("Choir", "c1", ann.id, T0)
        band = await tx.groups.create("Band", "c2", ann.id, T0)
        other = await tx.groups.create("Other", "c3", ann.id, T0)
        for group, person in ((choir, bob), (choir, cat), (band, cat), (band, ann), (other, dan)):
            await tx.groups.add_member(group.id, person.id, T0)
        await tx.people.set_paused(bob.id, True)
        await tx.people.mark_unreachable(cat.id, T0)

    async with storage.read() as tx:
        both = await tx.broadcasts.recipients([choir.id, band.id])
        one = await tx.broadcasts.recipients([band.id])
        none = await tx.broadcasts.recipients([])

    assert both == [
        RecipientRow(ann.id, paused=False, unreachable=False),
        RecipientRow(bob.id, paused=True, unreachable=False),
        RecipientRow(cat.id, paused=False, unreachable=True),
    ]
    assert [r.person_id for r in one] == [ann.id, cat.id]
    assert none == []


async def test_mark_unreachable_and_reachable(storage: Storage) -> None:
    ann = await _person(storage, 101)
    bob = await _person(storage, 102)

    async with storage.transaction() as tx:
        assert await tx.people.mark_reachable(ann.telegram_id) is False
        await tx.people.mark_unreachable(ann.id, T0 + MINUTE)

    async with storage.read() as tx:
        marked = await tx.people.get(ann.id)
        untouched = await tx.people.get(bob.id)
    assert marked is not None
    assert marked.unreachable_at == T0 + MINUTE
    assert untouched is not None
    assert untouched.unreachable_at is None

    async with storage.transaction() as tx:
        assert await tx.people.mark_reachable(ann.telegram_id) is True
        assert await tx.people.mark_reachable(ann.telegram_id) is False
        assert await tx.people.mark_reachable(999) is False

    async with storage.read() as tx:
        back = await tx.people.get(ann.id)
    assert back is not None
    assert back.unreachable_at is None


async def test_quiet_hours_are_stored_and_cleared(storage: Storage) -> None:
    ann = await _person(storage, 101)
    assert ann.quiet_hours is None

    async with storage.transaction() as tx:
        await tx.people.set_quiet_hours(ann.id, "23:00-09:00")
    async with storage.read() as tx:
        person = await tx.people.get(ann.id)
    assert person is not None
    assert person.quiet_hours == "23:00-09:00"

    async with storage.transaction() as tx:
        await tx.people.set_quiet_hours(ann.id, None)
    async with storage.read() as tx:
        person = await tx.people.get(ann.id)
    assert person is not None
    assert person.quiet_hours is None


async def test_a_claimed_message_carries_its_recipients_language_and_easy_read(
    storage: Storage,
) -> None:
    ann, ben = await _person(storage, 131), await _person(storage, 132)
    async with storage.transaction() as tx:
        await tx.people.set_language(ann.id, "cy", True)
    await _enqueue(storage, _new("to-ann", ann), _new("to-ben", ben), now=T0)

    async with storage.transaction() as tx:
        claimed = {job.person_id: job for job in await tx.outbox.claim_due(T0, 10)}

    assert (claimed[ann.id].language, claimed[ann.id].easy_read) == ("cy", True)
    assert (claimed[ben.id].language, claimed[ben.id].easy_read) == (None, False)
    async with storage.read() as tx:
        person = await tx.people.get(ann.id)
    assert person is not None and (person.language, person.easy_read) == ("cy", True)
