"""Alembic environment: migrations run on the connection Chorus hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from storage.schema import metadata


def run_migrations(connection: Connection) -> None:
    """Apply migrations on `connection`."""
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations with `chorus db upgrade`, which supplies the database.")
run_migrations(connection)
