"""involvement payment: each group's policy, members' choices, payee references, claims

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "payment_policy",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("basis", sa.String(length=8), nullable=False),
        sa.Column("rate_pence", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("expenses", sa.String(length=300), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["chorus_group.id"],
            name=op.f("fk_payment_policy_group_id_chorus_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", name=op.f("pk_payment_policy")),
    )
    op.create_table(
        "payment_choice",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=8), nullable=False),
        sa.Column("chosen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_payment_choice_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_payment_choice")),
    )
    op.create_table(
        "payee",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_payee_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_payee")),
        sa.UniqueConstraint("reference", name=op.f("uq_payee_reference")),
    )
    op.create_table(
        "payment_claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("amount_pence", sa.Integer(), nullable=False),
        sa.Column("receipt_file_id", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("query", sa.String(length=600), nullable=True),
        sa.Column("on_day", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_payment_claim_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["chorus_group.id"],
            name=op.f("fk_payment_claim_group_id_chorus_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["group_session.id"],
            name=op.f("fk_payment_claim_session_id_group_session"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_claim")),
    )
    with op.batch_alter_table("payment_claim", schema=None) as batch_op:
        batch_op.create_index("ix_payment_claim_group_day", ["group_id", "on_day"], unique=False)
        batch_op.create_index("ix_payment_claim_person", ["person_id"], unique=False)
        batch_op.create_index("ix_payment_claim_session", ["session_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("payment_claim", schema=None) as batch_op:
        batch_op.drop_index("ix_payment_claim_session")
        batch_op.drop_index("ix_payment_claim_person")
        batch_op.drop_index("ix_payment_claim_group_day")
    op.drop_table("payment_claim")
    op.drop_table("payee")
    op.drop_table("payment_choice")
    op.drop_table("payment_policy")
