"""What the payment service works with and returns: steps, choices, amounts typed, and the
views of policies, claims, the finance export and a member's record."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import date

from storage.payments import ClaimRow, KeptRow, PayeeRow, PolicyRow

RATE_STEP = "pay_rate"
EXPENSES_STEP = "pay_expenses"
PAYEE_STEP = "pay_payee"
AMOUNT_STEP = "pay_amount"
RECEIPT_STEP = "pay_receipt"
QUERY_STEP = "pay_query"
KIND = "payment"
# The most one rate or one expenses claim may be: £1,000.
MOST_PENCE = 100_000
EXPENSES_LENGTH = 300
_AMOUNT = re.compile(r"£?\s*(\d{1,7})(?:\.(\d{1,2}))?\s*(?:gbp|pounds?)?", re.IGNORECASE)
PAYEE_TYPED = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9/-]{0,31})\s+(\S.{0,79}?)\s*")


class Basis(enum.StrEnum):
    """What a group pays for: each hour, each session, or nothing."""

    HOUR = "hour"
    SESSION = "session"
    NONE = "none"


class Choice(enum.StrEnum):
    """How a member would like to be paid."""

    PAID = "paid"
    VOUCHER = "voucher"
    CHARITY = "charity"
    NONE = "none"


class AmountProblem(enum.Enum):
    """Why a typed amount was not taken."""

    NOT_UNDERSTOOD = "not_understood"
    NEGATIVE = "negative"
    ZERO = "zero"
    TOO_MUCH = "too_much"


class Refused(enum.Enum):
    """Why a payment step did not go ahead."""

    NOT_ALLOWED = "not_allowed"
    NOT_ATTENDED = "not_attended"
    NOT_PHOTO = "not_photo"
    BAD_PAYEE = "bad_payee"
    TAKEN = "taken"
    TOO_LONG = "too_long"
    DECIDED = "decided"


def parse_amount(text: str, most: int = MOST_PENCE) -> int | AmountProblem:
    """Pence from typed pounds ("£4.50", "4", "12.5"), or why they are not an amount."""
    typed = text.strip().replace(",", "")
    found = _AMOUNT.fullmatch(typed)
    if found is None:
        if re.search(r"-\s*£?\s*\d|£\s*-", typed):
            return AmountProblem.NEGATIVE
        try:
            value = float(typed.lstrip("£"))
        except ValueError:
            return AmountProblem.NOT_UNDERSTOOD
        # "1e9", "inf": a number, but no one's receipt.
        return AmountProblem.TOO_MUCH if value > most / 100 else AmountProblem.NOT_UNDERSTOOD
    pence = int(found.group(1)) * 100 + int((found.group(2) or "0").ljust(2, "0"))
    if pence == 0:
        return AmountProblem.ZERO
    return AmountProblem.TOO_MUCH if pence > most else pence


def session_amount(policy: PolicyRow | None, minutes: int) -> int:
    """What one attendance earns under the policy, in pence."""
    if policy is None or policy.basis == Basis.NONE:
        return 0
    if policy.basis == Basis.SESSION:
        return policy.rate_pence
    return round(policy.rate_pence * minutes / 60)


@dataclass(frozen=True)
class PolicyView:
    """A group's payment policy, for its coordinators or a member about to take part."""

    group_id: int
    group_name: str
    policy: PolicyRow | None


@dataclass(frozen=True)
class Offer:
    """What a member reads before taking part: the policy and their choice so far."""

    view: PolicyView
    choice: str | None


@dataclass(frozen=True)
class ClaimAsk:
    """A member's expenses claim under way: the session, and the amount once typed."""

    title: str
    pence: int | None = None
    problem: Refused | AmountProblem | None = None
    # The session claimed for, once the amount is typed (for Back to the amount).
    session_id: int | None = None


@dataclass(frozen=True)
class Decided:
    """A coordinator's decision on a claim, said back to them."""

    claim: ClaimRow
    name: str | None
    problem: Refused | None = None


@dataclass(frozen=True)
class FinanceLine:
    """One person's line in the finance export."""

    reference: str
    name: str
    choice: str
    sessions: int
    minutes: int
    time_pence: int
    expenses_pence: int
    waiting_pence: int
    approval: str
    dates: list[date]


@dataclass(frozen=True)
class Finance:
    """The finance export's figures for a group over a period."""

    group_name: str
    start: date
    end: date
    lines: list[FinanceLine]


@dataclass(frozen=True)
class GroupRecord:
    """A member's involvement in one group."""

    group_name: str
    coordinator: bool
    sessions: int
    minutes: int
    first: date | None
    last: date | None


@dataclass(frozen=True)
class Record:
    """A member's own record: involvement by group, choice and payments."""

    name: str | None
    groups: list[GroupRecord] = field(default_factory=list)
    choice: str | None = None
    time_pence: int = 0
    expenses_pence: int = 0
    waiting_pence: int = 0


# The finance export's name for the claims kept for people who asked to be forgotten.
FORGOTTEN_PAYEE = "(asked to be forgotten)"
# Where the kept claims' stand-in people are numbered from: beyond every real person.
_KEPT_FROM = 2**62


def kept_as_claims(
    kept: list[KeptRow],
) -> tuple[list[ClaimRow], dict[int, PayeeRow], dict[int, str]]:
    """The claims kept for the accounts, as claims of stand-in people (one for each payee
    reference and choice, so each is paid as before), with their payees and choices: so
    the finance export adds them up like everyone else's."""
    stand_in: dict[tuple[str | None, str | None], int] = {}
    claims = []
    for number, row in enumerate(kept):
        person = stand_in.setdefault((row.payee_reference, row.choice), _KEPT_FROM + len(stand_in))
        claims.append(
            ClaimRow(
                -number - 1, person, 0, row.session_id, row.kind, row.minutes,
                row.amount_pence, None, "approved", None, row.on_day,
            )
        )  # fmt: skip
    payees = {
        person: PayeeRow(person, reference or "", FORGOTTEN_PAYEE)
        for (reference, _), person in stand_in.items()
    }
    choices = {person: choice for (_, choice), person in stand_in.items() if choice}
    return claims, payees, choices


def pays_anything(kept: list[KeptRow]) -> bool:
    """Whether any of these kept claims pays something (time given without payment, as
    chosen, pays nothing)."""
    return any(
        row.amount_pence and not (row.kind == "session" and row.choice == Choice.NONE)
        for row in kept
    )
