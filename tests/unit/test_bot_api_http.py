"""Bot API calls over aiohttp: what they send and receive, and how they fail."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterator

import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from bot.bot_api_http import AiohttpRequest, _proxy_for, _timeout, _verified
from tests.support.chorus_run import free_port
from tests.support.fake_bot_api import FakeBotApi
from tests.support.waiting import until
from tests.unit.conftest import SAM

pytestmark = pytest.mark.timeout(20)

USER_ID = SAM


def _bot(fake: FakeBotApi, request: AiohttpRequest) -> Bot:
    return Bot(
        fake.token,
        base_url=fake.base_url,
        base_file_url=fake.base_file_url,
        request=request,
        get_updates_request=AiohttpRequest(1),
    )


class _Silent:
    """A server that takes connections and never answers: every call to it waits."""

    def __init__(self) -> None:
        self.connections = 0
        self._server: asyncio.Server | None = None
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot1:x/getMe"

    async def __aenter__(self) -> _Silent:
        async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.connections += 1
            await reader.read()  # until the client goes away
            writer.close()

        self._server = await asyncio.start_server(hold, "127.0.0.1", self.port)
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._server is not None
        self._server.close()


async def test_a_message_with_unicode_and_buttons_goes_and_comes_back(fake: FakeBotApi) -> None:
    async with _bot(fake, AiohttpRequest(2)) as bot:
        sent = await bot.send_message(USER_ID, "Thank you, Siân 🌱 — ‏مرحبا")
    assert sent.text == "Thank you, Siân 🌱 — ‏مرحبا"
    assert fake.texts_to(USER_ID) == ["Thank you, Siân 🌱 — ‏مرحبا"]


async def test_an_uploaded_file_arrives_whole_and_downloads_again(fake: FakeBotApi) -> None:
    content = bytes(range(256)) * 1000  # every byte value, 256 kB
    async with _bot(fake, AiohttpRequest(2)) as bot:
        sent = await bot.send_document(
            USER_ID, content, filename="report.xlsx", caption="Your report"
        )
        assert sent.document is not None and sent.caption == "Your report"
        assert fake.file(sent.document.file_id).content == content
        again = await (await bot.get_file(sent.document.file_id)).download_as_bytearray()
    assert bytes(again) == content


async def test_a_call_with_no_answer_times_out_after_the_read_timeout() -> None:
    async with _Silent() as silent:
        request = AiohttpRequest(1, read_timeout=0.2)
        await request.initialize()
        try:
            with pytest.raises(TimedOut, match=r"^Timed out$"):
                await request.post(silent.url)
        finally:
            await request.shutdown()


async def test_a_call_waiting_for_a_busy_pool_times_out_unsent() -> None:
    async with _Silent() as silent:
        request = AiohttpRequest(1, read_timeout=10, connect_timeout=0.1, pool_timeout=0.2)
        await request.initialize()
        try:
            first = asyncio.ensure_future(request.post(silent.url))
            await until(lambda: silent.connections == 1)  # the pool's one connection is busy
            with pytest.raises(TimedOut, match="waiting for a connection"):
                await request.post(silent.url)
            assert silent.connections == 1  # the second call never reached the server
            first.cancel()
            await asyncio.gather(first, return_exceptions=True)
        finally:
            await request.shutdown()


async def test_a_call_to_a_closed_port_is_a_network_error() -> None:
    request = AiohttpRequest(1)
    await request.initialize()
    try:
        with pytest.raises(NetworkError, match="aiohttp"):
            await request.post(f"http://127.0.0.1:{free_port()}/bot1:x/getMe")
    finally:
        await request.shutdown()


async def test_a_request_is_used_only_between_initialize_and_shutdown(fake: FakeBotApi) -> None:
    request = AiohttpRequest(1)
    url = fake.base_url + fake.token + "/getMe"
    with pytest.raises(NetworkError, match="not initialized"):
        await request.post(url)
    await request.initialize()
    await request.initialize()  # twice is once
    assert await _me(request, url) == fake.bot_username
    await request.shutdown()
    await request.shutdown()
    with pytest.raises(NetworkError, match="not initialized"):
        await request.post(url)
    await request.initialize()  # and again after a shutdown
    assert await _me(request, url) == fake.bot_username
    await request.shutdown()


async def _me(request: AiohttpRequest, url: str) -> object:
    me = await request.post(url)
    assert isinstance(me, dict)
    return me["username"]


def test_timeouts_keep_python_telegram_bots_meaning() -> None:
    timeout = _timeout(connect=5.0, pool=10.0, read=30.0, write=20.0)
    assert (timeout.sock_connect, timeout.sock_read) == (5.0, 30.0)
    assert timeout.connect == 15.0  # a free connection from the pool, then opening it
    assert timeout.total == 65.0  # writing is bounded only within the whole
    unbounded = _timeout(connect=5.0, pool=None, read=None, write=5.0)
    assert (unbounded.total, unbounded.connect, unbounded.sock_read) == (None, None, None)


def test_a_pool_must_hold_a_connection() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        AiohttpRequest(0)


@pytest.fixture
def fresh_proxies(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    _proxy_for.cache_clear()
    yield
    _proxy_for.cache_clear()


@pytest.mark.usefixtures("fresh_proxies")
def test_the_environments_proxy_is_used_except_for_hosts_it_exempts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _proxy_for("https", "api.telegram.org") is None
    _proxy_for.cache_clear()
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    assert _proxy_for("https", "api.telegram.org") == "http://proxy.example:3128"
    assert _proxy_for("https", "127.0.0.1") is None
    assert _proxy_for("http", "api.telegram.org") is None  # HTTPS_PROXY is for https only


def test_telegrams_certificate_is_checked_against_certifis_bundle() -> None:
    context = _verified()
    assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname
    assert len(context.get_ca_certs()) > 100  # the bundle's authorities, read
    assert _verified() is context  # read once
