"""Reading queued messages in tests: what a stored row would show when it is sent."""

from __future__ import annotations

from bot.crypto import Sealer
from bot.presentation.outgoing import Payload, loads, render
from bot.services.delivery_rules import open_payload


def shown(sealer: Sealer, stored: str) -> Payload:
    """The words and buttons a stored outbox payload (sealed or not) shows when sent."""
    return render(open_payload(sealer, stored))


def shown_plain(stored: str) -> Payload:
    """The same, for a payload that holds no member's words (never sealed)."""
    return render(loads(stored))
