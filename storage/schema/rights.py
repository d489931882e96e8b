"""Data rights (J7): requests, erasures and the hours kept for the accounts."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, String, Table

from storage.schema.base import UTC_TIME, metadata
from storage.schema.conversations import conversation_message
from storage.schema.core import membership, membership_departure, outbox
from storage.schema.followup import action_update, contributor_update, item_event
from storage.schema.safety import risk_alert
from storage.schema.sessions import group_session

# Data rights (migration 0016).
# Each time a person asked for their data (`/mydata`), so they can ask only a few times a day.
data_request = Table(
    "data_request",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
    Column("requested_at", UTC_TIME, nullable=False),
    Index("ix_data_request_person", "person_id", "requested_at"),
)

# A person's `/forgetme`: asked (waiting for the confirmation that carries `token`), then
# erasing (confirmed; the erasing tick finishes it after a crash). The row goes with the
# person row itself, in the last step of the erasing.
erasure = Table(
    "erasure",
    metadata,
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    Column("token", String(16), nullable=False),
    # asked | erasing
    Column("state", String(8), nullable=False),
    # Anonymous items: kept with no way back to the person (true) or deleted (false).
    Column("keep_anonymous", Boolean, nullable=True),
    Column("asked_at", UTC_TIME, nullable=False),
    Column("started_at", UTC_TIME, nullable=True),
    Index("ix_erasure_state", "state"),
)

# Involvement time of people who asked to be forgotten: only what the organisation's
# accounts need (which group, which session, how long, which day), nothing about who.
kept_hours = Table(
    "kept_hours",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", Integer, ForeignKey("chorus_group.id", ondelete="CASCADE"), nullable=True),
    Column(
        "session_id", Integer, ForeignKey("group_session.id", ondelete="SET NULL"), nullable=True
    ),
    Column("minutes", Integer, nullable=False),
    Column("on_day", Date, nullable=False),
)

# The wording of the join message a member agreed to (its version, named in
# bot/services/rights.py); NULL for those who joined before versions were kept.
membership.append_column(Column("consent_wording", String(24), nullable=True))

# Messages to an anonymous item's sealed return address are found by it when the item is
# taken back or its author forgotten.
Index("ix_outbox_return_address", outbox.c.return_address)
# Deleting a person (or their items) makes the database look for rows that point to them:
# without these, each delete would read the whole of these tables.
Index("ix_item_event_by_person", item_event.c.by_person)
Index("ix_action_update_by_person", action_update.c.by_person)
Index("ix_conversation_message_by_person", conversation_message.c.by_person)
Index("ix_contributor_update_item", contributor_update.c.item_id)
Index("ix_membership_departure_person", membership_departure.c.person_id)
Index("ix_risk_alert_pseudonym", risk_alert.c.pseudonym)
Index("ix_group_session_created_by", group_session.c.created_by)
