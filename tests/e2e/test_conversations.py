"""Conversations end to end: a member answers a coordinator's reply (named and anonymous,
with the Reply button or by replying to the message), risk words in an answer, either side
ending it, and a safeguarding lead writing to the person of a named or anonymous alert."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ADMIN
from tests.support.chorus_run import RunningChorus, running_chorus, settings_for
from tests.support.fake_bot_api import Call, FakeBotApi
from tests.support.items import ItemSeed, seed_items
from tests.support.outbox import shown
from tests.support.phone import Phone
from tests.support.seed import seed_group
from tests.support.sharing import rows, sealer

COORDINATOR = 700_002
AUTHOR = 5101
OTHER = 5102
WORDS = "The forms are too long\nand nobody explains them."
GIVEN = date(2026, 3, 2)
VISIBLE = datetime(2026, 3, 3, 6, 0, tzinfo=UTC)
RISKY = "Honestly some days I want to end it all."
NOT_PASSED_ON = "I don't pass on messages written here"


@asynccontextmanager
async def _chorus(fake: FakeBotApi, folder: Path, anonymous: bool) -> AsyncIterator[None]:
    """A group with one item by AUTHOR, and Chorus running; the daily notice already out."""
    group = await seed_group(folder / "chorus.db", COORDINATOR, [AUTHOR, OTHER], "Carers")
    await seed_items(
        folder / "chorus.db", [ItemSeed(group, AUTHOR, WORDS, GIVEN, VISIBLE, anonymous)]
    )
    for person in (AUTHOR, OTHER, COORDINATOR):
        fake.user(person, f"Person{person}")
    settings = settings_for(fake, folder, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake):
        await fake.wait_for_text(COORDINATOR, "Your inbox today", timeout=10)
        yield


async def _sent_since(
    fake: FakeBotApi, chat: int, started: float, contains: str
) -> dict[str, Any]:
    """The first message sent to `chat` after `started` whose text contains `contains`."""

    def matches(call: Call) -> bool:
        return (
            call.at >= started
            and call.method == "sendMessage"
            and call.params.get("chat_id") == chat
            and contains in str(call.params.get("text", ""))
        )

    call = await fake.wait_for(matches, 10)
    deadline = time.monotonic() + 10
    while call.response is None:
        assert time.monotonic() < deadline, "the message was never answered"
        await asyncio.sleep(0.01)
    return fake.message(chat, call.response["result"]["message_id"])


async def _send_reply(
    fake: FakeBotApi, coordinator: Phone, ask: Callable[[], Any], words: str
) -> dict[str, Any]:
    """The coordinator asks to reply (`ask`), types `words`, sends; the author's message."""
    started = time.monotonic()
    await ask()
    await coordinator.send(words)
    confirm = await _sent_since(fake, COORDINATOR, started, "exactly what they will read")
    await coordinator.tap("Send it", confirm)
    return await _sent_since(fake, AUTHOR, started, words)


async def _reply_from_inbox(fake: FakeBotApi, coordinator: Phone, words: str) -> dict[str, Any]:
    card = await coordinator.send("/inbox")
    return await _send_reply(fake, coordinator, lambda: coordinator.tap("Reply", card), words)


async def test_a_member_answers_a_reply_on_a_named_item(fake: FakeBotApi, tmp_path: Path) -> None:
    async with _chorus(fake, tmp_path, anonymous=False):
        coordinator, author = Phone(fake, COORDINATOR), Phone(fake, AUTHOR)
        card = await coordinator.send("/inbox")
        assert "not yet acknowledged" in card["text"]
        heard = await _reply_from_inbox(fake, coordinator, "Can I give you a call today?")
        assert "wrote back" in heard["text"]
        assert [text for text, _ in fake.buttons(heard)] == ["Reply", "End conversation"]
        # Who will read an answer, said where the member writes it.
        assert "To answer, tap Reply, or reply" in heard["text"]
        assert "will read it, with your name" in heard["text"]

        ask = await author.tap("Reply", heard)
        assert "The coordinators of Carers will read it, with your name." in ask["text"]
        # The message answered keeps its words: the question comes as a new message.
        assert "Can I give you a call today?" in fake.message(AUTHOR, heard["message_id"])["text"]
        started = time.monotonic()
        sent = await author.send("Yes please, after 3pm")
        assert "Your answer is on its way" in sent["text"]
        answer = await _sent_since(fake, COORDINATOR, started, "Yes please, after 3pm")
        assert "An answer" in answer["text"] and "from M5101" in answer["text"]
        assert "The forms are too long" in answer["text"] and "2 March" in answer["text"]

        # The item in /inbox shows the conversation, and is no longer "not yet acknowledged".
        card = await coordinator.send("/inbox")
        assert "A coordinator wrote: “Can I give you a call today?”" in card["text"]
        assert "They said: “Yes please, after 3pm”" in card["text"]
        assert "Where it is: acknowledged" in card["text"]
        assert "not yet acknowledged" not in card["text"]

        # The coordinator answers again from the answer itself; the member replies to it.
        again = await _send_reply(
            fake, coordinator, lambda: coordinator.tap("Reply", answer), "Great, I'll call at 3"
        )
        started = time.monotonic()
        thanks = await author.reply("Thank you!", again)
        assert "on its way" in thanks["text"]
        second = await _sent_since(fake, COORDINATOR, started, "Thank you!")
        assert "from M5101" in second["text"]
        assert not any("Yes please" in t for t in Phone(fake, OTHER).texts())


async def test_a_member_answers_a_reply_on_an_anonymous_item_without_being_known(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    async with _chorus(fake, tmp_path, anonymous=True):
        coordinator, author = Phone(fake, COORDINATOR), Phone(fake, AUTHOR)
        heard = await _reply_from_inbox(fake, coordinator, "Which form was the worst?")
        started = time.monotonic()
        assert "They won't see who you are." in heard["text"]
        # Replying to the message, without the button.
        sent = await author.reply("The housing benefit one", heard)
        assert "They won't see who you are." in sent["text"]
        answer = await _sent_since(fake, COORDINATOR, started, "The housing benefit one")
        assert "without a name" in answer["text"]
        card = await coordinator.send("/inbox")
        assert "They said: “The housing benefit one”" in card["text"]

        # The coordinator answers by replying to the answer: previewed, then sent.
        started = time.monotonic()
        await coordinator.reply("Thank you, we'll look at that one first", answer)
        confirm = await _sent_since(fake, COORDINATOR, started, "exactly what they will read")
        await coordinator.tap("Send it", confirm)
        again = await _sent_since(fake, AUTHOR, started, "we'll look at that one first")
        assert [text for text, _ in fake.buttons(again)] == ["Reply", "End conversation"]

        for text in coordinator.texts():
            assert str(AUTHOR) not in text and "M5101" not in text and "Person5101" not in text
        for _, data in fake.buttons(answer):
            assert str(AUTHOR) not in data
        # The way back is the pseudonym (and the item's sealed return address), no person.
        [talk] = rows(tmp_path, "SELECT person_id, pseudonym, return_address FROM conversation")
        assert talk["person_id"] is None and talk["pseudonym"] == sealer().pseudonym(AUTHOR)
        assert talk["return_address"] is None
        for message in rows(
            tmp_path, "SELECT text, by_person, direction FROM conversation_message"
        ):
            assert message["text"].startswith("v1.") and "housing" not in message["text"]
            if message["direction"] == "in":
                assert message["by_person"] is None
        for row in rows(tmp_path, "SELECT payload FROM outbox WHERE kind = 'conversation'"):
            assert row["payload"].startswith("v1.")
            assert "housing" in shown(sealer(), row["payload"]).text


async def test_risk_words_in_an_answer_get_the_safety_reply(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    async with _chorus(fake, tmp_path, anonymous=True):
        coordinator, author = Phone(fake, COORDINATOR), Phone(fake, AUTHOR)
        heard = await _reply_from_inbox(fake, coordinator, "How are things?")
        await author.tap("Reply", heard)
        started = time.monotonic()
        help_first = await author.send(RISKY)
        assert "I'm sorry you're going through this" in help_first["text"]
        assert "Samaritans" in help_first["text"]
        await fake.wait_for_text(AUTHOR, "Your answer is on its way", timeout=10)
        answer = await _sent_since(fake, COORDINATOR, started, "end it all")
        assert "A safety reply was shown; a lead has been told." in answer["text"]

        # By replying to the message, too.
        started = time.monotonic()
        replied = await author.reply("i want to die", heard)
        assert "I'm sorry you're going through this" in replied["text"]
        await _sent_since(fake, COORDINATOR, started, "i want to die")
        assert len(rows(tmp_path, "SELECT id FROM risk_alert")) == 2


async def test_an_answer_after_the_coordinator_ends_it_is_kindly_refused(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    async with _chorus(fake, tmp_path, anonymous=True):
        coordinator, author = Phone(fake, COORDINATOR), Phone(fake, AUTHOR)
        heard = await _reply_from_inbox(fake, coordinator, "Anything else?")
        started = time.monotonic()
        await author.reply("No, that's all", heard)
        answer = await _sent_since(fake, COORDINATOR, started, "that's all")

        started = time.monotonic()
        ended = await coordinator.tap("End conversation", answer)
        assert "the conversation has ended" in ended["text"]
        told = await _sent_since(fake, AUTHOR, started, "ended the talk")
        assert "Thank you for talking with them" in told["text"]
        assert fake.buttons(told) == []
        again = await coordinator.tap("End conversation", answer)
        assert "already ended" in again["text"]

        before = rows(tmp_path, "SELECT count(*) AS n FROM conversation_message")[0]["n"]
        refused = await author.tap("Reply", heard)
        assert "This conversation has ended, so I haven't sent that" in refused["text"]
        late = await author.reply("One more thing", heard)
        assert "This conversation has ended" in late["text"] and "/share" in late["text"]
        assert rows(tmp_path, "SELECT count(*) AS n FROM conversation_message")[0]["n"] == before
        assert not any("One more thing" in t for t in coordinator.texts())

        # A new reply opens it again.
        reopened = await _reply_from_inbox(fake, coordinator, "Sorry, one last question")
        started = time.monotonic()
        await author.reply("Go on", reopened)
        await _sent_since(fake, COORDINATOR, started, "Go on")

        # Ended from the inbox this time.
        card = await coordinator.send("/inbox")
        assert "The talk so far (open)" in card["text"]
        ended = await coordinator.tap("End conversation", card)
        assert "the conversation has ended" in ended["text"]
        card = await coordinator.send("/inbox")
        assert "The talk so far (ended)" in card["text"] and "They said: “Go on”" in card["text"]
        assert not any("End conversation" in text for text, _ in fake.buttons(card))


async def test_the_member_ends_it_and_the_coordinators_are_told(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    async with _chorus(fake, tmp_path, anonymous=False):
        coordinator, author = Phone(fake, COORDINATOR), Phone(fake, AUTHOR)
        heard = await _reply_from_inbox(fake, coordinator, "Could you tell us more?")
        started = time.monotonic()
        ended = await author.tap("End conversation", heard)
        assert "the conversation has ended" in ended["text"]
        told = await _sent_since(fake, COORDINATOR, started, "has ended the conversation.")
        assert "The forms are too long" in told["text"]
        late = await author.reply("Actually, one more thing", heard)
        assert "This conversation has ended" in late["text"]


async def test_forged_conversation_buttons(fake: FakeBotApi, tmp_path: Path) -> None:
    async with _chorus(fake, tmp_path, anonymous=True):
        coordinator, other = Phone(fake, COORDINATOR), Phone(fake, OTHER)
        heard = await _reply_from_inbox(fake, coordinator, "Thanks, tell us more?")
        [(_, answer_data), (_, end_data)] = fake.buttons(heard)
        conversation = answer_data.split(":")[1]
        await other.send("/help")
        refused = await other.tap_data(answer_data)
        assert "can't find that conversation" in refused["text"]
        not_theirs = await other.tap_data(end_data)
        assert "can't find that conversation" in not_theirs["text"]
        staff_only = await other.tap_data(f"vx:{conversation}")
        assert "only the people who run a group" in staff_only["text"]
        nonsense = await other.tap_data("va:zzzz")
        assert "can't find that conversation" in nonsense["text"]
        [talk] = rows(tmp_path, "SELECT state FROM conversation")
        assert talk["state"] == "open"


async def test_typed_words_go_nowhere_unless_the_member_says_so(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    async with _chorus(fake, tmp_path, anonymous=True):
        coordinator, author = Phone(fake, COORDINATOR), Phone(fake, AUTHOR)
        nothing = await author.send("hello?")
        assert NOT_PASSED_ON in nothing["text"]

        await _reply_from_inbox(fake, coordinator, "Would you come to the next meeting?")
        offer = await author.send("Yes I would like that")
        assert "Would you like me to send this as your answer?" in offer["text"]
        assert "They won't see who you are." in offer["text"]
        dropped = await author.tap("No, don't send", offer)
        assert "I haven't sent it" in dropped["text"]
        offer = await author.send("Yes, I'll be there")
        started = time.monotonic()
        sent = await author.tap("Yes, send it", offer)
        assert "on its way" in sent["text"]
        await _sent_since(fake, COORDINATOR, started, "Yes, I'll be there")
        assert not any("like that" in t for t in coordinator.texts())


# --- A lead writing to the person of an alert --------------------------------------------------

LEAD = 800
MEMBERS = [801, 802, 803]


@pytest.fixture
async def with_lead(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningChorus]:
    """A group whose coordinator the admin made safeguarding lead."""
    await seed_group(tmp_path / "chorus.db", LEAD, MEMBERS, name="Carers group")
    for person in [LEAD, *MEMBERS]:
        fake.user(person, f"M{person}")
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake) as running:
        admin = Phone(fake, ADMIN)
        await admin.send("/leads")
        marked = await admin.tap("coordinator")
        assert "☑" in marked["text"]
        yield running


async def _alert(fake: FakeBotApi, member: Phone, answer: str) -> dict[str, Any]:
    """The member writes risk words and answers the contact question; the lead's alert."""
    started = time.monotonic()
    reply = await member.send("i dont want to be here anymore")
    assert "I'm sorry you're going through this" in reply["text"]
    await member.tap(answer, reply)
    return await _sent_since(fake, LEAD, started, "Safety alert")


async def test_the_lead_writes_to_a_named_person_and_they_answer(
    fake: FakeBotApi, with_lead: RunningChorus, tmp_path: Path
) -> None:
    member, lead = Phone(fake, 801), Phone(fake, LEAD)
    alert = await _alert(fake, member, "Yes, please contact me")
    ask = await lead.tap("Write to them", alert)
    assert "Type your message" in ask["text"]
    assert "Safety alert" in fake.message(LEAD, alert["message_id"])["text"]  # kept
    started = time.monotonic()
    fake.send_text(lead.user, "Hi, it's Jo. Would a call this afternoon help?")
    await _sent_since(fake, LEAD, started, "Sent")
    message = await _sent_since(
        fake, member.id, started, "A message from the person on our team who keeps people safe"
    )
    assert "Would a call this afternoon help?" in message["text"]
    assert [text for text, _ in fake.buttons(message)] == ["Reply", "End conversation"]

    started = time.monotonic()
    answered = await member.reply("yes please, after 2", message)
    assert "Only the person on our team who keeps people safe will read it." in answered["text"]
    answer = await _sent_since(fake, LEAD, started, "yes please, after 2")
    assert "An answer" in answer["text"]
    # The lead answers by replying to it.
    started = time.monotonic()
    await lead.reply("I'll call at 2:30", answer)
    await _sent_since(fake, member.id, started, "I'll call at 2:30")

    started = time.monotonic()
    ended = await lead.tap("End conversation", answer)
    assert "the conversation has ended" in ended["text"]
    await _sent_since(fake, member.id, started, "has ended your talk")
    late = await member.tap("Reply", message)
    assert "This conversation has ended" in late["text"]


async def test_the_lead_writes_to_an_anonymous_person_without_learning_who(
    fake: FakeBotApi, with_lead: RunningChorus, tmp_path: Path
) -> None:
    member, lead = Phone(fake, 802), Phone(fake, LEAD)
    alert = await _alert(fake, member, "No, thank you")
    assert "who they are is not shared" in alert["text"]
    await lead.tap("Write to them", alert)
    started = time.monotonic()
    await lead.send("I'm here if you want to talk. No pressure.")
    message = await _sent_since(fake, member.id, started, "No pressure.")
    await member.tap("Reply", message)
    started = time.monotonic()
    await member.send("thank you. maybe tomorrow")
    answer = await _sent_since(fake, LEAD, started, "maybe tomorrow")

    # The lead never sees who they are, in any message or button.
    for text in lead.texts():
        assert "802" not in text and "M802" not in text
    for _, data in [*fake.buttons(alert), *fake.buttons(answer)]:
        assert "802" not in data
    # The way back is sealed: no person, no Telegram id, on the alert or the conversation.
    [stored] = rows(tmp_path, "SELECT return_address, pseudonym FROM risk_alert")
    assert stored["return_address"].startswith("v1.") and "802" not in stored["return_address"]
    [talk] = rows(tmp_path, "SELECT person_id, pseudonym, return_address FROM conversation")
    assert talk["person_id"] is None and talk["pseudonym"] == stored["pseudonym"]
    assert talk["return_address"] == stored["return_address"]
    [out] = rows(
        tmp_path,
        "SELECT person_id, return_address FROM outbox WHERE kind = 'conversation' "
        "AND return_address IS NOT NULL",
    )
    assert out["person_id"] is None

    # The person ends it; the lead is told.
    started = time.monotonic()
    await member.tap("End conversation", message)
    told = await _sent_since(fake, LEAD, started, "has ended the conversation.")
    assert "about their safety alert" in told["text"]


async def test_only_a_lead_can_write_to_the_person_of_an_alert(
    fake: FakeBotApi, with_lead: RunningChorus
) -> None:
    member, other = Phone(fake, 803), Phone(fake, 801)
    alert = await _alert(fake, member, "No, thank you")
    data = next(d for label, d in fake.buttons(alert) if label == "Write to them")
    await other.send("/help")
    refused = await other.tap_data(data)
    assert "only the people who run a group" in refused["text"]


async def test_a_person_who_blocked_the_bot_is_not_written_to_and_the_lead_is_told(
    fake: FakeBotApi, with_lead: RunningChorus, tmp_path: Path
) -> None:
    member, lead = Phone(fake, 802), Phone(fake, LEAD)
    alert = await _alert(fake, member, "No, thank you")
    fake.blocked.add(member.id)
    await lead.tap("Write to them", alert)
    await lead.send("Are you okay?")
    deadline = time.monotonic() + 10
    refused = "SELECT id FROM outbox WHERE state = 'failed' AND last_error LIKE 'blocked%'"
    while not rows(tmp_path, refused):
        assert time.monotonic() < deadline, "the blocked send was never tried"
        await asyncio.sleep(0.02)
    # Reached through a sealed address, the person is not marked: that would tie them to it.
    assert not rows(tmp_path, "SELECT id FROM person WHERE unreachable_at IS NOT NULL")

    again = await lead.tap("Write to them", alert)
    assert "Type your message" in again["text"]
    told = await lead.send("I'll try again tomorrow")
    assert "Chorus can't reach them right now" in told["text"]
    assert "802" not in told["text"]
    # Nothing the lead wrote is lost: both messages are kept with the conversation.
    kept = rows(tmp_path, "SELECT direction FROM conversation_message")
    assert [row["direction"] for row in kept] == ["out", "out"]
