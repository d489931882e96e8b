"""Fixtures for end-to-end tests: the fake Bot API and a Chorus running against it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.support.buttons import assert_every_button_reads_back
from tests.support.chorus_run import RunningChorus, running_chorus, settings_for
from tests.support.database import (
    POSTGRESQL,
    SQLITE,
    Backend,
    postgres_configured,
    use_backend,
)
from tests.support.fake_bot_api import FakeBotApi

ADMIN = 700_001
HERE = Path(__file__).parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sqlite_only(why): an end-to-end test of something only SQLite has (its files, its"
        " lock), run on SQLite alone",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every end-to-end test runs on SQLite, and on PostgreSQL too when
    CHORUS_TEST_POSTGRES_URL names a server (as in CI), unless it is marked `sqlite_only`.
    CHORUS_TEST_E2E_POSTGRES=0 leaves them on SQLite alone, the replicas' tests aside: those
    run on PostgreSQL alone (they are skipped without it), never generated for SQLite."""
    if "backend" not in metafunc.fixturenames:
        return
    if metafunc.module.__name__.endswith("test_replicas"):
        metafunc.parametrize("backend", [POSTGRESQL], indirect=True, scope="function")
        return
    backends = [SQLITE]
    on_postgres = postgres_configured() and os.environ.get("CHORUS_TEST_E2E_POSTGRES") != "0"
    if on_postgres and metafunc.definition.get_closest_marker("sqlite_only") is None:
        backends.append(POSTGRESQL)
    metafunc.parametrize("backend", backends, indirect=True, scope="function")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is marked `e2e`, so the fast suite can leave them out."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    """Where this test's Chorus keeps its data: an SQLite file in tmp_path, or a fresh
    PostgreSQL database of its own (see tests/support/database.py)."""
    yield from use_backend(getattr(request, "param", SQLITE))


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    """A fake Bot API on 127.0.0.1 that fails the test on any method it does not know, or
    on any button the bot sent that it could not read back when tapped."""
    async with FakeBotApi() as api:
        yield api
        api.assert_no_unknown_calls()
        assert_every_button_reads_back(api.calls)


@pytest.fixture
async def chorus(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningChorus]:
    """Chorus in polling mode, with ADMIN as its admin."""
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake) as running:
        yield running
