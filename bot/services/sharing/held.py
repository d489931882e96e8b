"""Anonymous items held, sealed whole, until the daily batch."""

from __future__ import annotations

import dataclasses
import json
import secrets
from dataclasses import asdict
from datetime import date, datetime

from bot.crypto import Sealer, SealError
from bot.services.sharing.model import (
    HELD_PAD,
    HELD_PURPOSE,
)
from storage.items import ItemNew, ItemRow
from storage.tx import Tx


def seal_held(sealer: Sealer, item: ItemNew) -> str:
    """An anonymous item sealed whole, padded, to be held until the batch."""
    fields = dataclasses.asdict(item)
    fields["given_on"] = item.given_on.isoformat()
    fields["visible_at"] = item.visible_at.isoformat()
    plain = json.dumps(fields)
    return sealer.seal(plain + " " * (-len(plain) % HELD_PAD), HELD_PURPOSE)


def open_held(sealer: Sealer, sealed: str) -> ItemNew:
    """A held item; raises SealError (a ValueError) if it cannot be read."""
    fields = json.loads(sealer.open(sealed, HELD_PURPOSE))
    fields["given_on"] = date.fromisoformat(fields["given_on"])
    fields["visible_at"] = datetime.fromisoformat(fields["visible_at"])
    return ItemNew(**fields)


async def held_items(tx: Tx, sealer: Sealer, pseudonym: str | None = None) -> list[ItemNew]:
    """Held items that can be read (those of the author with `pseudonym`, if given)."""
    found = []
    for _, sealed in await tx.items.held():
        try:
            item = open_held(sealer, sealed)
        except (SealError, ValueError, TypeError):
            continue
        if pseudonym is None or (
            item.pseudonym is not None and secrets.compare_digest(item.pseudonym, pseudonym)
        ):
            found.append(item)
    return found


def _held_row(item: ItemNew) -> ItemRow:
    """A held item as its author sees it: received, not yet with the coordinators."""
    return ItemRow(**asdict(item), status="received", outcome=None, withdrawn_on=None)
