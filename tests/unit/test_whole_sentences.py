"""Messages worded as whole sentences per case, so each language can word them its own way."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from string import Formatter

import pytest
from babel.messages.pofile import read_po

from bot.presentation import outgoing, texts
from bot.presentation.languages import LOCALE_DIR, reader_of, reading_for
from bot.presentation.moments import duration_words
from bot.presentation.outgoing import loads, render
from bot.presentation.texts import say
from bot.presentation.texts.core import Plural
from bot.services import conversations, nudges
from storage.followup import Waiting, WaitingItem
from storage.groups import GroupRow

CONSENT_SENTENCES = (
    texts.PREVIEW_CONSENT_COORDINATORS,
    texts.PREVIEW_CONSENT_QUOTE_ANONYMOUS,
    texts.PREVIEW_CONSENT_QUOTE_NAMED,
)


def test_the_share_preview_holds_no_sentence_pieces() -> None:
    for piece in ("{who}", "{consent}", "{small}"):
        assert piece not in texts.SHARE_PREVIEW


@pytest.mark.parametrize("language", ["en", "cy", "ar"])
@pytest.mark.parametrize("message", CONSENT_SENTENCES)
def test_how_a_story_may_be_used_is_one_whole_sentence(language: str, message: str) -> None:
    with reading_for(reader_of(language)):
        sentence = say(message)
    assert sentence.endswith(".")
    assert sentence[0].isupper() or language == "ar"
    assert sentence != message or language == "en"


# Stored by the version that worded "about" as a piece put into one sentence.
QUEUED_BEFORE = (
    '{"say": {"t": "CONVERSATION_IN", "v": {"about": {"t": "CONVERSATION_ABOUT_ALERT", '
    '"v": {}}, "words": "yes"}}, "buttons": []}',
    '{"say": {"t": "CONVERSATION_ENDED_BY_MEMBER", "v": {"about": {"t": '
    '"CONVERSATION_ABOUT_ALERT", "v": {}}}}, "buttons": []}',
)


@pytest.mark.parametrize("stored", QUEUED_BEFORE)
def test_answers_queued_under_the_old_texts_still_render(stored: str) -> None:
    shown = render(loads(stored))
    assert "a safety alert you wrote to them about" in shown.text


@pytest.mark.parametrize("message", [texts.ANSWER_ABOUT_NAMED, texts.ANSWER_ABOUT_ANONYMOUS])
def test_an_answer_about_an_item_names_its_giver_only_when_named(message: str) -> None:
    values = {"kind": "feedback", "date": "3 March", "group": "Carers", "text": "too long"}
    named = "name" in {field for _, field, _, _ in Formatter().parse(message) if field}
    shown = (
        say(message, **values, name="Sam", words="yes")
        if named
        else say(message, **values, words="yes")
    )
    assert ("Sam" in shown) is named
    assert ("without a name" in shown) is not named
    assert "{about}" not in message


def test_a_conversation_is_worded_per_case() -> None:
    for case in ("alert", "named", "anonymous"):
        for table in (conversations._ANSWER, conversations._ENDED):
            assert "{about}" not in table[case]


def test_what_forgetting_deleted_is_counted_in_each_language() -> None:
    one = say(texts.FORGET_DONE_NAMED, groups=2, count=1)
    assert one.endswith("I've also deleted the 1 thing you shared with your name.")
    assert say(texts.FORGET_DONE_NAMED, groups=2, count=3).endswith(
        "3 things you shared with your name."
    )
    with reading_for(reader_of("cy")):
        assert "dileu'r 2 beth a rannoch chi" in say(texts.FORGET_DONE_NAMED, groups=1, count=2)
        assert "3 pheth" in say(texts.FORGET_DONE_ANONYMOUS_DELETED, count=3)
    with reading_for(reader_of("ar")):
        assert "الشيئين (\u20682\u2069)" in say(texts.FORGET_DONE_ANONYMOUS_KEPT, count=2)
    for message in (texts.FORGET_HOURS, texts.FORGET_PAYMENTS, texts.FORGET_DONE_END):
        assert message == message.strip()


def test_a_daily_notice_queued_with_the_old_day_texts_still_renders() -> None:
    stored = (
        '{"say": {"t": "NUDGE_UNACKNOWLEDGED", "v": {"days": 3}}, "buttons": []}',
        '{"say": {"t": "NUDGE_ITEM", "v": {"kind": "Feedback", "date": "2 March", "days": 4}}, '
        '"buttons": []}',
    )
    shown = [render(loads(raw)).text for raw in stored]
    assert shown == [
        "Not yet acknowledged after 3 days:",
        "• Feedback from 2 March (waiting 4 days)",
    ]


def test_a_daily_notice_counts_days_with_plural_forms() -> None:
    group = GroupRow(1, "Carers", "code", datetime(2025, 1, 1, tzinfo=UTC))
    waiting = Waiting(1, [WaitingItem(1, 1, "feedback", "new", date(2025, 3, 2))])
    notice = nudges.GroupNotice(group, 0, waiting, waiting, 1)
    shown = render(outgoing.message(nudges.notice_message([notice], date(2025, 3, 3)))).text
    assert "Not yet acknowledged after 3 days:" in shown
    assert "No outcome yet after 1 day:" in shown
    assert "(waiting 1 day)" in shown
    with reading_for(reader_of("cy")):
        assert "2 ddiwrnod" in say(texts.NUDGE_UNACKNOWLEDGED_DAYS, count=2)


def test_counts_of_people_told_to_coordinators_take_their_plural_form() -> None:
    stopped = say(texts.BROADCAST_STOPPED, count=1)
    assert stopped == "Stopped. 1 person had already got it; nobody else will."
    hours = {"group": "Carers", "start": "1 March", "end": "31 March", "hours": "2 hours"}
    assert ": 1 person, 2 hours in all." in say(texts.HOURS_EXPORT, **hours, count=1)
    assert ": 4 people, 2 hours in all." in say(texts.HOURS_EXPORT, **hours, count=4)
    with reading_for(reader_of("cy")):
        assert "Roedd 2 berson wedi'i chael" in say(texts.BROADCAST_STOPPED, count=2)


def test_the_payments_summary_counts_people_with_plural_forms() -> None:
    values = {"group": "Carers", "start": "2025-03-01", "end": "2025-03-31", "waiting": "£0"}
    one = say(texts.PAY_FINANCE_DONE, **values, amount="£10", count=1)
    assert "For 1 person, £10 in all." in one
    assert "For 3 people, £10 in all." in say(
        texts.PAY_FINANCE_DONE, **values, amount="£10", count=3
    )


def test_an_update_queued_with_the_old_block_text_still_renders() -> None:
    stored = (
        '{"say": {"t": "UPDATE_ONE", "v": {"block": {"t": "UPDATE_BLOCK", "v": {"about": '
        '{"t": "ABOUT_ITEM", "v": {"date": {"d": "2025-03-02", "f": "m"}}}, "line": '
        '{"t": "LINE_ACKNOWLEDGED", "v": {}}}}}}, "buttons": []}'
    )
    shown = render(loads(stored)).text
    assert shown.startswith("On 2 March you shared something.\nA coordinator has read it.")


def test_forgetme_speaks_of_one_thing_shared_without_a_name_as_it() -> None:
    one = say(texts.FORGET_ASK_ANONYMOUS, count=1)
    assert "You also shared 1 thing without your name. You can delete it too" in one
    two = say(texts.FORGET_ASK_ANONYMOUS, count=2)
    assert "You also shared 2 things without your name. You can delete them too" in two
    with reading_for(reader_of("cy")):
        assert "ei ddileu e hefyd" in say(texts.FORGET_ASK_ANONYMOUS, count=1)


# Placeholders whose values are words of a catalogue (a kind of input, a status): each must
# stand as a label (at the start, after a colon, a bullet or a separator, or in brackets or
# quotes), never inside a sentence, where Welsh would have to mutate it and Arabic agree with it.
NOUN_PLACEHOLDERS = ("{kind}", "{media}", "{role}", "{status}")
LABEL_BEFORE = ("", "(", ":", "•", "·", "“", "«", "<b>", "\n")


def _placed_as_labels(message: str) -> list[str]:
    wrong = []
    for placeholder in NOUN_PLACEHOLDERS:
        for before in message.split(placeholder)[:-1]:
            line = before.split("\n")[-1].rstrip()
            if not any(line.endswith(mark) for mark in LABEL_BEFORE if mark) and line:
                wrong.append(f"{placeholder} after {line[-20:]!r}")
    return wrong


def _catalogued(language: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for po in sorted((LOCALE_DIR / language / "LC_MESSAGES").glob("*.po")):
        for entry in read_po(po.open("rb")):
            if entry.id and entry.string and "fuzzy" not in entry.flags:
                source = entry.id[0] if isinstance(entry.id, tuple) else entry.id
                strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
                found += [(str(source)[:50], str(s)) for s in strings if s]
    return found


def test_words_from_a_catalogue_stand_as_labels_in_every_source_text() -> None:
    sources = [
        (name, v) for name, v in vars(texts).items() if name.isupper() and isinstance(v, str)
    ]
    # Kept only so that messages queued with them still render; nothing new uses them.
    kept = {"LINE_ACTION_STATUS", "BOARD_ACTION_STATUS"}
    wrong = {name: _placed_as_labels(v) for name, v in sources if name not in kept}
    assert {name: w for name, w in wrong.items() if w} == {}
    assert _placed_as_labels("It was about {kind} from Sam") != []


@pytest.mark.parametrize("language", ["cy", "ar"])
def test_words_from_a_catalogue_stand_as_labels_in_each_translation(language: str) -> None:
    kept = {str(texts.LINE_ACTION_STATUS)[:50], str(texts.BOARD_ACTION_STATUS)[:50]}
    wrong = {
        source: _placed_as_labels(translated)
        for source, translated in _catalogued(language)
        if source not in kept
    }
    assert {source: w for source, w in wrong.items() if w} == {}


@pytest.mark.parametrize(
    ("language", "minutes", "said"),
    [
        ("en", 60, "1 hour"),
        ("en", 150, "2 hours and 30 minutes"),
        ("en", 61, "1 hour and 1 minute"),
        ("en", 45, "45 minutes"),
        ("en@easy", 90, "1 hour and 30 minutes"),
        ("cy", 120, "2 awr"),
        ("cy", 122, "2 awr a 2 funud"),
        ("ar", 120, "ساعتان (\u20682\u2069)"),
    ],
)
def test_a_length_of_time_is_said_in_whole_words(language: str, minutes: int, said: str) -> None:
    code, _, variant = language.partition("@")
    with reading_for(reader_of(code, easy=variant == "easy")):
        assert duration_words(minutes) == said


def test_no_text_puts_a_number_of_hours_before_the_word_hours() -> None:
    for name, value in vars(texts).items():
        if name.isupper() and isinstance(value, str):
            plural = value.plural if isinstance(value, Plural) else ""
            for message in (value, plural):
                # "{count} hours" is a plural form; "{hours} hours" would say "1.5 hours".
                assert re.search(r"\{(?!count\})\w+\} hours", message) is None, name


def test_privacy_counts_each_kept_time_in_a_sentence_of_its_own() -> None:
    assert say(texts.PRIVACY_SENT_KEPT, count=1).endswith("after 1 day.")
    assert "deleted 30 days after" in say(texts.PRIVACY_WORDS_KEPT, count=30)
    with reading_for(reader_of("cy")):
        assert "ar ôl 2 ddiwrnod." in say(texts.PRIVACY_SENT_KEPT, count=2)
    for message in (texts.PRIVACY, texts.PRIVACY_REST):
        assert "{" not in message


def test_a_limit_or_a_number_of_places_takes_its_plural_form() -> None:
    assert say(texts.SESSION_OVERVIEW_NOBODY_PLACES, capacity=1).endswith("(1 place).")
    assert say(texts.SESSION_OVERVIEW_NOBODY_PLACES, capacity=12).endswith("(12 places).")
    assert "up to 1 letter," in say(texts.NAME_INVALID, limit=1)
    assert "(12,000 characters at most)" in say(texts.SHARE_TOO_LONG, limit=12000)
    with reading_for(reader_of("ar")):
        assert "مكان واحد" in say(texts.SESSION_OVERVIEW_NOBODY_PLACES, capacity=1)
        assert "12 مكانًا" in say(texts.SESSION_OVERVIEW_NOBODY_PLACES, capacity=12).replace(
            "\u2068", ""
        ).replace("\u2069", "")
    with pytest.raises(TypeError):
        say(texts.SESSION_OVERVIEW_NOBODY_PLACES, capacity="1")
