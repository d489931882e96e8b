"""Journey J7: data rights. `/privacy`, `/mydata` (a file of everything held about the
person) and `/forgetme` (erasing them, after a confirmation)."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError

from bot.context import ChorusContext
from bot.presentation import callbacks, texts
from bot.presentation.callbacks import Action
from bot.presentation.texts import Raw, label, say
from bot.rights_file import FILE_NAME, data_archive, items_words
from bot.services.rights import DataOutcome, ForgetAsk, ForgetOutcome, ForgetResult
from handlers.common import (
    ask_to_choose,
    button_args,
    chat_id,
    keyboard,
    replayable,
    respond,
    sender_id,
)

logger = logging.getLogger(__name__)

# The choice a confirmation carries for anonymous items: delete them too, or keep them.
_DELETE, _KEEP = "d", "k"
FORGET_CHOICES = (_DELETE, _KEEP)


async def privacy_command(update: Update, context: ChorusContext) -> None:
    """Say what Chorus keeps, for how long, and who sees it, from the settings in force."""
    retention = context.services.rights.retention
    parts = (
        say(texts.PRIVACY),
        "\n\n",
        say(texts.PRIVACY_WORDS_KEPT, count=retention.keep_words_days),
        "\n",
        say(texts.PRIVACY_SENT_KEPT, count=retention.keep_sent_days),
        "\n",
        say(texts.PRIVACY_REST),
        say(texts.PRIVACY_PAYMENTS),
    )
    await respond(update, Raw("".join(parts)))


async def mydata_command(update: Update, context: ChorusContext) -> None:
    """Send the person a file with everything Chorus holds about them."""
    result = await context.services.rights.my_data(sender_id(update))
    if result.outcome is not DataOutcome.READY:
        too_many = result.outcome is DataOutcome.TOO_MANY
        await respond(update, say(texts.MYDATA_TOO_MANY if too_many else texts.MYDATA_NOT_KNOWN))
        return
    # Compressing a large file would hold up everyone else's replies.
    archive = await asyncio.to_thread(data_archive, result.data, context.bot_data.zone)
    try:
        await context.bot.send_document(
            chat_id(update), archive, filename=FILE_NAME, caption=say(texts.MYDATA_CAPTION)
        )
    except (BadRequest, NetworkError) as exc:
        if isinstance(exc, Forbidden):
            raise
        logger.warning("a /mydata file was refused: %s", type(exc).__name__)
        await respond(update, say(texts.MYDATA_REFUSED))


async def forgetme_command(update: Update, context: ChorusContext) -> None:
    """Ask, once and clearly, before erasing everything about the person."""
    ask = await context.services.rights.ask_forget(sender_id(update))
    if not ask.known or ask.erasing:
        await respond(update, say(texts.FORGET_ERASING if ask.erasing else texts.FORGET_NOT_KNOWN))
        return
    await ask_to_choose(update, context, _question(ask), keyboard(_choices(ask)))


@replayable
async def forget_yes_tapped(update: Update, context: ChorusContext) -> None:
    """Erase the person, if this button is from their latest /forgetme (checked by the
    service against the person tapping: buttons can be forged)."""
    values = button_args(update)
    token, choice = [*values, "", ""][:2]
    if not token or choice not in (_DELETE, _KEEP):
        await respond(update, say(texts.FORGET_STALE))
        return
    result = await context.services.rights.forget(sender_id(update), token, choice == _KEEP)
    await respond(update, _done(result))


async def forget_no_tapped(update: Update, context: ChorusContext) -> None:
    """Keep everything."""
    await respond(update, say(texts.FORGET_KEPT))


def _question(ask: ForgetAsk) -> Raw:
    text = say(texts.FORGET_ASK, named=items_words(ask.named_items))
    if ask.anonymous_items:
        text = Raw(text + say(texts.FORGET_ASK_ANONYMOUS, count=ask.anonymous_items))
    return Raw(text + say(texts.FORGET_ASK_END))


def _choices(ask: ForgetAsk) -> list[list[tuple[str, str]]]:
    rows = [
        [(label(texts.BUTTON_FORGET_ALL), callbacks.encode(Action.FORGET_YES, ask.token, _DELETE))]
    ]
    if ask.anonymous_items:
        keep = callbacks.encode(Action.FORGET_YES, ask.token, _KEEP)
        rows.append([(label(texts.BUTTON_FORGET_KEEP_ANONYMOUS), keep)])
    rows.append([(label(texts.BUTTON_FORGET_NO), callbacks.encode(Action.FORGET_NO))])
    return rows


def _done(result: ForgetResult) -> Raw:
    if result.outcome is ForgetOutcome.STALE:
        return say(texts.FORGET_STALE)
    if result.outcome is ForgetOutcome.UNKNOWN:
        return say(texts.FORGET_GONE)
    if result.named_items:
        done = say(texts.FORGET_DONE_NAMED, groups=result.groups, count=result.named_items)
    else:
        done = say(texts.FORGET_DONE_NOTHING_NAMED, groups=result.groups)
    if result.anonymous_deleted:
        done = Raw(
            f"{done} {say(texts.FORGET_DONE_ANONYMOUS_DELETED, count=result.anonymous_deleted)}"
        )
    elif result.anonymous_kept:
        done = Raw(f"{done} {say(texts.FORGET_DONE_ANONYMOUS_KEPT, count=result.anonymous_kept)}")
    paragraphs = [done]
    if result.hours_kept:
        paragraphs.append(say(texts.FORGET_HOURS))
    if result.payments_kept:
        paragraphs.append(say(texts.FORGET_PAYMENTS))
    paragraphs.append(say(texts.FORGET_DONE_END))
    if result.voice_kept:
        paragraphs.append(say(texts.VOICE_STILL_PLAYS))
    return Raw("\n\n".join(paragraphs))
