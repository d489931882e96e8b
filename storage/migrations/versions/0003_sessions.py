"""group sessions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _session_fk() -> sa.Column[int]:
    return sa.Column("session_id", sa.Integer(), nullable=False)


def _person_fk() -> sa.Column[int]:
    return sa.Column("person_id", sa.Integer(), nullable=False)


def _foreign_keys(table: str) -> list[sa.ForeignKeyConstraint]:
    return [
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["group_session.id"],
            name=op.f(f"fk_{table}_session_id_group_session"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f(f"fk_{table}_person_id_person"),
            ondelete="CASCADE",
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "group_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("link", sa.String(length=300), nullable=True),
        sa.Column("access_notes", sa.String(length=600), nullable=True),
        sa.Column("content_note", sa.String(length=600), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("reminders", sa.String(length=60), nullable=False),
        sa.Column("hours_minutes", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=12), server_default="active", nullable=False),
        sa.Column("uid", sa.String(length=64), nullable=False),
        sa.Column("sequence", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attendance_asked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["chorus_group.id"],
            name=op.f("fk_group_session_group_id_chorus_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["person.id"],
            name=op.f("fk_group_session_created_by_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_session")),
        sa.UniqueConstraint("uid", name=op.f("uq_group_session_uid")),
    )
    with op.batch_alter_table("group_session", schema=None) as batch_op:
        batch_op.create_index(
            "ix_group_session_group_starts", ["group_id", "starts_at"], unique=False
        )
        batch_op.create_index("ix_group_session_state_ends", ["state", "ends_at"], unique=False)

    op.create_table(
        "session_answer",
        _session_fk(),
        _person_fk(),
        sa.Column("answer", sa.String(length=8), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("waiting_since", sa.DateTime(timezone=True), nullable=True),
        *_foreign_keys("session_answer"),
        sa.PrimaryKeyConstraint("session_id", "person_id", name=op.f("pk_session_answer")),
    )
    with op.batch_alter_table("session_answer", schema=None) as batch_op:
        batch_op.create_index("ix_session_answer_person", ["person_id"], unique=False)

    op.create_table(
        "session_reminder",
        _session_fk(),
        sa.Column("minutes_before", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=12), server_default="pending", nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("queued", sa.Integer(), server_default="0", nullable=False),
        sa.Column("held", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["group_session.id"],
            name=op.f("fk_session_reminder_session_id_group_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "minutes_before", name=op.f("pk_session_reminder")),
    )
    with op.batch_alter_table("session_reminder", schema=None) as batch_op:
        batch_op.create_index("ix_session_reminder_state_due", ["state", "due_at"], unique=False)

    op.create_table(
        "session_attendance",
        _session_fk(),
        _person_fk(),
        sa.Column("came", sa.Boolean(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("feedback_asked_at", sa.DateTime(timezone=True), nullable=True),
        *_foreign_keys("session_attendance"),
        sa.PrimaryKeyConstraint("session_id", "person_id", name=op.f("pk_session_attendance")),
    )
    with op.batch_alter_table("session_attendance", schema=None) as batch_op:
        batch_op.create_index("ix_session_attendance_person", ["person_id"], unique=False)


def downgrade() -> None:
    for table, index in (
        ("session_attendance", "ix_session_attendance_person"),
        ("session_reminder", "ix_session_reminder_state_due"),
        ("session_answer", "ix_session_answer_person"),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(index)
        op.drop_table(table)
    with op.batch_alter_table("group_session", schema=None) as batch_op:
        batch_op.drop_index("ix_group_session_state_ends")
        batch_op.drop_index("ix_group_session_group_starts")
    op.drop_table("group_session")
