"""Involvement payment: policies, choices, payees and claims."""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table, Text

from storage.schema.base import UTC_TIME, metadata

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

# Claims of people who asked to be forgotten, kept only as the organisation's accounts need
# them: which group, session and day, what kind, the time and amount, how it was to be
# paid, and the payee reference finance paid under; nothing else about who.
kept_payment = Table(
    "kept_payment",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", Integer, ForeignKey("chorus_group.id", ondelete="CASCADE"), nullable=False),
    Column(
        "session_id", Integer, ForeignKey("group_session.id", ondelete="SET NULL"), nullable=True
    ),
    Column("kind", String(8), nullable=False),
    Column("minutes", Integer, nullable=False, server_default="0"),
    Column("amount_pence", Integer, nullable=False),
    Column("choice", String(8), nullable=True),
    Column("payee_reference", String(32), nullable=True),
    Column("on_day", Date, nullable=False),
    Index("ix_kept_payment_group_day", "group_id", "on_day"),
)

# Receipt photos shown to a coordinator (the chat sealed like a return address), so that
# forgetting the person who sent them deletes them from the chat.
receipt_copy = Table(
    "receipt_copy",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "claim_id", Integer, ForeignKey("payment_claim.id", ondelete="CASCADE"), nullable=False
    ),
    Column("chat", Text, nullable=False),
    Column("message_id", Integer, nullable=False),
    Column("shown_on", Date, nullable=False),
    Index("ix_receipt_copy_claim", "claim_id"),
)
