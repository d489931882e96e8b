"""Putting people and groups straight into a Chorus database, for tests and benchmarks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select

from bot.clock import SystemClock
from storage import schema
from storage.database import open_storage
from tests.support.database import folder_of, storage_url

SEEDED_BEFORE = timedelta(days=3)


async def seed_group(
    database: Path, coordinator_id: int, member_ids: Sequence[int], name: str = "Group"
) -> int:
    """A group coordinated by `coordinator_id` with these members (in a few statements,
    so thousands are quick); returns its id. `database` is the SQLite file in the test's
    folder; an end-to-end test on PostgreSQL seeds its own database instead."""
    clock = SystemClock()
    storage = await open_storage(storage_url(folder_of(database)), clock.now)
    try:
        # A group that was already there: its members joined days ago, so the coordinators'
        # daily notice (which names who joined since the day before) has no news of them,
        # whatever the time of day a test runs at.
        now = clock.now() - SEEDED_BEFORE
        async with storage.transaction() as tx:
            coordinator = await tx.people.ensure(coordinator_id, coordinator_id, None, now)
            await tx.people.set_coordinator(coordinator.id, True)
            group = await tx.groups.create(name, f"seed{coordinator_id}", coordinator.id, now)
            await tx.groups.add_coordinator(group.id, coordinator.id)
            await tx.conn.execute(
                insert(schema.person),
                [
                    {"telegram_id": m, "chat_id": m, "display_name": f"M{m}", "created_at": now}
                    for m in member_ids
                ],
            )
            rows = await tx.conn.execute(
                select(schema.person.c.id).where(schema.person.c.telegram_id.in_(member_ids))
            )
            await tx.conn.execute(
                insert(schema.membership),
                [
                    {"group_id": group.id, "person_id": pid, "joined_at": now}
                    for pid in rows.scalars()
                ],
            )
        return group.id
    finally:
        await storage.close()
