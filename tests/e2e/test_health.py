"""/healthz reports readiness: 200 only when an update posted now could be stored."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url
from tornado.httpserver import HTTPServer
from tornado.web import Application

from bot.clock import SystemClock
from bot.intake.webhook import HEALTH_PATH, _HealthHandler
from storage.database import Storage, open_storage
from tests.support.chorus_run import free_port
from tests.support.database import opened, storage_url

# Asks /healthz of a storage: the status and how long the answer took, in seconds.
Ask = Callable[[Storage], Awaitable[tuple[int, float]]]


async def _database(folder: Path) -> Path:
    path = folder / "chorus.db"
    storage = await open_storage(make_url(f"sqlite+aiosqlite:///{path}"), SystemClock().now)
    await storage.close()
    return path


@pytest.fixture
async def health(tmp_path: Path) -> AsyncIterator[Ask]:
    """Serves /healthz for a storage on a free port; gives a function that asks it."""
    servers: list[HTTPServer] = []

    async def ask(storage: Storage) -> tuple[int, float]:
        port = free_port()
        server = HTTPServer(Application([(HEALTH_PATH, _HealthHandler, {"storage": storage})]))
        server.listen(port, address="127.0.0.1")
        servers.append(server)
        started = time.monotonic()
        async with httpx.AsyncClient(trust_env=False) as client:
            answer = await client.get(f"http://127.0.0.1:{port}{HEALTH_PATH}", timeout=10)
        return answer.status_code, time.monotonic() - started

    yield ask
    for server in servers:
        server.stop()


async def test_a_database_that_takes_writes_is_healthy(tmp_path: Path, health: Ask) -> None:
    await (await opened(tmp_path)).close()
    storage = Storage.open(storage_url(tmp_path), SystemClock().now)
    try:
        status, _ = await health(storage)
    finally:
        await storage.close()
    assert status == 200


@pytest.mark.sqlite_only  # a file opened read only
async def test_a_read_only_database_is_not_healthy(tmp_path: Path, health: Ask) -> None:
    path = await _database(tmp_path)
    url = make_url(f"sqlite+aiosqlite:///file:{path}?mode=ro&uri=true")
    storage = Storage.open(url, SystemClock().now)
    try:
        async with storage.read() as tx:  # it can still be read
            assert await tx.people.by_telegram_id(1) is None
        status, took = await health(storage)
    finally:
        await storage.close()
    assert (status, took < 1.0) == (503, True)


@pytest.mark.sqlite_only  # a file that may grow no further
async def test_a_full_database_is_not_healthy(tmp_path: Path, health: Ask) -> None:
    path = await _database(tmp_path)
    storage = Storage.open(make_url(f"sqlite+aiosqlite:///{path}"), SystemClock().now)
    assert storage._inline is not None
    writer = storage._inline._writer_connection()
    writer.exec_driver_sql("VACUUM")  # no free pages left to write into
    pages = writer.exec_driver_sql("PRAGMA page_count").scalar()
    # The file may grow no further: as if the disk were full.
    writer.exec_driver_sql(f"PRAGMA max_page_count={pages}")
    try:
        status, took = await health(storage)
    finally:
        await storage.close()
    assert (status, took < 1.0) == (503, True)


@pytest.mark.sqlite_only  # SQLite's write lock, held by another program
async def test_health_answers_within_a_second_while_another_program_holds_the_lock(
    tmp_path: Path, health: Ask
) -> None:
    path = await _database(tmp_path)
    storage = Storage.open(make_url(f"sqlite+aiosqlite:///{path}"), SystemClock().now)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        status, took = await health(storage)
        other.execute("ROLLBACK")
        again, _ = await health(storage)
    finally:
        other.close()
        await storage.close()
    assert (status, took < 1.0, again) == (503, True, 200)
