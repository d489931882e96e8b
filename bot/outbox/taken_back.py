"""Covering a voice note or photo that Telegram no longer lets the bot delete.

Telegram lets a bot delete a message only in the 48 hours after sending it. After that, a
photo that was taken back is replaced (editMessageMedia) by a plain picture with "Taken back"
as its caption; a voice note's media cannot be replaced (editMessageMedia edits animation,
audio, document, photo and video messages only), so it gets that caption (editMessageCaption)
and stays playable: the member is told so when they take it back.
"""

from __future__ import annotations

import functools
import struct
import zlib

from telegram import InputMediaPhoto
from telegram.error import BadRequest

from bot.context import ChorusBot
from bot.outbox.ratelimit import Pace

# Telegram's answer to deleting a message sent 48 hours ago or more.
TOO_OLD_TO_DELETE = "can't be deleted"
# Answers to an edit that has nothing left to do.
_NOTHING_TO_DO = ("not modified", "not found")
_WIDTH, _HEIGHT, _GREY = 320, 180, 0xE8


@functools.cache
def plain_picture() -> bytes:
    """A plain light grey PNG, 320 by 180, in place of a photo taken back."""
    row = b"\x00" + bytes([_GREY]) * _WIDTH
    raw = zlib.compress(row * _HEIGHT, 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", _WIDTH, _HEIGHT, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
    )


async def cover(bot: ChorusBot, chat_id: int, message_id: int, note: str) -> None:
    """Replace a photo by the plain picture with `note` as its caption; a message whose media
    cannot be replaced (a voice note) gets `note` as its caption instead."""
    pace = {"pace": Pace.BULK}
    try:
        await bot.edit_message_media(
            InputMediaPhoto(plain_picture(), caption=note),
            chat_id=chat_id,
            message_id=message_id,
            rate_limit_args=pace,
        )
        return
    except BadRequest as exc:
        if any(words in exc.message for words in _NOTHING_TO_DO):
            return
    try:
        await bot.edit_message_caption(
            chat_id=chat_id, message_id=message_id, caption=note, rate_limit_args=pace
        )
    except BadRequest as exc:
        if not any(words in exc.message for words in _NOTHING_TO_DO):
            raise
