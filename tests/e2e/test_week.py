"""A week with Chorus: the real try-out process, restarted twice (SIGTERM, then SIGKILL),
with its clock moved across a week, used by an admin, a coordinator and members through
every command in their menus and every button those commands show.

After every step a reply must come, and be the one a person expects. The test fails on any
"doesn't work any more" it did not provoke, on any update left unhandled, and on any
traceback in the log.
"""

from __future__ import annotations

import signal
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.support.tryout_process import Reply, TryoutProcess

# Buttons the walk through the menus leaves alone: each ends or sends something for real,
# and the scripted part of the week uses them where a person would.
LEFT_ALONE = (
    # Another language or easy read would change every label after it, and these words
    # are English: /language and its buttons are walked in their own tests.
    "Cymraeg",
    "العربية",
    "easy read",
    "Leave",
    "leave",
    "Remove",
    "Cancel the",
    "Cancel this",
    "Stop",
    "Send",
    "send",
    "Yes",
    "Take it back",
    "Delete",
    "Pause",
    "Save",
    "Make a new link",
    "Make a link",
)
# Commands that start something that waits for typing; the walk ends each with /cancel.
MEMBER = "Sam"
SESSION = "Planning the carers"


# The try-out keeps its data in an SQLite file beside it, by design. The longest test of all:
# started first, so the other workers finish the rest meanwhile.
pytestmark = [pytest.mark.sqlite_only, pytest.mark.long]


@pytest.fixture
async def tryout(tmp_path: Path) -> AsyncIterator[TryoutProcess]:
    process = TryoutProcess(tmp_path)
    await process.start()
    try:
        yield process
    finally:
        await process.close()


async def _walk_menu(tryout: TryoutProcess, who: str, depth: int = 2) -> int:
    """Send every command in `who`'s menu and tap every button it shows, and every button
    those taps show, `depth` taps deep, each from a fresh start; how many taps."""
    taps = 0
    commands = await tryout.menu(who)
    assert "help" in commands and "cancel" in commands, commands
    for command in commands:
        if command in ("cancel", "leave"):
            continue
        taps += await _walk(tryout, who, command, [], depth)
    return taps


async def _walk(tryout: TryoutProcess, who: str, command: str, path: list[str], depth: int) -> int:
    """Reach the message at the end of `path` (taps after `/command`), then tap each of its
    buttons in turn, going on below each while `depth` allows."""
    message = await _reach(tryout, who, command, path)
    if message is None:
        return 0
    taps = 0
    for label, data in _buttons(message):
        if any(word in label for word in LEFT_ALONE):
            continue
        if taps:
            message = await _reach(tryout, who, command, path)
            assert message is not None, f"/{command} then {path} showed buttons once, then not"
        reply = await tryout.tap_data(who, message, data, label=label)
        taps += 1
        await tryout.say(who, "/cancel")
        if depth > 1 and reply.with_buttons() is not None:
            taps += await _walk(tryout, who, command, [*path, data], depth - 1)
    return taps


async def _reach(
    tryout: TryoutProcess, who: str, command: str, path: list[str]
) -> dict[str, Any] | None:
    """Send `/command` and tap along `path`; the message with buttons at the end, if any."""
    reply = await tryout.say(who, f"/{command}", buttons=bool(path))
    assert reply.messages, f"/{command} answered {who} with nothing"
    for data in path:
        message = reply.with_buttons()
        assert message is not None
        reply = await tryout.tap_data(who, message, data)
    return reply.with_buttons()


def _buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    return [(b["text"], b["data"]) for row in message["buttons"] for b in row if b.get("data")]


def _day_shown(shown: str) -> date:
    """The date in the try-out's shown time ("Fri 4 December, 06:50")."""
    day_month = shown.split(",")[0].split(" ", 1)[1]
    year = datetime.now(UTC).year
    found = datetime.strptime(f"{day_month} {year}", "%d %B %Y").date()
    # Early January on the page while the year here has not turned yet, or the reverse.
    if (found - datetime.now(UTC).date()).days < -300:
        found = found.replace(year=year + 1)
    return found


def _has(message: dict[str, Any], label: str) -> bool:
    return any(label in b["text"] for row in message["buttons"] for b in row)


async def _broadcast(tryout: TryoutProcess, words: str) -> None:
    """Jo writes to the sample group and sends it now."""
    step = await tryout.say("Jo", "/broadcast")
    if "Type your message" not in step.text:
        message = step.with_buttons()
        assert message is not None and _has(message, "Next"), step.text
        step = await tryout.tap_data("Jo", message, message["buttons"][0][0]["data"])
        message = step.with_buttons()
        assert message is not None
        step = await tryout.tap("Jo", message, "Next", expect="Type your message")
    preview = await tryout.say("Jo", words, expect="exactly how", buttons=True)
    message = preview.with_buttons()
    assert message is not None
    confirm = await tryout.tap("Jo", message, "Send now")
    message = confirm.with_buttons()
    assert message is not None
    sending = await tryout.tap("Jo", message, "Yes, send it")
    assert "Sending" in sending.text or "sent" in sending.text.lower()


def _reply_with(reply: Reply, words: str) -> dict[str, Any]:
    found = [m for m in reply.messages if words in m["text"]]
    assert found, f"no message holding {words!r} in {reply.text!r}"
    return found[-1]


async def test_a_week_with_chorus(tryout: TryoutProcess) -> None:
    first_day = _day_shown(await tryout.shown_time())
    # Day 1. Everyone who has a menu can use all of it.
    for who in ("Alex", "Jo", "Sam", "Priya", "Dev"):
        reply = await tryout.say(who, "/help", expect="/help")
        assert "/cancel" in reply.text
    taps = 0
    for who in ("Alex", "Jo", "Ana"):
        taps += await _walk_menu(tryout, who)
    assert taps > 40

    # Robin opens the invite link and joins without a name.
    code = tryout.framing["invite"].split("start=")[1]
    welcome = await tryout.say("Robin", f"/start {code}", expect="join")
    joined = await tryout.tap("Robin", _reply_with(welcome, "join"), "join")
    named = await tryout.tap("Robin", _reply_with(joined, "name"), "No name")
    assert named.messages or named.toasts
    # The invitation to the coming meeting may arrive first: the answer is found by its words.
    await tryout.wait_for("Robin", lambda m: "no name" in m["text"].lower())

    # Sam shares feedback without a name.
    share = await tryout.say(MEMBER, "/share")
    words = "The waiting room chairs hurt my back after an hour"
    await _share_without_name(tryout, share, words)

    # A clean stop and a start: nothing is lost and the bot answers at once.
    tryout.stop(signal.SIGTERM)
    await tryout.start()
    assert "/help" in (await tryout.say("Jo", "/help")).text
    mine = await tryout.say(MEMBER, "/mine")
    assert words[:20] in mine.text

    # The next morning the coordinator hears of it and acknowledges it.
    await tryout.move_clock("morning")
    await tryout.wait_for("Jo", lambda m: "Your inbox today" in m["text"])
    inbox = await tryout.say("Jo", "/inbox")
    card = inbox.with_buttons()
    assert card is not None
    if words[:20] not in card["text"]:
        picked = await tryout.tap("Jo", card, "Sample")
        card = picked.with_buttons()
        assert card is not None
    assert words[:20] in card["text"]
    await tryout.tap("Jo", card, "Acknowledge")

    # Priya says she is going to the sample session; Jo writes to the group.
    invitation = await tryout.wait_for(
        "Priya", lambda m: SESSION in m["text"] and _has(m, "Going")
    )
    going = await tryout.tap("Priya", invitation, "Going")
    assert going.messages or going.toasts
    await _broadcast(tryout, "Tea and cake at the open day, all welcome")

    # Killed without warning; started again; the week goes on.
    tryout.stop(signal.SIGKILL)
    await tryout.start()
    await tryout.wait_for(MEMBER, lambda m: "chairs" in m["text"] and "coordinator" in m["text"])
    await tryout.wait_for("Dev", lambda m: "Tea and cake" in m["text"])
    # An invitation from before both restarts still works.
    old = await tryout.wait_for("Dev", lambda m: SESSION in m["text"] and _has(m, "Maybe"))
    maybe = await tryout.tap("Dev", old, "Maybe")
    assert maybe.messages or maybe.toasts
    # The session is at 6pm a week after the first start. Move to 9:00 the day before it,
    # then on to 6pm, so that the day-before reminder falls due outside quiet hours at
    # whatever hour this test runs.
    eve = first_day + timedelta(days=6)
    shown = await tryout.shown_time()
    while f" {eve.day} {eve:%B}," not in shown:
        shown = await tryout.move_clock("morning")
    for _ in range(9):
        shown = await tryout.move_clock("hour")
    assert shown.endswith("18:00") or shown.endswith("18:01"), shown
    reminder = await tryout.wait_for("Priya", lambda m: "Reminder" in m["text"])
    assert SESSION in reminder["text"]
    for who in ("Alex", "Jo", "Sam", "Priya", "Robin", "Dev"):
        assert (await tryout.say(who, "/help")).messages
    await _walk_menu(tryout, MEMBER)
    for who in ("Priya", "Dev"):
        reminders = [m for m in (await tryout.chat(who))["messages"] if "Reminder" in m["text"]]
        assert len(reminders) == 1, f"{who} got {len(reminders)} reminders"
    broadcasts = [m for m in (await tryout.chat("Sam"))["messages"] if "Tea and cake" in m["text"]]
    assert len(broadcasts) == 1

    # Every update reached the bot was handled; nothing went stale by itself; no traceback.
    await tryout.all_handled()
    assert tryout.seen_stale == [], "\n".join(tryout.seen_stale)
    assert "Traceback" not in tryout.output(), tryout.output()


async def _share_without_name(tryout: TryoutProcess, share: Reply, words: str) -> None:
    """Sam goes through /share: general feedback, typed words, without a name, send."""
    step = share
    for choice in ("Sample", "Feedback"):
        message = step.with_buttons()
        assert message is not None, step.text
        if any(choice in b["text"] for row in message["buttons"] for b in row):
            step = await tryout.tap(MEMBER, message, choice)
    step = await tryout.say(MEMBER, words)
    message = step.with_buttons()
    assert message is not None, step.text
    step = await tryout.tap(MEMBER, message, "Without my name")
    message = step.with_buttons()
    assert message is not None, step.text
    step = await tryout.tap(MEMBER, message, "Only coordinators read it")
    message = step.with_buttons()
    assert message is not None and words in step.text, step.text
    receipt = await tryout.tap(MEMBER, message, "Send")
    assert "reference" in receipt.text.lower() or "thank" in receipt.text.lower()
