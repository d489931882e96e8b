"""Involvement payment: groups' policies, members' choices, payee references and claims."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, insert, select, update

from storage import schema
from storage.types import Executor, dialect_insert, off_loop


@dataclass(frozen=True)
class PolicyRow:
    """A group's payment policy: per hour, per session or none; what expenses it covers."""

    group_id: int
    basis: str
    rate_pence: int
    expenses: str | None


@dataclass(frozen=True)
class PayeeRow:
    """The reference finance pays someone under, and the name to pay."""

    person_id: int
    reference: str
    name: str | None


@dataclass(frozen=True)
class ClaimRow:
    """A claim for a session someone came to, or for expenses."""

    id: int
    person_id: int
    group_id: int
    session_id: int | None
    kind: str
    minutes: int
    amount_pence: int
    receipt_file_id: str | None
    state: str
    query: str | None
    on_day: date


@dataclass(frozen=True)
class KeptRow:
    """A claim of someone who asked to be forgotten, as the accounts keep it."""

    session_id: int | None
    kind: str
    minutes: int
    amount_pence: int
    choice: str | None
    payee_reference: str | None
    on_day: date


@dataclass(frozen=True)
class CameRow:
    """One attendance that counts towards a session claim."""

    person_id: int
    session_id: int
    minutes: int
    starts_at: datetime


class PaymentsRepo:
    """Payment policies, choices, payee references and claims."""

    def __init__(self, conn: Executor) -> None:
        self._conn = conn

    # --- Policy and choice -----------------------------------------------------------

    async def policy(self, group_id: int) -> PolicyRow | None:
        """The group's payment policy, if one was set."""
        t = schema.payment_policy
        row = (
            await self._conn.execute(
                select(t.c.group_id, t.c.basis, t.c.rate_pence, t.c.expenses).where(
                    t.c.group_id == group_id
                )
            )
        ).first()
        return PolicyRow(**row._mapping) if row else None

    async def set_policy(self, group_id: int, now: datetime, **values: object) -> None:
        """Create or change the group's policy (basis, rate_pence, expenses)."""
        t = schema.payment_policy
        changed = await self._conn.execute(
            update(t).where(t.c.group_id == group_id).values(set_at=now, **values)
        )
        if not changed.rowcount:
            row = {"basis": "none", "rate_pence": 0, **values}
            await self._conn.execute(insert(t).values(group_id=group_id, set_at=now, **row))

    async def choice(self, person_id: int) -> str | None:
        """How the person would like to be paid; None if they have not chosen."""
        t = schema.payment_choice
        query = select(t.c.choice).where(t.c.person_id == person_id)
        return (await self._conn.execute(query)).scalar_one_or_none()

    async def set_choice(self, person_id: int, choice: str, now: datetime) -> None:
        """Record (or change) the person's choice."""
        t = schema.payment_choice
        statement = dialect_insert(self._conn, t).values(
            person_id=person_id, choice=choice, chosen_at=now
        )
        await self._conn.execute(
            statement.on_conflict_do_update(
                index_elements=[t.c.person_id], set_={"choice": choice, "chosen_at": now}
            )
        )

    @off_loop
    async def choices(self, person_ids: Sequence[int]) -> dict[int, str]:
        """The choice of each of these people who made one."""
        t = schema.payment_choice
        rows = await self._conn.execute(
            select(t.c.person_id, t.c.choice).where(t.c.person_id.in_(list(person_ids)))
        )
        return {row.person_id: row.choice for row in rows}

    # --- Payee references ------------------------------------------------------------

    async def payee(self, person_id: int) -> PayeeRow | None:
        """The person's payee reference and name for payment, if set."""
        found = await self.payees([person_id])
        return found.get(person_id)

    @off_loop
    async def payees(self, person_ids: Sequence[int]) -> dict[int, PayeeRow]:
        """The payee reference and name of each of these people who has one."""
        t = schema.payee
        rows = await self._conn.execute(
            select(t.c.person_id, t.c.reference, t.c.name).where(
                t.c.person_id.in_(list(person_ids))
            )
        )
        return {row.person_id: PayeeRow(**row._mapping) for row in rows}

    async def reference_taken(self, reference: str, person_id: int) -> bool:
        """True if someone else already has this payee reference."""
        t = schema.payee
        query = select(t.c.person_id).where(t.c.reference == reference, t.c.person_id != person_id)
        return (await self._conn.execute(query)).first() is not None

    async def set_payee(self, person_id: int, reference: str, name: str, now: datetime) -> None:
        """Record (or change) the person's payee reference and name for payment."""
        t = schema.payee
        values = {"reference": reference, "name": name, "set_at": now}
        statement = dialect_insert(self._conn, t).values(person_id=person_id, **values)
        await self._conn.execute(
            statement.on_conflict_do_update(index_elements=[t.c.person_id], set_=values)
        )

    async def coordinator_ids(self, group_id: int) -> list[int]:
        """The people who coordinate the group."""
        t = schema.group_coordinator
        rows = await self._conn.execute(
            select(t.c.person_id).where(t.c.group_id == group_id).order_by(t.c.person_id)
        )
        return list(rows.scalars())

    # --- Claims ----------------------------------------------------------------------

    @off_loop
    async def came(self, group_id: int, person_id: int | None = None) -> list[CameRow]:
        """Every attendance at the group's sessions (of one person, if given)."""
        a, s = schema.session_attendance, schema.group_session
        query = (
            select(a.c.person_id, a.c.session_id, a.c.minutes, s.c.starts_at)
            .join(s, s.c.id == a.c.session_id)
            .where(s.c.group_id == group_id, a.c.came.is_(True))
        )
        if person_id is not None:
            query = query.where(a.c.person_id == person_id)
        return [CameRow(**row._mapping) for row in await self._conn.execute(query)]

    @off_loop
    async def claims(
        self,
        group_id: int,
        person_id: int | None = None,
        kind: str | None = None,
        days: tuple[date, date] | None = None,
    ) -> list[ClaimRow]:
        """The group's claims (one person's, one kind, on days in [start, end))."""
        t = schema.payment_claim
        query = select(*_CLAIM_COLUMNS).where(t.c.group_id == group_id)
        if person_id is not None:
            query = query.where(t.c.person_id == person_id)
        if kind is not None:
            query = query.where(t.c.kind == kind)
        if days is not None:
            query = query.where(t.c.on_day >= days[0], t.c.on_day < days[1])
        rows = await self._conn.execute(query.order_by(t.c.on_day, t.c.id))
        return [ClaimRow(**row._mapping) for row in rows]

    async def claim(self, claim_id: int) -> ClaimRow | None:
        """One claim."""
        t = schema.payment_claim
        row = (await self._conn.execute(select(*_CLAIM_COLUMNS).where(t.c.id == claim_id))).first()
        return ClaimRow(**row._mapping) if row else None

    async def add_claim(self, now: datetime, **values: object) -> int:
        """Store a claim; returns its id."""
        t = schema.payment_claim
        result = await self._conn.execute(
            insert(t).values(created_at=now, **values).returning(t.c.id)
        )
        return int(result.scalar_one())

    @off_loop
    async def add_claims(self, now: datetime, rows: Sequence[dict[str, object]]) -> None:
        """Store many claims at once (those attendance makes)."""
        if rows:
            t = schema.payment_claim
            await self._conn.execute(insert(t), [{**row, "created_at": now} for row in rows])

    async def change_claim(self, claim_id: int, **values: object) -> None:
        """Change a claim (its minutes and amount, or its state)."""
        t = schema.payment_claim
        await self._conn.execute(update(t).where(t.c.id == claim_id).values(**values))

    @off_loop
    async def drop_claims(self, claim_ids: Sequence[int]) -> None:
        """Remove claims (sessions someone is no longer marked as having come to)."""
        if claim_ids:
            t = schema.payment_claim
            await self._conn.execute(delete(t).where(t.c.id.in_(list(claim_ids))))

    async def groups_with_claims(self, person_id: int) -> list[int]:
        """The groups the person has claims in."""
        t = schema.payment_claim
        rows = await self._conn.execute(
            select(t.c.group_id).where(t.c.person_id == person_id).distinct()
        )
        return sorted(rows.scalars())

    # --- Someone asked to be forgotten -----------------------------------------------

    @off_loop
    async def keep_for_accounts(self, person_id: int) -> list[KeptRow]:
        """Keep the person's approved claims only as the accounts need them (no person,
        name, receipt or question), then delete every payment record of theirs: claims,
        the coordinators' messages about them still waiting, choice, payee. What was kept."""
        t = schema.payment_claim
        choice, payee = await self.choice(person_id), await self.payee(person_id)
        found = await self._conn.execute(
            select(*(t.c[name] for name in _KEPT_COLUMNS))
            .where(t.c.person_id == person_id, t.c.state == "approved")
            .order_by(t.c.on_day, t.c.id)
        )
        kept = [
            {**row._mapping, "choice": choice, "payee_reference": payee and payee.reference}
            for row in found
        ]
        if kept:
            await self._conn.execute(insert(schema.kept_payment), kept)
        await self._forget_claims(person_id)
        return [KeptRow(**{k: v for k, v in row.items() if k != "group_id"}) for row in kept]

    async def _forget_claims(self, person_id: int) -> None:
        t, o = schema.payment_claim, schema.outbox
        claims = await self._conn.execute(
            select(t.c.id).where(t.c.person_id == person_id, t.c.kind == "expense")
        )
        for claim_id in claims.scalars():
            # The coordinators' "to approve" messages (`pc<claim>:<coordinator>`): a search
            # through the outbox, so the whole of this runs apart from the event loop.
            about = o.c.dedupe_key.like(f"pc{claim_id}:%")
            await self._conn.execute(delete(o).where(about, o.c.state == "pending"))
            await self._conn.execute(update(o).where(about).values(payload=_ERASED))
        r = schema.receipt_copy
        theirs = select(t.c.id).where(t.c.person_id == person_id).scalar_subquery()
        await self._conn.execute(delete(r).where(r.c.claim_id.in_(theirs)))
        for table in (schema.payment_claim, schema.payment_choice, schema.payee):
            await self._conn.execute(delete(table).where(table.c.person_id == person_id))

    async def receipt_shown(self, claim_id: int, chat: str, message_id: int, on: date) -> None:
        """A claim's receipt photo was shown in a chat (sealed)."""
        await self._conn.execute(
            insert(schema.receipt_copy).values(
                claim_id=claim_id, chat=chat, message_id=message_id, shown_on=on
            )
        )

    async def receipts_shown(self, person_id: int) -> list[tuple[int, str, int]]:
        """(copy, sealed chat, message) of each receipt photo of the person's shown in a chat."""
        r, t = schema.receipt_copy, schema.payment_claim
        rows = await self._conn.execute(
            select(r.c.id, r.c.chat, r.c.message_id)
            .join(t, t.c.id == r.c.claim_id)
            .where(t.c.person_id == person_id)
            .order_by(r.c.id)
        )
        return [(int(row.id), row.chat, int(row.message_id)) for row in rows]

    @off_loop
    async def kept(self, group_id: int, days: tuple[date, date]) -> list[KeptRow]:
        """The group's claims kept for the accounts, on days in [start, end)."""
        k = schema.kept_payment
        rows = await self._conn.execute(
            select(*(k.c[name] for name in _KEPT_COLUMNS if name != "group_id"))
            .add_columns(k.c.choice, k.c.payee_reference)
            .where(k.c.group_id == group_id, k.c.on_day >= days[0], k.c.on_day < days[1])
            .order_by(k.c.on_day, k.c.id)
        )
        return [KeptRow(**row._mapping) for row in rows]


# What a message's contents become once erased.
_ERASED = '{"text": ""}'
_KEPT_COLUMNS = ("group_id", "session_id", "kind", "minutes", "amount_pence", "on_day")

_CLAIM_COLUMNS = tuple(
    schema.payment_claim.c[name]
    for name in (
        "id",
        "person_id",
        "group_id",
        "session_id",
        "kind",
        "minutes",
        "amount_pence",
        "receipt_file_id",
        "state",
        "query",
        "on_day",
    )
)
