"""Reading queued messages in tests: what a stored row would show when it is sent."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.crypto import Sealer
from bot.presentation.outgoing import Payload, Reading, loads, render
from bot.services.delivery_rules import open_payload

LONDON = ZoneInfo("Europe/London")


def shown(
    sealer: Sealer, stored: str, zone: ZoneInfo = LONDON, now: datetime | None = None
) -> Payload:
    """The words and buttons a stored outbox payload (sealed or not) shows when sent in
    `zone` at `now` (unknown: days named outright)."""
    return render(open_payload(sealer, stored), Reading(zone, now))


def shown_plain(stored: str, zone: ZoneInfo = LONDON, now: datetime | None = None) -> Payload:
    """The same, for a payload that holds no member's words (never sealed)."""
    return render(loads(stored), Reading(zone, now))
