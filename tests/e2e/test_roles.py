"""Coordinator and admin actions check the role in the handler, for commands and buttons."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.clock import SystemClock
from storage import schema
from storage.database import Storage
from tests.e2e.conftest import ADMIN
from tests.e2e.test_joining import make_coordinator, make_group
from tests.support.chorus_run import RunningChorus
from tests.support.fake_bot_api import FakeBotApi
from tests.support.phone import Phone

ONLY_COORDINATORS = "Sorry, only the people who run a group can do that."
ONLY_ADMINS = "Sorry, only the people who run Chorus can do that."
NOT_THEIR_GROUP = "That's for a group you don't coordinate, so I can't do that."


async def _groups(running: RunningChorus) -> list[tuple[int, str]]:
    storage = Storage.open(running.settings.async_database_url(), SystemClock().now)
    try:
        async with storage.read() as tx:
            rows = await tx.conn.execute(select(schema.group.c.id, schema.group.c.invite_code))
            return [(row.id, row.invite_code) for row in rows]
    finally:
        await storage.close()


async def _joined_member(fake: FakeBotApi, payload: str, user_id: int) -> Phone:
    member = Phone(fake, user_id)
    await member.send(f"/start {payload}")
    await member.tap("Yes, join")
    await member.tap("No name")
    return member


@pytest.mark.parametrize("command", ["/newgroup", "/invite", "/members"])
async def test_member_cannot_use_coordinator_commands(
    fake: FakeBotApi, chorus: RunningChorus, command: str
) -> None:
    admin = Phone(fake, ADMIN)
    member = await _joined_member(fake, await make_group(admin, "Group A"), 101)
    assert (await member.send(command))["text"] == ONLY_COORDINATORS
    assert (await member.send("/coordinators"))["text"] == ONLY_ADMINS


async def test_forged_buttons_are_refused(fake: FakeBotApi, chorus: RunningChorus) -> None:
    admin, other_coordinator = Phone(fake, ADMIN), Phone(fake, 102)
    member = await _joined_member(fake, await make_group(admin, "Group A"), 103)
    [(group_id, code_before)] = await _groups(chorus)
    await make_coordinator(fake, admin, other_coordinator)

    # A member forges every coordinator and admin button.
    for data in (f"ip:{group_id}", f"ir:{group_id}", f"mp:{group_id}", "cl", "cr:1"):
        answer = await member.tap_data(data)
        assert answer["text"] in (ONLY_COORDINATORS, ONLY_ADMINS), data
    # A coordinator of no group forges buttons for someone else's group.
    for data in (f"ip:{group_id}", f"ir:{group_id}", f"mp:{group_id}"):
        await other_coordinator.send("/help")
        answer = await other_coordinator.tap_data(data)
        assert answer["text"] == NOT_THEIR_GROUP, data
        assert code_before not in answer["text"]
    assert (await other_coordinator.tap_data("cl"))["text"] == ONLY_ADMINS

    assert await _groups(chorus) == [(group_id, code_before)]
    for phone in (member, other_coordinator):
        assert not any(code_before in text for text in phone.texts())


async def test_malformed_buttons_get_a_kind_answer(
    fake: FakeBotApi, chorus: RunningChorus
) -> None:
    member = Phone(fake, 104)
    await member.send("/start")
    for data in ("zz", "ly:notanumber", "ly:99999", "j", "ip:1:2:3:4", "ly:" + "9" * 30):
        answer = await member.tap_data(data)
        assert "doesn't work any more" in answer["text"] or "only" in answer["text"], data
