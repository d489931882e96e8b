"""Titles on buttons: shortened at a word, with "…", so a button never ends mid-word."""

from __future__ import annotations

# Telegram shows about this many characters of a button on a phone.
BUTTON_LABEL_MAX = 60
ELLIPSIS = "…"
# Punctuation left hanging at a cut ("Planning meeting: budget," becomes "…budget…").
_TRAILING = " ,;:-–—/(&+"


def button_title(text: str, limit: int = BUTTON_LABEL_MAX) -> str:
    """`text` on one line, whole if it fits in `limit` characters; otherwise cut after the
    last whole word that fits, with "…". A first word longer than the limit is the only
    thing ever cut inside."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    room = max(limit - len(ELLIPSIS), 1)
    cut = flat[: room + 1]
    space = cut.rfind(" ")
    kept = cut[:space] if space > 0 else flat[:room]
    kept = kept.rstrip(_TRAILING) or flat[:room]
    return kept + ELLIPSIS
