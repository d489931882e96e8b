"""Involvement payment: amounts typed, the policy, claims made from attendance, expenses
with a receipt, approval and questions, the finance figures and a member's record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.crypto import Sealer
from bot.services import Services
from bot.services.payment_model import (
    AmountProblem,
    Basis,
    Choice,
    Refused,
    parse_amount,
    session_amount,
)
from bot.services.payment_records import payments_held
from bot.services.payments import Payments
from bot.services.sessions import Period
from storage import schema
from storage.database import Storage
from storage.payments import PolicyRow
from tests.support.clock import FakeClock
from tests.support.outbox import shown_plain

LONDON = ZoneInfo("Europe/London")
COORDINATOR, MEMBER, OTHER = 3001, 3002, 3003
T0 = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "pence"),
    [
        ("4.50", 450),
        ("£4.50", 450),
        ("£ 12", 1200),
        ("12.5", 1250),
        ("1,000", 100_000),
        ("3 pounds", 300),
        ("£-5", AmountProblem.NEGATIVE),
        ("-5", AmountProblem.NEGATIVE),
        ("lots", AmountProblem.NOT_UNDERSTOOD),
        ("", AmountProblem.NOT_UNDERSTOOD),
        ("4.555", AmountProblem.NOT_UNDERSTOOD),
        ("1e9", AmountProblem.TOO_MUCH),
        ("1000.01", AmountProblem.TOO_MUCH),
        ("0", AmountProblem.ZERO),
        ("£0.00", AmountProblem.ZERO),
    ],
)
def test_amounts_typed_are_read_as_pence_or_said_why_not(
    typed: str, pence: int | AmountProblem
) -> None:
    assert parse_amount(typed) == pence


def test_a_session_earns_by_the_hour_per_session_or_nothing() -> None:
    assert session_amount(PolicyRow(1, "hour", 1250, None), 150) == 3125
    assert session_amount(PolicyRow(1, "session", 2500, None), 150) == 2500
    assert session_amount(PolicyRow(1, "none", 0, None), 150) == 0
    assert session_amount(None, 150) == 0


async def _world(storage: Storage) -> tuple[int, int, dict[int, int]]:
    """A group coordinated by COORDINATOR with MEMBER and OTHER, and a session that ended
    at T0 (two hours); (group, session, person ids by Telegram id)."""
    async with storage.transaction() as tx:
        ids = {}
        for telegram_id in (COORDINATOR, MEMBER, OTHER):
            person = await tx.people.ensure(telegram_id, telegram_id, f"P{telegram_id}", T0)
            ids[telegram_id] = person.id
        await tx.people.set_coordinator(ids[COORDINATOR], True)
        group = await tx.groups.create("Carers", "code", ids[COORDINATOR], T0)
        await tx.groups.add_coordinator(group.id, ids[COORDINATOR])
        for telegram_id in (MEMBER, OTHER):
            await tx.groups.add_member(group.id, ids[telegram_id], T0)
        session = await tx.sessions.create(
            group_id=group.id, title="Planning", starts_at=T0 - timedelta(hours=2), ends_at=T0,
            reminders="", uid="uid-p", created_at=T0 - timedelta(days=2),
        )  # fmt: skip
        await tx.sessions.mark(session.id, ids[MEMBER], True, 120, T0)
    return group.id, session.id, ids


async def _queued(storage: Storage, person_id: int) -> list[str]:
    """What each message queued for the person will say when it is sent."""
    o = schema.outbox
    async with storage.read() as tx:
        found = await tx.conn.execute(
            select(o.c.payload).where(o.c.person_id == person_id).order_by(o.c.id)
        )
        return [shown_plain(payload).text for payload in found.scalars()]


def _payments(storage: Storage, clock: FakeClock) -> Payments:
    return Payments(storage, clock, frozenset(), LONDON)


async def _per_hour(payments: Payments, group_id: int, rate: str = "12.50") -> None:
    assert await payments.choose_basis(COORDINATOR, COORDINATOR, group_id, Basis.HOUR)
    view = await payments.set_rate(COORDINATOR, rate)
    assert view is not None and not isinstance(view, AmountProblem)


async def test_only_the_group_s_coordinator_sets_the_policy(
    storage: Storage, clock: FakeClock
) -> None:
    group_id, _, _ = await _world(storage)
    payments = _payments(storage, clock)
    assert await payments.choose_basis(MEMBER, MEMBER, group_id, Basis.HOUR) is None
    assert await payments.set_rate(MEMBER, "99") is None
    assert await payments.choose_basis(COORDINATOR, COORDINATOR, group_id, Basis.HOUR)
    # A bad rate keeps the step; a good one is saved.
    assert await payments.set_rate(COORDINATOR, "£-5") is AmountProblem.NEGATIVE
    view = await payments.set_rate(COORDINATOR, "12.50")
    assert view is not None and not isinstance(view, AmountProblem) and view.policy
    assert (view.policy.basis, view.policy.rate_pence) == ("hour", 1250)
    assert await payments.begin_expenses(COORDINATOR, COORDINATOR, group_id)
    assert await payments.set_expenses(COORDINATOR, "x" * 301) is Refused.TOO_LONG
    saved = await payments.set_expenses(COORDINATOR, "  Travel,   lunch ")
    assert saved is not None and not isinstance(saved, Refused) and saved.policy
    assert saved.policy.expenses == "Travel, lunch"


async def test_attendance_makes_claims_that_follow_its_changes(
    storage: Storage, clock: FakeClock
) -> None:
    group_id, session_id, ids = await _world(storage)
    payments = _payments(storage, clock)
    await _per_hour(payments, group_id)
    clock.set(T0 + timedelta(days=1))
    record = await payments.record(MEMBER)
    assert (record.groups[0].sessions, record.groups[0].minutes) == (1, 120)
    assert record.time_pence == 2500
    # The hours change, and OTHER is marked too: the claims follow.
    async with storage.transaction() as tx:
        await tx.sessions.set_minutes(session_id, 90)
        await tx.sessions.mark(session_id, ids[OTHER], True, 90, T0)
    assert (await payments.record(MEMBER)).time_pence == 1875
    assert (await payments.record(OTHER)).time_pence == 1875
    # MEMBER's mark is taken away: no claim for them any more.
    async with storage.transaction() as tx:
        await tx.sessions.mark(session_id, ids[MEMBER], False, 0, T0)
    assert (await payments.record(MEMBER)).time_pence == 0


async def _session_claims(storage: Storage) -> list[tuple[int, int, int]]:
    """(person, minutes, pence) of each claim for time, as stored now."""
    c = schema.payment_claim
    async with storage.read() as tx:
        found = await tx.conn.execute(
            select(c.c.person_id, c.c.minutes, c.c.amount_pence)
            .where(c.c.kind == "session")
            .order_by(c.c.person_id)
        )
        return [(r[0], r[1], r[2]) for r in found]


async def test_marking_who_came_and_the_hours_make_the_claims_at_once(
    storage: Storage, clock: FakeClock
) -> None:
    group_id, session_id, ids = await _world(storage)
    services = Services.build(storage, clock, frozenset(), Sealer(b"s" * 48), zone=LONDON)
    await _per_hour(services.payments, group_id)
    clock.set(T0 + timedelta(hours=1))
    # Nobody has looked at claims yet: marking OTHER makes theirs in the same step.
    assert await services.sessions.mark(COORDINATOR, session_id, ids[OTHER], True)
    assert await _session_claims(storage) == [(ids[OTHER], 120, 2500)]
    assert await services.sessions.begin_hours(COORDINATOR, COORDINATOR, session_id)
    assert await services.sessions.set_hours(COORDINATOR, "1.5")
    assert await _session_claims(storage) == [
        (ids[MEMBER], 90, 1875),
        (ids[OTHER], 90, 1875),
    ]
    assert await services.sessions.mark(COORDINATOR, session_id, ids[OTHER], False)
    assert await _session_claims(storage) == [(ids[MEMBER], 90, 1875)]


async def test_an_expenses_claim_keeps_what_was_typed_until_a_photo_comes(
    storage: Storage, clock: FakeClock
) -> None:
    group_id, session_id, ids = await _world(storage)
    payments = _payments(storage, clock)
    refused = await payments.begin_claim(OTHER, OTHER, session_id)
    assert refused.problem is Refused.NOT_ATTENDED
    assert await payments.claim_amount(OTHER, "4.50") is None
    assert (await payments.begin_claim(MEMBER, MEMBER, session_id)).title == "Planning"
    for typed, problem in [
        ("£-5", AmountProblem.NEGATIVE),
        ("lots", AmountProblem.NOT_UNDERSTOOD),
    ]:
        asked = await payments.claim_amount(MEMBER, typed)
        assert asked is not None and asked.problem is problem
    asked = await payments.claim_amount(MEMBER, "£4.50")
    assert asked is not None and asked.pence == 450
    for kind in ("text", "document", "sticker"):
        kept = await payments.claim_receipt(MEMBER, kind, None)
        assert kept is not None and (kept.problem, kept.pence) == (Refused.NOT_PHOTO, 450)
    sent = await payments.claim_receipt(MEMBER, "photo", "file-1")
    assert sent is not None and sent.problem is None and sent.pence == 450
    async with storage.read() as tx:
        claims = await tx.payments.claims(group_id, ids[MEMBER], kind="expense")
    assert [(c.amount_pence, c.state, c.receipt_file_id) for c in claims] == [
        (450, "pending", "file-1")
    ]
    [to_approve] = await _queued(storage, ids[COORDINATOR])
    assert f"from P{MEMBER}: £4.50 for Planning (3 March 2026)" in to_approve
    assert await _queued(storage, ids[OTHER]) == []


async def _claimed(
    storage: Storage, clock: FakeClock
) -> tuple[Payments, int, int, dict[int, int]]:
    group_id, session_id, ids = await _world(storage)
    payments = _payments(storage, clock)
    await payments.begin_claim(MEMBER, MEMBER, session_id)
    await payments.claim_amount(MEMBER, "4.50")
    await payments.claim_receipt(MEMBER, "photo", "file-1")
    async with storage.read() as tx:
        [claim] = await tx.payments.claims(group_id, kind="expense")
    return payments, group_id, claim.id, ids


async def test_only_a_coordinator_approves_and_the_member_is_told(
    storage: Storage, clock: FakeClock
) -> None:
    payments, _, claim_id, ids = await _claimed(storage, clock)
    assert await payments.approve(MEMBER, claim_id) is Refused.NOT_ALLOWED
    assert await payments.receipt(MEMBER, claim_id) is None
    assert await payments.receipt(COORDINATOR, claim_id) == "file-1"
    decided = await payments.approve(COORDINATOR, claim_id)
    assert not isinstance(decided, Refused) and decided.problem is None
    again = await payments.approve(COORDINATOR, claim_id)
    assert not isinstance(again, Refused) and again.problem is Refused.DECIDED
    assert await _queued(storage, ids[MEMBER]) == [
        "Your expenses claim for £4.50 (Planning) is approved. Thank you."
    ]


async def test_a_question_on_a_claim_reaches_the_member_and_the_claim_waits(
    storage: Storage, clock: FakeClock
) -> None:
    payments, group_id, claim_id, ids = await _claimed(storage, clock)
    assert not await payments.begin_query(MEMBER, MEMBER, claim_id)
    assert await payments.begin_query(COORDINATOR, COORDINATOR, claim_id)
    assert await payments.query(COORDINATOR, "Which bus was it?")
    finance = await payments.finance(COORDINATOR, group_id, Period.THIS_MONTH)
    assert finance is not None
    [line] = finance.lines
    assert (line.approval, line.expenses_pence, line.waiting_pence) == ("queried", 0, 450)
    [told] = await _queued(storage, ids[MEMBER])
    assert "question about your expenses claim for £4.50 (Planning)" in told
    assert "Which bus was it?" in told


async def test_finance_lines_carry_the_payee_and_nothing_for_time_declined(
    storage: Storage, clock: FakeClock
) -> None:
    group_id, session_id, ids = await _world(storage)
    payments = _payments(storage, clock)
    await _per_hour(payments, group_id)
    async with storage.transaction() as tx:
        await tx.payments.set_payee(ids[MEMBER], "P-7", "Sam Jones", T0)
        await tx.sessions.mark(session_id, ids[OTHER], True, 120, T0)
    await payments.choose(OTHER, OTHER, Choice.NONE)
    assert await payments.finance(MEMBER, group_id, Period.THIS_MONTH) is None
    finance = await payments.finance(COORDINATOR, group_id, Period.THIS_MONTH)
    assert finance is not None
    lines = {line.reference: line for line in finance.lines}
    assert (lines["P-7"].name, lines["P-7"].time_pence, lines["P-7"].minutes) == (
        "Sam Jones", 2500, 120,
    )  # fmt: skip
    # No payee reference yet: the line says so by its empty reference; declined: no pay.
    assert (lines[""].choice, lines[""].time_pence, lines[""].sessions) == ("none", 0, 1)
    last_month = await payments.finance(COORDINATOR, group_id, Period.LAST_MONTH)
    assert last_month is not None and last_month.lines == []


async def test_a_payee_reference_is_checked_and_unique(storage: Storage, clock: FakeClock) -> None:
    group_id, _, ids = await _world(storage)
    payments = _payments(storage, clock)
    assert await payments.begin_payee(MEMBER, MEMBER, group_id, ids[OTHER]) is Refused.NOT_ALLOWED
    assert await payments.begin_payee(COORDINATOR, COORDINATOR, group_id, ids[MEMBER]) == (
        f"P{MEMBER}"
    )
    assert await payments.set_payee(COORDINATOR, "P-7") is Refused.BAD_PAYEE
    assert await payments.set_payee(COORDINATOR, "=cmd() Sam") is Refused.BAD_PAYEE
    assert await payments.set_payee(COORDINATOR, "P-7 Sam Jones") == ("P-7", "Sam Jones")
    await payments.begin_payee(COORDINATOR, COORDINATOR, group_id, ids[OTHER])
    assert await payments.set_payee(COORDINATOR, "P-7 Alex Smith") is Refused.TAKEN


async def test_what_is_held_about_payment_goes_in_a_member_s_data(
    storage: Storage, clock: FakeClock
) -> None:
    payments, _, _, ids = await _claimed(storage, clock)
    await payments.choose(MEMBER, MEMBER, Choice.VOUCHER)
    async with storage.transaction() as tx:
        await tx.payments.set_payee(ids[MEMBER], "P-7", "Sam Jones", T0)
    async with storage.read() as tx:
        held = await payments_held(tx, ids[MEMBER])
        nothing = await payments_held(tx, ids[OTHER])
    assert (held["choice"], held["payee_reference"], held["name_for_payment"]) == (
        "voucher", "P-7", "Sam Jones",
    )  # fmt: skip
    assert sorted((c["kind"], c["amount_pence"], c["receipt_photo"]) for c in held["claims"]) == [
        ("expense", 450, True),
        ("session", 0, False),
    ]
    assert nothing == {
        "choice": None, "payee_reference": None, "name_for_payment": None, "claims": []
    }  # fmt: skip


async def test_a_record_keeps_a_group_left_and_counts_no_pay_when_declined(
    storage: Storage, clock: FakeClock
) -> None:
    group_id, _, ids = await _world(storage)
    payments = _payments(storage, clock)
    await _per_hour(payments, group_id)
    assert (await payments.record(MEMBER)).time_pence == 2500
    await payments.choose(MEMBER, MEMBER, Choice.NONE)
    async with storage.transaction() as tx:
        await tx.groups.remove_member(group_id, ids[MEMBER])
    record = await payments.record(MEMBER)
    assert [(g.group_name, g.sessions, g.minutes) for g in record.groups] == [("Carers", 1, 120)]
    assert (record.choice, record.time_pence) == ("none", 0)
