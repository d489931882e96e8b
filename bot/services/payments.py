"""Involvement payment and recognition: each group's policy, members' choices, payee
references, claims from attendance, expenses with a receipt photo, approval, the finance
export's figures and a member's own record."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.presentation import outgoing, texts
from bot.presentation.callbacks import Action
from bot.presentation.moments import DayForm
from bot.presentation.texts.payments import money
from bot.services.payment_model import (
    AMOUNT_STEP,
    EXPENSES_LENGTH,
    EXPENSES_STEP,
    KIND,
    PAYEE_STEP,
    PAYEE_TYPED,
    QUERY_STEP,
    RATE_STEP,
    RECEIPT_STEP,
    AmountProblem,
    Basis,
    Choice,
    ClaimAsk,
    Decided,
    Finance,
    Offer,
    PolicyView,
    Record,
    Refused,
    kept_as_claims,
    parse_amount,
)
from bot.services.payment_records import claim_changes, claims_sum, finance_lines, group_record
from bot.services.roles import may_manage
from bot.services.sessions.model import Period
from bot.services.sessions.words import period_dates
from storage.database import Storage
from storage.outbox import OutboxNew
from storage.payments import ClaimRow
from storage.tx import Tx


class Payments:
    """Payment policies, choices, payee references, claims, finance figures and records."""

    def __init__(
        self, storage: Storage, clock: Clock, admin_ids: frozenset[int], zone: ZoneInfo
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._admins = admin_ids
        self._zone = zone

    # --- The policy (coordinators) ---------------------------------------------------

    async def policy(self, telegram_id: int, group_id: int) -> PolicyView | None:
        """The group's policy; None unless the person may manage the group."""
        async with self._storage.read() as tx:
            return await self._managed_view(tx, telegram_id, group_id)

    async def _managed_view(self, tx: Tx, telegram_id: int, group_id: int) -> PolicyView | None:
        group = await tx.groups.get(group_id)
        if group is None or not await may_manage(tx, telegram_id, group_id, self._admins):
            return None
        return PolicyView(group.id, group.name, await tx.payments.policy(group_id))

    async def choose_basis(
        self, telegram_id: int, chat_id: int, group_id: int, basis: Basis
    ) -> PolicyView | None:
        """No pay: saved at once. Per hour or session: wait for the rate to be typed."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            view = await self._managed_view(tx, telegram_id, group_id)
            if view is None:
                return None
            if basis is Basis.NONE:
                await tx.payments.set_policy(group_id, now, basis=basis.value, rate_pence=0)
                return await self._managed_view(tx, telegram_id, group_id)
            person = await tx.people.ensure(telegram_id, chat_id, None, now)
            data = {"group": group_id, "basis": basis.value}
            await tx.steps.set(person.id, RATE_STEP, data, now)
            return view

    async def begin_expenses(self, telegram_id: int, chat_id: int, group_id: int) -> bool:
        """Wait for the coordinator to type what expenses are covered."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            if await self._managed_view(tx, telegram_id, group_id) is None:
                return False
            person = await tx.people.ensure(telegram_id, chat_id, None, now)
            await tx.steps.set(person.id, EXPENSES_STEP, {"group": group_id}, now)
            return True

    async def set_rate(self, telegram_id: int, text: str) -> PolicyView | AmountProblem | None:
        """The rate typed at the rate step; the step stays if it is not an amount."""
        pence = parse_amount(text)
        if isinstance(pence, AmountProblem):
            return pence
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            found = await self._step(tx, telegram_id, RATE_STEP)
            if found is None:
                return None
            person_id, data = found
            group_id = int(data["group"])
            if await self._managed_view(tx, telegram_id, group_id) is None:
                return None
            await tx.payments.set_policy(group_id, now, basis=data["basis"], rate_pence=pence)
            await tx.steps.clear(person_id)
            return await self._managed_view(tx, telegram_id, group_id)

    async def set_expenses(self, telegram_id: int, text: str) -> PolicyView | Refused | None:
        """What expenses are covered, typed at the expenses step."""
        words = " ".join(text.split())
        if len(words) > EXPENSES_LENGTH:
            return Refused.TOO_LONG
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            found = await self._step(tx, telegram_id, EXPENSES_STEP)
            if found is None:
                return None
            group_id = int(found[1]["group"])
            if await self._managed_view(tx, telegram_id, group_id) is None:
                return None
            await tx.payments.set_policy(group_id, now, expenses=words or None)
            await tx.steps.clear(found[0])
            return await self._managed_view(tx, telegram_id, group_id)

    async def _step(
        self, tx: Tx, telegram_id: int, name: str
    ) -> tuple[int, dict[str, Any]] | None:
        person = await tx.people.by_telegram_id(telegram_id)
        step = None if person is None else await tx.steps.get(person.id)
        if person is None or step is None or step.step != name:
            return None
        return person.id, step.data

    # --- Payee references (coordinators) ----------------------------------------------

    async def payees(
        self, telegram_id: int, group_id: int
    ) -> list[tuple[int, str | None, str | None]] | None:
        """(person, name, reference) for each member of the group; None if not allowed."""
        async with self._storage.read() as tx:
            if await self._managed_view(tx, telegram_id, group_id) is None:
                return None
            members = await tx.groups.members(group_id)
            found = await tx.payments.payees([m.person_id for m in members])
        return [
            (
                m.person_id,
                m.display_name,
                found[m.person_id].reference if m.person_id in found else None,
            )
            for m in members
        ]

    async def begin_payee(
        self, telegram_id: int, chat_id: int, group_id: int, person_id: int
    ) -> str | Refused | None:
        """Wait for the payee reference of a member; their name (or None), or NOT_ALLOWED."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            view = await self._managed_view(tx, telegram_id, group_id)
            member = await tx.people.get(person_id)
            if (
                view is None
                or member is None
                or not await tx.groups.is_member(group_id, person_id)
            ):
                return Refused.NOT_ALLOWED
            me = await tx.people.ensure(telegram_id, chat_id, None, now)
            await tx.steps.set(me.id, PAYEE_STEP, {"group": group_id, "person": person_id}, now)
            return member.display_name

    async def set_payee(self, telegram_id: int, text: str) -> tuple[str, str] | Refused | None:
        """The reference and name typed ("P-0042 Sam Jones"); (reference, name) once saved."""
        typed = PAYEE_TYPED.fullmatch(text)
        if typed is None:
            return Refused.BAD_PAYEE
        reference, name = typed.group(1), typed.group(2)
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            found = await self._step(tx, telegram_id, PAYEE_STEP)
            if found is None:
                return None
            group_id, person_id = int(found[1]["group"]), int(found[1]["person"])
            if await self._managed_view(tx, telegram_id, group_id) is None:
                return Refused.NOT_ALLOWED
            if await tx.payments.reference_taken(reference, person_id):
                return Refused.TAKEN
            await tx.payments.set_payee(person_id, reference, name, now)
            await tx.steps.clear(found[0])
        return reference, name

    # --- Members' choice ------------------------------------------------------------

    async def offer(self, telegram_id: int, group_id: int) -> Offer | None:
        """The group's policy and the member's choice so far; None if not in the group."""
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            group = await tx.groups.get(group_id)
            if (
                person is None
                or group is None
                or not await tx.groups.is_member(group_id, person.id)
            ):
                return None
            view = PolicyView(group.id, group.name, await tx.payments.policy(group_id))
            return Offer(view, await tx.payments.choice(person.id))

    async def offers(self, telegram_id: int) -> list[Offer]:
        """The policy of each of the member's groups, with their choice."""
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return []
            choice = await tx.payments.choice(person.id)
            return [
                Offer(PolicyView(g.id, g.name, await tx.payments.policy(g.id)), choice)
                for g in await tx.groups.of_member(person.id)
            ]

    async def choose(self, telegram_id: int, chat_id: int, choice: Choice) -> Choice:
        """Record how the member would like to be paid (changeable any time)."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            person = await tx.people.ensure(telegram_id, chat_id, None, now)
            await tx.payments.set_choice(person.id, choice.value, now)
        return choice

    # --- Claims ---------------------------------------------------------------------

    async def sync_claims(self, tx: Tx, group_id: int, person_id: int | None = None) -> None:
        """Make the group's session claims (one person's, if given) match its attendance:
        one for each time someone came, at the policy's rate; none where a mark was taken
        away."""
        policy = await tx.payments.policy(group_id)
        came = await tx.payments.came(group_id, person_id)
        have = await tx.payments.claims(group_id, person_id, kind="session")
        # A whole group's worth of rows: compared apart from the event loop.
        drop, new, changed = await asyncio.to_thread(
            claim_changes, group_id, policy, came, have, self._zone
        )
        await tx.payments.drop_claims(drop)
        for claim_id, minutes, amount in changed:
            await tx.payments.change_claim(claim_id, minutes=minutes, amount_pence=amount)
        await tx.payments.add_claims(self._clock.now(), new)

    async def claimable(self, telegram_id: int) -> list[tuple[int, str, datetime]]:
        """(session, title, start) of the sessions the member came to, newest first."""
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return []
            found = []
            for group in await tx.groups.of_member(person.id):
                for row in await tx.payments.came(group.id, person.id):
                    session = await tx.sessions.get(row.session_id)
                    if session is not None:
                        found.append((session.id, session.title, session.starts_at))
        return sorted(found, key=lambda s: s[2], reverse=True)[:8]

    async def begin_claim(self, telegram_id: int, chat_id: int, session_id: int) -> ClaimAsk:
        """Start an expenses claim for a session the member came to."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            person = await tx.people.ensure(telegram_id, chat_id, None, now)
            session = await tx.sessions.get(session_id)
            came = [] if session is None else await tx.payments.came(session.group_id, person.id)
            if session is None or session_id not in {c.session_id for c in came}:
                return ClaimAsk("", problem=Refused.NOT_ATTENDED)
            data: dict[str, Any] = {"session": session_id}
            before = await self._step(tx, telegram_id, RECEIPT_STEP)
            if before is not None and before[1].get("session") == session_id:
                data["pence"] = before[1]["pence"]  # Back from the receipt: the amount kept
            await tx.steps.set(person.id, AMOUNT_STEP, data, now)
            return ClaimAsk(session.title, data.get("pence"), session_id=session_id)

    async def claim_keep_amount(self, telegram_id: int) -> ClaimAsk | None:
        """Back at the amount, the one typed before kept: the receipt is asked for again."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            found = await self._step(tx, telegram_id, AMOUNT_STEP)
            if found is None or "pence" not in found[1]:
                return None
            session = await tx.sessions.get(int(found[1]["session"]))
            await tx.steps.set(found[0], RECEIPT_STEP, found[1], now)
            title = session.title if session is not None else ""
            return ClaimAsk(title, int(found[1]["pence"]), session_id=int(found[1]["session"]))

    async def claim_amount(self, telegram_id: int, text: str) -> ClaimAsk | None:
        """The amount typed for the claim; the step keeps waiting if it is not one."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            found = await self._step(tx, telegram_id, AMOUNT_STEP)
            if found is None:
                return None
            session = await tx.sessions.get(int(found[1]["session"]))
            title = session.title if session is not None else ""
            pence = parse_amount(text)
            if isinstance(pence, AmountProblem):
                return ClaimAsk(title, problem=pence)
            data = {**found[1], "pence": pence}
            await tx.steps.set(found[0], RECEIPT_STEP, data, now)
            return ClaimAsk(title, pence, session_id=int(found[1]["session"]))

    async def claim_receipt(
        self, telegram_id: int, kind: str, file_id: str | None
    ) -> ClaimAsk | None:
        """The receipt: a photo makes the claim and tells the coordinators; anything else
        is refused, and the amount kept. None if no claim is waiting for a receipt."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            found = await self._step(tx, telegram_id, RECEIPT_STEP)
            if found is None:
                return None
            person_id, data = found
            session = await tx.sessions.get(int(data["session"]))
            if session is None:
                await tx.steps.clear(person_id)
                return ClaimAsk("", problem=Refused.NOT_ATTENDED)
            pence = int(data["pence"])
            if kind != "photo" or not file_id:
                return ClaimAsk(session.title, pence, Refused.NOT_PHOTO)
            claim_id = await tx.payments.add_claim(
                now,
                person_id=person_id,
                group_id=session.group_id,
                session_id=session.id,
                kind="expense",
                amount_pence=pence,
                receipt_file_id=file_id,
                state="pending",
                on_day=session.starts_at.astimezone(self._zone).date(),
            )
            await tx.steps.clear(person_id)
            await self.sync_claims(tx, session.group_id, person_id)
            await self._tell_coordinators(tx, claim_id, now)
            return ClaimAsk(session.title, pence)

    async def _tell_coordinators(self, tx: Tx, claim_id: int, now: datetime) -> None:
        claim = await tx.payments.claim(claim_id)
        assert claim is not None and claim.session_id is not None
        session = await tx.sessions.get(claim.session_id)
        person = await tx.people.get(claim.person_id)
        assert session is not None and person is not None
        name: outgoing.Value = person.display_name or outgoing.words(texts.PAY_NO_NAME)
        said = outgoing.text(
            texts.PAY_CLAIM_TO_APPROVE,
            name=name,
            amount=money(claim.amount_pence),
            title=session.title,
            day=outgoing.Day(claim.on_day, DayForm.FULL),
        )
        buttons = [
            [
                outgoing.button(texts.BUTTON_PAY_APPROVE, Action.PAY_APPROVE, claim_id),
                outgoing.button(texts.BUTTON_PAY_QUERY, Action.PAY_QUERY, claim_id),
            ],
            [outgoing.button(texts.BUTTON_PAY_RECEIPT, Action.PAY_RECEIPT, claim_id)],
        ]
        payload = outgoing.message(said, buttons).dumps()
        rows = [
            OutboxNew(f"pc{claim_id}:{pid}", KIND, pid, payload, now)
            for pid in await tx.payments.coordinator_ids(claim.group_id)
        ]
        await tx.outbox.enqueue(rows, now)

    # --- Approval (coordinators) ------------------------------------------------------

    async def _managed_claim(self, tx: Tx, telegram_id: int, claim_id: int) -> ClaimRow | None:
        claim = await tx.payments.claim(claim_id)
        if claim is None or not await may_manage(tx, telegram_id, claim.group_id, self._admins):
            return None
        return claim

    async def receipt(self, telegram_id: int, claim_id: int) -> str | None:
        """The receipt photo's file id, for the group's coordinators."""
        async with self._storage.read() as tx:
            claim = await self._managed_claim(tx, telegram_id, claim_id)
            return None if claim is None else claim.receipt_file_id

    async def approve(self, telegram_id: int, claim_id: int) -> Decided | Refused:
        """Approve an expenses claim; the member is told."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            claim = await self._managed_claim(tx, telegram_id, claim_id)
            if claim is None or claim.kind != "expense":
                return Refused.NOT_ALLOWED
            person = await tx.people.get(claim.person_id)
            if claim.state == "approved":
                return Decided(claim, person.display_name if person else None, Refused.DECIDED)
            await tx.payments.change_claim(claim_id, state="approved", decided_at=now)
            await self._tell_member(tx, claim, texts.PAY_CLAIM_APPROVED, "a", now)
            return Decided(claim, person.display_name if person else None)

    async def begin_query(self, telegram_id: int, chat_id: int, claim_id: int) -> bool:
        """Wait for the question a coordinator asks about a claim."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            claim = await self._managed_claim(tx, telegram_id, claim_id)
            if claim is None or claim.kind != "expense":
                return False
            me = await tx.people.ensure(telegram_id, chat_id, None, now)
            await tx.steps.set(me.id, QUERY_STEP, {"claim": claim_id}, now)
            return True

    async def query(self, telegram_id: int, text: str) -> bool:
        """Send the typed question to the member; the claim waits as queried."""
        now = self._clock.now()
        words = text.strip()[:600]
        async with self._storage.transaction() as tx:
            found = await self._step(tx, telegram_id, QUERY_STEP)
            claim = None
            if found is not None:
                claim = await self._managed_claim(tx, telegram_id, int(found[1]["claim"]))
            if found is None or claim is None or not words:
                return False
            await tx.payments.change_claim(claim.id, state="queried", query=words, decided_at=now)
            await tx.steps.clear(found[0])
            await self._tell_member(tx, claim, texts.PAY_CLAIM_QUERIED, "q", now, words)
            return True

    async def _tell_member(
        self, tx: Tx, claim: ClaimRow, message: str, tag: str, now: datetime, question: str = ""
    ) -> None:
        session = None if claim.session_id is None else await tx.sessions.get(claim.session_id)
        values: dict[str, outgoing.Value] = {
            "amount": money(claim.amount_pence),
            "title": session.title if session is not None else "",
        }
        if question:
            values["question"] = question
        payload = outgoing.message(outgoing.text(message, **values)).dumps()
        key = f"p{tag}{claim.id}:{int(now.timestamp())}"
        await tx.outbox.enqueue([OutboxNew(key, KIND, claim.person_id, payload, now)], now)

    # --- Finance export and a member's record ------------------------------------------

    async def finance(self, telegram_id: int, group_id: int, period: Period) -> Finance | None:
        """Each member's sessions, hours, amounts and expenses over the period."""
        start, end = period_dates(period, self._clock.now().astimezone(self._zone).date())
        async with self._storage.transaction() as tx:
            view = await self._managed_view(tx, telegram_id, group_id)
            if view is None:
                return None
            await self.sync_claims(tx, group_id)
            claims = await tx.payments.claims(group_id, days=(start, end))
            people = sorted({c.person_id for c in claims})
            payees = await tx.payments.payees(people)
            choices = await tx.payments.choices(people)
            # People since forgotten: their approved claims, kept for the accounts.
            kept = kept_as_claims(await tx.payments.kept(group_id, (start, end)))
        lines = await asyncio.to_thread(
            finance_lines, claims + kept[0], payees | kept[1], choices | kept[2]
        )
        return Finance(view.group_name, start, end, lines)

    async def record(self, telegram_id: int) -> Record:
        """The member's own record: sessions and hours by group, roles, payments."""
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return Record(None)
            coordinated = {g.id for g in await tx.groups.coordinated_by(person.id)}
            # Their groups now, and those they gave time to before they left.
            group_ids = {g.id for g in await tx.groups.of_member(person.id)} | coordinated
            group_ids |= set(await tx.payments.groups_with_claims(person.id))
            claims: list[ClaimRow] = []
            lines = []
            for group_id in sorted(group_ids):
                group = await tx.groups.get(group_id)
                await self.sync_claims(tx, group_id, person.id)
                mine = await tx.payments.claims(group_id, person.id)
                claims += mine
                name = group.name if group is not None else ""
                lines.append(group_record(name, group_id in coordinated, mine))
            choice = await tx.payments.choice(person.id)
        return Record(
            person.display_name,
            lines,
            choice,
            # Time given without payment, as they chose, is not counted as paid.
            time_pence=0 if choice == Choice.NONE else claims_sum(claims, "session", "approved"),
            expenses_pence=claims_sum(claims, "expense", "approved"),
            waiting_pence=claims_sum(claims, "expense", "pending")
            + claims_sum(claims, "expense", "queried"),
        )
