"""The file `/mydata` sends: one .zip with a plain summary to read (summary.txt) and
everything in full for a computer (data.json)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.presentation import texts
from bot.presentation.moments import MomentForm, duration_words, moment_words
from bot.presentation.texts import label

FILE_NAME = "my-chorus-data.zip"


def items_words(count: int) -> str:
    """A number of things shared in words: "1 thing", "3 things"."""
    return label(texts.ITEMS_ONE) if count == 1 else label(texts.ITEMS_MANY, count=count)


def _when(value: str | None, zone: ZoneInfo) -> str:
    if not value:
        return label(texts.DATA_NONE)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        return moment.date().isoformat()
    return moment_words(moment, zone, None, MomentForm.SHORT)


def summary(data: dict[str, Any], zone: ZoneInfo) -> str:
    """The plain summary of a person's data (plain text, in the configured zone)."""
    person = data["person"]
    none = label(texts.DATA_NONE)
    came = [row for row in data["attendance"] if row["came"]]
    minutes = int(data["involvement_minutes"])
    text = label(
        texts.DATA_SUMMARY,
        made=_when(data.get("made_at"), zone),
        name=person["name_others_see"] or none,
        telegram_id=person["telegram_id"],
        first=_when(person["first_here"], zone),
        paused=label(texts.DATA_PAUSED_YES if person["messages_paused"] else texts.DATA_PAUSED_NO),
        groups=_group_lines(data, zone) or none,
        answers=len(data["meeting_answers"]),
        came=len(came),
        hours=duration_words(minutes),
        items=len(data["items"]),
        item_lines=_item_lines(data) or none,
        updates=len(data["updates_about_your_items"]),
        messages=len(data["messages_to_you"]),
        alerts=len(data["safeguarding_alerts"]),
        payments=_payment_words(data.get("payments") or {}) or none,
    )
    return text + _left_lines(data, zone) + label(texts.DATA_NOT_INCLUDED)


_CHOICES = {
    "paid": texts.PAY_CHOICE_PAID,
    "voucher": texts.PAY_CHOICE_VOUCHER,
    "charity": texts.PAY_CHOICE_CHARITY,
    "none": texts.PAY_CHOICE_NONE,
}


def _payment_words(held: dict[str, Any]) -> str:
    """What is held about paying them: their choice, payee reference and name, claims."""
    parts = []
    if held.get("choice"):
        choice = _CHOICES.get(held["choice"])
        parts.append(label(texts.DATA_PAYMENT_CHOICE, choice=label(choice) if choice else ""))
    if held.get("payee_reference"):
        name = held.get("name_for_payment") or label(texts.DATA_NONE)
        parts.append(label(texts.DATA_PAYEE, reference=held["payee_reference"], name=name))
    if held.get("claims"):
        parts.append(label(texts.DATA_CLAIMS, count=len(held["claims"])))
    return "; ".join(parts)


def _group_lines(data: dict[str, Any], zone: ZoneInfo) -> str:
    """One line for each group: when they joined, and the wording they agreed to."""
    return "\n".join(
        label(
            texts.DATA_GROUP_LINE,
            group=group["group"],
            joined=_when(group["joined"], zone),
            wording=group["agreed_to"]["wording"] or label(texts.DATA_WORDING_UNKNOWN),
        )
        for group in data["groups"]
    )


def _item_lines(data: dict[str, Any]) -> str:
    """One line for each item they gave, with its words."""
    return "\n".join(
        label(
            texts.DATA_ITEM_LINE,
            reference=item["reference"],
            day=item["given_on"],
            group=item["group"] or "",
            named=label(texts.DATA_NAMED if item["with_your_name"] else texts.DATA_ANONYMOUS),
            words=item["words"] or label(texts.DATA_NO_WORDS),
        )
        for item in data["items"]
    )


def _left_lines(data: dict[str, Any], zone: ZoneInfo) -> str:
    """One line for each group they left or were removed from, with the coordinators' reason."""
    return "".join(
        label(
            texts.DATA_LEFT_LINE,
            group=row["group"],
            left=_when(row["left"], zone),
            reason=row["coordinators_reason"] or label(texts.DATA_NO_REASON),
        )
        for row in data.get("groups_left", [])
    )


def data_archive(data: dict[str, Any], zone: ZoneInfo) -> bytes:
    """The .zip: summary.txt and data.json."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("summary.txt", summary(data, zone))
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
    return buffer.getvalue()
