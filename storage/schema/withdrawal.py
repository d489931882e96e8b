"""Removal reasons, and the alerts that quoted an item's words."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, String, Table, Text

from storage.schema.base import UTC_TIME, metadata
from storage.schema.core import membership_departure
from storage.schema.safety import risk_alert

# A coordinator's reason for removing a member, and the alerts that quoted an item's words
# (migration 0018).
# Why a coordinator removed the member (sealed; NULL: they left, or no reason was kept). Only
# the group's coordinators and the member themselves (in /mydata) ever see it.
membership_departure.append_column(Column("reason", Text, nullable=True))
# The item an alert's words went into, as a keyed digest of its id, so taking the item back
# reaches the alert without a copy of the database linking an alert to anyone's item.
risk_alert.append_column(Column("item_key", String(16), nullable=True))
# When that item was taken back: the alert stays (a lead must know someone may have been at
# risk), its words are erased and every message that quoted them is edited to say so.
risk_alert.append_column(Column("withdrawn_at", UTC_TIME, nullable=True))
Index("ix_risk_alert_item_key", risk_alert.c.item_key)
# Every message that told a lead of an alert (and so quoted its words): queued (its outbox
# row), then in the lead's chat (the chat sealed like a return address).
alert_copy = Table(
    "alert_copy",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "alert_id", String(16), ForeignKey("risk_alert.id", ondelete="CASCADE"), nullable=False
    ),
    Column("outbox_id", Integer, nullable=True),
    Column("chat", Text, nullable=True),
    Column("message_id", BigInteger, nullable=True),
    Index("ix_alert_copy_alert", "alert_id"),
    Index("ix_alert_copy_outbox", "outbox_id"),
)
