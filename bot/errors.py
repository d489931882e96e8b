"""The error handler: log the update id and the exception's kind and place, nothing else."""

from __future__ import annotations

import logging

from sqlalchemy.exc import OperationalError
from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot import texts
from bot.context import ChorusContext
from bot.failures import describe
from bot.texts import say

logger = logging.getLogger(__name__)


async def on_error(update: object, context: ChorusContext) -> None:
    """Log the failure safely and tell the person, kindly, that it did not work."""
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
    message = (
        texts.COULD_NOT_SAVE
        if isinstance(error, OperationalError)
        else (texts.SOMETHING_WENT_WRONG)
    )
    try:
        if update.callback_query is not None:
            await update.callback_query.answer()
        await context.bot.send_message(chat.id, say(message))
    except TelegramError as exc:
        logger.warning(
            "could not tell chat about the failure of update %s: %s", update_id, type(exc).__name__
        )
