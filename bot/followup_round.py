"""The follow-up tick (closing the loop, J4): the database says what is due; this only
asks it.

Each round gives the coordinators the anonymous items whose daily batch has come, gathers
due updates for their authors into the outbox, and queues the coordinators' daily notice
once its time has come."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from bot.failures import describe
from bot.services import Services

logger = logging.getLogger(__name__)


async def followup_round(services: Services, zone: ZoneInfo, quiet_default: str) -> int:
    """Queue what is due now; how many messages were queued (the worker is then kicked)."""
    queued = 0
    # One moment for the whole round: the daily batch and the daily notice both come at
    # 9:00, and a round that read the clock twice across 9:00 would send the notice
    # without the batch's items (and not again that day).
    now = services.clock.now()
    try:
        await services.sharing.release_held(now)
        queued += await services.contributor_updates.run_due(zone, quiet_default)
        queued += await services.nudges.run_daily(now)
    except Exception as exc:  # the next tick tries again; nothing is lost from the database
        logger.error("follow-up round failed: %s", describe(exc))
    return queued
