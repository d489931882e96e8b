"""The one-trip SQLite cursor: same results as SQLAlchemy's own adapter, one trip each."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.database import BUSY_TIMEOUT_MS, Storage
from storage.repositories import Tx
from storage.sqlite_driver import OneTripCursor
from tests.support.clock import FakeClock

_metadata = MetaData()
_things = Table(
    "thing",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String, nullable=False, unique=True),
)


@pytest.fixture
async def sqlite_db(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Storage]:
    """Storage on a fresh SQLite file, with one small table and no migrations, whose every
    statement goes through the driver."""
    db = Storage.open(
        make_url(f"sqlite+aiosqlite:///{tmp_path / 'd.db'}"), clock.now, inline=False
    )
    async with db.engine.begin() as conn:
        await conn.run_sync(_metadata.create_all)
    try:
        yield db
    finally:
        await db.close()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every function sent to a connection's thread, in order."""
    sent: list[str] = []
    original = aiosqlite.Connection._execute

    async def counting(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(getattr(fn, "__name__", type(fn).__name__))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counting)
    return sent


def _async_conn(tx: Tx) -> AsyncConnection:
    assert isinstance(tx.conn, AsyncConnection)
    return tx.conn


async def test_storage_uses_the_one_trip_cursor(sqlite_db: Storage) -> None:
    async with sqlite_db.read() as tx:
        raw = await _async_conn(tx).get_raw_connection()
        cursor = raw.cursor()

    assert isinstance(cursor, OneTripCursor)


async def test_a_select_is_one_trip_and_brings_back_every_row(
    sqlite_db: Storage, trips: list[str]
) -> None:
    async with sqlite_db.transaction() as tx:
        await tx.conn.execute(insert(_things), [{"name": f"n{i}"} for i in range(5)])
    async with sqlite_db.read() as tx:
        trips.clear()
        result = await tx.conn.execute(select(_things.c.name).order_by(_things.c.id))
        names = result.scalars().all()

    assert names == ["n0", "n1", "n2", "n3", "n4"]
    assert trips == ["_run"]


async def test_rows_come_one_at_a_time_or_in_batches(sqlite_db: Storage) -> None:
    async with sqlite_db.transaction() as tx:
        await tx.conn.execute(insert(_things), [{"name": f"n{i}"} for i in range(5)])
    async with sqlite_db.read() as tx:
        result = await tx.conn.execute(select(_things.c.name).order_by(_things.c.id))
        first = result.fetchone()
        batch = result.fetchmany(2)
        rest = result.fetchall()

    assert first is not None and first.name == "n0"
    assert [row.name for row in batch] == ["n1", "n2"]
    assert [row.name for row in rest] == ["n3", "n4"]


async def test_inserted_key_and_row_count_are_reported(sqlite_db: Storage) -> None:
    async with sqlite_db.transaction() as tx:
        first = await tx.conn.execute(insert(_things).values(name="a"))
        second = await tx.conn.execute(insert(_things).values(name="b"))
        changed = await tx.conn.execute(update(_things).values(name=_things.c.name + "!"))
        unchanged = await tx.conn.execute(
            update(_things).where(_things.c.id == 99).values(name="x")
        )

    assert first.inserted_primary_key == (1,)
    assert second.inserted_primary_key == (2,)
    assert changed.rowcount == 2
    assert unchanged.rowcount == 0


async def test_many_rows_in_one_statement_are_one_trip(
    sqlite_db: Storage, trips: list[str]
) -> None:
    async with sqlite_db.transaction() as tx:
        trips.clear()
        result = await tx.conn.execute(insert(_things), [{"name": f"n{i}"} for i in range(20)])
        assert result.rowcount == 20
        statements = [name for name in trips if name.startswith("_run")]
    async with sqlite_db.read() as tx:
        count = (await tx.conn.execute(text("SELECT count(*) FROM thing"))).scalar()

    assert statements == ["_run_many"]
    assert count == 20


async def test_a_broken_constraint_is_sqlalchemy_integrity_error_and_rolls_back(
    sqlite_db: Storage,
) -> None:
    with pytest.raises(IntegrityError):
        async with sqlite_db.transaction() as tx:
            await tx.conn.execute(insert(_things).values(name="same"))
            await tx.conn.execute(insert(_things).values(name="same"))
    async with sqlite_db.read() as tx:
        count = (await tx.conn.execute(text("SELECT count(*) FROM thing"))).scalar()

    assert count == 0


async def test_bad_sql_is_operational_error_and_the_connection_still_works(
    sqlite_db: Storage,
) -> None:
    async with sqlite_db.read() as tx:
        with pytest.raises(OperationalError):
            await tx.conn.execute(text("SELECT nothing FROM nowhere"))
    async with sqlite_db.read() as tx:
        assert (await tx.conn.execute(text("SELECT 1"))).scalar() == 1


async def test_concurrent_statements_on_many_connections_keep_their_own_rows(
    sqlite_db: Storage,
) -> None:
    async with sqlite_db.transaction() as tx:
        await tx.conn.execute(insert(_things), [{"name": f"n{i}"} for i in range(40)])

    async def name_of(thing_id: int) -> str | None:
        async with sqlite_db.read() as tx:
            query = select(_things.c.name).where(_things.c.id == thing_id)
            return (await tx.conn.execute(query)).scalar()

    names = await asyncio.gather(*(name_of(i) for i in range(1, 41)))

    assert names == [f"n{i}" for i in range(40)]


async def test_a_closed_connection_refuses_statements_clearly(sqlite_db: Storage) -> None:
    async with sqlite_db.engine.connect() as conn:
        raw = await conn.get_raw_connection()
        cursor = raw.cursor()
        assert isinstance(cursor, OneTripCursor)
        await raw.driver_connection.close()
        with pytest.raises(sqlite3.OperationalError, match=r"(?i)closed|no active connection"):
            await conn.run_sync(lambda _sync: cursor.execute("SELECT 1"))
        await conn.invalidate()


async def test_begin_travels_with_the_first_statement(
    sqlite_db: Storage, trips: list[str]
) -> None:
    async with sqlite_db.transaction() as tx:
        trips.clear()
        await tx.conn.execute(insert(_things).values(name="a"))
        await tx.conn.execute(insert(_things).values(name="b"))
        inside = list(trips)
    async with sqlite_db.read() as tx:
        count = (await tx.conn.execute(text("SELECT count(*) FROM thing"))).scalar()

    assert inside == ["_run", "_run"]
    assert trips[len(inside) :][:1] == ["_end"]  # the commit
    assert count == 2


async def test_a_read_ends_without_a_trip_when_no_transaction_is_open(
    sqlite_db: Storage, trips: list[str]
) -> None:
    async with sqlite_db.read() as tx:
        trips.clear()
        await tx.conn.execute(select(_things.c.id))

    assert trips == ["_run"]


async def test_a_transaction_that_ran_nothing_sends_nothing(
    sqlite_db: Storage, trips: list[str]
) -> None:
    trips.clear()
    async with sqlite_db.transaction():
        pass

    assert trips == []


async def test_a_failed_statement_rolls_back_what_the_transaction_wrote(
    sqlite_db: Storage, trips: list[str]
) -> None:
    with pytest.raises(OperationalError):
        async with sqlite_db.transaction() as tx:
            await tx.conn.execute(insert(_things).values(name="kept?"))
            await tx.conn.execute(text("INSERT INTO nowhere VALUES (1)"))
    async with sqlite_db.read() as tx:
        count = (await tx.conn.execute(text("SELECT count(*) FROM thing"))).scalar()

    assert "_end" in trips  # the rollback went to the thread
    assert count == 0


async def test_a_failed_begin_is_reported_and_leaves_no_transaction(
    sqlite_db: Storage, tmp_path: Path
) -> None:
    raw = sqlite3.connect(tmp_path / "d.db", timeout=0, isolation_level=None)
    raw.execute("BEGIN IMMEDIATE")
    try:
        async with sqlite_db.engine.connect() as conn:
            plain = await conn.execution_options(sqlite_begin=None)
            await plain.exec_driver_sql("PRAGMA busy_timeout=50")
            await plain.commit()
            with pytest.raises(OperationalError, match="locked"):
                async with conn.begin():
                    await conn.execute(insert(_things).values(name="never"))
            await plain.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            await plain.commit()
    finally:
        raw.execute("ROLLBACK")
        raw.close()
    async with sqlite_db.transaction() as tx:
        await tx.conn.execute(insert(_things).values(name="after"))
    async with sqlite_db.read() as tx:
        names = (await tx.conn.execute(select(_things.c.name))).scalars().all()

    assert names == ["after"]
