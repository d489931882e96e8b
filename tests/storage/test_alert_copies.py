"""The storage contract for the alerts an item's words raised, on every backend: linked to
the item by a keyed digest, the messages that quoted them followed from outbox to chat, and
their words erased (queued messages rewritten, sent ones erased) when the item is taken back,
while the alert itself stays."""

from __future__ import annotations

from sqlalchemy import select

from storage import schema
from storage.copies import ERASED_PAYLOAD, SentMessage
from storage.database import Storage
from storage.outbox import OutboxNew
from tests.storage.test_items import T0, _setup


async def test_an_alert_is_found_by_its_item_and_its_words_go_while_it_stays(
    storage: Storage,
) -> None:
    anna, ben, _ = await _setup(storage)
    async with storage.transaction() as tx:
        await tx.risk_alerts.create("al1", None, "p" * 64, "v1.words", T0, reason="v1.why")
        await tx.risk_alerts.create("al2", None, "q" * 64, "v1.other", T0)
        assert await tx.alert_copies.link("al1", "itemkey000000001") is True
        assert await tx.alert_copies.link("nothing", "itemkey000000001") is False
        rows = [OutboxNew(f"ral1:{p.id}", "risk_alert", p.id, "v1.x", T0) for p in (anna, ben)]
        await tx.outbox.enqueue(rows, T0)
        keys = [row.dedupe_key for row in rows]
        assert await tx.alert_copies.queued("al1", keys) == 2
        assert await tx.alert_copies.queued("al1", keys) == 0  # noted once
        [sent] = await tx.outbox.claim_due(T0, 1)
        await tx.alert_copies.delivered(sent.id, [SentMessage("v1.chat", 41, "k" * 16)])
        await tx.outbox.finish_sent([sent.id], T0)
    async with storage.transaction() as tx:
        assert await tx.alert_copies.of_item("itemkey000000001") == ["al1"]
        assert await tx.alert_copies.of_item("itemkey000000002") == []
        copies = await tx.alert_copies.of_alert("al1")
        assert sorted((c.message_id or 0, c.chat or "") for c in copies) == [
            (0, ""),
            (41, "v1.chat"),
        ]
        assert await tx.alert_copies.withdraw("al1", "v1.reason only", T0) is True
        assert await tx.alert_copies.withdraw("al1", "v1.again", T0) is False
        outbox_ids = [c.outbox_id for c in copies if c.outbox_id is not None]
        assert await tx.alert_copies.rewrite_outbox(outbox_ids, "v1.no words") == 2
        await tx.alert_copies.forget("al1")
    async with storage.read() as tx:
        alert = await tx.risk_alerts.get("al1")
        assert alert is not None and alert.words is None and alert.withdrawn_at is not None
        assert alert.reason == "v1.reason only" and alert.state == "asked"
        other = await tx.risk_alerts.get("al2")
        assert other is not None and other.words == "v1.other"
        assert await tx.alert_copies.of_alert("al1") == []
        assert await tx.alert_copies.of_item("itemkey000000001") == []
    async with storage.transaction() as tx:
        payloads = {job.id: job.payload for job in await tx.outbox.claim_due(T0, 5)}
    # The one still queued goes, without the words; the one sent keeps nothing.
    assert list(payloads.values()) == ["v1.no words"]
    async with storage.read() as tx:
        o = schema.outbox
        found = await tx.conn.execute(select(o.c.payload).where(o.c.id == sent.id))
        assert found.scalar_one() == ERASED_PAYLOAD
