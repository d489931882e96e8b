"""data rights: requests for one's data, erasures under way, hours kept for the accounts

Revision ID: 0016
Revises: 0008
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Found by the erasing: messages to a sealed return address, and every row that points to a
# person being deleted (so the database need not read whole tables to check).
_INDEXES = (
    ("outbox", "ix_outbox_return_address", "return_address"),
    ("item_event", "ix_item_event_by_person", "by_person"),
    ("action_update", "ix_action_update_by_person", "by_person"),
    ("conversation_message", "ix_conversation_message_by_person", "by_person"),
    ("contributor_update", "ix_contributor_update_item", "item_id"),
    ("membership_departure", "ix_membership_departure_person", "person_id"),
    ("risk_alert", "ix_risk_alert_pseudonym", "pseudonym"),
    ("group_session", "ix_group_session_created_by", "created_by"),
)


def upgrade() -> None:
    op.create_table(
        "data_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_data_request_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_request")),
    )
    with op.batch_alter_table("data_request", schema=None) as batch_op:
        batch_op.create_index(
            "ix_data_request_person", ["person_id", "requested_at"], unique=False
        )
    op.create_table(
        "erasure",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("keep_anonymous", sa.Boolean(), nullable=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_erasure_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_erasure")),
    )
    with op.batch_alter_table("erasure", schema=None) as batch_op:
        batch_op.create_index("ix_erasure_state", ["state"], unique=False)
    op.create_table(
        "kept_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("on_day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["chorus_group.id"],
            name=op.f("fk_kept_hours_group_id_chorus_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["group_session.id"],
            name=op.f("fk_kept_hours_session_id_group_session"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kept_hours")),
    )

    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consent_wording", sa.String(length=24), nullable=True))
    for table, index, column in _INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(index, [column], unique=False)


def downgrade() -> None:
    for table, index, _ in reversed(_INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(index)
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_column("consent_wording")
    op.drop_table("kept_hours")
    with op.batch_alter_table("erasure", schema=None) as batch_op:
        batch_op.drop_index("ix_erasure_state")
    op.drop_table("erasure")
    with op.batch_alter_table("data_request", schema=None) as batch_op:
        batch_op.drop_index("ix_data_request_person")
    op.drop_table("data_request")
