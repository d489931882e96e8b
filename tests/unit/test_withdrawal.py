"""Taking an item back everywhere, the copies that make it possible, leaving a group with a
choice, a coordinator removing a member, and consent changed after sending."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from sqlalchemy import select

from bot.crypto import Sealer
from bot.presentation import texts
from bot.services import Services
from bot.services.consent import Span, add_months, may_quote
from bot.services.delivery_rules import RETURN_ADDRESS_PURPOSE, Payload, seal_payload
from bot.services.membership import LeaveChoice
from bot.services.withdrawal import (
    Place,
    Shape,
    note_queued,
    record_delivery,
    sent_message,
    take_back,
)
from storage import schema
from storage.contributor_updates import PendingNew
from storage.copies import ERASED_PAYLOAD
from storage.database import Storage
from storage.outbox import OutboxNew
from storage.tx import Tx
from tests.support.clock import FakeClock
from tests.support.items import ItemSeed, add_items
from tests.support.outbox import shown_plain

COORDINATOR, AUTHOR, OTHER = 2001, 2002, 2003
WORDS = "The stairs to the meeting room are too steep."
GIVEN = date(2026, 3, 2)
VISIBLE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def _world(storage: Storage, sealer: Sealer, *seeds: ItemSeed) -> tuple[int, list[int]]:
    """A group coordinated by COORDINATOR, with AUTHOR and OTHER, and these items."""
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    async with storage.transaction() as tx:
        boss = await tx.people.ensure(COORDINATOR, COORDINATOR, "Cora", now)
        await tx.people.set_coordinator(boss.id, True)
        group = await tx.groups.create("Carers", "code1", boss.id, now)
        await tx.groups.add_coordinator(group.id, boss.id)
        for member in (AUTHOR, OTHER):
            person = await tx.people.ensure(member, member, f"P{member}", now)
            await tx.groups.add_member(group.id, person.id, now)
        ids = []
        if seeds:
            ids = await add_items(tx, sealer, [replace(s, group_id=group.id) for s in seeds])
    return group.id, ids


def _named(consent: str = "quote_named") -> ItemSeed:
    return ItemSeed(0, AUTHOR, WORDS, GIVEN, VISIBLE, False, consent)


async def _all(storage: Storage, table: object) -> list[dict[str, object]]:
    async with storage.read() as tx:
        result = await tx.conn.execute(select(table))  # type: ignore[call-overload]
        return [dict(row._mapping) for row in result]


async def test_take_back_erases_every_sealed_copy_and_queues_an_edit_per_message(
    storage: Storage, sealer: Sealer, clock: FakeClock
) -> None:
    _, (item_id,) = await _world(storage, sealer, _named())
    now = clock.now()
    quoting = seal_payload(sealer, Payload(f"About “{WORDS}”", copies=True))
    async with storage.transaction() as tx:
        # An update about it, sent (a copy in the author's chat), and one still queued.
        await tx.contributor_updates.add(
            [PendingNew(item_id, 2, None, sealer.seal(WORDS, "x"), "src1", now)], now
        )
        rows = [
            OutboxNew("sent1", "update", 2, quoting, now),
            OutboxNew("wait1", "update", 2, quoting, now),
        ]
        await tx.outbox.enqueue(rows, now)
        await note_queued(tx, [item_id], ["sent1", "wait1"], Shape.CARD, Place.UPDATE, GIVEN)
        [sent_row] = await tx.outbox.claim_due(now, 1)
        await tx.outbox.finish_sent([sent_row.id], now)
        await tx.copies.delivered(sent_row.id, [sent_message(sealer, AUTHOR, 41)])
        await tx.copies.shown(
            [item_id], sent_message(sealer, COORDINATOR, 7), "card", "inbox", GIVEN
        )
        await tx.copies.shown(
            [item_id], sent_message(sealer, COORDINATOR, 8), "list", "read", GIVEN
        )
        await tx.copies.shown(
            [item_id], sent_message(sealer, COORDINATOR, 9), "media", "inbox", GIVEN
        )
        item = await tx.items.by_reference(await _reference(tx, item_id))
        assert item is not None
        taken = await take_back(tx, item, date(2026, 3, 3), now)
        assert taken is not None and taken.edits == 4
        assert await take_back(tx, item, date(2026, 3, 3), now) is None

    [stored] = await _all(storage, schema.item)
    assert stored["body"] is None and stored["withdrawn_on"] == date(2026, 3, 3)
    assert all(row["text"] == "" for row in await _all(storage, schema.contributor_update))
    assert await _all(storage, schema.item_copy) == []
    outbox = {str(row["dedupe_key"]): row for row in await _all(storage, schema.outbox)}
    assert outbox["sent1"]["payload"] == ERASED_PAYLOAD and outbox["sent1"]["state"] == "sent"
    assert outbox["wait1"]["payload"] == ERASED_PAYLOAD
    assert outbox["wait1"]["state"] == "cancelled"
    edits = [row for key, row in outbox.items() if key.startswith("tb")]
    assert len(edits) == 4 and all(row["urgent"] and row["person_id"] is None for row in edits)
    by_chat: dict[tuple[str, int], Payload] = {}
    for row in edits:
        chat = sealer.open(str(row["return_address"]), RETURN_ADDRESS_PURPOSE)
        payload = shown_plain(str(row["payload"]))
        assert payload.edit is not None
        by_chat[(chat, payload.edit)] = payload
    assert by_chat[(str(AUTHOR), 41)].text == texts.TAKEN_BACK_CARD
    assert by_chat[(str(COORDINATOR), 7)].text == texts.TAKEN_BACK_CARD
    assert "taken back" in by_chat[(str(COORDINATOR), 8)].text
    assert by_chat[(str(COORDINATOR), 9)].delete
    for key in ("sent1", "wait1"):
        assert WORDS not in str(outbox[key]["payload"])


async def _reference(tx: Tx, item_id: int) -> str:
    rows = await tx.conn.execute(
        select(schema.item.c.reference).where(schema.item.c.id == item_id)
    )
    return str(rows.scalar_one())


async def test_a_message_shown_again_forgets_what_it_showed_before(
    storage: Storage, sealer: Sealer, services: Services
) -> None:
    _, (first, second) = await _world(storage, sealer, _named(), _named())
    withdrawal = services.withdrawal
    await withdrawal.shown(COORDINATOR, 5, [first], Shape.CARD, Place.INBOX)
    await withdrawal.shown(COORDINATOR, 5, [second], Shape.CARD, Place.INBOX)
    await withdrawal.shown(COORDINATOR, 6, [first], Shape.CARD, Place.INBOX)
    await withdrawal.shown(COORDINATOR, 6, [], Shape.CARD, Place.INBOX)
    copies = await _all(storage, schema.item_copy)
    assert [(row["item_id"], row["message_id"]) for row in copies] == [(second, 5)]
    # Nothing names the chat in the clear.
    [copy] = copies
    assert str(COORDINATOR) not in str(copy["chat"]) + str(copy["message_key"])
    assert sealer.open(str(copy["chat"]), RETURN_ADDRESS_PURPOSE) == str(COORDINATOR)


async def test_leaving_keeps_named_items_without_the_name(
    storage: Storage, sealer: Sealer, services: Services
) -> None:
    group, (item_id,) = await _world(storage, sealer, _named())
    left = await services.membership.leave(AUTHOR, group, LeaveChoice.KEEP_ANONYMOUS)
    assert left is not None and left.id == group
    [item] = await _all(storage, schema.item)
    assert item["person_id"] is None and item["pseudonym"] == sealer.pseudonym(AUTHOR)
    assert sealer.open(str(item["return_address"]), RETURN_ADDRESS_PURPOSE) == str(AUTHOR)
    assert item["consent"] == "quote_anonymous" and item["body"] is not None
    assert item["visible_at"] == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert await services.membership.groups_of(AUTHOR) == []
    # Still the member's: /mine finds it by the pseudonym.
    mine = await services.sharing.mine(AUTHOR)
    assert mine is not None and mine.total == 1 and not mine.entries[0].named
    assert item_id == mine.entries[0].item_id


async def test_leaving_can_take_everything_back_or_keep_it_named(
    storage: Storage, sealer: Sealer, services: Services
) -> None:
    anonymous = ItemSeed(0, AUTHOR, "secret", GIVEN, VISIBLE, True)
    others = ItemSeed(0, OTHER, "not mine", GIVEN, VISIBLE, False)
    group, _ = await _world(storage, sealer, _named(), anonymous, others)
    assert await services.membership.shared_in(AUTHOR, group) == 2
    await services.membership.leave(AUTHOR, group, LeaveChoice.TAKE_BACK)
    items = await _all(storage, schema.item)
    withdrawn = sorted(row["withdrawn_on"] is not None for row in items)
    assert withdrawn == [False, True, True]
    assert [row["body"] is not None for row in items].count(True) == 1
    assert await services.membership.shared_in(AUTHOR, group) == 0
    assert await services.membership.shared_in(OTHER, group) == 1
    assert await services.membership.leave(OTHER, group, LeaveChoice.KEEP_NAMED) is not None
    assert [row["person_id"] is not None for row in await _all(storage, schema.item)].count(
        True
    ) == 2


async def test_only_a_coordinator_of_the_group_removes_a_member(
    storage: Storage, sealer: Sealer, services: Services
) -> None:
    group, _ = await _world(storage, sealer)
    async with storage.read() as tx:
        author = await tx.people.by_telegram_id(AUTHOR)
    assert author is not None
    assert await services.membership.remove(OTHER, group, author.id) is None
    async with storage.transaction() as tx:  # a coordinator of another group only
        elsewhere = await tx.people.ensure(2099, 2099, "Eli", datetime(2026, 3, 1, tzinfo=UTC))
        await tx.people.set_coordinator(elsewhere.id, True)
        theirs = await tx.groups.create("Housing", "code2", elsewhere.id, elsewhere.created_at)
        await tx.groups.add_coordinator(theirs.id, elsewhere.id)
    assert await services.membership.remove(2099, group, author.id) is None
    assert await services.membership.removable(OTHER, group, author.id) is None
    removed = await services.membership.remove(COORDINATOR, group, author.id)
    assert removed is not None and removed.display_name == f"P{AUTHOR}"
    assert await services.membership.groups_of(AUTHOR) == []
    [told] = [row for row in await _all(storage, schema.outbox) if row["kind"] == "removed"]
    assert told["person_id"] == author.id and "Carers" in str(told["payload"])
    assert await services.membership.remove(COORDINATOR, group, author.id) is None


async def test_consent_can_be_narrowed_widened_and_limited_in_time(
    storage: Storage, sealer: Sealer, services: Services, clock: FakeClock
) -> None:
    anonymous = ItemSeed(0, AUTHOR, "secret", GIVEN, VISIBLE, True, "quote_anonymous")
    await _world(storage, sealer, _named(), anonymous)
    async with storage.read() as tx:
        rows = (await tx.conn.execute(select(schema.item))).all()
    named = next(r.reference for r in rows if r.person_id is not None)
    hidden = next(r.reference for r in rows if r.person_id is None)
    consent = services.consent
    view = await consent.change(AUTHOR, named, "coordinators")
    assert view is not None and view.consent == "coordinators"
    assert await consent.change(OTHER, named, "quote_named") is None  # not theirs
    assert await consent.change(AUTHOR, hidden, "quote_named") is None  # no name to quote
    assert (await consent.change(AUTHOR, hidden, "coordinators")) is not None
    until = await consent.quote_for(AUTHOR, named, Span.QUARTER)
    assert until is not None and until.quote_until == date(2026, 6, 3)
    cleared = await consent.quote_for(AUTHOR, named, Span.NO_END)
    assert cleared is not None and cleared.quote_until is None
    assert await consent.quote_for(AUTHOR, named, "forever") is None
    assert await consent.where_quoted(AUTHOR, named) == []
    assert await consent.where_quoted(OTHER, named) is None


def test_quoting_rules_and_month_arithmetic() -> None:
    today = date(2026, 3, 3)
    assert not may_quote("coordinators", None, today)
    assert may_quote("quote_anonymous", None, today)
    assert may_quote("quote_named", today, today)
    assert not may_quote("quote_named", date(2026, 3, 2), today)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)


async def test_a_message_on_its_way_when_taken_back_is_edited_once_it_has_gone(
    storage: Storage, sealer: Sealer, clock: FakeClock
) -> None:
    _, (item_id,) = await _world(storage, sealer, _named())
    now = clock.now()
    quoting = seal_payload(sealer, Payload(f"About “{WORDS}”", copies=True))
    async with storage.transaction() as tx:
        await tx.outbox.enqueue([OutboxNew("u1", "update", 2, quoting, now)], now)
        await note_queued(tx, [item_id], ["u1"], Shape.CARD, Place.UPDATE, GIVEN)
        [job] = await tx.outbox.claim_due(now, 1)  # being sent now
        item = await tx.items.by_reference(await _reference(tx, item_id))
        assert item is not None
        taken = await take_back(tx, item, date(2026, 3, 3), now)
        assert taken is not None and taken.edits == 0
        late = await record_delivery(tx, job.id, [sent_message(sealer, AUTHOR, 77)], now)
        assert late == 1
        assert await tx.copies.of_item(item_id) == []
    [edit] = [row for row in await _all(storage, schema.outbox) if row["kind"] == "taken_back"]
    assert shown_plain(str(edit["payload"])).edit == 77
    assert sealer.open(str(edit["return_address"]), RETURN_ADDRESS_PURPOSE) == str(AUTHOR)


async def test_kept_without_the_name_no_update_sent_by_name_points_to_it(
    storage: Storage, sealer: Sealer, services: Services, clock: FakeClock
) -> None:
    group, (item_id,) = await _world(storage, sealer, _named())
    now = clock.now()
    async with storage.transaction() as tx:
        author = await tx.people.by_telegram_id(AUTHOR)
        assert author is not None
        rows = [
            PendingNew(item_id, author.id, None, sealer.seal("sent", "x"), "s1", now),
            PendingNew(item_id, author.id, None, sealer.seal("waiting", "x"), "s2", now),
        ]
        await tx.contributor_updates.add(rows, now)
        cu = schema.contributor_update
        found = await tx.conn.execute(select(cu.c.id).where(cu.c.source == "s1"))
        await tx.contributor_updates.mark([found.scalar_one()], "queued", now)
    await services.membership.leave(AUTHOR, group, LeaveChoice.KEEP_ANONYMOUS)
    left = await _all(storage, schema.contributor_update)
    assert [(row["state"], row["person_id"]) for row in left] == [("pending", None)]
    assert left[0]["pseudonym"] == sealer.pseudonym(AUTHOR)
