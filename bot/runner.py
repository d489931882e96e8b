"""Running Chorus: open storage, start the application, receive updates, stop cleanly."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Awaitable, Callable

from telegram.error import InvalidToken, NetworkError

from bot import menus, report_files
from bot.app import ChorusApp, build_application, journal_for
from bot.clock import Clock, SystemClock
from bot.failures import describe
from bot.intake.journal import JournalUpdateProcessor, UpdateJournal
from bot.intake.polling import FatalIntakeError, Poller
from bot.intake.webhook import WebhookServer
from bot.outbox.ratelimit import ChorusRateLimiter
from bot.replicas import ReplicaLife, claimer_for
from bot.services import risk
from bot.settings import Settings
from bot.ticks import Ticks
from storage.database import Storage, open_storage
from storage.single import only_process

logger = logging.getLogger(__name__)

# Of CHORUS_STOP_SECONDS: the time updates being handled get to finish, and the moment
# waits for another process's write lock are given up (after those updates were stopped).
HANDLING_SHARE = 0.5
GIVE_UP_SHARE = 0.6


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
    async with only_process(settings.async_database_url(), replicas=settings.replicas):
        await _serve(settings, stop, clock, on_ready, ticks)


async def _serve(
    settings: Settings,
    stop: asyncio.Event,
    clock: Clock,
    on_ready: Callable[[], None] | None,
    ticks: Ticks | None,
) -> None:
    storage = await open_storage(settings.async_database_url(), clock.now)
    if settings.replicas:
        storage.claimer = claimer_for(settings.replica_id, settings.replica_lease_seconds)
    life: ReplicaLife | None = None
    warming: asyncio.Task[None] | None = None
    try:
        application = build_application(settings, storage, clock, ticks)
        journal = journal_for(application, storage, clock, settings)
        await _initialize(application, settings)
        winding_down = asyncio.create_task(_wind_down(stop, storage, application, settings))
        try:
            await application.start()
            warming = await _get_ready(application)
            if storage.claimer is not None:
                life = _replica_life(application, storage, clock, journal)
                await life.start()
            await application.bot_data.worker.start()
            await journal.replay()
            if on_ready is not None:
                on_ready()
            await _receive(application, journal, storage, settings, stop)
        finally:
            stop.set()  # also when receiving updates failed
            await winding_down
            if warming is not None:
                warming.cancel()
            await _step("the delivery worker", application.bot_data.worker.stop())
            if life is not None:
                await _step("the replica's heartbeat", life.stop())
            if application.running:
                await _step("the application", application.stop())
            await _step("the application's shutdown", application.shutdown())
    finally:
        await storage.close()


async def _warm_report_drawing() -> None:
    try:
        await report_files.warm_up()
    except Exception as exc:  # the first report starts it again
        logger.warning("The report drawing process did not start: %s", describe(exc))


async def _get_ready(application: ChorusApp) -> asyncio.Task[None]:
    """Before the first update: the menus shown, a missing lead warned of, the detector
    ready, and the report drawing process starting (the task that starts it)."""
    await menus.show_all(application.bot, await application.bot_data.services.roles.menu_targets())
    # Loudly, in the log and in each admin's chat, if no safeguarding lead is set.
    await application.bot_data.services.safety.warn_if_no_lead()
    # The risk detector's rules are read and compiled once (about half a second),
    # here rather than while the first member who writes waits for an answer.
    risk.detector()
    # The process that draws /report's charts and files starts now, in the background, so
    # that the first report does not wait for it.
    return asyncio.create_task(_warm_report_drawing())


def _replica_life(
    application: ChorusApp, storage: Storage, clock: Clock, journal: UpdateJournal
) -> ReplicaLife:
    limiter = application.bot.rate_limiter
    assert isinstance(limiter, ChorusRateLimiter) and storage.claimer is not None
    return ReplicaLife(storage, clock, storage.claimer, limiter, journal)


async def _initialize(application: ChorusApp, settings: Settings) -> None:
    """Meet Telegram (getMe); a refused token or an unreachable server in one sentence."""
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


async def _receive(
    application: ChorusApp,
    journal: UpdateJournal,
    storage: Storage,
    settings: Settings,
    stop: asyncio.Event,
) -> None:
    """Receive updates until `stop`: by webhook when one is set, else by polling."""
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


async def _wind_down(
    stop: asyncio.Event, storage: Storage, application: ChorusApp, settings: Settings
) -> None:
    """Once `stop` is set: updates being handled get half of CHORUS_STOP_SECONDS to finish
    (the rest are handled after the restart), and from a little later any wait for another
    process's write lock fails at once. So stopping ends in time, whatever holds the lock."""
    await stop.wait()
    grace = settings.stop_seconds
    storage.give_up_waiting(grace * GIVE_UP_SHARE)
    processor = application.update_processor
    if isinstance(processor, JournalUpdateProcessor):
        await processor.stop_handling(grace * HANDLING_SHARE)


async def _step(name: str, stopping: Awaitable[None]) -> None:
    """One step of stopping; a failure (the database gone, say) does not skip the others."""
    try:
        await stopping
    except Exception as exc:  # logged; what it left is done again after the restart
        logger.error("stopping %s failed: %s", name, describe(exc))


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

    try:
        asyncio.run(signalled())
    finally:
        # The process is ending: a warm-up of the drawing process still under way would
        # make it wait.
        report_files.stop_warming()
