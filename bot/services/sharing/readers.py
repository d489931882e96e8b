"""Sharing: reading a group's items, for coordinators and observers."""

from __future__ import annotations

from bot.presentation import outgoing, texts
from bot.services.roles import may_manage
from bot.services.sharing.base import (
    SharingBase,
)
from bot.services.sharing.model import (
    BODY_PURPOSE,
    READ_LIMIT,
    Kind,
    ReaderItem,
)
from storage.groups import GroupRow
from storage.items import ItemRow
from storage.tx import Tx


class Readers(SharingBase):
    """Reading a group's items, for coordinators and observers."""

    # --- readers: coordinators and observers -------------------------------------------------

    async def read_group(
        self, telegram_id: int, group_id: int
    ) -> tuple[GroupRow, list[ReaderItem]] | None:
        """The group's items a coordinator or observer may see now; None if not allowed.

        Observers never see who gave an item; coordinators see the author of named items
        only. Within a day items come in random order, so their order says nothing.
        """
        now = self._clock.now()
        async with self._storage.read() as tx:
            coordinator = await may_manage(tx, telegram_id, group_id, self._admins)
            if not coordinator:
                person = await tx.people.by_telegram_id(telegram_id)
                if person is None or not await tx.observers.is_observer(group_id, person.id):
                    return None
            group = await tx.groups.get(group_id)
            if group is None:
                return None
            rows = await tx.items.visible_in_group(group_id, now, READ_LIMIT)
            shown = [await self._shown(tx, row, coordinator) for row in rows]
        return group, shown

    async def _shown(self, tx: Tx, row: ItemRow, coordinator: bool) -> ReaderItem:
        """An item as its reader sees it: the author named to coordinators only, and only
        for a named item."""
        author = None
        if coordinator and row.person_id is not None:
            writer = await tx.people.get(row.person_id)
            unnamed = outgoing.words(texts.UNNAMED_MEMBER)
            author = (writer.display_name if writer else None) or unnamed
        return ReaderItem(
            kind=Kind(row.kind),
            given_on=row.given_on,
            words=self._open(row.body, BODY_PURPOSE),
            media_kind=row.media_kind,
            status=row.status,
            author=author,
            anonymous=row.person_id is None,
            risk=row.risk,
            item_id=row.id,
            consent=row.consent,
            quote_until=row.quote_until,
        )
