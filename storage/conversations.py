"""Repository for conversations: a coordinator's reply to an item or a lead writing to the
person of a risk alert, and the member's answers. Words arrive sealed. The caller owns the
transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, insert, or_, select, update

from storage import schema
from storage.types import Executor


@dataclass(frozen=True)
class ConversationRow:
    """A conversation. For alerts, `return_address` is the sealed way back to the person."""

    id: str
    kind: str
    item_id: int | None
    alert_id: str | None
    person_id: int | None
    pseudonym: str | None
    return_address: str | None
    staff_id: int | None
    state: str
    closed_by: str | None
    opened_at: datetime
    closed_at: datetime | None

    @property
    def is_open(self) -> bool:
        """True until either side ends it."""
        return self.state == "open"


@dataclass(frozen=True)
class ConversationMessageRow:
    """One message of a conversation, its words sealed."""

    id: int
    conversation_id: str
    direction: str
    text: str
    by_person: int | None
    at: datetime


@dataclass(frozen=True)
class ConversationNew:
    """A conversation to start."""

    id: str
    kind: str
    opened_at: datetime
    item_id: int | None = None
    alert_id: str | None = None
    person_id: int | None = None
    pseudonym: str | None = None
    return_address: str | None = None
    staff_id: int | None = None


class ConversationsRepo:
    """Conversations and their messages."""

    def __init__(self, conn: Executor) -> None:
        self._conn = conn

    async def add(self, new: ConversationNew) -> None:
        """Start a conversation, open."""
        await self._conn.execute(
            insert(schema.conversation).values(
                id=new.id,
                kind=new.kind,
                item_id=new.item_id,
                alert_id=new.alert_id,
                person_id=new.person_id,
                pseudonym=new.pseudonym,
                return_address=new.return_address,
                staff_id=new.staff_id,
                state="open",
                opened_at=new.opened_at,
            )
        )

    async def get(self, conversation_id: str) -> ConversationRow | None:
        """The conversation with this id, if any."""
        c = schema.conversation
        row = (await self._conn.execute(select(c).where(c.c.id == conversation_id))).first()
        return ConversationRow(**row._mapping) if row else None

    async def latest_of_item(self, item_id: int) -> ConversationRow | None:
        """The item's conversation, open or not (the newest, if there were several)."""
        return await self._latest(schema.conversation.c.item_id == item_id)

    async def latest_of_alert(self, alert_id: str) -> ConversationRow | None:
        """The alert's conversation, open or not (the newest, if there were several)."""
        return await self._latest(schema.conversation.c.alert_id == alert_id)

    async def _latest(self, condition: ColumnElement[bool]) -> ConversationRow | None:
        c = schema.conversation
        row = (
            await self._conn.execute(
                select(c).where(condition).order_by(c.c.opened_at.desc()).limit(1)
            )
        ).first()
        return ConversationRow(**row._mapping) if row else None

    async def open_of_member(
        self, person_id: int | None, pseudonyms: Sequence[str], limit: int
    ) -> list[ConversationRow]:
        """A member's open conversations (named, or under one of their pseudonyms), newest
        first."""
        c = schema.conversation
        mine: ColumnElement[bool] = c.c.pseudonym.in_(list(pseudonyms))
        if person_id is not None:
            mine = or_(mine, c.c.person_id == person_id)
        rows = await self._conn.execute(
            select(c)
            .where(and_(mine, c.c.state == "open"))
            .order_by(c.c.opened_at.desc())
            .limit(limit)
        )
        return [ConversationRow(**row._mapping) for row in rows]

    async def reopen(self, conversation_id: str, staff_id: int | None) -> None:
        """Open the conversation again (a coordinator or lead wrote again)."""
        c = schema.conversation
        values: dict[str, object] = {"state": "open", "closed_by": None, "closed_at": None}
        if staff_id is not None:
            values["staff_id"] = staff_id
        await self._conn.execute(update(c).where(c.c.id == conversation_id).values(**values))

    async def close(self, conversation_id: str, by: str, now: datetime) -> bool:
        """End the conversation; False if it was already ended."""
        c = schema.conversation
        result = await self._conn.execute(
            update(c)
            .where(c.c.id == conversation_id, c.c.state == "open")
            .values(state="closed", closed_by=by, closed_at=now)
        )
        return bool(result.rowcount)

    async def open_ids(self, conversation_ids: Sequence[str]) -> frozenset[str]:
        """Which of these conversations are still open."""
        if not conversation_ids:
            return frozenset()
        c = schema.conversation
        rows = await self._conn.execute(
            select(c.c.id).where(c.c.id.in_(list(conversation_ids)), c.c.state == "open")
        )
        return frozenset(rows.scalars())

    async def add_message(
        self,
        conversation_id: str,
        direction: str,
        text: str,
        by_person: int | None,
        now: datetime,
    ) -> int:
        """Keep one message (sealed words); its id."""
        m = schema.conversation_message
        result = await self._conn.execute(
            insert(m)
            .values(
                conversation_id=conversation_id,
                direction=direction,
                text=text,
                by_person=by_person,
                at=now,
            )
            .returning(m.c.id)
        )
        return int(result.scalar_one())

    async def messages(self, conversation_id: str, limit: int) -> list[ConversationMessageRow]:
        """The latest `limit` messages of a conversation, oldest first."""
        m = schema.conversation_message
        rows = await self._conn.execute(
            select(m)
            .where(m.c.conversation_id == conversation_id)
            .order_by(m.c.id.desc())
            .limit(limit)
        )
        found = [ConversationMessageRow(**row._mapping) for row in rows]
        found.reverse()
        return found

    async def forget_item(self, item_id: int) -> int:
        """Erase the conversations about an item (it was taken back); how many."""
        c, m = schema.conversation, schema.conversation_message
        ids = select(c.c.id).where(c.c.item_id == item_id).scalar_subquery()
        await self._conn.execute(delete(m).where(m.c.conversation_id.in_(ids)))
        result = await self._conn.execute(delete(c).where(c.c.item_id == item_id))
        return int(result.rowcount or 0)
