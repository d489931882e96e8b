"""Running Chorus: open storage, start the application, receive updates, stop cleanly."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Awaitable, Callable

from telegram.error import InvalidToken, NetworkError, TelegramError

from bot import menus
from bot.app import ChorusApp, build_application, journal_for
from bot.clock import Clock, SystemClock
from bot.failures import describe
from bot.polling import FatalIntakeError, Poller
from bot.settings import Settings
from bot.ticks import Ticks
from bot.webhook import WebhookServer
from storage.database import open_storage
from storage.single import only_process

logger = logging.getLogger(__name__)


async def serve(
    settings: Settings,
    stop: asyncio.Event,
    clock: Clock | None = None,
    on_ready: Callable[[], None] | None = None,
    ticks: Ticks | None = None,
) -> None:
    """Run the bot until `stop` is set, calling `on_ready` once it has started. Raises
    `FatalIntakeError` with a clear sentence. Tests pass `ticks` to drive the ticks."""
    clock = clock or SystemClock()
    # Before anything touches the database: a second process on it would send twice.
    async with only_process(settings.async_database_url()):
        await _serve(settings, stop, clock, on_ready, ticks)


async def _serve(
    settings: Settings,
    stop: asyncio.Event,
    clock: Clock,
    on_ready: Callable[[], None] | None,
    ticks: Ticks | None,
) -> None:
    storage = await open_storage(settings.async_database_url(), clock.now)
    try:
        application = build_application(settings, storage, clock, ticks)
        journal = journal_for(application, storage, clock)
        try:
            await application.initialize()
        except InvalidToken:
            raise FatalIntakeError(
                "Telegram refused TELEGRAM_BOT_TOKEN; copy the token again from @BotFather."
            ) from None
        except NetworkError as exc:
            raise FatalIntakeError(
                f"Could not reach Telegram at CHORUS_BOT_API_URL ({settings.bot_api_url}): "
                f"{type(exc).__name__}. Check the network, then start Chorus again."
            ) from None
        try:
            await application.start()
            await menus.show_all(
                application.bot, await application.bot_data.services.roles.menu_targets()
            )
            await _warn_if_no_lead(application)
            await application.bot_data.worker.start()
            await journal.replay()
            if on_ready is not None:
                on_ready()
            if settings.webhook_url is not None and settings.webhook_secret is not None:
                intake = WebhookServer(
                    application.bot,
                    journal,
                    storage,
                    url=settings.webhook_url,
                    path=settings.webhook_path,
                    secret=settings.webhook_secret,
                    listen=settings.webhook_listen,
                    port=settings.webhook_port,
                )
                logger.info("Chorus is running as @%s (webhook mode)", application.bot.username)
                await intake.run(stop)
            else:
                logger.info("Chorus is running as @%s (polling mode)", application.bot.username)
                await Poller(application.bot, journal).run(stop)
        finally:
            await application.bot_data.worker.stop()
            if application.running:
                await application.stop()
            await application.shutdown()
    finally:
        await storage.close()


def run(settings: Settings) -> None:
    """Run the bot until SIGINT or SIGTERM."""
    # What start-up made (modules, the schema, the application) lives as long as the
    # process: once it is running, the garbage collector need not look through all that at
    # every full pass (measured with benchmarks/updates.py).
    run_until_signalled(lambda stop: serve(settings, stop, on_ready=gc.freeze))


def run_until_signalled(main: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    """Run `main(stop)`, with `stop` set on SIGINT or SIGTERM."""

    async def signalled() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await main(stop)

    asyncio.run(signalled())


async def _warn_if_no_lead(application: ChorusApp) -> None:
    """Loudly, in the log and in each admin's chat, if no safeguarding lead is set."""
    safety = application.bot_data.services.safety
    for admin in await safety.warn_if_no_lead():
        try:
            await application.bot.send_message(admin, safety.no_lead_warning())
        except TelegramError as exc:
            logger.warning("could not warn an admin that no lead is set: %s", describe(exc))
