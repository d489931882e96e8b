"""leases for replicas on PostgreSQL: who claimed an outbox row or a stored update and until
when, the ticks' next runs, live replicas, and each chat's next free moment

Revision ID: 0015
Revises: 0008
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_outbox_claimed_by", ["claimed_by"], unique=False)
    with op.batch_alter_table("update_journal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("chat_tag", sa.BigInteger(), nullable=True))
        batch_op.create_index("ix_update_journal_chat_tag", ["chat_tag"], unique=False)
    op.create_table(
        "tick_run",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ran_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_tick_run")),
    )
    op.create_table(
        "replica",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replica")),
    )
    op.create_table(
        "chat_pace",
        sa.Column("chat_tag", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("free_at", sa.Float(), nullable=False),
        sa.Column("held_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("chat_tag", name=op.f("pk_chat_pace")),
    )


def downgrade() -> None:
    op.drop_table("chat_pace")
    op.drop_table("replica")
    op.drop_table("tick_run")
    with op.batch_alter_table("update_journal", schema=None) as batch_op:
        batch_op.drop_index("ix_update_journal_chat_tag")
        batch_op.drop_column("chat_tag")
        batch_op.drop_column("lease_until")
        batch_op.drop_column("claimed_by")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_claimed_by")
        batch_op.drop_column("lease_until")
        batch_op.drop_column("claimed_by")
