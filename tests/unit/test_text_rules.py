"""Names people type: invisible characters removed, whitespace tidied, length kept in check."""

from __future__ import annotations

import random
import sys
import unicodedata

import pytest

from bot.services.sharing import clean_words
from bot.services.text_rules import clean_name, has_visible

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


# Characters that draw nothing, listed here independently of the code under test: fillers,
# the blank braille pattern, joiners, word joiners and invisible operators, byte order mark,
# soft hyphen, the grapheme joiner, the Mongolian vowel separator and variation selectors,
# every variation selector and tag character, bidi marks, embeddings and isolates.
def _span(first: int, last: int) -> list[str]:
    return [chr(point) for point in range(first, last + 1)]


BLANKS = [
    "\u2800",  # braille pattern blank
    "\u3164",  # Hangul filler
    "\u115f",  # Hangul choseong filler
    "\u1160",  # Hangul jungseong filler
    "\uffa0",  # halfwidth Hangul filler
    *_span(0x2060, 0x2064),  # word joiner, function application, invisible times/separator/plus
    "\ufeff",  # byte order mark
    "\u00ad",  # soft hyphen
    "\u034f",  # combining grapheme joiner
    "\u180e",  # Mongolian vowel separator
    *_span(0x180B, 0x180D),  # Mongolian free variation selectors
    *_span(0xFE00, 0xFE0F),  # variation selectors
    *_span(0xE0100, 0xE01EF),  # variation selectors supplement
    *_span(0xE0000, 0xE007F),  # tag characters
    *_span(0x200B, 0x200F),  # zero-width space, non-joiner, joiner, LRM, RLM
    "\u061c",  # Arabic letter mark
    *_span(0x202A, 0x202E),  # bidi embeddings and overrides
    *_span(0x2066, 0x2069),  # bidi isolates
    "\u17b4",  # Khmer vowel inherent aq
    "\u17b5",  # Khmer vowel inherent aa
]
SPACES = [" ", "\u00a0", "\u2003", "\u3000", "\t", "\n", "\u2028"]


@pytest.mark.parametrize("blank", BLANKS, ids=lambda ch: f"U+{ord(ch):04X}")
def test_a_blank_character_alone_is_refused(blank: str) -> None:
    for raw in (blank, blank * 3, f" {blank} ", f"{blank}\n{blank}"):
        assert not has_visible(raw)
        assert clean_name(raw, LIMIT) is None
        assert clean_words(raw) is None


def test_any_mix_of_blanks_and_spaces_is_refused() -> None:
    rng = random.Random(20261204)
    pool = BLANKS + SPACES
    for _ in range(3000):
        raw = "".join(rng.choice(pool) for _ in range(rng.randint(1, 12)))
        assert not has_visible(raw), [f"U+{ord(ch):04X}" for ch in raw]
        assert clean_name(raw, LIMIT) is None, [f"U+{ord(ch):04X}" for ch in raw]
        assert clean_words(raw) is None, [f"U+{ord(ch):04X}" for ch in raw]


def test_the_joiners_alone_are_not_a_name() -> None:
    # "Others will see you as ‌‍" must not happen.
    assert clean_name("\u200c\u200d", LIMIT) is None
    assert clean_words("\u200c\u200d") is None


def test_one_visible_character_among_blanks_is_kept() -> None:
    rng = random.Random(4096)
    visible = ["a", "Ж", "李", "٣", "7", "🌻", "👩\u200d💻", "?", "❤\ufe0f"]
    for _ in range(1000):
        shown = rng.choice(visible)
        around = [rng.choice(BLANKS + SPACES) for _ in range(rng.randint(0, 6))]
        at = rng.randint(0, len(around))
        raw = "".join(around[:at]) + shown + "".join(around[at:])
        assert has_visible(raw)
        assert clean_words(raw) is not None
        name = clean_name(raw, LIMIT)
        assert name is not None and has_visible(name)


def test_fillers_in_a_name_separate_words() -> None:
    assert clean_name("Anna\u3164Bell\u2800", LIMIT) == "Anna Bell"
    assert clean_name("\u3164\u3164Jo", LIMIT) == "Jo"


def test_every_code_point_that_is_not_a_letter_digit_symbol_or_mark_is_invisible() -> None:
    # Whatever a future Unicode adds: separators, controls, format and unassigned code
    # points never make text count as written.
    for point in range(sys.maxunicode + 1):
        ch = chr(point)
        if unicodedata.category(ch)[0] in "ZC":
            assert not has_visible(ch), f"U+{point:04X}"
