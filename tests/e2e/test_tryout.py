"""The try-out's start: sample people and group on first start, the same ones after a restart."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from bot.settings import SettingsError
from bot.tryout.run import DATABASE_FILE, TryoutOptions, check_options
from bot.tryout.sample import SAMPLE_GROUP, SAMPLE_SESSION
from tests.support.tryout_run import running_tryout


def _names(folder: Path, query: str) -> list[str]:
    with sqlite3.connect(folder / DATABASE_FILE) as db:
        return [row[0] for row in db.execute(query)]


async def test_a_restart_keeps_people_and_time_and_makes_no_second_sample_group(
    tmp_path: Path,
) -> None:
    async with running_tryout(tmp_path) as first:
        base = first.api.page_url
        async with httpx.AsyncClient(base_url=base, trust_env=False) as client:
            added = (await client.post("tryout/people", json={"name": "Kim"})).json()
            await client.post("tryout/clock", json={"move": "day"})
        invite = first.api.framing["invite"]
    async with running_tryout(tmp_path) as second:
        people = {person.name: person.role for person in second.api.people.values()}
        assert people == {
            "Alex": "admin",
            "Jo": "coordinator",
            "Sam": "member",
            "Priya": "member",
            "Dev": "member",
            "Ana": "member",
            "Lee": "member",
            "Robin": "newcomer",
            "Kim": "newcomer",
        }
        assert added["id"] in second.api.people
        assert second.api.framing["invite"] == invite
        # Time moved forward stays moved: what was due then is still due.
        assert second.api.clock.offset == timedelta(days=1)
    assert _names(tmp_path, "SELECT name FROM chorus_group") == [SAMPLE_GROUP]
    assert _names(tmp_path, "SELECT title FROM group_session") == [SAMPLE_SESSION]


def test_only_127_0_0_1_unless_allowed(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"only listens on 127\.0\.0\.1"):
        check_options(TryoutOptions(host="0.0.0.0", data_dir=tmp_path))
    check_options(TryoutOptions(host="0.0.0.0", allow_remote=True, data_dir=tmp_path))
    check_options(TryoutOptions(data_dir=tmp_path))
