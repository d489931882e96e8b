"""Journey J1 end to end: the real Application, the fake Bot API, a database file."""

from __future__ import annotations

from sqlalchemy import Table, func, select

from bot.clock import SystemClock
from storage import schema
from storage.database import Storage
from tests.e2e.conftest import ADMIN
from tests.support.chorus_run import RunningChorus
from tests.support.fake_bot_api import FakeBotApi
from tests.support.phone import Phone


async def _count(running: RunningChorus, table: Table) -> int:
    storage = Storage.open(running.settings.async_database_url(), SystemClock().now)
    try:
        async with storage.read() as tx:
            result = await tx.conn.execute(select(func.count()).select_from(table))
            return int(result.scalar_one())
    finally:
        await storage.close()


async def make_coordinator(fake: FakeBotApi, admin: Phone, person: Phone) -> None:
    """The admin makes a one-time link and `person` opens it."""
    await admin.send("/coordinators")
    answer = await admin.tap("new coordinator")
    link = next(word for word in answer["text"].split() if "start=" in word)
    reply = await person.send("/start " + link.split("start=")[1])
    assert "You're now a coordinator" in reply["text"]


async def make_group(coordinator: Phone, name: str) -> str:
    """The coordinator makes a group; returns its invite start payload."""
    ask = await coordinator.send("/newgroup")
    assert "called" in ask["text"]
    done = await coordinator.send(name)
    assert f"Done: {name} is ready" in done["text"]
    link = next(word for word in done["text"].split() if "start=" in word)
    return link.split("start=")[1]


async def test_invite_consent_name_members(fake: FakeBotApi, chorus: RunningChorus) -> None:
    admin, coordinator, member = Phone(fake, ADMIN), Phone(fake, 11), Phone(fake, 12, "Rosa")
    await make_coordinator(fake, admin, coordinator)
    payload = await make_group(coordinator, "Carers <Voice> & Friends")
    assert payload.startswith("j-")

    welcome = await member.send(f"/start {payload}")
    assert "Carers <Voice> & Friends" in welcome["text"]
    assert "Who sees what" in welcome["text"]
    assert [label for label, _ in fake.buttons(welcome)] == ["Yes, join", "Not now"]

    asked = await member.tap("Yes, join")
    assert "What name would you like" in asked["text"]
    assert fake.buttons(asked)[0][0] == "Use “Rosa”"
    saved = await member.send("Rosa B 🌻")
    assert "Others will see you as Rosa B 🌻" in saved["text"]

    listing = await coordinator.send("/members")
    assert "Carers <Voice> & Friends: 1 member\n" in listing["text"]
    assert "1. Rosa B 🌻" in listing["text"]
    assert await _count(chorus, schema.membership) == 1


async def test_menus_follow_roles(fake: FakeBotApi, chorus: RunningChorus) -> None:
    admin, person = Phone(fake, ADMIN), Phone(fake, 21)
    await admin.send("/start")
    default = [c["command"] for c in fake.commands_for({"type": "default"})]
    assert default == [
        "sessions",
        "share",
        "mine",
        "updates",
        "support",
        "settings",
        "language",
        "leave",
        "privacy",
        "mydata",
        "myinvolvement",
        "claim",
        "forgetme",
        "help",
        "cancel",
    ]
    admin_menu = [c["command"] for c in fake.commands_for({"type": "chat", "chat_id": ADMIN})]
    assert "coordinators" in admin_menu and "newgroup" in admin_menu

    await make_coordinator(fake, admin, person)
    scope = {"type": "chat", "chat_id": person.id}
    assert {"newgroup", "newsession", "hours", "payments", "finance"} <= {
        c["command"] for c in fake.commands_for(scope)
    }
    assert "coordinators" not in [c["command"] for c in fake.commands_for(scope)]

    await admin.send("/coordinators")
    removed = await admin.tap("Remove")
    assert "no longer a coordinator" in removed["text"]
    assert fake.commands_for(scope) == []
    refused = await person.send("/newgroup")
    assert refused["text"] == "Sorry, only the people who run a group can do that."


async def test_not_now_stores_nothing(fake: FakeBotApi, chorus: RunningChorus) -> None:
    admin, visitor = Phone(fake, ADMIN), Phone(fake, 31)
    payload = await make_group(admin, "Housing voices")
    people_before = await _count(chorus, schema.person)

    await visitor.send(f"/start {payload}")
    answer = await visitor.tap("Not now")
    assert "I haven't kept anything about you" in answer["text"]
    assert await _count(chorus, schema.person) == people_before
    assert await _count(chorus, schema.membership) == 0
    settings = await visitor.send("/settings")
    assert "not in a group yet" in settings["text"]


async def test_start_without_code_and_bad_code(fake: FakeBotApi, chorus: RunningChorus) -> None:
    stranger = Phone(fake, 41)
    hello = await stranger.send("/start")
    assert "open the invite link" in hello["text"]
    bad = await stranger.send("/start j-nosuchcode")
    assert "doesn't work any more" in bad["text"]
    assert await _count(chorus, schema.person) == 0


async def test_member_settings_pause_leave(fake: FakeBotApi, chorus: RunningChorus) -> None:
    admin, member = Phone(fake, ADMIN), Phone(fake, 51, "Jo")
    payload = await make_group(admin, "Recovery group")
    await member.send(f"/start {payload}")
    await member.tap("Yes, join")
    await member.tap("No name")

    settings = await member.send("/settings")
    assert "Name others see: no name" in settings["text"]
    assert "Recovery group" in settings["text"]
    paused = await member.tap("Pause")
    assert "Messages are paused" in paused["text"]
    settings = await member.send("/settings")
    assert "paused" in settings["text"] and "Quiet hours: 21:00 to 08:00" in settings["text"]
    await member.tap("Quiet hours", settings)
    assert "Quiet hours: none" in (await member.tap("none"))["text"]
    assert "Quiet hours: none" in (await member.send("/settings"))["text"]

    await member.tap("Change name")
    assert "Others will see you as Jo2" in (await member.send("Jo2"))["text"]

    confirm = await member.send("/leave")
    assert "Leave Recovery group?" in confirm["text"]
    left = await member.tap("Yes, leave")
    assert "You've left Recovery group" in left["text"]
    assert await _count(chorus, schema.membership) == 0
    again = await member.tap_data(fake.buttons(confirm)[0][1], confirm)
    assert "doesn't work any more" in again["text"]


async def test_cancel_leaves_a_step(fake: FakeBotApi, chorus: RunningChorus) -> None:
    admin = Phone(fake, ADMIN)
    await admin.send("/newgroup")
    cancelled = await admin.send("/cancel")
    assert cancelled["text"] == "Okay, stopped. Nothing was changed."
    other = await admin.send("Not a group name")
    assert "no one else has seen it" in other["text"]
    assert await _count(chorus, schema.group) == 0
    nothing = await admin.send("/cancel")
    assert "nothing to stop" in nothing["text"]


async def test_unknown_command_and_help(fake: FakeBotApi, chorus: RunningChorus) -> None:
    admin, stranger = Phone(fake, ADMIN), Phone(fake, 61)
    assert "don't know that command" in (await stranger.send("/frobnicate"))["text"]
    help_text = (await admin.send("/help"))["text"]
    assert "/newgroup" in help_text and "/coordinators" in help_text and "/settings" in help_text


async def test_a_new_coordinator_is_asked_their_name_and_can_be_told_apart(
    fake: FakeBotApi, chorus: RunningChorus
) -> None:
    admin = Phone(fake, ADMIN)
    first, second, third = Phone(fake, 61, "Kim"), Phone(fake, 62, "Kim"), Phone(fake, 63)
    await make_coordinator(fake, admin, first)
    asked = fake.last_message(first.id)
    assert "What name would you like members and other coordinators to see?" in asked["text"]
    assert fake.buttons(asked)[0][0] == "Use “Kim”"
    assert "Others will see you as Kim P" in (await first.send("Kim P"))["text"]

    # Two who chose the same name, or none, are still two different lines.
    await make_coordinator(fake, admin, second)
    await second.tap("Use “Kim”")
    await make_coordinator(fake, admin, third)
    await third.tap("No name")
    await make_coordinator(fake, admin, Phone(fake, 64))
    await Phone(fake, 64).tap("No name")
    listing = (await admin.send("/coordinators"))["text"]
    lines = [line for line in listing.splitlines() if line.startswith("•")]
    assert "• Kim P" in lines and "• Kim" in lines
    unnamed = [line for line in lines if "no name set" in line]
    assert len(unnamed) == 2 and unnamed[0] != unnamed[1]
    leads = (await admin.send("/leads"))["text"]
    assert len(set(leads.splitlines())) == len(leads.splitlines())


async def test_joining_a_second_group_without_a_name_says_so_plainly(
    fake: FakeBotApi, chorus: RunningChorus
) -> None:
    admin, member = Phone(fake, ADMIN), Phone(fake, 71, "Lee")
    for name in ("Carers", "Housing"):
        payload = await make_group(admin, name)
        await member.send(f"/start {payload}")
        joined = await member.tap("Yes, join")
        if name == "Carers":
            await member.tap("No name")
    assert "Thank you for joining Housing" in joined["text"]
    assert "no name set, so others will see “member”" in joined["text"]
    assert "as no name" not in joined["text"]
