"""Chorus settings, read from the environment and an optional `.env` file."""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import secrets
import socket
import stat
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

logger = logging.getLogger(__name__)

DEFAULT_BOT_API_URL = "https://api.telegram.org/bot"
MIN_SECRET_LENGTH = 32
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# Shown when words suggest risk, and by /support (CHORUS_HELPLINES replaces them).
DEFAULT_HELPLINES = (
    "Samaritans: call 116 123 (free, day or night)",
    "Shout: text SHOUT to 85258",
    "NHS: call 111",
    "In an emergency: call 999",
)
_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]{10,}$")


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one sentence for the person running it."""


class Settings(BaseSettings):
    """Every setting Chorus reads. Build it with `load_settings()`, never at import time."""

    model_config = SettingsConfigDict(
        env_prefix="CHORUS_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    telegram_bot_token: str | None = Field(
        default=None, validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN")
    )
    database_url: str = "sqlite:///chorus.db"
    secret_key: str | None = None
    secret_key_file: Path = Path("chorus.key")
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    timezone: str = "Europe/London"
    bot_api_url: str = DEFAULT_BOT_API_URL
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    log_level: str = "INFO"
    quiet_hours: str = "21:00-08:00"
    send_rate: float = Field(default=25.0, gt=0, le=1000)
    private_chat_interval: float = Field(default=1.0, ge=0, le=60)
    group_chat_per_minute: int = Field(default=20, ge=1, le=1000)
    # Seconds a clean stop (SIGTERM) takes at most, whatever the database is doing; keep it
    # under the deploy files' grace period (30 s) before the process is killed.
    stop_seconds: float = Field(default=20.0, gt=0, le=600)
    # Local try-out mode (bot/tryout/): the port of its chat page; 0 picks a free one.
    tryout_port: int = Field(default=8765, ge=0, le=65535)
    # Where people can get help now, shown when words suggest risk and by /support:
    # entries separated by ";".
    helplines: Annotated[tuple[str, ...], NoDecode] = DEFAULT_HELPLINES
    # Minutes a safeguarding alert may wait for a lead to take it before it is sent again
    # to every lead and the admins.
    alert_take_minutes: int = Field(default=15, ge=1, le=1440)
    # Data rights: days an item's words (and voice note or photo) are kept after its outcome
    # is recorded, and days the contents of a message already sent are kept; a daily tick
    # erases what is older.
    keep_words_days: int = Field(default=365, ge=1, le=3650)
    keep_sent_days: int = Field(default=30, ge=1, le=3650)
    # Several Chorus processes sharing one PostgreSQL database, behind one webhook address
    # (deploy/compose-replicas.yaml): work is claimed with leases, ticks run once across
    # them and Telegram's limits are shared.
    replicas: bool = False
    # Seconds a replica's claim on a message or an update holds without being renewed: a
    # replica that dies has its work taken over this long after its last renewal.
    replica_lease_seconds: float = Field(default=30.0, ge=1, le=600)
    # This replica's name among them; by default its host name and process id.
    replica_name: str | None = Field(default=None, max_length=64)
    # The organisation's name, as it signs certificates of involvement.
    organisation_name: str = Field(default="Chorus", min_length=1, max_length=120)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_admin_ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [part.strip() for part in value.replace(";", ",").split(",")]
            return frozenset(int(part) for part in parts if part)
        return value

    @field_validator("helplines", mode="before")
    @classmethod
    def _split_helplines(cls, value: Any) -> Any:
        if isinstance(value, str):
            lines = tuple(part.strip() for part in value.split(";") if part.strip())
            if not lines:
                raise ValueError("no helplines")
            return lines
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("unknown time zone") from exc
        return value

    @field_validator("telegram_bot_token", "webhook_url", "webhook_secret", "secret_key")
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return value.strip()

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        from bot.services.delivery_rules import valid_quiet_hours

        if not valid_quiet_hours(value.strip()):
            raise ValueError("not quiet hours")
        return value.strip()

    @property
    def zone(self) -> ZoneInfo:
        """The configured time zone."""
        return ZoneInfo(self.timezone)

    @property
    def bot_file_url(self) -> str:
        """Where files are fetched from: the API URL with its final `/bot` made `/file/bot`."""
        base = self.bot_api_url.rstrip("/")
        if base.endswith("/bot"):
            return base[: -len("/bot")] + "/file/bot"
        return base + "/file/bot"

    @property
    def webhook_path(self) -> str:
        """The path part of the webhook URL, where Chorus's own server listens."""
        return urlsplit(self.webhook_url or "").path or "/"

    @property
    def replica_id(self) -> str:
        """This process's name among the replicas: CHORUS_REPLICA_NAME, else its host and
        process id (a replica restarted in its container takes back its own claims)."""
        if self.replica_name:
            return self.replica_name
        return f"{socket.gethostname()[:50]}:{os.getpid()}"

    def async_database_url(self) -> URL:
        """The database URL with the async driver Chorus uses for it."""
        return _async_url(self.database_url)


_SENTENCES = {
    "admin_ids": (
        "CHORUS_ADMIN_IDS must be Telegram user ids (numbers) separated by commas, "
        "for example CHORUS_ADMIN_IDS=12345678,87654321."
    ),
    "timezone": (
        "CHORUS_TIMEZONE is not a time zone Chorus knows; use a name like Europe/London."
    ),
    "helplines": (
        "CHORUS_HELPLINES must list at least one helpline, entries separated by ';', "
        "for example: Samaritans: call 116 123; In an emergency: call 999."
    ),
    "alert_take_minutes": (
        "CHORUS_ALERT_TAKE_MINUTES must be a whole number of minutes from 1 to 1440 (e.g. 15)."
    ),
    "keep_words_days": (
        "CHORUS_KEEP_WORDS_DAYS must be a whole number of days from 1 to 3650 (e.g. 365): how "
        "long an item's words are kept after its outcome."
    ),
    "keep_sent_days": (
        "CHORUS_KEEP_SENT_DAYS must be a whole number of days from 1 to 3650 (e.g. 30): how "
        "long the words of a message already sent are kept."
    ),
    "webhook_port": "CHORUS_WEBHOOK_PORT must be a port number between 1 and 65535.",
    "quiet_hours": ("CHORUS_QUIET_HOURS must be two local times like 21:00-08:00, or off."),
    "send_rate": "CHORUS_SEND_RATE must be a number of messages per second above 0 (e.g. 25).",
    "private_chat_interval": (
        "CHORUS_PRIVATE_CHAT_INTERVAL must be the seconds between two messages to one person "
        "(e.g. 1)."
    ),
    "tryout_port": "CHORUS_TRYOUT_PORT must be a port number between 0 and 65535.",
    "stop_seconds": "CHORUS_STOP_SECONDS must be a number of seconds above 0 (e.g. 20).",
    "replicas": "CHORUS_REPLICAS must be true or false.",
    "replica_name": "CHORUS_REPLICA_NAME must be at most 64 characters.",
    "replica_lease_seconds": (
        "CHORUS_REPLICA_LEASE_SECONDS must be a number of seconds from 1 to 600 (e.g. 30)."
    ),
    "group_chat_per_minute": (
        "CHORUS_GROUP_CHAT_PER_MINUTE must be a whole number of messages a minute (e.g. 20)."
    ),
}


def _async_url(raw: str) -> URL:
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise SettingsError(
            "CHORUS_DATABASE_URL is not a database URL Chorus can read; use something like "
            "sqlite:///chorus.db or postgresql://user:password@host/chorus."
        ) from exc
    backend = url.get_backend_name()
    if backend == "sqlite":
        return url.set(drivername="sqlite+aiosqlite")
    if backend == "postgresql":
        return url.set(drivername="postgresql+asyncpg")
    raise SettingsError(
        f"CHORUS_DATABASE_URL names a '{backend}' database; Chorus works with SQLite "
        "(sqlite:///chorus.db) or PostgreSQL (postgresql://user:password@host/chorus)."
    )


def load_settings(*, require_token: bool = True, **overrides: Any) -> Settings:
    """Read and check every setting, raising `SettingsError` with one clear sentence."""
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        field = str(exc.errors()[0]["loc"][0]) if exc.errors()[0]["loc"] else ""
        sentence = _SENTENCES.get(field)
        if sentence is None:
            name = field.upper() if field == "telegram_bot_token" else f"CHORUS_{field.upper()}"
            sentence = f"{name} is not valid: {exc.errors()[0]['msg']}."
        raise SettingsError(sentence) from None
    _check(settings, require_token=require_token)
    return settings


def _check(settings: Settings, *, require_token: bool) -> None:
    _check_token(settings.telegram_bot_token, require_token=require_token)
    url = settings.async_database_url()
    _check_database(url)
    _check_addresses(settings)
    _check_replicas(settings, url)
    if settings.secret_key is not None and len(settings.secret_key) < MIN_SECRET_LENGTH:
        raise SettingsError(
            f"CHORUS_SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters long; leave it "
            "unset to have Chorus create a key file for you."
        )
    if settings.log_level.upper() not in logging.getLevelNamesMapping():
        raise SettingsError("CHORUS_LOG_LEVEL must be one of DEBUG, INFO, WARNING or ERROR.")


def _check_token(token: str | None, *, require_token: bool) -> None:
    if require_token and token is None:
        raise SettingsError(
            "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather in Telegram and put "
            "the token it gives you in TELEGRAM_BOT_TOKEN (or in a .env file)."
        )
    if token is not None and not _TOKEN.match(token):
        raise SettingsError(
            "TELEGRAM_BOT_TOKEN does not look like a bot token (it should look like "
            "123456789:AAE...); copy it again from @BotFather."
        )


def _check_database(url: URL) -> None:
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        folder = Path(url.database).expanduser().resolve().parent
        if not folder.is_dir():
            raise SettingsError(
                f"CHORUS_DATABASE_URL points into the folder {folder}, which does not exist; "
                "create it or choose another path."
            )
    if url.get_backend_name() == "postgresql" and importlib.util.find_spec("asyncpg") is None:
        raise SettingsError(
            "CHORUS_DATABASE_URL is a PostgreSQL URL but the PostgreSQL driver is not "
            'installed; install Chorus with: pip install ".[postgres]".'
        )


def _check_addresses(settings: Settings) -> None:
    api = urlsplit(settings.bot_api_url)
    if api.scheme not in ("http", "https") or not api.netloc:
        raise SettingsError(
            "CHORUS_BOT_API_URL must be a web address like https://api.telegram.org/bot."
        )
    if settings.webhook_url is not None:
        hook = urlsplit(settings.webhook_url)
        if hook.scheme not in ("http", "https") or not hook.netloc:
            raise SettingsError(
                "CHORUS_WEBHOOK_URL must be the public https address Telegram should post to, "
                "like https://chorus.example.org/telegram."
            )
        if settings.webhook_secret is None or not _WEBHOOK_SECRET.match(settings.webhook_secret):
            raise SettingsError(
                "CHORUS_WEBHOOK_SECRET must be set when CHORUS_WEBHOOK_URL is, using 1 to 256 "
                "letters, digits, _ or -."
            )


def _check_replicas(settings: Settings, url: URL) -> None:
    if settings.replicas and url.get_backend_name() != "postgresql":
        raise SettingsError(
            "CHORUS_REPLICAS needs a PostgreSQL database (CHORUS_DATABASE_URL=postgresql://...); "
            "with SQLite only one Chorus process may run."
        )
    if settings.replicas and settings.webhook_url is None:
        raise SettingsError(
            "CHORUS_REPLICAS needs webhook mode (CHORUS_WEBHOOK_URL and CHORUS_WEBHOOK_SECRET): "
            "Telegram gives updates to only one poller at a time."
        )


def load_secret_key(settings: Settings) -> bytes:
    """Return the secret key, creating the key file (mode 600) on first run if needed."""
    if settings.secret_key is not None:
        return settings.secret_key.encode()
    path = settings.secret_key_file.expanduser()
    if path.exists():
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            logger.warning(
                "The secret key file %s can be read by other users (mode %o); run: chmod 600 %s",
                path,
                mode,
                path,
            )
        key = path.read_text(encoding="utf-8").strip()
        if len(key) < MIN_SECRET_LENGTH:
            raise SettingsError(
                f"CHORUS_SECRET_KEY_FILE ({path}) holds a key shorter than "
                f"{MIN_SECRET_LENGTH} characters; restore it from your backup."
            )
        return key.encode()
    if not path.parent.is_dir():
        raise SettingsError(
            f"CHORUS_SECRET_KEY_FILE points into the folder {path.parent}, which does not exist."
        )
    key = secrets.token_urlsafe(48)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    logger.warning(
        "Created a new secret key in %s. Back it up now, somewhere apart from the database: "
        "without it, encrypted words and anonymous links can never be read again.",
        path.resolve(),
    )
    return key.encode()
