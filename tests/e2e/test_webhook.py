"""Webhook mode: the secret header, storing before answering, duplicates, and health."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bot.clock import SystemClock
from storage import schema
from storage.database import Storage
from tests.e2e.conftest import ADMIN
from tests.support.chorus_run import RunningChorus, free_port, running_chorus, settings_for
from tests.support.fake_bot_api import FakeBotApi
from tests.support.phone import Phone

SECRET = "s3cret-Token_value"


@pytest.fixture
async def hooked(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningChorus]:
    """Chorus in webhook mode, its own server on a free port of 127.0.0.1."""
    port = free_port()
    settings = settings_for(
        fake,
        tmp_path,
        admin_ids=frozenset({ADMIN}),
        webhook_url=f"http://127.0.0.1:{port}/telegram",
        webhook_secret=SECRET,
        webhook_port=port,
    )
    async with running_chorus(settings, fake) as running:
        yield running


def _url(running: RunningChorus, path: str = "/telegram") -> str:
    return f"http://127.0.0.1:{running.settings.webhook_port}{path}"


async def test_updates_arrive_through_the_webhook(fake: FakeBotApi, hooked: RunningChorus) -> None:
    assert fake.webhook_url == _url(hooked)
    assert fake.webhook_secret == SECRET
    admin = Phone(fake, ADMIN)
    await admin.send("/newgroup")
    done = await admin.send("Webhook group")
    assert "Done: Webhook group is ready" in done["text"]
    assert not [call for call in fake.calls if call.method == "getUpdates"]


async def test_secret_is_required(fake: FakeBotApi, hooked: RunningChorus) -> None:
    body = json.dumps({"update_id": 5, "message": {"text": "/start"}})
    async with httpx.AsyncClient() as client:
        missing = await client.post(_url(hooked), content=body)
        wrong = await client.post(
            _url(hooked), content=body, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"}
        )
        garbage = await client.post(
            _url(hooked), content=b"{not json", headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
    assert (missing.status_code, wrong.status_code, garbage.status_code) == (403, 403, 400)
    storage = Storage.open(hooked.settings.async_database_url(), SystemClock().now)
    try:
        async with storage.read() as tx:
            stored = (await tx.conn.execute(select(schema.seen_update.c.update_id))).all()
            assert await tx.journal.count_pending() == 0
    finally:
        await storage.close()
    assert (5,) not in stored


async def test_duplicate_webhook_delivery_has_one_effect(
    fake: FakeBotApi, hooked: RunningChorus
) -> None:
    admin = Phone(fake, ADMIN)
    await admin.send("/newgroup")
    await admin.send("Only once")
    update_id = max(fake._updates_by_id)
    fake.resend(update_id)
    await admin.send("/help")
    assert sum("Done: Only once" in text for text in admin.texts()) == 1
    storage = Storage.open(hooked.settings.async_database_url(), SystemClock().now)
    try:
        async with storage.read() as tx:
            assert len(await tx.groups.all()) == 1
    finally:
        await storage.close()


async def test_health_endpoint(hooked: RunningChorus) -> None:
    async with httpx.AsyncClient() as client:
        health = await client.get(_url(hooked, "/healthz"))
    assert health.status_code == 200
    assert health.json() == {"status": "ok"}
