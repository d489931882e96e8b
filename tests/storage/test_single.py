"""One Chorus process per database: a second one is refused before it touches anything, and
the hold ends with the process however it ends."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from storage.single import DatabaseInUse, lock_path, only_process
from tests.support.database import fresh_postgres, postgres_configured

# A process that holds the database given on its command line until it is killed.
HOLDER = textwrap.dedent(
    """
    import asyncio, sys
    from sqlalchemy.engine import make_url
    from storage.single import only_process

    async def main():
        async with only_process(make_url(sys.argv[1])):
            print("holding", flush=True)
            await asyncio.Event().wait()

    asyncio.run(main())
    """
)
ROOT = Path(__file__).resolve().parents[2]


def _holder(url: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, url], stdout=subprocess.PIPE, text=True, env=env
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "holding"
    return process


@contextlib.contextmanager
def _urls(tmp_path: Path) -> Iterator[list[str]]:
    """An SQLite file, and this test process's own PostgreSQL database when a server is
    set (another process's tests may hold a lock on a database of their own meanwhile)."""
    urls = [f"sqlite+aiosqlite:///{tmp_path / 'chorus.db'}"]
    if not postgres_configured():
        yield urls
        return
    with fresh_postgres("storage") as database:
        url = database.url.set(drivername="postgresql+asyncpg")
        yield [*urls, url.render_as_string(hide_password=False)]


async def test_a_second_process_is_refused_until_the_first_is_killed(tmp_path: Path) -> None:
    with _urls(tmp_path) as urls:
        await _refused_until_killed(urls)


async def _refused_until_killed(urls: list[str]) -> None:
    for url in urls:
        holder = _holder(url)
        try:
            with pytest.raises(DatabaseInUse, match="another Chorus is already running"):
                async with only_process(make_url(url)):
                    pass
        finally:
            holder.send_signal(signal.SIGKILL)
            holder.wait(timeout=30)
        # Killed without a chance to clean up: the hold went with it.
        async with only_process(make_url(url)):
            pass


async def test_one_process_may_hold_its_own_database_twice(tmp_path: Path) -> None:
    url = make_url(f"sqlite+aiosqlite:///{tmp_path / 'chorus.db'}")
    async with only_process(url), only_process(url):
        pass
    # Released once the outer hold ends: another process can take it now.
    holder = _holder(url.render_as_string())
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)


def test_the_lock_file_sits_beside_the_database_readable_by_its_owner_only(
    tmp_path: Path,
) -> None:
    url = make_url(f"sqlite+aiosqlite:///{tmp_path / 'chorus.db'}")
    assert lock_path(url) == tmp_path / "chorus.db.lock"
    assert lock_path(make_url("sqlite+aiosqlite://")) is None
    assert lock_path(make_url("postgresql+asyncpg://u@h/db")) is None
    old = os.umask(0o022)
    try:
        holder = _holder(url.render_as_string())
    finally:
        os.umask(old)
    try:
        assert (tmp_path / "chorus.db.lock").stat().st_mode & 0o777 == 0o600
        assert not (tmp_path / "chorus.db").exists(), "the database itself was not touched"
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
