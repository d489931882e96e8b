"""Telegram splits text over 4096 characters into several messages: the parts are joined."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.services.long_messages import LONG_PART, LongMessages, utf16_length
from storage.steps import StepRow

AT = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)
WORDS = StepRow("share_content", {"draft": 1}, AT)
NEXT = StepRow("share_name", {"draft": 2}, AT)


def _part(length: int, word: str = "word ") -> str:
    return (word * (length // len(word) + 1))[:length].strip()


def test_a_short_message_stands_alone() -> None:
    parts = LongMessages()
    first = parts.take(1, "Hello", AT, WORDS)
    second = parts.take(1, "again", AT, NEXT)
    assert (first.text, first.step, first.continued) == ("Hello", WORDS, False)
    assert (second.text, second.step, second.continued) == ("again", NEXT, False)


def test_the_parts_of_a_long_message_are_joined_from_the_first_parts_step() -> None:
    parts = LongMessages()
    first, second, third = _part(4096), _part(4096, "más "), "the end."
    assert parts.take(7, first, AT, WORDS).continued is False
    joined = parts.take(7, second, AT + timedelta(seconds=1), NEXT)
    assert joined.continued and joined.step == WORDS
    assert joined.text == first + " " + second
    last = parts.take(7, third, AT + timedelta(seconds=2), NEXT)
    assert last.continued and last.step == WORDS
    assert last.text == first + " " + second + " " + third


def test_a_part_after_a_sentence_starts_a_new_line() -> None:
    parts = LongMessages()
    first = _part(4000) + "."
    parts.take(7, first, AT, WORDS)
    assert parts.take(7, "Next", AT, NEXT).text == first + "\nNext"


def test_a_later_message_or_another_persons_is_not_a_part() -> None:
    parts = LongMessages()
    parts.take(7, _part(4096), AT, WORDS)
    assert parts.take(8, "mine", AT, NEXT).continued is False
    assert parts.take(7, "later", AT + timedelta(seconds=4), NEXT).continued is False
    parts.take(7, _part(4096), AT, WORDS)
    assert parts.take(7, "earlier", AT - timedelta(seconds=1), NEXT).continued is False


def test_a_message_well_under_the_limit_is_not_continued() -> None:
    parts = LongMessages()
    parts.take(7, _part(LONG_PART - 1), AT, WORDS)
    assert parts.take(7, "next", AT + timedelta(seconds=1), NEXT).continued is False


def test_length_is_counted_as_telegram_counts_it() -> None:
    assert utf16_length("🌻") == 2
    parts = LongMessages()
    parts.take(7, "🌻" * 2048, AT, WORDS)  # 2048 characters, 4096 for Telegram
    assert parts.take(7, "more", AT + timedelta(seconds=1), NEXT).continued is True


def test_words_are_not_kept_once_their_moment_has_passed() -> None:
    parts = LongMessages()
    parts.take(7, _part(4096), AT, WORDS)
    parts.take(8, "someone else, later", AT + timedelta(seconds=10), None)
    assert parts._parts == {}


def test_a_tap_or_command_between_ends_the_message() -> None:
    parts = LongMessages()
    parts.take(7, _part(4096), AT, WORDS)
    parts.forget(7)
    assert parts.take(7, "with my name please", AT, NEXT).continued is False


def test_the_answer_to_the_first_part_is_handed_on_to_be_replaced() -> None:
    parts = LongMessages()
    parts.take(7, _part(4096), AT, WORDS)
    parts.answered(7, 41)
    joined = parts.take(7, _part(4096, "más "), AT + timedelta(seconds=1), NEXT)
    assert joined.earlier_answer == 41
    parts.answered(7, 43)
    assert parts.take(7, "end", AT + timedelta(seconds=2), NEXT).earlier_answer == 43
    parts.answered(7, 44)  # a short last part leaves nothing to replace later
    assert parts._parts == {}
