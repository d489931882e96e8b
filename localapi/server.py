"""A Bot API server on this machine: the methods Chorus uses, as Telegram answers them.

`BotApiServer` serves the Bot API over HTTP from the running asyncio event loop (127.0.0.1
unless told otherwise), so a real ``telegram.Bot`` pointed at ``base_url`` talks to it exactly
as it talks to Telegram: ``getUpdates`` long polls, messages with inline keyboards and edits,
callback queries, command menus, photos, voice notes, documents and file downloads. People's
side of the chats is made with ``send_text``, ``tap`` and ``send_media``.

Try-out mode (bot/tryout/) runs it with a chat page in front; the end-to-end tests' fake
(tests/support/fake_bot_api.py) builds on it with fault injection and flood-limit checks.

Responses follow the Bot API: ``{"ok": true, "result": ...}`` or
``{"ok": false, "error_code": N, "description": "..."}`` with the matching HTTP status.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import copy
import itertools
import json
import logging
import re
import time
import traceback
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Self

import tornado.httpserver
import tornado.httputil
import tornado.netutil
import tornado.web

from localapi import media
from localapi.protocol import (
    COMMAND_RE,
    ERR_NOT_MODIFIED,
    ERR_QUERY_INVALID,
    INT_RE,
    MAX_CAPTION_LENGTH,
    MAX_MESSAGE_LENGTH,
    OPT_IN_UPDATE_TYPES,
    ApiError,
    Call,
    ChatUser,
    ClientConnection,
    Pending,
    StoredFile,
    parse_params,
    parse_telegram_html,
    update_type,
    utf16_len,
)

logger = logging.getLogger(__name__)

LOCALHOST = "127.0.0.1"


def _describe(error: BaseException) -> str:
    """The exception's type and where it was raised, without its message (which can hold
    what a member wrote)."""
    lines = []
    current: BaseException | None = error
    while current is not None:
        lines.append(type(current).__module__ + "." + type(current).__qualname__)
        for frame in traceback.extract_tb(current.__traceback__):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
        current = current.__cause__ or current.__context__
        if current is not None:
            lines.append("caused by:")
    return "\n".join(lines)


class _MethodHandler(tornado.web.RequestHandler):
    server: BotApiServer
    connection: ClientConnection

    def initialize(self, server: BotApiServer) -> None:
        self.server = server
        self.connection = ClientConnection()

    async def get(self, token: str, method: str) -> None:
        answer = await self.server._handle_request(token, method, self.request, self.connection)
        if answer is None:
            # A lost response: hang up without answering.
            self.detach().close()
            return
        status, body = answer
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(body)

    async def post(self, token: str, method: str) -> None:
        await self.get(token, method)

    def on_connection_close(self) -> None:
        self.connection.mark_closed()


class _NotFoundHandler(tornado.web.RequestHandler):
    def prepare(self) -> None:
        self.set_status(404)
        self.set_header("Content-Type", "application/json")
        self.finish(b'{"ok":false,"error_code":404,"description":"Not Found"}')


class _FileHandler(tornado.web.RequestHandler):
    """Serves file downloads (``/file/bot<token>/<file_path>``), as Telegram does."""

    def initialize(self, server: BotApiServer) -> None:
        self.server = server

    def get(self, token: str, path: str) -> None:
        stored = self.server.file_at(token, path)
        if stored is None:
            self.set_status(404)
            self.finish({"ok": False, "error_code": 404, "description": "Not Found"})
            return
        self.set_header("Content-Type", stored.mime_type or "application/octet-stream")
        self.finish(stored.content)


def _log_request(handler: tornado.web.RequestHandler) -> None:
    logger.debug("%s %s -> %s", handler.request.method, handler.request.uri, handler.get_status())


MethodImpl = Callable[[dict[str, Any], ClientConnection], Awaitable[Any]]
# The Bot API methods served, and the BotApiServer methods that implement them.
_METHODS = {
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
Route = tuple[str, type[tornado.web.RequestHandler], dict[str, Any]]


class BotApiServer:
    """A Bot API server for one bot, running on the current event loop.

    It keeps every chat, message, file and command menu in memory. Subclasses add routes
    (``extra_routes``) and watch what happens through the ``_on_*`` hooks.
    """

    def __init__(
        self,
        token: str,
        bot_username: str,
        *,
        host: str = LOCALHOST,
        port: int = 0,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.bot_first_name = "Chorus"
        self.host = host

        self.blocked: set[int] = set()
        self.acknowledged_offset = 0
        self.allowed_updates: list[str] | None = None
        self.webhook_url: str | None = None
        # callback_query id -> answerCallbackQuery params (None until answered)
        self.callback_answers: dict[str, dict[str, Any] | None] = {}

        self._port: int | None = port or None
        self._server: tornado.httpserver.HTTPServer | None = None
        self._closing = False
        self._inflight = 0
        self._idle: asyncio.Event | None = None
        self._stopping: asyncio.Event | None = None

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

        self._methods: dict[str, tuple[str, MethodImpl]] = {}
        for name, attribute in _METHODS.items():
            self.register_method(name, getattr(self, attribute))

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Starts serving on ``host`` (the same port again after a ``stop``)."""
        if self._server is not None:
            return
        self._closing = False
        self._idle = asyncio.Event()
        self._idle.set()
        self._stopping = asyncio.Event()
        routes: list[Any] = [
            (r"/bot([^/]*)/([^/?]+)", _MethodHandler, {"server": self}),
            (r"/file/bot([^/]*)/(.+)", _FileHandler, {"server": self}),
            *self.extra_routes(),
            (r".*", _NotFoundHandler),
        ]
        app = tornado.web.Application(routes, log_function=_log_request)
        sockets = tornado.netutil.bind_sockets(self._port or 0, self.host)
        self._port = sockets[0].getsockname()[1]
        self._server = tornado.httpserver.HTTPServer(app)
        self._server.add_sockets(sockets)
        self._on_start()
        logger.debug("Bot API listening on %s", self.base_url)

    async def stop(self) -> None:
        """Stops serving: answers pending long polls with [] and held requests, then closes."""
        if self._server is None:
            return
        self._closing = True
        if self._stopping is not None:
            self._stopping.set()
        self._notify_updates()
        await self._on_stop()
        if self._idle is not None and not self._idle.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._idle.wait(), timeout=2.0)
        server, self._server = self._server, None
        server.stop()
        await server.close_all_connections()
        await self._on_closed()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def unix_time(self) -> int:
        """The time messages are dated with (seconds since 1970)."""
        return int(time.time())

    def extra_routes(self) -> list[Route]:
        """More URL routes to serve beside the Bot API (none here)."""
        return []

    def _on_start(self) -> None:
        """Called once the server listens."""

    async def _on_stop(self) -> None:
        """Called when stopping, before waiting for requests in flight."""

    async def _on_closed(self) -> None:
        """Called once every connection is closed."""

    @property
    def port(self) -> int:
        """The TCP port the server listens on."""
        if self._port is None:
            raise RuntimeError("the Bot API server is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """Bot API base URL for ``telegram.Bot(base_url=...)`` (the token is appended)."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """File download base URL for ``telegram.Bot(base_file_url=...)``."""
        return f"http://{self.host}:{self.port}/file/bot"

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot's ``User`` object."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def register_method(self, name: str, impl: MethodImpl) -> None:
        """Implements (or replaces) Bot API method ``name`` with ``impl(params, connection)``.

        ``impl`` returns the ``result`` or raises ``ApiError``.
        """
        self._methods[name.lower()] = (name, impl)

    # ------------------------------------------------------------------ request handling

    async def _handle_request(
        self,
        token: str,
        method: str,
        request: tornado.httputil.HTTPServerRequest,
        connection: ClientConnection,
    ) -> tuple[int, bytes] | None:
        """Status and body of the answer, or ``None`` to hang up without one."""
        if token != self.token:
            return 401, b'{"ok":false,"error_code":401,"description":"Unauthorized"}'
        key = method.lower()
        known = self._methods.get(key)
        try:
            params = parse_params(request)
        except ApiError as exc:
            params = {}
            parse_error: ApiError | None = exc
        else:
            parse_error = None
        call = Call(known[0] if known else method, params, time.monotonic())
        self._on_call(call, known=known is not None)
        if known is None:
            error = ApiError(404, "Not Found: method not implemented")
            return self._answer(call, error.status, error.payload(), notify=False)
        assert self._idle is not None
        self._inflight += 1
        self._idle.clear()
        try:
            return await self._serve(call, key, known[1], connection, parse_error)
        finally:
            self._inflight -= 1
            if self._inflight == 0:
                self._idle.set()

    async def _serve(
        self,
        call: Call,
        key: str,
        impl: MethodImpl,
        connection: ClientConnection,
        parse_error: ApiError | None,
    ) -> tuple[int, bytes] | None:
        """Answers one call of a known method (``None``: hang up without an answer)."""
        status, payload = await self._outcome(
            call.method, impl, call.params, connection, parse_error
        )
        return self._answer(call, status, payload)

    async def _outcome(
        self,
        method: str,
        impl: MethodImpl,
        params: dict[str, Any],
        connection: ClientConnection,
        error: ApiError | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """Status and payload of a call: ``error`` if given, else what the method answers."""
        try:
            if error is not None:
                raise error
            result = await impl(params, connection)
            return 200, {"ok": True, "result": result}
        except ApiError as exc:
            return exc.status, exc.payload()
        except Exception as exc:
            logger.error("Bot API method %s failed: %s", method, _describe(exc))
            return 500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}

    def _answer(
        self, call: Call, status: int, payload: dict[str, Any], notify: bool = True
    ) -> tuple[int, bytes]:
        call.status = status
        call.response = payload
        if notify:
            self._on_answered(call)
        return status, json.dumps(payload, ensure_ascii=False).encode("utf-8")

    def _on_call(self, call: Call, *, known: bool) -> None:
        """Called when a request arrives, before it is handled."""

    def _on_answered(self, call: Call) -> None:
        """Called when a call of a known method has been answered."""

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

    @staticmethod
    def _public_message(message: dict[str, Any]) -> dict[str, Any]:
        """The Message object as Telegram sends it (without the server's bookkeeping)."""
        return {key: value for key, value in message.items() if key != "html"}

    def _store_message(self, chat_id: int, message: dict[str, Any]) -> None:
        self._bot_messages.setdefault(chat_id, {})[message["message_id"]] = message
        self._on_message(chat_id, message)

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

        # A newer getUpdates ends a long poll that is still waiting, as on Telegram.
        if self._active_poll is not None and not self._active_poll.done():
            self._active_poll.set_result(None)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
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
            if connection.closed.done():
                return []
            if self.webhook_url:
                return []
            batch = self._take_updates(limit)
        for entry in batch:
            entry.redelivery = False
        return [entry.update for entry in batch]

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
