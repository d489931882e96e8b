"""The database and its companion files, and the key file, are readable by Chorus's own user
only, whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.settings import load_secret_key, load_settings
from storage.database import Storage, open_storage
from storage.tx import Tx
from storage.types import off_loop


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most systems start with (022: files readable by everyone)."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _now() -> datetime:
    return datetime(2026, 3, 3, 12, 0, tzinfo=UTC)


async def _write_something(storage: Storage, telegram_id: int = 101) -> None:
    async with storage.transaction() as tx:
        await tx.people.ensure(telegram_id, telegram_id, "Sam", _now())


@pytest.mark.usefixtures("usual_umask")
async def test_a_new_database_and_its_log_files_are_private(tmp_path: Path) -> None:
    database = tmp_path / "chorus.db"
    storage = await open_storage(make_url(f"sqlite+aiosqlite:///{database}"), _now)
    try:
        await _write_something(storage)
        # Reads through the pool as well as the writer's own connection.
        async with storage.read() as tx:
            await tx.conn.execute(text("SELECT count(*) FROM person"))
        files = [database, tmp_path / "chorus.db-wal", tmp_path / "chorus.db-shm"]
        assert all(path.exists() for path in files)
        assert {path.name: _mode(path) for path in files} == {path.name: 0o600 for path in files}
    finally:
        await storage.close()


@pytest.mark.usefixtures("usual_umask")
async def test_files_made_readable_to_others_before_are_made_private(tmp_path: Path) -> None:
    database = tmp_path / "chorus.db"
    storage = await open_storage(make_url(f"sqlite+aiosqlite:///{database}"), _now)
    await _write_something(storage)
    await storage.close()
    for path in tmp_path.iterdir():
        path.chmod(0o644)
    storage = await open_storage(make_url(f"sqlite+aiosqlite:///{database}"), _now)
    try:
        await _write_something(storage)
        assert {p.name: _mode(p) for p in tmp_path.iterdir()} == {
            p.name: 0o600 for p in tmp_path.iterdir()
        }
    finally:
        await storage.close()


@pytest.mark.usefixtures("usual_umask")
def test_a_new_key_file_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("CHORUS_"):
            monkeypatch.delenv(name)
    key_file = tmp_path / "chorus.key"
    load_secret_key(load_settings(require_token=False, secret_key_file=key_file))
    assert _mode(key_file) == 0o600


async def test_a_checkpoint_empties_the_write_ahead_log(tmp_path: Path) -> None:
    database = tmp_path / "chorus.db"
    for number in range(2):
        storage = Storage.open(make_url(f"sqlite+aiosqlite:///{database}"), _now)
        try:
            await storage.upgrade()
            await _write_something(storage, 200 + number)
            assert (tmp_path / "chorus.db-wal").stat().st_size > 0
            await storage.checkpoint()
            assert (tmp_path / "chorus.db-wal").stat().st_size == 0
        finally:
            await storage.close()


class _OffLoop:
    def __init__(self, tx: Tx) -> None:
        self._conn = tx.conn

    @off_loop
    async def secure_delete(self) -> object:
        return (await self._conn.execute(text("PRAGMA secure_delete"))).scalar()


async def test_every_connection_overwrites_what_it_deletes(tmp_path: Path) -> None:
    storage = await open_storage(make_url(f"sqlite+aiosqlite:///{tmp_path / 'chorus.db'}"), _now)
    try:
        found = []
        async with storage.transaction() as tx:  # the writer
            found.append((await tx.conn.execute(text("PRAGMA secure_delete"))).scalar())
        async with storage.read() as tx:  # reads on the event loop's thread
            found.append((await tx.conn.execute(text("PRAGMA secure_delete"))).scalar())
        async with storage.read() as tx:  # and on a reading thread
            found.append(await _OffLoop(tx).secure_delete())
        assert found == [1, 1, 1]
    finally:
        await storage.close()
