"""Input at arm's length (J3): items, held anonymous items, prompts and observers."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    false,
)

from storage.schema.base import UTC_TIME, metadata

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
