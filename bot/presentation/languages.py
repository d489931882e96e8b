"""The languages Chorus speaks, their catalogues, and the reader a message is worded for.

Catalogues live in the repository as gettext `.po` files, one domain per texts module:
`bot/locale/<module>.pot` (the English source, extracted) and
`bot/locale/<language>/LC_MESSAGES/<module>.po`. Easy read is a variant of a language, a
locale with a modifier (`en@easy`, `cy@easy`): its entries are used where they are written,
the plain language's where they are not, and the English source where neither is.

The `.po` files are read and compiled in memory when a language is first used (with Babel's
`pofile`), not compiled to `.mo` files: a fresh clone runs and tests with no build step, no
compiled file can go stale beside its source, and reading every catalogue takes a few
milliseconds. Only translated entries that are not marked fuzzy are used.
"""

from __future__ import annotations

import gettext
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.catalog import Message
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent.parent / "locale"
SOURCE_LANGUAGE = "en"
# The languages a person can choose, in the order offered. A language is offered once it has
# a catalogue; those not complete fall back to English message by message.
LANGUAGES = ("en", "cy", "ar")
# Each language's name in itself, as its button shows it (never translated).
NAMES = {"en": "English", "cy": "Cymraeg", "ar": "العربية"}
# The easy-read variant of a language is the locale with this modifier ("en@easy").
EASY = "easy"
RIGHT_TO_LEFT = frozenset({"ar", "ur", "fa", "he"})
# Unicode isolates (FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE): a value inside them is
# laid out on its own, so a right-to-left name does not reorder the English around it.
FSI = "\u2068"
PDI = "\u2069"


@dataclass(frozen=True)
class Reader:
    """Who a message is worded for: their language and whether they read the easy variant."""

    language: str = SOURCE_LANGUAGE
    easy: bool = False

    @property
    def right_to_left(self) -> bool:
        """Whether the language is written right to left."""
        return self.language in RIGHT_TO_LEFT


ENGLISH = Reader()
_reader: ContextVar[Reader] = ContextVar("chorus_reader", default=ENGLISH)


def current_reader() -> Reader:
    """The reader of the message being worded now (English unless set)."""
    return _reader.get()


def set_reader(reader: Reader) -> None:
    """Word what follows, in this task, for `reader` (the person an update is from)."""
    _reader.set(reader)


@contextmanager
def reading_for(reader: Reader) -> Iterator[None]:
    """Word what is rendered within the block for `reader` (a queued message's recipient)."""
    token = _reader.set(reader)
    try:
        yield
    finally:
        _reader.reset(token)


def supported(code: str | None) -> str:
    """The language Chorus speaks for a Telegram `language_code` ("cy", "cy-GB", "ar-EG"):
    its primary language where a catalogue exists, English for anything else."""
    if not code:
        return SOURCE_LANGUAGE
    primary = code.replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in LANGUAGES else SOURCE_LANGUAGE


def reader_of(language: str | None, easy: bool = False) -> Reader:
    """The reader for a stored language code (unknown codes read English)."""
    return Reader(supported(language), easy)


class Catalogue:
    """A language's translated messages, by English source, over its fallback."""

    def __init__(
        self,
        messages: dict[str, tuple[str, ...]],
        plural: Callable[[int], int],
        fallback: Catalogue | None,
    ) -> None:
        self._messages = messages
        self._plural = plural
        self._fallback = fallback

    def gettext(self, message: str) -> str:
        """The message in this language (or its fallback's, or the source)."""
        found = self._messages.get(message)
        if found is not None:
            return found[0]
        return self._fallback.gettext(message) if self._fallback else message

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """The form of a plural message for `count`, by this language's plural rules."""
        found = self._messages.get(singular)
        if found is not None and len(found) > 1:
            index = self._plural(count)
            return found[index] if 0 <= index < len(found) else found[-1]
        if self._fallback is not None:
            return self._fallback.ngettext(singular, plural, count)
        return singular if count == 1 else plural


def locale_name(reader: Reader) -> str:
    """The catalogue's locale for a reader: "cy", or "cy@easy" for easy read."""
    return f"{reader.language}@{EASY}" if reader.easy else reader.language


@cache
def catalogue(reader: Reader) -> Catalogue:
    """The catalogue a reader's messages come from (read from the `.po` files once)."""
    plain = _load(reader.language, None) if reader.language != SOURCE_LANGUAGE else None
    if not reader.easy:
        return plain or Catalogue({}, _english_plural, None)
    return _load(locale_name(reader), plain)


def _english_plural(count: int) -> int:
    return 0 if count == 1 else 1


def _load(locale: str, fallback: Catalogue | None) -> Catalogue:
    """Every domain (texts module) of a locale, merged into one catalogue."""
    messages: dict[str, tuple[str, ...]] = {}
    plural: Callable[[int], int] = _english_plural
    for path in sorted((LOCALE_DIR / locale / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as file:
            read = read_po(file)
        plural = gettext.c2py(read.plural_expr)
        for entry in read:
            if not entry.id or entry.fuzzy:
                continue
            strings = entry_strings(entry)
            if strings and all(strings):
                messages[entry_ids(entry)[0]] = strings
    return Catalogue(messages, plural, fallback)


def entry_ids(entry: Message) -> tuple[str, ...]:
    """An entry's English source: (message,), or (singular, plural)."""
    ids = entry.id if isinstance(entry.id, tuple | list) else (entry.id,)
    return tuple(str(one) for one in ids)


def entry_strings(entry: Message) -> tuple[str, ...]:
    """An entry's translation: (message,), or one per plural form; empty strings where
    not translated."""
    strings = entry.string if isinstance(entry.string, tuple | list) else (entry.string,)
    return tuple(str(one or "") for one in strings)


def isolated(value: str, reader: Reader) -> str:
    """A plain value to put in a message, isolated where its direction could differ from the
    message's: every value in a right-to-left message, and a value holding right-to-left
    letters in a left-to-right one (so English messages with English names stay as they
    were, byte for byte)."""
    if reader.right_to_left or any(_is_rtl(ch) for ch in value):
        return f"{FSI}{value}{PDI}"
    return value


def _is_rtl(ch: str) -> bool:
    return unicodedata.bidirectional(ch) in ("R", "AL")
