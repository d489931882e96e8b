"""Taking back an item that a conversation grew from: every message of it that quoted the
item's words (the coordinator's reply to the author, their preview of it, the author's answer
passed on to the coordinators) is edited to say it was taken back."""

from __future__ import annotations

import time
from pathlib import Path

from tests.e2e.test_conversations import (
    AUTHOR,
    COORDINATOR,
    _chorus,
    _reply_from_inbox,
    _sent_since,
)
from tests.support.fake_bot_api import FakeBotApi
from tests.support.phone import Phone
from tests.support.sharing import rows
from tests.support.waiting import until

TAKEN_BACK = "Taken back by the person who shared it."


async def _edited_to(fake: FakeBotApi, chat: int, message_id: int) -> str:
    await fake.wait_for(
        lambda c: (
            c.method == "editMessageText"
            and c.params.get("chat_id") == chat
            and c.params.get("message_id") == message_id
            and c.response is not None
        ),
        timeout=10,
    )
    return str(fake.message(chat, message_id)["text"])


async def test_taking_back_edits_the_conversation_messages_that_quoted_the_item(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    async with _chorus(fake, tmp_path, anonymous=False):
        coordinator, author = Phone(fake, COORDINATOR), Phone(fake, AUTHOR)
        heard = await _reply_from_inbox(fake, coordinator, "Can I give you a call today?")
        await author.tap("Reply", heard)
        started = time.monotonic()
        await author.send("Yes please, after 3pm")
        answer = await _sent_since(fake, COORDINATOR, started, "Yes please, after 3pm")
        assert "The forms are too long" in answer["text"]

        listing = await author.send("/mine")
        ask = await author.tap("Take back 1", listing)
        await author.tap("Yes, take it back", ask)

        assert await _edited_to(fake, COORDINATOR, answer["message_id"]) == TAKEN_BACK
        assert "The forms are too long" not in await _edited_to(fake, AUTHOR, heard["message_id"])
        # Every other message that quoted it is edited too (each in its turn).
        await until(
            lambda: not any("The forms are too long" in t for t in fake.texts_to(COORDINATOR)),
            within=10,
        )
        assert rows(tmp_path, "SELECT id FROM conversation_message") == []
