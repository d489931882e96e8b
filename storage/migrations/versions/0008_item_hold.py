"""anonymous items held, sealed, until the daily batch

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "item_hold",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_hold")),
    )
    with op.batch_alter_table("item_hold", schema=None) as batch_op:
        batch_op.create_index("ix_item_hold_due_at", ["due_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("item_hold", schema=None) as batch_op:
        batch_op.drop_index("ix_item_hold_due_at")
    op.drop_table("item_hold")
