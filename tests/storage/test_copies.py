"""The storage contract for copies of items' words, on every backend: noted when queued,
pointed at the messages once sent, replaced when a message shows something else, and
erased with the item."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from storage import schema
from storage.copies import ERASED_PAYLOAD, SentMessage
from storage.database import Storage
from storage.outbox import OutboxNew
from tests.storage.test_items import T0, _item, _setup

DAY = date(2026, 3, 3)


def _message(number: int) -> SentMessage:
    return SentMessage(f"v1.chat{number}", number, f"key{number:013d}")


async def test_copies_follow_the_words_from_outbox_to_chat_and_go_with_the_item(
    storage: Storage,
) -> None:
    anna, _, group = await _setup(storage)
    first, second = _item(1, group, person_id=anna.id), _item(2, group, person_id=anna.id)
    async with storage.transaction() as tx:
        await tx.items.add(first)
        await tx.items.add(second)
        rows = [OutboxNew(key, "update", anna.id, "v1.words", T0) for key in ("a", "b")]
        await tx.outbox.enqueue(rows, T0)
        assert await tx.copies.queued([first.id, second.id], ["a"], "list", "update", DAY) == 2
        # Noted once, however often.
        assert await tx.copies.queued([first.id], ["a"], "list", "update", DAY) == 0
        assert await tx.copies.queued([first.id], ["b"], "card", "update", DAY) == 1
        assert await tx.copies.queued([first.id], ["nothing"], "card", "update", DAY) == 0
        [a_row, b_row] = await tx.outbox.claim_due(T0, 2)
        # A long message went as two parts: each part is a copy.
        await tx.copies.delivered(a_row.id, [_message(1), _message(2)])
        copies = await tx.copies.of_item(first.id)
        sent = sorted((c.message_id, c.outbox_id, c.shape) for c in copies if c.message_id)
        assert sent == [(1, a_row.id, "list"), (2, a_row.id, "list")]
        assert [c.outbox_id for c in copies if c.message_id is None] == [b_row.id]

        # A message edited to show another item no longer counts as showing the first.
        await tx.copies.shown([second.id], _message(1), "card", "inbox", DAY)
        assert {c.message_id for c in await tx.copies.of_item(first.id)} == {2, None}

        assert await tx.copies.erase_outbox([a_row.id, b_row.id]) == 2
        assert await tx.copies.forget_item(first.id) == 2
        assert await tx.copies.of_item(first.id) == []
        # The second item: in message 2 (the list) and message 1 (now its card).
        assert {c.message_id for c in await tx.copies.of_item(second.id)} == {1, 2}
        queued = await tx.outbox.claim_due(T0, 5)
    assert queued == []
    async with storage.read() as tx:
        payloads = (await tx.conn.execute(select(schema.outbox.c.payload))).scalars().all()
    assert payloads == [ERASED_PAYLOAD, ERASED_PAYLOAD]
