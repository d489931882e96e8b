"""Conversations: replies a member can answer, and what was said."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, String, Table, Text

from storage.schema.base import UTC_TIME, metadata
from storage.schema.followup import contributor_update
from storage.schema.safety import risk_alert

# Conversations (migration 0007).
# The writer of a risk alert's chat id, sealed: the one way back to them, so a lead can write
# to them through Chorus without learning who they are.
risk_alert.append_column(Column("return_address", Text, nullable=True))
# A coordinator's reply that opened a conversation the author can answer.
contributor_update.append_column(Column("conversation_id", String(16), nullable=True))

# A coordinator's reply to an item, or a lead writing to the
# person of a risk alert, that the member can answer. The member's side is a person (named
# items) or a pseudonym (anonymous items, alerts); an alert's member is reached only through
# its sealed return address, an item's through the item's own. Never a Telegram id.
conversation = Table(
    "conversation",
    metadata,
    # Random letters (they travel in buttons), never a number that counts conversations.
    Column("id", String(16), primary_key=True),
    # item | alert
    Column("kind", String(8), nullable=False),
    Column("item_id", BigInteger, ForeignKey("item.id", ondelete="CASCADE"), nullable=True),
    Column("alert_id", String(16), ForeignKey("risk_alert.id", ondelete="CASCADE"), nullable=True),
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=True),
    Column("pseudonym", String(64), nullable=True),
    Column("return_address", Text, nullable=True),
    # For an alert: the lead the person's answers go to (the last who wrote).
    Column("staff_id", Integer, ForeignKey("person.id", ondelete="SET NULL"), nullable=True),
    # open | closed
    Column("state", String(8), nullable=False),
    # member | staff, once closed
    Column("closed_by", String(8), nullable=True),
    Column("opened_at", UTC_TIME, nullable=False),
    Column("closed_at", UTC_TIME, nullable=True),
    Index("ix_conversation_item", "item_id"),
    Index("ix_conversation_alert", "alert_id"),
    Index("ix_conversation_person", "person_id", "state"),
    Index("ix_conversation_pseudonym", "pseudonym", "state"),
)

# What was said in a conversation, sealed. `direction`: in (from the member) | out (from a
# coordinator or lead, who is `by_person`). The member is never named here.
conversation_message = Table(
    "conversation_message",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "conversation_id",
        String(16),
        ForeignKey("conversation.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("direction", String(4), nullable=False),
    Column("text", Text, nullable=False),
    Column("by_person", Integer, ForeignKey("person.id", ondelete="SET NULL"), nullable=True),
    Column("at", UTC_TIME, nullable=False),
    Index("ix_conversation_message_conversation", "conversation_id", "id"),
)
