"""A bare python-telegram-bot echo bot: the yardstick for benchmarks/updates.py.

It does the least a bot can do for the same script: echo each text with one inline
button, and answer each tap by editing the message. Same concurrency and HTTP
connection pool as Chorus. It makes its calls over python-telegram-bot's own HTTP layer
(httpx), as a bare bot does; Chorus makes them over aiohttp (bot/bot_api_http.py), which
costs less per call, so the ratio counts that saving too, not only what Chorus adds.
"""

from __future__ import annotations

import os

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

BUTTON = InlineKeyboardMarkup([[InlineKeyboardButton("Tap", callback_data="tap")]])


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say the same words back."""
    assert update.effective_message is not None and update.effective_message.text is not None
    await update.effective_message.reply_text(update.effective_message.text, reply_markup=BUTTON)


async def tapped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the tap and edit the message."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(f"tapped {query.id}", reply_markup=BUTTON)


def main() -> None:
    """Run until SIGTERM."""
    application = (
        ApplicationBuilder()
        .token(os.environ["ECHO_TOKEN"])
        .base_url(os.environ["ECHO_URL"])
        .concurrent_updates(int(os.environ["ECHO_CONCURRENCY"]))
        .connection_pool_size(int(os.environ["ECHO_POOL"]))
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.add_handler(CallbackQueryHandler(tapped))
    application.run_polling(allowed_updates=Update.ALL_TYPES, poll_interval=0.0, timeout=30)


if __name__ == "__main__":
    main()
