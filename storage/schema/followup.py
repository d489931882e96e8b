"""The follow-up of input (J4): item events, meetings, actions, contributor updates."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, ForeignKey, Index, Integer, String, Table, Text

from storage.schema.base import UTC_TIME, metadata
from storage.schema.sharing import item

# Closing the loop (J4), created by migration 0005.

# The coordinators' daily notice counts the items that became visible since the last one,
# and the items of each group that have waited too long (by status, then date given).
Index("ix_item_visible_at", item.c.visible_at)
# Covering, so counting and listing the oldest need not read the rows themselves.
Index(
    "ix_item_group_status_given",
    item.c.group_id,
    item.c.status,
    item.c.given_on,
    item.c.id,
    item.c.withdrawn_on,
)

# What happened to each item, in order: acknowledged, being considered, taken to a
# meeting, an outcome, a reply, linked to an action. Shown to its author in /mine. A
# coordinator's words (a reply, what changed) are sealed like the item's own.
item_event = Table(
    "item_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_id", BigInteger, ForeignKey("item.id", ondelete="CASCADE"), nullable=False),
    # acknowledged | considering | meeting | outcome | reply | linked
    Column("kind", String(12), nullable=False),
    # changed | will_change | cannot_change, for an outcome
    Column("outcome", String(16), nullable=True),
    Column("text", Text, nullable=True),
    # For "will change": by when (a local date).
    Column("due_on", Date, nullable=True),
    Column("meeting_id", Integer, ForeignKey("meeting.id", ondelete="SET NULL"), nullable=True),
    Column("action_id", Integer, ForeignKey("loop_action.id", ondelete="SET NULL"), nullable=True),
    Column("by_person", Integer, ForeignKey("person.id", ondelete="SET NULL"), nullable=True),
    Column("at", UTC_TIME, nullable=False),
    Index("ix_item_event_item", "item_id", "id"),
    Index("ix_item_event_kind_at", "kind", "at"),
)

# A named meeting on a date that items are taken to.
meeting = Table(
    "meeting",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", Integer, ForeignKey("chorus_group.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(80), nullable=False),
    Column("held_on", Date, nullable=False),
    Column("created_at", UTC_TIME, nullable=False),
    Index("ix_meeting_group", "group_id", "held_on"),
)

# Something a group's coordinators will do, gathering the items that led to it (a follow-up
# action; the table keeps the name it was created with).
followup_action = Table(
    "loop_action",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", Integer, ForeignKey("chorus_group.id", ondelete="CASCADE"), nullable=False),
    Column("title", String(120), nullable=False),
    # planned | in_progress | done | not_possible
    Column("status", String(12), nullable=False, server_default="planned"),
    Column("created_by", Integer, ForeignKey("person.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", UTC_TIME, nullable=False),
    Column("updated_at", UTC_TIME, nullable=False),
    Index("ix_loop_action_group", "group_id", "updated_at"),
)

action_item = Table(
    "action_item",
    metadata,
    Column(
        "action_id", Integer, ForeignKey("loop_action.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("item_id", BigInteger, ForeignKey("item.id", ondelete="CASCADE"), primary_key=True),
    Column("linked_at", UTC_TIME, nullable=False),
    Index("ix_action_item_item", "item_id"),
)

# An action's history: each update a coordinator posted, and each change of status.
action_update = Table(
    "action_update",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("action_id", Integer, ForeignKey("loop_action.id", ondelete="CASCADE"), nullable=False),
    # The status set with this update, if it changed.
    Column("status", String(12), nullable=True),
    # What the coordinator wrote, sealed.
    Column("text", Text, nullable=True),
    Column("by_person", Integer, ForeignKey("person.id", ondelete="SET NULL"), nullable=True),
    Column("at", UTC_TIME, nullable=False),
    Index("ix_action_update_action", "action_id", "id"),
    Index("ix_action_update_at", "at"),
)

# Updates waiting to reach an item's author, gathered into one message at the rhythm they
# chose (as it happens, daily, weekly). A named author is found by person_id; an anonymous
# one only by the item's pseudonym, and reached through the item's sealed return address,
# never by any id of theirs.
contributor_update = Table(
    "contributor_update",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_id", BigInteger, ForeignKey("item.id", ondelete="CASCADE"), nullable=False),
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=True),
    Column("pseudonym", String(64), nullable=True),
    # What the update says (it quotes the author's words), sealed.
    Column("text", Text, nullable=False),
    # Never the same event (or the same action update for the same person) twice.
    Column("source", String(60), nullable=False, unique=True),
    Column("created_at", UTC_TIME, nullable=False),
    # When to look at it next: at once, at the next digest, or when quiet hours end.
    Column("due_at", UTC_TIME, nullable=False),
    # pending -> queued (in an outbox row) | dropped (item withdrawn, author gone)
    Column("state", String(8), nullable=False, server_default="pending"),
    Column("queued_at", UTC_TIME, nullable=True),
    Index("ix_contributor_update_state_due", "state", "due_at"),
    Index("ix_contributor_update_person", "person_id", "state"),
    Index("ix_contributor_update_pseudonym", "pseudonym", "state"),
)

# How a member hears about what happened to their words. No row: as it happens.
digest_preference = Table(
    "digest_preference",
    metadata,
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    # now | daily | weekly
    Column("rhythm", String(8), nullable=False),
    # Monday 0 .. Sunday 6, for weekly
    Column("weekday", Integer, nullable=False, server_default="0"),
    # Local wall time "HH:MM"
    Column("at_time", String(5), nullable=False, server_default="18:00"),
)

# Per group: days without an outcome before coordinators are nudged.
followup_setting = Table(
    "loop_group_setting",
    metadata,
    Column(
        "group_id", Integer, ForeignKey("chorus_group.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("outcome_days", Integer, nullable=False),
)

# Daily work done (the coordinators' notice of new items and nudges), so a restart or a
# second tick on the same day does not repeat it.
followup_run = Table(
    "loop_run",
    metadata,
    Column("name", String(20), primary_key=True),
    Column("last_on", Date, nullable=False),
    Column("last_at", UTC_TIME, nullable=False),
)
