"""The try-out's start: sample people and group on first start, the same ones after a restart."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.settings import SettingsError
from bot.tryout.run import DATABASE_FILE, PEOPLE_FILE, TryoutOptions, check_options
from bot.tryout.sample import SAMPLE_GROUP, SAMPLE_SESSION
from tests.support.database import sqlite_rows
from tests.support.tryout_run import running_tryout

# The try-out keeps its data in an SQLite file beside it, by design.
pytestmark = pytest.mark.sqlite_only


def _names(folder: Path, query: str) -> list[str]:
    return [row[0] for row in sqlite_rows(folder / DATABASE_FILE, query)]


async def test_a_restart_keeps_people_and_time_and_makes_no_second_sample_group(
    tmp_path: Path,
) -> None:
    async with running_tryout(tmp_path) as first:
        base = first.api.page_url
        async with httpx.AsyncClient(base_url=base, trust_env=False) as client:
            added = (await client.post("tryout/people", json={"name": "Morgan"})).json()
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
            "Nia": "member",
            "Robin": "newcomer",
            "Kim": "lead",
            "Morgan": "newcomer",
        }
        assert added["id"] in second.api.people
        # The picker shows a Welsh speaker, whom Chorus writes to in Welsh.
        [nia] = [p for p in second.api.people.values() if p.name == "Nia"]
        assert nia.to_dict()["language"] == "cy"
        assert second.api.framing["invite"] == invite
        # Time moved forward stays moved: what was due then is still due.
        assert second.api.clock.offset == timedelta(days=1)
    assert _names(tmp_path, "SELECT name FROM chorus_group") == [SAMPLE_GROUP]
    assert _names(tmp_path, "SELECT title FROM group_session") == [SAMPLE_SESSION]
    assert _names(tmp_path, "SELECT language FROM person WHERE telegram_id = 1010") == ["cy"]


def test_only_127_0_0_1_unless_allowed(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"only listens on 127\.0\.0\.1"):
        check_options(TryoutOptions(host="0.0.0.0", data_dir=tmp_path))
    check_options(TryoutOptions(host="0.0.0.0", allow_remote=True, data_dir=tmp_path))
    check_options(TryoutOptions(data_dir=tmp_path))


SAM = 1003


def _start_tryout(folder: Path, log: Path) -> subprocess.Popen[bytes]:
    """`chorus tryout` as its own process, printing into `log`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CHORUS_", "TELEGRAM_"))}
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "tryout", "--port", "0", "--data-dir", str(folder)],
            cwd=folder,
            env=clean,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


async def _page_url(process: subprocess.Popen[bytes], log: Path, after: int) -> str:
    """The page's address, once the try-out printed it (after `after` bytes of the log)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        printed = log.read_bytes()[after:].decode("utf-8", "replace")
        found = re.search(r"Open the chat page in your browser: (\S+)", printed)
        if found:
            return found.group(1)
        if process.poll() is not None:
            raise AssertionError(f"the try-out ended early: {printed}")
        await asyncio.sleep(0.05)
    raise AssertionError("the try-out printed no address within 30 s")


async def _answer(client: httpx.AsyncClient, person: int, after_id: int, text: str) -> Any:
    """The bot's first message in `person`'s chat after message `after_id` holding `text`."""
    deadline = time.monotonic() + 20
    seq = (await client.get("tryout/state")).json()["seq"]
    while time.monotonic() < deadline:
        for message in (await client.get(f"tryout/chat/{person}")).json()["messages"]:
            if not message["mine"] and message["id"] > after_id and text in message["text"]:
                return message
        seq = (await client.get("tryout/events", params={"after": seq})).json()["seq"]
    raise AssertionError(f"no answer holding {text!r} in chat {person}")


async def _say(client: httpx.AsyncClient, person: int, text: str) -> int:
    """Send `text` as `person` from the page; the id of the message sent."""
    sent = await client.post("tryout/send", json={"person": person, "text": text})
    assert sent.status_code == 200, sent.text
    mine = [m for m in (await client.get(f"tryout/chat/{person}")).json()["messages"] if m["mine"]]
    return int(mine[-1]["id"])


async def test_after_a_restart_the_chats_are_there_and_the_bot_answers_at_once(
    tmp_path: Path,
) -> None:
    log = tmp_path / "printed.txt"
    log.touch()
    process = _start_tryout(tmp_path, log)
    try:
        url = await _page_url(process, log, 0)
        async with httpx.AsyncClient(base_url=url, trust_env=False, timeout=40) as client:
            asked = await _say(client, SAM, "/help")
            first = await _answer(client, SAM, asked, "/settings")
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    printed_before = log.stat().st_size

    process = _start_tryout(tmp_path, log)
    try:
        url = await _page_url(process, log, printed_before)
        async with httpx.AsyncClient(base_url=url, trust_env=False, timeout=40) as client:
            chat = (await client.get(f"tryout/chat/{SAM}")).json()["messages"]
            kept = {(m["id"], m["mine"]): m["text"] for m in chat}
            assert kept[(asked, True)] == "/help"
            assert kept[(first["id"], False)] == first["text"]
            asked_again = await _say(client, SAM, "/help")
            assert asked_again > asked
            await _answer(client, SAM, asked_again, "/settings")
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    printed = log.read_text(encoding="utf-8")
    assert "delivered before" not in printed
    # A newcomer's terminal: no backup warning for the throw-away key, no migration steps.
    assert "Back it up" not in printed
    assert "alembic" not in printed and "Running upgrade" not in printed
    assert "chorus-tryout-chats.json" in printed


async def _people(client: httpx.AsyncClient, wanted: dict[str, str]) -> None:
    """Wait until the page's people include `wanted` (name: role)."""
    deadline = time.monotonic() + 20
    state = (await client.get("tryout/state")).json()
    while time.monotonic() < deadline:
        roles = {person["name"]: person["role"] for person in state["people"]}
        if all(roles.get(name) == role for name, role in wanted.items()):
            return
        await client.get("tryout/events", params={"after": state["seq"]})
        state = (await client.get("tryout/state")).json()
    raise AssertionError(f"the people never became {wanted}: {roles}")


async def test_the_people_list_follows_what_people_became_and_names_are_not_reused(
    tmp_path: Path,
) -> None:
    async with running_tryout(tmp_path) as tryout:
        robin = next(p.id for p in tryout.api.people.values() if p.name == "Robin")
        url = tryout.api.page_url
        async with httpx.AsyncClient(base_url=url, trust_env=False, timeout=40) as client:
            await _people(client, {"Robin": "newcomer", "Kim": "lead", "Jo": "coordinator"})
            code = tryout.api.framing["invite"].split("start=", 1)[1]
            asked = await _say(client, robin, f"/start {code}")
            welcome = await _answer(client, robin, asked, "You're invited to")
            [join] = [b for row in welcome["buttons"] for b in row if b["text"] == "Yes, join"]
            tapped = await client.post(
                "tryout/tap",
                json={"person": robin, "message_id": welcome["id"], "data": join["data"]},
            )
            assert tapped.status_code == 200
            await _people(client, {"Robin": "member"})

            again = await client.post("tryout/people", json={"name": " robin "})
            assert again.status_code == 400
            assert "already called robin" in again.json()["error"]
        kept = json.loads((tmp_path / PEOPLE_FILE).read_text(encoding="utf-8"))
        assert {"id": robin, "name": "Robin", "role": "member"} in kept["people"]
