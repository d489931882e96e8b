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
import contextlib
import json
import logging
import time
import traceback
from types import TracebackType
from typing import Any, Self

import tornado.httpserver
import tornado.httputil
import tornado.netutil
import tornado.web

from localapi.chats import ChatState
from localapi.methods import METHODS, BotApiMethods, MethodImpl
from localapi.protocol import (
    ApiError,
    Call,
    ClientConnection,
    parse_params,
)

__all__ = ["LOCALHOST", "BotApiServer", "ChatState", "MethodImpl", "Route"]

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


Route = tuple[str, type[tornado.web.RequestHandler], dict[str, Any]]


class BotApiServer(BotApiMethods):
    """A Bot API server for one bot, running on the current event loop.

    It keeps every chat, message, file and command menu in memory (``ChatState``) and
    answers the Bot API methods (``BotApiMethods``) over HTTP. Subclasses add routes
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
        super().__init__(token, bot_username)
        self.host = host
        self._port: int | None = port or None
        self._server: tornado.httpserver.HTTPServer | None = None
        self._inflight = 0
        self._idle: asyncio.Event | None = None
        self._stopping: asyncio.Event | None = None
        self._methods: dict[str, tuple[str, MethodImpl]] = {}
        for name, attribute in METHODS.items():
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
