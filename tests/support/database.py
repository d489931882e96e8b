"""Where a test's Chorus keeps its data: an SQLite file in the test's folder, or, when the
end-to-end tests run on PostgreSQL, a database of the test's own on the server named by
CHORUS_TEST_POSTGRES_URL.

The end-to-end fixture `backend` (tests/e2e/conftest.py) chooses for each test. The
helpers below follow that choice, so a test written with them runs on both backends:
`database_url(folder)` for Chorus's settings and environment, `storage_url(folder)` to open
`Storage` directly (seeding), and `rows`/`execute` to read and change the database as a
person with the database in hand would. Outside an end-to-end test (unit tests,
benchmarks) everything is SQLite, as before.

On PostgreSQL each test gets a database of its worker's, migrated when the worker first
needs it and emptied before each test (every row deleted, sequences back at 1: quicker than
a new database, or a copy of a template, by a second or so a test). Names carry the pytest
worker's id, so workers running at once never share one.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import glob
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Awaitable, Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from bot.clock import SystemClock
from storage import schema
from storage.database import open_storage

POSTGRES_URL_VARIABLE = "CHORUS_TEST_POSTGRES_URL"
SQLITE = "sqlite"
POSTGRESQL = "postgresql"
DATABASE_FILE = "chorus.db"

T = TypeVar("T")


def postgres_configured() -> bool:
    """True if CHORUS_TEST_POSTGRES_URL names a PostgreSQL server for the tests."""
    return bool(os.environ.get(POSTGRES_URL_VARIABLE))


def worker() -> str:
    """This pytest process's name among those running at once ("main" without xdist)."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


class Row(tuple[Any, ...]):
    """A row read by `rows`: a tuple that can also be read by column name, as sqlite3.Row
    can (`row["id"]`, `dict(row)`)."""

    _names: tuple[str, ...]

    def __new__(cls, names: Sequence[str], values: Sequence[Any]) -> Row:
        row = super().__new__(cls, values)
        row._names = tuple(names)
        return row

    def keys(self) -> tuple[str, ...]:
        """The column names, in order."""
        return self._names

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return super().__getitem__(self._names.index(key))
        return super().__getitem__(key)


@dataclass(frozen=True)
class PostgresDatabase:
    """One test's database on the PostgreSQL server."""

    url: URL  # postgresql://... as Chorus's settings take it
    # The write-ahead log's file when the test began: what the test wrote is in it or after.
    wal_start: str

    @property
    def name(self) -> str:
        """The database's name on the server."""
        return str(self.url.database)


# The database of the end-to-end test running now in this process, if it is on PostgreSQL.
_current: PostgresDatabase | None = None


def current_postgres() -> PostgresDatabase | None:
    """The PostgreSQL database of the test running now, or None when it runs on SQLite."""
    return _current


def on_postgres() -> bool:
    """True if the test running now keeps its data on PostgreSQL."""
    return _current is not None


def database_file(folder: Path) -> Path:
    """The SQLite database file in a test's folder (on SQLite only)."""
    return folder / DATABASE_FILE


def database_url(folder: Path) -> str:
    """The database URL for a Chorus keeping its data for `folder`, as CHORUS_DATABASE_URL
    and the settings take it."""
    if _current is not None:
        return _current.url.render_as_string(hide_password=False)
    return f"sqlite:///{_migrated_file(folder)}"


def storage_url(folder: Path) -> URL:
    """The same database as `database_url`, with the driver `Storage` opens it with."""
    if _current is not None:
        return _current.url.set(drivername="postgresql+asyncpg")
    return make_url(f"sqlite+aiosqlite:///{_migrated_file(folder)}")


_sqlite_template: Path | None = None


def _migrated_file(folder: Path) -> Path:
    """The SQLite file in `folder`; if there is none yet, a copy of one this process
    migrated once (migrating each test's file anew would cost a quarter of a second)."""
    global _sqlite_template
    path = database_file(folder)
    if path.exists() or not folder.is_dir():
        return path
    if _sqlite_template is None:
        where = tempfile.mkdtemp(prefix="chorus-template-")
        atexit.register(shutil.rmtree, where, ignore_errors=True)
        template = Path(where) / DATABASE_FILE
        _background.run(lambda: _migrate(template))
        _sqlite_template = template
    shutil.copyfile(_sqlite_template, path)
    path.chmod(0o600)
    return path


async def _migrate(path: Path) -> None:
    storage = await open_storage(make_url(f"sqlite+aiosqlite:///{path}"), _now)
    await storage.close()


def folder_of(database: Path) -> Path:
    """The test folder of an SQLite database path (helpers that took a path still do)."""
    return database.parent


def _now() -> datetime:
    return SystemClock().now()


async def opened(folder: Path) -> Any:
    """The test's database, migrated, as `Storage` (the caller closes it)."""
    return await open_storage(storage_url(folder), SystemClock().now)


# --- reading and writing as a person with the database in hand --------------------------


def rows(folder: Path, query: str, *params: Any) -> list[Row]:
    """Rows of a query (`?` for each parameter) on the test's database, as a reader would
    see them, in SQLite's terms on both backends: times as SQLite stores them
    ('YYYY-MM-DD HH:MM:SS.ffffff', UTC), dates as 'YYYY-MM-DD', true and false as 1 and 0.
    Parameters may be given the same way, or as dates and aware datetimes."""
    if _current is None:
        return sqlite_rows(database_file(folder), query, *params)
    return _postgres_rows(_current, query, params)


def table_names(folder: Path) -> list[str]:
    """Every table in the test's database (SQLite's own aside)."""
    if _current is None:
        query = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    else:
        query = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    return sorted(str(row[0]) for row in rows(folder, query))


def sqlite_rows(path: Path, query: str, *params: Any) -> list[Row]:
    """Rows of a query on the SQLite file at `path` (the try-out's, say), whatever the
    test's backend."""
    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            result = conn.exec_driver_sql(query, tuple(_as_sqlite(value) for value in params))
            found = []
            if result.returns_rows:
                names = list(result.keys())
                found = [Row(names, row) for row in result.all()]
            conn.commit()
            return found
    finally:
        engine.dispose()


def execute(folder: Path, statement: str, *params: Any) -> None:
    """Change the test's database directly, committed at once."""
    rows(folder, statement, *params)


def _postgres_rows(database: PostgresDatabase, query: str, params: Sequence[Any]) -> list[Row]:
    async def run() -> list[Row]:
        engine = _engines.get(database.name)
        if engine is None:
            engine = create_async_engine(
                database.url.set(drivername="postgresql+asyncpg"), poolclass=NullPool
            )
            _engines[database.name] = engine
        async with engine.connect() as conn:
            result = await conn.exec_driver_sql(
                _dollar_parameters(query), tuple(_as_postgres(value) for value in params)
            )
            found = []
            if result.returns_rows:
                names = list(result.keys())
                found = [Row(names, [_as_sqlite(v) for v in row]) for row in result.all()]
            await conn.commit()
            return found

    return _background.run(run)


_engines: dict[str, AsyncEngine] = {}
_QUOTED_OR_MARK = re.compile(r"'(?:[^']|'')*'|\?")


def _dollar_parameters(query: str) -> str:
    """`?` parameters (SQLite's) as `$1`, `$2`... (PostgreSQL's), outside quoted text."""
    count = 0

    def number(match: re.Match[str]) -> str:
        nonlocal count
        if match.group() != "?":
            return match.group()
        count += 1
        return f"${count}"

    return _QUOTED_OR_MARK.sub(number, query)


def _as_sqlite(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


_SQLITE_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?")
_SQLITE_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _as_postgres(value: Any) -> Any:
    """A parameter written in SQLite's terms, as asyncpg takes it for a time or a date."""
    if isinstance(value, str):
        if _SQLITE_TIME.fullmatch(value):
            return datetime.fromisoformat(value).replace(tzinfo=UTC)
        if _SQLITE_DATE.fullmatch(value):
            return date.fromisoformat(value)
    return value


class _Background:
    """An event loop on a thread of its own, for PostgreSQL work asked for by plain
    (not async) code, such as `rows` called in a test's wait condition."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    def _start(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="test-db", daemon=True).start()
                self._loop = loop
            return self._loop

    def run(self, work: Callable[[], Awaitable[T]]) -> T:
        """Run `work` on the background loop; its result (waits for it)."""

        async def wrapped() -> T:
            return await work()

        future: Future[T] = asyncio.run_coroutine_threadsafe(wrapped(), self._start())
        return future.result(timeout=60)


_background = _Background()


# --- one database per test on PostgreSQL --------------------------------------------------


class _Server:
    """The PostgreSQL server of CHORUS_TEST_POSTGRES_URL, and this worker's databases on
    it: each made and migrated once, then emptied for each test."""

    def __init__(self, url: URL) -> None:
        self.url = url
        self._admin: AsyncEngine | None = None
        self._made: set[str] = set()

    @property
    def admin(self) -> AsyncEngine:
        if self._admin is None:
            self._admin = create_async_engine(
                self.url.set(drivername="postgresql+asyncpg"),
                poolclass=NullPool,
                isolation_level="AUTOCOMMIT",
            )
        return self._admin

    async def _do(self, *statements: str) -> None:
        async with self.admin.connect() as conn:
            for statement in statements:
                await conn.exec_driver_sql(statement)

    async def fresh(self, kind: str) -> PostgresDatabase:
        """This worker's database of this kind as if new: made and migrated the first time;
        after that emptied (every row deleted, every sequence back at 1), which is many
        times quicker than making a database, and leaves no one connected to it."""
        name = f"chorus_{kind}_{worker()}"
        url = self.url.set(database=name)
        if name not in self._made:
            await self._do(
                f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'
            )
            storage = await open_storage(url.set(drivername="postgresql+asyncpg"), _now)
            await storage.close()
            self._made.add(name)
        else:
            await self._empty(url)
        async with self.admin.connect() as conn:
            result = await conn.exec_driver_sql("SELECT pg_walfile_name(pg_current_wal_lsn())")
            wal_start = str(result.scalar_one())
        return PostgresDatabase(url, wal_start)

    async def _empty(self, url: URL) -> None:
        conn = await asyncpg.connect(url.render_as_string(hide_password=False))
        try:
            # Whatever the last test left connected (a killed process, say) goes.
            await conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            found = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            tables = {str(row[0]) for row in found} - {"alembic_version"}
            # Rows that others refer to go last.
            known = [t.name for t in reversed(schema.metadata.sorted_tables)]
            order = [t for t in known if t in tables] + sorted(tables - set(known))
            deletes = "".join(f'DELETE FROM "{table}";' for table in order)
            await conn.execute(
                f"BEGIN; {deletes} SELECT setval(c.oid::regclass, 1, false) FROM pg_class c"
                " WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace; COMMIT"
            )
        finally:
            await conn.close()

    async def files(self, database: PostgresDatabase) -> dict[str, bytes]:
        """The server's files that can hold what the test wrote: the database's own
        folder, the cluster-wide tables, and the write-ahead log since the test began,
        after a checkpoint has written every changed page out."""
        async with self.admin.connect() as conn:
            await conn.exec_driver_sql("CHECKPOINT")
            folder = Path(str((await conn.exec_driver_sql("SHOW data_directory")).scalar_one()))
            oid = (
                await conn.exec_driver_sql(
                    "SELECT oid FROM pg_database WHERE datname = $1", (database.name,)
                )
            ).scalar_one()
        found: dict[str, bytes] = {}
        logs = sorted(
            path
            for path in (folder / "pg_wal").iterdir()
            if re.fullmatch(r"[0-9A-F]{24}", path.name) and path.name >= database.wal_start
        )
        for path in [
            *(folder / "base" / str(oid)).iterdir(),
            *(folder / "global").iterdir(),
            *logs,
        ]:
            try:
                found[str(path.relative_to(folder))] = path.read_bytes()
            except (FileNotFoundError, IsADirectoryError):  # gone or renamed meanwhile
                continue
        return found

    async def done(self, database: PostgresDatabase) -> None:
        """The test is over: close what `rows` opened on its database."""
        engine = _engines.pop(database.name, None)
        if engine is not None:
            await engine.dispose()


_server: _Server | None = None


def _the_server() -> _Server:
    global _server
    if _server is None:
        _server = _Server(make_url(os.environ[POSTGRES_URL_VARIABLE]))
    return _server


def postgres_dump(database: PostgresDatabase) -> bytes:
    """`pg_dump` of the test's database: everything in it, as someone with a copy of it
    would read it."""
    dumpers = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"), key=_version)
    dumper = dumpers[-1] if dumpers else shutil.which("pg_dump")
    if dumper is None:
        raise AssertionError("pg_dump is needed to read a PostgreSQL database's dump")
    url = database.url.render_as_string(hide_password=False)
    return subprocess.run(
        [dumper, "--dbname", url], capture_output=True, check=True, timeout=60
    ).stdout


def _version(path: str) -> int:
    return int(Path(path).parents[1].name)


def postgres_files(database: PostgresDatabase) -> dict[str, bytes]:
    """The server's data files that can hold what the test wrote (see `_Server.files`)."""
    return _background.run(lambda: _the_server().files(database))


@dataclass
class Backend:
    """The backend a test runs on: "sqlite" or "postgresql"."""

    name: str

    @property
    def postgres(self) -> PostgresDatabase | None:
        """The test's PostgreSQL database, if it runs on PostgreSQL."""
        return _current


def use_backend(name: str) -> Iterator[Backend]:
    """For one test: keep its data on `name` ("sqlite" or "postgresql"); on PostgreSQL a
    fresh database, dropped afterwards. (The body of the end-to-end `backend` fixture.)"""
    global _current
    if name == SQLITE:
        yield Backend(SQLITE)
        return
    with fresh_postgres("e2e") as database:
        _current = database
        try:
            yield Backend(POSTGRESQL)
        finally:
            _current = None


@contextlib.contextmanager
def fresh_postgres(kind: str) -> Iterator[PostgresDatabase]:
    """A migrated database with nothing in it on the server of CHORUS_TEST_POSTGRES_URL,
    for one test (this worker's "e2e" or "storage" one)."""
    server = _the_server()
    database = _background.run(lambda: server.fresh(kind))
    try:
        yield database
    finally:
        _background.run(lambda: server.done(database))
