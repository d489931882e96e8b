"""Taking back an item whose words raised a safety alert: the alert stays, its words go.

A lead must still know that someone may have been at risk (J6), so the alert is never
deleted, cancelled or reopened by a withdrawal: the member's words, and the words the
detector matched, are erased from it; every message that quoted them to a lead, sent or
still queued, is changed to say they were taken back, and keeps the rest (the reference,
group, day, what the detector saw, who the person is if they asked to be contacted, the
buttons). Later messages about the alert say the same.

An alert is linked to the item its words went into only by a keyed digest of the item's id,
so a copy of the database alone does not link an alert to anyone's item.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.crypto import Sealer
from bot.presentation.buttons import alert_buttons
from bot.presentation.outgoing import Message, message
from bot.services.alert_words import REASON_PURPOSE, alert_text
from bot.services.delivery_rules import seal_payload
from storage.copies import AlertCopyRow
from storage.outbox import OutboxNew
from storage.tx import Tx

# Of the keyed digest that links an alert to the item its words went into.
ITEM_KEY_PURPOSE = "risk_alert.item"
# Outbox rows that change a lead's alert whose words were taken back.
ALERT_TAKEN_BACK_KIND = "alert_taken_back"
# Where the detector's reason ends and the words it matched begin (see `risk_reason`).
_MATCHED_WORDS = " (“"


def item_key(sealer: Sealer, item_id: int) -> str:
    """The keyed digest of an item's id that an alert raised by its words keeps."""
    return sealer.fingerprint(str(item_id), ITEM_KEY_PURPOSE)


async def link_alert(tx: Tx, sealer: Sealer, alert_id: str | None, item_id: int) -> None:
    """The alert raised by a draft's words now belongs to the item sent from it."""
    if alert_id is not None:
        await tx.alert_copies.link(alert_id, item_key(sealer, item_id))


async def take_back_alerts(
    tx: Tx, sealer: Sealer, zone: ZoneInfo, item_id: int, now: datetime
) -> int:
    """Erase the words of the alerts the item's words raised, and queue the change of every
    message that quoted them; how many messages are being changed."""
    edits = 0
    for alert_id in await tx.alert_copies.of_item(item_key(sealer, item_id)):
        alert = await tx.risk_alerts.get(alert_id)
        if alert is None:
            continue
        reason = _without_matched_words(sealer, alert.reason)
        await tx.alert_copies.withdraw(alert.id, reason, now)
        copies = await tx.alert_copies.of_alert(alert.id)
        queued = [copy.outbox_id for copy in copies if copy.outbox_id is not None]
        # A message on its way now is changed once it has gone (`edit_late_copies`).
        in_flight = await tx.copies.being_sent(queued)
        said = await _said(tx, sealer, zone, alert.id)
        await tx.alert_copies.rewrite_outbox(queued, seal_payload(sealer, said))
        edits += await _edit(tx, sealer, said, copies, now)
        await tx.alert_copies.forget(alert.id, keep_outbox=in_flight)
    return edits


async def edit_late_copies(
    tx: Tx, sealer: Sealer, zone: ZoneInfo, outbox_id: int, now: datetime
) -> int:
    """An alert message that was on its way when its words were taken back has gone: erase
    its words from the outbox and change it in the lead's chat; how many changes."""
    late = await tx.alert_copies.taken_back_in(outbox_id)
    if not late:
        return 0
    await tx.alert_copies.erase_payload(outbox_id)
    edits = 0
    for alert_id in sorted({copy.alert_id for copy in late}):
        said = await _said(tx, sealer, zone, alert_id)
        edits += await _edit(tx, sealer, said, [c for c in late if c.alert_id == alert_id], now)
    await tx.alert_copies.forget_copies([copy.id for copy in late])
    return edits


async def _said(tx: Tx, sealer: Sealer, zone: ZoneInfo, alert_id: str) -> Message:
    """The alert as a lead now reads it, without the words, with its buttons while open."""
    alert = await tx.risk_alerts.get(alert_id)
    assert alert is not None
    text = await alert_text(tx, sealer, zone, alert, None)
    taken = alert.owner_id is not None
    return message(text, alert_buttons(alert.id, taken=taken) if alert.is_open else [])


async def _edit(
    tx: Tx, sealer: Sealer, said: Message, copies: list[AlertCopyRow], now: datetime
) -> int:
    """Queue the change of each copy already in a lead's chat to `said`; how many."""
    edits = [
        OutboxNew(
            dedupe_key=f"tba{copy.id}",
            kind=ALERT_TAKEN_BACK_KIND,
            person_id=None,
            return_address=copy.chat,
            payload=seal_payload(sealer, replace(said, edit=copy.message_id)),
            due_at=now,
            urgent=True,
        )
        for copy in copies
        if copy.chat is not None and copy.message_id is not None
    ]
    await tx.outbox.enqueue(edits, now)
    return len(edits)


def _without_matched_words(sealer: Sealer, sealed: str | None) -> str | None:
    """The detector's reason, sealed, without the member's words it quoted."""
    if sealed is None:
        return None
    reason = sealer.open(sealed, REASON_PURPOSE).split(_MATCHED_WORDS)[0]
    return sealer.seal(reason, REASON_PURPOSE)
