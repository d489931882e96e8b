"""closing the loop

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.create_index("ix_item_visible_at", ["visible_at"], unique=False)
        batch_op.create_index(
            "ix_item_group_status_given",
            ["group_id", "status", "given_on", "id", "withdrawn_on"],
            unique=False,
        )

    op.create_table(
        "loop_run",
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("last_on", sa.Date(), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_loop_run")),
    )
    op.create_table(
        "digest_preference",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("rhythm", sa.String(length=8), nullable=False),
        sa.Column("weekday", sa.Integer(), server_default="0", nullable=False),
        sa.Column("at_time", sa.String(length=5), server_default="18:00", nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_digest_preference_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_digest_preference")),
    )
    op.create_table(
        "loop_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=12), server_default="planned", nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["person.id"],
            name=op.f("fk_loop_action_created_by_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["chorus_group.id"],
            name=op.f("fk_loop_action_group_id_chorus_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loop_action")),
    )
    with op.batch_alter_table("loop_action", schema=None) as batch_op:
        batch_op.create_index("ix_loop_action_group", ["group_id", "updated_at"], unique=False)

    op.create_table(
        "loop_group_setting",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("outcome_days", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["chorus_group.id"],
            name=op.f("fk_loop_group_setting_group_id_chorus_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", name=op.f("pk_loop_group_setting")),
    )
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["chorus_group.id"],
            name=op.f("fk_meeting_group_id_chorus_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index("ix_meeting_group", ["group_id", "held_on"], unique=False)

    op.create_table(
        "action_item",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.BigInteger(), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["loop_action.id"],
            name=op.f("fk_action_item_action_id_loop_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_action_item_item_id_item"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("action_id", "item_id", name=op.f("pk_action_item")),
    )
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.create_index("ix_action_item_item", ["item_id"], unique=False)

    op.create_table(
        "action_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("by_person", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["loop_action.id"],
            name=op.f("fk_action_update_action_id_loop_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["by_person"],
            ["person.id"],
            name=op.f("fk_action_update_by_person_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_update")),
    )
    with op.batch_alter_table("action_update", schema=None) as batch_op:
        batch_op.create_index("ix_action_update_action", ["action_id", "id"], unique=False)
        batch_op.create_index("ix_action_update_at", ["at"], unique=False)

    op.create_table(
        "contributor_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.BigInteger(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("pseudonym", sa.String(length=64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=8), server_default="pending", nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["item.id"],
            name=op.f("fk_contributor_update_item_id_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_contributor_update_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contributor_update")),
        sa.UniqueConstraint("source", name=op.f("uq_contributor_update_source")),
    )
    with op.batch_alter_table("contributor_update", schema=None) as batch_op:
        batch_op.create_index("ix_contributor_update_person", ["person_id", "state"], unique=False)
        batch_op.create_index(
            "ix_contributor_update_pseudonym", ["pseudonym", "state"], unique=False
        )
        batch_op.create_index("ix_contributor_update_state_due", ["state", "due_at"], unique=False)

    op.create_table(
        "item_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("by_person", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["loop_action.id"],
            name=op.f("fk_item_event_action_id_loop_action"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["by_person"],
            ["person.id"],
            name=op.f("fk_item_event_by_person_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_item_event_item_id_item"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_item_event_meeting_id_meeting"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_event")),
    )
    with op.batch_alter_table("item_event", schema=None) as batch_op:
        batch_op.create_index("ix_item_event_item", ["item_id", "id"], unique=False)
        batch_op.create_index("ix_item_event_kind_at", ["kind", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("item_event", schema=None) as batch_op:
        batch_op.drop_index("ix_item_event_kind_at")
        batch_op.drop_index("ix_item_event_item")

    op.drop_table("item_event")
    with op.batch_alter_table("contributor_update", schema=None) as batch_op:
        batch_op.drop_index("ix_contributor_update_state_due")
        batch_op.drop_index("ix_contributor_update_pseudonym")
        batch_op.drop_index("ix_contributor_update_person")

    op.drop_table("contributor_update")
    with op.batch_alter_table("action_update", schema=None) as batch_op:
        batch_op.drop_index("ix_action_update_at")
        batch_op.drop_index("ix_action_update_action")

    op.drop_table("action_update")
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.drop_index("ix_action_item_item")

    op.drop_table("action_item")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index("ix_meeting_group")

    op.drop_table("meeting")
    op.drop_table("loop_group_setting")
    with op.batch_alter_table("loop_action", schema=None) as batch_op:
        batch_op.drop_index("ix_loop_action_group")

    op.drop_table("loop_action")
    op.drop_table("digest_preference")
    op.drop_table("loop_run")
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_index("ix_item_group_status_given")
        batch_op.drop_index("ix_item_visible_at")
