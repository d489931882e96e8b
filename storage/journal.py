"""The update journal: updates kept until handled, each handled once."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

from storage import schema
from storage.replicas import Claimer
from storage.sql import ignoring_duplicates
from storage.types import Executor, off_loop


@functools.cache
def _remember_seen(dialect_name: str) -> Insert:
    """Remember update ids as seen, bringing back those not seen before (built once; given
    many rows, SQLAlchemy sends them as one INSERT)."""
    table = schema.seen_update
    return ignoring_duplicates(dialect_name, table).returning(table.c.update_id)


@functools.cache
def _remember_seen_since(dialect_name: str) -> Insert:
    """Remember update ids as seen, bringing back those not seen since the parameter `since`:
    an id seen only before then is taken as new (Telegram numbers updates afresh after a
    quiet week) unless its update still waits to be handled."""
    table, journal = schema.seen_update, schema.update_journal
    upsert = postgresql.insert(table) if dialect_name == "postgresql" else sqlite.insert(table)
    return upsert.on_conflict_do_update(
        index_elements=[table.c.update_id],
        set_={"seen_at": upsert.excluded.seen_at},
        where=(table.c.seen_at < bindparam("since", type_=table.c.seen_at.type))
        & table.c.update_id.not_in(select(journal.c.update_id)),
    ).returning(table.c.update_id)


# Statements used for nearly every update are built once: building one costs SQLAlchemy
# more than SQLite takes to run it (measured with benchmarks/updates.py).
SETTLE = delete(schema.update_journal).where(
    schema.update_journal.c.update_id == bindparam("update_id")
)


# Telegram's update ids are positive; the health check's probe takes one no update has.
PROBE_UPDATE_ID = -1
PROBE_PAYLOAD = "-" * 4096


class JournalRepo:
    """Raw updates waiting to be handled, and the ids of every update seen.

    With a `claimer` (replicas) an update is stored claimed by this replica, and `pending`
    claims only updates no live replica holds.
    """

    def __init__(self, conn: Executor, claimer: Claimer | None = None) -> None:
        self._conn = conn
        self._claimer = claimer

    async def add_new(
        self,
        updates: Sequence[tuple[int, str]],
        now: datetime,
        since: datetime | None = None,
        chat_tags: dict[int, int] | None = None,
    ) -> list[int]:
        """Store the updates not seen before (or, given `since`, not seen since then), and
        remember their ids; return them, in order. `chat_tags` (replicas) names each
        update's chat, so a chat's updates are handled in order across replicas."""
        if not updates:
            return []
        batch: dict[int, str] = {}
        for update_id, payload in updates:
            batch.setdefault(update_id, payload)
        # The hour only: the moment an update came would give the time of whatever it led
        # to (the sending of an anonymous item, say) to anyone with a copy of the files.
        hour = now.replace(minute=0, second=0, microsecond=0)
        fresh = await self._remember(list(batch), hour, since)
        if fresh:
            claim: dict[str, Any] = {}
            if self._claimer is not None:
                claim = {
                    "claimed_by": self._claimer.replica,
                    "lease_until": self._claimer.until(now),
                }
            await self._conn.execute(
                insert(schema.update_journal),
                [
                    {
                        "update_id": update_id,
                        "received_at": hour,
                        "payload": batch[update_id],
                        "chat_tag": (chat_tags or {}).get(update_id),
                        **claim,
                    }
                    for update_id in fresh
                ],
            )
        return fresh

    async def _remember(
        self, update_ids: list[int], hour: datetime, since: datetime | None
    ) -> list[int]:
        """Remember the ids as seen; those that were new (or not seen since `since`)."""
        # Remembering the ids tells which were new: one statement, not a SELECT and an INSERT.
        if since is None:
            remembered = await self._conn.execute(
                _remember_seen(self._conn.dialect.name),
                [{"update_id": update_id, "seen_at": hour} for update_id in update_ids],
            )
        else:
            remembered = await self._conn.execute(
                _remember_seen_since(self._conn.dialect.name),
                [
                    {"update_id": update_id, "seen_at": hour, "since": since}
                    for update_id in update_ids
                ],
            )
        return sorted(remembered.scalars())

    @off_loop
    async def pending(self, now: datetime | None = None) -> list[tuple[int, str]]:
        """Every stored update not yet handled, oldest first.

        With a claimer (replicas) only those this replica may take, now claimed by it: its
        own, unclaimed ones and those whose claim ran out by `now`; rows another replica is
        claiming at this moment are skipped, not waited for.
        """
        table = schema.update_journal
        if self._claimer is None:
            rows = await self._conn.execute(
                select(table.c.update_id, table.c.payload).order_by(table.c.update_id)
            )
            return [(row.update_id, row.payload) for row in rows]
        assert now is not None
        return await self.take_over(now, own=True)

    async def take_over(self, now: datetime, own: bool = False) -> list[tuple[int, str]]:
        """Claim the stored updates whose claim ran out by `now` (and unclaimed ones, and
        with `own` this replica's own), oldest first (replicas only)."""
        assert self._claimer is not None
        table = schema.update_journal
        free = table.c.claimed_by.is_(None) | (table.c.lease_until < now)
        if own:
            free = free | (table.c.claimed_by == self._claimer.replica)
        claimable = select(table.c.update_id).where(free)
        if self._conn.dialect.name == "postgresql":
            claimable = claimable.with_for_update(skip_locked=True)
        rows = await self._conn.execute(
            update(table)
            .where(table.c.update_id.in_(claimable.scalar_subquery()))
            .values(claimed_by=self._claimer.replica, lease_until=self._claimer.until(now))
            .returning(table.c.update_id, table.c.payload)
        )
        return sorted((row.update_id, row.payload) for row in rows)

    async def waits_behind(self, update_id: int, chat_tag: int) -> bool:
        """True if an older update of the same chat is stored and not this replica's: the
        replica holding it handles it first (replicas only)."""
        assert self._claimer is not None
        table = schema.update_journal
        row = await self._conn.execute(
            select(table.c.update_id)
            .where(
                table.c.chat_tag == chat_tag,
                table.c.update_id < update_id,
                table.c.claimed_by.is_distinct_from(self._claimer.replica),
            )
            .limit(1)
        )
        return row.first() is not None

    async def settle(self, *update_ids: int) -> None:
        """Delete these raw updates: they are handled (their ids stay remembered as seen)."""
        if not update_ids:
            return
        await self._conn.execute(SETTLE, [{"update_id": update_id} for update_id in update_ids])

    @off_loop
    async def prune_seen(self, before: datetime) -> int:
        """Forget ids seen before `before`, whose updates are handled (Telegram redelivers
        for a day at most)."""
        seen_table, journal = schema.seen_update, schema.update_journal
        result = await self._conn.execute(
            delete(seen_table).where(
                seen_table.c.seen_at < before,
                seen_table.c.update_id.not_in(select(journal.c.update_id)),
            )
        )
        return int(result.rowcount or 0)

    async def probe(self, now: datetime) -> None:
        """Store a raw update of a page's size and delete it again: fails as storing an update
        would (a read-only or full database)."""
        table = schema.update_journal
        await self._conn.execute(
            insert(table).values(update_id=PROBE_UPDATE_ID, received_at=now, payload=PROBE_PAYLOAD)
        )
        await self._conn.execute(delete(table).where(table.c.update_id == PROBE_UPDATE_ID))

    async def count_pending(self) -> int:
        """How many stored updates wait to be handled."""
        return int(
            (
                await self._conn.execute(select(func.count()).select_from(schema.update_journal))
            ).scalar_one()
        )
