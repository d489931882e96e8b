"""items given at arm's length

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "item",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("prompt_id", sa.Integer(), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=12), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("pseudonym", sa.String(length=64), nullable=True),
        sa.Column("return_address", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("media_kind", sa.String(length=8), nullable=True),
        sa.Column("media_file_id", sa.Text(), nullable=True),
        sa.Column("consent", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=12), server_default="received", nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("visible_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("risk", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["chorus_group.id"],
            name=op.f("fk_item_group_id_chorus_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_item_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item")),
        sa.UniqueConstraint("reference", name=op.f("uq_item_reference")),
    )
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.create_index("ix_item_group_status", ["group_id", "status"], unique=False)
        batch_op.create_index("ix_item_person", ["person_id"], unique=False)
        batch_op.create_index("ix_item_pseudonym", ["pseudonym"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_index("ix_item_pseudonym")
        batch_op.drop_index("ix_item_person")
        batch_op.drop_index("ix_item_group_status")
    op.drop_table("item")
