"""Journey J3 end to end: /share for each kind and media, receipts, /mine, withdrawal,
prompts, drafts across a restart, small groups, observers and bad input."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.services.delivery_rules import RETURN_ADDRESS_PURPOSE
from bot.services.sharing import BODY_PURPOSE, MEDIA_PURPOSE
from tests.e2e.conftest import ADMIN
from tests.e2e.test_joining import make_group
from tests.support.chorus_run import RunningChorus, running_chorus, settings_for
from tests.support.clock import MovableClock
from tests.support.fake_bot_api import FakeBotApi
from tests.support.phone import Phone
from tests.support.seed import seed_group
from tests.support.sharing import (
    COORDINATOR,
    GROUP,
    MEMBERS,
    answer_to_media,
    database,
    execute,
    pass_daily_batch,
    reference_in,
    rows,
    sealer,
    share_words,
)

# The first daily batch after the running clock's start (midday, 3 March, GMT).
BATCH = datetime(2026, 3, 4, 9, 0, 30, tzinfo=UTC)


@pytest.fixture
def moving() -> MovableClock:
    """The running clock, from midday on 3 March; a test may move it on."""
    return MovableClock(datetime(2026, 3, 3, 12, 0, tzinfo=UTC))


@pytest.fixture
async def seeded(
    fake: FakeBotApi, tmp_path: Path, moving: MovableClock
) -> AsyncIterator[RunningChorus]:
    """Chorus with one group of six members, coordinated by COORDINATOR."""
    await seed_group(database(tmp_path), COORDINATOR, MEMBERS, name=GROUP)
    for member in [COORDINATOR, *MEMBERS]:
        fake.user(member, f"M{member}")
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake, moving) as running:
        yield running


def _items(folder: Path) -> list[dict[str, object]]:
    return [dict(row) for row in rows(folder, "SELECT * FROM item")]


async def test_named_feedback_in_words(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    member = Phone(fake, 801)
    await member.send("/share")
    await member.tap("Feedback")
    question = await member.send("The forms are far too long.")
    assert "Please note" not in question["text"]  # six members: no small-group warning
    await member.tap("With my name")
    preview = await member.tap("Only coordinators read it")
    assert "“The forms are far too long.”" in preview["text"]
    assert "the coordinators of Carers group, with your name (M801)" in preview["text"]
    receipt = await member.tap("Send")
    assert "Your words are with the coordinators of Carers group now" in receipt["text"]
    reference = reference_in(receipt)
    assert len(reference) == 6 and reference.isalpha() and reference.isupper()

    [item] = _items(tmp_path)
    [person] = rows(tmp_path, "SELECT id FROM person WHERE telegram_id = 801")
    assert item["person_id"] == person["id"] and item["pseudonym"] is None
    assert item["kind"] == "feedback" and item["consent"] == "coordinators"
    assert item["body"] != "The forms are far too long."
    assert sealer().open(str(item["body"]), BODY_PURPOSE) == "The forms are far too long."
    assert item["reference"] == reference
    listing = await member.send("/mine")
    assert "The forms are far too long." in listing["text"] and "received" in listing["text"]
    assert rows(tmp_path, "SELECT * FROM pending_step WHERE step LIKE 'share%'") == []


async def test_anonymous_story_as_a_voice_note(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path, moving: MovableClock
) -> None:
    member = Phone(fake, 802)
    await member.send("/share")
    await member.tap("Part of my story")
    caption_ask = await answer_to_media(fake, member, "voice", b"OggS voice")
    assert "I have your voice note" in caption_ask["text"]
    await member.tap("Skip")
    consent = await member.tap("Without my name")
    labels = [text for text, _ in fake.buttons(consent)]
    assert "Quote it with my name" not in labels  # a contradiction without a name
    preview = await member.tap("Quote it without my name")
    assert "[your voice note]" in preview["text"]
    assert "won't see who you are" in preview["text"]
    assert "Telegram, and the people who run Chorus, can see who uses it" in preview["text"]
    assert "it may be quoted, without your name" in preview["text"]
    receipt = await member.tap("Send")
    assert "tomorrow at 9am, without your name" in receipt["text"]
    # Held, sealed whole, until the batch: nothing of it is among the items yet.
    assert _items(tmp_path) == []
    [held] = rows(tmp_path, "SELECT sealed FROM item_hold")
    assert held["sealed"].startswith("v1.")
    listing = await member.send("/mine")
    assert "part of your story" in listing["text"] and "without your name" in listing["text"]

    await pass_daily_batch(moving, tmp_path, BATCH)
    [item] = _items(tmp_path)
    key = sealer()
    assert item["person_id"] is None and item["body"] is None
    assert item["pseudonym"] == key.pseudonym(802)
    assert key.open(str(item["return_address"]), RETURN_ADDRESS_PURPOSE) == "802"
    file_id = key.open(str(item["media_file_id"]), MEDIA_PURPOSE)
    assert fake.file(file_id).content == b"OggS voice"
    assert (item["kind"], item["media_kind"], item["consent"]) == (
        "story",
        "voice",
        "quote_anonymous",
    )
    assert item["given_on"] == "2026-03-03"
    # The next 09:00 in London after midday on 3 March (GMT): 4 March, 09:00 UTC.
    assert str(item["visible_at"]).startswith("2026-03-04 09:00:00")
    listing = await member.send("/mine")
    assert "part of your story" in listing["text"] and "without your name" in listing["text"]
    full = await member.tap("Read 1", listing)
    assert "it may be quoted, without your name" in full["text"]
    voice = await fake.wait_for(lambda call: call.method == "sendVoice")
    assert voice.params["chat_id"] == 802 and voice.params["voice"] == file_id


async def test_session_feedback_as_a_photo_with_a_caption(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    member = Phone(fake, 803)
    await member.send("/share")
    ask = await member.tap("About a group meeting")
    assert "Your feedback on a group meeting" in ask["text"]
    question = await answer_to_media(
        fake, member, "photo", b"JPEG", caption="The ramp was blocked"
    )
    assert "with your name, or without it" in question["text"]
    await member.tap("With my name")
    preview = await member.tap("Only coordinators read it")
    assert "[your photo]" in preview["text"] and "“The ramp was blocked”" in preview["text"]
    await member.tap("Send")

    [item] = _items(tmp_path)
    key = sealer()
    assert (item["kind"], item["media_kind"], item["session_id"]) == ("session", "photo", None)
    assert key.open(str(item["body"]), BODY_PURPOSE) == "The ramp was blocked"
    assert fake.file(key.open(str(item["media_file_id"]), MEDIA_PURPOSE)).content == b"JPEG"


async def test_a_story_quoted_with_a_name_and_going_back(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    member = Phone(fake, 804)
    await member.send("/share")
    await member.tap("Part of my story")
    await member.send("First try")
    await member.tap("With my name")
    preview = await member.tap("Quote it with my name")
    assert "it may be quoted, with your name" in preview["text"]
    again = await member.tap("Change what I wrote")
    assert "What you wrote before is kept" in again["text"]
    await member.send("When I was discharged nobody called.")
    await member.tap("With my name")
    back = await member.tap("Back")
    assert "with your name, or without it" in back["text"]
    await member.tap("With my name")
    await member.tap("Quote it with my name")
    await member.tap("Send")

    [item] = _items(tmp_path)
    assert item["consent"] == "quote_named" and item["kind"] == "story"
    assert sealer().open(str(item["body"]), BODY_PURPOSE) == "When I was discharged nobody called."


async def test_a_draft_survives_a_restart(fake: FakeBotApi, tmp_path: Path) -> None:
    await seed_group(database(tmp_path), COORDINATOR, MEMBERS, name=GROUP)
    member = Phone(fake, 805)
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake):
        await member.send("/share")
        await member.tap("Feedback")
        await member.send("Half of what I meant to say")
    [draft] = rows(tmp_path, "SELECT step, data FROM pending_step")
    assert draft["step"] == "share_name"
    assert "Half of what" not in draft["data"]  # the draft's words are sealed too

    async with running_chorus(settings, fake):
        offer = await member.send("/share")
        assert offer["text"] == "You were writing something. Carry on, or start again?"
        carried = await member.tap("Carry on")
        assert "with your name, or without it" in carried["text"]
        await member.tap("With my name")
        preview = await member.tap("Only coordinators read it")
        assert "“Half of what I meant to say”" in preview["text"]
        await member.tap("Send")
        again = await member.send("/share")
        assert "What would you like to share" in again["text"]
    [item] = _items(tmp_path)
    assert sealer().open(str(item["body"]), BODY_PURPOSE) == "Half of what I meant to say"


async def test_start_again_drops_the_old_draft(fake: FakeBotApi, seeded: RunningChorus) -> None:
    member = Phone(fake, 806)
    await member.send("/share")
    await member.tap("Feedback")
    await member.send("Old words")
    await member.send("/share")
    fresh = await member.tap("Start again")
    assert "What would you like to share" in fresh["text"]
    await member.tap("Feedback")
    await member.send("New words")
    await member.tap("Without my name")
    preview = await member.tap("Only coordinators read it")
    assert "New words" in preview["text"] and "Old words" not in preview["text"]
    stopped = await member.tap("Don't send")
    assert "nothing was sent" in stopped["text"]


async def test_withdrawing_an_item_erases_it_and_tells_coordinators_if_used(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path, moving: MovableClock
) -> None:
    member, coordinator = Phone(fake, 801), Phone(fake, COORDINATOR)
    await share_words(member, "Please move the meetings to the evening.")
    await share_words(member, "Nobody told us the room changed.", named=False)
    listing = await member.send("/mine")
    assert "What you've shared (2)" in listing["text"]
    await pass_daily_batch(moving, tmp_path, BATCH)

    # The coordinators took the named item to a meeting.
    await execute(tmp_path, "UPDATE item SET status = 'considering' WHERE person_id IS NOT NULL")
    [used] = rows(tmp_path, "SELECT reference FROM item WHERE person_id IS NOT NULL")
    full = await member.tap_data(f"uv:{used['reference']}", listing)
    assert "Please move the meetings to the evening." in full["text"]
    assert "being considered" in full["text"]
    actions = await fake.wait_for_text(member.id, "you can take it back")
    history = await member.tap("What happened", actions)
    assert "you shared it. Thank you." in history["text"]
    await member.tap_data(f"uv:{used['reference']}", listing)
    actions = await fake.wait_for_text(member.id, "you can take it back")
    ask = await member.tap("Take it back", actions)
    assert "It will be removed from every list and report" in ask["text"]
    done = await member.tap("Yes, take it back")
    assert "I've told them to stop" in done["text"]
    notice = await fake.wait_for_text(coordinator.id, "has been taken back")
    assert "Carers group" in notice["text"] and "Please move" not in notice["text"]

    [row] = rows(tmp_path, "SELECT * FROM item WHERE reference = ?", used["reference"])
    assert row["body"] is None and row["withdrawn_on"] == "2026-03-04"
    # The member's own copy of it is edited to say so (read before /mine's answer).
    await fake.wait_for_text(member.id, "Taken back by the person who shared it.")
    listing = await member.send("/mine")
    assert "What you've shared (1)" in listing["text"]
    assert "Please move" not in listing["text"]

    # The anonymous item was not used: withdrawn quietly.
    ask = await member.tap("Take back 1", listing)
    assert (await member.tap("Yes, take it back", ask))["text"] == (
        "Done. It's been taken back and its words deleted."
    )
    assert (await member.send("/mine"))["text"].startswith("You haven't shared anything yet")
    assert rows(tmp_path, "SELECT * FROM item WHERE body IS NOT NULL") == []
    [anonymous] = rows(tmp_path, "SELECT * FROM item WHERE person_id IS NULL")
    assert anonymous["pseudonym"] is None and anonymous["return_address"] is None


async def test_prompts_reach_members_and_answers_link_to_them(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path, moving: MovableClock
) -> None:
    coordinator, member = Phone(fake, COORDINATOR), Phone(fake, 803)
    ask = await coordinator.send("/prompt")
    assert "Type the question or scenario for Carers group" in ask["text"]
    until = await coordinator.send("Sam waited six weeks for a call back. What could have helped?")
    assert "Until when" in until["text"]
    await coordinator.tap("For 1 week")
    preview = await fake.wait_for_text(coordinator.id, "It will go to the members")
    posted = await coordinator.tap("Post it", preview)
    assert "on its way to 6 members of Carers group" in posted["text"]

    question = await fake.wait_for_text(member.id, "A question from Carers group")
    assert "What could have helped?" in question["text"]
    assert "Open until Tuesday 10 March" in question["text"]
    content = await member.tap("Respond", question)
    assert "The question: “Sam waited six weeks" in content["text"]
    await member.send("A text message to say where he was in the queue.")
    await member.tap("Without my name")
    await member.tap("Only coordinators read it")
    await member.tap("Send")
    await pass_daily_batch(moving, tmp_path, BATCH)
    [prompt] = rows(tmp_path, "SELECT id, ends_on FROM prompt")
    assert prompt["ends_on"] == "2026-03-10"
    [item] = _items(tmp_path)
    assert (item["kind"], item["prompt_id"]) == ("prompt", prompt["id"])

    # /share offers open prompts as a kind, and lists them.
    await member.send("/share")
    listing = await member.tap("Answer a question")
    assert "Which question" in listing["text"]
    assert any("Sam waited" in text for text, _ in fake.buttons(listing))
    refused = await member.send("/prompt")
    assert refused["text"] == "Sorry, only the people who run a group can do that."


async def test_closed_prompts_and_forged_prompt_buttons(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    member = Phone(fake, 804)
    await member.send("/help")
    await execute(
        tmp_path,
        "INSERT INTO prompt (group_id, text, created_at, ends_on) "
        "SELECT id, 'Old question', '2026-01-01 00:00:00.000000', ? FROM chorus_group",
        date(2026, 2, 1).isoformat(),
    )
    [prompt] = rows(tmp_path, "SELECT id FROM prompt")
    closed = await member.tap_data(f"ur:{prompt['id']}")
    assert "isn't taking answers any more" in closed["text"]
    missing = await member.tap_data("ur:999999")
    assert "doesn't work any more" in missing["text"]
    ask = await member.send("/share")
    assert "Answer a question" not in [text for text, _ in fake.buttons(ask)]


async def test_small_groups_are_warned(fake: FakeBotApi, chorus: RunningChorus) -> None:
    admin, member = Phone(fake, ADMIN), Phone(fake, 71, "Lee")
    payload = await make_group(admin, "Tiny group")
    await member.send(f"/start {payload}")
    await member.tap("Yes, join")
    await member.tap("No name")
    await member.send("/share")
    await member.tap("Feedback")
    question = await member.send("Too few chairs")
    assert "Tiny group has only 1 member." in question["text"]
    assert "people may guess it's you" in question["text"]
    await member.tap("Without my name")
    preview = await member.tap("Only coordinators read it")
    assert "people may guess it's you" in preview["text"]


async def test_observers_read_without_names(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path, moving: MovableClock
) -> None:
    admin, observer = Phone(fake, ADMIN), Phone(fake, 950, "Olu")
    member, coordinator = Phone(fake, 801), Phone(fake, COORDINATOR)
    await admin.send("/observers")
    listing = await admin.tap(GROUP)
    assert "has no observers" in listing["text"]
    made = await admin.tap("new observer")
    link = next(word for word in made["text"].split() if "start=" in word)
    welcome = await observer.send("/start " + link.split("start=")[1])
    assert "You're now an observer of Carers group" in welcome["text"]
    again = await observer.send("/start " + link.split("start=")[1])
    assert "already been used" in again["text"]

    await share_words(member, "The new leaflet is clear.", named=True)
    await share_words(Phone(fake, 802), "Staff talked over me.", named=False)
    # The daily batch moment passes for the anonymous item.
    await pass_daily_batch(moving, tmp_path, BATCH)
    await fake.wait_for_text(coordinator.id, "Your inbox today", timeout=10)

    seen = await observer.send("/read")
    assert "The new leaflet is clear." in seen["text"]
    assert "Staff talked over me." in seen["text"]
    assert "M801" not in seen["text"] and "M802" not in seen["text"]
    assert "name not shown to readers" in seen["text"]
    read_by_coordinator = await coordinator.send("/read")
    assert "M801" in read_by_coordinator["text"] and "M802" not in read_by_coordinator["text"]
    assert "without a name" in read_by_coordinator["text"]
    board = await observer.send("/updates")
    assert "You said, we did: Carers group" in board["text"]
    # Observing is reading only: no coordinator's tools.
    refused = await observer.send("/prompt")
    assert refused["text"] == "Sorry, only the people who run a group can do that."
    nothing = await Phone(fake, 805).send("/read")
    assert nothing["text"] == "There's no group whose input you can read."


async def test_anonymous_items_wait_for_the_daily_batch(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path, moving: MovableClock
) -> None:
    coordinator = Phone(fake, COORDINATOR)
    await share_words(Phone(fake, 806), "A quiet room would help.", named=False)
    await share_words(Phone(fake, 805), "More chairs by the door.", named=False)
    before = await coordinator.send("/read")
    assert "Nothing shared in Carers group yet" in before["text"]
    assert _items(tmp_path) == [] and len(rows(tmp_path, "SELECT id FROM item_hold")) == 2
    await pass_daily_batch(moving, tmp_path, BATCH)
    found = rows(tmp_path, "SELECT visible_at, given_on FROM item")
    assert [(r["visible_at"][:19], r["given_on"]) for r in found] == [
        ("2026-03-04 09:00:00", "2026-03-03")
    ] * 2
    notice = await fake.wait_for_text(coordinator.id, "Your inbox today", timeout=10)
    assert "New: 2" in notice["text"]
    after = await coordinator.send("/read")
    assert "A quiet room would help." in after["text"] and "More chairs" in after["text"]


async def test_bad_input_gets_clear_replies_and_loses_nothing(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    member = Phone(fake, 801)
    await member.send("/share")
    await member.tap("Feedback")
    await member.send("My first words")
    await member.tap("Back")  # to the words, which are kept

    sticker = await answer_to_media(fake, member, "sticker", b"webp")
    assert "not stickers or other files" in sticker["text"]
    document = await answer_to_media(
        fake, member, "document", b"%PDF", file_name="notes.pdf", mime_type="application/pdf"
    )
    assert "not stickers or other files" in document["text"]
    empty = await member.send(" \u200b\u2060 ")
    assert "I couldn't find any words in that" in empty["text"]
    long = await member.send("x" * 12001)
    assert "12,000 characters at most" in long["text"] and "nothing is lost" in long["text"]
    at_name = await member.tap("Keep what I wrote", fake.last_message(member.id))
    assert "with your name, or without it" in at_name["text"]
    typed = await member.send("with my name please")
    assert "Please choose with the buttons below" in typed["text"]
    await member.tap("With my name", fake.last_message(member.id))
    preview = await member.tap("Only coordinators read it")
    assert "“My first words”" in preview["text"]

    forged = await member.tap_data("ug:424242")
    assert "doesn't work any more" in forged["text"]
    odd = await member.tap_data("uk:nonsense")
    assert "doesn't work any more" in odd["text"]
    await member.tap("Send", fake.last_message(member.id))

    # Another member's reference, read or withdrawn through a forged button.
    [item] = rows(tmp_path, "SELECT reference FROM item")
    other = Phone(fake, 802)
    await other.send("/mine")
    for data in (f"uv:{item['reference']}", f"uw:{item['reference']}", f"uy:{item['reference']}"):
        answer = await other.tap_data(data)
        assert "I can't find that" in answer["text"]
    [still] = rows(tmp_path, "SELECT body, withdrawn_on FROM item")
    assert still["body"] is not None and still["withdrawn_on"] is None
    stale = await member.tap_data("ut")
    assert "doesn't work any more" in stale["text"]
    loose = await answer_to_media(fake, other, "sticker")
    assert "no one else has seen it" in loose["text"]


async def test_the_longest_item_is_previewed_in_parts_and_sent_whole(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    member = Phone(fake, 805)
    words = ("All of this matters to me. " * 160)[:3990] + " The end."
    await member.send("/share")
    await member.tap("Feedback")
    await member.send(words)
    await member.tap("With my name")
    await member.tap("Only coordinators read it")
    ready = await fake.wait_for_text(member.id, "Who will see it")
    assert fake.buttons(ready)[0][0] == "Send"
    shown = " ".join(member.texts())
    assert "The end.”" in shown and all(len(t) <= 4096 for t in member.texts())
    await member.tap("Send", ready)
    [item] = _items(tmp_path)
    assert sealer().open(str(item["body"]), BODY_PURPOSE) == words.strip()


async def test_feedback_on_a_group_meeting_names_the_meeting(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    for title, starts, uid in (
        ("Coffee morning", "2026-03-02 10:00:00.000000", "a1"),
        ("Next month's planning", "2026-04-02 10:00:00.000000", "a2"),
    ):
        await execute(
            tmp_path,
            "INSERT INTO group_session (group_id, title, starts_at, ends_at, reminders, uid,"
            " created_at) SELECT id, ?, ?, ?, '', ?, ? FROM chorus_group",
            title,
            starts,
            starts.replace("10:00", "12:00"),
            uid,
            starts,
        )
    [coffee] = rows(tmp_path, "SELECT id FROM group_session WHERE uid = 'a1'")
    member = Phone(fake, 803)
    await member.send("/share")
    listing = await member.tap("About a group meeting")
    assert "Which group meeting is it about?" in listing["text"]
    labels = [text for text, _ in fake.buttons(listing)]
    assert "Coffee morning · Mon 2 March" in labels and "Another meeting" in labels
    assert not any("planning" in text for text in labels)  # not begun yet
    ask = await member.tap("Coffee morning", listing)
    assert "Your feedback on Coffee morning (Monday 2 March)" in ask["text"]
    back = await member.tap("Back", ask)
    assert "Which group meeting is it about?" in back["text"]
    await member.tap("Coffee morning", back)
    await member.send("The room was too cold.")
    await member.tap("With my name")
    await member.tap("Only coordinators read it")
    await member.tap("Send")
    [item] = _items(tmp_path)
    assert (item["kind"], item["session_id"]) == ("session", coffee["id"])
    forged = await member.tap_data("uf:1:999999")
    assert "doesn't work any more" in forged["text"]
