"""The outbox: messages queued to send, claimed and sent by the delivery worker."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import Row, Select, func, select, update

from storage import schema
from storage.replicas import Claimer
from storage.sql import insert_ignoring_duplicates
from storage.types import Executor, off_loop


@dataclass(frozen=True)
class OutboxNew:
    """A message to queue, to a member (`person_id`) or to the sealed `return_address` of an
    anonymous contributor; exactly one of the two is set."""

    dedupe_key: str
    kind: str
    person_id: int | None
    payload: str
    due_at: datetime
    urgent: bool = False
    broadcast_id: int | None = None
    return_address: str | None = None

    def __post_init__(self) -> None:
        if (self.person_id is None) == (self.return_address is None):
            raise ValueError("an outbox row goes to a person or to a return address")


@dataclass(frozen=True)
class OutboxJob:
    """A queued message claimed for sending, with what is needed to send it."""

    id: int
    kind: str
    payload: str
    urgent: bool
    attempts: int
    parts_sent: int
    broadcast_id: int | None
    person_id: int | None
    chat_id: int | None
    paused: bool
    unreachable: bool
    quiet_hours: str | None
    # For an anonymous contributor: their sealed chat id (person_id and chat_id are None).
    return_address: str | None = None
    # The recipient's language and easy-read setting, the message worded in them when sent.
    language: str | None = None
    easy_read: bool = False


# Rows written by one statement of a bulk write.
PART_ROWS = 500


class OutboxRepo:
    """Messages waiting to be sent, and what became of them.

    With a `claimer` (replicas) a message being sent is claimed by this replica until its
    lease runs out; a claim whose lease ran out is taken over by the next replica to claim,
    and what this replica records of a message it no longer holds changes nothing.
    """

    def __init__(self, conn: Executor, claimer: Claimer | None = None) -> None:
        self._conn = conn
        self._claimer = claimer

    def _mine(self) -> Any:
        """The condition that a "sending" row is this replica's to record."""
        o = schema.outbox
        if self._claimer is None:
            return o.c.state == "sending"
        return (o.c.state == "sending") & (o.c.claimed_by == self._claimer.replica)

    @off_loop
    async def enqueue(self, rows: Iterable[OutboxNew], now: datetime) -> None:
        """Queue messages; one whose dedupe key is already queued is left as it was.

        `rows` may be a generator: on an SQLite file it is run here, on the worker thread,
        so a caller queueing a message for each of thousands of members makes them off the
        event loop. Written in parts: between them, the worker thread lets the event loop
        have the interpreter (SQLAlchemy readies a statement's rows without letting it go)."""
        them = iter(rows)
        while part := list(islice(them, PART_ROWS)):
            await self._conn.execute(
                insert_ignoring_duplicates(self._conn, schema.outbox),
                [
                    {
                        "dedupe_key": row.dedupe_key,
                        "kind": row.kind,
                        "person_id": row.person_id,
                        "return_address": row.return_address,
                        "payload": row.payload,
                        "due_at": row.due_at,
                        "urgent": row.urgent,
                        "broadcast_id": row.broadcast_id,
                        "created_at": now,
                    }
                    for row in part
                ],
            )

    @off_loop
    async def queued_keys(self, dedupe_keys: Sequence[str]) -> set[str]:
        """Those of these dedupe keys already queued (whatever became of their messages)."""
        if not dedupe_keys:
            return set()
        o = schema.outbox
        rows = await self._conn.execute(
            select(o.c.dedupe_key).where(o.c.dedupe_key.in_(list(dedupe_keys)))
        )
        return set(rows.scalars())

    async def refused_as_blocked(self, dedupe_key: str) -> bool:
        """True if the message queued under this key failed because the person blocked the
        bot (kept on the message itself when the person may not be marked)."""
        o = schema.outbox
        row = await self._conn.execute(
            select(o.c.last_error).where(o.c.dedupe_key == dedupe_key, o.c.state == "failed")
        )
        error = row.scalar_one_or_none()
        return error is not None and str(error).startswith("blocked")

    async def claim_due(self, now: datetime, limit: int) -> list[OutboxJob]:
        """Mark up to `limit` due messages as being sent, and return them, oldest first.

        Paused members' messages wait (unless urgent), so they are not claimed. On
        PostgreSQL rows another transaction is claiming are skipped (`SKIP LOCKED`), so
        claimers running at once never take the same row; with a claimer, rows whose claim
        ran out are taken over too.
        """
        o = schema.outbox
        claim: dict[str, Any] = {}
        if self._claimer is not None:
            claim = {"claimed_by": self._claimer.replica, "lease_until": self._claimer.until(now)}
        rows = (await self._conn.execute(self._due(now, limit))).all()
        if not rows:
            return []
        await self._conn.execute(
            update(o)
            .where(o.c.id.in_([row.id for row in rows]))
            .values(state="sending", attempts=o.c.attempts + 1, **claim)
        )
        return [_claimed_job(row) for row in rows]

    def _due(self, now: datetime, limit: int) -> Select[Any]:
        """The query for the messages due now, oldest first, locked on PostgreSQL."""
        o, p = schema.outbox, schema.person
        waiting = (o.c.state == "pending") & (o.c.due_at <= now)
        if self._claimer is not None:
            waiting = waiting | ((o.c.state == "sending") & (o.c.lease_until < now))
        query = (
            select(
                o.c.id,
                o.c.kind,
                o.c.payload,
                o.c.urgent,
                o.c.attempts,
                o.c.parts_sent,
                o.c.broadcast_id,
                o.c.person_id,
                o.c.return_address,
                p.c.chat_id,
                p.c.paused,
                p.c.unreachable_at,
                p.c.quiet_hours,
                p.c.language,
                p.c.easy_read,
            )
            .select_from(o.outerjoin(p, p.c.id == o.c.person_id))
            .where(
                waiting,
                (p.c.paused.is_(False)) | (o.c.urgent.is_(True)) | (p.c.id.is_(None)),
            )
            .order_by(o.c.due_at, o.c.id)
            .limit(limit)
        )
        if self._conn.dialect.name == "postgresql":
            query = query.with_for_update(of=o, skip_locked=True)
        return query

    async def finish(
        self, outbox_id: int, state: str, now: datetime, error: str | None = None
    ) -> None:
        """Record that a claimed message was sent, failed, skipped or cancelled."""
        o = schema.outbox
        values: dict[str, Any] = {"state": state, "last_error": error}
        if state == "sent":
            values["sent_at"] = now
        await self._conn.execute(
            update(o).where(o.c.id == outbox_id, self._mine()).values(**values)
        )

    async def finish_sent(self, outbox_ids: Sequence[int], now: datetime) -> None:
        """Record that these claimed messages were sent."""
        o = schema.outbox
        await self._conn.execute(
            update(o)
            .where(o.c.id.in_(outbox_ids), self._mine())
            .values(state="sent", sent_at=now, last_error=None)
        )

    async def part_sent(self, outbox_id: int, parts_sent: int) -> None:
        """Record how many parts of a long message have gone."""
        o = schema.outbox
        await self._conn.execute(
            update(o).where(o.c.id == outbox_id, self._mine()).values(parts_sent=parts_sent)
        )

    async def retry_at(
        self, outbox_id: int, due_at: datetime, error: str | None, count_attempt: bool = True
    ) -> None:
        """Put a claimed message back in the queue, due at `due_at`."""
        o = schema.outbox
        values: dict[str, Any] = {"state": "pending", "due_at": due_at, "last_error": error}
        if not count_attempt:
            values["attempts"] = o.c.attempts - 1
        await self._conn.execute(
            update(o).where(o.c.id == outbox_id, self._mine()).values(**values)
        )

    async def unclaim(self, outbox_ids: Sequence[int], state: str = "pending") -> None:
        """Return claimed messages that were never sent to the queue (or cancel them)."""
        o = schema.outbox
        await self._conn.execute(
            update(o).where(o.c.id.in_(outbox_ids), self._mine()).values(state=state)
        )

    @off_loop
    async def release_claims(self, now: datetime | None = None) -> int:
        """Return messages left "sending" by a stop or crash to the queue; how many.

        With a claimer (replicas) only this replica's own, unclaimed ones and those whose
        claim ran out by `now`: another replica's messages in flight are left to it.
        """
        o = schema.outbox
        which = o.c.state == "sending"
        if self._claimer is not None:
            assert now is not None
            which = which & (
                (o.c.claimed_by == self._claimer.replica)
                | o.c.claimed_by.is_(None)
                | (o.c.lease_until < now)
            )
        result = await self._conn.execute(
            update(o).where(which).values(state="pending", claimed_by=None, lease_until=None)
        )
        return int(result.rowcount or 0)

    async def next_due(self) -> datetime | None:
        """When the next pending message is due, if any."""
        o = schema.outbox
        return (
            await self._conn.execute(select(func.min(o.c.due_at)).where(o.c.state == "pending"))
        ).scalar_one()

    @off_loop
    async def cancel_broadcast(self, broadcast_id: int) -> int:
        """Cancel a broadcast's messages not yet sent; how many."""
        o = schema.outbox
        result = await self._conn.execute(
            update(o)
            .where(o.c.broadcast_id == broadcast_id, o.c.state == "pending")
            .values(state="cancelled")
        )
        return int(result.rowcount or 0)

    @off_loop
    async def shown_otherwise(self, dedupe_keys: Sequence[str], now: datetime) -> int:
        """Record messages not yet sent as sent: the person saw the same thing another way
        (e.g. an invitation in the list they asked for); how many."""
        if not dedupe_keys:
            return 0
        o = schema.outbox
        result = await self._conn.execute(
            update(o)
            .where(o.c.dedupe_key.in_(list(dedupe_keys)), o.c.state == "pending")
            .values(state="sent", sent_at=now)
        )
        return int(result.rowcount or 0)

    @off_loop
    async def sent_since(self, dedupe_keys: Sequence[str], since: datetime) -> set[str]:
        """Of these messages, those being sent now or sent since `since`."""
        if not dedupe_keys:
            return set()
        o = schema.outbox
        rows = await self._conn.execute(
            select(o.c.dedupe_key).where(
                o.c.dedupe_key.in_(list(dedupe_keys)),
                (o.c.state == "sending") | ((o.c.state == "sent") & (o.c.sent_at >= since)),
            )
        )
        return {row.dedupe_key for row in rows}

    @off_loop
    async def broadcast_counts(self, broadcast_id: int) -> dict[str, int]:
        """How many of a broadcast's messages are in each state."""
        o = schema.outbox
        rows = await self._conn.execute(
            select(o.c.state, func.count())
            .where(o.c.broadcast_id == broadcast_id)
            .group_by(o.c.state)
        )
        return {row[0]: int(row[1]) for row in rows}

    @off_loop
    async def broadcast_errors(self, broadcast_id: int) -> dict[str, int]:
        """Why a broadcast's failed messages failed, with counts."""
        o = schema.outbox
        rows = await self._conn.execute(
            select(o.c.last_error, func.count())
            .where(o.c.broadcast_id == broadcast_id, o.c.state == "failed")
            .group_by(o.c.last_error)
        )
        return {str(row[0]): int(row[1]) for row in rows}

    @off_loop
    async def drop_for_person(self, person_id: int, reason: str) -> int:
        """Stop every message still queued for a person; how many."""
        o = schema.outbox
        result = await self._conn.execute(
            update(o)
            .where(o.c.person_id == person_id, o.c.state == "pending")
            .values(state="skipped", last_error=reason)
        )
        return int(result.rowcount or 0)


def _claimed_job(row: Row[Any]) -> OutboxJob:
    """A claimed row as a job (its attempts counting this one)."""
    return OutboxJob(
        id=row.id,
        kind=row.kind,
        payload=row.payload,
        urgent=row.urgent,
        attempts=row.attempts + 1,
        parts_sent=row.parts_sent,
        broadcast_id=row.broadcast_id,
        person_id=row.person_id,
        chat_id=row.chat_id,
        paused=row.paused,
        unreachable=row.unreachable_at is not None,
        quiet_hours=row.quiet_hours,
        return_address=row.return_address,
        language=row.language,
        easy_read=bool(row.easy_read),
    )
