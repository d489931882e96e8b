"""following safeguarding alerts through

Revision ID: 0006
Revises: 0014
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("risk_alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("raised_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("answer", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("identity", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("told_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("check_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_risk_alert_owner_id_person"),
            "person",
            ["owner_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index("ix_risk_alert_check_at", ["check_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("risk_alert", schema=None) as batch_op:
        batch_op.drop_index("ix_risk_alert_check_at")
        batch_op.drop_constraint(batch_op.f("fk_risk_alert_owner_id_person"), type_="foreignkey")
        for column in (
            "note",
            "closed_at",
            "taken_at",
            "owner_id",
            "escalated_at",
            "check_at",
            "told_at",
            "reason",
            "identity",
            "answer",
            "raised_at",
        ):
            batch_op.drop_column(column)
