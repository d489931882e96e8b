"""a coordinator's reason for removing a member; the alerts that quoted an item's words

Revision ID: 0018
Revises: 0015
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("membership_departure", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=True))
    with op.batch_alter_table("risk_alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("item_key", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_risk_alert_item_key", ["item_key"], unique=False)
    op.create_table(
        "alert_copy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.String(length=16), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("chat", sa.Text(), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["risk_alert.id"],
            name=op.f("fk_alert_copy_alert_id_risk_alert"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_copy")),
    )
    with op.batch_alter_table("alert_copy", schema=None) as batch_op:
        batch_op.create_index("ix_alert_copy_alert", ["alert_id"], unique=False)
        batch_op.create_index("ix_alert_copy_outbox", ["outbox_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("alert_copy", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_copy_outbox")
        batch_op.drop_index("ix_alert_copy_alert")
    op.drop_table("alert_copy")
    with op.batch_alter_table("risk_alert", schema=None) as batch_op:
        batch_op.drop_index("ix_risk_alert_item_key")
        batch_op.drop_column("withdrawn_at")
        batch_op.drop_column("item_key")
    with op.batch_alter_table("membership_departure", schema=None) as batch_op:
        batch_op.drop_column("reason")
