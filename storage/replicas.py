"""What replicas share on PostgreSQL: claims with leases, ticks, live replicas, chats' pace.

With replicas (CHORUS_REPLICAS) several Chorus processes use one PostgreSQL database. A row
of work (an outbox message, a stored update) is claimed by one replica until a moment (its
lease); the replica renews its leases while it lives, and when a lease runs out another
replica may take the work over. Without replicas nothing here is used and every column
added for it stays empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import BigInteger, Float, delete, func, literal, select, update
from sqlalchemy.dialects import postgresql

from storage import schema
from storage.types import Executor

# The `chat_pace` row that pauses sending to every chat after a 429 (chats' own tags are
# keyed hashes of 63 bits, never negative).
EVERY_CHAT = -1


@dataclass(frozen=True)
class Claimer:
    """This replica: its name, and how long a claim of its holds without renewal."""

    replica: str
    lease: timedelta

    def until(self, now: datetime) -> datetime:
        """When a claim made or renewed at `now` runs out."""
        return now + self.lease


class ReplicasRepo:
    """Ticks run once across replicas, replicas alive, and each chat's next free moment."""

    def __init__(self, conn: Executor) -> None:
        self._conn = conn

    async def take_tick(self, name: str, now: datetime, next_at: datetime, replica: str) -> bool:
        """True if the tick `name` is due at `now` and is this replica's to run (it then
        next falls due at `next_at`); False if another replica ran it since it fell due.

        One statement: a new tick is inserted, a due one moved on; a tick not due is left.
        """
        t = schema.tick_run
        upsert = postgresql.insert(t).values(name=name, next_at=next_at, ran_by=replica)
        statement = upsert.on_conflict_do_update(
            index_elements=[t.c.name],
            set_={"next_at": upsert.excluded.next_at, "ran_by": upsert.excluded.ran_by},
            where=t.c.next_at <= now,
        ).returning(t.c.name)
        return (await self._conn.execute(statement)).first() is not None

    async def beat(self, replica: str, now: datetime) -> None:
        """This replica is alive at `now`."""
        r = schema.replica
        upsert = postgresql.insert(r).values(id=replica, seen_at=now)
        await self._conn.execute(
            upsert.on_conflict_do_update(
                index_elements=[r.c.id], set_={"seen_at": upsert.excluded.seen_at}
            )
        )

    async def alive(self, since: datetime) -> int:
        """How many replicas were seen at or after `since`."""
        r = schema.replica
        count = await self._conn.execute(
            select(func.count()).select_from(r).where(r.c.seen_at >= since)
        )
        return int(count.scalar_one())

    async def leave(self, replica: str, forget_before: datetime) -> None:
        """This replica stops; replicas not seen since `forget_before` are forgotten too."""
        r = schema.replica
        await self._conn.execute(
            delete(r).where((r.c.id == replica) | (r.c.seen_at < forget_before))
        )

    async def reserve_chat(
        self, chat_tag: int, moment: float, window: float, replica: str
    ) -> float | None:
        """Reserve the chat for `replica` from `moment` (seconds since the epoch) until
        `window` later, if no other replica holds it then (a replica may extend its own
        reservation: it spaces its own messages to a chat itself) and sending is not paused
        (`pause_sending`); None if reserved, else when it is free. One statement, whichever
        replica asks.
        """
        c = schema.chat_pace
        paused = select(c.c.chat_tag).where(c.c.chat_tag == EVERY_CHAT, c.c.free_at > moment)
        upsert = postgresql.insert(c).from_select(
            ["chat_tag", "free_at", "held_by"],
            select(
                literal(chat_tag, BigInteger), literal(moment + window, Float), literal(replica)
            ).where(~paused.exists()),
        )
        taken = await self._conn.execute(
            upsert.on_conflict_do_update(
                index_elements=[c.c.chat_tag],
                set_={"free_at": upsert.excluded.free_at, "held_by": upsert.excluded.held_by},
                where=(c.c.free_at <= moment) | (c.c.held_by == replica),
            ).returning(c.c.chat_tag)
        )
        if taken.first() is not None:
            return None
        free_at = await self._conn.execute(
            select(func.max(c.c.free_at)).where(c.c.chat_tag.in_([chat_tag, EVERY_CHAT]))
        )
        found = free_at.scalar_one_or_none()
        return moment if found is None else max(moment, float(found))

    async def pause_sending(self, until: float, replica: str) -> None:
        """Telegram answered 429: no replica reserves a chat before `until` (seconds since
        the epoch), unless a later pause is already set."""
        c = schema.chat_pace
        upsert = postgresql.insert(c).values(chat_tag=EVERY_CHAT, free_at=until, held_by=replica)
        await self._conn.execute(
            upsert.on_conflict_do_update(
                index_elements=[c.c.chat_tag],
                set_={"free_at": upsert.excluded.free_at, "held_by": upsert.excluded.held_by},
                where=c.c.free_at < upsert.excluded.free_at,
            )
        )

    async def paused_until(self, moment: float) -> float | None:
        """When the pause after a 429 (`pause_sending`) ends, if it holds at `moment`
        (seconds since the epoch); None if sending is not paused then."""
        c = schema.chat_pace
        found = await self._conn.execute(
            select(c.c.free_at).where(c.c.chat_tag == EVERY_CHAT, c.c.free_at > moment)
        )
        until = found.scalar_one_or_none()
        return None if until is None else float(until)

    async def forget_chats(self, before: float) -> int:
        """Forget chats free since before `before`; how many."""
        c = schema.chat_pace
        result = await self._conn.execute(delete(c).where(c.c.free_at < before))
        return int(result.rowcount or 0)


async def renew_leases(conn: Executor, claimer: Claimer, now: datetime) -> None:
    """Extend every claim this replica holds (messages being sent, updates being handled)."""
    until = claimer.until(now)
    o, j = schema.outbox, schema.update_journal
    await conn.execute(
        update(o)
        .where(o.c.claimed_by == claimer.replica, o.c.state == "sending")
        .values(lease_until=until)
    )
    await conn.execute(
        update(j).where(j.c.claimed_by == claimer.replica).values(lease_until=until)
    )
