"""Journey J2 end to end: sessions, answers, waiting lists, reminders, changes, calendar
files, attendance, hours and the question afterwards, through the real Application."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from bot.crypto import Sealer
from bot.services.groups import JOIN_PREFIX
from bot.settings import Settings
from tests.e2e.conftest import ADMIN
from tests.e2e.test_joining import make_group
from tests.support.chorus_run import SECRET_KEY, RunningChorus, running_chorus, settings_for
from tests.support.clock import FakeClock
from tests.support.database import rows
from tests.support.fake_bot_api import FakeBotApi
from tests.support.phone import Phone
from tests.support.seed import seed_group
from tests.support.sharing import wait_until_released

MEMBERS = [8001, 8002, 8003, 8004, 8005]
TITLE = "Planning meeting"


def _db(folder: Path) -> Path:
    return folder / "chorus.db"


def _rows(folder: Path, query: str, *params: Any) -> list[tuple[Any, ...]]:
    return list(rows(folder, query, *params))


async def _until(check: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


def _count(fake: FakeBotApi, person: int, words: str) -> int:
    return sum(words in text for text in fake.texts_to(person))


async def _seeded(fake: FakeBotApi, folder: Path, members: list[int] = MEMBERS) -> None:
    await seed_group(_db(folder), ADMIN, members, name="Carers group")
    for member in members:
        fake.user(member, f"M{member}")


async def _create(
    fake: FakeBotApi,
    admin: Phone,
    when: str = "tomorrow 2pm",
    capacity: str | None = None,
    reminders: str | None = None,
) -> dict[str, Any]:
    """The coordinator walks through /newsession and saves it."""
    ask = await admin.send("/newsession")
    assert "What's the session called?" in ask["text"]
    starts = await admin.send(TITLE)
    assert "When does it start?" in starts["text"]
    ends = await admin.send(when)
    assert "When does it end?" in ends["text"]
    place = await admin.send("2 hours")
    assert "Where is it?" in place["text"]
    access = await admin.send("Room 4, Central Library https://meet.example.org/abc")
    assert "access" in access["text"]
    content = await admin.send("Step-free entrance; hearing loop")
    assert "difficult subjects" in content["text"]
    capacity_question = await admin.tap("Skip", content)
    assert "How many places" in capacity_question["text"]
    if capacity is None:
        reminder_question = await admin.tap("No limit", capacity_question)
    else:
        reminder_question = await admin.send(capacity)
    assert "remind people" in reminder_question["text"]
    if reminders is None:
        confirm = await admin.tap("Usual times", reminder_question)
    else:
        confirm = await admin.send(reminders)
    assert "Save it and invite the members of Carers group?" in confirm["text"]
    saved = await admin.tap("Save and invite", confirm)
    assert "on its way to" in saved["text"] or "Invitations are on their way" in saved["text"]
    return saved


async def _invitation(fake: FakeBotApi, member: int) -> dict[str, Any]:
    return await fake.wait_for_text(member, "Can you make it?", timeout=10)


async def _tap_for_notice(
    fake: FakeBotApi, phone: Phone, label: str, message: dict[str, Any]
) -> str:
    """Tap a button whose answer is a notice over the message (which stays as it is);
    return the notice."""
    data = next(d for t, d in fake.buttons(message) if label in t)
    started = time.monotonic()
    fake.tap(phone.user, message["message_id"], data)

    def answered(call: Any) -> bool:
        return call.at >= started and call.method == "answerCallbackQuery"

    call = await fake.wait_for(answered)
    edits = [
        c
        for c in fake.calls
        if c.at >= started
        and c.method.startswith("editMessage")
        and c.params.get("message_id") == message["message_id"]
    ]
    assert not edits, edits
    return str(call.params.get("text", ""))


async def _overview(fake: FakeBotApi, admin: Phone) -> dict[str, Any]:
    listing = await admin.send("/sessions")
    assert "Sessions you run" in listing["text"], listing["text"]
    return await admin.tap(TITLE, listing)


@pytest.fixture
async def seeded(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningChorus]:
    await _seeded(fake, tmp_path)
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake) as running:
        yield running


async def test_create_invites_every_member_and_answers_are_counted(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    admin = Phone(fake, ADMIN)
    saved = await _create(fake, admin)
    assert "5 people" in saved["text"]
    for member in MEMBERS:
        invitation = await _invitation(fake, member)
        assert TITLE in invitation["text"] and "Carers group" in invitation["text"]
        # Queued messages name the day, as they may be read on another day.
        assert "Wednesday 4 March at 2pm to 4pm" in invitation["text"]
        assert "Room 4, Central Library" in invitation["text"]
        assert "https://meet.example.org/abc" in invitation["text"]
        assert "Step-free entrance" in invitation["text"]
        labels = [text for text, _ in fake.buttons(invitation)]
        assert labels == ["Going", "Maybe", "Can't go", "Add to my calendar"]

    first, second, third = (Phone(fake, m) for m in MEMBERS[:3])
    answered = await first.tap("Going", await _invitation(fake, first.id))
    assert "Your answer: going" in answered["text"]
    assert [t for t, _ in fake.buttons(answered)][:3] == ["✓ Going (chosen)", "Maybe", "Can't go"]
    await second.tap("Maybe", await _invitation(fake, second.id))
    changed = await third.tap("Going", await _invitation(fake, third.id))
    changed = await third.tap("Can't go", changed)
    assert "Your answer: can't go" in changed["text"]
    # The same message was edited each time: one invitation in the chat.
    assert _count(fake, third.id, TITLE) == 1

    overview = await _overview(fake, admin)
    assert "1 going: M8001\n1 maybe: M8002\n1 can't go: M8003" in overview["text"]

    listed = await first.send("/sessions")
    assert TITLE in listed["text"] and "Your answer: going" in listed["text"]


async def test_someone_who_joins_later_gets_the_invitation_too(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    admin = Phone(fake, ADMIN)
    await _create(fake, admin)
    [(code,)] = _rows(tmp_path, "SELECT invite_code FROM chorus_group")
    newcomer = Phone(fake, 8100)
    welcome = await newcomer.send(f"/start {JOIN_PREFIX}{code}")
    assert "Carers group" in welcome["text"], welcome["text"]
    asked = await newcomer.tap("Yes, join", welcome)
    assert "Carers group" in asked["text"]
    # The invitation, queued as they join, may come before or after the question of their
    # name: both are waited for, so the answer to the tap below is the invitation's edit.
    await fake.wait_for_text(newcomer.id, "What name would you like")

    invitation = await _invitation(fake, newcomer.id)
    assert TITLE in invitation["text"] and "Wednesday 4 March at 2pm to 4pm" in invitation["text"]
    answered = await newcomer.tap("Going", invitation)
    assert "Your answer: going" in answered["text"]
    await _overview(fake, admin)
    # The coordinators' daily notice names the newcomer too and may arrive beside the overview.
    await fake.wait_for_text(admin.id, "1 going: member (no name given)")


async def test_a_newcomer_who_asks_for_sessions_sees_one_card_for_each(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    admin = Phone(fake, ADMIN)
    await _create(fake, admin)
    [(code,)] = _rows(tmp_path, "SELECT invite_code FROM chorus_group")
    newcomer = Phone(fake, 8101)
    welcome = await newcomer.send(f"/start {JOIN_PREFIX}{code}")
    await newcomer.tap("Yes, join", welcome)
    await _invitation(fake, newcomer.id)

    listed = await newcomer.send("/sessions")

    assert "has just come, above this" in listed["text"] and TITLE in listed["text"]
    assert _count(fake, newcomer.id, "Can you make it?") == 1


async def test_a_full_session_keeps_a_waiting_list_and_promotes(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    admin = Phone(fake, ADMIN)
    await _create(fake, admin, capacity="2")
    first, second, third = (Phone(fake, m) for m in MEMBERS[:3])
    for phone in (first, second):
        reply = await phone.tap("Going", await _invitation(fake, phone.id))
        assert "Your answer: going" in reply["text"]
    invitation = await _invitation(fake, third.id)
    waiting = await third.tap("Going", invitation)
    assert "you're on the waiting list: number 1" in waiting["text"]
    # The invitation shows the waiting list, not "Going".
    labels = [t for t, _ in fake.buttons(waiting)][:3]
    assert labels == ["✓ On the waiting list", "Maybe", "Can't go"]
    overview = await _overview(fake, admin)
    assert "2 going (full): M8001, M8002\n1 on the waiting list: M8003" in overview["text"]
    fourth = Phone(fake, MEMBERS[3])
    later = await fourth.tap("Going", await _invitation(fake, fourth.id))
    assert "number 2" in later["text"]

    before_drop = time.monotonic()
    dropped = await second.tap("Can't go", fake.last_message(second.id))
    assert "Your answer: can't go" in dropped["text"]
    promoted = await fake.wait_for_text(third.id, "A place has come up", timeout=10)
    assert "you're down as going now" in promoted["text"]
    # The invitation they answered from is changed too: no longer on the waiting list.
    await fake.wait_for(
        lambda c: (
            c.at >= before_drop
            and c.method == "editMessageText"
            and c.params.get("chat_id") == third.id
            and c.params.get("message_id") == invitation["message_id"]
            and c.response is not None
        ),
        timeout=10,
    )
    edited = fake.message(third.id, invitation["message_id"])
    assert "Your answer: going" in edited["text"] and "waiting list" not in edited["text"]
    assert [t for t, _ in fake.buttons(edited)][:3] == ["✓ Going (chosen)", "Maybe", "Can't go"]
    # They can still say no, and the next in line moves up.
    await third.tap("Can't go", promoted)
    await fake.wait_for_text(fourth.id, "A place has come up", timeout=10)
    overview = await _overview(fake, admin)
    assert "2 going (full): M8001, M8004" in overview["text"]
    assert "waiting list" not in overview["text"]


async def test_changes_and_cancellation_reach_everyone_who_answered(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    admin = Phone(fake, ADMIN)
    await _create(fake, admin)
    answering = [Phone(fake, m) for m in MEMBERS[:3]]
    for phone, answer in zip(answering, ("Going", "Maybe", "Can't go"), strict=True):
        await phone.tap(answer, await _invitation(fake, phone.id))
    silent = MEMBERS[3]

    overview = await _overview(fake, admin)
    pick = await admin.tap("Change it", overview)
    ask = await admin.tap("Start time", pick)
    assert "When does it start?" in ask["text"]
    confirm = await admin.send("tomorrow 3pm")
    assert "tomorrow at 3pm to 5pm" in confirm["text"]
    saved = await admin.tap("Save and tell people", confirm)
    # Everyone invited is told, answered or not: 5 members.
    assert "Saved. I'll tell the 5 people who were invited what changed." in saved["text"]
    for phone in answering:
        change = await fake.wait_for_text(phone.id, "A change to Planning meeting", 10)
        assert "The time has changed (it was Wednesday 4 March at 2pm to 4pm)" in change["text"]
        assert "Wednesday 4 March at 3pm to 5pm" in change["text"]
    # Someone who has not answered yet hears of it too, and can answer from it.
    change = await fake.wait_for_text(silent, "A change to Planning meeting", 10)
    assert "Wednesday 4 March at 3pm to 5pm" in change["text"]
    assert "Can you make it?" in change["text"]
    assert [t for t, _ in fake.buttons(change)][:3] == ["Going", "Maybe", "Can't go"]

    overview = await _overview(fake, admin)
    confirm = await admin.tap("Cancel the session", overview)
    assert "Everyone who was invited will be told" in confirm["text"]
    done = await admin.tap("Yes, cancel it", confirm)
    assert "Cancelled. I'll tell the 5 people who were invited." in done["text"]
    for phone in answering:
        await fake.wait_for_text(phone.id, "is cancelled. Sorry about that", 10)
    await fake.wait_for_text(silent, "is cancelled. Sorry about that", 10)
    # A second tap on "Yes, cancel it" leaves "Cancelled" on the screen, with a notice.
    again = await _tap_for_notice(fake, admin, "Yes, cancel it", confirm)
    assert "already" in again
    assert fake.message(admin.id, done["message_id"])["text"] == done["text"]

    # An old invitation's buttons get a kind reply, and the answer is not changed.
    stale = await Phone(fake, silent).tap("Going", await _invitation(fake, silent))
    assert "That meeting was cancelled" in stale["text"]
    assert _rows(tmp_path, "SELECT count(*) FROM session_answer") == [(3,)]


async def test_the_calendar_file_carries_the_zone_and_updates_keep_the_uid(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    admin = Phone(fake, ADMIN)
    await _create(fake, admin, when="3/7 14:00")  # summer time in London
    member = Phone(fake, MEMBERS[0])
    invitation = await _invitation(fake, member.id)
    await member.tap("Going", invitation)
    first = await _calendar(fake, member, fake.last_message(member.id))
    event = next(c for c in first.walk("VEVENT"))
    start = event.decoded("dtstart")
    assert str(start.tzinfo) == "Europe/London"
    assert (start.hour, start.minute) == (14, 0)
    assert start.astimezone(UTC).hour == 13  # BST
    assert [str(tz["tzid"]) for tz in first.walk("VTIMEZONE")] == ["Europe/London"]
    assert "Room 4" in str(event["location"])
    not_coming = Phone(fake, MEMBERS[1])
    await not_coming.tap("Can't go", await _invitation(fake, not_coming.id))

    overview = await _overview(fake, admin)
    ask = await admin.tap("Place or link", await admin.tap("Change it", overview))
    assert "Where is it?" in ask["text"]
    confirm = await admin.send("Room 9, Town Hall")
    await admin.tap("Save and tell people", confirm)
    await fake.wait_for_text(member.id, "The place has changed", 10)
    # The new file comes by itself after the change, so a calendar that has it updates.
    sent = await fake.wait_for(
        lambda c: (
            c.method == "sendDocument"
            and c.params.get("chat_id") == member.id
            and c.params.get("caption") is None  # the tapped one has a caption
            and c.response is not None
        ),
        10,
    )
    assert sent.response is not None
    second = Calendar.from_ical(fake.file(sent.response["result"]["document"]["file_id"]).content)
    updated = next(c for c in second.walk("VEVENT"))
    assert str(updated["uid"]) == str(event["uid"])
    assert updated.decoded("sequence") > event.decoded("sequence")
    assert "Town Hall" in str(updated["location"])
    # Someone who said they can't go is told of the change, with no file to add.
    await fake.wait_for_text(not_coming.id, "The place has changed", 10)
    documents = [c for c in fake.calls if c.method == "sendDocument"]
    assert not [c for c in documents if c.params.get("chat_id") == not_coming.id]


async def _calendar(fake: FakeBotApi, phone: Phone, message: dict[str, Any]) -> Calendar:
    started = time.monotonic()
    for text, data in fake.buttons(message):
        if "calendar" in text:
            fake.tap(phone.user, message["message_id"], data)
            break
    else:
        raise AssertionError("no calendar button")
    call = await fake.wait_for(
        lambda c: c.at >= started and c.method == "sendDocument" and c.response is not None, 10
    )
    assert call.response is not None and call.response["ok"]
    document = call.response["result"]["document"]
    assert document["file_name"].endswith(".ics")
    return Calendar.from_ical(fake.file(document["file_id"]).content)


async def test_a_member_cannot_create_change_cancel_or_mark(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    admin = Phone(fake, ADMIN)
    await _create(fake, admin)
    member = Phone(fake, MEMBERS[0])
    await _invitation(fake, member.id)
    refused = await member.send("/newsession")
    assert "only the people who run a group can do" in refused["text"]
    session_id = _rows(tmp_path, "SELECT id FROM group_session")[0][0]
    person_id = _rows(tmp_path, f"SELECT id FROM person WHERE telegram_id={MEMBERS[1]}")[0][0]
    for forged in (
        f"se:{session_id}",
        f"sef:{session_id}:title",
        f"sxy:{session_id}",
        f"st:{session_id}",
        f"sk:{session_id}:{person_id}",
        f"snp:{session_id}:{person_id}",
        "sop:1:tm",
    ):
        reply = await member.tap_data(forged, refused)
        assert "only the people who run a group can do" in reply["text"], forged
    assert _rows(tmp_path, "SELECT state, title FROM group_session") == [("active", TITLE)]
    assert _rows(tmp_path, "SELECT count(*) FROM session_attendance") == [(0,)]
    assert not any(c.method == "sendDocument" for c in fake.calls)


# --- With a clock the test moves --------------------------------------------------------------


@contextlib.asynccontextmanager
async def _running(
    fake: FakeBotApi, settings: Settings, clock: FakeClock
) -> AsyncIterator[RunningChorus]:
    async with running_chorus(settings, fake, clock) as running:
        yield running


def _reminders(fake: FakeBotApi, member: int) -> int:
    return _count(fake, member, "Reminder: Planning meeting")


async def _quiet(running: RunningChorus) -> None:
    """A sessions tick at the clock's time, then a delivery round: what it queued has gone."""
    await running.tick("sessions")


@pytest.mark.parametrize(
    ("now", "when", "first_due", "second_due"),
    [
        # Clocks go forward on Sunday 29 March 2026: 10:00 on Saturday is GMT, on Sunday BST.
        (
            datetime(2026, 3, 27, 12, 0, tzinfo=UTC),
            "Sun 29 March 10:00",
            datetime(2026, 3, 28, 10, 0, tzinfo=UTC),
            datetime(2026, 3, 29, 7, 0, tzinfo=UTC),
        ),
        # Clocks go back on Sunday 25 October 2026: 10:00 on Saturday is BST, on Sunday GMT.
        (
            datetime(2026, 10, 23, 12, 0, tzinfo=UTC),
            "Sun 25 October 10:00",
            datetime(2026, 10, 24, 9, 0, tzinfo=UTC),
            datetime(2026, 10, 25, 8, 0, tzinfo=UTC),
        ),
    ],
    ids=["spring", "autumn"],
)
async def test_reminders_fire_once_at_local_times_across_a_restart_and_clock_changes(
    fake: FakeBotApi,
    tmp_path: Path,
    now: datetime,
    when: str,
    first_due: datetime,
    second_due: datetime,
) -> None:
    await _seeded(fake, tmp_path)
    clock = FakeClock(now)
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    going, maybe, no = MEMBERS[0], MEMBERS[1], MEMBERS[2]
    async with _running(fake, settings, clock) as running:
        admin = Phone(fake, ADMIN)
        await _create(fake, admin, when=when)
        await Phone(fake, going).tap("Going", await _invitation(fake, going))
        await Phone(fake, maybe).tap("Maybe", await _invitation(fake, maybe))
        await Phone(fake, no).tap("Can't go", await _invitation(fake, no))

        clock.set(first_due - timedelta(minutes=1))
        await _quiet(running)
        assert _reminders(fake, going) == 0
        clock.set(first_due + timedelta(seconds=20))
        await _until(lambda: _reminders(fake, going) == 1 and _reminders(fake, maybe) == 1)
        reminder = fake.last_message(going)["text"]
        assert "tomorrow at 10am" in reminder and "Your answer: going" in reminder
        await _quiet(running)
    # Stopped; started again just after the second reminder's time.
    clock.set(second_due + timedelta(seconds=20))
    async with _running(fake, settings, clock) as running:
        await _until(lambda: _reminders(fake, going) == 2 and _reminders(fake, maybe) == 2)
        assert "today at 10am" in fake.last_message(going)["text"]
        await _quiet(running)
    assert _reminders(fake, going) == 2 and _reminders(fake, maybe) == 2
    assert _reminders(fake, no) == 0 and _reminders(fake, MEMBERS[3]) == 0
    states = _rows(tmp_path, "SELECT minutes_before, state, queued FROM session_reminder")
    assert sorted(states) == [(120, "sent", 2), (1440, "sent", 2)]


async def test_a_queued_reminder_says_the_time_in_the_zone_configured_when_it_is_sent(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    member = MEMBERS[0]
    await _seeded(fake, tmp_path, [member])
    clock = FakeClock(datetime(2026, 2, 2, 12, 0, tzinfo=UTC))  # Monday, GMT
    london = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with _running(fake, london, clock) as running:
        await _create(fake, Phone(fake, ADMIN), when="tomorrow 2pm")
        await Phone(fake, member).tap("Going", await _invitation(fake, member))
        # The reminder 24 hours before is queued in London, but Telegram fails to take it.
        clock.set(datetime(2026, 2, 2, 14, 0, 20, tzinfo=UTC))
        fake.fail_next("sendMessage", 502, "Bad Gateway")
        await running.tick("sessions")
        assert _reminders(fake, member) == 0
    # Started again, configured for New York, when the retry is due: the reminder says the
    # session's time there, 9am Eastern, not the 2pm it would have said when queued.
    clock.set(datetime(2026, 2, 2, 15, 0, tzinfo=UTC))
    new_york = settings_for(
        fake, tmp_path, admin_ids=frozenset({ADMIN}), timezone="America/New_York"
    )
    async with _running(fake, new_york, clock):
        await _until(lambda: _reminders(fake, member) == 1)
    reminder = fake.last_message(member)["text"]
    assert "When: tomorrow at 9am to 11am" in reminder, reminder


async def test_a_reminder_missed_while_down_is_sent_if_still_useful_else_recorded(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    await _seeded(fake, tmp_path)
    clock = FakeClock(datetime(2026, 5, 4, 11, 0, tzinfo=UTC))  # Monday, 12:00 BST
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    member = MEMBERS[0]
    async with _running(fake, settings, clock):
        await _create(fake, Phone(fake, ADMIN), when="Wed 6 May 14:00")
        await Phone(fake, member).tap("Going", await _invitation(fake, member))
    # Down from Monday until Wednesday 12:30 BST: both reminder times have passed, the
    # session has not begun. Only the nearer reminder is still worth sending.
    clock.set(datetime(2026, 5, 6, 11, 30, tzinfo=UTC))
    async with _running(fake, settings, clock) as running:
        await _until(lambda: _reminders(fake, member) == 1)
        await _quiet(running)
    assert _reminders(fake, member) == 1
    assert "today at 2pm" in fake.last_message(member)["text"]
    states = dict(_rows(tmp_path, "SELECT minutes_before, state FROM session_reminder"))
    assert states == {1440: "superseded", 120: "late"}

    # A second session whose reminders all passed, and which began, while the bot was down.
    async with _running(fake, settings, clock):
        await _create(fake, Phone(fake, ADMIN), when="Thu 7 May 14:00", reminders="2h")
        await Phone(fake, member).tap("Going", await _invitation(fake, member))
    clock.set(datetime(2026, 5, 7, 15, 0, tzinfo=UTC))
    async with _running(fake, settings, clock) as running:
        await _quiet(running)
    assert _reminders(fake, member) == 1
    missed = _rows(tmp_path, "SELECT state FROM session_reminder WHERE session_id = 2")
    assert missed == [("missed",)]


async def test_a_reminder_held_by_quiet_hours_goes_before_them_not_after_the_start(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    await _seeded(fake, tmp_path)
    # Monday 12:00 in London (GMT); the session is on Tuesday at 7:30am, so its 2-hour
    # reminder (5:30am) falls in quiet hours (21:00 to 08:00), which end after it starts.
    clock = FakeClock(datetime(2026, 2, 2, 12, 0, tzinfo=UTC))
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    member = MEMBERS[0]
    async with _running(fake, settings, clock) as running:
        await _create(fake, Phone(fake, ADMIN), when="tomorrow 7:30am", reminders="2h")
        await Phone(fake, member).tap("Going", await _invitation(fake, member))
        clock.set(datetime(2026, 2, 2, 20, 50, tzinfo=UTC))
        await _quiet(running)
        assert _reminders(fake, member) == 0
        clock.set(datetime(2026, 2, 2, 20, 55, 10, tzinfo=UTC))  # just before quiet hours
        await _until(lambda: _reminders(fake, member) == 1)
        assert "tomorrow at 7:30am" in fake.last_message(member)["text"]
        clock.set(datetime(2026, 2, 3, 5, 30, 10, tzinfo=UTC))
        await _quiet(running)
    assert _reminders(fake, member) == 1
    assert _rows(tmp_path, "SELECT state, queued, held FROM session_reminder") == [("sent", 1, 0)]


async def test_attendance_gives_hours_csv_settings_and_the_question_afterwards(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    await _seeded(fake, tmp_path)
    clock = FakeClock(datetime(2026, 6, 8, 9, 0, tzinfo=UTC))  # Monday 10:00 BST
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    came, absent, unannounced = MEMBERS[0], MEMBERS[1], MEMBERS[2]
    async with _running(fake, settings, clock):
        admin = Phone(fake, ADMIN)
        await _create(fake, admin, when="tomorrow 2pm")  # 2 hours
        await Phone(fake, came).tap("Going", await _invitation(fake, came))
        await Phone(fake, absent).tap("Maybe", await _invitation(fake, absent))

        card = await _overview(fake, admin)
        early = await _tap_for_notice(fake, admin, "Mark who came", card)
        assert early == "You can mark who came once the session has started."
        # The card stays as it was, buttons and all.
        still = fake.message(admin.id, card["message_id"])
        assert still["text"] == card["text"] and fake.buttons(still) == fake.buttons(card)

        clock.set(datetime(2026, 6, 9, 15, 5, tzinfo=UTC))  # it ended at 16:00 BST
        ask = await fake.wait_for_text(admin.id, "has finished", timeout=10)
        listing = await admin.tap("Mark who came", ask)
        assert [t for t, _ in fake.buttons(listing)][:2] == ["☐ M8001", "☐ M8002"]
        listing = await admin.tap("M8001", listing)
        listing = await admin.tap("M8002", listing)
        listing = await admin.tap("M8002", listing)  # a second tap: did not come
        assert [t for t, _ in fake.buttons(listing)][:2] == ["✅ M8001", "✖ M8002"]
        pick = await admin.tap("Add someone who came", listing)
        listing = await admin.tap("M8003", pick)
        assert "✅ M8003" in [t for t, _ in fake.buttons(listing)]
        assert "Total so far: 4 hours" in listing["text"]
        ask_hours = await admin.tap("Change the hours", listing)
        assert "How many hours" in ask_hours["text"]
        listing = await admin.send("2.5")
        assert "Total so far: 5 hours" in listing["text"]
        done = await admin.tap("Done", listing)
        assert "2 people came: 5 hours recorded" in done["text"]

        settings_reply = await Phone(fake, came).send("/settings")
        assert "Time you gave at meetings: 2 hours and 30 minutes" in settings_reply["text"]
        assert (
            "Time you gave at meetings: 0" in (await Phone(fake, absent).send("/settings"))["text"]
        )

        period = await admin.send("/hours")
        summary = await admin.tap("This month", period)
        assert "2 people, 5 hours in all" in summary["text"]
        export = next(c for c in fake.calls if c.method == "sendDocument")
        assert export.response is not None
        document = export.response["result"]["document"]
        rows = list(csv.reader(io.StringIO(fake.file(document["file_id"]).content.decode())))
        assert rows[0] == ["payee reference", "name", "sessions", "hours", "dates"]
        assert sorted((r[1], r[2], r[3], r[4]) for r in rows[1:]) == [
            ("M8001", "1", "2.50", "2026-06-09"),
            ("M8003", "1", "2.50", "2026-06-09"),
        ]

        # A few hours later, those who came are asked how it was; those who did not, not.
        clock.set(datetime(2026, 6, 9, 18, 10, tzinfo=UTC))
        question = await fake.wait_for_text(came, "how was it for you?", timeout=10)
        faces = [text for text, _ in fake.buttons(question)][:5]
        assert faces == ["😞 Bad", "🙁 Not great", "😐 OK", "🙂 Good", "😀 Very good"]
        await fake.wait_for_text(unannounced, "how was it for you?", timeout=10)
        member = Phone(fake, came)
        name = await member.tap("🙂", question)
        assert "Without your name, they won't see who sent it" in name["text"]
        assert "Only a few people came, though, so they might be able to guess" in name["text"]
        use = await member.tap("Without my name", name)
        assert "How may we use it?" in use["text"]
        # The most private first; no quoting with a name that does not go with it.
        assert [t for t, _ in fake.buttons(use)] == [
            "Only coordinators read it",
            "Quote it without my name",
            "Don't send",
            "‹ Back",
        ]
        kept = await member.send("The room was too warm")  # kept until this is chosen
        assert "I've kept your words" in kept["text"]
        sent = await member.tap("Quote it without my name", kept)
        assert "Your private reference is" in sent["text"]
        skipped = await Phone(fake, unannounced).tap(
            "No thanks", await fake.wait_for_text(unannounced, "how was it for you?")
        )
        assert "Thank you for coming" in skipped["text"]
        # Without a name: held until the next daily batch (9:00 in London, 8:00 UTC).
        clock.set(datetime(2026, 6, 10, 8, 0, 30, tzinfo=UTC))
        await wait_until_released(tmp_path)
    assert _count(fake, absent, "how was it for you?") == 0
    items = _rows(
        tmp_path,
        "SELECT kind, session_id, person_id, pseudonym IS NOT NULL, return_address, body, "
        "consent FROM item",
    )
    assert len(items) == 1
    kind, session_id, person_id, has_pseudonym, address, body, consent = items[0]
    assert (kind, session_id, person_id, has_pseudonym) == ("session", 1, None, 1)
    assert consent == "quote_anonymous"
    words = Sealer(SECRET_KEY.encode()).open(body, "item.body")
    assert words == "How it was: 4 of 5\nThe room was too warm"
    assert str(came) not in address and "too warm" not in body


async def test_bad_dates_and_times_get_a_clear_question_back(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    await _seeded(fake, tmp_path)
    clock = FakeClock(datetime(2026, 3, 27, 12, 0, tzinfo=UTC))  # Friday before the change
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with _running(fake, settings, clock):
        admin = Phone(fake, ADMIN)
        await admin.send("/newsession")
        await admin.send(TITLE)
        for typed, said in [
            ("next week", "Sorry, I didn't understand that time. Could you try like this"),
            ("yesterday at 2", "Sorry, I didn't understand that time."),
            ("Sun 29 March 1:30am", "The clocks go forward then, so 01:30 doesn't happen"),
            ("Sun 25 October 1:30am", "The clocks go back then, so 01:30 happens twice"),
            ("today 9am", "That time has already gone. Could you give a time"),
            ("1 June 2028 10am", "That's more than a year away. Could you choose"),
        ]:
            reply = await admin.send(typed)
            assert said in reply["text"], (typed, reply["text"])
        ends = await admin.send("Sat 28 March 14:00")
        assert "It starts tomorrow at 2pm. When does it end?" in ends["text"]
        for typed, said in [
            ("1pm", "That's before it starts (tomorrow at 2pm). When does it end?"),
            ("15 hours", "longer than 12 hours. When does it end?"),
            ("teatime", "Sorry, I didn't understand that. Could you try like this: 4pm"),
        ]:
            reply = await admin.send(typed)
            assert said in reply["text"], (typed, reply["text"])
        place = await admin.send("4pm")
        assert "Where is it?" in place["text"]
        access = await admin.tap("Skip", place)
        content = await admin.tap("Skip", access)
        capacity = await admin.tap("Skip", content)
        bad = await admin.send("lots")
        assert "I need a number from 1 to 1000" in bad["text"]
        reminders = await admin.tap("No limit", bad)
        assert "remind people" in reminders["text"]
        bad = await admin.send("every day")
        assert "I didn't understand those times" in bad["text"]
        confirm = await admin.send("3h")
        assert "tomorrow at 2pm to 4pm" in confirm["text"]
        assert "Reminders: 3 hours before" in confirm["text"]
        assert capacity["text"]  # each step answered
        stopped = await admin.send("/cancel")
        assert "Nothing was changed" in stopped["text"]
    assert _rows(tmp_path, "SELECT count(*) FROM group_session") == [(0,)]


async def test_long_lists_are_shortened_and_paged(fake: FakeBotApi, tmp_path: Path) -> None:
    many = list(range(8100, 8145))  # 45 members, all going
    await _seeded(fake, tmp_path, many)
    clock = FakeClock(datetime(2026, 6, 8, 9, 0, tzinfo=UTC))
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with _running(fake, settings, clock):
        admin = Phone(fake, ADMIN)
        await _create(fake, admin)
        _rows(
            tmp_path,
            "INSERT INTO session_answer (session_id, person_id, answer, answered_at) "
            "SELECT 1, person_id, 'going', ? FROM membership",
            "2026-06-08 09:00:00.000000",
        )
        overview = await _overview(fake, admin)
        assert "45 going: M8100, M8101" in overview["text"] and " and 5 more" in overview["text"]
        assert len(overview["text"]) < 4096

        clock.set(datetime(2026, 6, 9, 15, 30, tzinfo=UTC))
        # The session has ended: the question to mark who came comes first, not between taps.
        await fake.wait_for_text(ADMIN, "has finished. Would you like to mark who came?", 15)
        listing = await admin.tap("Mark who came", overview)
        names = [t for t, _ in fake.buttons(listing) if t.startswith("☐")]
        assert len(names) == 20
        marked = await admin.tap(names[0].replace("☐", "").strip(), listing)
        assert fake.buttons(marked)[0][0].startswith("✅")
        second = await admin.tap("More ›", marked)
        on_page_two = await admin.tap("☐", second)
        # Marking on the second page stays on it.
        assert "‹ Earlier" in [t for t, _ in fake.buttons(on_page_two)]
        assert fake.buttons(on_page_two)[0][0].startswith("✅")
        third = await admin.tap("More ›", on_page_two)
        assert len([t for t, _ in fake.buttons(third) if t.startswith("☐")]) == 5
        assert "More ›" not in [t for t, _ in fake.buttons(third)]
        back = await admin.tap("‹ Earlier", third)
        assert len([t for t, _ in fake.buttons(back) if t.startswith(("☐", "✅"))]) == 20


async def test_feedback_words_that_suggest_risk_get_help_at_once(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    await _seeded(fake, tmp_path)
    clock = FakeClock(datetime(2026, 6, 8, 9, 0, tzinfo=UTC))
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    member = Phone(fake, MEMBERS[0])
    async with _running(fake, settings, clock):
        admin = Phone(fake, ADMIN)
        await _create(fake, admin)
        await member.tap("Going", await _invitation(fake, member.id))
        clock.set(datetime(2026, 6, 9, 15, 5, tzinfo=UTC))
        ask = await fake.wait_for_text(admin.id, "has finished", timeout=10)
        await admin.tap("M8001", await admin.tap("Mark who came", ask))
        clock.set(datetime(2026, 6, 9, 18, 10, tzinfo=UTC))
        question = await fake.wait_for_text(member.id, "how was it for you?", timeout=10)
        name = await member.tap("😞", question)
        early = await member.send("It was fine")  # before choosing: asked to choose first
        assert "Please tap one of these, then type your words again" in early["text"]
        use = await member.tap("Without my name", name)
        words = await member.tap("Only coordinators read it", use)
        assert "add a few words" in words["text"]
        await member.send("I want to end my life")
        help_now = await fake.wait_for_text(member.id, "If you need help now", timeout=10)
        assert "Samaritans" in help_now["text"]
        await fake.wait_for_text(member.id, "Your private reference is", timeout=10)
        # Once: one safety reply, one alert.
        assert len([t for t in member.texts() if "If you need help now" in t]) == 1
        clock.set(datetime(2026, 6, 10, 8, 0, 30, tzinfo=UTC))  # the next daily batch
        await wait_until_released(tmp_path)
    assert _rows(tmp_path, "SELECT count(*) FROM item WHERE kind = 'session' AND risk") == [(1,)]
    assert _rows(tmp_path, "SELECT count(*) FROM risk_alert") == [(1,)]


async def test_with_several_groups_the_group_is_asked_first(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    admin = Phone(fake, ADMIN)
    await make_group(admin, "Young carers")
    pick = await admin.send("/newsession")
    assert "Which group is the session for?" in pick["text"]
    assert [t for t, _ in fake.buttons(pick)] == ["Carers group", "Young carers", "✖ Stop"]
    ask = await admin.tap("Young carers", pick)
    assert "What's the session called?" in ask["text"]
    await admin.send("/cancel")

    pick = await admin.send("/hours")
    assert "Choose a group" in pick["text"]
    period = await admin.tap("Young carers", pick)
    summary = await admin.tap("Last month", period)
    assert (
        "Involvement hours for Young carers, 1 February 2026 to 28 February 2026"
        in (summary["text"])
    )
    assert "0 people, 0 hours in all" in summary["text"]


async def test_a_second_tap_on_save_and_invite_leaves_the_confirmation(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    admin = Phone(fake, ADMIN)
    await admin.send("/newsession")
    await admin.send(TITLE)
    await admin.send("tomorrow 2pm")
    place = await admin.send("2 hours")
    content = await admin.tap("Skip", await admin.tap("Skip", place))
    reminders = await admin.tap("No limit", await admin.tap("Skip", content))
    confirm = await admin.tap("Usual times", reminders)
    saved = await admin.tap("Save and invite", confirm)
    assert "Invitations are on their way to 5 people" in saved["text"]

    again = await _tap_for_notice(fake, admin, "Save and invite", confirm)
    assert again == "That's done already: there's nothing more to save here."
    assert fake.message(admin.id, saved["message_id"])["text"] == saved["text"]
    assert _rows(tmp_path, "SELECT count(*) FROM group_session") == [(1,)]


async def test_going_on_an_old_invitation_after_leaving_says_what_happened(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    admin, member = Phone(fake, ADMIN), Phone(fake, MEMBERS[0])
    await _create(fake, admin)
    invitation = await _invitation(fake, member.id)
    await member.send("/leave")
    left = await member.tap("Yes, leave")
    assert "You've left Carers group" in left["text"]

    answered = await member.tap("Going", invitation)
    assert answered["text"] == (
        "You left Carers group, so I can't take an answer for Planning meeting. "
        "If you'd like to come, you can join again with the group's invite link."
    )
    assert _rows(tmp_path, "SELECT count(*) FROM session_answer") == [(0,)]
    # Someone never invited (a forged button) is not told about the group.
    stranger = Phone(fake, 8999)
    await stranger.send("/start")
    forged = await stranger.tap_data(fake.buttons(invitation)[0][1])
    assert "That meeting is for another group" in forged["text"]


async def test_long_titles_are_cut_at_a_word_on_buttons(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    admin = Phone(fake, ADMIN)
    title = "Planning meeting about the community mental health transformation budget"
    await admin.send("/newsession")
    await admin.send(title)
    await admin.send("tomorrow 2pm")
    place = await admin.send("2 hours")
    content = await admin.tap("Skip", await admin.tap("Skip", place))
    reminders = await admin.tap("No limit", await admin.tap("Skip", content))
    await admin.tap("Save and invite", await admin.tap("Usual times", reminders))

    listing = await admin.send("/sessions")
    [shown] = [t for t, _ in fake.buttons(listing)]
    assert len(shown) <= 60 and shown.endswith("…"), shown
    kept = shown.removesuffix("…")
    full = f"tomorrow at 2pm: {title}"
    assert full.startswith(kept) and full[len(kept)] == " ", shown
