"""A person's own data (`/mydata`) as they read it: what the database holds about them,
opened and shaped into plain JSON."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.crypto import Sealer, SealError
from bot.services.sharing import BODY_PURPOSE, DRAFT_WORDS_PURPOSE, open_held
from storage.people import PersonRow
from storage.steps import StepRow

_EVENT_PURPOSE = "item.event"
_CONTRIBUTOR_UPDATE_PURPOSE = "update.text"
_CONVERSATION_PURPOSE = "conversation.words"
_PAYLOAD_PURPOSE = "outbox.payload"
_IDENTITY_PURPOSE = "risk_alert.identity"


@dataclass(frozen=True)
class RawData:
    """What the database holds about a person, as read, before it is opened and shaped."""

    person: PersonRow
    pseudonym: str
    roles: dict[str, Any]
    digest: dict[str, Any] | None
    memberships: list[dict[str, Any]]
    answers: list[dict[str, Any]]
    attendance: list[dict[str, Any]]
    items: list[dict[str, Any]]
    events: list[dict[str, Any]]
    held: list[str]
    contributor_updates: list[dict[str, Any]]
    outbox: list[dict[str, Any]]
    conversations: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    step: StepRow | None


def plain(value: Any) -> Any:
    """A value as JSON holds it: moments and days as ISO text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


class DataShape:
    """Opens the sealed words a person's data holds and shapes it, apart from the event loop."""

    def __init__(self, sealer: Sealer) -> None:
        self._sealer = sealer

    def build(self, raw: RawData) -> dict[str, Any]:
        """Everything held about the person, opened and shaped, in the order they read it."""
        items = raw.items
        history = self._history(raw)
        references = {row["id"]: row["reference"] for row in items}
        held = self._own_held(raw)
        return {
            "person": _person(raw),
            "settings": {"hearing_back": raw.digest},
            **_taking_part(raw),
            "payments": [],
            "items": [self._item(row, history.get(row["id"], [])) for row in items]
            + [self._held_item(item) for item in held],
            **self._sent(raw, references),
            **self._said(raw, references),
        }

    def _sent(self, raw: RawData, references: dict[int, str]) -> dict[str, Any]:
        """The updates about the person's items, and the messages to them."""
        return {
            "updates_about_your_items": [
                {
                    "item": references.get(row["item_id"]),
                    "words": self.open(row["text"], _CONTRIBUTOR_UPDATE_PURPOSE),
                    "state": row["state"],
                    "made": plain(row["created_at"]),
                    "sent": plain(row["queued_at"]),
                }
                for row in raw.contributor_updates
            ],
            "messages_to_you": [
                {
                    "kind": row["kind"],
                    "state": row["state"],
                    "due": plain(row["due_at"]),
                    "sent": plain(row["sent_at"]),
                    "words": self._payload_text(row["payload"]),
                }
                for row in raw.outbox
            ],
        }

    def _said(self, raw: RawData, references: dict[int, str]) -> dict[str, Any]:
        """The person's conversations and alerts, and the step they left unfinished."""
        step = raw.step
        return {
            "conversations": [
                {
                    "about": row["kind"],
                    "item": references.get(row["item_id"]),
                    "from": "you" if row["direction"] == "in" else "coordinator or lead",
                    "words": self.open(row["text"], _CONVERSATION_PURPOSE),
                    "at": plain(row["at"]),
                }
                for row in raw.conversations
            ],
            "safeguarding_alerts": [_alert(row) for row in raw.alerts],
            "unfinished": None
            if step is None
            else {
                "step": step.step,
                "since": plain(step.updated_at),
                "draft_words": self.open(step.data.get("words"), DRAFT_WORDS_PURPOSE),
            },
        }

    def _history(self, raw: RawData) -> dict[int, list[dict[str, Any]]]:
        """What happened to each of the person's items, by item."""
        history: dict[int, list[dict[str, Any]]] = {}
        for event in raw.events:
            history.setdefault(event["item_id"], []).append(
                {
                    "what": event["kind"],
                    "outcome": event["outcome"],
                    "words": self.open(event["text"], _EVENT_PURPOSE),
                    "by_when": plain(event["due_on"]),
                    "at": plain(event["at"]),
                }
            )
        return history

    def _own_held(self, raw: RawData) -> list[Any]:
        """The person's anonymous items still held for the daily batch."""
        return [
            item
            for sealed in raw.held
            for item in [self.held(sealed)]
            if item is not None
            and item.pseudonym is not None
            and secrets.compare_digest(item.pseudonym, raw.pseudonym)
        ]

    def _item(self, row: dict[str, Any], history: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "reference": row["reference"],
            "group": row["group"],
            "kind": row["kind"],
            "with_your_name": row["person_id"] is not None,
            "given_on": plain(row["given_on"]),
            "words": self.open(row["body"], BODY_PURPOSE),
            "voice_or_photo": row["media_kind"],
            "may_be_used": row["consent"],
            "status": row["status"],
            "outcome": row["outcome"],
            "taken_back_on": plain(row["withdrawn_on"]),
            "got_the_safety_reply": row["risk"],
            "history": history,
        }

    def _held_item(self, item: Any) -> dict[str, Any]:
        return {
            "reference": item.reference,
            "group": None,
            "kind": item.kind,
            "with_your_name": False,
            "given_on": plain(item.given_on),
            "words": self.open(item.body, BODY_PURPOSE),
            "voice_or_photo": item.media_kind,
            "may_be_used": item.consent,
            "status": "waiting for the next daily batch",
            "outcome": None,
            "taken_back_on": None,
            "got_the_safety_reply": item.risk,
            "history": [],
        }

    def held(self, sealed: str) -> Any:
        try:
            return open_held(self._sealer, sealed)
        except (SealError, ValueError, TypeError):
            return None

    def open(self, sealed: str | None, purpose: str) -> str | None:
        if sealed is None:
            return None
        try:
            return self._sealer.open(sealed, purpose)
        except SealError:
            return None

    def _payload_text(self, stored: str) -> str | None:
        raw = self.open(stored, _PAYLOAD_PURPOSE) if stored.startswith("v1.") else stored
        try:
            text = json.loads(raw or "{}").get("text")
        except (ValueError, AttributeError):
            return None
        return str(text) if text else None


def _person(raw: RawData) -> dict[str, Any]:
    """The person row and their roles."""
    person = raw.person
    return {
        "name_others_see": person.display_name,
        "telegram_id": person.telegram_id,
        "chat_id": person.chat_id,
        "first_here": plain(person.created_at),
        "messages_paused": person.paused,
        "quiet_hours": person.quiet_hours,
        "language": person.language,
        "easy_read": person.easy_read,
        "unreachable_since": plain(person.unreachable_at),
        **raw.roles,
    }


def _taking_part(raw: RawData) -> dict[str, Any]:
    """The person's groups, meeting answers and attendance, and the minutes it counts."""
    attendance = raw.attendance
    return {
        "groups": [
            {
                "group": row["name"],
                "joined": plain(row["joined_at"]),
                "agreed_to": {
                    "wording": row["consent_wording"],
                    "agreed_on": plain(row["joined_at"]),
                },
            }
            for row in raw.memberships
        ],
        "meeting_answers": [
            {key: plain(value) for key, value in row.items()} for row in raw.answers
        ],
        "attendance": [
            {
                "meeting": row["title"],
                "group": row["group"],
                "starts": plain(row["starts_at"]),
                "came": row["came"],
                "minutes": row["minutes"],
            }
            for row in attendance
        ],
        "involvement_minutes": sum(row["minutes"] for row in attendance if row["came"]),
    }


def _alert(row: dict[str, Any]) -> dict[str, Any]:
    """A safeguarding alert about the person, as they may know it."""
    return {
        "state": row["state"],
        "you_asked_to_be_contacted": row["answer"] == "yes",
        "leads_know_who_you_are": row["identity"] is not None,
        "raised": plain(row["raised_at"]),
        "leads_told": plain(row["told_at"]),
        "taken": plain(row["taken_at"]),
        "closed": plain(row["closed_at"]),
    }
