"""One Chorus process per database: a second one refuses to start before it touches anything.

Two processes on one database would each send what the outbox holds, replay each other's
updates and keep their own rate limits, so members would get messages twice and Telegram's
limits would be broken. On an SQLite file the guard is an exclusive lock on a file beside
the database (`chorus.db.lock`); on PostgreSQL it is a session advisory lock, held on a
connection of its own. Both go away with the process, however it ends (even SIGKILL), so
a crash never leaves a stale lock behind.

With replicas (CHORUS_REPLICAS, PostgreSQL only) each replica holds the advisory lock shared:
any number of replicas run together, while a process without replicas configured still
refuses to start beside them (and they beside it).

Within one process the guard is shared: the try-out prepares its database and then runs the
bot on it, both under the one lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

# The advisory lock's key on PostgreSQL: any fixed number; "Chorus" in ASCII.
ADVISORY_KEY = 0x43686F727573


class DatabaseInUse(Exception):
    """Another Chorus process holds the database."""


@dataclass
class _Held:
    count: int
    release: Any


_held: dict[str, _Held] = {}


def lock_path(url: URL) -> Path | None:
    """The lock file beside an SQLite database file; None for memory or PostgreSQL."""
    if not url.drivername.startswith("sqlite") or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).with_name(Path(url.database).name + ".lock")


@contextlib.asynccontextmanager
async def only_process(url: URL, *, replicas: bool = False) -> AsyncIterator[None]:
    """Hold the database for this process until the block ends; `DatabaseInUse` if another
    process holds it (with `replicas`, if a process that is not a replica holds it)."""
    key = url.render_as_string(hide_password=False)
    held = _held.get(key)
    if held is not None:
        held.count += 1
    else:
        _held[key] = held = _Held(1, await _acquire(url, replicas))
    try:
        yield
    finally:
        held.count -= 1
        if held.count == 0:
            del _held[key]
            await held.release()


async def _acquire(url: URL, replicas: bool) -> Any:
    path = lock_path(url)
    if path is not None:
        return _lock_file(path)
    if url.drivername.startswith("postgresql"):
        return await _lock_postgres(url, replicas)

    async def nothing() -> None:
        return None

    return nothing


def _lock_file(path: Path) -> Any:
    # Readable by Chorus's own user only, like the database beside it.
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        raise DatabaseInUse(
            f"another Chorus is already running on {path.with_suffix('').name} in "
            f"{path.resolve().parent}; stop it first (only one may use a database at a time)."
        ) from None

    async def release() -> None:
        os.close(descriptor)

    return release


async def _lock_postgres(url: URL, replicas: bool) -> Any:
    engine = create_async_engine(url, pool_size=1, max_overflow=0)
    connection: AsyncConnection = await engine.connect()
    lock = "pg_try_advisory_lock_shared" if replicas else "pg_try_advisory_lock"
    try:
        taken = await connection.scalar(text(f"SELECT {lock}(:key)"), {"key": ADVISORY_KEY})
        # The lock belongs to the session, not to a transaction: end the implicit one so
        # the connection does not sit "idle in transaction".
        await connection.commit()
    except BaseException:
        await connection.close()
        await engine.dispose()
        raise
    if not taken:
        await connection.close()
        await engine.dispose()
        if replicas:
            raise DatabaseInUse(
                f"a Chorus without CHORUS_REPLICAS is already running on the PostgreSQL "
                f"database {url.database}; stop it first, or set CHORUS_REPLICAS=true there too."
            )
        raise DatabaseInUse(
            f"another Chorus is already running on the PostgreSQL database "
            f"{url.database}; stop it first (only one may use a database at a time)."
        )

    async def release() -> None:
        await connection.close()
        await engine.dispose()

    return release
