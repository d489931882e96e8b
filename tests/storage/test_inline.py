"""Statements on the event loop's own thread, and those given many rows, sent elsewhere."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.engine import URL, Connection, make_url

from storage.inline import BULK_ROWS, InlineConnection, InlineSQLite, is_file

_metadata = MetaData()
_things = Table(
    "thing", _metadata, Column("id", Integer, primary_key=True), Column("name", String)
)


@pytest.fixture
def connection(tmp_path: Path) -> Iterator[Connection]:
    """A plain SQLite connection, in autocommit, with one small table."""
    inline = InlineSQLite(make_url(f"sqlite:///{tmp_path / 'i.db'}"), (), 1000)
    with inline.engine.connect() as conn:
        _metadata.create_all(conn)
        yield conn
    inline.close()


class _Elsewhere:
    """Runs what it is given, noting how many times it was asked."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, run: Callable[[], Any]) -> Any:
        self.calls += 1
        return run()


async def test_a_statement_given_many_rows_runs_elsewhere(connection: Connection) -> None:
    elsewhere = _Elsewhere()
    inline = InlineConnection(lambda: connection, lambda: None, elsewhere)

    rows = [{"name": f"n{i}"} for i in range(BULK_ROWS)]
    result = await inline.execute(insert(_things), rows)
    assert result.rowcount == BULK_ROWS
    assert elsewhere.calls == 1

    await inline.execute(insert(_things), rows[: BULK_ROWS - 1])
    await inline.execute(select(_things).where(_things.c.id == 1))
    assert elsewhere.calls == 1
    count = (await inline.execute(select(func.count()).select_from(_things))).scalar_one()
    assert count == 2 * BULK_ROWS - 1


async def test_a_failed_statement_calls_for_a_fresh_connection(connection: Connection) -> None:
    dropped: list[bool] = []
    inline = InlineConnection(lambda: connection, lambda: dropped.append(True))
    with pytest.raises(Exception, match="no such table"):
        await inline.execute(select(Table("missing", MetaData(), Column("id", Integer))))
    assert dropped == [True]


@pytest.mark.parametrize(
    ("url", "file"),
    [
        ("sqlite+aiosqlite:///chorus.db", True),
        ("sqlite+aiosqlite:////var/lib/chorus/chorus.db", True),
        ("sqlite+aiosqlite://", False),
        ("sqlite+aiosqlite:///:memory:", False),
        ("sqlite+aiosqlite:///file:shared?mode=memory&uri=true", False),
    ],
)
def test_only_a_database_in_a_file_runs_inline(url: str, file: bool) -> None:
    parsed: URL = make_url(url)
    assert is_file(parsed) is file
