"""Sealing words at rest and keyed pseudonyms."""

from __future__ import annotations

import pytest

from bot.crypto import Sealer, SealError

KEY = b"a" * 40
OTHER_KEY = b"b" * 40


def test_sealed_text_opens_again_and_hides_the_words() -> None:
    sealer = Sealer(KEY)
    token = sealer.seal("the forms are too long 🙂", "item.body")

    assert "forms" not in token
    assert sealer.open(token, "item.body") == "the forms are too long 🙂"


def test_sealing_the_same_words_twice_gives_different_tokens() -> None:
    sealer = Sealer(KEY)

    assert sealer.seal("same", "item.body") != sealer.seal("same", "item.body")


def test_a_token_opens_only_with_its_key_and_purpose() -> None:
    token = Sealer(KEY).seal("words", "item.body")

    with pytest.raises(SealError):
        Sealer(OTHER_KEY).open(token, "item.body")
    with pytest.raises(SealError):
        Sealer(KEY).open(token, "item.return_address")


@pytest.mark.parametrize("token", ["", "v1.", "v1.!!!", "v2.abcd", "v1." + "A" * 40, "plain"])
def test_damaged_tokens_are_refused(token: str) -> None:
    with pytest.raises(SealError):
        Sealer(KEY).open(token, "item.body")


def test_pseudonyms_are_stable_keyed_and_unlike_the_id() -> None:
    sealer = Sealer(KEY)
    pseudonym = sealer.pseudonym(123456789)

    assert pseudonym == Sealer(KEY).pseudonym(123456789)
    assert pseudonym != Sealer(OTHER_KEY).pseudonym(123456789)
    assert pseudonym != sealer.pseudonym(123456780)
    assert len(pseudonym) == 64
    assert "123456789" not in pseudonym


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError):
        Sealer(b"short")
