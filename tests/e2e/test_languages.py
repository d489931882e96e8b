"""Languages end to end: a Welsh member and an English member of one group each get the
invitation, reminder, updates and digest in their own language; easy read for one member
changes only their messages; changing language half-way through /share keeps the draft."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.e2e.conftest import ADMIN
from tests.e2e.test_digests import COORDINATOR as COORDINATOR_OF_DIGESTS
from tests.e2e.test_digests import World, _choose, _looked_at, _reply, _updates_to, _work

# The digests' fixtures: a running Chorus with a group, its items, and a fake clock.
from tests.e2e.test_digests import start as start
from tests.e2e.test_digests import world as world
from tests.e2e.test_inbox import _sent_since
from tests.e2e.test_sessions import _create, _running, _seeded
from tests.support.chorus_run import RunningChorus, running_chorus, settings_for
from tests.support.clock import FakeClock
from tests.support.fake_bot_api import FakeBotApi
from tests.support.phone import Phone
from tests.support.seed import seed_group
from tests.support.sharing import COORDINATOR, GROUP, MEMBERS, database

WELSH, ENGLISH, EASY = 8101, 8102, 8103
_DEFAULT = {"type": "default"}


def _phone(fake: FakeBotApi, member: int, language_code: str = "en") -> Phone:
    phone = Phone(fake, member, f"M{member}")
    phone.user.language_code = language_code
    return phone


async def test_each_member_gets_invitation_and_reminder_in_their_own_language(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    await _seeded(fake, tmp_path, [WELSH, ENGLISH, EASY])
    clock = FakeClock(datetime(2026, 2, 2, 12, 0, tzinfo=UTC))  # Monday
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with _running(fake, settings, clock) as running:
        welsh = _phone(fake, WELSH, "cy-GB")
        english = _phone(fake, ENGLISH, "xx-unknown")
        easy = _phone(fake, EASY)
        # The command menu for Telegram apps set to Welsh is in Welsh.
        menu = {c["command"]: c["description"] for c in fake.commands_for(_DEFAULT, "cy")}
        assert menu["language"] == "Dewis eich iaith, neu ddarllen hawdd"
        # First contact: Telegram says Welsh, so Welsh it is; an unknown code reads English.
        asked = await welsh.send("/language")
        assert "Pa iaith hoffech chi?" in asked["text"], asked["text"]
        assert "Which language" in (await english.send("/language"))["text"]
        # Easy read, from /settings.
        choices = await easy.tap("Language", await easy.send("/settings"))
        turned_on = await easy.tap("Turn on easy read", choices)
        assert "Easy read is on" in turned_on["text"]

        await _create(fake, Phone(fake, ADMIN), when="tomorrow 2pm")
        to_welsh = await fake.wait_for_text(WELSH, "Allwch chi ddod?", timeout=10)
        assert "Pryd: Dydd Mawrth 3 Chwefror am 14:00 tan 16:00" in to_welsh["text"]
        to_english = await fake.wait_for_text(ENGLISH, "Can you make it?", timeout=10)
        assert "When: Tuesday 3 February at 2pm to 4pm" in to_english["text"]
        # Easy read changes only the easy-read member's words.
        to_easy = await fake.wait_for_text(EASY, "Can you come?", timeout=10)
        assert "Can you make it?" not in to_easy["text"]
        assert "When: Tuesday 3 February at 2pm to 4pm" in to_easy["text"]
        assert "Can you come?" not in to_english["text"]

        await welsh.tap("Dw i'n dod", to_welsh)
        await english.tap("Going", to_english)
        clock.set(datetime(2026, 2, 2, 14, 0, 20, tzinfo=UTC))
        await running.tick("sessions")
        reminder = await fake.wait_for_text(WELSH, "Nodyn atgoffa", timeout=10)
        assert "Pryd: yfory am 14:00 tan 16:00" in reminder["text"], reminder["text"]
        reminded = await fake.wait_for_text(ENGLISH, "Reminder: Planning meeting", timeout=10)
        assert "When: tomorrow at 2pm to 4pm" in reminded["text"], reminded["text"]
        assert not any("Nodyn atgoffa" in t for t in fake.texts_to(ENGLISH))


async def test_each_member_gets_updates_and_digest_in_their_own_language(world: World) -> None:
    ann, ben = world.ann, world.ben
    ann.user.language_code = "cy"
    await ann.send("/language")  # first contact after joining: Telegram's Welsh is kept
    # Ann reads Welsh from here: she taps the Welsh buttons.
    daily = await _choose(ann, "Sut dw i'n clywed yn ôl", "Unwaith y dydd", "18:00")
    assert "18:00" in daily["text"]
    await _choose(ben, "How I hear back", "Once a day", "18:00")

    # Saturday 28 March, 10:00: a step on each member's words.
    await _work(world, "Acknowledge", "considering", "Next", "Acknowledge")
    await _looked_at(world)
    world.clock.set(datetime(2026, 3, 28, 18, 0, tzinfo=UTC))
    digest = await world.fake.wait_for_text(ann.id, "Beth ddigwyddodd gyda'ch geiriau")
    assert "Mae cydlynydd wedi ei ddarllen" in digest["text"], digest["text"]
    assert "Nawr bydd y cydlynwyr yn edrych" in digest["text"]
    assert "Ar 25 Mawrth dywedoch chi:" in digest["text"]
    assert "Mawrth" in digest["text"]  # the day it was said, in Welsh
    to_ben = await world.fake.wait_for_text(ben.id, "has read it", timeout=10)
    assert "you said:" in to_ben["text"] and "Mawrth" not in to_ben["text"]

    # Sunday: a coordinator writes back (their own words go as written), said in Welsh.
    world.clock.set(datetime(2026, 3, 29, 10, 0, tzinfo=UTC))
    await _reply(world, "Thank you, we've asked for the heating to be checked.")
    await _looked_at(world)
    world.clock.set(datetime(2026, 3, 29, 17, 0, tzinfo=UTC))
    reply = await world.fake.wait_for_text(ann.id, "heating to be checked", timeout=10)
    assert "Ysgrifennodd cydlynydd yn ôl" in reply["text"], reply["text"]
    assert all("wrote back" not in t for t in _updates_to(world, ann.id))

    # Monday: the outcome. "Thank you, this changed because of you", in Welsh.
    world.clock.set(datetime(2026, 3, 30, 10, 0, tzinfo=UTC))
    await _outcome(world, "The heating was fixed.")
    await _looked_at(world)
    world.clock.set(datetime(2026, 3, 30, 17, 0, tzinfo=UTC))
    outcome = await world.fake.wait_for_text(ann.id, "The heating was fixed.", timeout=10)
    assert "Diolch, newidiodd hyn o'ch herwydd chi." in outcome["text"], outcome["text"]


async def _outcome(world: World, words: str) -> None:
    """The coordinator records what changed on the first card of the inbox."""
    coordinator = world.coordinator
    asked = await coordinator.tap("Record outcome", await coordinator.send("/inbox"))
    await coordinator.tap("Something changed", asked)
    started = time.monotonic()
    await coordinator.send(words)
    confirm = await _sent_since(world.fake, COORDINATOR_OF_DIGESTS, started, "Send it")
    await coordinator.tap("Send it", confirm)


@pytest.fixture
async def sharing(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningChorus]:
    """Chorus with one group, coordinated by COORDINATOR."""
    await seed_group(database(tmp_path), COORDINATOR, MEMBERS, name=GROUP)
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    clock = FakeClock(datetime(2026, 3, 3, 12, 0, tzinfo=UTC))
    async with running_chorus(settings, fake, clock) as running:
        yield running


async def test_changing_language_half_way_through_share_keeps_the_draft(
    fake: FakeBotApi, sharing: RunningChorus
) -> None:
    member = _phone(fake, MEMBERS[0])
    await member.send("/share")
    await member.tap("Feedback")
    asked = await member.send("The waiting room is cold and nobody says hello.")
    chosen = await member.tap("Cymraeg", await member.send("/language"))
    assert "yn Gymraeg" in chosen["text"]
    # The story goes on where it was, the language changed.
    named = await member.tap("With my name", asked)
    preview = await member.tap("Dim ond cydlynwyr sy'n ei ddarllen", named)
    assert "The waiting room is cold and nobody says hello." in preview["text"]
