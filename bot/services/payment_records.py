"""Payment records: a member's record per group, the claims a session's attendance makes, the
finance export's lines, and what /mydata holds of payments."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from bot.services.payment_model import (
    Choice,
    FinanceLine,
    GroupRecord,
    session_amount,
)
from storage.payments import CameRow, ClaimRow, PayeeRow, PolicyRow
from storage.tx import Tx


def claims_sum(claims: list[ClaimRow], kind: str, state: str) -> int:
    return sum(c.amount_pence for c in claims if c.kind == kind and c.state == state)


def group_record(name: str, coordinator: bool, claims: list[ClaimRow]) -> GroupRecord:
    sessions = [c for c in claims if c.kind == "session"]
    days = sorted(c.on_day for c in sessions)
    return GroupRecord(
        name,
        coordinator,
        len(sessions),
        sum(c.minutes for c in sessions),
        days[0] if days else None,
        days[-1] if days else None,
    )


def claim_changes(
    group_id: int,
    policy: PolicyRow | None,
    came: list[CameRow],
    have: list[ClaimRow],
    zone: ZoneInfo,
) -> tuple[list[int], list[dict[str, object]], list[tuple[int, int, int]]]:
    """The session claims to drop, to make and to change so they match attendance."""
    marked = {(c.person_id, c.session_id): c for c in came}
    claims = {(c.person_id, c.session_id): c for c in have}
    drop = [c.id for key, c in claims.items() if key not in marked]
    new: list[dict[str, object]] = []
    changed = []
    for key, row in marked.items():
        amount = session_amount(policy, row.minutes)
        claim = claims.get(key)
        if claim is None:
            new.append(
                {
                    "person_id": row.person_id,
                    "group_id": group_id,
                    "session_id": row.session_id,
                    "kind": "session",
                    "minutes": row.minutes,
                    "amount_pence": amount,
                    "state": "approved",
                    "on_day": row.starts_at.astimezone(zone).date(),
                }
            )
        elif (claim.minutes, claim.amount_pence) != (row.minutes, amount):
            changed.append((claim.id, row.minutes, amount))
    return drop, new, changed


def finance_lines(
    claims: list[ClaimRow], payees: dict[int, PayeeRow], choices: dict[int, str]
) -> list[FinanceLine]:
    by_person: dict[int, list[ClaimRow]] = {}
    for claim in claims:
        by_person.setdefault(claim.person_id, []).append(claim)
    return [
        finance_line(mine, payees.get(pid), choices.get(pid))
        for pid, mine in sorted(by_person.items())
    ]


def finance_line(claims: list[ClaimRow], payee: object, choice: str | None) -> FinanceLine:
    sessions = [c for c in claims if c.kind == "session"]
    expenses = [c for c in claims if c.kind == "expense"]
    waiting = [c for c in expenses if c.state != "approved"]
    approval = "approved" if not waiting else f"{len(waiting)} waiting"
    if any(c.state == "queried" for c in expenses):
        approval = "queried"
    reference = getattr(payee, "reference", "") or ""
    name = getattr(payee, "name", "") or ""
    # A member who declined payment is listed with their time, but nothing to pay for it.
    time_pence = 0 if choice == Choice.NONE else sum(c.amount_pence for c in sessions)
    return FinanceLine(
        reference,
        name,
        choice or "",
        len(sessions),
        sum(c.minutes for c in sessions),
        time_pence,
        claims_sum(expenses, "expense", "approved"),
        sum(c.amount_pence for c in waiting),
        approval,
        sorted({c.on_day for c in sessions}),
    )


async def payments_held(tx: Tx, person_id: int) -> dict[str, Any]:
    """What is held about a person's payment (for /mydata): their choice, payee reference
    and name, and every claim."""
    payee = await tx.payments.payee(person_id)
    claims = [
        claim
        for group_id in await tx.payments.groups_with_claims(person_id)
        for claim in await tx.payments.claims(group_id, person_id)
    ]
    return {
        "choice": await tx.payments.choice(person_id),
        "payee_reference": payee.reference if payee is not None else None,
        "name_for_payment": payee.name if payee is not None else None,
        "claims": [
            {
                "kind": c.kind,
                "day": c.on_day.isoformat(),
                "minutes": c.minutes,
                "amount_pence": c.amount_pence,
                "receipt_photo": c.receipt_file_id is not None,
                "state": c.state,
                "question": c.query,
            }
            for c in claims
        ],
    }
