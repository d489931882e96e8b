"""Repositories for input at arm's length: items, prompts, observers, leads and risk alerts.

Words arrive here already sealed (bot/crypto.py); nothing in this module sees them in
plain text. The caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, delete, func, insert, not_, or_, select, update

from storage import schema
from storage.types import Executor, dialect_insert, off_loop

# Statuses after which an item counts as used by the coordinators.
USED_STATUSES = ("considering", "meeting", "outcome")
# The consents that let an item's words be quoted beyond the coordinators.
QUOTABLE = ("quote_anonymous", "quote_named")


@dataclass(frozen=True)
class OutcomeEntry:
    """An outcome for "you said, we did", with the item's words (sealed) and consent."""

    at: datetime
    outcome: str | None
    text: str | None
    due_on: date | None
    body: str | None
    consent: str
    author_name: str | None
    given_on: date
    item_id: int = 0
    # The last day the item may be quoted; None: no end.
    quote_until: date | None = None


@dataclass(frozen=True)
class ItemNew:
    """An item to store; `body` and `media_file_id` are sealed already."""

    id: int
    group_id: int
    kind: str
    reference: str
    consent: str
    given_on: date
    visible_at: datetime
    person_id: int | None = None
    pseudonym: str | None = None
    return_address: str | None = None
    body: str | None = None
    media_kind: str | None = None
    media_file_id: str | None = None
    prompt_id: int | None = None
    session_id: int | None = None
    risk: bool = False


@dataclass(frozen=True)
class ItemRow:
    """A stored item, words still sealed."""

    id: int
    group_id: int
    kind: str
    prompt_id: int | None
    session_id: int | None
    reference: str
    person_id: int | None
    pseudonym: str | None
    return_address: str | None
    body: str | None
    media_kind: str | None
    media_file_id: str | None
    consent: str
    status: str
    outcome: str | None
    given_on: date
    visible_at: datetime
    withdrawn_on: date | None
    risk: bool
    # The last local day it may be quoted; None: no end.
    quote_until: date | None = None


class ItemsRepo:
    """Items members shared."""

    def __init__(self, conn: Executor) -> None:
        self._conn = conn

    async def add(self, item: ItemNew) -> None:
        """Store a new item."""
        await self._conn.execute(insert(schema.item).values(**asdict(item)))

    async def taken(self, item_id: int, reference: str) -> bool:
        """True if this id or this reference is already in use."""
        i = schema.item
        row = await self._conn.execute(
            select(i.c.id).where(or_(i.c.id == item_id, i.c.reference == reference)).limit(1)
        )
        return row.first() is not None

    async def by_reference(self, reference: str) -> ItemRow | None:
        """The item with this reference, withdrawn or not."""
        i = schema.item
        row = (await self._conn.execute(select(i).where(i.c.reference == reference))).first()
        return ItemRow(**row._mapping) if row else None

    @off_loop
    async def of_author(
        self, person_id: int, pseudonym: str, limit: int, offset: int = 0
    ) -> list[ItemRow]:
        """A member's items not withdrawn (named or under their pseudonym), newest first."""
        i = schema.item
        rows = await self._conn.execute(
            select(i)
            .where(self._authored(person_id, pseudonym), i.c.withdrawn_on.is_(None))
            .order_by(i.c.given_on.desc(), i.c.reference)
            .limit(limit)
            .offset(offset)
        )
        return [ItemRow(**row._mapping) for row in rows]

    @off_loop
    async def count_of_author(self, person_id: int, pseudonym: str) -> int:
        """How many items a member has that are not withdrawn."""
        i = schema.item
        count = await self._conn.execute(
            select(func.count())
            .select_from(i)
            .where(self._authored(person_id, pseudonym), i.c.withdrawn_on.is_(None))
        )
        return int(count.scalar_one())

    async def withdraw(self, item_id: int, today: date) -> bool:
        """Erase the item's words, media and way back to its author; keep a tombstone."""
        i = schema.item
        result = await self._conn.execute(
            update(i)
            .where(i.c.id == item_id, i.c.withdrawn_on.is_(None))
            .values(
                withdrawn_on=today,
                body=None,
                media_file_id=None,
                return_address=None,
                pseudonym=None,
            )
        )
        return bool(result.rowcount)

    async def set_consent(self, item_id: int, consent: str, quote_until: date | None) -> bool:
        """Change how an item may be used, and until when it may be quoted."""
        i = schema.item
        result = await self._conn.execute(
            update(i)
            .where(i.c.id == item_id, i.c.withdrawn_on.is_(None))
            .values(consent=consent, quote_until=quote_until)
        )
        return bool(result.rowcount)

    async def in_group_by(self, group_id: int, person_id: int, pseudonym: str) -> list[ItemRow]:
        """A member's items in one group (named or under their pseudonym), not taken back."""
        i = schema.item
        rows = await self._conn.execute(
            select(i).where(
                i.c.group_id == group_id,
                self._authored(person_id, pseudonym),
                i.c.withdrawn_on.is_(None),
            )
        )
        return [ItemRow(**row._mapping) for row in rows]

    async def make_anonymous(
        self, item_id: int, pseudonym: str, return_address: str, visible_at: datetime
    ) -> bool:
        """A named item kept without its author's name: no person, the keyed pseudonym and
        sealed return address instead, and no time finer than its batch; "with my name"
        consent becomes "without"."""
        i = schema.item
        result = await self._conn.execute(
            update(i)
            .where(i.c.id == item_id, i.c.person_id.is_not(None))
            .values(
                person_id=None,
                pseudonym=pseudonym,
                return_address=return_address,
                visible_at=visible_at,
            )
        )
        if not result.rowcount:
            return False
        await self._conn.execute(
            update(i)
            .where(i.c.id == item_id, i.c.consent == "quote_named")
            .values(consent="quote_anonymous")
        )
        # Updates and conversations about it find its author the anonymous way from now on;
        # those already sent to them by name are forgotten (their keys named the author's
        # messages).
        cu, c = schema.contributor_update, schema.conversation
        await self._conn.execute(
            delete(cu).where(cu.c.item_id == item_id, cu.c.state != "pending")
        )
        await self._conn.execute(
            update(cu).where(cu.c.item_id == item_id).values(person_id=None, pseudonym=pseudonym)
        )
        await self._conn.execute(
            update(c)
            .where(c.c.item_id == item_id)
            .values(person_id=None, pseudonym=pseudonym, return_address=return_address)
        )
        return True

    async def linked_to_action(self, item_id: int) -> bool:
        """True if coordinators gathered the item into an action."""
        ai = schema.action_item
        row = await self._conn.execute(
            select(ai.c.item_id).where(ai.c.item_id == item_id).limit(1)
        )
        return row.first() is not None

    @off_loop
    async def cancel_updates(self, return_address: str) -> int:
        """Stop messages still queued to an anonymous item's own return address; how many.

        Each item's return address is sealed afresh, so it names that one item.
        """
        o = schema.outbox
        result = await self._conn.execute(
            update(o)
            .where(o.c.return_address == return_address, o.c.state == "pending")
            .values(state="cancelled", last_error="item withdrawn")
        )
        return int(result.rowcount or 0)

    @off_loop
    async def visible_in_group(self, group_id: int, now: datetime, limit: int) -> list[ItemRow]:
        """A group's items that readers may see now (not withdrawn), newest day first."""
        i = schema.item
        rows = await self._conn.execute(
            select(i)
            .where(i.c.group_id == group_id, i.c.visible_at <= now, i.c.withdrawn_on.is_(None))
            .order_by(i.c.given_on.desc(), i.c.id)
            .limit(limit)
        )
        return [ItemRow(**row._mapping) for row in rows]

    async def hold(self, item_id: int, due_at: datetime, sealed: str) -> None:
        """Keep an anonymous item, sealed whole, until the batch at `due_at`."""
        await self._conn.execute(
            insert(schema.item_hold).values(id=item_id, due_at=due_at, sealed=sealed)
        )

    @off_loop
    async def held(
        self, due_by: datetime | None = None, *, claim: bool = False
    ) -> list[tuple[int, str]]:
        """Held items (all, or those due by `due_by`): their ids and sealed values. With
        `claim`, on PostgreSQL, rows another replica is releasing are skipped."""
        h = schema.item_hold
        query = select(h.c.id, h.c.sealed)
        if due_by is not None:
            query = query.where(h.c.due_at <= due_by)
        if claim:
            query = query.with_for_update(skip_locked=True)
        rows = await self._conn.execute(query.order_by(h.c.id))
        return [(row.id, row.sealed) for row in rows]

    async def drop_held(self, *item_ids: int) -> int:
        """Forget held items (released into `item`, or withdrawn); how many."""
        h = schema.item_hold
        result = await self._conn.execute(delete(h).where(h.c.id.in_(item_ids)))
        return int(result.rowcount or 0)

    @off_loop
    async def quotable_outcomes(
        self, group_id: int, today: date, limit: int
    ) -> list[OutcomeEntry]:
        """The group's latest outcomes whose items' words may be quoted today: not withdrawn,
        with words, their author's consent to quote, not past its last day; newest first."""
        e, i, p = schema.item_event, schema.item, schema.person
        rows = await self._conn.execute(
            select(
                e.c.at,
                e.c.outcome,
                e.c.text,
                e.c.due_on,
                i.c.body,
                i.c.consent,
                p.c.display_name.label("author_name"),
                i.c.given_on,
                i.c.id.label("item_id"),
                i.c.quote_until,
            )
            .select_from(e.join(i, i.c.id == e.c.item_id).outerjoin(p, p.c.id == i.c.person_id))
            .where(*self._outcomes_of(group_id), self._quotable(today))
            .order_by(e.c.at.desc(), e.c.id.desc())
            .limit(limit)
        )
        return [OutcomeEntry(**row._mapping) for row in rows]

    @off_loop
    async def unquotable_outcomes(self, group_id: int, today: date) -> int:
        """How many of the group's outcomes are on items whose words may not be quoted today
        (withdrawn items never count)."""
        e, i = schema.item_event, schema.item
        row = await self._conn.execute(
            select(func.count())
            .select_from(e.join(i, i.c.id == e.c.item_id))
            .where(*self._outcomes_of(group_id), not_(self._quotable(today)))
        )
        return int(row.scalar_one())

    @staticmethod
    def _outcomes_of(group_id: int) -> tuple[ColumnElement[bool], ...]:
        e, i = schema.item_event, schema.item
        return (e.c.kind == "outcome", i.c.group_id == group_id, i.c.withdrawn_on.is_(None))

    @staticmethod
    def _quotable(today: date) -> ColumnElement[bool]:
        i = schema.item
        return and_(
            i.c.consent.in_(QUOTABLE),
            i.c.body.is_not(None),
            or_(i.c.quote_until.is_(None), i.c.quote_until >= today),
        )

    @staticmethod
    def _authored(person_id: int, pseudonym: str) -> ColumnElement[bool]:
        i = schema.item
        return or_(i.c.person_id == person_id, i.c.pseudonym == pseudonym)


@dataclass(frozen=True)
class PromptRow:
    """A question or scenario posted to a group."""

    id: int
    group_id: int
    text: str
    created_by: int | None
    created_at: datetime
    ends_on: date | None


class PromptsRepo:
    """Prompts coordinators post to their groups."""

    def __init__(self, conn: Executor) -> None:
        self._conn = conn

    async def create(
        self, group_id: int, text: str, created_by: int, now: datetime, ends_on: date | None
    ) -> PromptRow:
        """Store a new prompt."""
        result = await self._conn.execute(
            insert(schema.prompt)
            .values(
                group_id=group_id,
                text=text,
                created_by=created_by,
                created_at=now,
                ends_on=ends_on,
            )
            .returning(*schema.prompt.c)
        )
        return PromptRow(**result.one()._mapping)

    async def get(self, prompt_id: int) -> PromptRow | None:
        """The prompt with this id, if any."""
        p = schema.prompt
        row = (await self._conn.execute(select(p).where(p.c.id == prompt_id))).first()
        return PromptRow(**row._mapping) if row else None

    async def open_in_group(self, group_id: int, today: date, limit: int) -> list[PromptRow]:
        """A group's prompts still taking answers, newest first."""
        p = schema.prompt
        rows = await self._conn.execute(
            select(p)
            .where(p.c.group_id == group_id, or_(p.c.ends_on.is_(None), p.c.ends_on >= today))
            .order_by(p.c.created_at.desc(), p.c.id.desc())
            .limit(limit)
        )
        return [PromptRow(**row._mapping) for row in rows]


@dataclass(frozen=True)
class ReaderRow:
    """An observer or a safeguarding lead, as an admin sees them."""

    person_id: int
    display_name: str | None
    chat_id: int


@dataclass(frozen=True)
class ObserverLinkRow:
    """A one-time link that makes whoever opens it an observer of one group."""

    code: str
    group_id: int
    expires_at: datetime
    used_at: datetime | None


class ObserversRepo:
    """Who may read which group's input without taking part, and the links that make them."""

    def __init__(self, conn: Executor) -> None:
        self._conn = conn

    async def add(self, group_id: int, person_id: int, now: datetime) -> bool:
        """Make the person an observer of the group; False if they already were."""
        result = await self._conn.execute(
            dialect_insert(self._conn, schema.group_observer)
            .values(group_id=group_id, person_id=person_id, added_at=now)
            .on_conflict_do_nothing()
        )
        return bool(result.rowcount)

    async def remove(self, group_id: int, person_id: int) -> bool:
        """Stop the person observing the group; False if they did not."""
        o = schema.group_observer
        result = await self._conn.execute(
            delete(o).where(o.c.group_id == group_id, o.c.person_id == person_id)
        )
        return bool(result.rowcount)

    async def is_observer(self, group_id: int, person_id: int) -> bool:
        """True if the person observes the group."""
        o = schema.group_observer
        row = await self._conn.execute(
            select(o.c.group_id).where(o.c.group_id == group_id, o.c.person_id == person_id)
        )
        return row.first() is not None

    async def group_ids_of(self, person_id: int) -> list[int]:
        """The groups the person observes."""
        o = schema.group_observer
        rows = await self._conn.execute(
            select(o.c.group_id).where(o.c.person_id == person_id).order_by(o.c.group_id)
        )
        return list(rows.scalars())

    @off_loop
    async def of_group(self, group_id: int) -> list[ReaderRow]:
        """The group's observers, in the order they were added."""
        o, p = schema.group_observer, schema.person
        rows = await self._conn.execute(
            select(p.c.id.label("person_id"), p.c.display_name, p.c.chat_id)
            .join(o, o.c.person_id == p.c.id)
            .where(o.c.group_id == group_id)
            .order_by(o.c.added_at, p.c.id)
        )
        return [ReaderRow(**row._mapping) for row in rows]

    async def coordinator_ids(self, group_id: int) -> list[int]:
        """The person ids of the group's coordinators (told when a used item is withdrawn)."""
        gc = schema.group_coordinator
        rows = await self._conn.execute(
            select(gc.c.person_id).where(gc.c.group_id == group_id).order_by(gc.c.person_id)
        )
        return list(rows.scalars())

    async def create_link(
        self, code: str, group_id: int, now: datetime, expires_at: datetime
    ) -> None:
        """Store a new observer link."""
        await self._conn.execute(
            insert(schema.observer_link).values(
                code=code, group_id=group_id, created_at=now, expires_at=expires_at
            )
        )

    async def get_link(self, code: str) -> ObserverLinkRow | None:
        """The observer link with this code, if any."""
        link = schema.observer_link
        row = (
            await self._conn.execute(
                select(link.c.code, link.c.group_id, link.c.expires_at, link.c.used_at).where(
                    link.c.code == code
                )
            )
        ).first()
        return ObserverLinkRow(**row._mapping) if row else None

    async def use_link(self, code: str, now: datetime) -> bool:
        """Mark the link used; False if it was already used."""
        link = schema.observer_link
        result = await self._conn.execute(
            update(link).where(link.c.code == code, link.c.used_at.is_(None)).values(used_at=now)
        )
        return bool(result.rowcount)


class LeadsRepo:
    """Safeguarding leads: the coordinators who receive risk alerts."""

    def __init__(self, conn: Executor) -> None:
        self._conn = conn

    async def mark(self, person_id: int, lead: bool, now: datetime) -> None:
        """Mark or unmark the person as a safeguarding lead."""
        s = schema.safeguarding_lead
        if not lead:
            await self._conn.execute(delete(s).where(s.c.person_id == person_id))
            return
        upsert = dialect_insert(self._conn, s).values(person_id=person_id, added_at=now)
        await self._conn.execute(
            upsert.on_conflict_do_update(
                index_elements=[s.c.person_id], set_={"added_at": upsert.excluded.added_at}
            )
        )

    @off_loop
    async def all(self) -> list[ReaderRow]:
        """Every safeguarding lead who is still a coordinator."""
        s, p = schema.safeguarding_lead, schema.person
        rows = await self._conn.execute(
            select(p.c.id.label("person_id"), p.c.display_name, p.c.chat_id)
            .join(s, s.c.person_id == p.c.id)
            .where(p.c.is_coordinator.is_(True))
            .order_by(p.c.id)
        )
        return [ReaderRow(**row._mapping) for row in rows]

    @off_loop
    async def reachable(self) -> list[ReaderRow]:
        """Every lead who is still a coordinator and has not blocked the bot."""
        s, p = schema.safeguarding_lead, schema.person
        rows = await self._conn.execute(
            select(p.c.id.label("person_id"), p.c.display_name, p.c.chat_id)
            .join(s, s.c.person_id == p.c.id)
            .where(p.c.is_coordinator.is_(True), p.c.unreachable_at.is_(None))
            .order_by(p.c.id)
        )
        return [ReaderRow(**row._mapping) for row in rows]

    @off_loop
    async def ids(self) -> frozenset[int]:
        """The person ids of every lead (coordinator or not)."""
        rows = await self._conn.execute(select(schema.safeguarding_lead.c.person_id))
        return frozenset(rows.scalars())


@dataclass(frozen=True)
class RiskAlertRow:
    """Words that matched the safeguarding phrases, and where following them up stands."""

    id: str
    group_id: int | None
    pseudonym: str
    words: str | None
    state: str
    ask_until: datetime
    raised_at: datetime | None = None
    answer: str | None = None
    identity: str | None = None
    reason: str | None = None
    told_at: datetime | None = None
    check_at: datetime | None = None
    escalated_at: datetime | None = None
    owner_id: int | None = None
    taken_at: datetime | None = None
    closed_at: datetime | None = None
    note: str | None = None
    # The writer's chat id, sealed: how a lead writes to them without learning who they are.
    return_address: str | None = None
    # A keyed digest of the item its words went into, if any, and when that item was taken
    # back (its words are then gone from the alert, which stays).
    item_key: str | None = None
    withdrawn_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        """True until a lead closes it."""
        return self.closed_at is None


class RiskAlertsRepo:
    """Risk alerts: waiting for the writer's answer, then open until a lead closes them."""

    def __init__(self, conn: Executor) -> None:
        self._conn = conn

    async def create(
        self,
        alert_id: str,
        group_id: int | None,
        pseudonym: str,
        words: str,
        ask_until: datetime,
        *,
        raised_at: datetime | None = None,
        reason: str | None = None,
        return_address: str | None = None,
    ) -> None:
        """Store a new alert, asked; `words` and `reason` sealed already."""
        await self._conn.execute(
            insert(schema.risk_alert).values(
                id=alert_id,
                group_id=group_id,
                pseudonym=pseudonym,
                words=words,
                state="asked",
                ask_until=ask_until,
                raised_at=raised_at,
                reason=reason,
                return_address=return_address,
            )
        )

    async def get(self, alert_id: str) -> RiskAlertRow | None:
        """The alert with this id, if any."""
        r = schema.risk_alert
        row = (await self._conn.execute(select(r).where(r.c.id == alert_id))).first()
        return RiskAlertRow(**row._mapping) if row else None

    async def settle(self, alert_id: str, state: str) -> bool:
        """Leave the asked state for `state`; False if it had already left it."""
        r = schema.risk_alert
        result = await self._conn.execute(
            update(r).where(r.c.id == alert_id, r.c.state == "asked").values(state=state)
        )
        return bool(result.rowcount)

    async def record_answer(self, alert_id: str, answer: str, identity: str | None) -> bool:
        """Keep the writer's answer (and, after a yes, who they are, sealed); False if the
        alert is closed."""
        r = schema.risk_alert
        values: dict[str, object] = {"answer": answer}
        if identity is not None:
            values["identity"] = identity
        result = await self._conn.execute(
            update(r).where(r.c.id == alert_id, r.c.closed_at.is_(None)).values(**values)
        )
        return bool(result.rowcount)

    async def told(self, alert_id: str, now: datetime, check_at: datetime | None) -> None:
        """The leads (or admins) were told; look again at `check_at` if no one takes it."""
        r = schema.risk_alert
        await self._conn.execute(
            update(r)
            .where(r.c.id == alert_id)
            .values(told_at=func.coalesce(r.c.told_at, now), check_at=check_at)
        )

    async def check_again(
        self, alert_id: str, check_at: datetime | None, escalated_at: datetime | None = None
    ) -> None:
        """When the tick should look at the alert next (None: not unless asked)."""
        r = schema.risk_alert
        values: dict[str, object] = {"check_at": check_at}
        if escalated_at is not None:
            values["escalated_at"] = escalated_at
        await self._conn.execute(update(r).where(r.c.id == alert_id).values(**values))

    async def unanswered(self, now: datetime, limit: int) -> list[RiskAlertRow]:
        """Alerts whose time to answer has passed."""
        r = schema.risk_alert
        rows = await self._conn.execute(
            select(r)
            .where(r.c.state == "asked", r.c.ask_until <= now)
            .order_by(r.c.ask_until)
            .limit(limit)
        )
        return [RiskAlertRow(**row._mapping) for row in rows]

    async def due_checks(self, now: datetime, limit: int) -> list[RiskAlertRow]:
        """Open alerts no one has taken whose time to look again has come."""
        r = schema.risk_alert
        rows = await self._conn.execute(
            select(r)
            .where(
                r.c.check_at <= now,
                r.c.closed_at.is_(None),
                r.c.owner_id.is_(None),
                r.c.state != "asked",
            )
            .order_by(r.c.check_at)
            .limit(limit)
        )
        return [RiskAlertRow(**row._mapping) for row in rows]

    async def take(self, alert_id: str, owner_id: int, now: datetime) -> bool:
        """Make `owner_id` the alert's owner; False if it is taken, closed or not yet told."""
        r = schema.risk_alert
        result = await self._conn.execute(
            update(r)
            .where(
                r.c.id == alert_id,
                r.c.owner_id.is_(None),
                r.c.closed_at.is_(None),
                r.c.state != "asked",
            )
            .values(owner_id=owner_id, taken_at=now, check_at=None)
        )
        return bool(result.rowcount)

    async def close(self, alert_id: str, owner_id: int, note: str, now: datetime) -> bool:
        """Close the owner's alert with a note (sealed); the words and who it was are
        erased. False if it is not theirs or already closed."""
        r = schema.risk_alert
        result = await self._conn.execute(
            update(r)
            .where(r.c.id == alert_id, r.c.owner_id == owner_id, r.c.closed_at.is_(None))
            .values(
                state="closed",
                closed_at=now,
                note=note,
                words=None,
                reason=None,
                identity=None,
                check_at=None,
            )
        )
        return bool(result.rowcount)

    async def open(self, limit: int, told_before: datetime) -> list[RiskAlertRow]:
        """Alerts the leads were told of before `told_before` and no one has closed, oldest
        first."""
        r = schema.risk_alert
        rows = await self._conn.execute(
            select(r)
            .where(r.c.closed_at.is_(None), r.c.state != "asked", r.c.told_at < told_before)
            .order_by(r.c.ask_until)
            .limit(limit)
        )
        return [RiskAlertRow(**row._mapping) for row in rows]
