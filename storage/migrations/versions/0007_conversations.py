"""conversations: answering a coordinator's reply, and a lead writing to an alert's person

Revision ID: 0007
Revises: 0012
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("risk_alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("return_address", sa.Text(), nullable=True))
    with op.batch_alter_table("contributor_update", schema=None) as batch_op:
        batch_op.add_column(sa.Column("conversation_id", sa.String(length=16), nullable=True))

    op.create_table(
        "conversation",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("item_id", sa.BigInteger(), nullable=True),
        sa.Column("alert_id", sa.String(length=16), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("pseudonym", sa.String(length=64), nullable=True),
        sa.Column("return_address", sa.Text(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("closed_by", sa.String(length=8), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["risk_alert.id"],
            name=op.f("fk_conversation_alert_id_risk_alert"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_conversation_item_id_item"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_conversation_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["person.id"],
            name=op.f("fk_conversation_staff_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation")),
    )
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.create_index("ix_conversation_item", ["item_id"], unique=False)
        batch_op.create_index("ix_conversation_alert", ["alert_id"], unique=False)
        batch_op.create_index("ix_conversation_person", ["person_id", "state"], unique=False)
        batch_op.create_index("ix_conversation_pseudonym", ["pseudonym", "state"], unique=False)

    op.create_table(
        "conversation_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=16), nullable=False),
        sa.Column("direction", sa.String(length=4), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("by_person", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_person"],
            ["person.id"],
            name=op.f("fk_conversation_message_by_person_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_conversation_message_conversation_id_conversation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_message")),
    )
    with op.batch_alter_table("conversation_message", schema=None) as batch_op:
        batch_op.create_index(
            "ix_conversation_message_conversation", ["conversation_id", "id"], unique=False
        )

    # An item already replied to, or gathered into an action, no longer waits to be
    # acknowledged.
    op.execute(
        "UPDATE item SET status = 'acknowledged' WHERE status = 'received' AND id IN "
        "(SELECT item_id FROM item_event WHERE kind IN ('reply', 'linked'))"
    )


def downgrade() -> None:
    with op.batch_alter_table("conversation_message", schema=None) as batch_op:
        batch_op.drop_index("ix_conversation_message_conversation")
    op.drop_table("conversation_message")
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_index("ix_conversation_pseudonym")
        batch_op.drop_index("ix_conversation_person")
        batch_op.drop_index("ix_conversation_alert")
        batch_op.drop_index("ix_conversation_item")
    op.drop_table("conversation")
    with op.batch_alter_table("contributor_update", schema=None) as batch_op:
        batch_op.drop_column("conversation_id")
    with op.batch_alter_table("risk_alert", schema=None) as batch_op:
        batch_op.drop_column("return_address")
