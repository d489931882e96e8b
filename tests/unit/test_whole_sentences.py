"""Messages worded as whole sentences per case, so each language can word them its own way."""

from __future__ import annotations

import pytest

from bot.presentation import texts
from bot.presentation.languages import reader_of, reading_for
from bot.presentation.texts import say

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
