"""Replicas: ticks shared between replicas, the replicas alive, and each chat's pace."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, String, Table

from storage.schema.base import UTC_TIME, metadata

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
