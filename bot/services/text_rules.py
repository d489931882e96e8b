"""Rules for text people type as names: cleaned of invisible characters, kept short."""

from __future__ import annotations

import unicodedata

# Control and format characters (Cc, Cf) include bidi overrides and zero-width marks,
# which could make a name look like someone else's.
_INVISIBLE = {"Cc", "Cf", "Co", "Cn", "Cs"}


def clean_name(raw: str, max_length: int) -> str | None:
    """The name as it will be shown, or None if nothing usable is left or it is too long."""
    text = unicodedata.normalize("NFC", raw)
    kept = "".join(
        " " if ch.isspace() else ch for ch in text if unicodedata.category(ch) not in _INVISIBLE
    )
    name = " ".join(kept.split())
    if not name or len(name) > max_length:
        return None
    return name
