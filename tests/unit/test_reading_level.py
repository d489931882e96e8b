"""Every English text at a reading level its readers can manage (Flesch-Kincaid grade).

A member may be reading in distress, in a second language or with a learning disability:
member-facing texts are at grade 6 or below, coordinator-only texts at 9 or below, and
easy-read texts (the `en@easy` catalogue) at 3 or below.

How a text is measured:
- with realistic values in its placeholders (a name, a group, a date, a short quote), never
  the placeholder names;
- as the reader sees it: HTML tags taken out, and each line read as a sentence of its own
  (a line ends where the reader's eye stops, whether or not it ends with a full stop);
- buttons (`BUTTON_`), command menus (`MENU_`), and fragments of at most three words once
  rendered (a status such as "under way", a label such as "Quiet hours") are not measured
  alone: a grade for two words says nothing. Every longer text is measured.

Who reads a text: each texts module has a usual audience, and the exceptions are named
below. A text that members and coordinators both see counts as member-facing.
"""

from __future__ import annotations

import importlib
import re
import statistics
import string
from pathlib import Path

import pytest
import textstat  # type: ignore[import-untyped]

from bot.presentation.texts import LOCALE_DIR, Plural, Raw

MEMBER_GRADE = 6
COORDINATOR_GRADE = 9
EASY_GRADE = 3
SHORTEST_MEASURED = 4  # words, once rendered

TEXTS_DIR = Path(__file__).resolve().parents[2] / "bot" / "presentation" / "texts"

# Each module's usual audience. A new module is added here when it is written.
MODULE_AUDIENCE = {
    "membership": "member",
    "coordinators": "coordinator",
    "sharing": "member",
    "safety": "member",
    "conversations": "member",
    "follow_up": "member",
    "sessions": "member",
    "rights": "member",
    "steps": "member",
    "payments": "member",
    "language": "member",
    "reports": "coordinator",
}

# Texts only coordinators, observers, safeguarding leads or admins see, in member modules.
COORDINATOR_ONLY = {
    "membership": """
        BUTTON_MEMBER_REMOVE MEMBER_REMOVE_CONFIRM BUTTON_MEMBER_REMOVE_YES
        BUTTON_MEMBER_REMOVE_NO MEMBER_REMOVED MEMBER_KEPT MEMBER_REASON_ASK
        BUTTON_MEMBER_REASON_SKIP MEMBER_REASON_KEPT MEMBER_REASON_SKIPPED MEMBER_REASON_EMPTY
        MEMBER_NOT_THERE TAKEN_BACK_CARD TAKEN_BACK_LIST HELP_COORDINATOR HELP_ADMIN
    """,
    "sharing": """
        ITEM_WITHDRAWN_NOTICE PROMPT_PICK_GROUP PROMPT_ASK_TEXT PROMPT_EMPTY PROMPT_TOO_LONG
        PROMPT_ASK_END BUTTON_END_NONE BUTTON_END_WEEKS BUTTON_END_WEEK PROMPT_PREVIEW
        BUTTON_POST PROMPT_POSTED PROMPT_DISCARDED READ_PICK READ_HEADER READ_LINE
        READ_ANONYMOUS READ_HIDDEN READ_NONE NO_READABLE_GROUPS OBSERVERS_PICK OBSERVERS_LIST
        OBSERVERS_NONE OBSERVER_LINE UNNAMED_OBSERVER BUTTON_NEW_OBSERVER BUTTON_REMOVE_OBSERVER
        OBSERVER_LINK BECAME_OBSERVER ALREADY_OBSERVER OBSERVER_REMOVED OBSERVER_NOT_FOUND
    """,
    "safety": """
        SAFETY_ALERT SAFETY_ALERT_WHO SAFETY_SAID_NO SAFETY_NO_ANSWER SAFETY_NO_USERNAME
        SAFETY_NO_REASON SAFETY_IDENTITY SAFETY_NO_NAME SAFETY_NO_GROUP ALERT_TAKE_ONLY_LEADS
        ALERT_TAKEN_YOU ALERT_TAKEN_ALREADY_YOURS ALERT_TAKEN_BY ALERT_IS_CLOSED ALERT_NOT_YOURS
        ALERT_ASK_NOTE ALERT_CLOSED_YOU ALERT_TAKEN_OTHERS ALERT_CLOSED_OTHERS ALERT_UPDATE_YES
        ALERT_NOT_TAKEN SAFETY_LATE_NO ALERT_REF ALERT_SOMEONE ALERT_NO_OWNER
        ALERT_WORDS_TAKEN_BACK ALERT_OPEN_LIST ALERT_OPEN_LINE HELP_NO_LEAD ALERT_NO_LEAD_ADMINS
        LEADS_NONE_CHOSEN BUTTON_ALERT_TAKE BUTTON_ALERT_CLOSE SAFETY_MARK LEADS_LIST LEADS_NONE
        LEAD_LINE
    """,
    "conversations": """
        BUTTON_WRITE_TO_THEM BUTTON_CONVERSATION_REPLY CONVERSATION_ABOUT_ITEM
        CONVERSATION_ABOUT_ALERT CONVERSATION_NO_WORDS CONVERSATION_IN CONVERSATION_TO_LEAD
        CONVERSATION_RISK_NOTE CONVERSATION_ENDED_BY_MEMBER CONVERSATION_WRITE_ASK
        ANSWER_ABOUT_ALERT ANSWER_ABOUT_NAMED ANSWER_ABOUT_ANONYMOUS ENDED_ABOUT_ALERT
        ENDED_ABOUT_NAMED ENDED_ABOUT_ANONYMOUS
        CONVERSATION_WRITE_SENT CONVERSATION_UNREACHABLE CONVERSATION_STAFF_ENDED
        CONVERSATION_ALREADY_ENDED CONVERSATION_NOT_ALLOWED CARD_TALK CARD_TALK_OPEN
        CARD_TALK_CLOSED CARD_TALK_MEMBER CARD_TALK_COORDINATOR MENU_PROMPT MENU_READ
        MENU_OBSERVERS MENU_LEADS
    """,
    "follow_up": """
        INBOX_KIND_PROMPT INBOX_KIND_FEEDBACK INBOX_KIND_SESSION INBOX_KIND_STORY NUDGE
        NUDGE_GROUP NUDGE_NEW NUDGE_JOINED NUDGE_LEFT NUDGE_REMOVED_REASON NUDGE_ONE_UNNAMED
        NUDGE_SOME_UNNAMED NUDGE_UNACKNOWLEDGED NUDGE_NO_OUTCOME NUDGE_ITEM NUDGE_MORE
        NUDGE_UNACKNOWLEDGED_DAYS NUDGE_NO_OUTCOME_DAYS NUDGE_ITEM_DAYS
        BUTTON_BOARD_SEND BOARD_SEND_NOTE BOARD_CONFIRM BUTTON_BOARD_YES BOARD_SENT
        BOARD_NOTHING BOARD_SENT_BEFORE INBOX_PICK INBOX_HEADER INBOX_NOTHING CARD
        CARD_ANONYMOUS CARD_NOT_SHOWN CARD_NAMED CARD_WORDS CARD_VOICE CARD_PHOTO
        INBOX_CONSENT_COORDINATORS INBOX_CONSENT_QUOTE_ANONYMOUS INBOX_CONSENT_QUOTE_NAMED
        INBOX_STATUS_RECEIVED INBOX_STATUS_ACKNOWLEDGED INBOX_STATUS_CONSIDERING
        INBOX_STATUS_MEETING INBOX_STATUS_OUTCOME BUTTON_ACK BUTTON_CONSIDER BUTTON_MEETING
        BUTTON_OUTCOME BUTTON_ADD_TO_ACTION BUTTON_REPLY BUTTON_NEXT_ITEM BUTTON_MEDIA
        BUTTON_FILTER_NEW BUTTON_FILTER_WAITING BUTTON_FILTER_OVERDUE BUTTON_FILTER_ALL
        BUTTON_NUDGE_DAYS INBOX_NOT_ALLOWED INBOX_GONE INBOX_ALREADY INBOX_EMPTY_TEXT
        INBOX_TOO_LONG INBOX_BAD_DATE INBOX_PAST_DATE INBOX_ACKNOWLEDGED INBOX_CONSIDERING
        INBOX_MEETING_SAVED INBOX_SENT INBOX_SENT_HELD INBOX_DISCARDED MEETING_ASK MEETING_BAD
        OUTCOME_PICK BUTTON_CHANGED BUTTON_WILL_CHANGE BUTTON_CANNOT_CHANGE OUTCOME_ASK_CHANGED
        OUTCOME_ASK_WILL_CHANGE OUTCOME_ASK_CANNOT_CHANGE OUTCOME_ASK_DUE REPLY_ASK
        PREVIEW_NOTE BUTTON_SEND_IT DAYS_ASK BUTTON_DAYS DAYS_SAVED ACTION_GROUP_PICK
        ACTION_LIST ACTION_LIST_EMPTY BUTTON_NEW_ACTION BUTTON_POST_UPDATE BUTTON_ALL_ACTIONS
        ACTION_LINK_PICK ACTION_LINKED ACTION_ASK_TITLE ACTION_MADE ACTION_NOT_ALLOWED
        ACTION_VIEW ACTION_HISTORY_LINE ACTION_NO_HISTORY ACTION_ASK_UPDATE ACTION_PREVIEW_NOTE
        ACTION_POSTED ACTION_STATUS_SET MENU_INBOX MENU_ACTION
    """,
    "sessions": """
        SESSIONS_MANAGED SESSIONS_MANAGED_NONE SESSION_MANAGED_BUTTON SESSION_PICK_GROUP
        SESSION_ASK_TITLE SESSION_ASK_STARTS SESSION_ASK_ENDS SESSION_ASK_PLACE
        SESSION_ASK_ACCESS SESSION_ASK_CONTENT SESSION_ASK_CAPACITY SESSION_ASK_REMINDERS
        SESSION_CONFIRM_NEW SESSION_CONFIRM_EDIT SESSION_DETAILS SESSION_NO_LIMIT
        SESSION_NO_REMINDERS SESSION_REMINDER_BEFORE BUTTON_NO_LIMIT BUTTON_USUAL_REMINDERS
        SESSION_NEXT_YEAR_ASK BUTTON_YEAR_YES BUTTON_YEAR_NO BUTTON_SAVE_INVITE
        BUTTON_SAVE_CHANGE SESSION_BAD_TITLE SESSION_BAD_TEXT SESSION_BAD_NUMBER
        SESSION_BAD_REMINDERS SESSION_UNREADABLE SESSION_CANT_SKIP SESSION_END_NOT_UNDERSTOOD
        SESSION_END_BEFORE_START SESSION_END_TOO_LONG SESSION_CREATED SESSION_CHANGED
        SESSION_CHANGED_NOBODY SESSION_NOTHING_TO_SAVE ONE_PERSON SOME_PEOPLE SESSION_UNCHANGED
        SESSION_TOO_LATE SESSION_DISCARDED SESSION_OVERVIEW SESSION_OVERVIEW_CANCELLED
        SESSION_OVERVIEW_NOBODY SESSION_OVERVIEW_NOBODY_PLACES SESSION_OVERVIEW_GOING
        SESSION_OVERVIEW_FULL SESSION_OVERVIEW_TAKEN SESSION_OVERVIEW_MAYBE SESSION_OVERVIEW_NO
        SESSION_OVERVIEW_WAITING SESSION_NAMES_LIST SESSION_NAMES_AND_MORE SESSION_NO_NAME
        BUTTON_CHANGE_SESSION BUTTON_CANCEL_SESSION BUTTON_MARK SESSION_EDIT_PICK
        BUTTON_EDIT_TITLE BUTTON_EDIT_STARTS BUTTON_EDIT_ENDS BUTTON_EDIT_PLACE
        BUTTON_EDIT_ACCESS BUTTON_EDIT_CONTENT BUTTON_EDIT_CAPACITY BUTTON_EDIT_REMINDERS
        SESSION_CANCEL_CONFIRM BUTTON_YES_CANCEL BUTTON_KEEP_SESSION SESSION_CANCELLED
        SESSION_CANCELLED_NOBODY SESSION_CANCEL_ALREADY SESSION_KEPT SESSION_MARK_ASK
        SESSION_ATTENDANCE SESSION_ATTENDANCE_EMPTY SESSION_ATTENDANCE_NOT_YET
        BUTTON_ADD_ATTENDEE BUTTON_CHANGE_HOURS BUTTON_DONE SESSION_ATTENDANCE_DONE
        SESSION_ADD_PICK SESSION_ADD_NONE SESSION_ASK_HOURS SESSION_BAD_HOURS HOURS_PICK_GROUP
        HOURS_PICK_PERIOD BUTTON_THIS_MONTH BUTTON_LAST_MONTH BUTTON_THIS_YEAR BUTTON_LAST_YEAR
        HOURS_EXPORT SESSION_FEEDBACK_BODY MENU_NEWSESSION MENU_HOURS
    """,
    "steps": "ACTION_STATUS_ASK BUTTON_STATUS_YES",
    "payments": """
        PAY_PICK_GROUP PAY_SETTINGS BUTTON_PAY_PER_HOUR BUTTON_PAY_PER_SESSION BUTTON_PAY_NO_PAY
        BUTTON_PAY_EXPENSES BUTTON_PAY_PAYEES PAY_ASK_RATE_HOUR PAY_ASK_RATE_SESSION
        PAY_ASK_EXPENSES PAY_EXPENSES_TOO_LONG PAY_PAYEE_PICK PAY_PAYEE_LINE PAY_PAYEE_UNSET
        PAY_ASK_PAYEE PAY_PAYEE_BAD PAY_PAYEE_TAKEN PAY_PAYEE_SAVED PAY_CLAIM_TO_APPROVE
        BUTTON_PAY_APPROVE BUTTON_PAY_QUERY BUTTON_PAY_RECEIPT PAY_APPROVED PAY_ALREADY_DECIDED
        PAY_ASK_QUERY PAY_QUERY_SENT PAY_NO_NAME PAY_FINANCE_PICK_GROUP PAY_FINANCE_PICK_PERIOD
        PAY_FINANCE_DONE MENU_PAYMENTS MENU_FINANCE
    """,
}

# Texts members see too, in coordinator modules.
MEMBER_FACING = {
    "coordinators": """
        ONLY_COORDINATORS ONLY_ADMINS NOT_IN_THAT_GROUP SESSION_NOT_IN_GROUP PROMPT_NOT_IN_GROUP
        GROUP_GONE STALE_BUTTON BUTTON_WITHOUT_MESSAGE SOMETHING_WENT_WRONG COULD_NOT_SAVE
        SAVED_NOT_SHOWN SAVED_TAP_NOT_SHOWN BROADCAST_TO_MEMBERS BROADCAST_TO_MEMBERS_NO_NAME
        MENU_SETTINGS MENU_LEAVE MENU_HELP MENU_PRIVACY MENU_MYDATA MENU_FORGETME MENU_CANCEL
    """,
    "reports": "REPORT_NOT_ALLOWED",
}

# Realistic values for every placeholder: what a reader would really see in its place.
VALUES: dict[str, object] = {
    "grade": 11,
    "clock": "6:30pm",
    "opening": "The forms are too long and nobody explains them.",
    "payments": "you chose to be paid; your reference is CV-014; 2 claims.",
    "a": 3, "about": "what you said on 3 March (“the forms are too long”)", "alerts": 0,
    "amount": "£4.50", "anonymous": 2, "answer": "going", "answers": 4, "b": 1,
    "block": "About what you said on 3 March: a coordinator has read it.", "blocked": 1,
    "blocks": "About what you said on 3 March: a coordinator has read it.",
    "button": "Going", "c": 0, "came": 5, "capacity": 12, "choice": "a voucher",
    "chosen": "Sam", "consent": "it may be quoted, without your name",
    "content": "“The forms are too long.”", "count": 3, "d": 0, "date": "3 March",
    "day": "3 March", "days": 7, "details": "Places: 12\nReminders: 24 hours before",
    "did": "What changed: the forms are one page now.", "end": "7:00", "ends": "",
    "expenses": "travel and lunch", "failed": 0, "few": "", "first": "3 March 2025",
    "going": 8, "group": "Carers Voice", "groups": "Carers Voice", "held": 4,
    "helplines": "• Samaritans: 116 123\n• Shout: text 85258", "history": "3 March: Made.",
    "hours": "2 hours", "id": 12345, "intro": "", "invited": 10, "item_lines": "- none",
    "items": 2, "joined": "3 March", "kind": "feedback", "kinds": "• Feedback: 3",
    "last": "3 June 2026", "left": "2 min", "length": "2 hours", "limit": 1000,
    "line": "Samaritans: call 116 123, free, day or night", "lines": "• Sam\n• Priya",
    "link": "https://t.me/chorus_bot?start=abc123", "made": "3 March 2026",
    "mark": "✅", "media": "photo", "median": "5 days", "meeting": "the board meeting",
    "minutes": "30 minutes",
    "messages": "on", "most": "£100.00", "name": "Sam", "named": 2, "names": "Sam, Priya",
    "new": 2, "news": "the forms are one page now", "note": "We rang them back.",
    "notes": "step-free", "number": 2, "organisation": "Hope Trust", "outcome": "Changed",
    "overdue": 1, "owner": "Priya", "p90": "12 days", "paused": 1, "people": 5,
    "percent": 60, "place": "the library, room 2", "places": 12,
    "policy": "Carers Voice pays £12.50 an hour for your time.",
    "preview": "Tea and talk, Tue 3 March 2pm", "question": "Was it the bus fare?",
    "quiet": "22:00 to 7:00", "rate": "£12.50", "reader": "The coordinators will read it.",
    "reason": "They asked to leave.", "reasons": "", "reference": "K7Q2",
    "reminders": "24 hours before", "rhythm": "once a day, at 6pm", "role": "member",
    "said": "Someone said: “the forms are too long”", "scope": "Carers Voice",
    "score": 4, "sender": "Sam", "sent": 12, "sessions": 4, "share": 1, "small": "",
    "start": "22:00", "state": "open", "status": "done", "telegram": "Sam Jones",
    "telegram_id": 12345, "text": "The forms are one page now.", "time": "6pm",
    "title": "Tea and talk", "titles": "Tea and talk", "total": 6, "until": "until 3 June",
    "updates": 2, "username": "@sam", "waiting": 3, "was": "2pm", "weeks": 2,
    "when": "Tue 3 March, 2pm", "who": "from Sam", "wording": "the terms of 3 March",
    "words": "the forms are too long",
}  # fmt: skip

_TAG = re.compile(r"<[^<>]+>")
_PLACEHOLDER = re.compile(r"\{\w+\}")


def _module_texts(module: str) -> dict[str, str]:
    values = vars(importlib.import_module(f"bot.presentation.texts.{module}"))
    return {
        name: value
        for name, value in values.items()
        if name.isupper() and isinstance(value, str) and not isinstance(value, Raw)
    }


def _texts_modules() -> list[str]:
    return sorted(path.stem for path in TEXTS_DIR.glob("*.py") if path.stem[0] != "_")


def _names(listed: dict[str, str], module: str) -> set[str]:
    return set(listed.get(module, "").split())


def classified() -> dict[str, tuple[str, str]]:
    """Every measured text, by name: (its audience, its English)."""
    texts: dict[str, tuple[str, str]] = {}
    for module in MODULE_AUDIENCE:
        exceptions = _names(COORDINATOR_ONLY, module) | _names(MEMBER_FACING, module)
        for name, value in _module_texts(module).items():
            audience = MODULE_AUDIENCE[module]
            if name in exceptions:
                audience = "coordinator" if audience == "member" else "member"
            texts[name] = (audience, value)
    return texts


def readable(message: str) -> str:
    """The text a reader sees: realistic values, no tags, each line a sentence."""
    fields = {f for _, f, _, _ in string.Formatter().parse(message) if f}
    rendered = message.format(**{field: VALUES[field] for field in fields})
    if isinstance(message, Plural):
        rendered = message.plural.format(**{field: VALUES[field] for field in fields})
    lines = [line.strip() for line in _TAG.sub("", rendered).split("\n") if line.strip()]
    return " ".join(line if line[-1] in ".!?…:" else f"{line}." for line in lines)


def measured(name: str, message: str) -> bool:
    if name.startswith(("BUTTON_", "MENU_")):
        return False
    return len(readable(message).split()) >= SHORTEST_MEASURED


def grades(audience: str) -> dict[str, float]:
    return {
        name: textstat.flesch_kincaid_grade(readable(message))
        for name, (reader, message) in classified().items()
        if reader == audience and measured(name, message)
    }


def figures(found: dict[str, float]) -> str:
    ordered = sorted(found.values())
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    return (
        f"{len(ordered)} texts: median {statistics.median(ordered):.1f}, "
        f"90th percentile {p90:.1f}, worst {ordered[-1]:.1f}"
    )


def _worst_ten(found: dict[str, float]) -> str:
    worst = sorted(found.items(), key=lambda pair: -pair[1])[:10]
    return "\n".join(f"  {grade:5.1f}  {name}" for name, grade in worst)


def test_every_texts_module_has_an_audience() -> None:
    assert sorted(set(_texts_modules()) - {"core"}) == sorted(MODULE_AUDIENCE)


def test_every_named_exception_is_a_text_of_its_module() -> None:
    for listed in (COORDINATOR_ONLY, MEMBER_FACING):
        for module in listed:
            assert _names(listed, module) - set(_module_texts(module)) == set(), module


def test_every_placeholder_has_a_realistic_value() -> None:
    for name, (_, message) in classified().items():
        readable(message)  # a KeyError names the placeholder without a value
        assert "{" not in readable(message), name


def test_a_long_hard_text_fails_and_a_plain_one_passes() -> None:
    hard = (
        "Notwithstanding organisational considerations, participation in consultative "
        "engagement activities necessitates comprehensive acknowledgement."
    )
    assert textstat.flesch_kincaid_grade(readable(hard)) > COORDINATOR_GRADE
    assert textstat.flesch_kincaid_grade(readable("Can you make it? You can say no.")) < 3


@pytest.mark.parametrize(
    ("audience", "limit"), [("member", MEMBER_GRADE), ("coordinator", COORDINATOR_GRADE)]
)
def test_texts_are_at_their_readers_grade(audience: str, limit: int) -> None:
    found = grades(audience)
    print(f"\n{audience} texts, {figures(found)}; the worst ten:\n{_worst_ten(found)}")
    too_hard = {name: grade for name, grade in found.items() if grade > limit}
    assert too_hard == {}, f"{len(too_hard)} {audience} texts above grade {limit}"


def test_easy_read_texts_are_at_grade_3() -> None:
    catalogues = sorted(Path(LOCALE_DIR).glob("en@easy/**/*.po"))
    if not catalogues:
        pytest.skip("there is no easy-read catalogue yet")
    from babel.messages.pofile import read_po

    found: dict[str, float] = {}
    for catalogue in catalogues:
        with catalogue.open("rb") as source:
            for entry in read_po(source):
                english = entry.id if isinstance(entry.id, str) else entry.id[0]
                forms = [entry.string] if isinstance(entry.string, str) else entry.string or []
                easy = forms[-1] if forms else ""
                # A text with no words of its own ("📞 {line}") says only its value: not ours
                # to make easier, so not measured.
                own = re.sub(r"\{\w+\}", "", easy)
                if not re.search(r"[^\W\d_]", own):
                    continue
                if english and easy and len(readable(easy).split()) >= SHORTEST_MEASURED:
                    found[english[:40]] = textstat.flesch_kincaid_grade(readable(easy))
    print(f"\neasy-read texts, {figures(found)}; the worst ten:\n{_worst_ten(found)}")
    too_hard = {name: grade for name, grade in found.items() if grade > EASY_GRADE}
    assert too_hard == {}, f"{len(too_hard)} easy-read texts above grade {EASY_GRADE}"


def test_every_member_facing_text_has_an_easy_read_version() -> None:
    from babel.messages.pofile import read_po

    easy: dict[str, bool] = {}
    for catalogue in sorted(Path(LOCALE_DIR).glob("en@easy/**/*.po")):
        with catalogue.open("rb") as source:
            for entry in read_po(source):
                english = entry.id if isinstance(entry.id, str) else entry.id[0]
                forms = [entry.string] if isinstance(entry.string, str) else entry.string or []
                # One entry serves every module (as Chorus reads them): any one filled is enough.
                filled = bool(forms) and all(forms) and not entry.fuzzy
                easy[english] = easy.get(english, False) or filled
    members = {
        name: english for name, (audience, english) in classified().items() if audience == "member"
    }
    without = sorted(name for name, english in members.items() if not easy.get(english))
    assert without == [], f"{len(without)} member texts have no easy-read version: {without}"


# Member messages are short: at most this many words, a placeholder counting as one.
MOST_WORDS = 40
# Documents a member asks for in order to read them in full: the privacy notice and the
# plain summary in the /mydata file. Each keeps its sections short instead.
DOCUMENTS = {"PRIVACY", "PRIVACY_REST", "PRIVACY_PAYMENTS", "DATA_SUMMARY", "DATA_NOT_INCLUDED"}
_WORD = re.compile(r"\{\w+\}|[^\W_][\w'’]*")


def word_count(message: str) -> int:
    return len(_WORD.findall(_TAG.sub("", message)))


def test_word_count_counts_words_and_placeholders() -> None:
    assert word_count("Hello <b>{group}</b>.\n/help – what you can do") == 7


def test_member_messages_are_at_most_40_words() -> None:
    long = {
        name: word_count(message)
        for name, (audience, message) in classified().items()
        if audience == "member" and name not in DOCUMENTS and word_count(message) > MOST_WORDS
    }
    assert long == {}


# Words of the people who build and run Chorus, not of its members.
JARGON = (
    "daily batch", "batch", "digest", "server", "observer", "item", "involvement hours",
    "safeguarding", "database", "queue", "callback", "anonymised",
)  # fmt: skip


def test_member_texts_use_no_jargon() -> None:
    found = {}
    for name, (audience, message) in classified().items():
        if audience != "member":
            continue
        words = _PLACEHOLDER.sub("", f"{message} {getattr(message, 'plural', '')}".lower())
        hits = [term for term in JARGON if re.search(rf"\b{term}", words)]
        if hits:
            found[name] = hits
    assert found == {}
    assert re.search(r"\bitem", "your item") is not None
