"""Putting items straight into a Chorus database, written exactly as sharing writes them:
a random id, the words sealed, and for anonymous items only a pseudonym and a sealed
return address (no person, no Telegram id, the date only)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import insert

from bot.clock import SystemClock
from bot.crypto import Sealer
from storage import schema
from storage.database import open_storage
from storage.tx import Tx
from tests.support.chorus_run import SECRET_KEY
from tests.support.database import folder_of, storage_url

BODY = "item.body"
RETURN_ADDRESS = "item.return_address"
MEDIA = "item.media"
EVENT = "item.event"


@dataclass(frozen=True)
class ItemSeed:
    """One item to put in: whose, which group, what it says, how it may be used."""

    group_id: int
    author: int
    words: str | None
    given_on: date
    visible_at: datetime
    anonymous: bool = False
    consent: str = "coordinators"
    kind: str = "feedback"
    media_kind: str | None = None
    media_file_id: str | None = None
    status: str = "received"
    withdrawn_on: date | None = None


def item_values(sealer: Sealer, seed: ItemSeed, person_id: int | None) -> dict[str, object]:
    """The item row for `seed`; `person_id` is the author's row (ignored when anonymous)."""
    return {
        "id": secrets.randbelow(2**62) + 1,
        "group_id": seed.group_id,
        "kind": seed.kind,
        "reference": secrets.token_hex(5).upper(),
        "person_id": None if seed.anonymous else person_id,
        "pseudonym": sealer.pseudonym(seed.author) if seed.anonymous else None,
        "return_address": (
            sealer.seal(str(seed.author), RETURN_ADDRESS) if seed.anonymous else None
        ),
        "body": sealer.seal(seed.words, BODY) if seed.words is not None else None,
        "media_kind": seed.media_kind,
        "media_file_id": (
            sealer.seal(seed.media_file_id, MEDIA) if seed.media_file_id is not None else None
        ),
        "consent": seed.consent,
        "status": seed.status,
        "given_on": seed.given_on,
        "visible_at": seed.visible_at,
        "withdrawn_on": seed.withdrawn_on,
    }


async def add_items(tx: Tx, sealer: Sealer, seeds: list[ItemSeed]) -> list[int]:
    """Put the items in, in this transaction; their ids, in order."""
    rows = []
    for seed in seeds:
        person_id = None
        if not seed.anonymous:
            person = await tx.people.by_telegram_id(seed.author)
            assert person is not None, "a named item's author must be a known person"
            person_id = person.id
        rows.append(item_values(sealer, seed, person_id))
    await tx.conn.execute(insert(schema.item), rows)
    return [int(str(row["id"])) for row in rows]


async def seed_items(database: Path, seeds: list[ItemSeed]) -> list[int]:
    """Put the items into the test's database (`database`: the SQLite file in its folder),
    sealed with the tests' key."""
    storage = await open_storage(storage_url(folder_of(database)), SystemClock().now)
    try:
        async with storage.transaction() as tx:
            return await add_items(tx, Sealer(SECRET_KEY.encode()), seeds)
    finally:
        await storage.close()


async def seed_outcomes(
    database: Path, outcomes: list[tuple[int, str, str]], at: datetime
) -> None:
    """Record outcomes (item id, outcome, what the coordinators wrote) as the inbox does."""
    sealer = Sealer(SECRET_KEY.encode())
    storage = await open_storage(storage_url(folder_of(database)), SystemClock().now)
    try:
        async with storage.transaction() as tx:
            for item_id, outcome, text in outcomes:
                await tx.conn.execute(
                    insert(schema.item_event).values(
                        item_id=item_id,
                        kind="outcome",
                        outcome=outcome,
                        text=sealer.seal(text, EVENT),
                        at=at,
                    )
                )
                await tx.followup.set_status(item_id, "outcome", outcome)
    finally:
        await storage.close()
