"""The migrations build exactly the schema the code describes."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

from storage import schema
from storage.database import Storage


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, schema.metadata))


async def test_the_migrated_database_matches_the_schema(storage: Storage) -> None:
    async with storage.engine.connect() as conn:
        differences = await conn.run_sync(_differences)

    assert differences == []
