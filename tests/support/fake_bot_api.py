"""An in-process fake of Telegram's Bot API HTTP server for tests.

`FakeBotApi` serves the Bot API over HTTP on 127.0.0.1 (an ephemeral port) from the running
asyncio event loop, so a real ``telegram.Bot`` pointed at ``fake.base_url`` talks to it exactly
as it would talk to Telegram. Tests create updates the way a user would (``send_text``, ``tap``),
then inspect what the bot did (``calls``, ``texts_to``, ``wait_for``) and inject faults
(``hold``, ``fail_next``, ``blocked``, ``fail_chats``, ``lose_response_next``, ``delay_next``).

Telegram's flood limits can be switched on (``limit_per_second``, ``limit_private_interval``,
``limit_group_per_minute``): calls that break them are recorded in ``breaches`` and, unless
``enforce_limits`` is off, answered with 429 "Too Many Requests" like Telegram does.
``delivered_to`` and ``duplicates`` count what reached the users, e.g. for benchmarks.

Responses follow the Bot API: ``{"ok": true, "result": ...}`` or
``{"ok": false, "error_code": N, "description": "..."}`` with the matching HTTP status.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import copy
import html
import itertools
import json
import logging
import re
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from types import TracebackType
from typing import Any

import httpx
import tornado.httpserver
import tornado.httputil
import tornado.netutil
import tornado.web

logger = logging.getLogger(__name__)

MAX_MESSAGE_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
WEBHOOK_RETRY_DELAY = 0.05
WEBHOOK_MAX_TRIES = 200

# Parameters that clients send JSON-encoded inside form fields.
_JSON_KEYS = frozenset(
    {
        "reply_markup",
        "commands",
        "scope",
        "allowed_updates",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
        "media",
        "results",
        "options",
    }
)
_INT_KEYS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "timeout",
        "from_chat_id",
        "reply_to_message_id",
        "message_thread_id",
        "user_id",
        "cache_time",
        "max_connections",
    }
)
_BOOL_KEYS = frozenset(
    {
        "show_alert",
        "drop_pending_updates",
        "disable_notification",
        "protect_content",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "is_personal",
        "has_spoiler",
    }
)
_INT_RE = re.compile(r"-?\d+")
_FLOAT_RE = re.compile(r"-?\d+\.\d*")

# Update types Telegram leaves out when no allowed_updates were ever given.
_OPT_IN_UPDATE_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

_HTML_ALLOWED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)
_HTML_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
# Telegram decodes numeric references and only these four named ones.
_HTML_ENTITY_RE = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")

# Methods that send or edit a message: these count towards Telegram's flood limits.
COUNTED_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendAudio",
        "sendDocument",
        "sendVideo",
        "sendAnimation",
        "sendVoice",
        "sendVideoNote",
        "sendPaidMedia",
        "sendMediaGroup",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendPoll",
        "sendDice",
        "sendSticker",
        "sendInvoice",
        "sendGame",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
        "editMessageText",
        "editMessageCaption",
        "editMessageMedia",
        "editMessageReplyMarkup",
        "editMessageLiveLocation",
        "stopMessageLiveLocation",
    }
)
_COUNTED_KEYS = frozenset(name.lower() for name in COUNTED_METHODS)

_ERR_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
_ERR_QUERY_INVALID = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)


@dataclass
class Call:
    """One Bot API request the fake received.

    ``status`` and ``response`` are filled in once the request has been answered; they stay
    ``None`` while the request is held, delayed or long-polling (and for good if a
    ``delay_next(..., store=False)`` request was dropped).
    """

    method: str
    params: dict[str, Any]
    at: float
    status: int | None = None
    response: dict[str, Any] | None = None


@dataclass
class Breach:
    """One counted call that broke a flood limit.

    ``kind`` is ``"overall"`` (``limit_per_second``), ``"private_chat"``
    (``limit_private_interval``) or ``"group_chat"`` (``limit_group_per_minute``); ``at`` is the
    ``FakeBotApi.clock`` reading when the call arrived; ``detail`` says by how much.
    """

    kind: str
    method: str
    chat_id: int | None
    at: float
    detail: str


@dataclass(frozen=True)
class _Delay:
    seconds: float
    store: bool


@dataclass
class FakeUser:
    """A Telegram user who chats with the bot in a private chat."""

    id: int
    first_name: str
    username: str | None = None
    language_code: str = "en"

    def to_dict(self) -> dict[str, Any]:
        """The Bot API ``User`` object for this user."""
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.username is not None:
            user["username"] = self.username
        user["language_code"] = self.language_code
        return user


@dataclass(frozen=True)
class StoredFile:
    """A file the fake holds: sent by a user, or uploaded by the bot."""

    file_id: str
    file_unique_id: str
    kind: str  # photo | voice | document
    content: bytes
    file_name: str | None = None
    mime_type: str | None = None

    @property
    def file_path(self) -> str:
        """Where the file is downloaded from, below the file base URL and token."""
        return f"{self.kind}s/{self.file_unique_id}"

    def to_dict(self) -> dict[str, Any]:
        """The Bot API object for this file inside a Message (PhotoSize, Voice, Document)."""
        base: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
        }
        if self.kind == "photo":
            base.update(width=320, height=240)
        elif self.kind == "voice":
            base.update(duration=3, mime_type=self.mime_type or "audio/ogg")
        else:
            if self.file_name is not None:
                base["file_name"] = self.file_name
            if self.mime_type is not None:
                base["mime_type"] = self.mime_type
        return base


class ApiError(Exception):
    """An error answer of the Bot API; raising it inside a method implementation sends it."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram would answer with."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


@dataclass(eq=False)
class _Pending:
    update_id: int
    update: dict[str, Any]
    # A redelivered update survives an offset that already acknowledged its id until it has
    # been handed out once more.
    redelivery: bool = False


class _HtmlError(Exception):
    pass


class _TelegramHtml(HTMLParser):
    """Parses text for ``parse_mode=HTML`` the way Telegram does, but stricter about ``&``.

    Produces the visible text and the Bot API ``entities`` (UTF-16 offsets).
    """

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self._source = source
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self._parts: list[str] = []
        self._utf16_len = 0
        # (tag, attrs, start offset in UTF-16 units, extra entity fields)
        self._stack: list[tuple[str, dict[str, str | None], int, dict[str, Any]]] = []
        self.entities: list[dict[str, Any]] = []

    def parse(self) -> str:
        """Checks the markup and returns the visible text."""
        for match in re.finditer("&", self._source):
            if not _HTML_ENTITY_RE.match(self._source, match.start()):
                raise _HtmlError(
                    f'unescaped "&" at byte offset {self._byte_offset(match.start())}; '
                    'use "&amp;" (only &lt; &gt; &amp; &quot; and numeric entities exist)'
                )
        self.feed(self._source)
        self.close()
        if self._stack:
            raise _HtmlError(
                f'Can\'t find end tag corresponding to start tag "{self._stack[-1][0]}"'
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return html.unescape("".join(self._parts))

    def _byte_offset(self, index: int) -> int:
        return len(self._source[:index].encode("utf-8"))

    def _here(self, extra: int = 0) -> int:
        line, column = self.getpos()
        return self._byte_offset(self._line_starts[line - 1] + column + extra)

    def _add_text(self, raw: str) -> None:
        self._parts.append(raw)
        self._utf16_len += len(html.unescape(raw).encode("utf-16-le")) // 2

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_ALLOWED_TAGS:
            raise _HtmlError(f'Unsupported start tag "{tag}" at byte offset {self._here()}')
        attributes = dict(attrs)
        extra: dict[str, Any] = {}
        if tag == "span" and attributes.get("class") != "tg-spoiler":
            raise _HtmlError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self._here()}'
            )
        if tag == "tg-emoji":
            if not attributes.get("emoji-id"):
                raise _HtmlError(
                    f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {self._here()}'
                )
            extra["custom_emoji_id"] = attributes["emoji-id"]
        if tag == "a" and attributes.get("href"):
            extra["url"] = attributes["href"]
        if tag == "blockquote" and "expandable" in attributes:
            extra["type"] = "expandable_blockquote"
        self._stack.append((tag, attributes, self._utf16_len, extra))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self._stack:
            raise _HtmlError(f"Unexpected end tag at byte offset {self._here()}")
        open_tag, attributes, start, extra = self._stack[-1]
        if open_tag != tag:
            raise _HtmlError(
                f'Unmatched end tag at byte offset {self._here()}, expected "</{open_tag}>", '
                f'found "</{tag}>"'
            )
        self._stack.pop()
        css_class = attributes.get("class") or ""
        if tag == "code" and self._stack and self._stack[-1][0] == "pre":
            # <pre><code class="language-x"> is one pre entity with a language.
            if css_class.startswith("language-"):
                self._stack[-1][3]["language"] = css_class.removeprefix("language-")
            return
        length = self._utf16_len - start
        if length <= 0 or (tag == "a" and "url" not in extra):
            return
        entity: dict[str, Any] = {"type": _HTML_ENTITY_TYPES[tag], "offset": start}
        entity["length"] = length
        entity.update(extra)
        self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        if "<" in data:
            offset = self._here(data.index("<"))
            raise _HtmlError(f'Unsupported start tag "" at byte offset {offset}; use "&lt;"')
        if "&" in data:
            raise _HtmlError(f'unescaped "&" at byte offset {self._here(data.index("&"))}')
        self._add_text(data)

    def handle_entityref(self, name: str) -> None:
        self._add_text(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._add_text(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        raise _HtmlError(f'Unsupported start tag "!--" at byte offset {self._here()}')

    def handle_decl(self, decl: str) -> None:
        raise _HtmlError(f'Unsupported start tag "!" at byte offset {self._here()}')

    def unknown_decl(self, data: str) -> None:
        raise _HtmlError(f'Unsupported start tag "!" at byte offset {self._here()}')

    def handle_pi(self, data: str) -> None:
        raise _HtmlError(f'Unsupported start tag "?" at byte offset {self._here()}')


def parse_telegram_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Visible text and entities of ``text`` sent with ``parse_mode=HTML``.

    Raises ``ApiError`` (400 "can't parse entities") for markup Telegram would reject, and also
    for a bare ``&`` (Telegram shows it literally; here it flags text that was not escaped).
    """
    parser = _TelegramHtml(text)
    try:
        visible = parser.parse()
    except _HtmlError as exc:
        raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
    return visible, parser.entities


def _decode_value(key: str, value: Any) -> Any:
    if key in _JSON_KEYS and isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    if isinstance(value, str):
        if key in _INT_KEYS:
            if _INT_RE.fullmatch(value):
                return int(value)
            if key == "timeout" and _FLOAT_RE.fullmatch(value):
                return float(value)
        elif key in _BOOL_KEYS and value in ("true", "false", "True", "False"):
            return value.lower() == "true"
    return value


def _parse_params(request: tornado.httputil.HTTPServerRequest) -> dict[str, Any]:
    """Decoded parameters of a Bot API request (query string, form, multipart or JSON)."""
    raw: dict[str, Any] = {}
    for name, values in request.query_arguments.items():
        raw[name] = values[-1].decode("utf-8", "replace")
    content_type = request.headers.get("Content-Type", "")
    if content_type.startswith("application/json"):
        if request.body.strip():
            try:
                body = json.loads(request.body)
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON object") from None
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: JSON object expected")
            raw.update(body)
    else:
        # tornado has already parsed form-urlencoded and multipart bodies.
        for name, values in request.body_arguments.items():
            raw[name] = values[-1].decode("utf-8", "replace")
        for name, files in request.files.items():
            upload = files[-1]
            raw[name] = {
                "filename": upload.filename,
                "content_type": upload.content_type,
                "size": len(upload.body),
                "body": upload.body,
            }
    return {key: _decode_value(key, value) for key, value in raw.items()}


def _update_type(update: dict[str, Any]) -> str:
    return next((key for key in update if key != "update_id"), "")


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class ClientConnection:
    """Tracks whether the client of one request is still connected.

    ``closed`` completes when the client goes away, e.g. when it cancels a long poll.
    """

    def __init__(self) -> None:
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def mark_closed(self) -> None:
        if not self.closed.done():
            self.closed.set_result(None)


class _MethodHandler(tornado.web.RequestHandler):
    fake: FakeBotApi
    connection: ClientConnection

    def initialize(self, fake: FakeBotApi) -> None:
        self.fake = fake
        self.connection = ClientConnection()

    async def get(self, token: str, method: str) -> None:
        answer = await self.fake._handle_request(token, method, self.request, self.connection)
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

    def initialize(self, fake: FakeBotApi) -> None:
        self.fake = fake

    def get(self, token: str, path: str) -> None:
        stored = self.fake.file_at(token, path)
        if stored is None:
            self.set_status(404)
            self.finish({"ok": False, "error_code": 404, "description": "Not Found"})
            return
        self.set_header("Content-Type", stored.mime_type or "application/octet-stream")
        self.finish(stored.content)


def _log_request(handler: tornado.web.RequestHandler) -> None:
    logger.debug("%s %s -> %s", handler.request.method, handler.request.uri, handler.get_status())


MethodImpl = Callable[[dict[str, Any], ClientConnection], Awaitable[Any]]


class FakeBotApi:
    """A fake Telegram Bot API server for one bot, running on the current event loop.

    Flood limits (all off by default; the keyword arguments are also mutable attributes) apply
    to the calls of ``COUNTED_METHODS``, checked when a call arrives, before it is handled:

    * ``limit_per_second``: more than this many counted calls within the last second
      (window ``(t - 1, t]``, ``t`` the arrival time, the call itself included) is a breach;
    * ``limit_private_interval``: a counted call to a private chat (positive id) less than this
      many seconds after the previous one to that chat is a breach;
    * ``limit_group_per_minute``: more than this many counted calls to one group chat (negative
      id) within the last 60 seconds is a breach.

    Every breach is appended to ``breaches``. With ``enforce_limits`` (the default) the call is
    then answered like Telegram does, with 429 "Too Many Requests: retry after N" and
    ``parameters.retry_after`` N = ``retry_after_on_breach``, and nothing is sent. Breaching
    calls still count in the windows, as do calls that fail for another reason.

    ``tolerance`` (seconds, default 0) shortens every window and interval when checking: a client
    that paces itself exactly at a limit can still have its requests arrive slightly closer
    together than it sent them (network and event loop jitter), e.g. with
    ``limit_private_interval=1.0`` and ``tolerance=0.05`` a gap of 0.96 s passes, and the
    overall window becomes ``(t - 0.95, t]``. Changing it affects later checks only.

    ``clock`` (default ``time.monotonic``) is the non-decreasing time source of the limit
    checks; tests can replace it to move time without sleeping.

    Bookkeeping is O(1) amortised per call (deques pruned to the windows).
    """

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "chorus_test_bot",
        *,
        limit_per_second: float | None = None,
        limit_private_interval: float | None = None,
        limit_group_per_minute: int | None = None,
        enforce_limits: bool = True,
        retry_after_on_breach: int = 1,
        tolerance: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.bot_first_name = "Chorus"

        self.calls: list[Call] = []
        self.unknown_calls: list[Call] = []
        self.blocked: set[int] = set()
        self.acknowledged_offset = 0
        self.allowed_updates: list[str] | None = None
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.webhook_delivered: list[int] = []
        self.webhook_last_error: tuple[int, str] | None = None
        # callback_query id -> answerCallbackQuery params (None until answered)
        self.callback_answers: dict[str, dict[str, Any] | None] = {}

        self.limit_per_second = limit_per_second
        self.limit_private_interval = limit_private_interval
        self.limit_group_per_minute = limit_group_per_minute
        self.enforce_limits = enforce_limits
        self.retry_after_on_breach = retry_after_on_breach
        self.tolerance = tolerance
        self.clock = clock
        self.breaches: list[Breach] = []
        # chat id -> (status, description) every counted call to that chat is answered with
        self.fail_chats: dict[int, tuple[int, str]] = {}
        # Calls that were handled but whose response was never sent (``lose_response_next``).
        self.lost_responses: list[Call] = []

        self._port: int | None = None
        self._server: tornado.httpserver.HTTPServer | None = None
        self._closing = False
        self._inflight = 0
        self._idle: asyncio.Event | None = None
        self._stopping: asyncio.Event | None = None

        self._users: dict[int, FakeUser] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._next_message_id: dict[int, int] = {}
        self._bot_messages: dict[int, dict[int, dict[str, Any]]] = {}
        self._user_messages: dict[int, dict[int, dict[str, Any]]] = {}
        self._sent_index: dict[int, list[Call]] = {}
        # chat id -> text (or caption) of each message the bot sent there, at sending time
        self._delivered: dict[int, list[str | None]] = {}
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        # file_id -> stored file (sent by users or uploaded by the bot)
        self._files: dict[str, StoredFile] = {}
        self._file_ids = itertools.count(1)

        self._next_update_id = 1000
        self._updates_by_id: dict[int, dict[str, Any]] = {}
        self._pending: list[_Pending] = []
        self._update_waiters: set[asyncio.Future[None]] = set()
        self._active_poll: asyncio.Future[None] | None = None
        self._query_ids = itertools.count(1)

        self._holds: dict[str, asyncio.Event] = {}
        self._faults: dict[str, deque[ApiError]] = {}
        self._losses: dict[str, int] = {}
        self._delays: dict[str, deque[_Delay]] = {}
        # Arrival times (``clock``) of recent counted calls: overall, per group chat; and the
        # last one per private chat.
        self._recent: deque[float] = deque()
        self._group_recent: dict[int, deque[float]] = {}
        self._private_last: dict[int, float] = {}
        self._call_waiters: list[tuple[Callable[[Call], bool], asyncio.Future[Call]]] = []
        self._message_waiters: list[
            tuple[int, Callable[[dict[str, Any]], bool], asyncio.Future[dict[str, Any]]]
        ] = []

        self._webhook_task: asyncio.Task[None] | None = None
        self._webhook_client: httpx.AsyncClient | None = None
        self._webhook_max_connections = 40

        self._methods: dict[str, tuple[str, MethodImpl]] = {}
        for name, impl in (
            ("getMe", self._get_me),
            ("getUpdates", self._get_updates),
            ("setWebhook", self._set_webhook),
            ("deleteWebhook", self._delete_webhook),
            ("getWebhookInfo", self._get_webhook_info),
            ("sendMessage", self._send_message),
            ("editMessageText", self._edit_message_text),
            ("editMessageReplyMarkup", self._edit_message_reply_markup),
            ("deleteMessage", self._delete_message),
            ("answerCallbackQuery", self._answer_callback_query),
            ("setMyCommands", self._set_my_commands),
            ("getMyCommands", self._get_my_commands),
            ("deleteMyCommands", self._delete_my_commands),
            ("sendChatAction", self._send_chat_action),
            ("sendPhoto", self._send_photo),
            ("sendVoice", self._send_voice),
            ("sendDocument", self._send_document),
            ("getFile", self._get_file),
            ("close", self._ok),
            ("logOut", self._ok),
        ):
            self.register_method(name, impl)

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Starts serving on 127.0.0.1 (the same port again after a ``stop``)."""
        if self._server is not None:
            return
        self._closing = False
        self._idle = asyncio.Event()
        self._idle.set()
        self._stopping = asyncio.Event()
        app = tornado.web.Application(
            [
                (r"/bot([^/]*)/([^/?]+)", _MethodHandler, {"fake": self}),
                (r"/file/bot([^/]*)/(.+)", _FileHandler, {"fake": self}),
                (r".*", _NotFoundHandler),
            ],
            log_function=_log_request,
        )
        sockets = tornado.netutil.bind_sockets(self._port or 0, "127.0.0.1")
        self._port = sockets[0].getsockname()[1]
        self._server = tornado.httpserver.HTTPServer(app)
        self._server.add_sockets(sockets)
        if self.webhook_url:
            self._start_webhook_delivery()
        logger.debug("fake Bot API listening on %s", self.base_url)

    async def stop(self) -> None:
        """Stops serving: answers pending long polls with [] and held requests, then closes."""
        if self._server is None:
            return
        self._closing = True
        if self._stopping is not None:
            self._stopping.set()
        self._notify_updates()
        for gate in self._holds.values():
            gate.set()
        self._holds.clear()
        await self._stop_webhook_delivery()
        if self._idle is not None and not self._idle.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._idle.wait(), timeout=2.0)
        server, self._server = self._server, None
        server.stop()
        await server.close_all_connections()
        if self._webhook_client is not None:
            await self._webhook_client.aclose()
            self._webhook_client = None

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        """The TCP port the server listens on."""
        if self._port is None:
            raise RuntimeError("FakeBotApi is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """Bot API base URL for ``telegram.Bot(base_url=...)`` (the token is appended)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """File download base URL for ``telegram.Bot(base_file_url=...)``."""
        return f"http://127.0.0.1:{self.port}/file/bot"

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
            params = _parse_params(request)
        except ApiError as exc:
            params = {}
            parse_error: ApiError | None = exc
        else:
            parse_error = None
        call = Call(known[0] if known else method, params, time.monotonic())
        self._index_sent(call)
        if known is None:
            self.unknown_calls.append(call)
            error = ApiError(404, "Not Found: method not implemented in the fake")
            return self._answer(call, error.status, error.payload(), notify=False)
        self.calls.append(call)
        self._notify_call(call)

        counted = key in _COUNTED_KEYS
        chat_id = self._limit_chat_id(params) if counted else None
        breached = self._check_limits(call.method, chat_id) if counted else False
        delay = self._take_delay(key)
        lose = self._take_loss(key)

        assert self._idle is not None
        self._inflight += 1
        self._idle.clear()
        try:
            gate = self._holds.get(key)
            if gate is not None:
                await gate.wait()
            if delay is not None and not delay.store:
                await self._pause(delay.seconds, connection)
                if connection.closed.done():
                    # The client gave up before the request was handled: nothing happens.
                    return None
            status, payload = await self._outcome(
                method, known[1], params, connection, parse_error, counted, chat_id, breached
            )
            if delay is not None and delay.store:
                await self._pause(delay.seconds, connection)
            answer = self._answer(call, status, payload)
            if lose:
                self.lost_responses.append(call)
                return None
            return answer
        finally:
            self._inflight -= 1
            if self._inflight == 0:
                self._idle.set()

    async def _outcome(
        self,
        method: str,
        impl: MethodImpl,
        params: dict[str, Any],
        connection: ClientConnection,
        parse_error: ApiError | None,
        counted: bool,
        chat_id: int | None,
        breached: bool,
    ) -> tuple[int, dict[str, Any]]:
        """Handles one call: status and payload of its answer.

        Errors take precedence in this order: unparsable parameters, ``fail_next``, a flood
        limit breach (when enforced), ``fail_chats``, then the method's own checks.
        """
        try:
            if parse_error is not None:
                raise parse_error
            faults = self._faults.get(method.lower())
            if faults:
                raise faults.popleft()
            if breached and self.enforce_limits:
                retry_after = self.retry_after_on_breach
                raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)
            if counted and chat_id is not None and chat_id in self.fail_chats:
                status, description = self.fail_chats[chat_id]
                raise ApiError(status, description)
            result = await impl(params, connection)
            return 200, {"ok": True, "result": result}
        except ApiError as exc:
            return exc.status, exc.payload()
        except Exception:
            logger.exception("fake Bot API failed on %s %r", method, params)
            return 500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}

    async def _pause(self, seconds: float, connection: ClientConnection) -> None:
        """Waits ``seconds``, less if the client hangs up or the server stops."""
        if seconds <= 0:
            return
        waits: set[asyncio.Future[Any]] = {connection.closed}
        if self._stopping is not None:
            waits.add(asyncio.ensure_future(self._stopping.wait()))
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                if waiting is not connection.closed:
                    waiting.cancel()

    def _take_delay(self, key: str) -> _Delay | None:
        delays = self._delays.get(key)
        return delays.popleft() if delays else None

    def _take_loss(self, key: str) -> bool:
        left = self._losses.get(key, 0)
        if left <= 0:
            return False
        self._losses[key] = left - 1
        return True

    # ------------------------------------------------------------------ flood limits

    def _limit_chat_id(self, params: dict[str, Any]) -> int | None:
        """The target chat of a counted call, if it names one the fake can resolve."""
        chat_id = params.get("chat_id")
        if isinstance(chat_id, bool):
            return None
        if isinstance(chat_id, int):
            return chat_id
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            username = chat_id[1:]
            return next(
                (cid for cid, chat in self._chats.items() if chat.get("username") == username),
                None,
            )
        return None

    def _check_limits(self, method: str, chat_id: int | None) -> bool:
        """Counts a call arriving now; records and reports whether it breaks a limit."""
        now = self.clock()
        tolerance = max(0.0, self.tolerance)
        found: list[Breach] = []

        window = max(0.0, 1.0 - tolerance)
        recent = self._recent
        while recent and recent[0] <= now - window:
            recent.popleft()
        recent.append(now)
        limit = self.limit_per_second
        if limit is not None and len(recent) > limit:
            found.append(
                Breach(
                    "overall",
                    method,
                    chat_id,
                    now,
                    f"{len(recent)} counted calls within {window:g} s "
                    f"(limit {limit:g} per second)",
                )
            )

        if chat_id is not None and chat_id > 0:
            last = self._private_last.get(chat_id)
            self._private_last[chat_id] = now
            interval = self.limit_private_interval
            if interval is not None and last is not None and now - last < interval - tolerance:
                found.append(
                    Breach(
                        "private_chat",
                        method,
                        chat_id,
                        now,
                        f"{now - last:.3f} s after the previous call to private chat {chat_id} "
                        f"(minimum interval {interval:g} s, tolerance {tolerance:g} s)",
                    )
                )
        elif chat_id is not None and chat_id < 0:
            window = max(0.0, 60.0 - tolerance)
            group = self._group_recent.get(chat_id)
            if group is None:
                group = self._group_recent[chat_id] = deque()
            while group and group[0] <= now - window:
                group.popleft()
            group.append(now)
            per_minute = self.limit_group_per_minute
            if per_minute is not None and len(group) > per_minute:
                found.append(
                    Breach(
                        "group_chat",
                        method,
                        chat_id,
                        now,
                        f"{len(group)} counted calls to group chat {chat_id} within "
                        f"{window:g} s (limit {per_minute} per minute)",
                    )
                )

        if found:
            self.breaches.extend(found)
            for breach in found:
                logger.debug("flood limit breach: %s %s: %s", breach.kind, method, breach.detail)
        return bool(found)

    def _answer(
        self, call: Call, status: int, payload: dict[str, Any], notify: bool = True
    ) -> tuple[int, bytes]:
        call.status = status
        call.response = payload
        if notify:
            # Again, so that predicates looking at the answer can match.
            self._notify_call(call)
        return status, json.dumps(payload, ensure_ascii=False).encode("utf-8")

    def _index_sent(self, call: Call) -> None:
        method = call.method
        if not method.startswith("send") or method == "sendChatAction":
            return
        chat_id = call.params.get("chat_id")
        if isinstance(chat_id, int):
            self._sent_index.setdefault(chat_id, []).append(call)

    def _notify_call(self, call: Call) -> None:
        if not self._call_waiters:
            return
        for predicate, future in list(self._call_waiters):
            if future.done():
                continue
            try:
                matched = predicate(call)
            except Exception as exc:
                future.set_exception(exc)
                continue
            if matched:
                future.set_result(call)

    def _notify_message(self, chat_id: int, message: dict[str, Any]) -> None:
        if not self._message_waiters:
            return
        for waiter_chat, predicate, future in list(self._message_waiters):
            if waiter_chat == chat_id and not future.done() and predicate(message):
                future.set_result(message)

    # ------------------------------------------------------------------ fault injection

    def hold(self, method: str) -> None:
        """Makes requests to ``method`` wait, unanswered, until ``release(method)``.

        Held requests are recorded in ``calls`` when they arrive.
        """
        self._holds.setdefault(method.lower(), asyncio.Event())

    def release(self, method: str) -> None:
        """Answers the held requests to ``method`` normally and stops holding it."""
        gate = self._holds.pop(method.lower(), None)
        if gate is not None:
            gate.set()

    def fail_next(
        self,
        method: str,
        status: int,
        description: str,
        retry_after: int | None = None,
        count: int = 1,
    ) -> None:
        """Answers the next ``count`` requests to ``method`` with this error.

        Errors are queued, one per call, after any queued before. A 5xx status makes PTB raise
        ``NetworkError``; a ``retry_after`` makes it raise ``RetryAfter``.
        """
        error = ApiError(status, description, retry_after)
        self._faults.setdefault(method.lower(), deque()).extend([error] * count)

    def lose_response_next(self, method: str, count: int = 1) -> None:
        """Handles the next ``count`` requests to ``method`` normally but never answers them.

        A message they send is stored (``texts_to`` shows it); then the server closes the
        connection without a response, so the client sees a network error. The calls are
        recorded in ``lost_responses`` (and in ``calls``, with the status they would have got).
        """
        key = method.lower()
        self._losses[key] = self._losses.get(key, 0) + count

    def delay_next(self, method: str, seconds: float, count: int = 1, store: bool = True) -> None:
        """Answers the next ``count`` requests to ``method`` only after ``seconds``.

        With ``store`` (the default) the request is handled at once (a message is stored) and
        only the answer waits, so a client with a shorter timeout gives up on a message that
        was in fact sent. Without ``store`` the request waits before it is handled and is
        dropped, unhandled, if the client hangs up in the meantime (as if it never reached
        Telegram; its ``Call`` keeps ``status`` None). Stopping the server cuts delays short.
        """
        delay = _Delay(seconds, store)
        self._delays.setdefault(method.lower(), deque()).extend([delay] * count)

    # ------------------------------------------------------------------ making updates

    def user(self, id: int, first_name: str = "Sam", username: str | None = None) -> FakeUser:
        """A user who has a private chat with the bot."""
        user = FakeUser(id=id, first_name=first_name, username=username)
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

    def send_text(self, user: FakeUser, text: str) -> int:
        """Queues a private-chat text message from ``user``; returns its update_id."""
        if user.id not in self._chats:
            self.user(user.id, user.first_name, user.username)
        message: dict[str, Any] = {
            "message_id": self._new_message_id(user.id),
            "from": user.to_dict(),
            "chat": self._chat_object(user.id),
            "date": int(time.time()),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0] if text.strip() else text
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": _utf16_len(command)}
            ]
        self._user_messages.setdefault(user.id, {})[message["message_id"]] = message
        return self.add_update({"message": message})

    def tap(self, user: FakeUser, message_id: int, data: str) -> int:
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

    def file(self, file_id: str) -> StoredFile:
        """A stored file by its id (fails the test if there is none)."""
        if file_id not in self._files:
            raise AssertionError(f"no file {file_id!r} was ever stored")
        return self._files[file_id]

    def send_media(
        self,
        user: FakeUser,
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
            "date": int(time.time()),
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
        self._queue(_Pending(update_id, update))
        return update_id

    def resend(self, update_id: int) -> None:
        """Delivers the same update once more, even if the bot already acknowledged it."""
        if update_id not in self._updates_by_id:
            raise AssertionError(f"no update {update_id} was ever added")
        self._queue(_Pending(update_id, self._updates_by_id[update_id], redelivery=True))

    def _queue(self, entry: _Pending) -> None:
        if not self._pending or self._pending[-1].update_id <= entry.update_id:
            self._pending.append(entry)
        else:
            bisect.insort_right(self._pending, entry, key=lambda p: p.update_id)
        self._notify_updates()
        if self.webhook_url and self._server is not None:
            self._start_webhook_delivery()

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
        kind = _update_type(update)
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in _OPT_IN_UPDATE_TYPES

    @property
    def pending_update_count(self) -> int:
        """Updates not yet acknowledged by the bot."""
        return len(self._pending)

    # ------------------------------------------------------------------ inspecting

    def sent_to(self, chat_id: int) -> list[Call]:
        """The ``send*`` calls (except sendChatAction) addressed to ``chat_id``, in order."""
        return list(self._sent_index.get(chat_id, ()))

    def delivered_to(self, chat_id: int) -> int:
        """How many messages the bot sent to ``chat_id`` that the fake accepted and stored.

        Edits do not count; messages deleted later still do.
        """
        return len(self._delivered.get(chat_id, ()))

    def duplicates(self, predicate: Callable[[str], bool] | None = None) -> dict[int, int]:
        """Per chat, how many sent messages repeat the text of an earlier one in that chat.

        Texts (or captions) are compared as they were sent, before any edit; messages with
        neither are ignored, and so are those for which ``predicate(text)`` is false. Chats
        without duplicates are left out, so ``{}`` means none at all.
        """
        found: dict[int, int] = {}
        for chat_id, texts in self._delivered.items():
            seen = Counter(
                text
                for text in texts
                if text is not None and (predicate is None or predicate(text))
            )
            extra = sum(n - 1 for n in seen.values())
            if extra:
                found[chat_id] = extra
        return found

    def texts_to(self, chat_id: int) -> list[str]:
        """Current texts (or captions) of the bot's messages in the chat, in message order."""
        return [
            str(message.get("text", message.get("caption")))
            for message in self._bot_messages.get(chat_id, {}).values()
            if "text" in message or "caption" in message
        ]

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

    def assert_no_unknown_calls(self) -> None:
        """Fails if the bot called any method the fake does not implement."""
        if self.unknown_calls:
            listed = "\n".join(
                f"  {call.method}({_short(call.params, 200)})" for call in self.unknown_calls
            )
            raise AssertionError(
                f"the bot called {len(self.unknown_calls)} method(s) the fake does not "
                f"implement:\n{listed}"
            )

    async def wait_for(self, predicate: Callable[[Call], bool], timeout: float = 5.0) -> Call:
        """The first call (already received or future) for which ``predicate`` is true.

        ``predicate`` sees each call when it arrives and again once it has been answered
        (``Call.status`` set), so it may test either.
        """
        for call in self.calls:
            if predicate(call):
                return call
        future: asyncio.Future[Call] = asyncio.get_running_loop().create_future()
        waiter = (predicate, future)
        self._call_waiters.append(waiter)
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise AssertionError(
                f"no matching Bot API call within {timeout} s; {self._describe_recent()}"
            ) from None
        finally:
            self._call_waiters.remove(waiter)

    async def wait_for_text(
        self, chat_id: int, contains: str, timeout: float = 5.0
    ) -> dict[str, Any]:
        """Waits until a bot message in the chat (sent or edited) contains ``contains``."""

        def matches(message: dict[str, Any]) -> bool:
            return contains in message.get("text", "")

        for message in self._bot_messages.get(chat_id, {}).values():
            if matches(message):
                return message
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        waiter = (chat_id, matches, future)
        self._message_waiters.append(waiter)
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise AssertionError(
                f"no bot message containing {contains!r} in chat {chat_id} within {timeout} s; "
                f"texts there: {self.texts_to(chat_id)!r}; {self._describe_recent()}"
            ) from None
        finally:
            self._message_waiters.remove(waiter)

    def _describe_recent(self, count: int = 20) -> str:
        if not self.calls and not self.unknown_calls:
            return "the bot made no calls"
        start = self.calls[0].at if self.calls else 0.0
        lines = [
            f"  +{call.at - start:7.3f}s {call.method} -> {call.status} {_short(call.params)}"
            for call in self.calls[-count:]
        ]
        text = f"last {len(lines)} of {len(self.calls)} calls:\n" + "\n".join(lines)
        if self.unknown_calls:
            text += "\nunknown methods called: " + ", ".join(c.method for c in self.unknown_calls)
        return text

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
        """The Message object as Telegram sends it (without the fake's bookkeeping)."""
        return {key: value for key, value in message.items() if key != "html"}

    def _store_message(self, chat_id: int, message: dict[str, Any]) -> None:
        stored = self._bot_messages.setdefault(chat_id, {})
        if message["message_id"] not in stored:
            text = message.get("text", message.get("caption"))
            self._delivered.setdefault(chat_id, []).append(text if isinstance(text, str) else None)
        stored[message["message_id"]] = message
        self._notify_message(chat_id, message)

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

    def _take_updates(self, limit: int) -> list[_Pending]:
        batch: list[_Pending] = []
        dropped: list[_Pending] = []
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
            "date": int(time.time()),
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
            raise ApiError(400, _ERR_NOT_MODIFIED)
        edited["edit_date"] = int(time.time())
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

    async def _delete_message(self, params: dict[str, Any], connection: ClientConnection) -> bool:
        chat_id = self._chat_id(params)
        message_id = self._message_id(params)
        for store in (self._bot_messages, self._user_messages):
            if store.get(chat_id, {}).pop(message_id, None) is not None:
                return True
        raise ApiError(400, "Bad Request: message to delete not found")

    async def _answer_callback_query(
        self, params: dict[str, Any], connection: ClientConnection
    ) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self.callback_answers or self.callback_answers[query_id] is not None:
            raise ApiError(400, _ERR_QUERY_INVALID)
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
            "date": int(time.time()),
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
            if isinstance(chat_id, str) and _INT_RE.fullmatch(chat_id):
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
            if not _COMMAND_RE.fullmatch(str(command.get("command", ""))):
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

    # ------------------------------------------------------------------ webhook

    async def _set_webhook(self, params: dict[str, Any], connection: ClientConnection) -> bool:
        url = params.get("url") or ""
        if not url:
            return await self._delete_webhook(params, connection)
        if not isinstance(url, str) or not re.match(r"https?://[^/\s]+", url):
            raise ApiError(400, "Bad Request: bad webhook: invalid webhook URL specified")
        secret = params.get("secret_token") or None
        if secret is not None and not _SECRET_RE.fullmatch(str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self.allowed_updates = [str(kind) for kind in allowed] or None
        max_connections = params.get("max_connections")
        if isinstance(max_connections, int):
            self._webhook_max_connections = max_connections
        if params.get("drop_pending_updates"):
            self._pending.clear()
        changed = (url, secret) != (self.webhook_url, self.webhook_secret)
        self.webhook_url = url
        self.webhook_secret = None if secret is None else str(secret)
        self.webhook_last_error = None
        if changed:
            await self._stop_webhook_delivery()
        self._start_webhook_delivery()
        # Ends a waiting long poll, which now has to fail with a conflict.
        self._notify_updates()
        return True

    async def _delete_webhook(self, params: dict[str, Any], connection: ClientConnection) -> bool:
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self.webhook_url = None
        self.webhook_secret = None
        self.webhook_last_error = None
        await self._stop_webhook_delivery()
        return True

    async def _get_webhook_info(
        self, params: dict[str, Any], connection: ClientConnection
    ) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.webhook_url or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self.webhook_url:
            info["max_connections"] = self._webhook_max_connections
            info["ip_address"] = "127.0.0.1"
            if self.allowed_updates:
                info["allowed_updates"] = list(self.allowed_updates)
        if self.webhook_last_error is not None:
            info["last_error_date"], info["last_error_message"] = self.webhook_last_error
        return info

    def _start_webhook_delivery(self) -> None:
        if self._webhook_task is not None and not self._webhook_task.done():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._webhook_task = loop.create_task(self._deliver_webhooks(), name="fake-bot-webhook")

    async def _stop_webhook_delivery(self) -> None:
        task, self._webhook_task = self._webhook_task, None
        if task is None or task is asyncio.current_task():
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _deliver_webhooks(self) -> None:
        """Posts pending updates to the webhook one at a time, retrying failures."""
        if self._webhook_client is None:
            self._webhook_client = httpx.AsyncClient(trust_env=False, timeout=10.0)
        client = self._webhook_client
        tries = 0
        while self.webhook_url and not self._closing:
            batch = self._take_updates(1)
            if not batch:
                await self._update_signal()
                continue
            entry = batch[0]
            headers = {"Content-Type": "application/json"}
            if self.webhook_secret is not None:
                headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret
            body = json.dumps(entry.update, ensure_ascii=False).encode("utf-8")
            try:
                response = await client.post(self.webhook_url, content=body, headers=headers)
            except httpx.HTTPError as exc:
                error = f"Connection failed: {exc!r}"
            else:
                if 200 <= response.status_code < 300:
                    if entry in self._pending:
                        self._pending.remove(entry)
                    self.webhook_delivered.append(entry.update_id)
                    tries = 0
                    continue
                error = (
                    f"Wrong response from the webhook: {response.status_code} "
                    f"{response.reason_phrase}"
                )
            self.webhook_last_error = (int(time.time()), error)
            tries += 1
            logger.debug("webhook delivery of update %s failed: %s", entry.update_id, error)
            if tries >= WEBHOOK_MAX_TRIES:
                logger.warning(
                    "dropping update %s after %s failed webhook deliveries",
                    entry.update_id,
                    tries,
                )
                if entry in self._pending:
                    self._pending.remove(entry)
                tries = 0
                continue
            await asyncio.sleep(WEBHOOK_RETRY_DELAY)
