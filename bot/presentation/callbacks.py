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
# Numbers: 0, or up to 12 digits with no leading zero (ids, counts, pages, list positions).
_NUMBER = re.compile(r"0|[1-9][0-9]{0,11}")
# Item ids are random and longer: up to 19 digits.
_ITEM = re.compile(r"[1-9][0-9]{0,18}")


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
    LEAVE_WITH = "lw"
    MEMBER_REMOVE = "mr"
    MEMBER_REMOVE_YES = "my"
    MEMBER_REMOVE_NO = "mx"
    MEMBER_REASON_SKIP = "mz"
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
    BROADCAST_PREVIEW = "bv"
    BROADCAST_KEEP_WHEN = "bk"
    QUIET_PICK = "qp"
    QUIET_SET = "qs"
    QUIET_TYPE = "qt"
    # Leaving any step: the Stop button under every choice.
    STEP_STOP = "zs"
    STEP_BACK = "zb"
    # A draft put aside when another step started: keep it, or throw it away.
    DRAFT_KEEP = "zk"
    DRAFT_DROP = "zd"
    # A note on a coordinator's words that may be hard to read: send them as they are, or
    # change them (the flow's name as the argument).
    WORDING_AS_IS = "za"
    WORDING_CHANGE = "zc"
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
    MINE_CONSENT = "ucc"
    MINE_CONSENT_SET = "ucs"
    MINE_QUOTE_UNTIL = "uqu"
    MINE_QUOTE_SET = "uqs"
    MINE_QUOTED = "uwq"
    PROMPT_GROUP = "upg"
    PROMPT_END = "upe"
    PROMPT_POST = "upp"
    PROMPT_DISCARD = "upd"
    PROMPT_BACK = "upb"
    PROMPT_KEEP_WORDS = "upk"
    READ_GROUP = "uh"
    SAFETY_YES = "gy"
    SAFETY_NO = "gn"
    LEAD_TOGGLE = "gl"
    SAFETY_CARRY_ON = "gc"
    ALERT_TAKE = "gt"
    ALERT_CLOSE = "gx"
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
    INBOX_KEEP_WORDS = "ow"
    YOU_SAID_GROUP = "ou"
    YOU_SAID_SEND = "oy"
    YOU_SAID_CONFIRM = "oz"
    # "You said, we did" buttons' names before, which queued messages may store them under
    # (`outgoing`): aliases, so such a message is still read. Never used in code.
    UPDATES_GROUP = "ou"
    UPDATES_SEND = "oy"
    UPDATES_CONFIRM = "oz"
    HISTORY = "oh"
    FOLLOWUP_ACTION_GROUP = "ag"
    FOLLOWUP_ACTION_OPEN = "ao"
    FOLLOWUP_ACTION_NEW = "an"
    FOLLOWUP_ACTION_PICK = "ap"
    FOLLOWUP_ACTION_LINK = "al"
    FOLLOWUP_ACTION_UPDATE = "au"
    FOLLOWUP_ACTION_STATUS = "as"
    FOLLOWUP_ACTION_SEND = "ay"
    FOLLOWUP_ACTION_STATUS_ASK = "aq"
    # The names these had before, which queued messages store their buttons under
    # (`outgoing`): aliases, so a message queued then is still read. Never used in code.
    ACTION_GROUP = "ag"
    ACTION_OPEN = "ao"
    ACTION_NEW = "an"
    ACTION_PICK = "ap"
    ACTION_LINK = "al"
    ACTION_UPDATE = "au"
    ACTION_STATUS = "as"
    ACTION_SEND = "ay"
    ACTION_STATUS_ASK = "aq"
    DIGEST_PICK = "dp"
    DIGEST_RHYTHM = "dr"
    DIGEST_DAY = "dd"
    DIGEST_TIME = "dt"
    # Group sessions
    SESSION_ANSWER = "sa"
    SESSION_CALENDAR = "sc"
    SESSION_GROUP = "sg"
    SESSION_SKIP = "ss"
    SESSION_BACK = "sv"
    SESSION_KEEP_ANSWER = "sq"
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
    SESSION_FEEDBACK_USE = "sfu"
    SESSION_FEEDBACK_BACK = "sfb"
    SESSION_YEAR_YES = "sjy"
    SESSION_YEAR_NO = "sjn"
    # Conversations ("v"): a member answering a coordinator or lead, and back.
    CONV_ANSWER = "va"
    CONV_MEMBER_END = "ve"
    CONV_REPLY = "vr"
    CONV_STAFF_END = "vx"
    CONV_WRITE = "vw"
    CONV_SEND_LOOSE = "vs"
    CONV_DROP_LOOSE = "vn"
    # Data rights ("r"): /forgetme's confirmation (its token, and the choice for anonymous
    # items: "d" delete them too, "k" keep them with no way back).
    FORGET_YES = "rf"
    FORGET_NO = "rn"
    # Involvement payment ("y"): policy, payee references, choice, claims,
    # approval, the finance export and a member's own record.
    PAY_GROUP = "yg"
    PAY_BASIS = "yb"
    PAY_EXPENSES = "ye"
    PAY_PAYEES = "yp"
    PAY_PAYEE = "yr"
    PAY_CHOOSE = "yc"
    PAY_CHOICE = "yh"
    PAY_CLAIM = "yk"
    PAY_CLAIM_SESSION = "ys"
    PAY_KEEP_AMOUNT = "yt"
    PAY_APPROVE = "ya"
    PAY_QUERY = "yq"
    PAY_RECEIPT = "yv"
    PAY_FINANCE_GROUP = "yf"
    PAY_FINANCE = "yx"
    MYINV = "yi"
    MYINV_CERTIFICATE = "yd"
    # Reports ("w"): the period picked, then the group (0: all groups) and the period
    # as two day numbers.
    REPORT_PERIOD = "wp"
    REPORT_GROUP = "wg"
    # Language ("g"): the choice shown, a language picked (its code), easy read on (1) or
    # off (0).
    LANGUAGE_PICK = "gp"
    LANGUAGE_SET = "gs"
    EASY_READ = "ge"


_ACTIONS = frozenset(action.value for action in Action)
_BY_VALUE = {action.value: action for action in Action}


class Arg(enum.Enum):
    """The kind of value a button argument holds, and how it is read back."""

    NUMBER = "number"  # an id, count, page or list position: 0 to 12 digits (`int_arg`)
    ITEM = "item"  # a random item id, up to 19 digits
    WORD = "word"  # a code, reference or choice: letters, digits, "_" and "-"


N, ITEM, W = Arg.NUMBER, Arg.ITEM, Arg.WORD

# What each action's buttons carry, in order. A button may leave off trailing arguments
# (a first page, no item yet); it never carries more, nor a value its kind cannot read.
ARGUMENTS: dict[Action, tuple[Arg, ...]] = {
    Action.JOIN: (W,),
    Action.NOT_NOW: (),
    Action.STEP_STOP: (),
    Action.STEP_BACK: (W,),
    Action.DRAFT_KEEP: (),
    Action.DRAFT_DROP: (),
    Action.WORDING_AS_IS: (W,),
    Action.WORDING_CHANGE: (W,),
    Action.NAME_FROM_TELEGRAM: (),
    Action.NAME_NONE: (),
    Action.NAME_TYPE: (),
    Action.PAUSE: (),
    Action.RESUME: (),
    Action.LEAVE_PICK: (N,),
    Action.LEAVE_YES: (N,),
    Action.LEAVE_NO: (),
    Action.LEAVE_WITH: (N, W),
    Action.MEMBER_REMOVE: (N, N),
    Action.MEMBER_REMOVE_YES: (N, N),
    Action.MEMBER_REMOVE_NO: (),
    Action.MEMBER_REASON_SKIP: (),
    Action.INVITE_PICK: (N,),
    Action.INVITE_RENEW: (N,),
    Action.MEMBERS_PICK: (N,),
    Action.COORDINATOR_LINK: (),
    Action.COORDINATOR_REMOVE: (N,),
    Action.BROADCAST_TOGGLE: (N,),
    Action.BROADCAST_ALL: (),
    Action.BROADCAST_NEXT: (),
    Action.BROADCAST_NOW: (),
    Action.BROADCAST_LATER: (),
    Action.BROADCAST_EDIT: (),
    Action.BROADCAST_CONFIRM: (),
    Action.BROADCAST_DISCARD: (),
    Action.BROADCAST_PREVIEW: (),
    Action.BROADCAST_KEEP_WHEN: (),
    Action.BROADCAST_STOP: (N,),
    Action.QUIET_PICK: (),
    Action.QUIET_SET: (N,),
    Action.QUIET_TYPE: (),
    Action.SHARE_CARRY_ON: (),
    Action.SHARE_BACK: (),
    Action.SHARE_CONSENT: (W,),
    Action.SHARE_DISCARD: (),
    Action.SHARE_CHANGE_WORDS: (),
    Action.SHARE_SESSION: (N, N),
    Action.SHARE_GROUP: (N,),
    Action.SHARE_KIND: (W,),
    Action.SHARE_NAMED: (N,),
    Action.SHARE_START_AGAIN: (),
    Action.SHARE_PROMPT: (N,),
    Action.SHARE_SESSION_PICK: (N,),
    Action.SHARE_SKIP: (),
    Action.SHARE_SEND: (W,),
    Action.PROMPT_RESPOND: (N,),
    Action.MINE_PAGE: (N,),
    Action.MINE_READ: (W,),
    Action.MINE_WITHDRAW: (W,),
    Action.MINE_WITHDRAW_YES: (W,),
    Action.MINE_WITHDRAW_NO: (),
    Action.MINE_CONSENT: (W,),
    Action.MINE_CONSENT_SET: (W, W),
    Action.MINE_QUOTE_UNTIL: (W,),
    Action.MINE_QUOTE_SET: (W, W),
    Action.MINE_QUOTED: (W,),
    Action.PROMPT_GROUP: (N,),
    Action.PROMPT_END: (N,),
    Action.PROMPT_POST: (),
    Action.PROMPT_DISCARD: (),
    Action.PROMPT_BACK: (),
    Action.PROMPT_KEEP_WORDS: (),
    Action.READ_GROUP: (N,),
    Action.SAFETY_YES: (W,),
    Action.SAFETY_NO: (W,),
    Action.SAFETY_CARRY_ON: (),
    Action.ALERT_TAKE: (W,),
    Action.ALERT_CLOSE: (W,),
    Action.CONV_ANSWER: (W,),
    Action.CONV_MEMBER_END: (W,),
    Action.CONV_REPLY: (W,),
    Action.CONV_STAFF_END: (W,),
    Action.CONV_WRITE: (W,),
    Action.CONV_SEND_LOOSE: (),
    Action.CONV_DROP_LOOSE: (),
    Action.LEAD_TOGGLE: (N,),
    Action.OBSERVERS_GROUP: (N,),
    Action.OBSERVER_LINK: (N,),
    Action.OBSERVER_REMOVE: (N, N),
    Action.INBOX_GROUP: (N,),
    Action.INBOX_FILTER: (N, W),
    Action.INBOX_NEXT: (N, W, ITEM),
    Action.INBOX_ACK: (ITEM,),
    Action.INBOX_CONSIDER: (ITEM,),
    Action.INBOX_MEETING: (ITEM,),
    Action.INBOX_OUTCOME: (ITEM,),
    Action.INBOX_OUTCOME_KIND: (ITEM, W),
    Action.INBOX_KEEP_WORDS: (),
    Action.INBOX_REPLY: (ITEM,),
    Action.INBOX_SEND: (),
    Action.INBOX_DISCARD: (),
    Action.INBOX_MEDIA: (ITEM,),
    Action.INBOX_DAYS: (N,),
    Action.INBOX_DAYS_SET: (N, N),
    Action.YOU_SAID_GROUP: (N,),
    Action.YOU_SAID_SEND: (N,),
    Action.YOU_SAID_CONFIRM: (N,),
    Action.HISTORY: (ITEM,),
    Action.FOLLOWUP_ACTION_GROUP: (N,),
    Action.FOLLOWUP_ACTION_OPEN: (N,),
    Action.FOLLOWUP_ACTION_NEW: (N, ITEM),
    Action.FOLLOWUP_ACTION_PICK: (ITEM,),
    Action.FOLLOWUP_ACTION_LINK: (N, ITEM),
    Action.FOLLOWUP_ACTION_UPDATE: (N,),
    Action.FOLLOWUP_ACTION_STATUS: (N, W),
    Action.FOLLOWUP_ACTION_SEND: (),
    Action.FOLLOWUP_ACTION_STATUS_ASK: (N, W),
    Action.DIGEST_PICK: (),
    Action.DIGEST_RHYTHM: (W,),
    Action.DIGEST_DAY: (N,),
    Action.DIGEST_TIME: (W, N, N),
    Action.SESSION_ANSWER: (N, W),
    Action.SESSION_CALENDAR: (N,),
    Action.SESSION_GROUP: (N,),
    Action.SESSION_SKIP: (),
    Action.SESSION_BACK: (),
    Action.SESSION_KEEP_ANSWER: (),
    Action.SESSION_SAVE: (),
    Action.SESSION_DISCARD: (),
    Action.SESSION_MANAGE: (N,),
    Action.SESSION_EDIT: (N,),
    Action.SESSION_EDIT_FIELD: (N, W),
    Action.SESSION_CANCEL: (N,),
    Action.SESSION_CANCEL_YES: (N,),
    Action.SESSION_KEEP: (),
    Action.SESSION_ATTENDANCE: (N, N),
    Action.SESSION_MARK: (N, N, N),
    Action.SESSION_ADD: (N, N),
    Action.SESSION_ADD_PERSON: (N, N),
    Action.SESSION_HOURS: (N,),
    Action.SESSION_DONE: (N,),
    Action.SESSION_EXPORT_GROUP: (N,),
    Action.SESSION_EXPORT: (N, W),
    Action.SESSION_RATE: (N, N),
    Action.SESSION_FEEDBACK_NAME: (N,),
    Action.SESSION_FEEDBACK_SEND: (),
    Action.SESSION_FEEDBACK_SKIP: (),
    Action.SESSION_FEEDBACK_USE: (N,),
    Action.SESSION_FEEDBACK_BACK: (),
    Action.SESSION_YEAR_YES: (),
    Action.SESSION_YEAR_NO: (),
    Action.FORGET_YES: (W, W),
    Action.FORGET_NO: (),
    Action.PAY_GROUP: (N,),
    Action.PAY_BASIS: (N, W),
    Action.PAY_EXPENSES: (N,),
    Action.PAY_PAYEES: (N, N),
    Action.PAY_PAYEE: (N, N),
    Action.PAY_CHOOSE: (),
    Action.PAY_CHOICE: (W,),
    Action.PAY_CLAIM: (),
    Action.PAY_CLAIM_SESSION: (N,),
    Action.PAY_KEEP_AMOUNT: (),
    Action.PAY_APPROVE: (N,),
    Action.PAY_QUERY: (N,),
    Action.PAY_RECEIPT: (N,),
    Action.PAY_FINANCE_GROUP: (N,),
    Action.PAY_FINANCE: (N, W),
    Action.MYINV: (),
    Action.MYINV_CERTIFICATE: (),
    Action.REPORT_PERIOD: (W,),
    Action.REPORT_GROUP: (N, N, N),
    Action.LANGUAGE_PICK: (),
    Action.LANGUAGE_SET: (W,),
    Action.EASY_READ: (N,),
}


def encode(action: Action, *args: str | int) -> str:
    """Callback data for `action` with its arguments; raises if it would not fit."""
    parts = [action.value]
    kinds = ARGUMENTS.get(action)
    if kinds is not None and len(args) > len(kinds):
        raise ValueError(f"{action.name} buttons carry at most {len(kinds)} argument(s)")
    for index, arg in enumerate(args):
        text = str(arg)
        if not _SAFE_ARG.fullmatch(text):
            raise ValueError(f"callback argument {text!r} is not allowed")
        # A value its own kind cannot read back would make a button that never works.
        if kinds is not None and read_value(kinds[index], text) is None:
            raise ValueError(f"{action.name} argument {text!r} is not a {kinds[index].value}")
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
    """Argument `index` as a whole number (0 or more), or None if it is missing or not one."""
    values = args(data)
    if index >= len(values) or not _NUMBER.fullmatch(values[index]):
        return None
    return int(values[index])


def read_value(kind: Arg, value: str) -> int | str | None:
    """One argument read back as its kind: a number, or the word itself; None if it is not
    one (the same reading the handlers use)."""
    if kind is Arg.NUMBER:
        return int(value) if _NUMBER.fullmatch(value) else None
    if kind is Arg.ITEM:
        return int(value) if _ITEM.fullmatch(value) else None
    return value if _SAFE_ARG.fullmatch(value) else None


def decode(data: str | None) -> tuple[Action, list[int | str]] | None:
    """The action and arguments of callback data, each read as its kind; None if the data
    could not have come from a button this codec builds."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    head, *values = data.split(_SEPARATOR)
    action = _BY_VALUE.get(head)
    kinds = ARGUMENTS.get(action) if action is not None else None
    if action is None or kinds is None or len(values) > len(kinds):
        return None
    read = [read_value(kind, value) for kind, value in zip(kinds, values, strict=False)]
    if any(value is None for value in read):
        return None
    return action, [value for value in read if value is not None]
