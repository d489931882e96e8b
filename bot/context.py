"""The typed context every handler receives."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from telegram.ext import CallbackContext, ExtBot

from bot.services import Services

if TYPE_CHECKING:
    from bot.outbox.delivery import DeliveryWorker
    from bot.ticks import Ticks

# The bot, with Chorus's rate limiter's arguments (see bot/outbox/ratelimit.py).
ChorusBot = ExtBot[dict[str, Any]]


class BotData:
    """What the application shares with every handler; filled in by `build_application`."""

    services: Services
    zone: ZoneInfo
    quiet_hours: str
    organisation: str
    worker: DeliveryWorker
    ticks: Ticks


class ChorusContext(CallbackContext[ChorusBot, dict[Any, Any], dict[Any, Any], BotData]):
    """PTB's context with typed access to the services."""

    @property
    def services(self) -> Services:
        """The services (rules over storage)."""
        return self.bot_data.services

    def start_link(self, payload: str) -> str:
        """A `t.me` link that opens this bot with `/start <payload>`."""
        return f"https://t.me/{self.bot.username}?start={payload}"
