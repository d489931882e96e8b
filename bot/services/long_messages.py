"""Long messages: Telegram splits text over 4096 characters into several messages, sent one
after another. The parts of one message are put back together before a step takes them.

A part is taken as the start of a longer message when it is nearly as long as Telegram
allows; the next text from the same person, dated within a few seconds of it (by the
messages' own dates, never the clock), continues it. The words are held here only for those
few seconds, and only in memory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.steps import StepRow

TELEGRAM_LIMIT = 4096  # UTF-16 code units, as Telegram counts them
# A part this long may have been cut by Telegram (clients cut at a space or line break
# before the limit, so a part can be a little shorter).
LONG_PART = TELEGRAM_LIMIT - 600
# The parts of one message arrive within a second or two of each other.
WITHIN = timedelta(seconds=3)
# Sentence ends: a part that ends with one most likely ended a paragraph.
_ENDS = '.!?…:;"”’)'


def utf16_length(text: str) -> int:
    """The length of the text as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Joined:
    """The whole text so far, and the step as it was before its first part arrived."""

    text: str
    step: StepRow | None
    continued: bool  # True if earlier parts came before this one
    # The bot's answer to the parts before, now superseded by the answer to the whole.
    earlier_answer: int | None = None


@dataclass
class _Part:
    text: str
    sent_at: datetime
    step: StepRow | None
    answer: int | None = None  # the message id of the bot's answer to the text so far


class LongMessages:
    """Holds, for a few seconds, a long part that may be continued."""

    def __init__(self) -> None:
        self._parts: dict[int, _Part] = {}

    def take(self, telegram_id: int, text: str, sent_at: datetime, step: StepRow | None) -> Joined:
        """The text with any earlier parts of the same message before it; `step` is the
        person's step now, and the result's step the one the first part was given to."""
        self._forget_before(sent_at - WITHIN)
        earlier = self._parts.pop(telegram_id, None)
        joined = Joined(text, step, continued=False)
        if earlier is not None and timedelta(0) <= sent_at - earlier.sent_at <= WITHIN:
            joined = Joined(
                _join(earlier.text, text),
                earlier.step,
                continued=True,
                earlier_answer=earlier.answer,
            )
        if utf16_length(text) >= LONG_PART:
            self._parts[telegram_id] = _Part(joined.text, sent_at, joined.step)
        return joined

    def answered(self, telegram_id: int, message_id: int) -> None:
        """The bot answered the text so far with this message (replaced if more comes)."""
        part = self._parts.get(telegram_id)
        if part is not None:
            part.answer = message_id

    def forget(self, telegram_id: int) -> None:
        """The person tapped a button or sent a command: what they type next is new."""
        self._parts.pop(telegram_id, None)

    def _forget_before(self, moment: datetime) -> None:
        for telegram_id in [t for t, part in self._parts.items() if part.sent_at < moment]:
            del self._parts[telegram_id]


def _join(first: str, second: str) -> str:
    """Two parts as one text: Telegram drops the space or line break it cut at."""
    if first.endswith(("\n", " ")) or second.startswith(("\n", " ")):
        return first + second
    return first + ("\n" if first.rstrip().endswith(tuple(_ENDS)) else " ") + second
