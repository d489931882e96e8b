"""Sharing: a member's own items, and withdrawing them."""

from __future__ import annotations

from datetime import datetime

from bot.services.sharing.base import (
    SharingBase,
)
from bot.services.sharing.held import (
    _held_row,
)
from bot.services.sharing.model import (
    MINE_PAGE,
    MineEntry,
    MineView,
    WithdrawOutcome,
    WithdrawResult,
    was_used,
)
from bot.services.withdrawal import AlertKeys, take_back
from storage.items import ItemRow
from storage.tx import Tx


class OwnItems(SharingBase):
    """A member's own items, and withdrawing them."""

    # --- a member's own items ----------------------------------------------------------------

    async def mine(self, telegram_id: int, offset: int = 0) -> MineView | None:
        """A page of the member's items, newest first; None if they are not known."""
        pseudonym = self._sealer.pseudonym(telegram_id)
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return None
            # Held items are the newest: they wait for the next batch.
            held = [_held_row(item) for item in await self._held(tx, pseudonym)]
            held.sort(key=lambda row: row.reference)
            start = max(0, offset)
            page = held[start : start + MINE_PAGE]
            total = len(held) + await tx.items.count_of_author(person.id, pseudonym)
            if len(page) < MINE_PAGE:
                page += await tx.items.of_author(
                    person.id, pseudonym, MINE_PAGE - len(page), max(0, start - len(held))
                )
            entries = [await self._entry(tx, row) for row in page]
        return MineView(entries, total, start)

    async def read_own(self, telegram_id: int, reference: str) -> MineEntry | None:
        """One of the member's own items in full; None if it is not theirs or is withdrawn."""
        async with self._storage.read() as tx:
            item = await self._own(tx, telegram_id, reference)
            return None if item is None else await self._entry(tx, item)

    async def withdraw(self, telegram_id: int, reference: str) -> WithdrawResult:
        """Erase the item's words and media and take it out of every view and count.

        If the coordinators had used it, they are told which item was withdrawn; for an
        anonymous item at the next batch moment, so the timing does not point to anyone.
        """
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            item = await self._own(tx, telegram_id, reference)
            result = None if item is None else await self.take_back_item(tx, item, now)
        return result or WithdrawResult(WithdrawOutcome.UNKNOWN)

    async def take_back_item(self, tx: Tx, item: ItemRow, now: datetime) -> WithdrawResult | None:
        """Take one of a member's items back everywhere (`take_back`), telling the
        coordinators if they had used it; None if it was taken back already."""
        keys = AlertKeys(self._sealer, self._zone)
        done = await take_back(tx, item, self._today(), now, keys=keys)
        if done is None:
            return None
        told = await was_used(tx, item) and await self._tell_withdrawn(tx, item, now)
        return WithdrawResult(WithdrawOutcome.WITHDRAWN, told, done.old_voice)
