"""The `chorus` command: help, and one clear sentence for every bad setting."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from bot.intake.polling import FatalIntakeError
from bot.runner import serve
from storage.single import only_process
from tests.support.chorus_run import free_port, settings_for
from tests.support.fake_bot_api import FakeBotApi

# The command line's own files and messages: the SQLite file it makes, its lock file,
# the try-out (SQLite by design) and settings refused before any database is opened.
pytestmark = pytest.mark.sqlite_only

GOOD_TOKEN = "123456:ABCdefGHIjklMNOpqr"


def _chorus(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CHORUS_", "TELEGRAM_"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = _chorus(tmp_path, "--help")
    assert result.returncode == 0
    assert "run" in result.stdout and "db" in result.stdout


def test_db_upgrade_creates_the_database(tmp_path: Path) -> None:
    result = _chorus(tmp_path, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    assert (tmp_path / "chorus.db").exists()


BAD_SETTINGS = [
    ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, "TELEGRAM_BOT_TOKEN does not look like"),
    ({"CHORUS_ADMIN_IDS": "12,abc"}, "CHORUS_ADMIN_IDS must be Telegram user ids"),
    ({"CHORUS_TIMEZONE": "Mars/Olympus"}, "CHORUS_TIMEZONE is not a time zone"),
    ({"CHORUS_DATABASE_URL": "mysql://db/chorus"}, "CHORUS_DATABASE_URL names a 'mysql'"),
    ({"CHORUS_DATABASE_URL": "::not a url"}, "CHORUS_DATABASE_URL is not a database URL"),
    ({"CHORUS_DATABASE_URL": "sqlite:////no/such/folder/c.db"}, "does not exist"),
    ({"CHORUS_WEBHOOK_URL": "https://x.example/t"}, "CHORUS_WEBHOOK_SECRET must be set"),
    ({"CHORUS_WEBHOOK_URL": "ftp://x"}, "CHORUS_WEBHOOK_URL must be the public https"),
    ({"CHORUS_SECRET_KEY": "short"}, "CHORUS_SECRET_KEY must be at least 32"),
    ({"CHORUS_WEBHOOK_PORT": "0"}, "CHORUS_WEBHOOK_PORT must be a port number"),
    ({"CHORUS_BOT_API_URL": "telegram"}, "CHORUS_BOT_API_URL must be a web address"),
    ({"CHORUS_LOG_LEVEL": "LOUD"}, "CHORUS_LOG_LEVEL must be one of"),
    ({"CHORUS_QUIET_HOURS": "late"}, "CHORUS_QUIET_HOURS must be two local times"),
    ({"CHORUS_SEND_RATE": "0"}, "CHORUS_SEND_RATE must be a number"),
    ({"CHORUS_PRIVATE_CHAT_INTERVAL": "-1"}, "CHORUS_PRIVATE_CHAT_INTERVAL must be"),
    ({"CHORUS_GROUP_CHAT_PER_MINUTE": "0"}, "CHORUS_GROUP_CHAT_PER_MINUTE must be"),
]


@pytest.mark.parametrize(("env", "sentence"), BAD_SETTINGS)
def test_every_bad_setting_gives_one_clear_sentence(
    tmp_path: Path, env: dict[str, str], sentence: str
) -> None:
    values = {"TELEGRAM_BOT_TOKEN": GOOD_TOKEN, **env}
    result = _chorus(tmp_path, "run", **values)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("Chorus cannot start: ")
    assert sentence in lines[0]
    assert not (tmp_path / "chorus.db").exists()


def test_settings_come_from_a_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN=123:short-bad\n", encoding="utf-8")
    result = _chorus(tmp_path, "run")
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN does not look like" in result.stderr


def test_unreachable_telegram_is_explained(tmp_path: Path) -> None:
    # Port 9 on 127.0.0.1 (discard) has no listener here: Telegram cannot be reached.
    result = _chorus(
        tmp_path,
        "run",
        TELEGRAM_BOT_TOKEN=GOOD_TOKEN,
        CHORUS_SECRET_KEY="k" * 40,
        CHORUS_BOT_API_URL="http://127.0.0.1:9/bot",
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "Could not reach Telegram at CHORUS_BOT_API_URL" in result.stderr


async def test_a_refused_token_is_explained(tmp_path: Path) -> None:
    async with FakeBotApi() as fake:
        settings = settings_for(fake, tmp_path, TELEGRAM_BOT_TOKEN="999:WRONG-token-value")
        with pytest.raises(FatalIntakeError, match="Telegram refused TELEGRAM_BOT_TOKEN"):
            await serve(settings, asyncio.Event())


async def test_ready_is_told_once_after_start_up_and_before_listening(tmp_path: Path) -> None:
    async with FakeBotApi() as fake:
        settings = settings_for(fake, tmp_path)
        seen: list[list[str]] = []
        stop = asyncio.Event()
        task = asyncio.create_task(
            serve(settings, stop, on_ready=lambda: seen.append([c.method for c in fake.calls]))
        )
        await fake.wait_for(lambda call: call.method == "getUpdates", 15)
        stop.set()
        await task

    assert len(seen) == 1
    # Start-up (the command menus included) was over; receiving updates had not begun.
    assert "setMyCommands" in seen[0] and "getUpdates" not in seen[0]


# ---------------------------------------------------------------------- local try-out


def _until_line(process: subprocess.Popen[str], contains: str, timeout: float = 60) -> list[str]:
    """Lines the process printed up to the first one containing `contains`."""
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise AssertionError(f"Chorus ended early; it printed: {lines}")
        lines.append(line.rstrip())
        if contains in line:
            return lines
    raise AssertionError(f"no line with {contains!r} in time; printed: {lines}")


def test_run_without_a_token_starts_the_local_try_out(tmp_path: Path) -> None:
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CHORUS_", "TELEGRAM_"))}
    clean.update(CHORUS_TRYOUT_PORT=str(port), CHORUS_LOG_LEVEL="WARNING")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=clean,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = _until_line(process, "Press Ctrl+C to stop")
        printed = "\n".join(lines)
        assert "TELEGRAM_BOT_TOKEN is not set, so Chorus starts in local try-out mode" in printed
        assert f"http://127.0.0.1:{port}/" in printed
        assert "Nothing leaves this computer" in printed
        assert "put the token it gives you in TELEGRAM_BOT_TOKEN" in printed
        state = httpx.get(f"http://127.0.0.1:{port}/tryout/state", timeout=10).json()
        assert [p["role"] for p in state["people"]][:3] == ["admin", "coordinator", "member"]
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10)
        assert "Local try-out" in page.text
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    assert (tmp_path / "chorus-tryout.db").exists()
    assert (tmp_path / "chorus-tryout.key").exists()
    assert not (tmp_path / "chorus.db").exists()
    assert not (tmp_path / "chorus.key").exists()


def test_the_try_out_refuses_other_addresses_and_says_why(tmp_path: Path) -> None:
    result = _chorus(tmp_path, "tryout", "--host", "0.0.0.0", "--port", "0")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "--host 0.0.0.0 was refused" in lines[0]
    assert "only listens on 127.0.0.1" in lines[0]
    assert "--allow-remote" in lines[0]
    assert not (tmp_path / "chorus-tryout.db").exists()


def test_help_describes_the_try_out(tmp_path: Path) -> None:
    result = _chorus(tmp_path, "tryout", "--help")
    assert result.returncode == 0
    for option in ("--port", "--host", "--allow-remote", "--data-dir"):
        assert option in result.stdout


async def test_a_second_chorus_on_one_database_is_refused_before_touching_it(
    tmp_path: Path,
) -> None:
    url = make_url(f"sqlite+aiosqlite:///{tmp_path / 'chorus.db'}")
    async with only_process(url):
        upgrade = _chorus(tmp_path, "db", "upgrade")
        run = _chorus(tmp_path, "run", TELEGRAM_BOT_TOKEN=GOOD_TOKEN)
    for result in (upgrade, run):
        assert result.returncode == 2, result.stderr
        assert result.stderr.strip().splitlines()[-1] == (
            f"Chorus cannot start: another Chorus is already running on chorus.db in "
            f"{tmp_path}; stop it first (only one may use a database at a time)."
        )
    assert not (tmp_path / "chorus.db").exists()
