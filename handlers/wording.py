"""A gentle note on a coordinator's own words before they go (a broadcast, a question for
a group, a reply to a member, an update on an action, a lead's message to the person of an
alert): send them as they are, or change them."""

from __future__ import annotations

import html

from telegram import InlineKeyboardMarkup, Update

from bot.presentation import callbacks, texts
from bot.presentation.buttons import way_out_rows
from bot.presentation.callbacks import Action
from bot.presentation.texts import Raw, label, say
from bot.services.wording import Reason, WordingNote, wording_note
from handlers.common import keyboard, respond, send

# The flows whose words are noted (the note's buttons carry the name).
BROADCAST, PROMPT, REPLY = "broadcast", "prompt", "reply"
# An update on a follow-up action, and a lead's words to the person of an alert.
ACTION_UPDATE, LEAD_WRITE = "action", "write"
FLOWS = (BROADCAST, PROMPT, REPLY, ACTION_UPDATE, LEAD_WRITE)


async def note_on_words(update: Update, words: str, flow: str) -> bool:
    """If the words may be hard to read, say why, with Send as it is and Change it (the
    step waiting is left as it is); True if the note was shown."""
    note = wording_note(words)
    if note is None:
        return False
    rows = [
        [(label(texts.BUTTON_WORDING_AS_IT_IS), callbacks.encode(Action.WORDING_AS_IS, flow))],
        [(label(texts.BUTTON_WORDING_CHANGE), callbacks.encode(Action.WORDING_CHANGE, flow))],
        *way_out_rows(),
    ]
    await respond(update, _said(note), keyboard(rows))
    return True


def _said(note: WordingNote) -> Raw:
    if note.reason is Reason.LONG_SENTENCE:
        return say(texts.WORDING_LONG_SENTENCE, words=note.words, opening=note.opening)
    return say(texts.WORDING_LONG_WORDS, grade=f"{note.grade:.1f}")


async def ask_with_words(
    update: Update, words: str | None, question: Raw, markup: InlineKeyboardMarkup
) -> None:
    """Ask `question` (typed words wanted). Words typed before come first, exactly as they
    were, to copy and change; the question stays the newest message, with its buttons."""
    if not words:
        await respond(update, question, markup)
        return
    await respond(update, Raw(html.escape(words, quote=False)))
    await send(update, question, markup)
