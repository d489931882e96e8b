"""Building the Application: every part of Chorus is put together here, and only here."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults

from bot import errors
from bot.bot_api_http import AiohttpRequest
from bot.clock import Clock
from bot.context import BotData, ChorusBot, ChorusContext
from bot.crypto import Sealer
from bot.failures import describe
from bot.followup_round import followup_round
from bot.intake.journal import JournalUpdateProcessor, UpdateJournal
from bot.outbox.delivery import DeliveryWorker
from bot.outbox.ratelimit import ChorusRateLimiter, Limits
from bot.replicas import SharedChats, take_tick
from bot.services import Services
from bot.services.rights import Retention
from bot.settings import Settings, load_secret_key
from bot.ticks import Ticks
from handlers import register
from storage.database import Storage

logger = logging.getLogger(__name__)

# With replicas: whether this replica runs the named tick (of this interval) now.
TickGate = Callable[[str, timedelta], Awaitable[bool]]

ChorusApp = Application[ChorusBot, ChorusContext, dict[Any, Any], dict[Any, Any], BotData, Any]

# Updates handled at once (one at a time per chat); see benchmarks/updates.py.
CONCURRENT_UPDATES = 64
CONNECTION_POOL = 8
PRUNE_EVERY = timedelta(hours=6)
# The database holds every piece of time-based work; this tick only wakes the worker.
DELIVERY_TICK = timedelta(seconds=1)
# Safeguarding alerts: unanswered, not taken, not yet delivered (all in the database).
SAFETY_TICK = timedelta(seconds=2)
# Updates for contributors and the coordinators' daily notice: what is due is in the database.
FOLLOWUP_TICK = timedelta(seconds=2)
# Sessions' reminders, attendance requests and questions afterwards (all in the database).
SESSIONS_TICK = timedelta(seconds=2)
# Erasures a crash interrupted are finished (found in the database).
ERASURE_TICK = timedelta(seconds=5)
# What the retention settings say is past keeping is erased once a day.
RETENTION_TICK = timedelta(days=1)


def build_application(
    settings: Settings, storage: Storage, clock: Clock, ticks: Ticks | None = None
) -> ChorusApp:
    """The PTB Application with Chorus's handlers, services and update journal; its periodic
    ticks run through `ticks` (a new one unless given, as tests do to drive them)."""
    application = _application(settings, storage)
    sealer = Sealer(load_secret_key(settings))
    services = _services(settings, storage, clock, sealer)
    application.bot_data.services = services
    application.bot_data.zone = settings.zone
    application.bot_data.quiet_hours = settings.quiet_hours
    application.bot_data.organisation = settings.organisation_name
    ticks = ticks if ticks is not None else Ticks()
    application.bot_data.ticks = ticks
    gate = _once_across_replicas(settings, storage, clock)
    if settings.replicas:
        _share_with_replicas(application, storage, sealer, settings)
    worker = DeliveryWorker(
        storage,
        clock,
        application.bot,
        settings.zone,
        services.broadcasts,
        settings.send_rate,
        settings.quiet_hours,
        services.sealer,
        ticks,
        gate,
    )
    application.bot_data.worker = worker
    _schedule_ticks(application, settings, services, worker, gate)
    register(application)
    application.add_error_handler(errors.on_error)
    return application


def _services(settings: Settings, storage: Storage, clock: Clock, sealer: Sealer) -> Services:
    """The services, with the settings they need."""
    zone, helplines = settings.zone, settings.helplines
    return Services.build(
        storage,
        clock,
        settings.admin_ids,
        sealer,
        zone=zone,
        helplines=helplines,
        alert_take_within=timedelta(minutes=settings.alert_take_minutes),
        retention=Retention(settings.keep_words_days, settings.keep_sent_days),
    )


def _application(settings: Settings, storage: Storage) -> ChorusApp:
    """The bare Application: where Telegram is, its limits, and how updates are handled."""
    assert settings.telegram_bot_token is not None
    context_types = ContextTypes(context=ChorusContext, bot_data=BotData)
    application: ChorusApp = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .base_url(settings.bot_api_url)
        .base_file_url(settings.bot_file_url)
        .updater(None)  # updates arrive through the journal (bot/intake/)
        .context_types(context_types)
        .concurrent_updates(JournalUpdateProcessor(storage, CONCURRENT_UPDATES))
        .request(AiohttpRequest(CONNECTION_POOL, pool_timeout=10.0))
        # One long poll at a time; its read timeout is set by each call (bot/intake/).
        .get_updates_request(AiohttpRequest(1))
        .rate_limiter(
            ChorusRateLimiter(
                Limits(
                    per_second=settings.send_rate,
                    private_chat_interval=settings.private_chat_interval,
                    group_chat_per_minute=settings.group_chat_per_minute,
                )
            )
        )
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .build()
    )
    return application


def _once_across_replicas(settings: Settings, storage: Storage, clock: Clock) -> TickGate | None:
    """With replicas: whether this replica runs a tick now (once per interval across all)."""
    if not settings.replicas:
        return None
    replica = settings.replica_id

    async def gate(name: str, interval: timedelta) -> bool:
        return await take_tick(storage, clock, name, interval, replica)

    return gate


def _share_with_replicas(
    application: ChorusApp, storage: Storage, sealer: Sealer, settings: Settings
) -> None:
    """Replicas: each chat's own limit kept in the database, and a chat's updates handled
    in order whichever replica received them."""
    limiter = application.bot.rate_limiter
    assert isinstance(limiter, ChorusRateLimiter)
    limits = limiter.scheduler.limits
    limiter.share_chats(SharedChats(storage, sealer, limits, settings.replica_id))
    processor = application.update_processor
    assert isinstance(processor, JournalUpdateProcessor)
    processor.keep_order_across_replicas(sealer)


def _ticks(
    settings: Settings, services: Services
) -> list[tuple[str, timedelta, int, Callable[[], Awaitable[int]]]]:
    """The periodic ticks: each one's name, interval, first run (in seconds) and work."""
    zone, quiet = settings.zone, settings.quiet_hours

    async def wake_worker() -> int:
        return 1

    async def sessions_due() -> int:
        report = await services.sessions.tick(zone, quiet)
        return report.reminders_sent + report.attendance_asked + report.feedback_asked

    async def followup_due() -> int:
        return await followup_round(services, zone, quiet)

    async def retention_due() -> int:
        await services.rights.retention_tick()
        return 0

    ticks: list[tuple[str, timedelta, int, Callable[[], Awaitable[int]]]] = [
        ("delivery", DELIVERY_TICK, 1, wake_worker),
        ("followup", FOLLOWUP_TICK, 1, followup_due),
        ("sessions", SESSIONS_TICK, 1, sessions_due),
        # Unanswered alerts, alerts no one took, alerts no one could be told of yet, and the
        # leads' daily list of open alerts: all found in the database.
        ("unanswered-alerts", SAFETY_TICK, 1, services.safety.send_unanswered),
        # Data rights: a /forgetme a crash interrupted, and the retention settings' erasing.
        ("erasures", ERASURE_TICK, 1, services.rights.finish_erasures),
        ("retention", RETENTION_TICK, 60, retention_due),
    ]
    return ticks


def _schedule_ticks(
    application: ChorusApp,
    settings: Settings,
    services: Services,
    worker: DeliveryWorker,
    gate: TickGate | None,
) -> None:
    """The periodic ticks. Each asks the database what is due and queues it, waking the
    delivery worker when it queued something; the schedule itself holds no work. They run
    through the application's `Ticks`, which counts them (tests run them and wait on them)."""
    assert application.job_queue is not None
    for name, interval, first, due in _ticks(settings, services):
        if name != "delivery":  # waking this process's own worker is not shared work
            due = _gated(name, interval, due, gate)
        job = application.bot_data.ticks.add(name, _tick(name, due, worker))
        application.job_queue.run_repeating(job, interval=interval, first=first, name=name)


def _gated(
    name: str, interval: timedelta, due: Callable[[], Awaitable[int]], gate: TickGate | None
) -> Callable[[], Awaitable[int]]:
    """The tick's work, done only when `gate` (replicas) says this replica runs it now."""
    if gate is None:
        return due

    async def once() -> int:
        if not await gate(name, interval):
            return 0
        return await due()

    return once


def _tick(
    name: str, due: Callable[[], Awaitable[int]], worker: DeliveryWorker
) -> Callable[[], Coroutine[Any, Any, None]]:
    async def tick() -> None:
        try:
            queued = await due()
        except Exception as exc:  # the next tick tries again; nothing due is lost
            logger.error("%s tick failed: %s", name, describe(exc))
            return
        if queued:
            worker.kick()

    return tick


def journal_for(
    application: ChorusApp, storage: Storage, clock: Clock, settings: Settings | None = None
) -> UpdateJournal:
    """The update journal that feeds this application, with its pruning tick scheduled
    (once across replicas when `settings` turns them on)."""
    journal = UpdateJournal(
        storage,
        clock,
        application.bot,
        application.update_queue,
        application.bot_data.services.sealer,
    )

    gate = _once_across_replicas(settings, storage, clock) if settings is not None else None
    prune = application.bot_data.ticks.add(
        "prune", _gated("prune", PRUNE_EVERY, journal.prune, gate)
    )
    assert application.job_queue is not None
    application.job_queue.run_repeating(prune, interval=PRUNE_EVERY, first=60, name="prune")
    return journal
