"""Quiet hours a member types in their own words: "22:30-07:00", "10pm to 7am", "off"."""

from __future__ import annotations

import re

from bot.services.delivery_rules import QUIET_OFF

QUIET_STEP = "quiet_hours"

_OFF_WORDS = frozenset(
    {"off", "none", "no", "never", "nothing", "no quiet hours", "turn off", "turn them off"}
)
# One time of day: "22", "7", "22:30", "22.30", "10pm", "10:30 pm", "7 a.m.", "midnight".
_TIME = (
    r"(?:(?P<{n}word>midnight|noon|midday)"
    r"|(?P<{n}hour>\d{{1,2}})(?:\s*[:.h]\s*(?P<{n}minute>\d{{2}}))?"
    r"\s*(?P<{n}half>a\.?m\.?|p\.?m\.?)?)"
)
_RANGE = re.compile(
    r"(?:from\s+|between\s+)?"
    + _TIME.format(n="s")
    + r"\s*(?:-|–|—|to|till|til|until|and)\s*"
    + _TIME.format(n="e")
)
_SPACES = re.compile(r"\s+")


def read_quiet_hours(text: str) -> str | None:
    """Typed quiet hours as stored ("HH:MM-HH:MM", or "off"); None if they cannot be read.

    Two times are needed, a start and an end; the end may be the next morning. A start with
    no am/pm that would otherwise come after its end in the same morning ("10 to 7") is
    read as the evening, as people mean it ("12 to 7" as from midnight). A start equal to
    its end is not read.
    """
    cleaned = _SPACES.sub(" ", text.strip().lower()).rstrip(".!")
    if cleaned in _OFF_WORDS:
        return QUIET_OFF
    match = _RANGE.fullmatch(cleaned)
    if match is None:
        return None
    start = _minutes(match, "s")
    end = _minutes(match, "e")
    if start is None or end is None:
        return None
    if match.group("shalf") is None and match.group("sword") is None and end <= start:
        if 60 <= start < 12 * 60:
            start += 12 * 60  # "10 to 7": ten at night
        elif start == 12 * 60:
            start = 0  # "12 to 7": from midnight
    if start == end:
        return None
    return f"{_clock(start)}-{_clock(end)}"


def _minutes(match: re.Match[str], n: str) -> int | None:
    """Minutes after midnight of one matched time, or None if it is not a time of day."""
    word = match.group(n + "word")
    if word is not None:
        return 0 if word == "midnight" else 12 * 60
    hour = int(match.group(n + "hour"))
    minute = int(match.group(n + "minute") or 0)
    half = (match.group(n + "half") or "").replace(".", "")
    if minute > 59:
        return None
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif hour == 24 and minute == 0:
        hour = 0
    elif hour > 23:
        return None
    return hour * 60 + minute


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
