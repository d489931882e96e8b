"""Quiet hours end to end: every choice in /settings works, and members can type their own."""

from __future__ import annotations

from bot.services.membership import QUIET_CHOICES
from tests.e2e.conftest import ADMIN
from tests.e2e.test_joining import make_group
from tests.support.chorus_run import RunningChorus
from tests.support.fake_bot_api import FakeBotApi
from tests.support.phone import Phone


async def _member(fake: FakeBotApi) -> Phone:
    admin, member = Phone(fake, ADMIN), Phone(fake, 81, "Ana")
    payload = await make_group(admin, "Carers group")
    await member.send(f"/start {payload}")
    await member.tap("Yes, join")
    await member.tap("No name")
    return member


async def test_every_quiet_hours_button_saves_its_choice(
    fake: FakeBotApi, chorus: RunningChorus
) -> None:
    member = await _member(fake)
    for shown in ["21:00 to 08:00", "22:00 to 07:00", "20:00 to 09:00", "23:00 to 09:00"]:
        settings = await member.send("/settings")
        menu = await member.tap("Quiet hours", settings)
        saved = await member.tap(shown, menu)
        assert saved["text"] == f"Done. Quiet hours: {shown}."
        assert f"Quiet hours: {shown}" in (await member.send("/settings"))["text"]
    assert len(QUIET_CHOICES) == 5  # the four above and "none"


async def test_a_member_types_their_own_quiet_hours(
    fake: FakeBotApi, chorus: RunningChorus
) -> None:
    member = await _member(fake)
    settings = await member.send("/settings")
    await member.tap("Quiet hours", settings)
    asked = await member.tap("Type my own")
    assert "like 22:30-07:00 or 10pm to 7am" in asked["text"]

    unclear = await member.send("after the news")
    assert "couldn't read that as quiet hours" in unclear["text"]
    assert "/cancel" in unclear["text"]

    saved = await member.send("10pm to 7am")
    assert saved["text"] == (
        "Done. Quiet hours: 22:00 to 07:00. Anything that can wait will come after 07:00."
    )
    assert "Quiet hours: 22:00 to 07:00" in (await member.send("/settings"))["text"]

    await member.tap("Quiet hours")
    await member.tap("Type my own")
    off = await member.send("off")
    assert "No quiet hours" in off["text"]
    assert "Quiet hours: none" in (await member.send("/settings"))["text"]
    # The step is over: what is typed now is not taken as quiet hours.
    after = await member.send("22:30-07:00")
    assert "Quiet hours" not in after["text"]
