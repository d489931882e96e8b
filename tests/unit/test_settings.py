"""Settings from the environment: clear one-sentence errors, sensible defaults, the secret key."""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import stat
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.settings import (
    MIN_SECRET_LENGTH,
    Settings,
    SettingsError,
    load_secret_key,
    load_settings,
)

TOKEN = "123456789:AAEabcdefghijklmnopqrstuvwxyz_-0123"
GOOD_SECRET = "s" * MIN_SECRET_LENGTH


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No CHORUS_ variable from the real environment, and no real `.env` file."""
    for name in list(os.environ):
        if name.startswith("CHORUS_") or name == "TELEGRAM_BOT_TOKEN":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    return tmp_path


def _is_one_sentence(message: str) -> bool:
    return (
        message[:1].isupper()
        and message.endswith(".")
        and "\n" not in message
        and re.search(r"[.!?]\s+[A-Z]", message[:-1]) is None
    )


def _error(monkeypatch: pytest.MonkeyPatch, **env: str) -> str:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    return str(caught.value)


BAD_SETTINGS = [
    pytest.param({"TELEGRAM_BOT_TOKEN": "123456:short"}, "TELEGRAM_BOT_TOKEN", id="token-short"),
    pytest.param({"TELEGRAM_BOT_TOKEN": "not a token"}, "TELEGRAM_BOT_TOKEN", id="token-text"),
    pytest.param({"CHORUS_ADMIN_IDS": "12,abc"}, "CHORUS_ADMIN_IDS", id="admin-ids"),
    pytest.param({"CHORUS_TIMEZONE": "Mars/Olympus_Mons"}, "CHORUS_TIMEZONE", id="zone"),
    pytest.param(
        {"CHORUS_DATABASE_URL": "mysql://user@host/chorus"},
        "CHORUS_DATABASE_URL",
        id="database-scheme",
    ),
    pytest.param(
        {"CHORUS_DATABASE_URL": "this is not a url"}, "CHORUS_DATABASE_URL", id="database-garbage"
    ),
    pytest.param(
        {"CHORUS_DATABASE_URL": "sqlite:///no/such/folder/chorus.db"},
        "CHORUS_DATABASE_URL",
        id="database-folder",
    ),
    pytest.param(
        {"CHORUS_WEBHOOK_URL": "https://chorus.example.org/telegram"},
        "CHORUS_WEBHOOK_SECRET",
        id="webhook-without-secret",
    ),
    pytest.param(
        {
            "CHORUS_WEBHOOK_URL": "https://chorus.example.org/telegram",
            "CHORUS_WEBHOOK_SECRET": "not/allowed here!",
        },
        "CHORUS_WEBHOOK_SECRET",
        id="webhook-secret-characters",
    ),
    pytest.param(
        {"CHORUS_WEBHOOK_URL": "chorus.example.org/telegram", "CHORUS_WEBHOOK_SECRET": "abc"},
        "CHORUS_WEBHOOK_URL",
        id="webhook-url",
    ),
    pytest.param({"CHORUS_SECRET_KEY": "too-short"}, "CHORUS_SECRET_KEY", id="secret-key"),
    pytest.param({"CHORUS_WEBHOOK_PORT": "0"}, "CHORUS_WEBHOOK_PORT", id="port-zero"),
    pytest.param({"CHORUS_WEBHOOK_PORT": "65536"}, "CHORUS_WEBHOOK_PORT", id="port-high"),
    pytest.param({"CHORUS_WEBHOOK_PORT": "eighty"}, "CHORUS_WEBHOOK_PORT", id="port-text"),
    pytest.param({"CHORUS_LOG_LEVEL": "CHATTY"}, "CHORUS_LOG_LEVEL", id="log-level"),
    pytest.param({"CHORUS_BOT_API_URL": "ftp://example.org/bot"}, "CHORUS_BOT_API_URL", id="api"),
]


@pytest.mark.parametrize(("env", "variable"), BAD_SETTINGS)
def test_bad_setting_is_one_sentence_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], variable: str
) -> None:
    message = _error(monkeypatch, **env)

    assert variable in message
    assert _is_one_sentence(message), message


@pytest.mark.parametrize("value", [None, "   "])
def test_missing_token_is_one_sentence(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv("TELEGRAM_BOT_TOKEN")
    else:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", value)

    with pytest.raises(SettingsError) as caught:
        load_settings()

    message = str(caught.value)
    assert "TELEGRAM_BOT_TOKEN is not set" in message
    assert _is_one_sentence(message), message


def test_token_is_optional_when_not_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN")

    settings = load_settings(require_token=False)

    assert settings.telegram_bot_token is None


def test_missing_database_folder_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    message = _error(monkeypatch, CHORUS_DATABASE_URL="sqlite:///missing/chorus.db")

    assert str(tmp_path / "missing") in message


def test_good_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHORUS_ADMIN_IDS", "1, 2,3")

    settings = load_settings()

    assert settings.telegram_bot_token == TOKEN
    assert settings.admin_ids == frozenset({1, 2, 3})
    assert isinstance(settings.admin_ids, frozenset)
    assert settings.timezone == "Europe/London"
    assert settings.zone.key == "Europe/London"
    assert settings.webhook_url is None
    assert settings.webhook_port == 8080


def test_no_admins_by_default() -> None:
    assert load_settings().admin_ids == frozenset()


def test_other_zone_and_webhook(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHORUS_TIMEZONE", "America/Sao_Paulo")
    monkeypatch.setenv("CHORUS_WEBHOOK_URL", "https://chorus.example.org/hooks/telegram")
    monkeypatch.setenv("CHORUS_WEBHOOK_SECRET", "Abc_123-xyz")
    monkeypatch.setenv("CHORUS_WEBHOOK_PORT", "8443")

    settings = load_settings()

    assert settings.zone.key == "America/Sao_Paulo"
    assert settings.webhook_secret == "Abc_123-xyz"
    assert settings.webhook_path == "/hooks/telegram"
    assert settings.webhook_port == 8443


@pytest.mark.parametrize(
    ("api_url", "file_url"),
    [
        ("https://api.telegram.org/bot", "https://api.telegram.org/file/bot"),
        ("https://api.telegram.org/bot/", "https://api.telegram.org/file/bot"),
        ("http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot"),
        ("http://localhost:8081/robot/bot", "http://localhost:8081/robot/file/bot"),
    ],
)
def test_bot_file_url_replaces_the_final_bot(
    monkeypatch: pytest.MonkeyPatch, api_url: str, file_url: str
) -> None:
    monkeypatch.setenv("CHORUS_BOT_API_URL", api_url)

    assert load_settings().bot_file_url == file_url


@pytest.mark.parametrize(
    ("database_url", "driver"),
    [
        ("sqlite:///chorus.db", "sqlite+aiosqlite"),
        ("sqlite://", "sqlite+aiosqlite"),
        ("postgresql://user:secret@db.example.org/chorus", "postgresql+asyncpg"),
        ("postgresql+psycopg2://user:secret@db.example.org/chorus", "postgresql+asyncpg"),
    ],
)
def test_async_database_url_picks_the_async_driver(database_url: str, driver: str) -> None:
    # Built directly: `load_settings` would also insist the PostgreSQL driver is installed.
    url = Settings(database_url=database_url).async_database_url()

    assert url.drivername == driver
    original = make_url(database_url)
    assert (url.database, url.host, url.username) == (
        original.database,
        original.host,
        original.username,
    )


def test_postgresql_without_its_driver_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The development install has the driver (for the PostgreSQL tests): hide it here.
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name == "asyncpg" else find_spec(name, *args),
    )

    message = _error(monkeypatch, CHORUS_DATABASE_URL="postgresql://u:p@db.example.org/chorus")

    assert "CHORUS_DATABASE_URL" in message
    assert ".[postgres]" in message
    assert _is_one_sentence(message), message


# --- The secret key ---------------------------------------------------------------------------


def test_secret_key_file_is_created_private_on_first_run(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = load_settings(require_token=False)
    key_file = tmp_path / "chorus.key"
    assert not key_file.exists()

    with caplog.at_level(logging.WARNING, logger="bot.settings"):
        key = load_secret_key(settings)

    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key) >= MIN_SECRET_LENGTH
    assert key_file.read_text(encoding="utf-8").strip().encode() == key
    assert any("Back it up" in record.getMessage() for record in caplog.records)


def test_secret_key_file_is_read_the_second_time(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = load_settings(require_token=False)
    first = load_secret_key(settings)
    caplog.clear()

    with caplog.at_level(logging.WARNING, logger="bot.settings"):
        second = load_secret_key(load_settings(require_token=False))

    assert second == first
    assert not any("Back it up" in record.getMessage() for record in caplog.records)


def test_secret_key_from_the_environment_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secret = "k" * 40
    monkeypatch.setenv("CHORUS_SECRET_KEY", secret)

    key = load_secret_key(load_settings(require_token=False))

    assert key == secret.encode()
    assert not (tmp_path / "chorus.key").exists()


def test_secret_key_file_setting_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "keys").mkdir()
    monkeypatch.setenv("CHORUS_SECRET_KEY_FILE", str(tmp_path / "keys" / "chorus.key"))

    key = load_secret_key(load_settings(require_token=False))

    assert (tmp_path / "keys" / "chorus.key").read_text(encoding="utf-8").strip().encode() == key


def test_too_short_key_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "chorus.key").write_text("short\n", encoding="utf-8")
    (tmp_path / "chorus.key").chmod(0o600)

    with pytest.raises(SettingsError) as caught:
        load_secret_key(load_settings(require_token=False))

    message = str(caught.value)
    assert "CHORUS_SECRET_KEY_FILE" in message
    assert _is_one_sentence(message), message


def test_readable_key_file_is_warned_about(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    key_file = tmp_path / "chorus.key"
    key_file.write_text(GOOD_SECRET + "\n", encoding="utf-8")
    key_file.chmod(0o644)

    with caplog.at_level(logging.WARNING, logger="bot.settings"):
        key = load_secret_key(load_settings(require_token=False))

    assert key == GOOD_SECRET.encode()
    assert any("chmod 600" in record.getMessage() for record in caplog.records)


def test_key_file_in_a_missing_folder_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHORUS_SECRET_KEY_FILE", "no/such/folder/chorus.key")

    with pytest.raises(SettingsError) as caught:
        load_secret_key(load_settings(require_token=False))

    message = str(caught.value)
    assert "CHORUS_SECRET_KEY_FILE" in message
    assert _is_one_sentence(message), message


# --- Replicas ---------------------------------------------------------------------------------


def test_replicas_need_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    message = _error(
        monkeypatch,
        CHORUS_REPLICAS="true",
        CHORUS_WEBHOOK_URL="https://chorus.example.org/telegram",
        CHORUS_WEBHOOK_SECRET="secret",
    )

    assert "CHORUS_REPLICAS" in message and "PostgreSQL" in message
    assert _is_one_sentence(message), message


def test_replicas_need_webhook_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    message = _error(
        monkeypatch,
        CHORUS_REPLICAS="true",
        CHORUS_DATABASE_URL="postgresql://u:p@db.example.org/chorus",
    )

    assert "CHORUS_REPLICAS" in message and "CHORUS_WEBHOOK_URL" in message
    assert _is_one_sentence(message), message


def test_replicas_on_postgresql_in_webhook_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "CHORUS_REPLICAS": "true",
        "CHORUS_DATABASE_URL": "postgresql://u:p@db.example.org/chorus",
        "CHORUS_WEBHOOK_URL": "https://chorus.example.org/telegram",
        "CHORUS_WEBHOOK_SECRET": "secret",
    }.items():
        monkeypatch.setenv(name, value)

    settings = load_settings()

    assert settings.replicas
    assert settings.replica_id.endswith(f":{os.getpid()}")
