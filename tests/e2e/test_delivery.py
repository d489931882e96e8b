"""The delivery worker and sealed messages: words a member wrote are sealed in the outbox,
and a message to an anonymous contributor finds them only through their return address."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import SystemClock
from bot.crypto import Sealer
from bot.presentation import outgoing, texts
from bot.presentation.callbacks import Action
from bot.presentation.outgoing import Payload
from bot.services.delivery_rules import PAYLOAD_PURPOSE, RETURN_ADDRESS_PURPOSE, seal_payload
from storage.database import open_storage
from storage.outbox import OutboxNew
from tests.e2e.conftest import ADMIN
from tests.support.buttons import callback_data
from tests.support.chorus_run import SECRET_KEY, RunningChorus, running_chorus, settings_for
from tests.support.database import rows, storage_url
from tests.support.fake_bot_api import FakeBotApi
from tests.support.seed import seed_group

MEMBERS = [5101, 5102, 5103]
WORDS = "the forms at the front desk are far too long"


async def _until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


def _rows(folder: Path, query: str) -> list[tuple[object, ...]]:
    return list(rows(folder, query))


async def _queue(folder: Path, *rows: OutboxNew) -> None:
    clock = SystemClock()
    storage = await open_storage(storage_url(folder), clock.now)
    try:
        async with storage.transaction() as tx:
            await tx.outbox.enqueue(rows, clock.now())
    finally:
        await storage.close()


def _to_anonymous(sealer: Sealer, telegram_id: int, key: str, text: str) -> OutboxNew:
    return OutboxNew(
        dedupe_key=key,
        kind="update",
        person_id=None,
        return_address=sealer.seal(str(telegram_id), RETURN_ADDRESS_PURPOSE),
        payload=seal_payload(sealer, Payload(text)),
        # Long due, whatever the hour of Chorus's own (test) clock.
        due_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


@pytest.fixture
def sealer() -> Sealer:
    return Sealer(SECRET_KEY.encode())


@pytest.fixture
async def running(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningChorus]:
    await seed_group(tmp_path / "chorus.db", ADMIN, MEMBERS, name="Carers group")
    for member in MEMBERS:
        fake.user(member, f"M{member}")
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake) as chorus:
        yield chorus


async def test_a_sealed_message_reaches_an_anonymous_contributor_through_the_return_address(
    fake: FakeBotApi, running: RunningChorus, tmp_path: Path, sealer: Sealer
) -> None:
    await _queue(tmp_path, _to_anonymous(sealer, MEMBERS[0], "i1:e1", f"You said: {WORDS}"))

    await _until(lambda: fake.texts_to(MEMBERS[0]) == [f"You said: {WORDS}"])
    assert fake.texts_to(MEMBERS[1]) == []
    ((payload, person_id, address),) = _rows(
        tmp_path, "SELECT payload, person_id, return_address FROM outbox"
    )
    assert person_id is None
    assert WORDS not in str(payload) and str(MEMBERS[0]) not in str(address)
    await _until(lambda: _rows(tmp_path, "SELECT state FROM outbox") == [("sent",)])


async def test_a_paused_anonymous_contributor_is_held_and_a_blocked_one_is_not_marked(
    fake: FakeBotApi, running: RunningChorus, tmp_path: Path, sealer: Sealer
) -> None:
    rows(tmp_path, "UPDATE person SET paused = true WHERE telegram_id = ?", MEMBERS[1])
    fake.blocked.add(MEMBERS[2])

    await _queue(
        tmp_path,
        _to_anonymous(sealer, MEMBERS[1], "i2:e1", "held while paused"),
        _to_anonymous(sealer, MEMBERS[2], "i3:e1", "to someone who blocked the bot"),
    )

    blocked = "SELECT state, last_error LIKE 'blocked:%' FROM outbox WHERE dedupe_key='i3:e1'"
    await _until(lambda: _rows(tmp_path, blocked) == [("failed", 1)])
    # Marking the person would write their row, at the same moment, next to a row that
    # leads to an anonymous item; a message to them by name marks them instead.
    marked = f"SELECT unreachable_at FROM person WHERE telegram_id = {MEMBERS[2]}"
    assert _rows(tmp_path, marked) == [(None,)]
    # Held until the next quarter hour, not a time worked out from their own settings.
    held = "SELECT state, attempts, due_at > '2026-01-01' FROM outbox WHERE dedupe_key='i2:e1'"
    await _until(lambda: _rows(tmp_path, held) == [("pending", 0, 1)])
    [(due,)] = _rows(tmp_path, "SELECT due_at FROM outbox WHERE dedupe_key='i2:e1'")
    assert str(due)[14:] in ("00:00.000000", "15:00.000000", "30:00.000000", "45:00.000000")
    assert fake.texts_to(MEMBERS[1]) == []


async def test_a_return_address_sealed_with_another_key_is_refused_not_guessed(
    fake: FakeBotApi, running: RunningChorus, tmp_path: Path
) -> None:
    stranger = Sealer(b"another key entirely, not this bot's own key")
    await _queue(tmp_path, _to_anonymous(stranger, MEMBERS[0], "i4:e1", "wrong key"))

    query = "SELECT state, last_error FROM outbox"
    await _until(lambda: _rows(tmp_path, query) == [("failed", "refused: no address")])
    assert fake.texts_to(MEMBERS[0]) == []


async def test_a_message_queued_by_the_previous_version_and_one_queued_now_both_arrive(
    fake: FakeBotApi, running: RunningChorus, tmp_path: Path, sealer: Sealer
) -> None:
    # As the previous version stored a queued message: its words already rendered.
    earlier = '{"text": "<b>Written earlier</b>", "buttons": [[["Stop", "bx:7"]]]}'
    now = outgoing.message(
        outgoing.text(texts.ALERT_NOT_TAKEN),
        [[outgoing.button(texts.BUTTON_STOP, Action.BROADCAST_STOP, 8)]],
    )
    await _queue(
        tmp_path,
        replace(
            _to_anonymous(sealer, MEMBERS[0], "old", ""),
            payload=sealer.seal(earlier, PAYLOAD_PURPOSE),
        ),
        replace(_to_anonymous(sealer, MEMBERS[1], "new", ""), payload=seal_payload(sealer, now)),
    )

    await _until(lambda: len(fake.texts_to(MEMBERS[0])) == 1 == len(fake.texts_to(MEMBERS[1])))
    assert fake.texts_to(MEMBERS[0]) == ["Written earlier"]
    assert fake.texts_to(MEMBERS[1]) == [
        texts.ALERT_NOT_TAKEN.replace("<b>", "").replace("</b>", "")
    ]
    buttons = {
        call.params["chat_id"]: data
        for call in fake.calls
        if call.method == "sendMessage"
        for _, data in callback_data([call])
    }
    assert buttons == {MEMBERS[0]: "bx:7", MEMBERS[1]: "bx:8"}
