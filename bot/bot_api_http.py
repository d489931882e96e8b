"""How Chorus's Bot API calls travel: HTTP over aiohttp, behind python-telegram-bot's
`BaseRequest` (the library's public interface for a networking backend of one's own).

Every reply, edit and delivery is one Bot API call. python-telegram-bot's own backend
(httpx, over httpcore and anyio) spends about 0.7 ms of the event loop's time on each call
beyond what aiohttp spends; at 1.3 calls per update that was a third of all the time Chorus
took for an update (measured with benchmarks/updates.py), and it is the same share of a
broadcast's.
"""

from __future__ import annotations

import logging
import ssl
import urllib.request
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import certifi
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

logger = logging.getLogger(__name__)

# A timeout argument left unset by the caller (python-telegram-bot passes this marker).
_UNSET = type(BaseRequest.DEFAULT_NONE)


class AiohttpRequest(BaseRequest):
    """Bot API requests over one aiohttp session of at most `pool` connections.

    Timeouts keep python-telegram-bot's meaning: `connect_timeout` to open a connection,
    `pool_timeout` to wait for a free one, `read_timeout` between two parts of the answer,
    and `write_timeout` (`media_write_timeout` for uploads) to send the request; aiohttp
    times the writing only as part of the whole, so the whole call is bounded by the sum.
    A proxy set in the environment (HTTPS_PROXY, ALL_PROXY) is used, as with httpx.
    """

    def __init__(
        self,
        pool: int,
        *,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        if pool < 1:
            raise ValueError("pool must be at least 1")
        self._pool = pool
        self._read = read_timeout
        self._write = write_timeout
        self._connect = connect_timeout
        self._pool_wait = pool_timeout
        self._media_write = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The read timeout used when a call sets none."""
        return self._read

    async def initialize(self) -> None:
        """Open the session (again after `shutdown`)."""
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Make one call; its HTTP status and body. Raises TimedOut or NetworkError."""
        session = self._session
        if session is None:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        fields = request_data.json_parameters if request_data else None
        write = _given(write_timeout, self._media_write if files else self._write)
        timeout = _timeout(
            _given(connect_timeout, self._connect),
            _given(pool_timeout, self._pool_wait),
            _given(read_timeout, self._read),
            write,
        )
        try:
            async with session.request(
                method,
                url,
                data=_body(fields, files),
                timeout=timeout,
                proxy=_proxy(url),
                ssl=_verified() if url.startswith("https:") else True,
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            # aiohttp's own timeouts are TimeoutErrors too, and come before its ClientError.
            raise TimedOut(_timed_out(exc)) from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc


def _given(value: Any, default: float | None) -> float | None:
    """A call's timeout, or this request's own when the call left it unset."""
    return default if isinstance(value, _UNSET) else value


def _timeout(
    connect: float | None, pool: float | None, read: float | None, write: float | None
) -> aiohttp.ClientTimeout:
    """aiohttp's timeouts for python-telegram-bot's four."""
    parts = (connect, pool, read, write)
    total = None if any(part is None for part in parts) else sum(p or 0.0 for p in parts)
    # aiohttp's `connect` covers waiting for a pooled connection and opening a new one.
    wait = None if connect is None or pool is None else connect + pool
    return aiohttp.ClientTimeout(total=total, connect=wait, sock_connect=connect, sock_read=read)


def _body(
    fields: dict[str, str] | None, files: dict[str, Any] | None
) -> aiohttp.FormData | dict[str, str] | None:
    """The request's body: a form, multipart when it carries files."""
    if not files:
        return fields
    form = aiohttp.FormData()
    for name, value in (fields or {}).items():
        form.add_field(name, value)
    for name, part in files.items():
        # python-telegram-bot gives a file as (file name, content, media type).
        filename, content, media_type = part
        form.add_field(name, content, filename=filename, content_type=media_type)
    return form


def _timed_out(exc: TimeoutError) -> str:
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        # Waiting for a free connection of the pool, or for a new one to open: nothing sent.
        return "Timed out waiting for a connection; the request was not sent."
    return "Timed out"


@cache
def _verified() -> ssl.SSLContext:
    """Certificates checked against certifi's bundle, as httpx checked them: a machine
    without the system's certificates still reaches Telegram. Made at the first HTTPS call
    (reading the bundle takes a while), never for the local servers of the tests."""
    return ssl.create_default_context(cafile=certifi.where())


def _proxy(url: str) -> str | None:
    """The proxy the environment names for this URL's host, if any (as httpx and curl read
    HTTPS_PROXY, ALL_PROXY and NO_PROXY); read once per host, not at every call."""
    parts = urlsplit(url)
    return _proxy_for(parts.scheme, parts.hostname or "")


@cache
def _proxy_for(scheme: str, host: str) -> str | None:
    proxies = urllib.request.getproxies()
    proxy = proxies.get(scheme) or proxies.get("all")
    if not proxy or urllib.request.proxy_bypass(host):
        return None
    logger.info("Bot API calls go through the proxy named in the environment")
    return proxy
