"""The Bot API's wire format, as a local server speaks it: parameters in, JSON out.

Shared by the local Bot API server (localapi/server.py) and the tests' fake.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import tornado.httputil

MAX_MESSAGE_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024

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
INT_RE = re.compile(r"-?\d+")
_FLOAT_RE = re.compile(r"-?\d+\.\d*")

# Update types Telegram leaves out when no allowed_updates were ever given.
OPT_IN_UPDATE_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

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
COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")

ERR_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
ERR_QUERY_INVALID = (
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
class ChatUser:
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
class Pending:
    update_id: int
    update: dict[str, Any]
    # A redelivered update survives an offset that already acknowledged its id until it has
    # been handed out once more.
    redelivery: bool = False


class HtmlError(Exception):
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
                raise HtmlError(
                    f'unescaped "&" at byte offset {self._byte_offset(match.start())}; '
                    'use "&amp;" (only &lt; &gt; &amp; &quot; and numeric entities exist)'
                )
        self.feed(self._source)
        self.close()
        if self._stack:
            raise HtmlError(
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
            raise HtmlError(f'Unsupported start tag "{tag}" at byte offset {self._here()}')
        attributes = dict(attrs)
        extra: dict[str, Any] = {}
        if tag == "span" and attributes.get("class") != "tg-spoiler":
            raise HtmlError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self._here()}'
            )
        if tag == "tg-emoji":
            if not attributes.get("emoji-id"):
                raise HtmlError(
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
            raise HtmlError(f"Unexpected end tag at byte offset {self._here()}")
        open_tag, attributes, start, extra = self._stack[-1]
        if open_tag != tag:
            raise HtmlError(
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
            raise HtmlError(f'Unsupported start tag "" at byte offset {offset}; use "&lt;"')
        if "&" in data:
            raise HtmlError(f'unescaped "&" at byte offset {self._here(data.index("&"))}')
        self._add_text(data)

    def handle_entityref(self, name: str) -> None:
        self._add_text(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._add_text(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        raise HtmlError(f'Unsupported start tag "!--" at byte offset {self._here()}')

    def handle_decl(self, decl: str) -> None:
        raise HtmlError(f'Unsupported start tag "!" at byte offset {self._here()}')

    def unknown_decl(self, data: str) -> None:
        raise HtmlError(f'Unsupported start tag "!" at byte offset {self._here()}')

    def handle_pi(self, data: str) -> None:
        raise HtmlError(f'Unsupported start tag "?" at byte offset {self._here()}')


def parse_telegram_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Visible text and entities of ``text`` sent with ``parse_mode=HTML``.

    Raises ``ApiError`` (400 "can't parse entities") for markup Telegram would reject, and also
    for a bare ``&`` (Telegram shows it literally; here it flags text that was not escaped).
    """
    parser = _TelegramHtml(text)
    try:
        visible = parser.parse()
    except HtmlError as exc:
        raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
    return visible, parser.entities


def decode_value(key: str, value: Any) -> Any:
    if key in _JSON_KEYS and isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    if isinstance(value, str):
        if key in _INT_KEYS:
            if INT_RE.fullmatch(value):
                return int(value)
            if key == "timeout" and _FLOAT_RE.fullmatch(value):
                return float(value)
        elif key in _BOOL_KEYS and value in ("true", "false", "True", "False"):
            return value.lower() == "true"
    return value


def parse_params(request: tornado.httputil.HTTPServerRequest) -> dict[str, Any]:
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
    return {key: decode_value(key, value) for key, value in raw.items()}


def update_type(update: dict[str, Any]) -> str:
    return next((key for key in update if key != "update_id"), "")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class ClientConnection:
    """Tracks whether the client of one request is still connected.

    ``closed`` completes when the client goes away, e.g. when it cancels a long poll.
    """

    def __init__(self) -> None:
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def mark_closed(self) -> None:
        if not self.closed.done():
            self.closed.set_result(None)
