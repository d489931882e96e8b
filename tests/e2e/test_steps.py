"""Steps people can leave: every step of every flow is left with /cancel (and, after the
first, gone back through), and a half-written draft survives another flow starting."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.presentation.callbacks import Action, encode
from handlers.general import typed_steps
from tests.e2e.conftest import ADMIN
from tests.support.chorus_run import RunningChorus, running_chorus, settings_for
from tests.support.clock import MovableClock
from tests.support.fake_bot_api import FakeBotApi
from tests.support.items import ItemSeed, seed_items
from tests.support.phone import Phone
from tests.support.seed import seed_group
from tests.support.sharing import (
    COORDINATOR,
    GROUP,
    MEMBERS,
    answer_to_media,
    database,
    execute,
)


@pytest.fixture
async def seeded(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningChorus]:
    """Chorus with one group of six members, coordinated by COORDINATOR."""
    await seed_group(database(tmp_path), COORDINATOR, MEMBERS, name=GROUP)
    for member in [COORDINATOR, *MEMBERS]:
        fake.user(member, f"M{member}")
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    clock = MovableClock(datetime(2026, 3, 3, 12, 0, tzinfo=UTC))
    async with running_chorus(settings, fake, clock) as running:
        yield running


async def test_a_half_written_story_survives_changing_ones_name(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    member = Phone(fake, 801)
    await member.send("/share")
    await member.tap("Feedback")
    await member.send("The waiting room is cold and nobody says hello.")
    # Half-way through, the member goes to change their name instead.
    await member.send("/settings")
    await member.tap("Change name")
    await fake.wait_for_text(member.id, "put it aside", timeout=10)
    saved = await member.send("Robin")
    assert "Robin" in saved["text"]
    # The story is still there, offered back where it was left.
    offered = await member.send("/share")
    assert "You were writing something" in offered["text"], offered["text"]
    await member.tap("Carry on")
    await member.tap("With my name")
    preview = await member.tap("Only coordinators read it")
    assert "The waiting room is cold and nobody says hello." in preview["text"]


async def test_stopping_another_flow_gives_the_draft_back(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    member = Phone(fake, 802)
    await member.send("/share")
    await member.tap("Part of my story")
    await member.send("Could we meet in the evenings sometimes?")
    await member.send("/settings")
    await member.tap("Change name")
    await fake.wait_for_text(member.id, "put it aside", timeout=10)
    await member.send("/cancel")
    # With the name left alone, what is typed next goes on with the story.
    offered = await member.send("/share")
    assert "You were writing something" in offered["text"], offered["text"]
    await member.tap("Carry on")
    await member.tap("With my name")
    preview = await member.tap("Only coordinators read it")
    assert "Could we meet in the evenings sometimes?" in preview["text"], preview["text"]


async def test_starting_another_flow_asks_about_a_half_written_story(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    member = Phone(fake, 803)
    await member.send("/share")
    await member.tap("Feedback")
    await member.send("The stairs are hard for me.")
    await member.send("/settings")
    await member.tap("Change name")
    # Asked, not silently put aside: kept for later here.
    asked = await fake.wait_for_text(member.id, "put it aside", timeout=10)
    kept = await member.tap("Keep it for later", asked)
    assert "/share" in kept["text"], kept["text"]
    await member.send("Robin")
    offered = await member.send("/share")
    assert "You were writing something" in offered["text"], offered["text"]


async def test_a_story_put_aside_can_be_thrown_away(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    member = Phone(fake, 804)
    await member.send("/share")
    await member.tap("Feedback")
    await member.send("Nobody called me back.")
    await member.send("/settings")
    await member.tap("Change name")
    asked = await fake.wait_for_text(member.id, "put it aside", timeout=10)
    dropped = await member.tap("Throw it away", asked)
    assert "Thrown away" in dropped["text"], dropped["text"]
    # The name step goes on; the story is gone.
    saved = await member.send("Robin")
    assert "Robin" in saved["text"], saved["text"]
    fresh = await member.send("/share")
    assert "You were writing something" not in fresh["text"], fresh["text"]


# --- Every step of every flow: a way to stop, /cancel, and Back --------------------------------

SECOND_GROUP = "Evening group"
ACTION = "A warmer waiting room"
# The buttons that stop a step: the shared Stop, and sharing's and drafts' own (which drop
# the draft).
STOP_LABELS = ("✖ Stop", "Don't send", "Cancel")
SHARED = "The forms are far too long."
SEEN = datetime(2026, 3, 3, 6, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Step:
    """One step of a flow: how it is reached from the step before (typed words, or the
    label of a button to tap) and words its question always shows."""

    # "send", "tap", "photo" (a photo sent; `what` is unused), "data" (a button's data
    # tapped, for a button on a message sent earlier, such as a notice to coordinators) or
    # "earlier" (the button labelled `what` on the newest message that has one, once it comes)
    how: str
    what: str
    shows: str
    # Buttons tapped first on the step before (choices that stay on its screen).
    first: tuple[str, ...] = ()
    # A screen to look at (an inbox card), not a step waiting for an answer: nothing to stop.
    browse: bool = False
    # Taken by someone else than the flow's person (in a setup: a member raising an alert).
    by: int = 0
    # The step before it was carried out (a member removed), so there is no Back to it: the
    # step is left with /cancel (or its way out) only.
    done_before: bool = False


@dataclass(frozen=True)
class Flow:
    """A flow, from its command to its last step before anything is done."""

    name: str
    who: int
    steps: tuple[Step, ...]
    # Taken once before the walk (not walked): what the flow needs to exist.
    setup: tuple[Step, ...] = ()
    # Rows added to the database before the walk (each statement given the group's name):
    # what a flow needs that no step of a fresh group makes (a meeting already held).
    seed: tuple[str, ...] = ()


def send(what: str, shows: str) -> Step:
    return Step("send", what, shows)


def tap(what: str, shows: str, first: tuple[str, ...] = ()) -> Step:
    return Step("tap", what, shows, first)


def photo(shows: str) -> Step:
    return Step("photo", "", shows)


QUESTION = "What would make meetings easier?"
# An open question to the group, and a meeting it held yesterday.
OPEN_QUESTION = (
    "INSERT INTO prompt (group_id, text, created_at, ends_on) "
    f"SELECT id, '{QUESTION}', '2026-03-01 09:00:00.000000', NULL FROM chorus_group "
    "WHERE name = ?"
)
MEETING = "Coffee morning"
# (Its coordinators were asked already to mark who came, so no such notice comes mid-walk.)
HELD_MEETING = (
    "INSERT INTO group_session (group_id, title, starts_at, ends_at, reminders, uid, created_at, "
    f"attendance_asked_at) SELECT id, '{MEETING}', '2026-03-02 10:00:00.000000', "
    "'2026-03-02 12:00:00.000000', '', 'held-meeting', '2026-02-20 10:00:00.000000', "
    "'2026-03-02 12:05:00.000000' FROM chorus_group WHERE name = ?"
)
# Member 801 came to it.
CAME_TO_MEETING = (
    "INSERT INTO session_attendance (session_id, person_id, came, minutes, marked_at, "
    "feedback_asked_at) SELECT s.id, p.id, true, 120, '2026-03-02 12:10:00.000000', "
    "'2026-03-02 12:10:00.000000' FROM group_session s JOIN chorus_group g ON g.id = s.group_id, "
    "person p WHERE g.name = ? AND s.uid = 'held-meeting' AND p.telegram_id = 801"
)
# An expenses claim of member 801's, waiting for the coordinators (the first claim, so its
# buttons carry id 1).
CLAIM_WAITING = (
    "INSERT INTO payment_claim (person_id, group_id, kind, amount_pence, receipt_file_id, "
    "state, on_day, created_at) SELECT p.id, g.id, 'expense', 450, 'AgACreceipt', 'pending', "
    "'2026-03-02', '2026-03-02 13:00:00.000000' FROM chorus_group g, person p "
    "WHERE g.name = ? AND p.telegram_id = 801"
)
# A risk alert no lead has taken yet (told and escalated already, so nothing about it comes
# mid-walk); with no lead chosen, the admin handles it.
ALERT = "walkalert01"
ALERT_RAISED = (
    "INSERT INTO risk_alert (id, group_id, pseudonym, state, ask_until, raised_at, told_at, "
    f"escalated_at) SELECT '{ALERT}', id, 'walk', 'unnamed', '2026-03-03 11:00:00.000000', "
    "'2026-03-03 10:00:00.000000', '2026-03-03 10:00:00.000000', "
    "'2026-03-03 10:30:00.000000' FROM chorus_group WHERE name = ?"
)
# Member 801 writes words that suggest risk and says yes to being contacted: an alert with
# "Write to them" comes to the admin (no lead is chosen).
RISK_RAISED = (
    Step("send", "i dont want to be here anymore", "I'm sorry you're going through", by=801),
    Step("tap", "Yes, please contact me", "", by=801),
)

# Add a flow here when a flow is added: each of its steps is then walked.
FLOWS = (
    Flow(
        "name",
        801,
        (send("/settings", "Your settings"), tap("Change name", "What name would you like")),
    ),
    Flow(
        "quiet hours",
        801,
        (
            send("/settings", "Your settings"),
            tap("Quiet hours", "When should I keep quiet"),
            tap("Type my own", "Type the hours"),
        ),
    ),
    Flow(
        "how I hear back, weekly",
        801,
        (
            send("/settings", "Your settings"),
            tap("How I hear back", "how would you like to hear it"),
            tap("Once a week", "Which day of the week"),
            tap("Tuesday", "At what time"),
        ),
    ),
    Flow(
        "how I hear back, daily",
        801,
        (
            send("/settings", "Your settings"),
            tap("How I hear back", "how would you like to hear it"),
            tap("Once a day", "At what time"),
        ),
    ),
    Flow(
        "broadcast, now",
        COORDINATOR,
        (
            send("/broadcast", "Who should get your message"),
            tap("Next ›", "Type your message", first=(GROUP,)),
            send("Tea at four on Friday.", "exactly how your message will look"),
            tap("Send now", "Send it now to"),
        ),
    ),
    Flow(
        "broadcast, later",
        COORDINATOR,
        (
            send("/broadcast", "Who should get your message"),
            tap("Next ›", "Type your message", first=(GROUP,)),
            send("Tea at four on Friday.", "exactly how your message will look"),
            tap("Send later", "When should it go"),
            send("tomorrow 10:30", "Send it to 6 people"),
        ),
    ),
    Flow(
        "action, a new one",
        COORDINATOR,
        (
            send("/action", "Which group's actions"),
            tap(GROUP, "No actions yet"),
            tap("New action", "What's the action?"),
        ),
    ),
    Flow(
        "action, its status",
        COORDINATOR,
        (
            send("/action", "Which group's actions"),
            tap(GROUP, "Tap one to post an update"),
            tap(ACTION, "Where it stands"),
            tap("done", "Everyone whose words are linked to it will hear this"),
        ),
        setup=(
            send("/action", "Which group's actions"),
            tap(GROUP, "No actions yet"),
            tap("New action", "What's the action?"),
            send(ACTION, "Where it stands"),
        ),
    ),
    Flow(
        "action, an update",
        COORDINATOR,
        (
            send("/action", "Which group's actions"),
            tap(GROUP, "Tap one to post an update"),
            tap(ACTION, "Where it stands"),
            tap("Post an update", "What's the news on"),
        ),
        setup=(
            send("/action", "Which group's actions"),
            tap(GROUP, "No actions yet"),
            tap("New action", "What's the action?"),
            send(ACTION, "Where it stands"),
        ),
    ),
    Flow(
        "new session",
        COORDINATOR,
        (
            send("/newsession", "Which group is the session for"),
            tap(GROUP, "What's the session called"),
            send("Planning meeting", "When does it start"),
            send("tomorrow 10:30", "When does it end"),
            send("2 hours", "Where is it"),
            tap("Skip", "about access"),
            tap("Skip", "difficult subjects"),
            tap("Skip", "How many places"),
            tap("No limit", "When should I remind"),
            tap("Usual times", "Here's how the invitation will look"),
        ),
    ),
    Flow(
        "share",
        801,
        (
            send("/share", "Which group is this for"),
            tap(GROUP, "What would you like to share"),
            tap("Feedback", "Type your words"),
            send("The room was too cold.", "with your name, or without it"),
            tap("With my name", "How may we use your words?"),
            tap("Only coordinators read it", "Here's what you'll send"),
        ),
    ),
    Flow(
        "share, an answer to a question",
        801,
        (
            send("/share", "Which group is this for"),
            tap(GROUP, "What would you like to share"),
            tap("Answer a question", "Which question would you like to answer"),
            tap(QUESTION, "Type your words"),
        ),
        seed=(OPEN_QUESTION,),
    ),
    Flow(
        "share, about a meeting",
        801,
        (
            send("/share", "Which group is this for"),
            tap(GROUP, "What would you like to share"),
            tap("About a group meeting", "Which group meeting is it about"),
            tap(MEETING, "Your feedback on"),
        ),
        seed=(HELD_MEETING,),
    ),
    Flow(
        "share, a photo",
        801,
        (
            send("/share", "Which group is this for"),
            tap(GROUP, "What would you like to share"),
            tap("Feedback", "Type your words"),
            photo("add a few words"),
        ),
    ),
    Flow(
        "inbox, what came of it",
        COORDINATOR,
        (
            send("/inbox", "Which group's inbox"),
            Step("tap", GROUP, SHARED, browse=True),
            tap("Record outcome", "What came of it?"),
            tap("Something changed", "What changed?"),
            send("The room is warmer now.", "exactly what they will read"),
        ),
    ),
    Flow(
        "inbox, by when",
        COORDINATOR,
        (
            send("/inbox", "Which group's inbox"),
            Step("tap", GROUP, SHARED, browse=True),
            tap("Record outcome", "What came of it?"),
            tap("Something will change", "What will change?"),
            send("We will fix the heating.", "By when?"),
        ),
    ),
    Flow(
        "inbox, a reply",
        COORDINATOR,
        (
            send("/inbox", "Which group's inbox"),
            Step("tap", GROUP, SHARED, browse=True),
            tap("Reply", "Type your reply"),
            send("Thank you, we are on it.", "exactly what they will read"),
        ),
    ),
    Flow(
        "inbox, part of an action",
        COORDINATOR,
        (
            send("/inbox", "Which group's inbox"),
            Step("tap", GROUP, SHARED, browse=True),
            tap("Add to action", "Which action should this be part of"),
            tap("New action", "What's the action?"),
        ),
    ),
    Flow(
        "inbox, a meeting",
        COORDINATOR,
        (
            send("/inbox", "Which group's inbox"),
            Step("tap", GROUP, SHARED, browse=True),
            tap("Take to a meeting", "Which meeting is it going to"),
        ),
    ),
    Flow(
        "inbox, when to remind",
        COORDINATOR,
        (
            send("/inbox", "Which group's inbox"),
            Step("tap", GROUP, SHARED, browse=True),
            tap("When to remind me", "How many days should it be"),
        ),
    ),
    *(
        Flow(
            f"mine, {name}",
            801,
            (
                Step("send", "/mine", "What you've shared", browse=True),
                Step("tap", "Read 1", "If you'd rather it wasn't used", browse=True),
                tap(button, question),
            ),
        )
        for name, button, question in (
            ("take back", "Take it back", "Take back what you shared"),
            ("how it may be used", "Change how it may be used", "How may it be used"),
            ("quotes", "Set an end date for quotes", "After which day"),
        )
    ),
    *(
        Flow(
            f"session, {name}",
            COORDINATOR,
            (
                Step("send", "/sessions", "Sessions you run", browse=True),
                Step("tap", "Planning meeting", "Nobody has said", browse=True),
                *steps,
            ),
            setup=(
                send("/newsession", "Which group is the session for"),
                tap(GROUP, "What's the session called"),
                send("Planning meeting", "When does it start"),
                send("tomorrow 10:30", "When does it end"),
                send("2 hours", "Where is it"),
                tap("Skip", "about access"),
                tap("Skip", "difficult subjects"),
                tap("Skip", "How many places"),
                tap("No limit", "When should I remind"),
                tap("Usual times", "Here's how the invitation will look"),
                tap("Save and invite", "Planning meeting"),
            ),
        )
        for name, steps in (
            (
                "a change",
                (
                    tap("Change it", "What would you like to change"),
                    tap("Name", "What's the session called"),
                    send("Evening planning", "Here's the session with your change"),
                ),
            ),
            ("cancelling", (tap("Cancel the session", "Everyone who was invited"),)),
        )
    ),
    Flow(
        "session, its hours",
        COORDINATOR,
        (
            Step("send", "/sessions", "Sessions you run", browse=True),
            Step("tap", MEETING, MEETING, browse=True),
            Step("tap", "Mark who came", "Who came to", browse=True),
            tap("Change the hours", "How many hours should each person who came get"),
        ),
        seed=(HELD_MEETING,),
    ),
    Flow(
        "the question after a meeting",
        801,
        (
            Step("data", encode(Action.SESSION_RATE, 1, 4), "Should the coordinators see"),
            tap("With my name", "How may we use it"),
            tap("Only coordinators read it", "add a few words about how it was"),
        ),
        seed=(HELD_MEETING, CAME_TO_MEETING),
    ),
    Flow(
        "alert, its note",
        ADMIN,
        (Step("data", encode(Action.ALERT_CLOSE, ALERT), "Please type a short note"),),
        # (A first message in the chat, for the alert's buttons to be tapped under.)
        setup=(
            send("/help", ""),
            Step("data", encode(Action.ALERT_TAKE, ALERT), "You're handling alert"),
        ),
        seed=(ALERT_RAISED,),
    ),
    Flow(
        "alert, writing to them",
        ADMIN,
        (Step("earlier", "Write to them", "Type your message"),),
        setup=RISK_RAISED,
    ),
    Flow(
        "a conversation, answering",
        801,
        (Step("earlier", "Reply", "Type your answer"),),
        setup=(
            *RISK_RAISED,
            Step("earlier", "Write to them", "Type your message", by=ADMIN),
            Step("send", "Would a call this afternoon help?", "", by=ADMIN),
        ),
    ),
    Flow(
        "expenses claim",
        801,
        (
            send("/claim", "Which meeting are these expenses for"),
            tap(MEETING, "How much did you spend"),
            send("4.50", "send a photo of the receipt"),
        ),
        seed=(HELD_MEETING, CAME_TO_MEETING),
    ),
    Flow(
        "expenses claim, a question",
        COORDINATOR,
        (
            Step(
                "data",
                encode(Action.PAY_QUERY, 1),
                "What would you like to ask about this claim",
            ),
        ),
        seed=(CLAIM_WAITING,),
    ),
    *(
        Flow(
            f"payments, {name}",
            COORDINATOR,
            (
                send("/payments", "Which group's payment settings"),
                tap(GROUP, "Payment settings for"),
                *steps,
            ),
        )
        for name, steps in (
            ("a rate", (tap("Pay per hour", "How much for each hour"),)),
            ("expenses", (tap("Expenses covered", "What expenses are covered"),)),
            (
                "a payee",
                (
                    tap("Payee references", "Whose payee reference"),
                    tap("M801", "Type the payee reference"),
                ),
            ),
        )
    ),
    Flow("new group", ADMIN, (send("/newgroup", "What's the new group called"),)),
    Flow("invite", COORDINATOR, (send("/invite", "Which group is the invite link for"),)),
    Flow(
        "report",
        COORDINATOR,
        (
            send("/report", "Which time would you like a report for"),
            tap("This month", "Which group is the report for"),
        ),
    ),
    Flow("reading input", COORDINATOR, (send("/read", "Whose input would you like to read"),)),
    Flow("observers", ADMIN, (send("/observers", "Which group's observers"),)),
    Flow("what happened next", 801, (send("/updates", "Which group's list"),)),
    Flow("forget me", 806, (send("/forgetme", "This deletes everything"),)),
    Flow(
        "members, removing one",
        COORDINATOR,
        (
            send("/members", "Which group's members"),
            Step("tap", GROUP, "6 members", browse=True),
            tap("Remove 1", "I'll tell them kindly"),
        ),
    ),
    Flow(
        "members, the reason for removing one",
        COORDINATOR,
        (
            send("/members", "Which group's members"),
            Step("tap", GROUP, "6 members", browse=True),
            tap("Remove 1", "I'll tell them kindly"),
            Step("tap", "Yes, remove them", "type a short reason", done_before=True),
        ),
    ),
    Flow(
        "question for a group",
        COORDINATOR,
        (
            send("/prompt", "Which group is the question for"),
            tap(GROUP, "Type the question"),
            send("What would make meetings easier?", "Until when"),
            tap("No end date", "Above is how it will look"),
        ),
    ),
    Flow(
        "leave",
        802,
        (send("/leave", "Which group would you like to leave"), tap(GROUP, "Leave")),
    ),
)


# Every step that waits for typed words, by its stored name: the flow that walks it, or (in
# NOT_WALKED) why none does.
WALKED = {
    "display_name": "name",
    "quiet_hours": "quiet hours",
    "group_name": "new group",
    "broadcast_text": "broadcast, now",
    "broadcast_when": "broadcast, later",
    "share_group": "share",
    "share_kind": "share",
    "share_content": "share",
    "share_name": "share",
    "share_consent": "share",
    "share_preview": "share",
    "share_caption": "share, a photo",
    "share_session": "share, about a meeting",
    "share_prompt": "share, an answer to a question",
    "prompt_text": "question for a group",
    "loop_meeting": "inbox, a meeting",
    "loop_outcome": "inbox, what came of it",
    "loop_due": "inbox, by when",
    "loop_reply": "inbox, a reply",
    "loop_action_title": "action, a new one",
    "loop_action_text": "action, an update",
    "session_draft": "new session",
    "session_hours": "session, its hours",
    "session_feedback": "the question after a meeting",
    "pay_rate": "payments, a rate",
    "pay_expenses": "payments, expenses",
    "pay_payee": "payments, a payee",
    "pay_amount": "expenses claim",
    "pay_receipt": "expenses claim",
    "pay_query": "expenses claim, a question",
    "remove_reason": "members, the reason for removing one",
    "alert_note": "alert, its note",
    "conv_write": "alert, writing to them",
    "conv_answer": "a conversation, answering",
}
NOT_WALKED: dict[str, str] = {}


def test_every_typed_step_is_walked_or_said_why_not() -> None:
    typed = set(typed_steps())
    assert typed == set(WALKED) | set(NOT_WALKED), typed ^ (set(WALKED) | set(NOT_WALKED))
    assert not set(WALKED) & set(NOT_WALKED)
    assert set(WALKED.values()) <= {flow.name for flow in FLOWS}


async def _take(phone: Phone, flow: Flow, step: Step, again: bool = False) -> dict[str, Any]:
    """Take one step; the newest message it led to (its question, with its buttons).
    `again`: after Back, which keeps the choices made before (so they are not made twice,
    and a step whose choice was kept may be passed by: any later step's question will do)."""
    for label in () if again else step.first:
        await phone.tap(label)
    if step.how == "photo":
        answer = await answer_to_media(phone.fake, phone, "photo", b"JPEG")
    elif step.how == "data":
        answer = await phone.tap_data(step.what)
    elif step.how == "earlier":
        answer = await phone.tap(step.what, await _newest_with(phone, step.what))
    else:
        answer = await (phone.send if step.how == "send" else phone.tap)(step.what)
    later = flow.steps[flow.steps.index(step) :] if again else (step,)
    words = tuple(s.shows for s in later)
    if any(w in answer["text"] for w in words):
        return phone.fake.last_message(phone.id)
    return await _newest_showing(phone, words, (flow.name, step, answer["text"]))


async def _newest_with(phone: Phone, label: str) -> dict[str, Any]:
    """The newest message in the chat with a button labelled `label` (waiting until one
    comes, such as an alert)."""
    deadline = time.monotonic() + 10
    while True:
        newest = phone.fake.last_message(phone.id)["message_id"] if phone.texts() else 0
        for message_id in range(newest, 0, -1):
            try:
                message = phone.fake.message(phone.id, message_id)
            except AssertionError:  # not one of the bot's messages in this chat
                continue
            if any(label in text for text, _ in phone.fake.buttons(message)):
                return message
        assert time.monotonic() < deadline, (phone.id, label)
        await asyncio.sleep(0.02)


async def _newest_showing(phone: Phone, words: tuple[str, ...], about: object) -> dict[str, Any]:
    """Wait until the newest message in the chat shows one of `words` (a question can
    follow a message of its own, such as a preview); that message."""
    deadline = time.monotonic() + 10
    while not any(w in (newest := phone.fake.last_message(phone.id))["text"] for w in words):
        assert time.monotonic() < deadline, about
        await asyncio.sleep(0.01)
    return newest


async def _reach(phone: Phone, flow: Flow, index: int) -> dict[str, Any]:
    """Start the flow afresh and go through it up to step `index`; that step's screen."""
    await phone.send("/cancel")
    screen: dict[str, Any] = {}
    for step in flow.steps[: index + 1]:
        screen = await _take(phone, flow, step)
    return screen


@pytest.fixture
async def two_groups(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningChorus]:
    """Chorus with two groups sharing their members, both coordinated by COORDINATOR."""
    group = await seed_group(database(tmp_path), COORDINATOR, MEMBERS, name=GROUP)
    await seed_items(database(tmp_path), [ItemSeed(group, 801, SHARED, date(2026, 3, 2), SEEN)])
    for statement in (
        "INSERT INTO chorus_group (name, invite_code, created_by, created_at) "
        "SELECT ?, 'second', created_by, created_at FROM chorus_group",
        "INSERT INTO membership (group_id, person_id, joined_at) "
        "SELECT g.id, m.person_id, m.joined_at FROM chorus_group g, membership m "
        "WHERE g.name = ? AND m.group_id <> g.id",
        "INSERT INTO group_coordinator (group_id, person_id) "
        "SELECT g.id, c.person_id FROM chorus_group g, group_coordinator c "
        "WHERE g.name = ? AND c.group_id <> g.id",
    ):
        await execute(tmp_path, statement, SECOND_GROUP)
    for member in [COORDINATOR, *MEMBERS]:
        fake.user(member, f"M{member}")
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    clock = MovableClock(datetime(2026, 3, 3, 12, 0, tzinfo=UTC))
    async with running_chorus(settings, fake, clock) as running:
        # Today's notice comes first (it is past 9:00); later answers are not confused with it.
        await fake.wait_for_text(COORDINATOR, "Your inbox today", timeout=10)
        yield running


@pytest.mark.parametrize("flow", FLOWS, ids=[flow.name for flow in FLOWS])
async def test_every_step_can_be_left_and_gone_back_through(
    fake: FakeBotApi, two_groups: RunningChorus, flow: Flow, tmp_path: Path
) -> None:
    phone = Phone(fake, flow.who)
    for statement in flow.seed:
        await execute(tmp_path, statement, GROUP)
    for step in flow.setup:
        await _take(Phone(fake, step.by) if step.by else phone, flow, step)
    for index, step in enumerate(flow.steps):
        screen = await _reach(phone, flow, index)
        if step.browse:
            continue
        labels = [text for text, _ in fake.buttons(screen)]
        shows_stop = any(label in labels for label in STOP_LABELS)
        assert "/cancel" in screen["text"] or shows_stop, (flow.name, step, labels)
        stopped = await phone.send("/cancel")
        assert "Okay, stopped" in stopped["text"], (flow.name, step, stopped["text"])
        if index == 0 or step.done_before:
            continue
        await _reach(phone, flow, index)
        back = await phone.tap("‹ Back")
        before = flow.steps[index - 1]
        if before.shows not in back["text"]:
            await _newest_showing(phone, (before.shows,), (flow.name, step, back["text"]))
        # From there the flow goes on as before, with what was chosen kept.
        await _take(phone, flow, step, again=True)


# --- Back keeps what was typed -----------------------------------------------------------------


async def test_going_back_from_a_broadcasts_words_keeps_them(
    fake: FakeBotApi, two_groups: RunningChorus
) -> None:
    coordinator = Phone(fake, COORDINATOR)
    await coordinator.send("/broadcast")
    await coordinator.tap(GROUP)
    await coordinator.tap("Next ›")
    await coordinator.send("Tea at four on Friday.")
    await _newest_showing(coordinator, ("exactly how your message will look",), "preview")
    # Back to the words, back again to the groups, then on again: the words are still there.
    await coordinator.tap("‹ Back")
    await _newest_showing(coordinator, ("Type your message",), "the words asked again")
    await coordinator.tap("‹ Back")
    await coordinator.tap("Next ›")
    # The words typed come back to copy and change, and can be kept as they are.
    again = await _newest_showing(coordinator, ("Type your message",), "the words asked")
    assert "Keep my words" in [text for text, _ in fake.buttons(again)], again["text"]
    assert "Tea at four on Friday." in coordinator.texts()[-2]
    await coordinator.tap("Keep my words")
    preview = await _newest_showing(coordinator, ("exactly how your message will look",), "kept")
    assert any("Tea at four on Friday." in text for text in coordinator.texts()[-2:]), preview


async def test_going_back_from_by_when_keeps_what_will_change(
    fake: FakeBotApi, two_groups: RunningChorus
) -> None:
    coordinator = Phone(fake, COORDINATOR)
    await coordinator.send("/inbox")
    await coordinator.tap(GROUP)
    await _newest_showing(coordinator, (SHARED,), "card")
    await coordinator.tap("Record outcome")
    await coordinator.tap("Something will change")
    await coordinator.send("We will fix the heating.")
    await _newest_showing(coordinator, ("By when?",), "by when")
    back = await coordinator.tap("‹ Back")
    assert "What will change?" in back["text"], back["text"]
    # The words typed are kept: on again without typing them twice.
    await coordinator.tap("Keep my words")
    await _newest_showing(coordinator, ("By when?",), "by when, again")
    await coordinator.send("30 April")
    await _newest_showing(coordinator, ("exactly what they will read",), "preview")
    assert any("We will fix the heating." in text for text in coordinator.texts()[-2:])


async def test_going_back_while_changing_a_session_keeps_the_new_answer(
    fake: FakeBotApi, two_groups: RunningChorus
) -> None:
    coordinator = Phone(fake, COORDINATOR)
    await coordinator.send("/newsession")
    await coordinator.tap(GROUP)
    await coordinator.send("Planning meeting")
    await coordinator.send("tomorrow 10:30")
    # Back to the start time, then on again with it kept, without typing it twice.
    back = await coordinator.tap("‹ Back")
    assert "When does it start" in back["text"], back["text"]
    on = await coordinator.tap("Keep this answer")
    assert "When does it end" in on["text"], on["text"]
    await coordinator.send("2 hours")
    for label in ("Skip", "Skip", "Skip", "No limit", "Usual times", "Save and invite"):
        await coordinator.tap(label)
    await coordinator.send("/sessions")
    await _newest_showing(coordinator, ("Sessions you run",), "sessions")
    await coordinator.tap("Planning meeting")
    await coordinator.tap("Change it")
    asked = await coordinator.tap("Name")
    # Back from a detail's question: which detail.
    assert "‹ Back" in [text for text, _ in fake.buttons(asked)], asked["text"]
    confirm = await coordinator.send("Evening planning")
    assert "Evening planning" in confirm["text"], confirm["text"]
    # Back from confirming: the question again, the new name kept without typing it twice.
    again = await coordinator.tap("‹ Back")
    assert "What's the session called" in again["text"], again["text"]
    kept = await coordinator.tap("Keep this answer")
    assert "Evening planning" in kept["text"], kept["text"]
    await coordinator.tap("‹ Back")
    picked = await coordinator.tap("‹ Back")
    assert "What would you like to change" in picked["text"], picked["text"]


async def test_going_back_to_a_questions_words_keeps_them(
    fake: FakeBotApi, two_groups: RunningChorus
) -> None:
    coordinator = Phone(fake, COORDINATOR)
    await coordinator.send("/prompt")
    await coordinator.tap(GROUP)
    await coordinator.send("What would make meetings easier?")
    await coordinator.tap("‹ Back")
    asked = await _newest_showing(coordinator, ("Type the question",), "the words asked again")
    assert coordinator.texts()[-2] == "What would make meetings easier?"
    assert "Keep my words" in [text for text, _ in fake.buttons(asked)], asked["text"]
    on = await coordinator.tap("Keep my words")
    assert "Until when" in on["text"], on["text"]
    await coordinator.tap("No end date")
    await _newest_showing(coordinator, ("Above is how it will look",), "preview")
    assert any("What would make meetings easier?" in t for t in coordinator.texts()[-2:])


async def test_going_back_through_the_question_after_a_meeting_keeps_the_choices(
    fake: FakeBotApi, two_groups: RunningChorus, tmp_path: Path
) -> None:
    for statement in (HELD_MEETING, CAME_TO_MEETING):
        await execute(tmp_path, statement, GROUP)
    member = Phone(fake, 801)
    await member.send("/help")
    name = await member.tap_data(encode(Action.SESSION_RATE, 1, 4))
    assert "Should the coordinators see" in name["text"], name["text"]
    use = await member.tap("With my name", name)
    words = await member.tap("Only coordinators read it", use)
    assert "add a few words" in words["text"], words["text"]
    # Back, step by step, to the one-tap answer about the meeting.
    use = await member.tap("‹ Back", words)
    assert "How may we use it" in use["text"], use["text"]
    # The name chosen is kept: quoting with it is still offered.
    assert "Quote it with my name" in [text for text, _ in fake.buttons(use)]
    name = await member.tap("‹ Back", use)
    assert "Should the coordinators see" in name["text"], name["text"]
    rate = await member.tap("‹ Back", name)
    assert f"Thank you for coming to {MEETING}" in rate["text"], rate["text"]
    again = await member.tap("🙂", rate)
    assert "Should the coordinators see" in again["text"], again["text"]
