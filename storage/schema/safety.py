"""Safety (J6): safeguarding leads and risk alerts."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from storage.schema.base import UTC_TIME, metadata

# Coordinators an admin has marked as safeguarding leads: they receive risk alerts.
safeguarding_lead = Table(
    "safeguarding_lead",
    metadata,
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    Column("added_at", UTC_TIME, nullable=False),
)

# Words that matched the safeguarding phrases, waiting for the writer's answer to "Would
# you like someone to contact you?". The lead is told either way: with who the person is
# after a yes, without after a no or no answer by `ask_until`. The words are sealed, and
# erased once the alert is queued; the writer is known only by their keyed pseudonym.
risk_alert = Table(
    "risk_alert",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("group_id", Integer, ForeignKey("chorus_group.id", ondelete="SET NULL"), nullable=True),
    Column("pseudonym", String(64), nullable=False),
    Column("words", Text, nullable=True),
    # asked -> named | unnamed
    Column("state", String(8), nullable=False),
    Column("ask_until", UTC_TIME, nullable=False),
    Index("ix_risk_alert_state_ask_until", "state", "ask_until"),
)

# Following an alert through (migration 0006). State: asked -> named | unnamed -> closed.
# The words stay sealed until the alert is closed, so it can be raised again; who the
# person is (sealed) is kept only after they say yes, whenever that comes.
risk_alert.append_column(Column("raised_at", UTC_TIME, nullable=True))
# yes | no; NULL: no answer (yet)
risk_alert.append_column(Column("answer", String(8), nullable=True))
risk_alert.append_column(Column("identity", Text, nullable=True))
# What the detector saw, sealed.
risk_alert.append_column(Column("reason", Text, nullable=True))
# When the leads (or the admins) were first told; NULL: no one could be reached yet.
risk_alert.append_column(Column("told_at", UTC_TIME, nullable=True))
# When the tick looks again: to raise it to everyone if no one took it, or to retry.
risk_alert.append_column(Column("check_at", UTC_TIME, nullable=True))
risk_alert.append_column(Column("escalated_at", UTC_TIME, nullable=True))
risk_alert.append_column(
    Column("owner_id", Integer, ForeignKey("person.id", ondelete="SET NULL"), nullable=True)
)
risk_alert.append_column(Column("taken_at", UTC_TIME, nullable=True))
risk_alert.append_column(Column("closed_at", UTC_TIME, nullable=True))
# What was done, sealed.
risk_alert.append_column(Column("note", Text, nullable=True))
Index("ix_risk_alert_check_at", risk_alert.c.check_at)
