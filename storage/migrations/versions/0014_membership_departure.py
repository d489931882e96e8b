"""who left a group, for the coordinators' daily notice

Revision ID: 0014
Revises: 0005
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "membership_departure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["chorus_group.id"],
            name=op.f("fk_membership_departure_group_id_chorus_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_membership_departure_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership_departure")),
    )
    with op.batch_alter_table("membership_departure", schema=None) as batch_op:
        batch_op.create_index("ix_membership_departure_left_at", ["left_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("membership_departure", schema=None) as batch_op:
        batch_op.drop_index("ix_membership_departure_left_at")
    op.drop_table("membership_departure")
