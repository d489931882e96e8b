"""Polling mode: fetch updates, store them, and only then acknowledge them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from typing import Any

from telegram import Bot, Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBUserWarning

from bot.failures import describe
from bot.intake.journal import UpdateJournal
from bot.outbox.ratelimit import retry_seconds

logger = logging.getLogger(__name__)

POLL_TIMEOUT = 30
# How much longer than the long poll itself to wait for Telegram's answer.
READ_MARGIN = 10
MAX_BACKOFF = 30.0


class FatalIntakeError(Exception):
    """Updates cannot be received at all; the message says why, for the person running it."""


class Poller:
    """Long-polls `getUpdates`. The offset that acknowledges a batch is only sent after the
    batch is in the journal, so a crash at any point loses nothing."""

    def __init__(self, bot: Bot, journal: UpdateJournal, poll_timeout: int = POLL_TIMEOUT):
        self._bot = bot
        self._journal = journal
        self._timeout = poll_timeout
        # Updates are fetched raw (see _fetch); PTB suggests get_updates for that, which
        # would parse each update only for Chorus to turn it back into JSON.
        warnings.filterwarnings(
            "ignore", message=r"Please use 'Bot\.getUpdates'", category=PTBUserWarning
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Receive updates until `stop` is set."""
        await self._bot.delete_webhook(drop_pending_updates=False)
        offset: int | None = None
        backoff = 1.0
        while not stop.is_set():
            try:
                updates = await self._fetch(offset, stop)
            except (InvalidToken, Conflict) as exc:
                raise FatalIntakeError(_fatal_sentence(exc)) from None
            except RetryAfter as exc:
                await _sleep(stop, retry_seconds(exc))
                continue
            except (NetworkError, TelegramError) as exc:
                logger.warning(
                    "getUpdates failed (%s); trying again in %.0f s", type(exc).__name__, backoff
                )
                await _sleep(stop, backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            backoff = 1.0
            if not updates:
                continue
            try:
                await self._journal.admit(updates)
            except Exception as exc:  # not stored, so not acknowledged: Telegram resends them
                logger.error(
                    "could not store %d update(s); fetching them again: %s",
                    len(updates),
                    describe(exc),
                )
                await _sleep(stop, backoff)
                continue
            offset = max(int(update["update_id"]) for update in updates) + 1

    async def _fetch(self, offset: int | None, stop: asyncio.Event) -> list[dict[str, Any]]:
        """The next updates, as the JSON Telegram sent (the journal stores exactly that)."""
        request: dict[str, Any] = {
            "timeout": self._timeout,
            "allowed_updates": list(Update.ALL_TYPES),
        }
        if offset is not None:
            request["offset"] = offset
        fetch = asyncio.ensure_future(
            self._bot.do_api_request(
                "getUpdates", api_kwargs=request, read_timeout=self._timeout + READ_MARGIN
            )
        )
        stopping = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        if not fetch.done():
            # Stopping: abandon the long poll. Nothing fetched in it was acknowledged.
            fetch.cancel()
            await asyncio.gather(fetch, return_exceptions=True)
            return []
        result = fetch.result()
        return result if isinstance(result, list) else []


def _fatal_sentence(exc: TelegramError) -> str:
    if isinstance(exc, InvalidToken):
        return (
            "Telegram refused TELEGRAM_BOT_TOKEN; copy the token again from @BotFather "
            "(or make a new one there with /token)."
        )
    return (
        "Another program is already receiving this bot's updates (or a webhook is set); "
        "stop the other copy of Chorus first."
    )


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    """Wait `seconds`, or less if `stop` is set meanwhile."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
