"""Leaving and taking back: how long an item may be quoted, and every copy of its words."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, ForeignKey, Index, Integer, String, Table, Text

from storage.schema.base import metadata
from storage.schema.sharing import item

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
