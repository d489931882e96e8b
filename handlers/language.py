"""Languages: each update answered in its sender's language, and /language to change it."""

from __future__ import annotations

from contextvars import ContextVar

from telegram import Update

from bot.context import ChorusContext
from bot.presentation import callbacks, texts
from bot.presentation.callbacks import Action
from bot.presentation.languages import LANGUAGES, NAMES, Reader, set_reader, supported
from bot.presentation.texts import label, say
from handlers.common import button_args, button_int, keyboard, respond, sender_id

# Set by `language_update_arrived` (in the update's own task): the sender has a stored
# language, so nothing is kept for them at the end of the update.
_stored: ContextVar[bool] = ContextVar("language_stored", default=False)


async def language_update_arrived(update: Update, context: ChorusContext) -> None:
    """Answer in the sender's language: their own, or else Telegram's if offered."""
    user = update.effective_user
    if user is None:
        return
    setting = await context.services.languages.setting(user.id)
    if setting is not None and setting.language is not None:
        set_reader(Reader(supported(setting.language), setting.easy_read))
        _stored.set(True)
        return
    easy = setting.easy_read if setting is not None else False
    set_reader(Reader(supported(user.language_code), easy))


async def language_update_done(update: Update, context: ChorusContext) -> None:
    """After the update: a person new here (or with no language yet) keeps Telegram's."""
    user = update.effective_user
    if user is None or _stored.get():
        return
    await context.services.languages.remember_first(user.id, supported(user.language_code))


async def language_command(update: Update, context: ChorusContext) -> None:
    """Offer every language, and easy read on or off."""
    setting = await context.services.languages.setting(sender_id(update))
    if setting is None:
        await respond(update, say(texts.NOT_JOINED))
        return
    rows = [[(NAMES[code], callbacks.encode(Action.LANGUAGE_SET, code))] for code in LANGUAGES]
    easy = (
        (label(texts.BUTTON_EASY_READ_OFF), callbacks.encode(Action.EASY_READ, 0))
        if setting.easy_read
        else (label(texts.BUTTON_EASY_READ_ON), callbacks.encode(Action.EASY_READ, 1))
    )
    rows.append([easy])
    await respond(update, say(texts.LANGUAGE_ASK), keyboard(rows))


async def language_set_tapped(update: Update, context: ChorusContext) -> None:
    """Keep the language picked, and say so in it."""
    code = next(iter(button_args(update)), "")
    chosen = await context.services.languages.choose(sender_id(update), language=code)
    if chosen is None:
        await respond(update, say(texts.LANGUAGE_NOT_OFFERED))
        return
    set_reader(Reader(supported(chosen.language), chosen.easy_read))
    await respond(update, say(texts.LANGUAGE_SAVED))


async def easy_read_tapped(update: Update, context: ChorusContext) -> None:
    """Turn easy read on or off, and say so in the new way."""
    wanted = button_int(update) == 1
    chosen = await context.services.languages.choose(sender_id(update), easy_read=wanted)
    if chosen is None:
        await respond(update, say(texts.NOT_JOINED))
        return
    set_reader(Reader(supported(chosen.language), chosen.easy_read))
    await respond(update, say(texts.EASY_READ_ON if chosen.easy_read else texts.EASY_READ_OFF))
