"""How easy a coordinator's own words are to read, before they reach members.

A broadcast, a question for a group, a reply to a member, an update on an action or a
lead's message to the person of an alert is measured before it goes: a sentence that runs
long, or words long enough to lift the reading level above what most people read with
ease, earn a gentle note. The words themselves are never changed here.
"""

from __future__ import annotations

import enum
import logging
import re
from dataclasses import dataclass

import textstat  # type: ignore[import-untyped]

logger = logging.getLogger(__name__)

# More words than this in one sentence is a long sentence.
LONG_SENTENCE_WORDS = 25
# Above this Flesch-Kincaid grade, the words are hard for many members to read.
GRADE_LIMIT = 8.0
# With fewer words than this the grade says little: in a short message one long word (a
# name, "tomorrow's") swings it by several grades, so only long sentences are noted.
GRADE_FROM_WORDS = 10
# The long sentence is quoted by its first words.
QUOTED_WORDS = 8

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
_WORD = re.compile(r"\S+")


class Reason(enum.Enum):
    """Why the words may be hard to read."""

    LONG_SENTENCE = "long_sentence"
    LONG_WORDS = "long_words"


@dataclass(frozen=True)
class WordingNote:
    """A gentle note on words that may be hard to read, with the reason."""

    reason: Reason
    grade: float
    # For a long sentence: how many words it has, and its first words.
    words: int = 0
    opening: str = ""


def sentences(text: str) -> list[str]:
    """The text's sentences (a line break ends one too), without empty ones."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def wording_note(text: str) -> WordingNote | None:
    """A note if `text` may be hard to read (the first long sentence, else a reading level
    above `GRADE_LIMIT`); None if it reads easily."""
    grade = _grade(text) if text.strip() else 0.0
    for sentence in sentences(text):
        words = _WORD.findall(sentence)
        if len(words) > LONG_SENTENCE_WORDS:
            opening = " ".join(words[:QUOTED_WORDS]) + "…"
            return WordingNote(Reason.LONG_SENTENCE, grade, len(words), opening)
    if len(_WORD.findall(text)) >= GRADE_FROM_WORDS and grade > GRADE_LIMIT:
        return WordingNote(Reason.LONG_WORDS, grade)
    return None


def _grade(text: str) -> float:
    """The Flesch-Kincaid grade, or 0 if it cannot be measured: a note is help, and must
    never stand between a coordinator and sending their words."""
    try:
        return float(textstat.flesch_kincaid_grade(text))
    except Exception as exc:  # textstat's dictionary missing or broken
        logger.warning("The reading level could not be measured: %s", type(exc).__name__)
        return 0.0
