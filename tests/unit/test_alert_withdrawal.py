"""Taking back an item whose words raised a safety alert, at the service level: the alert is
found through its item's keyed digest (here an anonymous item still held for the batch, and
one erased with /forgetme), keeps everything but the words, and every message that quoted
them is rewritten, erased or edited."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.crypto import Sealer
from bot.services import Services
from bot.services.alert_words import REASON_PURPOSE
from bot.services.safety import TAKE_WITHIN
from bot.services.sharing import Kind
from bot.services.withdrawal import AlertKeys, record_delivery, sent_message
from storage import schema
from storage.copies import ERASED_PAYLOAD
from storage.database import Storage
from tests.support.clock import FakeClock
from tests.support.outbox import shown

LEAD, MEMBER = 4500, 4501
RISKY = "Honestly some days I want to end it all."
TAKEN_BACK = "taken back by the person who wrote them"


async def _group(storage: Storage, clock: FakeClock) -> int:
    now = clock.now()
    async with storage.transaction() as tx:
        lead = await tx.people.ensure(LEAD, LEAD, "Lee", now)
        await tx.people.set_coordinator(lead.id, True)
        await tx.leads.mark(lead.id, True, now)
        group = await tx.groups.create("Carers", "c1", lead.id, now)
        await tx.groups.add_coordinator(group.id, lead.id)
        member = await tx.people.ensure(MEMBER, MEMBER, "Ann", now)
        await tx.groups.add_member(group.id, member.id, now)
    return group.id


async def _alert_seen_by_the_lead(
    services: Services, storage: Storage, clock: FakeClock, sealer: Sealer, named: bool
) -> str:
    """The member sends risky words, asks to be contacted; the lead's message is delivered
    (message 77) and the alert raised again (still queued). The item's reference."""
    group = await _group(storage, clock)
    sent = await services.sharing.submit(MEMBER, MEMBER, group, Kind.FEEDBACK, RISKY, named)
    assert sent.alert_id is not None and sent.receipt is not None
    await services.safety.answer(MEMBER, sent.alert_id, True)
    async with storage.transaction() as tx:
        [job] = await tx.outbox.claim_due(clock.now(), 5)
        await record_delivery(tx, job.id, [sent_message(sealer, LEAD, 77)], clock.now())
        await tx.outbox.finish_sent([job.id], clock.now())
    # No one took it: it goes to everyone again.
    clock.advance(TAKE_WITHIN + timedelta(minutes=1))
    assert await services.safety.send_unanswered() >= 1
    return sent.receipt.reference


async def _outbox(storage: Storage, sealer: Sealer) -> list[tuple[str, str, str]]:
    async with storage.read() as tx:
        o = schema.outbox
        rows = await tx.conn.execute(select(o.c.kind, o.c.state, o.c.payload).order_by(o.c.id))
        return [(kind, state, payload) for kind, state, payload in rows]


async def _the_alert_lost_only_its_words(storage: Storage, sealer: Sealer, edits: int = 1) -> None:
    async with storage.read() as tx:
        [alert] = (await tx.conn.execute(select(schema.risk_alert))).all()
        copies = (await tx.conn.execute(select(schema.alert_copy))).all()
    assert alert.words is None and alert.withdrawn_at is not None and alert.identity
    assert sealer.open(alert.reason, REASON_PURPOSE) == "Talks of ending their life"
    assert copies == []
    rows = await _outbox(storage, sealer)
    told, *again = [row for row in rows if row[0] == "risk_alert"]
    changed = [row for row in rows if row[0] == "alert_taken_back"]
    assert told[1] == "sent" and told[2] == ERASED_PAYLOAD
    assert again and len(changed) == edits
    for _, state, payload in again + changed:
        assert state == "pending"
        said = shown(sealer, payload)
        assert TAKEN_BACK in said.text and RISKY not in said.text
        assert "end it all" not in said.text and "Ann" in said.text
    assert shown(sealer, changed[0][2]).edit == 77


async def test_an_anonymous_item_held_for_the_batch_takes_its_words_out_of_the_alert(
    services: Services, storage: Storage, clock: FakeClock, sealer: Sealer
) -> None:
    reference = await _alert_seen_by_the_lead(services, storage, clock, sealer, named=False)
    async with storage.read() as tx:
        assert len(await tx.items.held()) == 1
    result = await services.sharing.withdraw(MEMBER, reference)
    assert result.outcome.value == "withdrawn"
    await _the_alert_lost_only_its_words(storage, sealer)


async def test_forgetting_oneself_takes_the_words_out_of_the_alert_too(
    services: Services, storage: Storage, clock: FakeClock, sealer: Sealer
) -> None:
    await _alert_seen_by_the_lead(services, storage, clock, sealer, named=True)
    ask = await services.rights.ask_forget(MEMBER)
    await services.rights.forget(MEMBER, ask.token, False)
    async with storage.read() as tx:
        rows = (await tx.conn.execute(select(schema.outbox.c.kind))).all()
    assert ("alert_taken_back",) in rows


async def test_an_alert_on_its_way_when_the_item_is_taken_back_is_changed_once_it_has_gone(
    services: Services, storage: Storage, clock: FakeClock, sealer: Sealer
) -> None:
    group = await _group(storage, clock)
    sent = await services.sharing.submit(MEMBER, MEMBER, group, Kind.FEEDBACK, RISKY, True)
    assert sent.alert_id is not None and sent.receipt is not None
    await services.safety.answer(MEMBER, sent.alert_id, True)
    async with storage.transaction() as tx:
        [job] = await tx.outbox.claim_due(clock.now(), 5)  # being sent now
    await services.sharing.withdraw(MEMBER, sent.receipt.reference)
    keys = AlertKeys(sealer, ZoneInfo("Europe/London"))
    async with storage.transaction() as tx:
        message = [sent_message(sealer, LEAD, 78)]
        assert await record_delivery(tx, job.id, message, clock.now(), keys) == 1
        await tx.outbox.finish_sent([job.id], clock.now())
    rows = await _outbox(storage, sealer)
    assert [(kind, state) for kind, state, _ in rows] == [
        ("risk_alert", "sent"),
        ("alert_taken_back", "pending"),
    ]
    assert rows[0][2] == ERASED_PAYLOAD
    edit = shown(sealer, rows[1][2])
    assert edit.edit == 78 and TAKEN_BACK in edit.text and RISKY not in edit.text
    async with storage.read() as tx:
        assert (await tx.conn.execute(select(schema.alert_copy))).all() == []
