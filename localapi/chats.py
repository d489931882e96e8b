"""The Bot API server's chats: people, their messages and the bot's, files, command menus
and the updates waiting for the bot. People's side of the chats is made here (``user``,
``send_text``, ``tap``, ``send_media``), and tests and the try-out read what the bot did
(``texts_to``, ``message``, ``buttons``)."""

from __future__ import annotations

import asyncio
import bisect
import copy
import itertools
import time
from typing import Any

from localapi.protocol import (
    OPT_IN_UPDATE_TYPES,
    ChatUser,
    Pending,
    StoredFile,
    update_type,
    utf16_len,
)


class ChatState:
    """Everything one bot's chats hold, in memory, and people's side of them."""

    def __init__(self, token: str, bot_username: str) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.bot_first_name = "Chorus"

        self.blocked: set[int] = set()
        self.acknowledged_offset = 0
        self.allowed_updates: list[str] | None = None
        self.webhook_url: str | None = None
        # callback_query id -> answerCallbackQuery params (None until answered)
        self.callback_answers: dict[str, dict[str, Any] | None] = {}
        # Set while the server stops: long polls end at once.
        self._closing = False

        self._users: dict[int, ChatUser] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._next_message_id: dict[int, int] = {}
        self._bot_messages: dict[int, dict[int, dict[str, Any]]] = {}
        self._user_messages: dict[int, dict[int, dict[str, Any]]] = {}
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        # file_id -> stored file (sent by users or uploaded by the bot)
        self._files: dict[str, StoredFile] = {}
        self._file_ids = itertools.count(1)

        self._next_update_id = 1000
        self._updates_by_id: dict[int, dict[str, Any]] = {}
        self._pending: list[Pending] = []
        self._update_waiters: set[asyncio.Future[None]] = set()
        self._active_poll: asyncio.Future[None] | None = None
        self._query_ids = itertools.count(1)

    def unix_time(self) -> int:
        """The time messages are dated with (seconds since 1970)."""
        return int(time.time())

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot's ``User`` object."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _on_message(self, chat_id: int, message: dict[str, Any]) -> None:
        """Called when the bot sent or edited ``message`` in the chat."""

    def _on_deleted(self, chat_id: int, message_id: int) -> None:
        """Called when a message was deleted from the chat."""

    # ------------------------------------------------------------------ making updates

    def user(self, id: int, first_name: str = "Sam", username: str | None = None) -> ChatUser:
        """A user who has a private chat with the bot."""
        user = ChatUser(id=id, first_name=first_name, username=username)
        self._users[id] = user
        chat: dict[str, Any] = {"id": id, "type": "private", "first_name": first_name}
        if username is not None:
            chat["username"] = username
        self._chats[id] = chat
        return user

    def _new_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def _chat_object(self, chat_id: int) -> dict[str, Any]:
        return dict(self._chats.get(chat_id) or {"id": chat_id, "type": "private"})

    def send_text(self, user: ChatUser, text: str, reply_to: int | None = None) -> int:
        """Queues a private-chat text message from ``user``; returns its update_id. With
        ``reply_to``, it replies to that message of the bot's in the chat."""
        if user.id not in self._chats:
            self.user(user.id, user.first_name, user.username)
        message: dict[str, Any] = {
            "message_id": self._new_message_id(user.id),
            "from": user.to_dict(),
            "chat": self._chat_object(user.id),
            "date": self.unix_time(),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0] if text.strip() else text
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
            ]
        if reply_to is not None:
            replied = copy.deepcopy(self._public_message(self.message(user.id, reply_to)))
            replied.pop("reply_to_message", None)  # Telegram nests one level only
            message["reply_to_message"] = replied
        self._user_messages.setdefault(user.id, {})[message["message_id"]] = message
        return self.add_update({"message": message})

    def tap(self, user: ChatUser, message_id: int, data: str) -> int:
        """Queues a callback_query for tapping a button of a bot message; returns update_id."""
        # A snapshot: later edits must not change an update that is already queued.
        message = copy.deepcopy(self._public_message(self.message(user.id, message_id)))
        query_id = f"{self.bot_id}{next(self._query_ids):08d}"
        self.callback_answers[query_id] = None
        query = {
            "id": query_id,
            "from": user.to_dict(),
            "message": message,
            "chat_instance": str(-(10**12) - user.id),
            "data": data,
        }
        return self.add_update({"callback_query": query})

    def add_file(
        self,
        kind: str,
        content: bytes,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> StoredFile:
        """Stores a file as Telegram would, giving it a new file_id."""
        number = next(self._file_ids)
        stored = StoredFile(
            file_id=f"{kind[:2].upper()}file{number:06d}",
            file_unique_id=f"u{number:06d}",
            kind=kind,
            content=content,
            file_name=file_name,
            mime_type=mime_type,
        )
        self._files[stored.file_id] = stored
        return stored

    def file_at(self, token: str, path: str) -> StoredFile | None:
        """The file downloaded from ``path`` with ``token``, or None."""
        if token != self.token:
            return None
        return next((f for f in self._files.values() if f.file_path == path), None)

    def send_media(
        self,
        user: ChatUser,
        kind: str,
        content: bytes = b"media",
        caption: str | None = None,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> int:
        """Queues a message from ``user`` carrying a photo, voice note, document or sticker.

        Returns the update_id; the new file's id is in the message (``photo[-1]``, ``voice``,
        ``document`` or ``sticker`` ``["file_id"]``).
        """
        if user.id not in self._chats:
            self.user(user.id, user.first_name, user.username)
        message: dict[str, Any] = {
            "message_id": self._new_message_id(user.id),
            "from": user.to_dict(),
            "chat": self._chat_object(user.id),
            "date": self.unix_time(),
        }
        if kind == "sticker":
            stored = self.add_file("document", content, mime_type="image/webp")
            message["sticker"] = {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": "🙂",
            }
        else:
            stored = self.add_file(kind, content, file_name, mime_type)
            message[kind] = [stored.to_dict()] if kind == "photo" else stored.to_dict()
        if caption is not None and kind != "sticker":
            message["caption"] = caption
        self._user_messages.setdefault(user.id, {})[message["message_id"]] = message
        return self.add_update({"message": message})

    def add_update(self, update: dict[str, Any]) -> int:
        """Queues ``update`` (assigning update_id if missing) for getUpdates or the webhook."""
        if "update_id" not in update:
            update["update_id"] = self._next_update_id
        update_id = int(update["update_id"])
        self._next_update_id = max(self._next_update_id, update_id + 1)
        self._remember_chats(update)
        self._updates_by_id[update_id] = update
        self._queue(Pending(update_id, update))
        return update_id

    def _queue(self, entry: Pending) -> None:
        if not self._pending or self._pending[-1].update_id <= entry.update_id:
            self._pending.append(entry)
        else:
            bisect.insort_right(self._pending, entry, key=lambda p: p.update_id)
        self._notify_updates()
        self._on_queued()

    def _on_queued(self) -> None:
        """Called when an update was queued for the bot."""

    def _remember_chats(self, update: dict[str, Any]) -> None:
        for value in update.values():
            if not isinstance(value, dict):
                continue
            for holder in (value, value.get("message")):
                if not isinstance(holder, dict):
                    continue
                chat = holder.get("chat")
                if isinstance(chat, dict) and isinstance(chat.get("id"), int):
                    self._chats.setdefault(chat["id"], dict(chat))
            sender = value.get("from")
            if isinstance(sender, dict) and isinstance(sender.get("id"), int):
                chat = {"id": sender["id"], "type": "private"}
                chat["first_name"] = sender.get("first_name", "")
                self._chats.setdefault(sender["id"], chat)

    def _notify_updates(self) -> None:
        waiters, self._update_waiters = self._update_waiters, set()
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def _update_signal(self) -> asyncio.Future[None]:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._update_waiters.add(waiter)
        return waiter

    def _is_allowed(self, update: dict[str, Any]) -> bool:
        kind = update_type(update)
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in OPT_IN_UPDATE_TYPES

    @property
    def pending_update_count(self) -> int:
        """Updates not yet acknowledged by the bot."""
        return len(self._pending)

    def texts_to(self, chat_id: int) -> list[str]:
        """Current texts (or captions) of the bot's messages in the chat, in message order."""
        return [
            str(message.get("text", message.get("caption")))
            for message in self._bot_messages.get(chat_id, {}).values()
            if "text" in message or "caption" in message
        ]

    def age_message(self, chat_id: int, message_id: int, seconds: int) -> None:
        """Make the bot's message look sent `seconds` earlier (for Telegram's time limits)."""
        stored = self.message(chat_id, message_id)
        stored["date"] = int(stored["date"]) - seconds

    def message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        """The bot's message as stored (``text`` is what the user sees; ``html`` the markup)."""
        message = self._bot_messages.get(chat_id, {}).get(message_id)
        if message is None:
            known = sorted(self._bot_messages.get(chat_id, {}))
            raise AssertionError(
                f"no bot message {message_id} in chat {chat_id}; bot messages there: {known}"
            )
        return message

    def last_message(self, chat_id: int) -> dict[str, Any]:
        """The newest bot message in the chat."""
        messages = self._bot_messages.get(chat_id)
        if not messages:
            raise AssertionError(f"the bot has no messages in chat {chat_id}")
        return messages[next(reversed(messages))]

    @staticmethod
    def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
        """Inline buttons of ``message`` row by row as (text, callback_data or url)."""
        markup = message.get("reply_markup") or {}
        result: list[tuple[str, str]] = []
        for row in markup.get("inline_keyboard", []):
            for button in row:
                value = button.get("callback_data", button.get("url"))
                if value is None:
                    value = next((str(v) for k, v in button.items() if k != "text"), "")
                result.append((button["text"], value))
        return result

    @staticmethod
    def _public_message(message: dict[str, Any]) -> dict[str, Any]:
        """The Message object as Telegram sends it (without the server's bookkeeping)."""
        return {key: value for key, value in message.items() if key != "html"}

    def _store_message(self, chat_id: int, message: dict[str, Any]) -> None:
        self._bot_messages.setdefault(chat_id, {})[message["message_id"]] = message
        self._on_message(chat_id, message)
