"""The note on a coordinator's words: long sentences and long words, measured plainly."""

from __future__ import annotations

import pytest

from bot.services.wording import (
    GRADE_LIMIT,
    LONG_SENTENCE_WORDS,
    Reason,
    sentences,
    wording_note,
)


def test_short_plain_words_get_no_note() -> None:
    assert wording_note("Tea at four on Friday. Bring a friend if you like.") is None


def test_an_empty_text_gets_no_note() -> None:
    assert wording_note("   ") is None


def test_a_long_sentence_is_named_by_its_first_words() -> None:
    long = " ".join(["we"] * (LONG_SENTENCE_WORDS + 1)) + "."
    note = wording_note("Hello all. " + long + " See you soon.")
    assert note is not None
    assert note.reason is Reason.LONG_SENTENCE
    assert note.words == LONG_SENTENCE_WORDS + 1
    assert note.opening == "we we we we we we we we…"


def test_a_sentence_just_short_enough_is_not_long() -> None:
    text = " ".join(["we"] * LONG_SENTENCE_WORDS) + "."
    assert wording_note(text) is None


def test_a_line_break_ends_a_sentence() -> None:
    half = " ".join(["we"] * 15)
    assert sentences(f"{half}\n{half}") == [half, half]
    assert wording_note(f"{half}\n{half}") is None


def test_long_words_lift_the_reading_level() -> None:
    text = (
        "Comprehensive documentation regarding safeguarding responsibilities "
        "is mandatory for continued participation."
    )
    note = wording_note(text)
    assert note is not None
    assert note.reason is Reason.LONG_WORDS
    assert note.grade > GRADE_LIMIT


def test_a_short_message_is_not_graded() -> None:
    # Eight words whose grade alone would be high: too few for the grade to say much.
    text = (
        "Comprehensive documentation regarding safeguarding responsibilities "
        "is mandatory, colleagues."
    )
    assert wording_note(text) is None


def test_a_reading_level_that_cannot_be_measured_gives_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(text: str) -> float:
        raise LookupError("no pronouncing dictionary")

    monkeypatch.setattr("bot.services.wording.textstat.flesch_kincaid_grade", broken)
    hard = "Notwithstanding considerable organisational reconfiguration, implementation continues."
    assert wording_note(hard * 2) is None
    long = " ".join(["word"] * 30) + "."
    note = wording_note(long)
    assert note is not None and note.reason is Reason.LONG_SENTENCE
