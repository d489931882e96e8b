"""Callback data: a small codec, so every button's data is short, typed and checked.

Buttons come back from the user's phone and can be forged: decoding never trusts them,
and every handler checks the person's role itself.
"""

from __future__ import annotations

import enum
import re

MAX_BYTES = 64
_SEPARATOR = ":"
_SAFE_ARG = re.compile(r"[A-Za-z0-9_-]{1,40}")
_NUMBER = re.compile(r"[1-9][0-9]{0,11}")


class Action(enum.StrEnum):
    """What a button does. Values are short: they travel in 64-byte callback data."""

    JOIN = "j"
    NOT_NOW = "jn"
    NAME_FROM_TELEGRAM = "nt"
    NAME_NONE = "nn"
    NAME_TYPE = "ny"
    PAUSE = "p"
    RESUME = "r"
    LEAVE_PICK = "lp"
    LEAVE_YES = "ly"
    LEAVE_NO = "ln"
    INVITE_PICK = "ip"
    INVITE_RENEW = "ir"
    MEMBERS_PICK = "mp"
    COORDINATOR_LINK = "cl"
    COORDINATOR_REMOVE = "cr"
    BROADCAST_TOGGLE = "bt"
    BROADCAST_ALL = "ba"
    BROADCAST_NEXT = "bn"
    BROADCAST_NOW = "bs"
    BROADCAST_LATER = "bl"
    BROADCAST_EDIT = "be"
    BROADCAST_CONFIRM = "bc"
    BROADCAST_DISCARD = "bd"
    BROADCAST_STOP = "bx"
    QUIET_PICK = "qp"
    QUIET_SET = "qs"
    # Group sessions
    SESSION_ANSWER = "sa"
    SESSION_CALENDAR = "sc"
    SESSION_GROUP = "sg"
    SESSION_SKIP = "ss"
    SESSION_SAVE = "sy"
    SESSION_DISCARD = "sd"
    SESSION_MANAGE = "sm"
    SESSION_EDIT = "se"
    SESSION_EDIT_FIELD = "sef"
    SESSION_CANCEL = "sx"
    SESSION_CANCEL_YES = "sxy"
    SESSION_KEEP = "sxn"
    SESSION_ATTENDANCE = "st"
    SESSION_MARK = "sk"
    SESSION_ADD = "sn"
    SESSION_ADD_PERSON = "snp"
    SESSION_HOURS = "sh"
    SESSION_DONE = "sdn"
    SESSION_EXPORT_GROUP = "so"
    SESSION_EXPORT = "sop"
    SESSION_RATE = "sr"
    SESSION_FEEDBACK_SEND = "sfs"
    SESSION_FEEDBACK_SKIP = "sfn"


_ACTIONS = frozenset(action.value for action in Action)


def encode(action: Action, *args: str | int) -> str:
    """Callback data for `action` with its arguments; raises if it would not fit."""
    parts = [action.value]
    for arg in args:
        text = str(arg)
        if not _SAFE_ARG.fullmatch(text):
            raise ValueError(f"callback argument {text!r} is not allowed")
        parts.append(text)
    data = _SEPARATOR.join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise ValueError("callback data longer than 64 bytes")
    return data


def pattern(action: Action) -> re.Pattern[str]:
    """A regex matching callback data for `action` (used to route buttons to handlers)."""
    return re.compile(rf"^{re.escape(action.value)}(:[A-Za-z0-9_-]{{1,40}})*\Z")


def args(data: str | None) -> list[str]:
    """The arguments carried by callback data (empty for malformed data)."""
    if not data or len(data.encode()) > MAX_BYTES:
        return []
    action, *values = data.split(_SEPARATOR)
    if action not in _ACTIONS or not all(_SAFE_ARG.fullmatch(value) for value in values):
        return []
    return values


def int_arg(data: str | None, index: int = 0) -> int | None:
    """Argument `index` as a positive integer, or None if it is missing or not one."""
    values = args(data)
    if index >= len(values) or not _NUMBER.fullmatch(values[index]):
        return None
    return int(values[index])
