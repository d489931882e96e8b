"""The Bot API methods the built-in server answers, as Telegram answers them: each takes
the call's parameters and returns its ``result`` or raises ``ApiError``."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from localapi import media
from localapi.chats import ChatState
from localapi.protocol import (
    COMMAND_RE,
    ERR_NOT_MODIFIED,
    ERR_QUERY_INVALID,
    INT_RE,
    MAX_CAPTION_LENGTH,
    MAX_MESSAGE_LENGTH,
    ApiError,
    ClientConnection,
    Pending,
    StoredFile,
    parse_telegram_html,
)

MethodImpl = Callable[[dict[str, Any], ClientConnection], Awaitable[Any]]
# The Bot API methods served, and the methods of BotApiMethods that implement them.
METHODS = {
    "getMe": "_get_me",
    "getUpdates": "_get_updates",
    "deleteWebhook": "_delete_webhook",
    "sendMessage": "_send_message",
    "editMessageText": "_edit_message_text",
    "editMessageReplyMarkup": "_edit_message_reply_markup",
    "editMessageCaption": "_edit_message_caption",
    "editMessageMedia": "_edit_message_media",
    "deleteMessage": "_delete_message",
    "answerCallbackQuery": "_answer_callback_query",
    "setMyCommands": "_set_my_commands",
    "getMyCommands": "_get_my_commands",
    "deleteMyCommands": "_delete_my_commands",
    "sendChatAction": "_send_chat_action",
    "sendPhoto": "_send_photo",
    "sendVoice": "_send_voice",
    "sendDocument": "_send_document",
    "getFile": "_get_file",
    "close": "_ok",
    "logOut": "_ok",
}


class BotApiMethods(ChatState):
    """The Bot API methods, over the chats they read and change."""

    def commands_for(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, Any]]:
        """Commands set for exactly this scope and language (no fallback, like getMyCommands)."""
        return list(self._commands.get(self._commands_key(scope, language_code), []))

    # ------------------------------------------------------------------ shared checks

    def _chat_id(self, params: dict[str, Any]) -> int:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        if isinstance(chat_id, str):
            username = chat_id.removeprefix("@")
            found = next(
                (cid for cid, chat in self._chats.items() if chat.get("username") == username),
                None,
            )
            if found is None:
                raise ApiError(400, "Bad Request: chat not found")
            chat_id = found
        if not isinstance(chat_id, int):
            raise ApiError(400, "Bad Request: chat not found")
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id not in self._chats:
            raise ApiError(400, "Bad Request: chat not found")
        return chat_id

    @staticmethod
    def _message_id(params: dict[str, Any]) -> int:
        message_id = params.get("message_id")
        if not isinstance(message_id, int):
            raise ApiError(400, "Bad Request: message identifier is not specified")
        return message_id

    @staticmethod
    def _rendered_text(params: dict[str, Any]) -> dict[str, Any]:
        text = params.get("text")
        if not isinstance(text, str):
            text = "" if text is None else str(text)
        parse_mode = params.get("parse_mode")
        content: dict[str, Any] = {}
        if isinstance(parse_mode, str) and parse_mode.upper() == "HTML":
            visible, entities = parse_telegram_html(text)
            content["html"] = text
        else:
            visible = text
            given = params.get("entities")
            entities = given if isinstance(given, list) else []
        if not visible.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(visible) > MAX_MESSAGE_LENGTH:
            raise ApiError(400, "Bad Request: message is too long")
        content["text"] = visible
        if entities:
            content["entities"] = entities
        return content

    @staticmethod
    def _inline_markup(params: dict[str, Any]) -> dict[str, Any] | None:
        """The inline keyboard a message will carry (Telegram echoes no other markup)."""
        markup = params.get("reply_markup")
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is None:
            return None
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise ApiError(400, "Bad Request: can't parse inline keyboard markup JSON object")
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise ApiError(400, "Bad Request: inline keyboard button text is empty")
                if "callback_data" in button:
                    size = len(str(button["callback_data"]).encode("utf-8"))
                    if not 1 <= size <= 64:
                        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                elif "url" in button:
                    if not re.match(r"(https?|tg)://\S+", str(button["url"])):
                        raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")
                elif len(button) == 1:
                    raise ApiError(
                        400,
                        "Bad Request: can't parse inline keyboard button: Text buttons are "
                        "unallowed in the inline keyboard",
                    )
        if not any(rows):
            return None
        return {"inline_keyboard": rows}

    # ------------------------------------------------------------------ methods

    async def _ok(self, params: dict[str, Any], connection: ClientConnection) -> bool:
        return True

    async def _get_me(
        self, params: dict[str, Any], connection: ClientConnection
    ) -> dict[str, Any]:
        me = self.bot_user
        me.update(
            can_join_groups=True,
            can_read_all_group_messages=False,
            supports_inline_queries=False,
            can_connect_to_business=False,
            has_main_web_app=False,
        )
        return me

    def _acknowledge(self, offset: int) -> None:
        if offset < 0:
            # Telegram keeps only the last -offset updates and forgets the rest.
            self._pending = self._pending[offset:]
            return
        self.acknowledged_offset = max(self.acknowledged_offset, offset)
        if self._pending and (self._pending[0].update_id < offset):
            self._pending = [p for p in self._pending if p.update_id >= offset or p.redelivery]

    def _take_updates(self, limit: int) -> list[Pending]:
        batch: list[Pending] = []
        dropped: list[Pending] = []
        for entry in self._pending:
            if len(batch) >= limit:
                break
            if self._is_allowed(entry.update):
                batch.append(entry)
            else:
                dropped.append(entry)
        if dropped:
            gone = {id(entry) for entry in dropped}
            self._pending = [p for p in self._pending if id(p) not in gone]
        return batch

    async def _get_updates(
        self, params: dict[str, Any], connection: ClientConnection
    ) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        limit, timeout = self._poll_params(params)
        # A newer getUpdates ends a long poll that is still waiting, as on Telegram.
        if self._active_poll is not None and not self._active_poll.done():
            self._active_poll.set_result(None)
        batch = await self._long_poll(limit, timeout, connection)
        for entry in batch:
            entry.redelivery = False
        return [entry.update for entry in batch]

    def _poll_params(self, params: dict[str, Any]) -> tuple[int, float]:
        """getUpdates' limit and timeout; its offset and allowed updates take effect."""
        offset = params.get("offset")
        limit = params.get("limit", 100)
        limit = min(100, limit) if isinstance(limit, int) and limit > 0 else 100
        timeout = params.get("timeout", 0)
        timeout = float(timeout) if isinstance(timeout, int | float) else 0.0
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self.allowed_updates = [str(kind) for kind in allowed] or None
        if isinstance(offset, int):
            self._acknowledge(offset)
        return limit, timeout

    async def _long_poll(
        self, limit: int, seconds: float, connection: ClientConnection
    ) -> list[Pending]:
        """Updates for the bot, waiting up to `seconds` for the first."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        terminated: asyncio.Future[None] = loop.create_future()
        batch = self._take_updates(limit)
        while not batch and not self._closing:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            signal = self._update_signal()
            self._active_poll = terminated
            try:
                await asyncio.wait(
                    {signal, terminated, connection.closed},
                    timeout=remaining,
                    return_when=asyncio.FIRST_COMPLETED,
                )
            finally:
                self._update_waiters.discard(signal)
                if self._active_poll is terminated:
                    self._active_poll = None
            if terminated.done():
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one "
                    "bot instance is running",
                )
            if connection.closed.done() or self.webhook_url:
                return []
            batch = self._take_updates(limit)
        return batch

    async def _send_message(
        self, params: dict[str, Any], connection: ClientConnection
    ) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        content = self._rendered_text(params)
        markup = self._inline_markup(params)
        message: dict[str, Any] = {
            "message_id": self._new_message_id(chat_id),
            "from": self.bot_user,
            "chat": self._chat_object(chat_id),
            "date": self.unix_time(),
        }
        message.update(content)
        if isinstance(params.get("link_preview_options"), dict):
            message["link_preview_options"] = params["link_preview_options"]
        if markup is not None:
            message["reply_markup"] = markup
        self._store_message(chat_id, message)
        return self._public_message(message)

    def _editable(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if "inline_message_id" in params:
            raise ApiError(400, "Bad Request: message to edit not found")
        chat_id = self._chat_id(params)
        message = self._bot_messages.get(chat_id, {}).get(self._message_id(params))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return chat_id, message

    def _apply_edit(
        self, chat_id: int, message: dict[str, Any], changes: dict[str, Any]
    ) -> dict[str, Any]:
        edited = {k: v for k, v in message.items() if k not in changes or changes[k] is not None}
        edited.update({k: v for k, v in changes.items() if v is not None})
        if all(edited.get(k) == message.get(k) for k in ("text", "entities", "reply_markup")):
            raise ApiError(400, ERR_NOT_MODIFIED)
        edited["edit_date"] = self.unix_time()
        self._store_message(chat_id, edited)
        return self._public_message(edited)

    async def _edit_message_text(
        self, params: dict[str, Any], connection: ClientConnection
    ) -> dict[str, Any]:
        chat_id, message = self._editable(params)
        content = self._rendered_text(params)
        changes: dict[str, Any] = {"html": None, "entities": None}
        changes.update(content)
        # Without reply_markup Telegram removes the inline keyboard.
        changes["reply_markup"] = self._inline_markup(params)
        return self._apply_edit(chat_id, message, changes)

    async def _edit_message_reply_markup(
        self, params: dict[str, Any], connection: ClientConnection
    ) -> dict[str, Any]:
        chat_id, message = self._editable(params)
        changes = {"reply_markup": self._inline_markup(params)}
        return self._apply_edit(chat_id, message, changes)

    async def _edit_message_caption(
        self, params: dict[str, Any], connection: ClientConnection
    ) -> dict[str, Any]:
        chat_id, message = self._editable(params)
        if media.media_kind(message) is None:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        changes = media.caption_changes(self, params)
        changes["reply_markup"] = self._inline_markup(params)
        return media.apply(self, chat_id, message, changes)

    async def _edit_message_media(
        self, params: dict[str, Any], connection: ClientConnection
    ) -> dict[str, Any]:
        chat_id, message = self._editable(params)
        changes = media.media_changes(self, params, message)
        changes["reply_markup"] = self._inline_markup(params)
        return media.apply(self, chat_id, message, changes)

    async def _delete_message(self, params: dict[str, Any], connection: ClientConnection) -> bool:
        chat_id = self._chat_id(params)
        message_id = self._message_id(params)
        for store in (self._bot_messages, self._user_messages):
            found = store.get(chat_id, {}).get(message_id)
            if found is not None:
                media.check_deletable(self, found)
            if store.get(chat_id, {}).pop(message_id, None) is not None:
                self._on_deleted(chat_id, message_id)
                return True
        raise ApiError(400, "Bad Request: message to delete not found")

    async def _answer_callback_query(
        self, params: dict[str, Any], connection: ClientConnection
    ) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self.callback_answers or self.callback_answers[query_id] is not None:
            raise ApiError(400, ERR_QUERY_INVALID)
        text = params.get("text")
        if isinstance(text, str) and len(text) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self.callback_answers[query_id] = dict(params)
        return True

    async def _send_chat_action(
        self, params: dict[str, Any], connection: ClientConnection
    ) -> bool:
        self._chat_id(params)
        if not params.get("action"):
            raise ApiError(400, "Bad Request: action is empty")
        return True

    def _input_file(self, params: dict[str, Any], key: str, kind: str) -> StoredFile:
        """The file a send method names: a known file_id, or a new upload."""
        given = params.get(key)
        if isinstance(given, dict) and isinstance(given.get("body"), bytes):
            if not given["body"]:
                raise ApiError(400, "Bad Request: file must be non-empty")
            return self.add_file(
                kind, given["body"], given.get("filename"), given.get("content_type")
            )
        if isinstance(given, str) and given in self._files:
            known = self._files[given]
            if known.kind != kind:
                raise ApiError(400, f"Bad Request: can't use file of type {known.kind} as {kind}")
            return known
        if isinstance(given, str) and given:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        raise ApiError(400, f"Bad Request: there is no {key} in the request")

    async def _send_file(self, params: dict[str, Any], key: str, kind: str) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        stored = self._input_file(params, key, kind)
        markup = self._inline_markup(params)
        message: dict[str, Any] = {
            "message_id": self._new_message_id(chat_id),
            "from": self.bot_user,
            "chat": self._chat_object(chat_id),
            "date": self.unix_time(),
            kind: [stored.to_dict()] if kind == "photo" else stored.to_dict(),
        }
        if params.get("caption") not in (None, ""):
            caption = self._rendered_text({**params, "text": params["caption"]})
            if len(caption["text"]) > MAX_CAPTION_LENGTH:
                raise ApiError(400, "Bad Request: message caption is too long")
            message["caption"] = caption["text"]
            if "html" in caption:
                message["html"] = caption["html"]
            if "entities" in caption:
                message["caption_entities"] = caption["entities"]
        if markup is not None:
            message["reply_markup"] = markup
        self._store_message(chat_id, message)
        return self._public_message(message)

    async def _send_photo(
        self, params: dict[str, Any], connection: ClientConnection
    ) -> dict[str, Any]:
        return await self._send_file(params, "photo", "photo")

    async def _send_voice(
        self, params: dict[str, Any], connection: ClientConnection
    ) -> dict[str, Any]:
        return await self._send_file(params, "voice", "voice")

    async def _send_document(
        self, params: dict[str, Any], connection: ClientConnection
    ) -> dict[str, Any]:
        return await self._send_file(params, "document", "document")

    async def _get_file(
        self, params: dict[str, Any], connection: ClientConnection
    ) -> dict[str, Any]:
        file_id = params.get("file_id")
        if not isinstance(file_id, str) or file_id not in self._files:
            raise ApiError(400, "Bad Request: invalid file_id")
        stored = self._files[file_id]
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    def _commands_key(self, scope: Any, language_code: Any) -> tuple[str, str]:
        if scope is None or scope == "" or scope == {"type": "default"}:
            scope_key = "default"
        elif isinstance(scope, dict):
            normalized = dict(scope)
            chat_id = normalized.get("chat_id")
            if isinstance(chat_id, str) and INT_RE.fullmatch(chat_id):
                normalized["chat_id"] = int(chat_id)
            scope_key = json.dumps(normalized, sort_keys=True)
        else:
            raise ApiError(400, "Bad Request: can't parse BotCommandScope JSON object")
        return scope_key, str(language_code or "")

    def _commands_scope(self, params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope")
        if isinstance(scope, dict) and "chat_id" in scope:
            self._chat_id({"chat_id": scope["chat_id"]})
        return self._commands_key(scope, params.get("language_code"))

    async def _set_my_commands(self, params: dict[str, Any], connection: ClientConnection) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: too many commands")
        for command in commands:
            if not isinstance(command, dict):
                raise ApiError(400, "Bad Request: can't parse commands JSON object")
            if not COMMAND_RE.fullmatch(str(command.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise ApiError(400, "Bad Request: command description is empty or too long")
        key = self._commands_scope(params)
        if commands:
            self._commands[key] = [
                {"command": c["command"], "description": c["description"]} for c in commands
            ]
        else:
            self._commands.pop(key, None)
        return True

    async def _get_my_commands(
        self, params: dict[str, Any], connection: ClientConnection
    ) -> list[dict[str, Any]]:
        return list(self._commands.get(self._commands_scope(params), []))

    async def _delete_my_commands(
        self, params: dict[str, Any], connection: ClientConnection
    ) -> bool:
        self._commands.pop(self._commands_scope(params), None)
        return True

    async def _delete_webhook(self, params: dict[str, Any], connection: ClientConnection) -> bool:
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self.webhook_url = None
        return True
