"""The words a date or time is typed with, in every language Chorus speaks.

English is written out here; Welsh and Arabic month and weekday names come from Babel's
locale data (wide and abbreviated), so a Welsh or Arabic speaker can type a date their own
way ("dydd Mawrth 3 Mawrth 14:00", "الثلاثاء 3 مارس 14:00"). The words of every language are
read whatever the reader's language: a Welsh coordinator may type in English too. A word
that names two things ("Maw" is Welsh for both March and Tuesday) is left out, so it is
not understood rather than guessed.
"""

from __future__ import annotations

from collections.abc import Iterable

from babel import Locale

from bot.presentation.languages import LANGUAGES, SOURCE_LANGUAGE

_ENGLISH_MONTHS = (
    ("january", "jan"),
    ("february", "feb"),
    ("march", "mar"),
    ("april", "apr"),
    ("may",),
    ("june", "jun"),
    ("july", "jul"),
    ("august", "aug"),
    ("september", "sep", "sept"),
    ("october", "oct"),
    ("november", "nov"),
    ("december", "dec"),
)
_ENGLISH_WEEKDAYS = (
    ("monday", "mon"),
    ("tuesday", "tue", "tues"),
    ("wednesday", "wed", "weds"),
    ("thursday", "thu", "thur", "thurs"),
    ("friday", "fri"),
    ("saturday", "sat"),
    ("sunday", "sun"),
)
# "today", "tomorrow" and "tonight" in each language ("tonight" means today).
DAYS_FROM_TODAY = {
    **{"today": 0, "tonight": 0, "tomorrow": 1},
    **{"heddiw": 0, "heno": 0, "yfory": 1},
    **{"اليوم": 0, "الليلة": 0, "غدا": 1, "غدًا": 1, "بكرة": 1},
}
# Words that only join the others: "at 2pm", "on Tuesday", "from 1 March"; Welsh "ar" (on),
# "o" (from) and, before a time, "am" (at); Arabic "في" (on, in), "الساعة" (at the hour),
# "يوم" (the day of), "من" (from).
FILLER = {"at", "on", "of", "the", "from", "ar", "o", "في", "الساعة", "يوم", "من"}
# A length of time from now: "in 2 hours", Welsh "mewn 2 awr", Arabic "بعد 2 ساعة".
FROM_NOW = {"in", "mewn", "بعد"}
# Units after a number, in Welsh and Arabic (English's are with the lengths of time).
HOUR_WORDS = ("awr", "ساعة", "ساعات")
MINUTE_WORDS = ("munud", "funud", "دقيقة", "دقائق")
DAY_WORDS = ("diwrnod", "ddiwrnod", "يوم", "أيام")
# Morning and afternoon after a clock in Arabic: "2 م" is 2pm.
CLOCK_SUFFIXES = {"am": "am", "pm": "pm", "ص": "am", "م": "pm"}
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Welsh mutates "dydd" (day) after "ar" (on): "ar ddydd Mawrth".
_MUTATED = (("ddydd ", "dydd "),)


def _babel_names(kind: str) -> Iterable[tuple[int, str]]:
    """(number, name) for each month (1 to 12) or weekday (0 is Monday) in Babel's data."""
    for language in LANGUAGES:
        if language == SOURCE_LANGUAGE:
            continue
        names = getattr(Locale.parse(language), kind)
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in names[context][width].items():
                    yield number, name.lower()


def _unambiguous(*tables: dict[str, set[int]]) -> list[dict[str, int]]:
    """Each table as word -> number, without the words that name more than one thing."""
    counts: dict[str, int] = {}
    for table in tables:
        for word, numbers in table.items():
            counts[word] = counts.get(word, 0) + len(numbers)
    return [
        {word: numbers.pop() for word, numbers in table.items() if counts[word] == 1}
        for table in tables
    ]


def _tables() -> tuple[dict[str, int], dict[str, int]]:
    months: dict[str, set[int]] = {}
    weekdays: dict[str, set[int]] = {}
    for number, names in enumerate(_ENGLISH_MONTHS, start=1):
        for name in names:
            months.setdefault(name, set()).add(number)
    for number, names in enumerate(_ENGLISH_WEEKDAYS):
        for name in names:
            weekdays.setdefault(name, set()).add(number)
    for number, name in _babel_names("months"):
        months.setdefault(name.replace(" ", "_"), set()).add(number)
    for number, name in _babel_names("days"):
        weekdays.setdefault(name.replace(" ", "_"), set()).add(number)
    found_months, found_weekdays = _unambiguous(months, weekdays)
    return found_months, found_weekdays


MONTHS, WEEKDAYS = _tables()
# Names of more than one word ("dydd mawrth"), read as one.
_PHRASES = sorted(
    (name.replace("_", " ") for name in (*MONTHS, *WEEKDAYS) if "_" in name), key=len, reverse=True
)


def normalised(text: str) -> str:
    """Lower case, digits of any script as 0-9, the Arabic comma as a comma, and names of
    more than one word joined into one ("dydd_mawrth")."""
    lowered = text.lower().translate(_DIGITS).replace("،", ",")
    for mutated, plain in _MUTATED:
        lowered = lowered.replace(mutated, plain)
    for phrase in _PHRASES:
        lowered = lowered.replace(phrase, phrase.replace(" ", "_"))
    return lowered
