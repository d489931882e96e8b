"""What a safeguarding lead is told of an alert, rendered from the alert as it is now (so
once the words were taken back, it says so)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.crypto import Sealer
from bot.presentation import outgoing, texts
from bot.presentation.moments import MomentForm
from bot.presentation.outgoing import Value, join
from storage.risk_alerts import RiskAlertRow
from storage.tx import Tx

WORDS_PURPOSE = "risk_alert.words"
IDENTITY_PURPOSE = "risk_alert.identity"
REASON_PURPOSE = "risk_alert.reason"
# How long the writer has to answer before the lead is told without their name.
ANSWER_WITHIN = timedelta(minutes=30)


def reference_of(alert_id: str) -> str:
    """The short reference leads use to tell alerts apart."""
    return alert_id[:6].upper()


async def alert_text(
    tx: Tx, sealer: Sealer, zone: ZoneInfo, alert: RiskAlertRow, heading: Value | None
) -> Value:
    """What a lead is told of an alert (under `heading`, if any): its words are said to be
    taken back once the item they went into was."""
    words: Value = sealer.open(alert.words, WORDS_PURPOSE) if alert.words else ""
    if alert.withdrawn_at is not None:
        words = outgoing.words(texts.ALERT_WORDS_TAKEN_BACK)
    reason = sealer.open(alert.reason, REASON_PURPOSE) if alert.reason else None
    group = await tx.groups.get(alert.group_id) if alert.group_id is not None else None
    group_name: Value = group.name if group else outgoing.words(texts.SAFETY_NO_GROUP)
    raised = alert.raised_at or (alert.ask_until - ANSWER_WITHIN)
    answer, groups, when = _answer(sealer, zone, alert, group_name, raised)
    text = outgoing.text(
        texts.SAFETY_ALERT,
        reference=reference_of(alert.id),
        answer=answer,
        group=groups,
        when=when,
        reason=reason or outgoing.words(texts.SAFETY_NO_REASON),
        words=words,
    )
    return join("\n\n", [heading, text]) if heading else text


def _answer(
    sealer: Sealer, zone: ZoneInfo, alert: RiskAlertRow, group_name: Value, raised: datetime
) -> tuple[Value, Value, outgoing.Moment]:
    """What an alert says of the person's answer, their groups, and when it was raised."""
    # Anonymous: the day only, as for anonymous items, so the hour points to no one.
    when = outgoing.Moment(raised, MomentForm.SHORT_DAY)
    if alert.answer == "yes" and alert.identity:
        when = outgoing.Moment(raised, MomentForm.SHORT)
        who = json.loads(sealer.open(alert.identity, IDENTITY_PURPOSE))
        groups: Value = ", ".join(who.get("groups") or []) or group_name
        username = who.get("username")
        no_name = outgoing.words(texts.SAFETY_NO_NAME)
        answer = outgoing.text(
            texts.SAFETY_ALERT_WHO,
            who=outgoing.text(
                texts.SAFETY_IDENTITY,
                id=who["id"],
                name=who.get("chosen") or who.get("telegram") or no_name,
            ),
            chosen=who.get("chosen") or no_name,
            telegram=who.get("telegram") or "-",
            username=f"@{username}" if username else outgoing.words(texts.SAFETY_NO_USERNAME),
        )
    else:
        groups = group_name
        said_no = alert.answer == "no"
        answer = outgoing.text(texts.SAFETY_SAID_NO if said_no else texts.SAFETY_NO_ANSWER)
    return answer, groups, when
