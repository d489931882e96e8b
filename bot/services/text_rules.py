"""Rules for text people type: names cleaned of invisible characters and kept short, and
words that look empty (nothing but blanks and invisible marks) told apart from real ones."""

from __future__ import annotations

import unicodedata

# Control and format characters (Cc, Cf) include bidi overrides and zero-width marks,
# which could make a name look like someone else's.
_INVISIBLE = {"Cc", "Cf", "Co", "Cn", "Cs"}
# Format characters that belong inside words: joiners hold emoji sequences together and
# are part of the spelling of Persian, Hindi and other scripts.
_JOINERS = {"\u200c", "\u200d"}
# Characters filed as letters or symbols that draw nothing at all: the Hangul fillers and
# the blank braille pattern. In a name they separate words, like a space.
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Unicode's "default ignorable" characters (DerivedCoreProperties.txt): never drawn on
# their own, whatever their category (variation selectors, tags, joiners, fillers, ...).
_IGNORABLE_RANGES = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
# Characters of these kinds can be seen: letters, digits and numbers, punctuation and
# symbols (emoji among them). Marks only change the character before them.
_VISIBLE_KINDS = {"L", "N", "P", "S"}


def is_ignorable(ch: str) -> bool:
    """True for a character Unicode says is never drawn on its own."""
    point = ord(ch)
    return any(low <= point <= high for low, high in _IGNORABLE_RANGES)


def is_visible(ch: str) -> bool:
    """True for a character a person can see: a letter, digit, punctuation or symbol."""
    if ch in _FILLERS or ch.isspace() or is_ignorable(ch):
        return False
    return unicodedata.category(ch)[0] in _VISIBLE_KINDS


def has_visible(text: str | None) -> bool:
    """True if the text shows something: it is not only blanks and invisible marks."""
    return text is not None and any(is_visible(ch) for ch in text)


def clean_name(raw: str, max_length: int) -> str | None:
    """The name as it will be shown, or None if nothing visible is left or it is too long."""
    # Whitespace and fillers first (tabs and line breaks are control characters too, but
    # separate words), then drop the invisible, then normalise what is left.
    spaced = "".join(" " if ch.isspace() or ch in _FILLERS else ch for ch in raw)
    kept = "".join(
        ch
        for ch in spaced
        if ch in _JOINERS
        or (unicodedata.category(ch) not in _INVISIBLE and ch not in "\u034f\u17b4\u17b5")
    )
    name = unicodedata.normalize("NFC", " ".join(kept.split()))
    if not has_visible(name) or len(name) > max_length:
        return None
    return name
