"""The `chorus` command."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from bot.logs import configure_logging
from bot.settings import Settings, SettingsError, load_secret_key, load_settings
from storage.single import DatabaseInUse

DESCRIPTION = (
    "Chorus: a Telegram bot for involvement groups. Settings come from the environment "
    "or a .env file; see README.md."
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chorus", description=DESCRIPTION)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser(
        "run",
        help="start the bot (polling, or webhook if CHORUS_WEBHOOK_URL is set); without "
        "TELEGRAM_BOT_TOKEN, start the local try-out instead",
    )
    _tryout_parser(commands)
    db = commands.add_parser("db", help="database tasks")
    db_commands = db.add_subparsers(dest="db_command", metavar="TASK", required=True)
    db_commands.add_parser("upgrade", help="apply database migrations (run also happens at start)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run it; returns the exit status."""
    # python-telegram-bot's coming type for retry_after (a timedelta), chosen now; Chorus
    # reads either (bot.outbox.ratelimit.retry_seconds).
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    args = _parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = load_settings(require_token=False)
        configure_logging(settings.log_level)
        if command == "db":
            return _db_upgrade(settings)
        if command == "tryout" or settings.telegram_bot_token is None:
            return _tryout(args, settings, from_run=command == "run")
        load_secret_key(settings)
        from bot.intake.polling import FatalIntakeError
        from bot.runner import run

        try:
            run(settings)
        except FatalIntakeError as exc:
            print(f"Chorus stopped: {exc}", file=sys.stderr)
            return 1
    except (SettingsError, DatabaseInUse) as exc:
        print(f"Chorus cannot start: {exc}", file=sys.stderr)
        return 2
    return 0


# ---------------------------------------------------------------------- local try-out


def _tryout_parser(commands: Any) -> None:
    tryout = commands.add_parser(
        "tryout",
        help="start the local try-out: the bot with a chat page in the browser, no Telegram "
        "needed (also when TELEGRAM_BOT_TOKEN is set)",
    )
    tryout.add_argument(
        "--port",
        type=int,
        default=None,
        help="port of the chat page (default: CHORUS_TRYOUT_PORT, or 8765; 0 picks a free one)",
    )
    tryout.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    tryout.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host other than 127.0.0.1 (the page has no password)",
    )
    tryout.add_argument(
        "--data-dir",
        type=Path,
        default=Path(),
        help="folder for the try-out's database, key and people (default: this folder)",
    )


def _tryout(args: argparse.Namespace, settings: Settings, *, from_run: bool) -> int:
    from bot.tryout.run import TryoutOptions, run_tryout

    port = getattr(args, "port", None)
    options = TryoutOptions(
        host=getattr(args, "host", "127.0.0.1"),
        port=settings.tryout_port if port is None else port,
        allow_remote=getattr(args, "allow_remote", False),
        data_dir=getattr(args, "data_dir", Path()),
    )
    if from_run:
        print("TELEGRAM_BOT_TOKEN is not set, so Chorus starts in local try-out mode.", flush=True)
    run_tryout(options)
    return 0


def _db_upgrade(settings: Settings) -> int:
    from bot.clock import SystemClock
    from storage.database import open_storage
    from storage.single import only_process

    async def upgrade() -> None:
        async with only_process(settings.async_database_url()):
            storage = await open_storage(settings.async_database_url(), SystemClock().now)
            await storage.close()

    asyncio.run(upgrade())
    print("The database is up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
