"""The items repository: input at arm's length, what members shared.

Words arrive here already sealed (bot/crypto.py); nothing in this module sees them in
plain text. The caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, delete, func, insert, not_, or_, select, update

from storage import schema
from storage.types import Executor, off_loop

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
    async def cancel_contributor_updates(self, return_address: str) -> int:
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


# Prompts, readers and risk alerts have their own modules now; their names are still found
# here for code written before they moved.
from storage.prompts import PromptRow, PromptsRepo  # noqa: E402
from storage.readers import LeadsRepo, ObserverLinkRow, ObserversRepo, ReaderRow  # noqa: E402
from storage.risk_alerts import RiskAlertRow, RiskAlertsRepo  # noqa: E402

__all__ = [
    "QUOTABLE",
    "USED_STATUSES",
    "ItemNew",
    "ItemRow",
    "ItemsRepo",
    "LeadsRepo",
    "ObserverLinkRow",
    "ObserversRepo",
    "OutcomeEntry",
    "PromptRow",
    "PromptsRepo",
    "ReaderRow",
    "RiskAlertRow",
    "RiskAlertsRepo",
]
