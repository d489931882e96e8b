"""What the conversations service returns: what happened, who reads a member's words,
the lines of a conversation, and what it is about."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from bot.presentation.outgoing import Value


class Said(enum.Enum):
    """What happened when someone wrote in, started or ended a conversation."""

    DONE = "done"
    CLOSED = "closed"
    UNKNOWN = "unknown"
    EMPTY = "empty"
    TOO_LONG = "too_long"
    NOT_ALLOWED = "not_allowed"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class Reader:
    """Who reads what a member writes in a conversation (told in one plain line)."""

    alert: bool
    group: str | None = None
    anonymous: bool = True


@dataclass(frozen=True)
class Result:
    """What happened, and who reads the member's words (when it is known)."""

    said: Said
    reader: Reader | None = None
    conversation_id: str | None = None


@dataclass(frozen=True)
class Line:
    """One message of a conversation, for the inbox card: who said it, and the words."""

    from_member: bool
    text: str
    at: datetime


@dataclass(frozen=True)
class About:
    """What a conversation is about: which case ("alert", "named", "anonymous") and the
    values its whole-sentence texts take."""

    case: str
    values: dict[str, Value]
