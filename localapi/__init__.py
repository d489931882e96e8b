"""A Bot API server built into Chorus, for trying it out without Telegram (and for tests)."""

from localapi.protocol import ApiError, Call, ChatUser, StoredFile, parse_telegram_html
from localapi.server import LOCALHOST, BotApiServer

__all__ = [
    "LOCALHOST",
    "ApiError",
    "BotApiServer",
    "Call",
    "ChatUser",
    "StoredFile",
    "parse_telegram_html",
]
