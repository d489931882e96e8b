"""Logging set-up. No log line may hold what a member wrote, whatever level is asked for."""

from __future__ import annotations

import logging

# The lowest level each library may log at. Below these, libraries log what passes through
# them: httpx and aiohttp log URLs holding the bot token; aiosqlite and SQLAlchemy log SQL
# parameters; python-telegram-bot logs whole updates and requests (people's words) at DEBUG.
LIBRARY_FLOORS = {
    "aiohttp": logging.WARNING,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "aiosqlite": logging.WARNING,
    "sqlalchemy": logging.WARNING,
    "asyncpg": logging.WARNING,
    "telegram": logging.INFO,
    # Logs the raw data of an update it cannot parse; Chorus reports those itself.
    "telegram.Bot": logging.CRITICAL + 1,
    "telegram.ext.ExtBot": logging.CRITICAL + 1,
    "apscheduler": logging.WARNING,
    "alembic.runtime.plugins": logging.WARNING,
    # One line per migration step at every start-up is noise; problems are still logged.
    "alembic.runtime.migration": logging.WARNING,
    "tornado.access": logging.WARNING,
}


def configure_logging(level: str) -> None:
    """Log to stderr at `level`, with every library held at its floor."""
    numeric = logging.getLevelNamesMapping()[level.upper()]
    logging.basicConfig(level=numeric, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(numeric)
    for name, floor in LIBRARY_FLOORS.items():
        logging.getLogger(name).setLevel(max(floor, numeric))
