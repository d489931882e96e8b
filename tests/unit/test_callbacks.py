"""The callback data codec: short, typed, and never trusting what comes back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.presentation import outgoing, texts
from bot.presentation.callbacks import (
    MAX_BYTES,
    Action,
    args,
    encode,
    int_arg,
    pattern,
)
from bot.presentation.outgoing import button

LONGEST_ID = 999_999_999_999  # 12 digits
LONGEST_ITEM = 9_223_372_036_854_775_807  # 19 digits: random item ids
LONGEST_CODE = "Ab3_-xYz9Q0w-_Lm"  # 16 characters; invite codes are 12 today
LONGEST_REFERENCE = "ABCDEFGHJKLM"  # item references: 6 letters today, 12 in the schema
LONGEST_ALERT = "abcdefghjk2345mn"  # risk alert ids: 12 today, 16 in the schema

# The arguments each action's buttons carry, at their longest.
WORST_CASE: dict[Action, tuple[str | int, ...]] = {
    Action.JOIN: (LONGEST_CODE,),
    Action.NOT_NOW: (),
    Action.STEP_STOP: (),
    Action.STEP_BACK: ("newsession",),
    Action.DRAFT_KEEP: (),
    Action.DRAFT_DROP: (),
    Action.WORDING_AS_IS: ("broadcast",),
    Action.WORDING_CHANGE: ("broadcast",),
    Action.INBOX_KEEP_WORDS: (),
    Action.SESSION_KEEP_ANSWER: (),
    Action.PROMPT_KEEP_WORDS: (),
    Action.NAME_FROM_TELEGRAM: (),
    Action.NAME_NONE: (),
    Action.NAME_TYPE: (),
    Action.PAUSE: (),
    Action.RESUME: (),
    Action.LEAVE_PICK: (LONGEST_ID,),
    Action.LEAVE_YES: (LONGEST_ID,),
    Action.LEAVE_NO: (),
    Action.LEAVE_WITH: (LONGEST_ID, "named"),
    Action.MEMBER_REMOVE: (LONGEST_ID, LONGEST_ID),
    Action.MEMBER_REMOVE_YES: (LONGEST_ID, LONGEST_ID),
    Action.MEMBER_REMOVE_NO: (),
    Action.MEMBER_REASON_SKIP: (),
    Action.INVITE_PICK: (LONGEST_ID,),
    Action.INVITE_RENEW: (LONGEST_ID,),
    Action.MEMBERS_PICK: (LONGEST_ID,),
    Action.COORDINATOR_LINK: (),
    Action.COORDINATOR_REMOVE: (LONGEST_ID,),
    Action.BROADCAST_TOGGLE: (LONGEST_ID,),
    Action.BROADCAST_ALL: (),
    Action.BROADCAST_NEXT: (),
    Action.BROADCAST_NOW: (),
    Action.BROADCAST_LATER: (),
    Action.BROADCAST_EDIT: (),
    Action.BROADCAST_CONFIRM: (),
    Action.BROADCAST_DISCARD: (),
    Action.BROADCAST_STOP: (LONGEST_ID,),
    Action.BROADCAST_PREVIEW: (),
    Action.BROADCAST_KEEP_WHEN: (),
    Action.QUIET_PICK: (),
    Action.QUIET_SET: (LONGEST_ID,),
    Action.QUIET_TYPE: (),
    # Input at arm's length and safeguarding
    Action.SHARE_CARRY_ON: (),
    Action.SHARE_BACK: (),
    Action.SHARE_CONSENT: ("quote_anonymous",),
    Action.SHARE_DISCARD: (),
    Action.SHARE_CHANGE_WORDS: (),
    Action.SHARE_SESSION: (LONGEST_ID, LONGEST_ID),
    Action.SHARE_GROUP: (LONGEST_ID,),
    Action.SHARE_KIND: ("feedback",),
    Action.SHARE_NAMED: (1,),
    Action.SHARE_START_AGAIN: (),
    Action.SHARE_PROMPT: (LONGEST_ID,),
    Action.SHARE_SESSION_PICK: (LONGEST_ID,),
    Action.SHARE_SKIP: (),
    Action.SHARE_SEND: (LONGEST_REFERENCE,),
    Action.PROMPT_RESPOND: (LONGEST_ID,),
    Action.MINE_PAGE: (LONGEST_ID,),
    Action.MINE_READ: (LONGEST_REFERENCE,),
    Action.MINE_WITHDRAW: (LONGEST_REFERENCE,),
    Action.MINE_CONSENT: (LONGEST_REFERENCE,),
    Action.MINE_CONSENT_SET: (LONGEST_REFERENCE, "quote_anonymous"),
    Action.MINE_QUOTE_UNTIL: (LONGEST_REFERENCE,),
    Action.MINE_QUOTE_SET: (LONGEST_REFERENCE, "none"),
    Action.MINE_QUOTED: (LONGEST_REFERENCE,),
    Action.MINE_WITHDRAW_YES: (LONGEST_REFERENCE,),
    Action.MINE_WITHDRAW_NO: (),
    Action.PROMPT_GROUP: (LONGEST_ID,),
    Action.PROMPT_END: (LONGEST_ID,),
    Action.PROMPT_POST: (),
    Action.PROMPT_DISCARD: (),
    Action.PROMPT_BACK: (),
    Action.READ_GROUP: (LONGEST_ID,),
    Action.SAFETY_YES: (LONGEST_ALERT,),
    Action.SAFETY_NO: (LONGEST_ALERT,),
    Action.LEAD_TOGGLE: (LONGEST_ID,),
    Action.SAFETY_CARRY_ON: (),
    Action.ALERT_TAKE: ("abcdefghijkm",),
    Action.ALERT_CLOSE: ("abcdefghijkm",),
    Action.OBSERVERS_GROUP: (LONGEST_ID,),
    Action.OBSERVER_LINK: (LONGEST_ID,),
    Action.OBSERVER_REMOVE: (LONGEST_ID, LONGEST_ID),
    # Closing the loop (J4): item ids are random and up to 19 digits.
    Action.INBOX_GROUP: (LONGEST_ID,),
    Action.INBOX_FILTER: (LONGEST_ID, "o"),
    Action.INBOX_NEXT: (LONGEST_ID, "o", LONGEST_ITEM),
    Action.INBOX_ACK: (LONGEST_ITEM,),
    Action.INBOX_CONSIDER: (LONGEST_ITEM,),
    Action.INBOX_MEETING: (LONGEST_ITEM,),
    Action.INBOX_OUTCOME: (LONGEST_ITEM,),
    Action.INBOX_OUTCOME_KIND: (LONGEST_ITEM, "cannot_change"),
    Action.INBOX_REPLY: (LONGEST_ITEM,),
    Action.INBOX_SEND: (),
    Action.INBOX_DISCARD: (),
    Action.INBOX_MEDIA: (LONGEST_ITEM,),
    Action.INBOX_DAYS: (LONGEST_ID,),
    Action.INBOX_DAYS_SET: (LONGEST_ID, 28),
    Action.YOU_SAID_GROUP: (LONGEST_ID,),
    Action.YOU_SAID_SEND: (LONGEST_ID,),
    Action.YOU_SAID_CONFIRM: (LONGEST_ID,),
    Action.HISTORY: (LONGEST_ITEM,),
    Action.FOLLOWUP_ACTION_GROUP: (LONGEST_ID,),
    Action.FOLLOWUP_ACTION_OPEN: (LONGEST_ID,),
    Action.FOLLOWUP_ACTION_NEW: (LONGEST_ID, LONGEST_ITEM),
    Action.FOLLOWUP_ACTION_PICK: (LONGEST_ITEM,),
    Action.FOLLOWUP_ACTION_LINK: (LONGEST_ID, LONGEST_ITEM),
    Action.FOLLOWUP_ACTION_UPDATE: (LONGEST_ID,),
    Action.FOLLOWUP_ACTION_STATUS: (LONGEST_ID, "not_possible"),
    Action.FOLLOWUP_ACTION_STATUS_ASK: (LONGEST_ID, "not_possible"),
    Action.FOLLOWUP_ACTION_SEND: (),
    Action.DIGEST_PICK: (),
    Action.DIGEST_RHYTHM: ("weekly",),
    Action.DIGEST_DAY: (7,),
    Action.DIGEST_TIME: ("weekly", 7, 4),
    Action.SESSION_ANSWER: (LONGEST_ID, "g"),
    Action.SESSION_CALENDAR: (LONGEST_ID,),
    Action.SESSION_GROUP: (LONGEST_ID,),
    Action.SESSION_SKIP: (),
    Action.SESSION_BACK: (),
    Action.SESSION_SAVE: (),
    Action.SESSION_DISCARD: (),
    Action.SESSION_MANAGE: (LONGEST_ID,),
    Action.SESSION_EDIT: (LONGEST_ID,),
    Action.SESSION_EDIT_FIELD: (LONGEST_ID, "reminders"),
    Action.SESSION_CANCEL: (LONGEST_ID,),
    Action.SESSION_CANCEL_YES: (LONGEST_ID,),
    Action.SESSION_KEEP: (),
    Action.SESSION_ATTENDANCE: (LONGEST_ID, LONGEST_ID),
    Action.SESSION_MARK: (LONGEST_ID, LONGEST_ID, LONGEST_ID),
    Action.SESSION_ADD: (LONGEST_ID, LONGEST_ID),
    Action.SESSION_ADD_PERSON: (LONGEST_ID, LONGEST_ID),
    Action.SESSION_HOURS: (LONGEST_ID,),
    Action.SESSION_DONE: (LONGEST_ID,),
    Action.SESSION_EXPORT_GROUP: (LONGEST_ID,),
    Action.SESSION_EXPORT: (LONGEST_ID, "lm"),
    Action.SESSION_RATE: (LONGEST_ID, 5),
    Action.SESSION_FEEDBACK_NAME: (2,),
    Action.SESSION_FEEDBACK_SEND: (),
    Action.SESSION_FEEDBACK_SKIP: (),
    Action.SESSION_FEEDBACK_USE: (3,),
    Action.SESSION_FEEDBACK_BACK: (),
    Action.SESSION_YEAR_YES: (),
    Action.SESSION_YEAR_NO: (),
    Action.CONV_ANSWER: ("a" * 12,),
    Action.CONV_MEMBER_END: ("a" * 12,),
    Action.CONV_REPLY: ("a" * 12,),
    Action.CONV_STAFF_END: ("a" * 12,),
    Action.CONV_WRITE: (LONGEST_ALERT,),
    Action.CONV_SEND_LOOSE: (),
    Action.CONV_DROP_LOOSE: (),
    Action.FORGET_YES: ("A" * 12, "k"),
    Action.FORGET_NO: (),
    Action.REPORT_PERIOD: ("lq",),
    Action.REPORT_GROUP: (LONGEST_ID, LONGEST_ID, LONGEST_ID),
    Action.LANGUAGE_PICK: (),
    Action.LANGUAGE_SET: ("cy",),
    Action.EASY_READ: (1,),
    Action.PAY_GROUP: (LONGEST_ID,),
    Action.PAY_BASIS: (LONGEST_ID, "session"),
    Action.PAY_EXPENSES: (LONGEST_ID,),
    Action.PAY_PAYEES: (LONGEST_ID, LONGEST_ID),
    Action.PAY_PAYEE: (LONGEST_ID, LONGEST_ID),
    Action.PAY_CHOOSE: (),
    Action.PAY_CHOICE: ("charity",),
    Action.PAY_CLAIM: (),
    Action.PAY_CLAIM_SESSION: (LONGEST_ID,),
    Action.PAY_KEEP_AMOUNT: (),
    Action.PAY_APPROVE: (LONGEST_ID,),
    Action.PAY_QUERY: (LONGEST_ID,),
    Action.PAY_RECEIPT: (LONGEST_ID,),
    Action.PAY_FINANCE_GROUP: (LONGEST_ID,),
    Action.PAY_FINANCE: (LONGEST_ID, "tm"),
    Action.MYINV: (),
    Action.MYINV_CERTIFICATE: (),
}


def test_every_action_has_a_worst_case() -> None:
    assert set(WORST_CASE) == set(Action)


def test_action_values_are_unique() -> None:
    values = [action.value for action in Action]
    assert len(values) == len(set(values))


@pytest.mark.parametrize("action", list(Action))
def test_worst_case_fits_in_64_bytes(action: Action) -> None:
    data = encode(action, *WORST_CASE[action])

    assert len(data.encode()) <= MAX_BYTES
    assert args(data) == [str(value) for value in WORST_CASE[action]]


def test_encode_round_trips_ids() -> None:
    data = encode(Action.LEAVE_YES, 42)

    assert data == "ly:42"
    assert int_arg(data) == 42
    assert int_arg(encode(Action.LEAVE_YES, LONGEST_ID)) == LONGEST_ID


def test_encode_without_arguments_is_the_bare_action() -> None:
    assert encode(Action.PAUSE) == "p"
    assert args(encode(Action.PAUSE)) == []


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "a:b",
        "two words",
        "semi;colon",
        "<b>",
        "new\nline",
        "ünïcode",
        "x" * 41,
    ],
)
def test_encode_refuses_unsafe_arguments(bad: str | int) -> None:
    with pytest.raises(ValueError):
        encode(Action.JOIN, bad)


def test_encode_refuses_data_over_64_bytes() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        encode(Action.INBOX_NEXT, LONGEST_ID, "a" * 40, LONGEST_ITEM)


def test_encode_accepts_exactly_64_bytes() -> None:
    data = encode(Action.INBOX_NEXT, LONGEST_ID, "a" * 28, LONGEST_ITEM)

    assert len(data.encode()) == MAX_BYTES


@pytest.mark.parametrize("action", list(Action))
def test_pattern_matches_only_its_own_action(action: Action) -> None:
    own = encode(action, *WORST_CASE[action])

    assert pattern(action).match(own)
    assert pattern(action).match(action.value)
    for other in Action:
        if other is not action:
            data = encode(other, *WORST_CASE[other])
            assert not pattern(action).match(data), (action, data)
            assert not pattern(action).match(other.value), (action, other)


def test_pattern_does_not_confuse_prefixes() -> None:
    assert pattern(Action.JOIN).match("j:abc")
    assert not pattern(Action.JOIN).match("jn")
    assert not pattern(Action.JOIN).match("jn:abc")
    assert not pattern(Action.JOIN).match("jabc")
    assert not pattern(Action.NOT_NOW).match("j")
    assert not pattern(Action.NOT_NOW).match("j:n")


@pytest.mark.parametrize(
    "forged",
    ["j:", "j::abc", "j:abc:", "j:a b", "j:<b>", "j:" + "a" * 41, "xj:abc", " j:abc", "J:abc"],
)
def test_pattern_refuses_forged_data(forged: str) -> None:
    assert not pattern(Action.JOIN).match(forged)


def test_a_trailing_newline_is_neither_encoded_nor_routed() -> None:
    with pytest.raises(ValueError):
        encode(Action.JOIN, "abc\n")
    assert not pattern(Action.INVITE_PICK).match("ip:5\n")


@pytest.mark.parametrize("data", [None, "", "x" * (MAX_BYTES + 1), "ip:" + "1" * MAX_BYTES])
def test_args_are_empty_for_missing_or_oversized_data(data: str | None) -> None:
    assert args(data) == []
    assert int_arg(data) is None


def test_args_are_empty_for_oversized_multibyte_data() -> None:
    # 22 characters but 66 bytes.
    data = "ip:" + "é" * 31
    assert len(data) < MAX_BYTES < len(data.encode())

    assert args(data) == []


@pytest.mark.parametrize("data", ["j::", "j:a b", "j:<script>", "zz:abc"])
def test_args_are_empty_for_malformed_data(data: str) -> None:
    assert args(data) == []


@pytest.mark.parametrize(
    ("data", "index"),
    [
        ("ip", 0),
        ("ip:abc", 0),
        ("ip:-5", 0),
        ("ip:+5", 0),
        ("ip:5.0", 0),
        ("ip: 5", 0),
        ("ip:1e3", 0),
        ("ip:0x10", 0),
        ("ip:" + "9" * 13, 0),
        ("ip:5", 1),
        ("ly:5:abc", 1),
    ],
)
def test_int_arg_is_none_for_anything_but_a_short_number(data: str, index: int) -> None:
    assert int_arg(data, index) is None


def test_int_arg_reads_later_arguments() -> None:
    assert int_arg("ly:abc:17", 1) == 17


def test_int_arg_is_none_for_superscript_digits() -> None:
    assert int_arg("ip:²") is None


def test_int_arg_is_none_for_non_ascii_digits() -> None:
    assert int_arg("ip:١٢") is None


# The follow-up actions' buttons were called ACTION_* before they were FOLLOWUP_ACTION_*.
RENAMED = ("GROUP", "OPEN", "NEW", "PICK", "LINK", "UPDATE", "STATUS", "SEND", "STATUS_ASK")


def test_a_message_queued_under_a_button_s_old_name_is_still_read() -> None:
    # A queued message stores each button's action by name: one queued before the rename
    # is read (and its button sent) as the same button.
    for name in RENAMED:
        action = Action[f"FOLLOWUP_ACTION_{name}"]
        queued = outgoing.message(
            outgoing.text(texts.ALERT_NOT_TAKEN), [[button(texts.BUTTON_SEND, action)]]
        )
        stored = queued.dumps()
        assert f'"FOLLOWUP_ACTION_{name}"' in stored
        before = stored.replace(f'"FOLLOWUP_ACTION_{name}"', f'"ACTION_{name}"')

        assert outgoing.loads(before) == queued


def test_buttons_already_sent_keep_their_data() -> None:
    # Buttons in chats carry the values, which stay as they were sent.
    sent = {"GROUP": "ag", "OPEN": "ao", "NEW": "an", "PICK": "ap", "LINK": "al"}
    sent |= {"UPDATE": "au", "STATUS": "as", "SEND": "ay", "STATUS_ASK": "aq"}
    for name, value in sent.items():
        assert Action(value) is Action[f"FOLLOWUP_ACTION_{name}"]
        assert pattern(Action(value)).match(f"{value}:5")


def test_no_code_names_a_button_by_its_old_name() -> None:
    root = Path(__file__).resolve().parents[2]
    named = [
        str(path.relative_to(root))
        for folder in ("bot", "handlers", "tests")
        for path in (root / folder).rglob("*.py")
        if re.search(r"Action\.ACTION_[A-Z]", path.read_text(encoding="utf-8"))
    ]
    assert named == []


# The "you said, we did" buttons were called UPDATES_* before they were YOU_SAID_*.
YOU_SAID = {"GROUP": "ou", "SEND": "oy", "CONFIRM": "oz"}


def test_a_you_said_message_queued_under_the_old_name_is_still_read() -> None:
    for name in YOU_SAID:
        action = Action[f"YOU_SAID_{name}"]
        queued = outgoing.message(
            outgoing.text(texts.BOARD_CONFIRM, group="Peer support"),
            [[button(texts.BUTTON_BOARD_YES, action, 5)]],
        )
        stored = queued.dumps()
        assert f'"YOU_SAID_{name}"' in stored
        before = stored.replace(f'"YOU_SAID_{name}"', f'"UPDATES_{name}"')

        assert outgoing.loads(before) == queued


def test_you_said_buttons_already_sent_keep_their_data() -> None:
    for name, value in YOU_SAID.items():
        assert Action(value) is Action[f"YOU_SAID_{name}"]
        assert pattern(Action(value)).match(f"{value}:5")


def test_no_code_names_a_you_said_button_by_its_old_name() -> None:
    root = Path(__file__).resolve().parents[2]
    named = [
        str(path.relative_to(root))
        for folder in ("bot", "handlers", "tests")
        for path in (root / folder).rglob("*.py")
        if re.search(r"Action\.UPDATES_[A-Z]", path.read_text(encoding="utf-8"))
    ]
    assert named == []
