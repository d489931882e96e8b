"""The error handler: log the update id and the exception's kind and place, nothing else."""

from __future__ import annotations

import logging
from contextvars import ContextVar

from sqlalchemy.exc import OperationalError
from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError

from bot.context import ChorusContext
from bot.failures import describe
from bot.presentation import texts
from bot.presentation.texts import say
from storage.database import update_wrote

logger = logging.getLogger(__name__)

# The callback query answered while handling this update (Telegram takes one answer only).
_answered: ContextVar[str | None] = ContextVar("chorus_answered_query", default=None)


def note_answered(query_id: str) -> None:
    """Remember that the tapped button's query is answered (or its answer is on its way)."""
    _answered.set(query_id)


def was_answered(query_id: str) -> bool:
    """True if the query was answered while handling this update."""
    return _answered.get() == query_id


async def on_error(update: object, context: ChorusContext) -> None:
    """Log the failure safely and tell the person, kindly, what did and did not work."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if error is None:
        return
    logger.error("update %s failed: %s", update_id, describe(error))
    if isinstance(error, Forbidden) or not isinstance(update, Update):
        return  # the person blocked the bot: there is no one to tell
    chat = update.effective_chat
    if chat is None or chat.type != chat.PRIVATE:
        return
    if update_wrote():
        # What they did is kept; only the answer is missing. Say which button it was.
        button = _tapped_label(update)
        message = (
            say(texts.SAVED_TAP_NOT_SHOWN, button=button) if button else say(texts.SAVED_NOT_SHOWN)
        )
    elif isinstance(error, OperationalError):
        message = say(texts.COULD_NOT_SAVE)
    else:
        message = say(texts.SOMETHING_WENT_WRONG)
    query = update.callback_query
    if query is not None and not was_answered(query.id):
        note_answered(query.id)
        try:
            await query.answer()
        except TelegramError as exc:
            logger.warning("could not answer the query of update %s: %s", update_id, _kind(exc))
    try:
        await context.bot.send_message(chat.id, message)
    except TelegramError as exc:
        logger.warning(
            "could not tell chat about the failure of update %s: %s", update_id, _kind(exc)
        )
        if isinstance(exc, NetworkError) and not isinstance(exc, BadRequest):
            await _tell_later(context, update, message)


async def _tell_later(context: ChorusContext, update: Update, message: str) -> None:
    """Telegram failed again: the same words go through the outbox, tried until they go."""
    user = update.effective_user
    if user is None:
        return
    try:
        queued = await context.bot_data.worker.queue_notice(
            user.id, message, f"e{update.update_id}"
        )
    except Exception as exc:  # the database failed too: nothing more can be done
        logger.warning("could not queue the failure notice: %s", _kind(exc))
        return
    if queued:
        logger.info("the failure notice of update %s is queued", update.update_id)


def _tapped_label(update: Update) -> str | None:
    """The label of the button tapped (the bot's own words), if the update is a tap."""
    query = update.callback_query
    message = query.message if query is not None else None
    markup = getattr(message, "reply_markup", None)
    if query is None or markup is None:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == query.data:
                return str(button.text)
    return None


def _kind(error: Exception) -> str:
    return type(error).__name__
