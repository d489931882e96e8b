"""Buttons from anywhere: taps with no message to answer in, and forged buttons for another
group's things, each answered at the first tap, truthfully."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.presentation.callbacks import Action
from tests.e2e.conftest import ADMIN
from tests.support.chorus_run import RunningChorus, running_chorus, settings_for
from tests.support.fake_bot_api import Call, FakeBotApi
from tests.support.seed import seed_group
from tests.support.sharing import COORDINATOR, GROUP, MEMBERS, database

MEMBER = MEMBERS[0]


@pytest.fixture
async def seeded(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningChorus]:
    """Chorus with one group of six members, coordinated by COORDINATOR."""
    await seed_group(database(tmp_path), COORDINATOR, MEMBERS, name=GROUP)
    for member in [COORDINATOR, *MEMBERS]:
        fake.user(member, f"M{member}")
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake) as running:
        yield running


def tap_without_message(fake: FakeBotApi, user_id: int, data: str, number: int) -> str:
    """Queue a tap on a button of an inline message: the query carries no message."""
    user = fake.user(user_id, f"M{user_id}")
    query_id = f"detached{user_id}x{number}"
    fake.callback_answers[query_id] = None
    fake.add_update(
        {
            "callback_query": {
                "id": query_id,
                "from": user.to_dict(),
                "inline_message_id": f"inline{number}",
                "chat_instance": "42",
                "data": data,
            }
        }
    )
    return query_id


def answer_to(query_id: str) -> Callable[[Call], bool]:
    """Matches the bot's answer to this callback query."""

    def matches(call: Call) -> bool:
        return (
            call.method == "answerCallbackQuery"
            and call.params.get("callback_query_id") == query_id
        )

    return matches


@pytest.mark.parametrize("user_id", [ADMIN, COORDINATOR, MEMBER, 990_001])
async def test_every_button_without_a_message_is_answered_kindly(
    fake: FakeBotApi, seeded: RunningChorus, caplog: pytest.LogCaptureFixture, user_id: int
) -> None:
    queries = [
        # Data as a forger would write it: any action, with or without what it carries.
        tap_without_message(fake, user_id, f"{action.value}:1", number)
        for number, action in enumerate(Action)
    ]
    queries.append(tap_without_message(fake, user_id, "forged:data", len(queries)))

    for query_id in queries:
        answer = await fake.wait_for(answer_to(query_id))
        assert "doesn't work from here" in answer.params.get("text", ""), query_id
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []
