"""The connections of an SQLite file: reads that cannot write, and statements too slow for
the event loop reported."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.engine import URL, make_url

from storage.inline import InlineSQLite, is_file

_metadata = MetaData()
_things = Table(
    "thing", _metadata, Column("id", Integer, primary_key=True), Column("name", String)
)


@pytest.fixture
def inline(tmp_path: Path) -> Iterator[InlineSQLite]:
    """The connections of a fresh SQLite file with one small table."""
    inline = InlineSQLite(make_url(f"sqlite:///{tmp_path / 'i.db'}"), (), 1000)
    with inline.engine.connect() as conn:
        _metadata.create_all(conn)
    yield inline
    inline.close()


async def test_a_failed_read_calls_for_a_fresh_connection(inline: InlineSQLite) -> None:
    first = inline.lookup_connection()
    with pytest.raises(Exception, match="no such table"):
        await inline.reads.execute(select(Table("missing", MetaData(), Column("id", Integer))))
    assert inline.lookup_connection() is not first
    assert (await inline.reads.execute(select(func.count()).select_from(_things))).scalar() == 0


async def test_a_read_cannot_write(inline: InlineSQLite) -> None:
    with pytest.raises(Exception, match="readonly"):
        await inline.reads.execute(insert(_things).values(name="n"))


async def test_a_slow_statement_on_the_loop_is_reported(
    inline: InlineSQLite, caplog: pytest.LogCaptureFixture
) -> None:
    slow = select(func.count()).select_from(_things)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("storage.inline.SLOW_ON_LOOP", -1.0)  # every statement is slow
        await inline.reads.execute(slow)
    assert "declare its repository method off_loop" in caplog.text


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
