"""How messages are marked, translated and split.

Messages are marked with `N_` and rendered with `say`, which translates them and escapes
every value for Telegram's HTML, so nothing a person typed can break a message.
"""

from __future__ import annotations

import gettext
import html
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent.parent.parent / "locale"
MAX_MESSAGE = 4096

__all__ = ["LOCALE_DIR", "MAX_MESSAGE", "N_", "Raw", "label", "say", "split_message"]


def N_(message: str) -> str:
    """Mark `message` for translation; translated when rendered by `say`."""
    return message


class Raw(str):
    """A value that is already safe HTML (built by `say` itself); `say` does not escape it."""

    __slots__ = ()


@cache
def _catalogue() -> gettext.NullTranslations:
    return gettext.translation("chorus", localedir=LOCALE_DIR, fallback=True)


def say(message: str, **values: object) -> Raw:
    """The message, translated, with each value escaped for HTML."""
    safe = {
        key: value if isinstance(value, Raw) else html.escape(str(value), quote=False)
        for key, value in values.items()
    }
    return Raw(_catalogue().gettext(message).format(**safe))


def label(message: str, **values: object) -> str:
    """A button label, translated; labels are plain text, so nothing is escaped."""
    return _catalogue().gettext(message).format(**values)


def split_message(text: str, limit: int = MAX_MESSAGE - 96) -> list[str]:
    """Split text into messages under Telegram's limit, at line breaks where possible."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            chunks.append(line[:cut])
            line = line[cut:].lstrip(" ")
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current or not chunks:
        chunks.append(current)
    # Telegram refuses a message of only spaces; such a chunk holds nothing to lose.
    return [chunk for chunk in chunks if chunk.strip()] or [""]
