"""Names people type: invisible characters removed, whitespace tidied, length kept in check."""

from __future__ import annotations

import unicodedata

import pytest

from bot.services.text_rules import clean_name

LIMIT = 40


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("An\u200bna", "Anna"),  # zero-width space
        ("\u202eAnna", "Anna"),  # right-to-left override
        ("Ann\u202dA\u202c", "AnnA"),  # left-to-right override and pop
        ("\u2066Ann\u2069", "Ann"),  # isolates
        ("\ufeffAnn", "Ann"),  # byte order mark
        ("Ann\u00ad", "Ann"),  # soft hyphen
        ("\x00A\x07n\x1bn\x7f", "Ann"),  # control characters
        ("Ann\ue000", "Ann"),  # private use
    ],
)
def test_invisible_characters_are_removed(raw: str, expected: str) -> None:
    assert clean_name(raw, LIMIT) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Mary   Jane  ", "Mary Jane"),
        ("Mary\u00a0Jane", "Mary Jane"),  # no-break space
        ("Mary\u2003\u2003Jane", "Mary Jane"),  # em spaces
        ("Mary \u3000 Jane", "Mary Jane"),  # ideographic space
    ],
)
def test_whitespace_is_collapsed(raw: str, expected: str) -> None:
    assert clean_name(raw, LIMIT) == expected


@pytest.mark.parametrize("separator", ["\t", "\n", "\r\n"])
def test_control_whitespace_separates_words(separator: str) -> None:
    assert clean_name(f"Mary{separator}Jane", LIMIT) == "Mary Jane"


def test_names_are_nfc_normalised() -> None:
    decomposed = "Zoe\u0308"  # e + combining diaeresis

    name = clean_name(decomposed, LIMIT)

    assert name == "Zo\u00eb"
    assert name is not None and len(name) == 3


def test_result_is_nfc_even_after_removing_invisibles() -> None:
    name = clean_name("Zoe\u200b\u0308", LIMIT)

    assert name is not None
    assert unicodedata.is_normalized("NFC", name)


@pytest.mark.parametrize("raw", ["", "   ", "\t\n", "\u200b\u200b", "\u202e \u202c", "\x00"])
def test_empty_names_are_refused(raw: str) -> None:
    assert clean_name(raw, LIMIT) is None


def test_length_limit() -> None:
    assert clean_name("a" * LIMIT, LIMIT) == "a" * LIMIT
    assert clean_name("a" * (LIMIT + 1), LIMIT) is None
    # Counted after cleaning: invisible characters and extra spaces do not count.
    assert clean_name(" " + "a" * LIMIT + "\u200b" * 5 + "  ", LIMIT) == "a" * LIMIT


@pytest.mark.parametrize(
    "name",
    [
        "Zoë",
        "Олена Петренко",
        "李雷",
        "محمد",
        "אביגיל",
        "अनीता",
        "ไพลิน",
        "Ngũgĩ",
        "Ana 🎵",
        "🌻🌻",
        "O'Brien-Smith",
    ],
)
def test_real_names_are_kept(name: str) -> None:
    assert clean_name(name, LIMIT) == name


def test_emoji_sequences_are_kept() -> None:
    assert clean_name("Ana 👩\u200d💻", LIMIT) == "Ana 👩\u200d💻"
