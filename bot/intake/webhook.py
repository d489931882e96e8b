"""Webhook mode: a small web server that stores each update before answering Telegram."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from typing import Any

from telegram import Bot, Update
from tornado.httpserver import HTTPServer
from tornado.web import Application as WebApplication
from tornado.web import RequestHandler

from bot.failures import describe
from bot.intake.journal import UpdateJournal
from storage.database import Storage

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
HEALTH_PATH = "/healthz"
MAX_BODY = 2 * 1024 * 1024
# Seconds within which /healthz answers, whatever the database is doing.
HEALTH_WITHIN = 0.8


class _UpdateHandler(RequestHandler):
    def initialize(self, journal: UpdateJournal, secret: str) -> None:
        self._journal = journal
        self._secret = secret.encode()

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "").encode()
        # Compared in constant time, so the secret cannot be guessed a byte at a time.
        if not hmac.compare_digest(given, self._secret):
            self.set_status(403)
            return
        try:
            raw = json.loads(self.request.body)
            if not isinstance(raw, dict) or not isinstance(raw.get("update_id"), int):
                raise ValueError("no update_id")
        except ValueError:
            self.set_status(400)
            return
        try:
            await self._journal.admit([raw])
        except Exception as exc:  # not stored: a non-2xx answer makes Telegram send it again
            logger.error("could not store update %s: %s", raw["update_id"], describe(exc))
            self.set_status(500)
            return
        self.set_status(200)


class _HealthHandler(RequestHandler):
    def initialize(self, storage: Storage) -> None:
        self._storage = storage

    async def get(self) -> None:
        # Ready means an update posted now could be stored: the database takes a write.
        # The answer does not wait for a check that is slow (a COMMIT held up by the disk
        # cannot be cut short): that check is dropped and the answer is "not ready".
        check = asyncio.ensure_future(self._storage.can_write())
        done, _ = await asyncio.wait({check}, timeout=HEALTH_WITHIN)
        ready = check in done and check.result()
        if not ready:
            check.cancel()
        self.set_status(200 if ready else 503)
        self.write({"status": "ok" if ready else "database cannot store updates"})


class WebhookServer:
    """Receives updates from Telegram on `path`, and answers health checks."""

    def __init__(
        self,
        bot: Bot,
        journal: UpdateJournal,
        storage: Storage,
        *,
        url: str,
        path: str,
        secret: str,
        listen: str,
        port: int,
    ) -> None:
        self._bot = bot
        self._url = url
        self._secret = secret
        self._listen = listen
        self._port = port
        routes: list[Any] = [
            (path, _UpdateHandler, {"journal": journal, "secret": secret}),
            (HEALTH_PATH, _HealthHandler, {"storage": storage}),
        ]
        self._app = WebApplication(routes)

    async def run(self, stop: asyncio.Event) -> None:
        """Serve until `stop` is set. The webhook stays registered across restarts."""
        server = HTTPServer(self._app, max_body_size=MAX_BODY)
        server.listen(self._port, address=self._listen)
        try:
            await self._bot.set_webhook(
                url=self._url,
                secret_token=self._secret,
                allowed_updates=Update.ALL_TYPES,
                max_connections=40,
            )
            logger.info("webhook set; listening on %s:%d", self._listen, self._port)
            await stop.wait()
        finally:
            server.stop()
            await server.close_all_connections()
