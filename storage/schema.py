"""The database schema (SQLAlchemy Core). Migrations in `storage/migrations` create it."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
)

from storage.types import UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# Every time is stored in UTC (see storage.types).
UTC_TIME = UTCDateTime()

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

# Input at arm's length (J3). One row per thing a member shared. The words are sealed
# (bot/crypto.py). An anonymous item holds no person, no Telegram id and no time of day:
# only the date, the keyed pseudonym (so its author can list and withdraw it) and the
# sealed return address (so updates reach them). Its id is random, not a sequence, so the
# order of rows does not tell when it came in relative to named items.
item = Table(
    "item",
    metadata,
    # On SQLite the id is the rowid itself (INTEGER PRIMARY KEY), so no hidden sequence
    # numbers the rows in the order they came.
    Column(
        "id",
        BigInteger().with_variant(Integer(), "sqlite"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("group_id", Integer, ForeignKey("chorus_group.id", ondelete="CASCADE"), nullable=False),
    # prompt | feedback | session | story
    Column("kind", String(12), nullable=False),
    Column("prompt_id", Integer, nullable=True),
    Column("session_id", Integer, nullable=True),
    # The private reference shown to the author (random letters, never derived from an id).
    Column("reference", String(12), nullable=False, unique=True),
    # Named items: the author. NULL for anonymous items.
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=True),
    # Anonymous items: HMAC-SHA256 of the author's Telegram id under the secret key.
    Column("pseudonym", String(64), nullable=True),
    # Anonymous items: the author's chat id, sealed; opened only to send them an update.
    Column("return_address", Text, nullable=True),
    # The words (text, or a caption), sealed. NULL for a voice note or photo without words.
    Column("body", Text, nullable=True),
    # voice | photo, with Telegram's file id sealed.
    Column("media_kind", String(8), nullable=True),
    Column("media_file_id", Text, nullable=True),
    # coordinators | quote_anonymous | quote_named: how the author lets it be used.
    Column("consent", String(16), nullable=False),
    # received | acknowledged | considering | meeting | outcome
    Column("status", String(12), nullable=False, server_default="received"),
    # changed | will_change | cannot_change, once status is outcome
    Column("outcome", String(16), nullable=True),
    # The local date it was given; anonymous items keep nothing finer.
    Column("given_on", Date, nullable=False),
    # When coordinators may see it: at once for named items, the next daily batch for
    # anonymous ones, so the moment it arrives does not point to its author.
    Column("visible_at", UTC_TIME, nullable=False),
    # Set when the author withdraws it; the words are erased then.
    Column("withdrawn_on", Date, nullable=True),
    # The text matched the safeguarding phrases.
    Column("risk", Boolean, nullable=False, server_default=false()),
    Index("ix_item_group_status", "group_id", "status"),
    Index("ix_item_person", "person_id"),
    Index("ix_item_pseudonym", "pseudonym"),
)

# Anonymous items waiting for the next daily batch (created by migration 0008). All of an
# item is sealed as one padded value; the row holds nothing else but a random id and the
# batch moment it waits for. At the batch every held item goes into `item` at once, in
# random order, in a commit that touches nothing of anyone's, so neither the commit that
# stores an item nor the ones around it point to whoever wrote it.
item_hold = Table(
    "item_hold",
    metadata,
    Column(
        "id",
        BigInteger().with_variant(Integer(), "sqlite"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("due_at", UTC_TIME, nullable=False, index=True),
    Column("sealed", Text, nullable=False),
)

# Prompts: a scenario or question a coordinator posts to a group, so people can speak about
# a situation without telling their own story. Members answer with a Respond button.
prompt = Table(
    "prompt",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", Integer, ForeignKey("chorus_group.id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_by", Integer, ForeignKey("person.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", UTC_TIME, nullable=False),
    # The last local day it takes answers; NULL: no end.
    Column("ends_on", Date, nullable=True),
    Index("ix_prompt_group", "group_id"),
)

# Observers: people who may read a group's items and outcomes, never who gave them.
group_observer = Table(
    "group_observer",
    metadata,
    Column(
        "group_id", Integer, ForeignKey("chorus_group.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    Column("added_at", UTC_TIME, nullable=False),
    Index("ix_group_observer_person", "person_id"),
)

# One-time links an admin gives to someone to make them an observer of one group.
observer_link = Table(
    "observer_link",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("group_id", Integer, ForeignKey("chorus_group.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTC_TIME, nullable=False),
    Column("expires_at", UTC_TIME, nullable=False),
    Column("used_at", UTC_TIME, nullable=True),
)

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

# Something a group's coordinators will do, gathering the items that led to it.
loop_action = Table(
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
loop_group_setting = Table(
    "loop_group_setting",
    metadata,
    Column(
        "group_id", Integer, ForeignKey("chorus_group.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("outcome_days", Integer, nullable=False),
)

# Daily work done (the coordinators' notice of new items and nudges), so a restart or a
# second tick on the same day does not repeat it.
loop_run = Table(
    "loop_run",
    metadata,
    Column("name", String(20), primary_key=True),
    Column("last_on", Date, nullable=False),
    Column("last_at", UTC_TIME, nullable=False),
)

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

# Leaving and taking back (migration 0017).
# The last local day a member lets their item be quoted; NULL: no end.
item.append_column(Column("quote_until", Date, nullable=True))

# Every copy of an item's words Chorus queued or sent, so taking the item back reaches
# each one: the queued message (its outbox row, whose sealed payload is erased) and, once
# sent, the message in someone's chat (edited to say it was taken back, or deleted). The
# chat is sealed like a return address and found by a keyed digest of chat and message, so
# a copy of the database alone does not say whose chat showed an anonymous item.
item_copy = Table(
    "item_copy",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_id", BigInteger, ForeignKey("item.id", ondelete="CASCADE"), nullable=False),
    # The outbox row that carries the words, if they went through the outbox.
    Column("outbox_id", Integer, nullable=True),
    # Once in a chat: the chat id (sealed), the message, and the keyed digest of both.
    Column("chat", Text, nullable=True),
    Column("message_id", BigInteger, nullable=True),
    Column("message_key", String(16), nullable=True),
    # card (the item alone) | list (among others) | media (its voice note or photo)
    Column("shape", String(8), nullable=False),
    # inbox | read | board | update: where it was shown (a member sees where it was quoted)
    Column("place", String(8), nullable=False),
    # The local date; nothing finer, as for anonymous items themselves.
    Column("shown_on", Date, nullable=False),
    Index("ix_item_copy_item", "item_id"),
    Index("ix_item_copy_outbox", "outbox_id"),
    Index("ix_item_copy_message", "message_key"),
)

# Replicas (CHORUS_REPLICAS, PostgreSQL): when each periodic tick next runs, so each runs
# once per interval across every replica.
tick_run = Table(
    "tick_run",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("next_at", UTC_TIME, nullable=False),
    Column("ran_by", String(64), nullable=True),
)

# Replicas alive (each writes its row every few seconds): the overall send rate is shared
# between those seen lately.
replica = Table(
    "replica",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("seen_at", UTC_TIME, nullable=False),
)

# Replicas: when each chat may next be sent a message (seconds since the epoch), shared so a
# chat's own limit holds whichever replica sends. The chat is a keyed hash, never its id;
# rows are removed a minute after they stop mattering.
chat_pace = Table(
    "chat_pace",
    metadata,
    Column("chat_tag", BigInteger, primary_key=True, autoincrement=False),
    Column("free_at", Float, nullable=False),
    # The replica whose reservation it is (it may extend its own).
    Column("held_by", String(64), nullable=False),
)

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

# Involvement payment (migration 0020).
# Each group's payment policy: per hour, per session or none (rate in pence), and what
# expenses it covers, in the coordinator's words.
payment_policy = Table(
    "payment_policy",
    metadata,
    Column(
        "group_id", Integer, ForeignKey("chorus_group.id", ondelete="CASCADE"), primary_key=True
    ),
    # hour | session | none
    Column("basis", String(8), nullable=False),
    Column("rate_pence", Integer, nullable=False, server_default="0"),
    Column("expenses", String(300), nullable=True),
    Column("set_at", UTC_TIME, nullable=False),
)

# How a member would like to be paid: paid | voucher | charity | none. A row means they
# have read the benefits notice.
payment_choice = Table(
    "payment_choice",
    metadata,
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    Column("choice", String(8), nullable=False),
    Column("chosen_at", UTC_TIME, nullable=False),
)

# The reference finance pays a member under, and the name to pay, set by a coordinator: the
# finance export carries these, never a Telegram id.
payee = Table(
    "payee",
    metadata,
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    Column("reference", String(32), nullable=False, unique=True),
    Column("name", String(80), nullable=True),
    Column("set_at", UTC_TIME, nullable=False),
)

# Claims: one per session someone came to (kind "session", from attendance), and expenses
# a member claims with a receipt photo (kind "expense"). Amounts in pence.
payment_claim = Table(
    "payment_claim",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
    Column("group_id", Integer, ForeignKey("chorus_group.id", ondelete="CASCADE"), nullable=False),
    Column(
        "session_id", Integer, ForeignKey("group_session.id", ondelete="SET NULL"), nullable=True
    ),
    Column("kind", String(8), nullable=False),
    Column("minutes", Integer, nullable=False, server_default="0"),
    Column("amount_pence", Integer, nullable=False),
    Column("receipt_file_id", Text, nullable=True),
    # pending | approved | queried
    Column("state", String(10), nullable=False),
    # What a coordinator asked about it.
    Column("query", String(600), nullable=True),
    # The local day of the session (or of the claim), for the finance export's period.
    Column("on_day", Date, nullable=False),
    Column("created_at", UTC_TIME, nullable=False),
    Column("decided_at", UTC_TIME, nullable=True),
    Index("ix_payment_claim_group_day", "group_id", "on_day"),
    Index("ix_payment_claim_person", "person_id"),
    Index("ix_payment_claim_session", "session_id"),
)
