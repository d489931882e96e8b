"""Copies of items' words that Chorus queued or sent, and the erasing of them.

The chat of a sent copy arrives here sealed, with a keyed digest of chat and message, so
nothing here names whose chat it was. The caller owns the transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, insert, or_, select, update

from storage import schema
from storage.types import Executor

# What an erased outbox row holds instead of its sealed words.
ERASED_PAYLOAD = json.dumps({"text": "", "buttons": []})


@dataclass(frozen=True)
class CopyRow:
    """One copy of an item's words: queued (`outbox_id`) and/or in a chat (`message_id`)."""

    id: int
    item_id: int
    outbox_id: int | None
    chat: str | None
    message_id: int | None
    message_key: str | None
    shape: str
    place: str
    shown_on: date


@dataclass(frozen=True)
class SentMessage:
    """A message now in a chat: the chat sealed, the message id, and their keyed digest."""

    chat: str
    message_id: int
    message_key: str


class CopiesRepo:
    """Where each item's words went."""

    def __init__(self, conn: Executor) -> None:
        self._conn = conn

    async def queued(
        self, item_ids: Sequence[int], dedupe_keys: Sequence[str], shape: str, place: str, on: date
    ) -> int:
        """Note that the outbox rows with these keys carry these items' words; how many
        copies were noted (rows already noted are not noted twice)."""
        if not item_ids or not dedupe_keys:
            return 0
        o, c = schema.outbox, schema.item_copy
        outbox_ids = list(
            (await self._conn.execute(select(o.c.id).where(o.c.dedupe_key.in_(dedupe_keys))))
            .scalars()
            .all()
        )
        if not outbox_ids:
            return 0
        known = {
            (row.item_id, row.outbox_id)
            for row in await self._conn.execute(
                select(c.c.item_id, c.c.outbox_id).where(c.c.outbox_id.in_(outbox_ids))
            )
        }
        fresh = [
            {"item_id": i, "outbox_id": o_id, "shape": shape, "place": place, "shown_on": on}
            for i in dict.fromkeys(item_ids)
            for o_id in outbox_ids
            if (i, o_id) not in known
        ]
        if fresh:
            await self._conn.execute(insert(c), fresh)
        return len(fresh)

    async def delivered(self, outbox_id: int, messages: Sequence[SentMessage]) -> None:
        """The outbox row's message(s) reached a chat: its copies now point at them."""
        c = schema.item_copy
        rows = (await self._conn.execute(select(c).where(c.c.outbox_id == outbox_id))).all()
        if not rows or not messages:
            return
        await self._conn.execute(delete(c).where(c.c.outbox_id == outbox_id))
        await self._conn.execute(
            insert(c),
            [
                {
                    "item_id": row.item_id,
                    "outbox_id": outbox_id,
                    "chat": message.chat,
                    "message_id": message.message_id,
                    "message_key": message.message_key,
                    "shape": row.shape,
                    "place": row.place,
                    "shown_on": row.shown_on,
                }
                for row in rows
                for message in messages
            ],
        )

    async def shown(
        self, item_ids: Sequence[int], message: SentMessage, shape: str, place: str, on: date
    ) -> None:
        """A message sent or edited in a chat now shows these items (and nothing it showed
        before: an edited message no longer shows the items it did)."""
        c, i = schema.item_copy, schema.item
        await self._conn.execute(delete(c).where(c.c.message_key == message.message_key))
        if item_ids:
            # Items still held for the daily batch are not stored yet: nothing to point at.
            found = await self._conn.execute(select(i.c.id).where(i.c.id.in_(list(item_ids))))
            stored = set(found.scalars())
            item_ids = [item_id for item_id in item_ids if item_id in stored]
        if not item_ids:
            return
        await self._conn.execute(
            insert(c),
            [
                {
                    "item_id": item_id,
                    "chat": message.chat,
                    "message_id": message.message_id,
                    "message_key": message.message_key,
                    "shape": shape,
                    "place": place,
                    "shown_on": on,
                }
                for item_id in dict.fromkeys(item_ids)
            ],
        )

    async def of_item(self, item_id: int) -> list[CopyRow]:
        """Every copy of one item's words, oldest first."""
        c = schema.item_copy
        rows = await self._conn.execute(select(c).where(c.c.item_id == item_id).order_by(c.c.id))
        return [CopyRow(**row._mapping) for row in rows]

    async def forget_item(self, item_id: int, keep_outbox: Sequence[int] = ()) -> int:
        """Forget where one item's words went (they are erased or edited away), except the
        copies in the outbox rows `keep_outbox` (being sent right now); how many."""
        c = schema.item_copy
        query = delete(c).where(c.c.item_id == item_id)
        if keep_outbox:
            query = query.where(
                or_(c.c.outbox_id.is_(None), c.c.outbox_id.not_in(list(keep_outbox)))
            )
        result = await self._conn.execute(query)
        return int(result.rowcount or 0)

    async def of_items(self, item_ids: Sequence[int]) -> list[CopyRow]:
        """Every copy of these items' words, oldest first."""
        c = schema.item_copy
        rows = await self._conn.execute(
            select(c).where(c.c.item_id.in_(list(item_ids))).order_by(c.c.id)
        )
        return [CopyRow(**row._mapping) for row in rows]

    async def forget_items(self, item_ids: Sequence[int], keep_outbox: Sequence[int]) -> None:
        """`forget_item` for many items at once."""
        c = schema.item_copy
        query = delete(c).where(c.c.item_id.in_(list(item_ids)))
        if keep_outbox:
            query = query.where(
                or_(c.c.outbox_id.is_(None), c.c.outbox_id.not_in(list(keep_outbox)))
            )
        await self._conn.execute(query)

    async def being_sent(self, outbox_ids: Sequence[int]) -> list[int]:
        """Those of these outbox rows claimed and being sent at this moment."""
        if not outbox_ids:
            return []
        o = schema.outbox
        rows = await self._conn.execute(
            select(o.c.id).where(o.c.id.in_(list(outbox_ids)), o.c.state == "sending")
        )
        return sorted(rows.scalars())

    async def taken_back_in(self, outbox_id: int) -> list[CopyRow]:
        """Copies in a just-sent outbox row whose item was taken back while it was sent."""
        c, i = schema.item_copy, schema.item
        rows = await self._conn.execute(
            select(c)
            .join(i, i.c.id == c.c.item_id)
            .where(c.c.outbox_id == outbox_id, i.c.withdrawn_on.is_not(None))
            .order_by(c.c.id)
        )
        return [CopyRow(**row._mapping) for row in rows]

    async def forget(self, copy_ids: Sequence[int]) -> None:
        """Forget these copies."""
        if copy_ids:
            c = schema.item_copy
            await self._conn.execute(delete(c).where(c.c.id.in_(list(copy_ids))))

    async def forget_queued(self, item_id: int) -> int:
        """Forget which outbox rows carried one item's words (their link to people)."""
        c = schema.item_copy
        result = await self._conn.execute(
            update(c).where(c.c.item_id == item_id).values(outbox_id=None)
        )
        await self._conn.execute(
            delete(c).where(c.c.item_id == item_id, c.c.message_key.is_(None))
        )
        return int(result.rowcount or 0)

    async def erase_outbox(self, outbox_ids: Sequence[int]) -> int:
        """Erase the sealed words of these outbox rows; those not yet sent never will be.
        How many rows were erased."""
        if not outbox_ids:
            return 0
        o = schema.outbox
        ids = list(outbox_ids)
        await self._conn.execute(
            update(o)
            .where(o.c.id.in_(ids), o.c.state == "pending")
            .values(state="cancelled", last_error="item withdrawn")
        )
        result = await self._conn.execute(
            update(o).where(o.c.id.in_(ids)).values(payload=ERASED_PAYLOAD)
        )
        return int(result.rowcount or 0)

    async def erase_contributor_updates(self, item_id: int) -> int:
        """Erase the sealed words of every update about an item, sent or not; how many."""
        cu = schema.contributor_update
        result = await self._conn.execute(
            update(cu).where(cu.c.item_id == item_id).values(text="")
        )
        return int(result.rowcount or 0)


@dataclass(frozen=True)
class AlertCopyRow:
    """One message that told a lead of an alert: queued (`outbox_id`) and/or in a chat."""

    id: int
    alert_id: str
    outbox_id: int | None
    chat: str | None
    message_id: int | None


class AlertCopiesRepo:
    """The alerts an item's words raised, and the messages that quoted them to the leads."""

    def __init__(self, conn: Executor) -> None:
        self._conn = conn

    async def link(self, alert_id: str, item_key: str) -> bool:
        """The alert's words went into the item with this keyed digest; False if no alert."""
        a = schema.risk_alert
        result = await self._conn.execute(
            update(a).where(a.c.id == alert_id).values(item_key=item_key)
        )
        return bool(result.rowcount)

    async def of_item(self, item_key: str) -> list[str]:
        """The ids of the alerts whose words went into the item, not yet taken back."""
        a = schema.risk_alert
        rows = await self._conn.execute(
            select(a.c.id)
            .where(a.c.item_key == item_key, a.c.withdrawn_at.is_(None))
            .order_by(a.c.id)
        )
        return list(rows.scalars())

    async def raised(self, item_keys: Sequence[str]) -> list[str]:
        """Those of these items' keyed digests that alerts not yet taken back carry."""
        a = schema.risk_alert
        rows = await self._conn.execute(
            select(a.c.item_key)
            .where(a.c.item_key.in_(list(item_keys)), a.c.withdrawn_at.is_(None))
            .distinct()
        )
        return [key for key in rows.scalars() if key is not None]

    async def withdraw(self, alert_id: str, reason: str | None, now: datetime) -> bool:
        """The alert's words were taken back: erased, with `reason` (sealed, without the
        words that matched) in place of the detector's; the alert itself stays."""
        a = schema.risk_alert
        result = await self._conn.execute(
            update(a)
            .where(a.c.id == alert_id, a.c.withdrawn_at.is_(None))
            .values(words=None, reason=reason, withdrawn_at=now)
        )
        return bool(result.rowcount)

    async def queued(self, alert_id: str, dedupe_keys: Sequence[str]) -> int:
        """Note that the outbox rows with these keys quote the alert's words; how many."""
        if not dedupe_keys:
            return 0
        o, c = schema.outbox, schema.alert_copy
        found = await self._conn.execute(select(o.c.id).where(o.c.dedupe_key.in_(dedupe_keys)))
        outbox_ids = list(found.scalars())
        known = await self._conn.execute(
            select(c.c.outbox_id).where(c.c.alert_id == alert_id, c.c.outbox_id.in_(outbox_ids))
        )
        fresh = sorted(set(outbox_ids) - set(known.scalars()))
        if fresh:
            await self._conn.execute(
                insert(c), [{"alert_id": alert_id, "outbox_id": o_id} for o_id in fresh]
            )
        return len(fresh)

    async def delivered(self, outbox_id: int, messages: Sequence[SentMessage]) -> None:
        """The outbox row's message(s) reached a lead's chat: its copies point at them."""
        c = schema.alert_copy
        rows = (await self._conn.execute(select(c).where(c.c.outbox_id == outbox_id))).all()
        if not rows or not messages:
            return
        await self._conn.execute(delete(c).where(c.c.outbox_id == outbox_id))
        await self._conn.execute(
            insert(c),
            [
                {
                    "alert_id": row.alert_id,
                    "outbox_id": outbox_id,
                    "chat": message.chat,
                    "message_id": message.message_id,
                }
                for row in rows
                for message in messages
            ],
        )

    async def of_alert(self, alert_id: str) -> list[AlertCopyRow]:
        """Every message that quoted the alert's words, oldest first."""
        c = schema.alert_copy
        rows = await self._conn.execute(select(c).where(c.c.alert_id == alert_id).order_by(c.c.id))
        return [AlertCopyRow(**row._mapping) for row in rows]

    async def rewrite_outbox(self, outbox_ids: Sequence[int], pending: str) -> int:
        """The queued rows among these now carry `pending` (the alert without its words);
        those already sent are erased. How many rows changed."""
        if not outbox_ids:
            return 0
        o, ids = schema.outbox, list(outbox_ids)
        waiting = await self._conn.execute(
            update(o).where(o.c.id.in_(ids), o.c.state == "pending").values(payload=pending)
        )
        gone = await self._conn.execute(
            update(o)
            .where(o.c.id.in_(ids), o.c.state.not_in(("pending", "sending")))
            .values(payload=ERASED_PAYLOAD)
        )
        return int(waiting.rowcount or 0) + int(gone.rowcount or 0)

    async def forget(self, alert_id: str, keep_outbox: Sequence[int] = ()) -> None:
        """Forget where the alert's words went (they are edited away), except the copies in
        the outbox rows `keep_outbox` (being sent right now)."""
        c = schema.alert_copy
        query = delete(c).where(c.c.alert_id == alert_id)
        if keep_outbox:
            query = query.where(
                or_(c.c.outbox_id.is_(None), c.c.outbox_id.not_in(list(keep_outbox)))
            )
        await self._conn.execute(query)

    async def taken_back_in(self, outbox_id: int) -> list[AlertCopyRow]:
        """Copies in a just-sent outbox row whose alert lost its words while it was sent."""
        c, a = schema.alert_copy, schema.risk_alert
        rows = await self._conn.execute(
            select(c)
            .join(a, a.c.id == c.c.alert_id)
            .where(c.c.outbox_id == outbox_id, a.c.withdrawn_at.is_not(None))
            .order_by(c.c.id)
        )
        return [AlertCopyRow(**row._mapping) for row in rows]

    async def erase_payload(self, outbox_id: int) -> None:
        """Erase the sealed words of one outbox row, whatever its state."""
        o = schema.outbox
        await self._conn.execute(
            update(o).where(o.c.id == outbox_id).values(payload=ERASED_PAYLOAD)
        )

    async def forget_copies(self, copy_ids: Sequence[int]) -> None:
        """Forget these copies."""
        if copy_ids:
            c = schema.alert_copy
            await self._conn.execute(delete(c).where(c.c.id.in_(list(copy_ids))))
