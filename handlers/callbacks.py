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
    # Input at arm's length: sharing, /mine, prompts, reading ("u"); safeguarding and
    # observers ("g").
    SHARE_CARRY_ON = "ua"
    SHARE_BACK = "ub"
    SHARE_CONSENT = "uc"
    SHARE_DISCARD = "ud"
    SHARE_CHANGE_WORDS = "ue"
    SHARE_SESSION = "uf"
    SHARE_GROUP = "ug"
    SHARE_KIND = "uk"
    SHARE_NAMED = "un"
    SHARE_START_AGAIN = "uo"
    SHARE_PROMPT = "uq"
    SHARE_SESSION_PICK = "ul"
    SHARE_SKIP = "us"
    SHARE_SEND = "ut"
    PROMPT_RESPOND = "ur"
    MINE_PAGE = "um"
    MINE_READ = "uv"
    MINE_WITHDRAW = "uw"
    MINE_WITHDRAW_YES = "uy"
    MINE_WITHDRAW_NO = "uz"
    PROMPT_GROUP = "upg"
    PROMPT_END = "upe"
    PROMPT_POST = "upp"
    PROMPT_DISCARD = "upd"
    READ_GROUP = "uh"
    SAFETY_YES = "gy"
    SAFETY_NO = "gn"
    LEAD_TOGGLE = "gl"
    OBSERVERS_GROUP = "go"
    OBSERVER_LINK = "gk"
    OBSERVER_REMOVE = "gr"
    # Closing the loop (J4): the inbox and outcomes ("o"), actions ("a"), digests ("d").
    INBOX_GROUP = "og"
    INBOX_FILTER = "of"
    INBOX_NEXT = "on"
    INBOX_ACK = "oa"
    INBOX_CONSIDER = "oc"
    INBOX_MEETING = "om"
    INBOX_OUTCOME = "oo"
    INBOX_OUTCOME_KIND = "ok"
    INBOX_REPLY = "or"
    INBOX_SEND = "os"
    INBOX_DISCARD = "ox"
    INBOX_MEDIA = "ov"
    INBOX_DAYS = "od"
    INBOX_DAYS_SET = "oe"
    UPDATES_GROUP = "ou"
    UPDATES_SEND = "oy"
    UPDATES_CONFIRM = "oz"
    HISTORY = "oh"
    ACTION_GROUP = "ag"
    ACTION_OPEN = "ao"
    ACTION_NEW = "an"
    ACTION_PICK = "ap"
    ACTION_LINK = "al"
    ACTION_UPDATE = "au"
    ACTION_STATUS = "as"
    ACTION_SEND = "ay"
    DIGEST_PICK = "dp"
    DIGEST_RHYTHM = "dr"
    DIGEST_DAY = "dd"
    DIGEST_TIME = "dt"
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
    SESSION_FEEDBACK_NAME = "sfm"
    SESSION_FEEDBACK_SEND = "sfs"
    SESSION_FEEDBACK_SKIP = "sfn"
    # Conversations ("v"): a member answering a coordinator or lead, and back.
    CONV_ANSWER = "va"
    CONV_MEMBER_END = "ve"
    CONV_REPLY = "vr"
    CONV_STAFF_END = "vx"
    CONV_WRITE = "vw"
    CONV_SEND_LOOSE = "vs"
    CONV_DROP_LOOSE = "vn"


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
