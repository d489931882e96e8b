"""kept payments: the approved claims of people who asked to be forgotten, reduced to what
the organisation's accounts need; receipt photos shown to coordinators

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kept_payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("amount_pence", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=8), nullable=True),
        sa.Column("payee_reference", sa.String(length=32), nullable=True),
        sa.Column("on_day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["chorus_group.id"],
            name=op.f("fk_kept_payment_group_id_chorus_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["group_session.id"],
            name=op.f("fk_kept_payment_session_id_group_session"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kept_payment")),
    )
    with op.batch_alter_table("kept_payment", schema=None) as batch_op:
        batch_op.create_index("ix_kept_payment_group_day", ["group_id", "on_day"], unique=False)
    op.create_table(
        "receipt_copy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("chat", sa.Text(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("shown_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["payment_claim.id"],
            name=op.f("fk_receipt_copy_claim_id_payment_claim"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipt_copy")),
    )
    with op.batch_alter_table("receipt_copy", schema=None) as batch_op:
        batch_op.create_index("ix_receipt_copy_claim", ["claim_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("receipt_copy", schema=None) as batch_op:
        batch_op.drop_index("ix_receipt_copy_claim")
    op.drop_table("receipt_copy")
    with op.batch_alter_table("kept_payment", schema=None) as batch_op:
        batch_op.drop_index("ix_kept_payment_group_day")
    op.drop_table("kept_payment")
