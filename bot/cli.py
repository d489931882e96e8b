"""The `chorus` command."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from bot.logs import configure_logging
from bot.settings import Settings, SettingsError, load_secret_key, load_settings

DESCRIPTION = (
    "Chorus: a Telegram bot for involvement groups. Settings come from the environment "
    "or a .env file; see README.md."
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chorus", description=DESCRIPTION)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser(
        "run", help="start the bot (polling, or webhook if CHORUS_WEBHOOK_URL is set)"
    )
    db = commands.add_parser("db", help="database tasks")
    db_commands = db.add_subparsers(dest="db_command", metavar="TASK", required=True)
    db_commands.add_parser("upgrade", help="apply database migrations (run also happens at start)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run it; returns the exit status."""
    # python-telegram-bot's coming type for retry_after (a timedelta), chosen now; Chorus
    # reads either (bot.ratelimit.retry_seconds).
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    args = _parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = load_settings(require_token=command == "run")
        configure_logging(settings.log_level)
        if command == "db":
            return _db_upgrade(settings)
        load_secret_key(settings)
        from bot.polling import FatalIntakeError
        from bot.runner import run

        try:
            run(settings)
        except FatalIntakeError as exc:
            print(f"Chorus stopped: {exc}", file=sys.stderr)
            return 1
    except SettingsError as exc:
        print(f"Chorus cannot start: {exc}", file=sys.stderr)
        return 2
    return 0


def _db_upgrade(settings: Settings) -> int:
    from bot.clock import SystemClock
    from storage.database import open_storage

    async def upgrade() -> None:
        storage = await open_storage(settings.async_database_url(), SystemClock().now)
        await storage.close()

    asyncio.run(upgrade())
    print("The database is up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
