"""every copy of an item's words, and how long it may be quoted

Revision ID: 0017
Revises: 0008
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quote_until", sa.Date(), nullable=True))
    op.create_table(
        "item_copy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.BigInteger(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("chat", sa.Text(), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("message_key", sa.String(length=16), nullable=True),
        sa.Column("shape", sa.String(length=8), nullable=False),
        sa.Column("place", sa.String(length=8), nullable=False),
        sa.Column("shown_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["item.id"],
            name=op.f("fk_item_copy_item_id_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_copy")),
    )
    with op.batch_alter_table("item_copy", schema=None) as batch_op:
        batch_op.create_index("ix_item_copy_item", ["item_id"], unique=False)
        batch_op.create_index("ix_item_copy_outbox", ["outbox_id"], unique=False)
        batch_op.create_index("ix_item_copy_message", ["message_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("item_copy", schema=None) as batch_op:
        batch_op.drop_index("ix_item_copy_message")
        batch_op.drop_index("ix_item_copy_outbox")
        batch_op.drop_index("ix_item_copy_item")
    op.drop_table("item_copy")
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_column("quote_until")
