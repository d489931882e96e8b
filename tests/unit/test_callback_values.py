"""Every value a button can carry survives the trip: it fits in 64 bytes and the codec
reads it back as the very value that was put in, for every action and every value each of
its arguments can be given (the smallest, the largest, and every choice)."""

from __future__ import annotations

import itertools
import string

import pytest

from bot.presentation.callbacks import (
    ARGUMENTS,
    MAX_BYTES,
    Action,
    Arg,
    args,
    decode,
    encode,
    int_arg,
    pattern,
)
from bot.presentation.languages import LANGUAGES
from bot.services.consent import Span
from bot.services.contributor_updates import Rhythm
from bot.services.followup_actions import ActionStatus
from bot.services.inbox import InboxFilter, Outcome, item_arg
from bot.services.membership import QUIET_CHOICES, LeaveChoice
from bot.services.payment_model import Basis, Choice
from bot.services.reports.periods import Pick
from bot.services.sessions import ANSWER_CODES, Period, SessionQuestion
from bot.services.sharing import Consent, Kind
from handlers.general import BACK_TO
from handlers.rights import FORGET_CHOICES
from handlers.wording import FLOWS as WORDING_FLOWS

# Numbers: ids from 0 (a list position, "without my name") up to 12 digits.
NUMBERS = (0, 1, 2, 9, 10, 99, 100, 2**31 - 1, 10**11, 999_999_999_999)
# Item ids are random, 1 to 2**62 today; the codec reads up to 19 digits.
ITEMS = (1, 2, 10**12, 2**62, 9_223_372_036_854_775_807)
URLSAFE = string.ascii_letters + string.digits + "-_"
# Codes, references and alert ids: every character they may hold, at their longest.
CODES = ("a", "-", "_", "0", "00", URLSAFE[:16], URLSAFE[16:32], URLSAFE[32:48], URLSAFE[48:])
REFERENCES = ("ABCDEF", "ZZZZZZ", "ABCDEFGHJKLM")
ALERTS = ("abcdefghjk23", "abcdefghjk2345mn")
CONVERSATIONS = ("abcdefghjk23", "zzzzzzzzzzzz")

# The choices an argument in a WORD place can be given, from the enums that make them.
WORDS: dict[tuple[Action, int], tuple[str, ...]] = {
    (Action.JOIN, 0): CODES,
    (Action.STEP_BACK, 0): tuple(BACK_TO),
    (Action.WORDING_AS_IS, 0): WORDING_FLOWS,
    (Action.WORDING_CHANGE, 0): WORDING_FLOWS,
    (Action.SHARE_CONSENT, 0): tuple(c.value for c in Consent),
    (Action.SHARE_KIND, 0): tuple(k.value for k in Kind),
    (Action.MINE_READ, 0): REFERENCES,
    (Action.MINE_WITHDRAW, 0): REFERENCES,
    (Action.MINE_WITHDRAW_YES, 0): REFERENCES,
    (Action.SHARE_SEND, 0): REFERENCES,
    (Action.SAFETY_YES, 0): ALERTS,
    (Action.SAFETY_NO, 0): ALERTS,
    (Action.ALERT_TAKE, 0): ALERTS,
    (Action.ALERT_CLOSE, 0): ALERTS,
    (Action.CONV_ANSWER, 0): CONVERSATIONS,
    (Action.CONV_MEMBER_END, 0): CONVERSATIONS,
    (Action.CONV_REPLY, 0): CONVERSATIONS,
    (Action.CONV_STAFF_END, 0): CONVERSATIONS,
    (Action.CONV_WRITE, 0): ALERTS,
    (Action.FORGET_YES, 0): (URLSAFE[:12], URLSAFE[-12:]),
    (Action.FORGET_YES, 1): FORGET_CHOICES,
    (Action.REPORT_PERIOD, 0): tuple(p.value for p in Pick),
    (Action.INBOX_FILTER, 1): tuple(f.value for f in InboxFilter),
    (Action.INBOX_NEXT, 1): tuple(f.value for f in InboxFilter),
    (Action.INBOX_OUTCOME_KIND, 1): tuple(o.value for o in Outcome),
    (Action.FOLLOWUP_ACTION_STATUS, 1): tuple(s.value for s in ActionStatus),
    (Action.FOLLOWUP_ACTION_STATUS_ASK, 1): tuple(s.value for s in ActionStatus),
    (Action.DIGEST_RHYTHM, 0): tuple(r.value for r in Rhythm),
    (Action.DIGEST_TIME, 0): tuple(r.value for r in Rhythm),
    (Action.SESSION_ANSWER, 1): tuple(ANSWER_CODES),
    (Action.PAY_BASIS, 1): tuple(b.value for b in Basis),
    (Action.PAY_CHOICE, 0): tuple(c.value for c in Choice),
    (Action.PAY_FINANCE, 1): tuple(p.value for p in Period),
    (Action.SESSION_EDIT_FIELD, 1): tuple(s.value for s in SessionQuestion),
    (Action.SESSION_EXPORT, 1): tuple(p.value for p in Period),
    (Action.LEAVE_WITH, 1): tuple(c.value for c in LeaveChoice),
    (Action.MINE_CONSENT, 0): REFERENCES,
    (Action.MINE_CONSENT_SET, 0): REFERENCES,
    (Action.MINE_CONSENT_SET, 1): tuple(c.value for c in Consent),
    (Action.MINE_QUOTE_UNTIL, 0): REFERENCES,
    (Action.MINE_QUOTE_SET, 0): REFERENCES,
    (Action.MINE_QUOTE_SET, 1): tuple(s.value for s in Span),
    (Action.MINE_QUOTED, 0): REFERENCES,
    (Action.LANGUAGE_SET, 0): LANGUAGES,
}


def domain(action: Action, index: int, kind: Arg) -> tuple[int | str, ...]:
    """Every value (or its edges) argument `index` of `action` can be given."""
    if kind is Arg.NUMBER:
        return NUMBERS
    if kind is Arg.ITEM:
        return ITEMS
    return WORDS[(action, index)]


def cases() -> list[tuple[Action, tuple[int | str, ...]]]:
    """For each action: every argument through its whole domain, the others at their
    longest; and every shorter form (trailing arguments left off)."""
    found: list[tuple[Action, tuple[int | str, ...]]] = []
    for action, kinds in ARGUMENTS.items():
        domains = [domain(action, i, kind) for i, kind in enumerate(kinds)]
        longest = tuple(max(d, key=lambda v: len(str(v))) for d in domains)
        shortest = tuple(min(d, key=lambda v: len(str(v))) for d in domains)
        found.append((action, longest))
        found.append((action, shortest))
        for i, values in enumerate(domains):
            for value in values:
                found.append((action, (*longest[:i], value, *longest[i + 1 :])))
        for size in range(len(kinds)):
            found.append((action, longest[:size]))
    return found


CASES = cases()


def test_every_action_says_what_its_buttons_carry() -> None:
    assert set(ARGUMENTS) == set(Action)


def test_every_word_place_has_its_choices() -> None:
    word_places = {
        (action, i)
        for action, kinds in ARGUMENTS.items()
        for i, kind in enumerate(kinds)
        if kind is Arg.WORD
    }
    assert word_places == set(WORDS)


@pytest.mark.parametrize(("action", "values"), CASES, ids=lambda v: str(v)[:40])
def test_every_button_value_fits_and_reads_back_as_itself(
    action: Action, values: tuple[int | str, ...]
) -> None:
    data = encode(action, *values)

    assert len(data.encode()) <= MAX_BYTES
    assert pattern(action).match(data)
    assert decode(data) == (action, list(values))
    assert args(data) == [str(v) for v in values]
    for index, (kind, value) in enumerate(zip(ARGUMENTS[action], values, strict=False)):
        # The readers the handlers use give back the same value.
        if kind is Arg.NUMBER:
            assert int_arg(data, index) == value, (data, index)
        elif kind is Arg.ITEM:
            assert item_arg(args(data)[index]) == value, (data, index)


def test_every_quiet_hours_choice_reads_back() -> None:
    for index in range(len(QUIET_CHOICES)):
        assert int_arg(encode(Action.QUIET_SET, index)) == index


@pytest.mark.parametrize(
    ("action", "value"),
    [
        (action, value)
        for action, kinds in ARGUMENTS.items()
        for kind, value in itertools.product(kinds[:1], (-1, -999, 10**19, "x", "01", "1e3"))
        if kind is not Arg.WORD
    ],
)
def test_a_value_that_would_not_read_back_is_never_built(action: Action, value: int | str) -> None:
    with pytest.raises(ValueError):
        encode(action, value)


@pytest.mark.parametrize("action", [a for a, kinds in ARGUMENTS.items() if Arg.NUMBER in kinds])
def test_numbers_past_twelve_digits_are_never_built(action: Action) -> None:
    values = [
        10**12 if k is Arg.NUMBER else domain(action, i, k)[0]
        for i, k in enumerate(ARGUMENTS[action])
    ]
    with pytest.raises(ValueError):
        encode(action, *values)


@pytest.mark.parametrize("action", [a for a, kinds in ARGUMENTS.items() if len(kinds) < 3])
def test_a_button_never_carries_more_than_its_arguments(action: Action) -> None:
    extra = (*(domain(action, i, k)[0] for i, k in enumerate(ARGUMENTS[action])), 1)
    with pytest.raises(ValueError):
        encode(action, *extra)


@pytest.mark.parametrize(
    "data",
    ["qs:-1", "qs:01", "qs:1:2", "zz", "oa:0", "sa:1:g:3", "", None, "qs:" + "1" * 13],
)
def test_decode_refuses_what_no_button_carries(data: str | None) -> None:
    assert decode(data) is None
