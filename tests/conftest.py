"""Fixtures shared by every test: a fake clock, migrated storage, and the services."""

from __future__ import annotations

import contextlib
import os
import ssl
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx._transports.default as httpx_transports
import pytest
from sqlalchemy.engine import make_url

from bot.crypto import Sealer
from bot.services import Services
from storage.database import Storage, open_storage
from tests.support.chorus_run import SECRET_KEY
from tests.support.clock import FakeClock
from tests.support.database import fresh_postgres

ADMIN_ID = 900_001
# As `chorus` itself does (bot/cli.py): python-telegram-bot's timedelta retry_after.
os.environ.setdefault("PTB_TIMEDELTA", "1")


def _share_ssl_contexts() -> None:
    """Every HTTP client made in a test process shares one SSL context per kind: making one
    reads the whole certificate bundle (about 80 ms), and each Chorus started in a test
    makes two clients that only ever speak plain HTTP to 127.0.0.1."""
    made: dict[tuple[bool, bool], ssl.SSLContext] = {}
    create = httpx_transports.create_ssl_context

    def shared(
        verify: ssl.SSLContext | str | bool = True, cert: Any = None, trust_env: bool = True
    ) -> ssl.SSLContext:
        if not isinstance(verify, bool) or cert is not None:
            return create(verify=verify, cert=cert, trust_env=trust_env)
        key = (verify, trust_env)
        if key not in made:
            made[key] = create(verify=verify, cert=cert, trust_env=trust_env)
        return made[key]

    httpx_transports.create_ssl_context = shared


_share_ssl_contexts()


def _backends() -> list[str]:
    """SQLite always; PostgreSQL too when CHORUS_TEST_POSTGRES_URL names a database."""
    backends = ["sqlite"]
    if os.environ.get("CHORUS_TEST_POSTGRES_URL"):
        backends.append("postgresql")
    return backends


# Fixtures that hold a test to one backend (tests/storage: `sqlite_storage` for what only
# SQLite has, `pair` for two writers or replicas at once, which only PostgreSQL has). A test
# using one is generated for that backend alone, not for both only to be skipped on one.
ONE_BACKEND = {"sqlite_storage": "sqlite", "pair": "postgresql"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests using `storage` run on each backend (see `_backends`), or on the one backend
    a fixture in ONE_BACKEND holds them to."""
    if "storage" not in metafunc.fixturenames:
        return
    backends = _backends()
    for fixture, only in ONE_BACKEND.items():
        if fixture in metafunc.fixturenames:
            backends = [only]
    metafunc.parametrize("storage", backends, indirect=True)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Long tests first, then the end-to-end ones, then the rest: workers running at once
    take the longest work early and finish at about the same time."""

    def weight(item: pytest.Item) -> int:
        if item.get_closest_marker("long") is not None:
            return 0
        return 1 if item.get_closest_marker("e2e") is not None else 2

    items.sort(key=weight)


@pytest.fixture
def clock() -> FakeClock:
    """A fake clock starting at 3 March 2026, 14:00 UTC."""
    return FakeClock()


@pytest.fixture
async def storage(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[Storage]:
    """Migrated storage on each backend: a fresh SQLite file, or a fresh PostgreSQL
    database copied from a migrated template (one per test process, so that parallel
    workers never share one)."""
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            url = make_url(f"sqlite+aiosqlite:///{tmp_path / 'chorus.db'}")
        else:
            database = stack.enter_context(fresh_postgres("storage"))
            url = database.url.set(drivername="postgresql+asyncpg")
        db = await open_storage(url, clock.now)
        try:
            yield db
        finally:
            await db.close()


@pytest.fixture
def sealer() -> Sealer:
    """A sealer with the tests' secret key."""
    return Sealer(SECRET_KEY.encode())


@pytest.fixture
def services(storage: Storage, clock: FakeClock, sealer: Sealer) -> Services:
    """The services over the test storage, with one configured admin (ADMIN_ID)."""
    return Services.build(storage, clock, frozenset({ADMIN_ID}), sealer)
