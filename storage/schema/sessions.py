"""Group sessions (J2): meetings, answers, reminders and attendance."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, ForeignKey, Index, Integer, String, Table

from storage.schema.base import UTC_TIME, metadata

# Sessions (J2): group meetings, members' answers, reminders and attendance. Created by
# migration 0003.
group_session = Table(
    "group_session",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", Integer, ForeignKey("chorus_group.id", ondelete="CASCADE"), nullable=False),
    Column("title", String(120), nullable=False),
    Column("starts_at", UTC_TIME, nullable=False),
    Column("ends_at", UTC_TIME, nullable=False),
    Column("place", String(300), nullable=True),
    Column("link", String(300), nullable=True),
    Column("access_notes", String(600), nullable=True),
    # For sessions on difficult subjects: what will be talked about, so people can choose.
    Column("content_note", String(600), nullable=True),
    # Places for people going; NULL means no limit.
    Column("capacity", Integer, nullable=True),
    # Reminder times in minutes before the start, comma separated ("1440,120"); "" for none.
    Column("reminders", String(60), nullable=False),
    # Involvement time each attendance counts, in minutes, when not the session's length.
    Column("hours_minutes", Integer, nullable=True),
    # active | cancelled
    Column("state", String(12), nullable=False, server_default="active"),
    # The calendar file's UID and SEQUENCE: a change gives the same UID a higher sequence.
    Column("uid", String(64), nullable=False, unique=True),
    Column("sequence", Integer, nullable=False, server_default="0"),
    Column("created_by", Integer, ForeignKey("person.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", UTC_TIME, nullable=False),
    # When the group's coordinators were asked to mark who came.
    Column("attendance_asked_at", UTC_TIME, nullable=True),
    Index("ix_group_session_group_starts", "group_id", "starts_at"),
    Index("ix_group_session_state_ends", "state", "ends_at"),
)

# A member's answer to a session. Waiting-list order is `waiting_since`.
session_answer = Table(
    "session_answer",
    metadata,
    Column(
        "session_id",
        Integer,
        ForeignKey("group_session.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    # going | maybe | no | waiting
    Column("answer", String(8), nullable=False),
    Column("answered_at", UTC_TIME, nullable=False),
    Column("waiting_since", UTC_TIME, nullable=True),
    # The message (in the member's chat) whose button they answered with: edited when they
    # move up from the waiting list, so it never goes on saying they are waiting.
    Column("message_id", BigInteger, nullable=True),
    Index("ix_session_answer_person", "person_id"),
)

# Each reminder of a session, due at a local wall time (so it holds across clock changes),
# and what became of it: nothing is dropped without a record.
session_reminder = Table(
    "session_reminder",
    metadata,
    Column(
        "session_id",
        Integer,
        ForeignKey("group_session.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("minutes_before", Integer, primary_key=True, autoincrement=False),
    Column("due_at", UTC_TIME, nullable=False),
    # pending -> sent | late (sent after its time, before the start) | missed (the session
    # had begun) | superseded (a nearer reminder was due too)
    Column("state", String(12), nullable=False, server_default="pending"),
    Column("handled_at", UTC_TIME, nullable=True),
    # Messages queued, and people not reminded because a pause or their quiet hours would
    # have held the reminder past the start.
    Column("queued", Integer, nullable=False, server_default="0"),
    Column("held", Integer, nullable=False, server_default="0"),
    Index("ix_session_reminder_state_due", "state", "due_at"),
)

# Who came to a session, as a coordinator marked it, and the involvement time it counts.
session_attendance = Table(
    "session_attendance",
    metadata,
    Column(
        "session_id",
        Integer,
        ForeignKey("group_session.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    Column("came", Boolean, nullable=False),
    # Involvement time counted; 0 for someone who did not come.
    Column("minutes", Integer, nullable=False),
    Column("marked_at", UTC_TIME, nullable=False),
    # When the short question about how it was went to them (those who came).
    Column("feedback_asked_at", UTC_TIME, nullable=True),
    Index("ix_session_attendance_person", "person_id"),
)
