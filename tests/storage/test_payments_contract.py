"""The payments repository's contract, on every backend (the `storage` fixture)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from storage.database import Storage
from tests.storage.test_sessions_contract import _session, _setup

T0 = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)


async def test_a_policy_is_made_then_changed_in_part(storage: Storage) -> None:
    group_id, _ = await _setup(storage)
    async with storage.transaction() as tx:
        assert await tx.payments.policy(group_id) is None
        await tx.payments.set_policy(group_id, T0, basis="hour", rate_pence=1250)
        await tx.payments.set_policy(group_id, T0, expenses="Travel")
        policy = await tx.payments.policy(group_id)
    assert policy is not None
    assert (policy.basis, policy.rate_pence, policy.expenses) == ("hour", 1250, "Travel")


async def test_a_choice_is_kept_and_can_change(storage: Storage) -> None:
    _, people = await _setup(storage)
    async with storage.transaction() as tx:
        assert await tx.payments.choice(people[0]) is None
        await tx.payments.set_choice(people[0], "voucher", T0)
        await tx.payments.set_choice(people[0], "charity", T0 + timedelta(days=1))
        await tx.payments.set_choice(people[1], "none", T0)
    async with storage.read() as tx:
        assert await tx.payments.choices(people) == {people[0]: "charity", people[1]: "none"}


async def test_a_payee_reference_is_one_person_s(storage: Storage) -> None:
    _, people = await _setup(storage)
    async with storage.transaction() as tx:
        await tx.payments.set_payee(people[0], "P-1", "Sam Jones", T0)
        await tx.payments.set_payee(people[0], "P-2", "Sam Jones", T0)
        assert await tx.payments.reference_taken("P-2", people[1])
        assert not await tx.payments.reference_taken("P-2", people[0])
        assert not await tx.payments.reference_taken("P-1", people[1])
        found = await tx.payments.payees(people)
    assert list(found) == [people[0]]
    assert (found[people[0]].reference, found[people[0]].name) == ("P-2", "Sam Jones")
    with pytest.raises(IntegrityError):
        async with storage.transaction() as tx:
            await tx.payments.set_payee(people[1], "P-2", "Someone else", T0)


async def test_claims_are_found_by_person_kind_and_day(storage: Storage) -> None:
    group_id, people = await _setup(storage)
    session = await _session(storage, group_id)
    async with storage.transaction() as tx:
        await tx.sessions.mark(session.id, people[0], True, 120, T0)
        await tx.sessions.mark(session.id, people[1], False, 0, T0)
        came = await tx.payments.came(group_id)
        common = {"group_id": group_id, "session_id": session.id, "state": "approved"}
        first = await tx.payments.add_claim(
            T0, person_id=people[0], kind="session", minutes=120, amount_pence=2500,
            on_day=date(2026, 3, 4), **common,
        )  # fmt: skip
        second = await tx.payments.add_claim(
            T0, person_id=people[0], kind="expense", amount_pence=450, receipt_file_id="f",
            on_day=date(2026, 4, 1), **common,
        )  # fmt: skip
        await tx.payments.change_claim(second, state="queried", query="Which bus?")
    assert [(c.person_id, c.minutes) for c in came] == [(people[0], 120)]
    async with storage.read() as tx:
        march = await tx.payments.claims(group_id, days=(date(2026, 3, 1), date(2026, 4, 1)))
        expenses = await tx.payments.claims(group_id, people[0], kind="expense")
        assert await tx.payments.groups_with_claims(people[0]) == [group_id]
        assert await tx.payments.coordinator_ids(group_id) != []
    assert [c.id for c in march] == [first]
    assert [(c.id, c.state, c.query) for c in expenses] == [(second, "queried", "Which bus?")]
    async with storage.transaction() as tx:
        await tx.payments.drop_claims([first])
        assert [c.id for c in await tx.payments.claims(group_id)] == [second]


async def test_claims_made_in_bulk_are_read_one_by_one(storage: Storage) -> None:
    group_id, people = await _setup(storage)
    session = await _session(storage, group_id)
    common = {"group_id": group_id, "session_id": session.id, "kind": "session"}
    async with storage.transaction() as tx:
        await tx.payments.add_claims(T0, [])  # nothing to add is fine
        await tx.payments.add_claims(
            T0,
            [
                {**common, "person_id": people[0], "minutes": 90, "amount_pence": 1875,
                 "state": "approved", "on_day": date(2026, 3, 4)},
                {**common, "person_id": people[1], "minutes": 60, "amount_pence": 1250,
                 "state": "approved", "on_day": date(2026, 3, 4)},
            ],
        )  # fmt: skip
        await tx.payments.set_payee(people[1], "P-7", "Ana Lee", T0)
    async with storage.read() as tx:
        made = await tx.payments.claims(group_id, kind="session")
        one = await tx.payments.claim(made[1].id)
        assert await tx.payments.claim(made[1].id + 1000) is None
        payee = await tx.payments.payee(people[1])
        assert await tx.payments.payee(people[0]) is None
        assert await tx.payments.choices([]) == {}
    assert [(c.person_id, c.minutes, c.amount_pence) for c in made] == [
        (people[0], 90, 1875),
        (people[1], 60, 1250),
    ]
    assert one is not None and (one.person_id, one.state, one.on_day) == (
        people[1],
        "approved",
        date(2026, 3, 4),
    )
    assert payee is not None and (payee.reference, payee.name) == ("P-7", "Ana Lee")
