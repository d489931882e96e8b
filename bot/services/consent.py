"""Consent that stays the member's: how an item may be used, until when, and where it was
quoted, changed from /mine at any time after sending."""

from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.crypto import Sealer
from bot.services.sharing import Consent
from bot.services.withdrawal import QUOTED_PLACES, Place, Quoted
from storage.database import Storage
from storage.items import ItemRow
from storage.tx import Tx


class Span(enum.StrEnum):
    """How long from today an item may go on being quoted."""

    MONTH = "m1"
    QUARTER = "m3"
    YEAR = "y1"
    NO_END = "none"


_MONTHS = {Span.MONTH: 1, Span.QUARTER: 3, Span.YEAR: 12}


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it has fewer days)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def may_quote(consent: str, quote_until: date | None, today: date) -> bool:
    """True if an item with this consent may be quoted today."""
    if consent == Consent.COORDINATORS:
        return False
    return quote_until is None or today <= quote_until


@dataclass(frozen=True)
class ConsentView:
    """An item's consent as its author sees it."""

    reference: str
    consent: Consent
    named: bool
    quote_until: date | None
    # What they may choose from (no "with my name" for an item without one).
    choices: tuple[Consent, ...]


class ItemConsent:
    """A member changing how their item may be used, and seeing where it was quoted."""

    def __init__(self, storage: Storage, clock: Clock, sealer: Sealer, zone: ZoneInfo) -> None:
        self._storage = storage
        self._clock = clock
        self._sealer = sealer
        self._zone = zone

    async def view(self, telegram_id: int, reference: str) -> ConsentView | None:
        """The item's consent now; None if it is not the member's (or is taken back)."""
        async with self._storage.read() as tx:
            item = await self._own(tx, telegram_id, reference)
        return None if item is None else _view(item)

    async def change(self, telegram_id: int, reference: str, consent: str) -> ConsentView | None:
        """Narrow or widen how the item may be used; None if not theirs or not allowed."""
        async with self._storage.transaction() as tx:
            item = await self._own(tx, telegram_id, reference)
            if item is None or consent not in [c.value for c in _view(item).choices]:
                return None
            await tx.items.set_consent(item.id, consent, item.quote_until)
            item = await tx.items.by_reference(item.reference)
        return None if item is None else _view(item)

    async def quote_for(self, telegram_id: int, reference: str, span: str) -> ConsentView | None:
        """Set the last day the item may be quoted (`Span`); None if not theirs."""
        if span not in set(Span):
            return None
        months = _MONTHS.get(Span(span))
        today = self._clock.now().astimezone(self._zone).date()
        until = add_months(today, months) if months else None
        async with self._storage.transaction() as tx:
            item = await self._own(tx, telegram_id, reference)
            if item is None:
                return None
            await tx.items.set_consent(item.id, item.consent, until)
            item = await tx.items.by_reference(item.reference)
        return None if item is None else _view(item)

    async def where_quoted(self, telegram_id: int, reference: str) -> list[Quoted] | None:
        """The days and places the item was quoted beyond the coordinators, oldest first;
        None if it is not the member's."""
        async with self._storage.read() as tx:
            item = await self._own(tx, telegram_id, reference)
            if item is None:
                return None
            copies = await tx.copies.of_item(item.id)
        seen = {
            (copy.shown_on, Place(copy.place))
            for copy in copies
            if copy.place in [p.value for p in QUOTED_PLACES]
        }
        return [Quoted(on, place) for on, place in sorted(seen)]

    async def _own(self, tx: Tx, telegram_id: int, reference: str) -> ItemRow | None:
        """The member's own item, stored (not held for the batch) and not taken back."""
        item = await tx.items.by_reference(reference.upper())
        if item is None or item.withdrawn_on is not None:
            return None
        person = await tx.people.by_telegram_id(telegram_id)
        if person is not None and item.person_id == person.id:
            return item
        if item.pseudonym is not None and item.pseudonym == self._sealer.pseudonym(telegram_id):
            return item
        return None


def _view(item: ItemRow) -> ConsentView:
    named = item.person_id is not None
    choices = [Consent.COORDINATORS, Consent.QUOTE_ANONYMOUS]
    if named:
        choices.append(Consent.QUOTE_NAMED)
    return ConsentView(
        item.reference, Consent(item.consent), named, item.quote_until, tuple(choices)
    )
