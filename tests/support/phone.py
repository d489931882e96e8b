"""A person's phone in end-to-end tests: types, taps buttons, and reads the bot's answer."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from tests.support.fake_bot_api import Call, FakeBotApi, FakeUser

ANSWERS = ("sendMessage", "editMessageText")


class Phone:
    """One Telegram user's private chat with the bot."""

    def __init__(self, fake: FakeBotApi, user_id: int, first_name: str = "Sam") -> None:
        self.fake = fake
        self.user: FakeUser = fake.user(user_id, first_name)

    @property
    def id(self) -> int:
        """The user's Telegram id (and their private chat's id)."""
        return self.user.id

    async def send(self, text: str, timeout: float = 10.0) -> dict[str, Any]:
        """Type `text`; return the bot message that answers it (new or edited)."""
        started = time.monotonic()
        self.fake.send_text(self.user, text)
        return await self.answer_since(started, timeout)

    async def reply(self, text: str, to: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
        """Type `text` as a reply to the bot's message `to`; return the bot's answer."""
        started = time.monotonic()
        self.fake.send_text(self.user, text, reply_to=to["message_id"])
        return await self.answer_since(started, timeout)

    async def tap(self, label: str, message: dict[str, Any] | None = None) -> dict[str, Any]:
        """Tap the button whose label contains `label` on `message` (default: the newest)."""
        message = message or self.fake.last_message(self.id)
        for text, data in self.fake.buttons(message):
            if label in text:
                return await self.tap_data(data, message)
        raise AssertionError(f"no button with {label!r} in {self.fake.buttons(message)}")

    async def tap_data(
        self, data: str, message: dict[str, Any] | None = None, timeout: float = 10.0
    ) -> dict[str, Any]:
        """Tap a button with this callback data, even one the bot never sent (a forgery)."""
        message = message or self.fake.last_message(self.id)
        started = time.monotonic()
        self.fake.tap(self.user, message["message_id"], data)
        query_id = next(reversed(self.fake.callback_answers))

        def noted(call: Call) -> bool:
            # A tap that changes nothing on screen is answered with a note instead.
            return (
                call.method == "answerCallbackQuery"
                and call.params.get("callback_query_id") == query_id
                and bool(call.params.get("text"))
            )

        answer = asyncio.ensure_future(self.answer_since(started, timeout))
        note = asyncio.ensure_future(self.fake.wait_for(noted, timeout))
        done, pending = await asyncio.wait({answer, note}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        if answer in done:
            return answer.result()
        note.result()
        return self.fake.message(self.id, message["message_id"])

    async def answer_since(self, started: float, timeout: float = 10.0) -> dict[str, Any]:
        """The first message the bot sent or edited in this chat after `started`."""

        def is_answer(call: Call) -> bool:
            return (
                call.at >= started
                and call.method in ANSWERS
                and call.params.get("chat_id") == self.id
            )

        call = await self.fake.wait_for(is_answer, timeout)
        deadline = time.monotonic() + timeout
        while call.response is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"{call.method} was never answered")
            await asyncio.sleep(0.005)
        if call.response.get("ok"):
            result: dict[str, Any] = call.response["result"]
            return self.fake.message(self.id, result["message_id"])
        if "not modified" in call.response.get("description", ""):
            # The same text again: the person still sees that message, unchanged.
            return self.fake.message(self.id, call.params["message_id"])
        raise AssertionError(f"{call.method} failed: {call.response}")

    def texts(self) -> list[str]:
        """Every message the bot has in this chat, as the person sees it now."""
        return self.fake.texts_to(self.id)
