"""Taking an item back everywhere, and knowing where its words went.

`take_back` is the one way an item is taken back, whoever asks (the member from /mine,
leaving a group, erasing themselves): its words are erased from the item, from the updates
waiting for or sent to its author, and from every queued or sent message that carried
them; every message already in someone's chat that showed them is edited to say it was
taken back (a voice note or photo is deleted), through the outbox, so a big withdrawal goes
at Telegram's pace and is retried like any other message.

Where the words went is kept as copies (storage/copies.py): a queued message by its outbox
row, a sent one by its chat (sealed like a return address) and message id, found again by
a keyed digest of the two. Nothing kept names whose chat it was without the secret key.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.crypto import Sealer
from bot.presentation import outgoing, texts
from bot.services.alert_withdrawal import edit_late_copies, item_key, take_back_alerts
from bot.services.delivery_rules import RETURN_ADDRESS_PURPOSE
from storage.copies import CopyRow, SentMessage
from storage.database import Storage
from storage.items import ItemRow
from storage.outbox import OutboxNew
from storage.rights import RightsRepo
from storage.tx import Tx

# Outbox rows that change or delete a message that showed words taken back.
TAKEN_BACK_KIND = "taken_back"
# Of the keyed digest that finds a message again (its chat and id).
MESSAGE_KEY_PURPOSE = "item_copy.message"


class Shape(enum.StrEnum):
    """How a message showed an item."""

    CARD = "card"  # the item alone (an inbox card, an update about it)
    LIST = "list"  # among others (/read, the "you said, we did" list, a digest)
    MEDIA = "media"  # its voice note or photo


class Place(enum.StrEnum):
    """Where a message showed an item."""

    INBOX = "inbox"
    READ = "read"
    BOARD = "board"
    UPDATE = "update"
    MINE = "mine"  # the author's own /mine


# Places where an item is quoted to people beyond the coordinators (an update quotes the
# words only to their own author).
QUOTED_PLACES = (Place.BOARD,)


@dataclass(frozen=True)
class AlertKeys:
    """What taking back needs to reach the safety alerts an item's words raised: the key
    that finds them and seals what they say now, and the zone their day is shown in."""

    sealer: Sealer
    zone: ZoneInfo


@dataclass(frozen=True)
class TakenBack:
    """What taking an item back did: messages being edited or deleted, rows erased."""

    edits: int = 0
    erased: int = 0
    # Voice notes shown two days ago or more: Telegram may no longer let them be deleted
    # (48 hours), and no bot can replace a voice note's sound, so it may still play.
    old_voice: int = 0


def sent_message(sealer: Sealer, chat_id: int, message_id: int) -> SentMessage:
    """A message in a chat, as a copy records it: the chat sealed, and a keyed digest."""
    return SentMessage(
        chat=sealer.seal(str(chat_id), RETURN_ADDRESS_PURPOSE),
        message_id=message_id,
        message_key=sealer.fingerprint(f"{chat_id}:{message_id}", MESSAGE_KEY_PURPOSE),
    )


async def note_queued(
    tx: Tx,
    item_ids: Sequence[int],
    dedupe_keys: Sequence[str],
    shape: Shape,
    place: Place,
    on: date,
) -> None:
    """Note that the outbox rows just queued under these keys carry these items' words (the
    payload must say `copies=True`, so the worker records where they went)."""
    await tx.copies.queued(list(item_ids), list(dedupe_keys), shape.value, place.value, on)


async def take_back(
    tx: Tx,
    item: ItemRow,
    today: date,
    now: datetime,
    *,
    keys: AlertKeys | None = None,
) -> TakenBack | None:
    """Take an item back everywhere, inside the caller's transaction; None if it was
    already taken back. Telling the coordinators that a used item was withdrawn is the
    caller's (it depends on who asks). With `keys`, the safety alerts its words raised
    lose the words too (`take_back_alerts`)."""
    if await tx.items.drop_held(item.id):
        # Still held for the batch: no coordinator has seen it, and nothing of it is left;
        # a lead may have seen its words in an alert.
        if keys is not None:
            await take_back_alerts(tx, keys.sealer, keys.zone, item.id, now)
        return TakenBack()
    if not await tx.items.withdraw(item.id, today):
        return None
    done = await erase_copies(tx, item.id, item.return_address, now, keys=keys)
    return done if item.media_kind == "voice" else replace(done, old_voice=0)


async def erase_copies(
    tx: Tx,
    item_id: int,
    return_address: str | None,
    now: datetime,
    *,
    keys: AlertKeys | None = None,
) -> TakenBack:
    """Every copy of an item's words, in the caller's transaction: updates about it dropped
    and their words erased, its conversation forgotten, the sealed words of queued and sent
    messages erased, and each message already in a chat queued to be edited or deleted;
    with `keys`, the words of the safety alerts they raised too."""
    alert_edits = 0
    if keys is not None:
        alert_edits = await take_back_alerts(tx, keys.sealer, keys.zone, item_id, now)
    # No more updates about it, and the words of those there were are erased.
    await tx.contributor_updates.drop_for_item(item_id, now)
    erased = await tx.copies.erase_contributor_updates(item_id)
    if return_address is not None:
        await tx.items.cancel_contributor_updates(return_address)
    # Its conversation goes too: the words both ways, and the way back to the author.
    await tx.conversations.forget_item(item_id)
    copies = await tx.copies.of_item(item_id)
    outbox_ids = sorted({c.outbox_id for c in copies if c.outbox_id is not None})
    # A message on its way now is changed once it has gone (`record_delivery`).
    in_flight = await tx.copies.being_sent(outbox_ids)
    erased += await tx.copies.erase_outbox(outbox_ids)
    edits = [_edit(copy, now) for copy in copies if copy.chat and copy.message_id]
    await tx.outbox.enqueue(edits, now)
    await tx.copies.forget_item(item_id, keep_outbox=in_flight)
    two_days_ago = now.date() - timedelta(days=2)
    old = [c for c in copies if c.shape == Shape.MEDIA and c.shown_on <= two_days_ago]
    return TakenBack(len(edits) + alert_edits, erased, len(old))


async def record_delivery(
    tx: Tx,
    outbox_id: int,
    messages: Sequence[SentMessage],
    now: datetime,
    keys: AlertKeys | None = None,
) -> int:
    """A queued message that shows items' words (or an alert's) reached a chat: its copies
    now point at the message(s). Any of its items taken back while it was being sent is
    edited away at once (with `keys`, an alert's words too); how many such edits were
    queued."""
    await tx.copies.delivered(outbox_id, messages)
    await tx.alert_copies.delivered(outbox_id, messages)
    late = await tx.copies.taken_back_in(outbox_id)
    await tx.outbox.enqueue([_edit(copy, now) for copy in late if copy.chat], now)
    await tx.copies.forget([copy.id for copy in late])
    alerts = 0
    if keys is not None:
        alerts = await edit_late_copies(tx, keys.sealer, keys.zone, outbox_id, now)
    return len(late) + alerts


def _edit(copy: CopyRow, now: datetime) -> OutboxNew:
    """The message that changes (or deletes) one sent copy."""
    assert copy.chat is not None and copy.message_id is not None
    if copy.shape == Shape.MEDIA:
        # Deleted; past Telegram's 48 hours, covered with these words instead.
        note = outgoing.text(texts.TAKEN_BACK_CARD)
        payload = outgoing.message(note, edit=copy.message_id, delete=True)
    else:
        words = texts.TAKEN_BACK_LIST if copy.shape == Shape.LIST else texts.TAKEN_BACK_CARD
        payload = outgoing.message(outgoing.text(words), edit=copy.message_id)
    return OutboxNew(
        dedupe_key=f"tb{copy.id}",
        kind=TAKEN_BACK_KIND,
        person_id=None,
        return_address=copy.chat,
        payload=payload.dumps(),
        due_at=now,
        # An edit makes no sound: it need not wait for quiet hours or a pause.
        urgent=True,
    )


async def withdraw_items(
    tx: Tx,
    items: Sequence[tuple[int, str | None]],
    now: datetime,
    *,
    keep_unlinked: bool = False,
    keys: AlertKeys | None = None,
) -> int:
    """Take items back for good, in the caller's transaction: each is (id, sealed return
    address or None). Messages to their return addresses, waiting or sent, are deleted; so
    are the updates waiting for their author and the conversations about them. The items
    themselves, with their words, media and history, are deleted; or, with `keep_unlinked`,
    kept for the group with the pseudonym and return address erased (no way back to the
    author). Deleted items are taken back from every copy first (as `erase_copies` does): messages
    already delivered in coordinators' chats are edited or deleted through the outbox.
    Returns how many voice notes were played too long ago to be deleted (`TakenBack`)."""
    rights = RightsRepo(tx.conn)
    ids = [item_id for item_id, _ in items]
    old_voice = 0
    if not keep_unlinked:
        old_voice = await _erase_copies_of_deleted(tx, ids, now, keys)
    await rights.delete_messages_to([address for _, address in items if address])
    if keep_unlinked:
        await rights.unlink_items(ids)
    else:
        await rights.delete_items(ids)
    return old_voice


async def _erase_copies_of_deleted(
    tx: Tx, item_ids: list[int], now: datetime, keys: AlertKeys | None
) -> int:
    """`erase_copies` for items about to be deleted with everything that hangs on them
    (updates, conversations, messages to their authors), in a few statements for them all:
    the sealed words of queued and sent messages erased, each message in a chat queued to
    be edited or deleted, and (with `keys`) the alerts their words raised. How many voice
    notes were played too long ago to be deleted (`TakenBack.old_voice`)."""
    if keys is not None:
        digests = {item_key(keys.sealer, item_id): item_id for item_id in item_ids}
        for digest in await tx.alert_copies.raised(list(digests)):
            await take_back_alerts(tx, keys.sealer, keys.zone, digests[digest], now)
    copies = await tx.copies.of_items(item_ids)
    outbox_ids = sorted({c.outbox_id for c in copies if c.outbox_id is not None})
    # A message on its way now is changed once it has gone (`record_delivery`).
    in_flight = await tx.copies.being_sent(outbox_ids)
    await tx.copies.erase_outbox(outbox_ids)
    await tx.outbox.enqueue([_edit(c, now) for c in copies if c.chat and c.message_id], now)
    await tx.copies.forget_items(item_ids, keep_outbox=in_flight)
    voices = set(await RightsRepo(tx.conn).voice_items(item_ids))
    two_days_ago = now.date() - timedelta(days=2)
    return sum(
        1
        for c in copies
        if c.item_id in voices and c.shape == Shape.MEDIA and c.shown_on <= two_days_ago
    )


async def delete_receipts_shown(tx: Tx, person_id: int, now: datetime) -> None:
    """Queue the deleting of every receipt photo of the person's shown to a coordinator
    (past Telegram's 48 hours, replaced by a plain picture that says so)."""
    note = outgoing.text(texts.RECEIPT_DELETED)
    await tx.outbox.enqueue(
        [
            OutboxNew(
                dedupe_key=f"tr{copy_id}",
                kind=TAKEN_BACK_KIND,
                person_id=None,
                return_address=chat,
                payload=outgoing.message(note, edit=message_id, delete=True).dumps(),
                due_at=now,
                urgent=True,
            )
            for copy_id, chat, message_id in await tx.payments.receipts_shown(person_id)
        ],
        now,
    )


@dataclass(frozen=True)
class Quoted:
    """A day an item was quoted, and where."""

    on: date
    place: Place


class Withdrawal:
    """Recording the messages that show items' words, and where a member's item was quoted."""

    def __init__(self, storage: Storage, clock: Clock, sealer: Sealer, zone: ZoneInfo) -> None:
        self._storage = storage
        self._clock = clock
        self._sealer = sealer
        self._zone = zone

    async def shown(
        self,
        chat_id: int,
        message_id: int | None,
        item_ids: Sequence[int],
        shape: Shape,
        place: Place,
    ) -> None:
        """A message in a chat now shows these items' words (none: it no longer shows any),
        so taking one back reaches it."""
        if message_id is None:
            return
        message = sent_message(self._sealer, chat_id, message_id)
        today = self._clock.now().astimezone(self._zone).date()
        async with self._storage.transaction() as tx:
            await tx.copies.shown(list(item_ids), message, shape.value, place.value, today)

    async def receipt_shown(self, claim_id: int, chat_id: int, message_id: int) -> None:
        """A claim's receipt photo is now in a chat, so forgetting its sender deletes it."""
        chat = sent_message(self._sealer, chat_id, message_id).chat
        today = self._clock.now().astimezone(self._zone).date()
        async with self._storage.transaction() as tx:
            await tx.payments.receipt_shown(claim_id, chat, message_id, today)
