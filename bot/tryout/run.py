"""Running Chorus in local try-out mode: the real bot, a Bot API server on this machine, and a
chat page in the browser, with the try-out's own database and key file."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.clock import Clock, SystemClock
from bot.crypto import Sealer
from bot.runner import run_until_signalled, serve
from bot.services.groups import JOIN_PREFIX
from bot.settings import Settings, SettingsError, load_secret_key, load_settings
from bot.ticks import Ticks
from bot.tryout.clock import TryoutClock
from bot.tryout.sample import (
    ADMIN_ID,
    SAMPLE_GROUP,
    Sample,
    current_roles,
    prepare,
    save,
    saved_offset,
)
from bot.tryout.server import TryoutApi
from localapi.server import LOCALHOST
from storage.database import Storage, open_storage
from storage.single import only_process

logger = logging.getLogger(__name__)

DEFAULT_PORT = 8765
DATABASE_FILE = "chorus-tryout.db"
KEY_FILE = "chorus-tryout.key"
PEOPLE_FILE = "chorus-tryout-people.json"
CHATS_FILE = "chorus-tryout-chats.json"
FILES_DIR = "chorus-tryout-files"
BOT_ID = 1_000_000
BOT_USERNAME = "chorus_tryout_bot"

NOTICE = (
    "This is a local try-out of Chorus. Nothing leaves this computer: the bot talks to a "
    "stand-in for Telegram built into Chorus, and no message goes to Telegram or anywhere else."
)
CONNECT = (
    "To use Chorus for real, create a bot with @BotFather in Telegram, put the token it gives "
    "you in TELEGRAM_BOT_TOKEN (or in a .env file), and start Chorus again with ./run.sh."
)
REMOTE_REFUSED = (
    "the try-out page has no password, so it only listens on 127.0.0.1 (this computer). "
    "To let other devices on your network open it anyway, add --allow-remote."
)


@dataclass(frozen=True)
class TryoutOptions:
    """How to run the try-out."""

    host: str = LOCALHOST
    port: int = DEFAULT_PORT
    allow_remote: bool = False
    data_dir: Path = Path()


def check_options(options: TryoutOptions) -> None:
    """Raise `SettingsError` with one sentence if the options cannot be used."""
    if options.host != LOCALHOST and not options.allow_remote:
        raise SettingsError(f"--host {options.host} was refused: {REMOTE_REFUSED}")
    if not 0 <= options.port <= 65535:
        raise SettingsError("--port must be a port number between 1 and 65535 (or 0 for any).")
    if not options.data_dir.is_dir():
        raise SettingsError(
            f"--data-dir {options.data_dir} is not a folder; create it or choose another."
        )


def tryout_settings(api: TryoutApi, data_dir: Path) -> Settings:
    """Settings that point the bot at the local server and the try-out's own files."""
    folder = data_dir.expanduser().resolve()
    return load_settings(
        TELEGRAM_BOT_TOKEN=api.token,
        bot_api_url=api.base_url,
        database_url=f"sqlite:///{folder / DATABASE_FILE}",
        secret_key=None,
        secret_key_file=folder / KEY_FILE,
        admin_ids=frozenset({ADMIN_ID}),
        webhook_url=None,
        webhook_secret=None,
        # Nothing is held back at night: people try Chorus out whenever they like.
        quiet_hours="off",
        # Messages to one chat need no pacing here; Telegram's limits are not in play.
        private_chat_interval=0.0,
    )


def make_key(path: Path) -> None:
    """Make the try-out's own key, if it has none, without asking for a backup: the
    try-out's data is there to try Chorus out, and starts afresh when its files go."""
    if path.exists():
        return
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_urlsafe(48) + "\n")
    logger.debug("made the try-out's own key in %s", path)


def framing(api: TryoutApi, settings: Settings, invite_link: str) -> dict[str, str]:
    """What the terminal and the page say about the try-out."""
    folder = Path(str(settings.async_database_url().database)).parent
    files = ", ".join((DATABASE_FILE, KEY_FILE, PEOPLE_FILE, CHATS_FILE))
    return {
        "notice": NOTICE,
        "connect": CONNECT,
        "data": (
            f"Try-out data, chats included, is kept in {folder}: {files} and the folder "
            f"{FILES_DIR}, apart from any real Chorus database. Delete them to start afresh."
        ),
        "invite": invite_link,
        "group": SAMPLE_GROUP,
    }


def banner(api: TryoutApi, words: dict[str, str]) -> str:
    """The lines printed when the try-out is ready."""
    lines = [
        "",
        "Chorus is running in local try-out mode.",
        f"  Open the chat page in your browser: {api.page_url}",
        f"  {words['notice']}",
        f"  {words['data']}",
        f"  {words['connect']}",
        "  Press Ctrl+C to stop.",
        "",
    ]
    if api.host != LOCALHOST:
        lines.insert(
            3, f"  Warning: listening on {api.host}; anyone who can reach it can use the page."
        )
    return "\n".join(lines)


async def serve_tryout(
    options: TryoutOptions,
    stop: asyncio.Event,
    clock: Clock | None = None,
    out: TextIO = sys.stdout,
    started: Callable[[TryoutApi], None] | None = None,
) -> None:
    """Run the try-out until `stop` is set; `started` is told once the page is up."""
    check_options(options)
    token = f"{BOT_ID}:{secrets.token_urlsafe(24)}"
    api = TryoutApi(token, BOT_USERNAME, host=options.host, port=options.port)
    api.keep_history(options.data_dir / CHATS_FILE, options.data_dir / FILES_DIR)
    stack = contextlib.AsyncExitStack()
    try:
        await api.start()
    except OSError as exc:
        raise SettingsError(
            f"the try-out could not listen on {options.host} port {options.port} "
            f"({exc.strerror}); choose another with --port."
        ) from None
    try:
        settings = tryout_settings(api, options.data_dir)
        # Before the database is touched: a second try-out on the same files would send twice.
        await stack.enter_async_context(only_process(settings.async_database_url()))
        make_key(settings.secret_key_file)
        people_file = options.data_dir / PEOPLE_FILE
        api.clock = TryoutClock(clock or SystemClock(), saved_offset(people_file))
        api.zone = settings.zone
        sample = await _prepare(api, settings, people_file)
        ticks = Ticks()
        _wire(api, settings, people_file, ticks, stack)
        invite = f"https://t.me/{BOT_USERNAME}?start={JOIN_PREFIX}{sample.invite_code}"
        api.framing = framing(api, settings, invite)
        print(banner(api, api.framing), file=out, flush=True)
        if started is not None:
            started(api)
        await serve(settings, stop, api.clock, ticks=ticks)
    finally:
        await api.stop()
        await stack.aclose()


async def _prepare(api: TryoutApi, settings: Settings, people_file: Path) -> Sample:
    """The sample people and group (made on the first start), as chats on the page."""
    sealer = Sealer(load_secret_key(settings))
    storage = await open_storage(settings.async_database_url(), api.clock.now)
    try:
        sample = await prepare(storage, api.clock, sealer, settings.zone, people_file)
    finally:
        await storage.close()
    for person in sample.people:
        api.add_person(person)
    return sample


def _wire(
    api: TryoutApi,
    settings: Settings,
    people_file: Path,
    ticks: Ticks,
    stack: contextlib.AsyncExitStack,
) -> None:
    """What the page's doings set off: people and time kept for the next start, what a
    move of the clock brings run at once, and people's roles followed."""

    def keep() -> None:
        save(people_file, list(api.people.values()), api.clock.offset)

    api.on_person_added = lambda _person: keep()
    api.on_clock_moved = keep
    # What the new time brings (the morning batch, reminders, digests) comes at once,
    # before the page is told the time moved, not at the next scheduled tick.
    api.after_clock_moved = lambda: _run_due(ticks)
    api.on_people_changed = keep
    lookup = Storage.open(settings.async_database_url(), api.clock.now)
    stack.push_async_callback(lookup.close)
    api.roles_source = lambda people: current_roles(lookup, people)
    api.check_roles()


async def _run_due(ticks: Ticks) -> None:
    """Run the ticks that find due work in the database, then deliver what they queued."""
    for name in ("followup", "sessions", "unanswered-alerts", "delivery"):
        if ticks.knows(name):
            await ticks.run(name)


def run_tryout(options: TryoutOptions) -> None:
    """Run the try-out until SIGINT or SIGTERM."""
    run_until_signalled(lambda stop: serve_tryout(options, stop))
