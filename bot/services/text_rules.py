"""Rules for text people type as names: cleaned of invisible characters, kept short."""

from __future__ import annotations

import unicodedata

# Control and format characters (Cc, Cf) include bidi overrides and zero-width marks,
# which could make a name look like someone else's.
_INVISIBLE = {"Cc", "Cf", "Co", "Cn", "Cs"}
# Format characters that belong inside words: joiners hold emoji sequences together and
# are part of the spelling of Persian, Hindi and other scripts.
_JOINERS = {"\u200c", "\u200d"}


def clean_name(raw: str, max_length: int) -> str | None:
    """The name as it will be shown, or None if nothing usable is left or it is too long."""
    # Whitespace first (tabs and line breaks are control characters too, but separate words),
    # then drop the invisible, then normalise what is left.
    spaced = "".join(" " if ch.isspace() else ch for ch in raw)
    kept = "".join(
        ch for ch in spaced if ch in _JOINERS or unicodedata.category(ch) not in _INVISIBLE
    )
    name = unicodedata.normalize("NFC", " ".join(kept.split()))
    if not name or len(name) > max_length:
        return None
    return name
