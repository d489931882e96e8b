"""How messages are marked, translated and split.

Messages are marked with `N_` and rendered with `say`, which translates them and escapes
every value for Telegram's HTML, so nothing a person typed can break a message.
"""

from __future__ import annotations

import html
import re

from babel.numbers import format_decimal

from bot.presentation.languages import (
    LOCALE_DIR,
    Reader,
    catalogue,
    current_reader,
    isolated,
)

MAX_MESSAGE = 4096
_ATTRIBUTE = re.compile(r'="([^"]*)"')
_PLACEHOLDER = re.compile(r"\{(\w+)\}")

__all__ = [
    "LOCALE_DIR",
    "MAX_MESSAGE",
    "N_",
    "N_P",
    "Plural",
    "Raw",
    "label",
    "say",
    "split_message",
]


def N_(message: str) -> str:
    """Mark `message` for translation; translated when rendered by `say`."""
    return message


class Plural(str):
    """A message with a number in it: the English singular (its key in the catalogues) with
    its plural kept beside it. Rendered with the value named `counted` (`count` unless said)
    choosing the form, so each language uses its own plural rules (Welsh has six forms)."""

    __slots__ = ("counted", "plural")
    plural: str
    counted: str

    def __new__(cls, singular: str, plural: str, counted: str = "count") -> Plural:
        made = super().__new__(cls, singular)
        made.plural = plural
        made.counted = counted
        return made

    def __reduce__(self) -> tuple[type[Plural], tuple[str, str, str]]:
        return (Plural, (str(self), self.plural, self.counted))


def N_P(singular: str, plural: str, counted: str = "count") -> Plural:
    """Mark a message with singular and plural forms; rendered with a whole number as the
    value `counted` ("count", or "limit" in "up to {limit} characters")."""
    return Plural(singular, plural, counted)


class Raw(str):
    """A value that is already safe HTML (built by `say` itself); `say` does not escape it."""

    __slots__ = ()


def say(message: str, **values: object) -> Raw:
    """The message in the reader's language (`languages.current_reader`), with each value
    escaped for HTML and, where its direction may differ, set in Unicode isolates."""
    reader = current_reader()
    translated = _translated(message, values)
    values = _grouped(message, values, reader)
    # A value inside an attribute (a link's address) is never isolated.
    in_attribute = {
        name for value in _ATTRIBUTE.findall(translated) for name in _PLACEHOLDER.findall(value)
    }
    safe = {
        key: value
        if isinstance(value, Raw)
        else _escaped(str(value), reader if key not in in_attribute else None)
        for key, value in values.items()
    }
    return Raw(translated.format(**safe))


def _escaped(value: str, reader: Reader | None) -> str:
    escaped = html.escape(value, quote=False)
    return escaped if reader is None else isolated(escaped, reader)


def label(message: str, **values: object) -> str:
    """A button label, translated; labels are plain text, so nothing is escaped."""
    reader = current_reader()
    translated = _translated(message, values)
    shown = {
        key: isolated(str(value), reader)
        for key, value in _grouped(message, values, reader).items()
    }
    return translated.format(**shown)


def _grouped(message: str, values: dict[str, object], reader: Reader) -> dict[str, object]:
    """The values, with a plural message's number grouped as the reader's language groups
    digits ("12,000 characters")."""
    count = values.get(message.counted) if isinstance(message, Plural) else None
    if not isinstance(message, Plural) or not isinstance(count, int):
        return values
    number = format_decimal(count, locale=reader.language, numbering_system="latn")
    return {**values, message.counted: number}


def _translated(message: str, values: dict[str, object]) -> str:
    if isinstance(message, Plural):
        count = values.get(message.counted)
        if not isinstance(count, int):
            raise TypeError(
                f"a plural message needs a whole number as {message.counted}: {message[:40]!r}"
            )
        return catalogue(current_reader()).ngettext(message, message.plural, count)
    return catalogue(current_reader()).gettext(message)


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
