"""Data rights (J7): a person's own data (`/mydata`), being forgotten (`/forgetme`), and the
retention settings' daily erasing.

Everything about a person is found through their person row (named things) and their keyed
pseudonym (anonymous items, updates and conversations about them, safeguarding alerts).
Forgetting runs in small steps, each its own transaction, recorded by a durable erasure row:
a crash in between leaves the row, and the erasing tick (or the confirmation handled again)
finishes the work. The person row goes last, with the erasure row, so nothing is ever left
half-erased with no one to finish it.
"""

from __future__ import annotations

import asyncio
import enum
import html
import json
import logging
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.crypto import Sealer
from bot.services.my_data import DataShape, RawData, plain
from bot.services.nudges import REASON_PURPOSE
from bot.services.payment_model import pays_anything
from bot.services.payment_records import payments_held
from bot.services.sharing import (
    seal_held,
)
from bot.services.withdrawal import AlertKeys, delete_receipts_shown, withdraw_items
from storage.database import Storage
from storage.people import PersonRow
from storage.rights import RightsRepo
from storage.tx import Tx

logger = logging.getLogger(__name__)

# How many times a day a person may ask for their data.
REQUESTS_PER_DAY = 3
# A confirmation of /forgetme older than this erases nothing: the person is asked again.
CONFIRM_WITHIN = timedelta(hours=1)
# An erasure under way longer than this was interrupted (erasing 1,000 items takes well
# under a second): the erasing tick finishes it.
ERASING_ALONE = timedelta(seconds=30)
# Items erased in one transaction, so no transaction holds the database long.
ERASE_CHUNK = 50
RETENTION_CHUNK = 200
# The version of the join message's wording (WELCOME in bot/presentation/texts/membership.py)
# agreed to when joining now, kept with each membership: change it whenever that wording
# changes.
CONSENT_WORDING = "join-2026-12"
# Sealed values opened for the person's own file.


class DataOutcome(enum.Enum):
    """What came of asking for one's data."""

    READY = "ready"
    TOO_MANY = "too_many"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class MyData:
    """Everything held about a person, as plain values (dates as ISO text)."""

    outcome: DataOutcome
    data: dict[str, Any]
    made_at: datetime | None = None


@dataclass(frozen=True)
class ForgetAsk:
    """What `/forgetme` asks about: the token its confirmation carries, and whether the
    person has anonymous items to choose about."""

    known: bool
    token: str = ""
    anonymous_items: int = 0
    named_items: int = 0
    erasing: bool = False


class ForgetOutcome(enum.Enum):
    """What came of a confirmation."""

    ERASED = "erased"
    STALE = "stale"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ForgetResult:
    """What was erased, counted, and whether any involvement time was kept for accounts."""

    outcome: ForgetOutcome
    named_items: int = 0
    anonymous_deleted: int = 0
    anonymous_kept: int = 0
    groups: int = 0
    hours_kept: bool = False
    # Approved payments kept for the accounts, with no name, receipt or question.
    payments_kept: bool = False
    # Voice notes played to coordinators too long ago for Telegram to let them be deleted.
    voice_kept: int = 0


@dataclass(frozen=True)
class Retention:
    """How long things are kept (from the settings in force)."""

    keep_words_days: int = 365
    keep_sent_days: int = 30


@dataclass(frozen=True)
class RetentionReport:
    """What one run of the retention tick erased."""

    items: int
    messages: int


class Rights:
    """`/mydata`, `/forgetme` and retention."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        sealer: Sealer,
        zone: ZoneInfo,
        retention: Retention | None = None,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._sealer = sealer
        self._zone = zone
        self.retention = retention or Retention()
        self._keys = AlertKeys(sealer, zone)
        self._shape = DataShape(sealer)

    # --- /mydata ---------------------------------------------------------------------------

    async def my_data(self, telegram_id: int) -> MyData:
        """Everything held about the person; at most a few times a day."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return MyData(DataOutcome.UNKNOWN, {})
            rights = RightsRepo(tx.conn)
            if await rights.requests_since(person.id, now - timedelta(days=1)) >= (
                REQUESTS_PER_DAY
            ):
                return MyData(DataOutcome.TOO_MANY, {})
            await rights.note_request(person.id, now)
        # Reads that may be large (a thousand items) run apart from the event loop.
        async with self._storage.read() as tx:
            data = await self._gather(tx, person)
        data["made_at"] = now.isoformat()
        return MyData(DataOutcome.READY, data, now)

    async def _gather(self, tx: Tx, person: PersonRow) -> dict[str, Any]:
        rights = RightsRepo(tx.conn)
        pseudonym = self._sealer.pseudonym(person.telegram_id)
        items = await rights.items(person.id, pseudonym)
        raw = RawData(
            person=person,
            pseudonym=pseudonym,
            roles=await rights.roles(person.id),
            digest=await rights.digest(person.id),
            memberships=await rights.memberships(person.id),
            answers=await rights.session_answers(person.id),
            attendance=await rights.attendance(person.id),
            items=items,
            events=await rights.events([row["id"] for row in items]),
            held=[sealed for _, sealed in await tx.items.held()],
            contributor_updates=await rights.contributor_updates(person.id, pseudonym),
            outbox=await rights.outbox(person.id),
            conversations=await rights.conversations(person.id, pseudonym),
            alerts=await rights.alerts(pseudonym),
            step=await tx.steps.get(person.id),
        )
        left = await rights.departures(person.id)
        # Opening a thousand sealed values takes a while: apart from the event loop.
        built = await asyncio.to_thread(self._shape.build, raw)
        built["groups_left"] = [
            {
                "group": row["name"],
                "left": plain(row["left_at"]),
                "coordinators_reason": self._shape.open(row["reason"], REASON_PURPOSE),
            }
            for row in left
        ]
        built["payments"] = await payments_held(tx, person.id)
        return built

    # --- /forgetme -------------------------------------------------------------------------

    async def ask_forget(self, telegram_id: int) -> ForgetAsk:
        """Start asking: a fresh token, so only this confirmation can erase anything."""
        now = self._clock.now()
        token = secrets.token_urlsafe(9)
        pseudonym = self._sealer.pseudonym(telegram_id)
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return ForgetAsk(known=False)
            rights = RightsRepo(tx.conn)
            erasure = await rights.erasure(person.id)
            if erasure is not None and erasure.state == "erasing":
                return ForgetAsk(known=True, erasing=True)
            await rights.ask_erasure(person.id, token, now)
        async with self._storage.read() as tx:
            named, anonymous = await RightsRepo(tx.conn).count_items(person.id, pseudonym)
            held = [sealed for _, sealed in await tx.items.held()]
        anonymous += sum(
            1
            for sealed in held
            for item in [self._shape.held(sealed)]
            if item is not None and item.pseudonym == pseudonym
        )
        return ForgetAsk(True, token, anonymous, named)

    async def forget(self, telegram_id: int, token: str, keep_anonymous: bool) -> ForgetResult:
        """Erase the person, if `token` is the one their latest `/forgetme` gave (a forged
        or stale button erases nothing)."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return ForgetResult(ForgetOutcome.UNKNOWN)
            rights = RightsRepo(tx.conn)
            erasure = await rights.erasure(person.id)
            if erasure is None or not secrets.compare_digest(erasure.token, token):
                return ForgetResult(ForgetOutcome.STALE)
            if erasure.state == "asked":
                if now - erasure.asked_at > CONFIRM_WITHIN:
                    return ForgetResult(ForgetOutcome.STALE)
                await rights.start_erasure(person.id, keep_anonymous, now)
            else:
                # Handled again after a crash: carry on with the choice first made.
                keep_anonymous = bool(erasure.keep_anonymous)
        return await self._erase(person, keep_anonymous)

    async def finish_erasures(self) -> int:
        """Finish every erasure a crash interrupted; how many. One begun moments ago is
        left to the confirmation that began it (so it can say what it erased)."""
        async with self._storage.read() as tx:
            waiting = await RightsRepo(tx.conn).erasing()
        begun_before = self._clock.now() - ERASING_ALONE
        finished = 0
        for erasure in waiting:
            if erasure.started_at is not None and erasure.started_at > begun_before:
                continue
            async with self._storage.read() as tx:
                person = await tx.people.get(erasure.person_id)
            if person is not None:
                await self._erase(person, bool(erasure.keep_anonymous))
                finished += 1
        return finished

    async def _erase(self, person: PersonRow, keep_anonymous: bool) -> ForgetResult:
        pseudonym = self._sealer.pseudonym(person.telegram_id)
        now = self._clock.now()
        named, voice_named = await self._erase_named_items(person, now)
        deleted, kept, voice_anonymous = await self._erase_anonymous_items(
            pseudonym, keep_anonymous, now
        )
        voice_kept = voice_named + voice_anonymous
        async with self._storage.transaction() as tx:
            held_deleted, held_kept = await self._erase_held(tx, pseudonym, keep_anonymous)
        async with self._storage.transaction() as tx:
            await RightsRepo(tx.conn).forget_pseudonym(pseudonym, secrets.token_hex(32))
        if person.display_name:
            await self._erase_name_sent(person.display_name)
        groups, hours_kept, paid, erased = await self._erase_person(person, now)
        # The earlier versions of the rows, still in the write-ahead log, go too.
        await self._storage.checkpoint()
        if not erased:
            # Another run (a second tap, or the tick after a restart) finished first.
            return ForgetResult(ForgetOutcome.UNKNOWN)
        logger.info("a person was erased at their request")
        return ForgetResult(
            ForgetOutcome.ERASED,
            named_items=named,
            anonymous_deleted=deleted + held_deleted,
            anonymous_kept=kept + held_kept,
            groups=groups,
            hours_kept=hours_kept,
            payments_kept=paid,
            voice_kept=voice_kept,
        )

    async def _erase_named_items(self, person: PersonRow, now: datetime) -> tuple[int, int]:
        """Take back every item given with the person's name, a chunk at a time: how many,
        and how many of their voice notes may still play in a coordinator's chat."""
        named = voice_kept = 0
        while True:
            async with self._storage.transaction() as tx:
                rights = RightsRepo(tx.conn)
                ids = await rights.named_item_ids(person.id, ERASE_CHUNK)
                voice_kept += await withdraw_items(
                    tx, [(i, None) for i in ids], now, keys=self._keys
                )
            named += len(ids)
            if len(ids) < ERASE_CHUNK:
                return named, voice_kept

    async def _erase_anonymous_items(
        self, pseudonym: str, keep_anonymous: bool, now: datetime
    ) -> tuple[int, int, int]:
        """Delete the person's anonymous items, or keep them with no way back to the person,
        a chunk at a time: how many were deleted and kept, and how many voice notes may
        still play."""
        deleted = kept = voice_kept = 0
        while True:
            async with self._storage.transaction() as tx:
                rights = RightsRepo(tx.conn)
                found = await rights.anonymous_items(pseudonym, ERASE_CHUNK)
                ids = [item_id for item_id, _ in found]
                voice_kept += await withdraw_items(
                    tx, found, now, keep_unlinked=keep_anonymous, keys=self._keys
                )
            if keep_anonymous:
                kept += len(ids)
            else:
                deleted += len(ids)
            if len(ids) < ERASE_CHUNK:
                return deleted, kept, voice_kept

    async def _erase_name_sent(self, name: str) -> None:
        """Erase the messages sent that carry the person's name."""
        # Found apart from the event loop (a search through every message), then erased.
        forms = sorted({name, html.escape(name, quote=False), json.dumps(name)[1:-1]})
        async with self._storage.read() as tx:
            naming = await RightsRepo(tx.conn).sent_naming(forms)
        async with self._storage.transaction() as tx:
            await RightsRepo(tx.conn).erase_sent(naming)

    async def _erase_person(
        self, person: PersonRow, now: datetime
    ) -> tuple[int, bool, bool, bool]:
        """Keep the hours and payments the accounts need and delete the person: how many
        groups they were in, whether hours and payments were kept, and whether this run
        erased them."""
        async with self._storage.transaction() as tx:
            rights = RightsRepo(tx.conn)
            groups = len(await rights.memberships(person.id))
            days = {
                session_id: starts.astimezone(self._zone).date()
                for session_id, starts in await rights.session_days(person.id)
            }
            attendance = await rights.attendance(person.id)
            hours_kept = any(row["came"] and row["minutes"] > 0 for row in attendance)
            await rights.keep_hours(person.id, days)
            await delete_receipts_shown(tx, person.id, now)
            paid = pays_anything(await tx.payments.keep_for_accounts(person.id))
            erased = await rights.delete_person(person.id)
        return groups, hours_kept, paid, erased

    async def _erase_held(self, tx: Tx, pseudonym: str, keep: bool) -> tuple[int, int]:
        """Anonymous items still held for the daily batch: deleted, or kept with no way
        back to the person."""
        deleted = kept = 0
        rights = RightsRepo(tx.conn)
        for hold_id, sealed in await tx.items.held():
            item = self._shape.held(sealed)
            if item is None or item.pseudonym is None:
                continue
            if not secrets.compare_digest(item.pseudonym, pseudonym):
                continue
            if keep:
                unlinked = replace(item, pseudonym=None, return_address=None)
                await rights.reseal_held(hold_id, seal_held(self._sealer, unlinked))
                kept += 1
            else:
                await tx.items.drop_held(hold_id)
                deleted += 1
        return deleted, kept

    # --- retention -------------------------------------------------------------------------

    async def retention_tick(self) -> RetentionReport:
        """Erase what the retention settings say is past keeping: items' words a while
        after their outcome, and the contents of messages sent a while ago."""
        now = self._clock.now()
        words_before = now - timedelta(days=self.retention.keep_words_days)
        sent_before = now - timedelta(days=self.retention.keep_sent_days)
        items = messages = 0
        # Found apart from the event loop (a search through every item), erased in steps.
        while True:
            async with self._storage.read() as tx:
                ids = await RightsRepo(tx.conn).words_past_keeping(words_before, RETENTION_CHUNK)
            async with self._storage.transaction() as tx:
                await RightsRepo(tx.conn).erase_words(ids)
            items += len(ids)
            if len(ids) < RETENTION_CHUNK:
                break
        while True:
            async with self._storage.read() as tx:
                ids = await RightsRepo(tx.conn).sent_past_keeping(sent_before, RETENTION_CHUNK)
            async with self._storage.transaction() as tx:
                await RightsRepo(tx.conn).erase_sent(ids)
            messages += len(ids)
            if len(ids) < RETENTION_CHUNK:
                break
        async with self._storage.transaction() as tx:
            await RightsRepo(tx.conn).prune_requests(now - timedelta(days=2))
        if items or messages:
            await self._storage.checkpoint()
            logger.info("retention: erased the words of %d items, %d messages", items, messages)
        return RetentionReport(items, messages)
