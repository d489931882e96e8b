"""Statements shared by the repositories: inserts that ignore a row already there."""

from __future__ import annotations

import functools

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

from storage.types import Executor


def insert_ignoring_duplicates(conn: Executor, table: Table) -> Insert:
    """An INSERT that skips rows whose key already exists, on either backend (built once for
    each; give it the values when executing it)."""
    return ignoring_duplicates(conn.dialect.name, table)


@functools.cache
def ignoring_duplicates(dialect_name: str, table: Table) -> Insert:
    if dialect_name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()
