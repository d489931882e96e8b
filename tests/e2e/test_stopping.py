"""A clean stop ends in time whatever the database is doing, and no update is applied twice."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import ADMIN
from tests.support.chorus_run import chorus_env, spawn_chorus
from tests.support.database import rows
from tests.support.fake_bot_api import Call, FakeBotApi
from tests.support.phone import Phone

STOP_SECONDS = 3.0
# Another process holding SQLite's write lock (a PostgreSQL server has no such lock).
pytestmark = pytest.mark.sqlite_only


def _rows(folder: Path, query: str) -> list[tuple[object, ...]]:
    return list(rows(folder, query))


def _reply_to(admin: Phone, words: str) -> Callable[[Call], bool]:
    def matches(call: Call) -> bool:
        return (
            call.method == "sendMessage"
            and call.params.get("chat_id") == admin.id
            and words in str(call.params.get("text", ""))
        )

    return matches


class _Output:
    """What a Chorus process prints, read line by line as it comes, with when it came."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.lines: list[tuple[float, str]] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._reader.start()

    def _read(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdout is not None
        for raw in process.stdout:
            with self._changed:
                self.lines.append((time.monotonic(), raw.decode(errors="replace")))
                self._changed.notify_all()

    def _has(self, words: str, after: float) -> bool:
        return any(words in line and at >= after for at, line in self.lines)

    async def wait_for(self, words: str, after: float, timeout: float = 10) -> None:
        """Wait until a line holding `words` is printed at or after `after` (monotonic)."""

        def wait() -> bool:
            with self._changed:
                return self._changed.wait_for(lambda: self._has(words, after), timeout)

        printed = await asyncio.to_thread(wait)
        assert printed, f"no line with {words!r}; printed: {self.text()}"

    def read_to_end(self) -> None:
        """Wait until the process's output is closed and read (it has ended)."""
        self._reader.join(10)

    def text(self) -> str:
        """Everything printed so far."""
        return "".join(line for _, line in self.lines)


async def _stop(process: subprocess.Popen[bytes], output: _Output, within: float) -> float:
    """SIGTERM; how long the process took to end (failing if it took longer than `within`)."""
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        code = await asyncio.to_thread(process.wait, within)
    except subprocess.TimeoutExpired:
        process.kill()
        await asyncio.to_thread(process.wait, 10)
        raise AssertionError(f"Chorus did not stop within {within} s of SIGTERM") from None
    await asyncio.to_thread(output.read_to_end)
    assert code == 0, output.text()
    assert "Traceback" not in output.text(), output.text()
    return time.monotonic() - started


async def test_sigterm_while_another_process_holds_the_write_lock(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    env = chorus_env(
        fake, tmp_path, CHORUS_ADMIN_IDS=str(ADMIN), CHORUS_STOP_SECONDS=str(STOP_SECONDS)
    )
    admin = Phone(fake, ADMIN)
    process = spawn_chorus(env, tmp_path)
    output = _Output(process)
    holder: sqlite3.Connection | None = None
    try:
        await fake.wait_for(lambda call: call.method == "getUpdates", 20)
        asked = await admin.send("/newgroup")
        assert "called" in asked["text"]
        # The group's name waits, stored and acknowledged, behind a reply on its way in the
        # same chat; meanwhile another program takes the write lock and keeps it.
        fake.hold("sendMessage")
        fake.send_text(admin.user, "/help")
        await fake.wait_for(lambda c: c.method == "sendMessage", 10)
        named = fake.send_text(admin.user, "Peer support")
        await fake.wait_for(
            lambda c: c.method == "getUpdates" and (c.params.get("offset") or 0) > named, 10
        )
        holder = sqlite3.connect(tmp_path / "chorus.db", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        locked = time.monotonic()
        fake.release("sendMessage")
        await fake.wait_for(lambda c: c.method == "sendMessage" and c.status == 200, 10)
        # The handlers' writes now wait for the lock.
        await output.wait_for("a write waits for it", after=locked, timeout=30)

        took = await _stop(process, output, within=STOP_SECONDS + 7)
        assert took < STOP_SECONDS + 5
        holder.execute("ROLLBACK")
        holder.close()
        holder = None
        assert _rows(tmp_path, "SELECT name FROM chorus_group") == []

        process = spawn_chorus(env, tmp_path)
        output = _Output(process)
        await fake.wait_for(_reply_to(admin, "Done: "), 20)
        await _stop(process, output, within=25)
    finally:
        if holder is not None:
            holder.close()
        if process.poll() is None:
            process.kill()
            await asyncio.to_thread(process.wait, 10)
    assert _rows(tmp_path, "SELECT name FROM chorus_group") == [("Peer support",)]
    done = [c for c in fake.calls if _reply_to(admin, "Done: ")(c)]
    assert len(done) == 1
