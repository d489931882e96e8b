"""The update journal, people, groups and their roles, steps, broadcasts and the outbox."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    false,
)

from storage.schema.base import UTC_TIME, metadata

# Raw updates waiting to be handled. Each holds a sender and their words, so a row is
# deleted the moment its update is handled.
update_journal = Table(
    "update_journal",
    metadata,
    Column("update_id", BigInteger, primary_key=True, autoincrement=False),
    Column("received_at", UTC_TIME, nullable=False),
    Column("payload", Text, nullable=False),
    # With replicas (CHORUS_REPLICAS): the replica handling the update and until when; a
    # keyed hash of its chat, so one chat's updates are handled in order across replicas.
    Column("claimed_by", String(64), nullable=True),
    Column("lease_until", UTC_TIME, nullable=True),
    Column("chat_tag", BigInteger, nullable=True),
    Index("ix_update_journal_chat_tag", "chat_tag"),
)

# Ids of every update stored (ids only, nothing else), so a second delivery of the same
# update is recognised and has no effect, whether or not the first is handled yet. Written
# with the journal row; pruned after a few days.
seen_update = Table(
    "seen_update",
    metadata,
    Column("update_id", BigInteger, primary_key=True, autoincrement=False),
    Column("seen_at", UTC_TIME, nullable=False, index=True),
)

person = Table(
    "person",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("telegram_id", BigInteger, nullable=False, unique=True),
    Column("chat_id", BigInteger, nullable=False),
    # The name others see; NULL means the member chose no name.
    Column("display_name", String(64), nullable=True),
    Column("is_coordinator", Boolean, nullable=False, server_default=false()),
    Column("paused", Boolean, nullable=False, server_default=false()),
    Column("created_at", UTC_TIME, nullable=False),
    # Set when Telegram says the person blocked the bot or left Telegram; nothing more is
    # queued for them until they come back.
    Column("unreachable_at", UTC_TIME, nullable=True),
    # "HH:MM-HH:MM" local, "off", or NULL for the default (21:00-08:00).
    Column("quiet_hours", String(11), nullable=True),
    # The language messages are worded in ("cy"); NULL until known, then English is used.
    Column("language", String(16), nullable=True),
    # Easy read: the plainer variant of every text.
    Column("easy_read", Boolean, nullable=False, server_default=false()),
)

group = Table(
    "chorus_group",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(80), nullable=False),
    Column("invite_code", String(32), nullable=False, unique=True),
    Column("created_by", Integer, ForeignKey("person.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", UTC_TIME, nullable=False),
)

membership = Table(
    "membership",
    metadata,
    Column(
        "group_id", Integer, ForeignKey("chorus_group.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    Column("joined_at", UTC_TIME, nullable=False),
    Index("ix_membership_person", "person_id"),
)

# Who left a group and when, kept only long enough for the coordinators' daily notice to
# say so (pruned after a few weeks); joining is the membership's own `joined_at`.
membership_departure = Table(
    "membership_departure",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", Integer, ForeignKey("chorus_group.id", ondelete="CASCADE"), nullable=False),
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
    Column("left_at", UTC_TIME, nullable=False),
    Index("ix_membership_departure_left_at", "left_at"),
)

group_coordinator = Table(
    "group_coordinator",
    metadata,
    Column(
        "group_id", Integer, ForeignKey("chorus_group.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_group_coordinator_person", "person_id"),
)

# One-time links an admin gives to someone to make them a coordinator.
coordinator_link = Table(
    "coordinator_link",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("created_by_telegram_id", BigInteger, nullable=False),
    Column("created_at", UTC_TIME, nullable=False),
    Column("expires_at", UTC_TIME, nullable=False),
    Column("used_at", UTC_TIME, nullable=True),
)

# The step a person is in the middle of (a typed answer the bot is waiting for). Kept in
# the database so an unfinished step survives a restart.
pending_step = Table(
    "pending_step",
    metadata,
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    Column("step", String(40), nullable=False),
    Column("data", Text, nullable=False, server_default="{}"),
    Column("updated_at", UTC_TIME, nullable=False),
)

# A coordinator's message to one or more groups, sent now or at a set time.
broadcast = Table(
    "broadcast",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_by", Integer, ForeignKey("person.id", ondelete="SET NULL"), nullable=True),
    Column("text", Text, nullable=False),
    # JSON: {"groups": [ids]}
    Column("audience", Text, nullable=False),
    Column("send_at", UTC_TIME, nullable=False),
    # scheduled -> sending -> done, or cancelled
    Column("state", String(12), nullable=False),
    Column("total", Integer, nullable=False, server_default="0"),
    Column("skipped_paused", Integer, nullable=False, server_default="0"),
    Column("skipped_unreachable", Integer, nullable=False, server_default="0"),
    Column("report_chat_id", BigInteger, nullable=False),
    Column("progress_message_id", BigInteger, nullable=True),
    Column("created_at", UTC_TIME, nullable=False),
    Column("finished_at", UTC_TIME, nullable=True),
    Index("ix_broadcast_state_send_at", "state", "send_at"),
)

# Every message that is not the direct reply to a person's own action waits here, written
# in the same transaction as the change that caused it, until the delivery worker sends it.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    # The same thing is never queued twice: e.g. "b12:345" for broadcast 12 to person 345.
    Column("dedupe_key", String(120), nullable=False, unique=True),
    Column("kind", String(30), nullable=False),
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=True),
    # For anonymous contributors: the chat id, encrypted; decrypted only to send.
    Column("return_address", Text, nullable=True),
    # JSON: {"text": "...", "buttons": [[[label, data], ...], ...]}
    Column("payload", Text, nullable=False),
    # Urgent messages go out in quiet hours and to paused members too.
    Column("urgent", Boolean, nullable=False, server_default=false()),
    Column("broadcast_id", Integer, ForeignKey("broadcast.id", ondelete="CASCADE"), nullable=True),
    Column("due_at", UTC_TIME, nullable=False),
    # pending -> sending -> sent | failed | skipped | cancelled
    Column("state", String(12), nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    # How many parts of a text longer than one message have gone.
    Column("parts_sent", Integer, nullable=False, server_default="0"),
    # Why it failed: an error kind and Telegram's description, never message contents.
    Column("last_error", String(200), nullable=True),
    Column("created_at", UTC_TIME, nullable=False),
    Column("sent_at", UTC_TIME, nullable=True),
    # With replicas: who is sending a "sending" row, and until when the claim holds (then
    # another replica takes it over).
    Column("claimed_by", String(64), nullable=True),
    Column("lease_until", UTC_TIME, nullable=True),
    Index("ix_outbox_state_due", "state", "due_at"),
    Index("ix_outbox_claimed_by", "claimed_by"),
    Index("ix_outbox_broadcast_state", "broadcast_id", "state"),
    Index("ix_outbox_person", "person_id"),
)
