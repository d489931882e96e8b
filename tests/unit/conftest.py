"""Fixtures of the unit tests that talk to the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.fake_bot_api import FakeBotApi

# The one member of `fake`'s chats.
SAM = 5001


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    """The fake Bot API with one member, Sam (`SAM`); a module may define its own `fake`."""
    async with FakeBotApi() as api:
        api.user(SAM, "Sam")
        yield api
