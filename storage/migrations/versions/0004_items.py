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
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
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

    op.create_table(
        "prompt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["person.id"],
            name=op.f("fk_prompt_created_by_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["chorus_group.id"],
            name=op.f("fk_prompt_group_id_chorus_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prompt")),
    )
    with op.batch_alter_table("prompt", schema=None) as batch_op:
        batch_op.create_index("ix_prompt_group", ["group_id"], unique=False)

    op.create_table(
        "group_observer",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["chorus_group.id"],
            name=op.f("fk_group_observer_group_id_chorus_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_group_observer_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "person_id", name=op.f("pk_group_observer")),
    )
    with op.batch_alter_table("group_observer", schema=None) as batch_op:
        batch_op.create_index("ix_group_observer_person", ["person_id"], unique=False)

    op.create_table(
        "observer_link",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["chorus_group.id"],
            name=op.f("fk_observer_link_group_id_chorus_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_observer_link")),
    )
    op.create_table(
        "safeguarding_lead",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_safeguarding_lead_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_safeguarding_lead")),
    )
    op.create_table(
        "risk_alert",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("pseudonym", sa.String(length=64), nullable=False),
        sa.Column("words", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("ask_until", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["chorus_group.id"],
            name=op.f("fk_risk_alert_group_id_chorus_group"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_alert")),
    )
    with op.batch_alter_table("risk_alert", schema=None) as batch_op:
        batch_op.create_index(
            "ix_risk_alert_state_ask_until", ["state", "ask_until"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("risk_alert", schema=None) as batch_op:
        batch_op.drop_index("ix_risk_alert_state_ask_until")
    op.drop_table("risk_alert")
    op.drop_table("safeguarding_lead")
    op.drop_table("observer_link")
    with op.batch_alter_table("group_observer", schema=None) as batch_op:
        batch_op.drop_index("ix_group_observer_person")
    op.drop_table("group_observer")
    with op.batch_alter_table("prompt", schema=None) as batch_op:
        batch_op.drop_index("ix_prompt_group")
    op.drop_table("prompt")
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_index("ix_item_pseudonym")
        batch_op.drop_index("ix_item_person")
        batch_op.drop_index("ix_item_group_status")
    op.drop_table("item")
