"""Group sessions: drafting, answers and the waiting list, changes, reminders (with quiet
hours and outages), attendance, hours and the question afterwards."""

from __future__ import annotations

import asyncio
import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.crypto import Sealer
from bot.services import Services
from bot.services.delivery_rules import DEFAULT_QUIET_HOURS, RETURN_ADDRESS_PURPOSE
from bot.services.membership import JoinOutcome
from bot.services.sessions import (
    DEFAULT_REMINDERS,
    FEEDBACK_STEP,
    Answer,
    AnswerOutcome,
    CancelOutcome,
    DraftProblem,
    FeedbackDraft,
    FeedbackOutcome,
    Period,
    SaveOutcome,
    SessionQuestion,
    period_dates,
    reminder_send_at,
)
from bot.services.sharing import next_batch
from bot.services.when import WhenProblem
from handlers.sessions.render import rating_words
from storage import schema
from storage.database import Storage
from storage.sessions import SessionRow
from tests.conftest import ADMIN_ID
from tests.support.clock import FakeClock
from tests.support.outbox import shown_plain

LONDON = ZoneInfo("Europe/London")
# Telegram ids: ANN coordinates Choir; CAT coordinates Band; the rest are Choir members.
ANN, BOB, CAT, DAN, EVE, FAY, OUT = 2001, 2002, 2003, 2004, 2005, 2006, 2007
MONDAY_NOON = datetime(2026, 2, 2, 12, 0, tzinfo=UTC)  # GMT


@dataclass(frozen=True)
class World:
    """Person ids, and the two groups' ids."""

    choir: int
    band: int
    ids: dict[int, int]


async def _world(storage: Storage, clock: FakeClock) -> World:
    now = clock.now()
    async with storage.transaction() as tx:
        ids = {}
        for telegram_id in (ANN, BOB, CAT, DAN, EVE, FAY, OUT):
            person = await tx.people.ensure(telegram_id, telegram_id + 10, f"P{telegram_id}", now)
            ids[telegram_id] = person.id
        for coordinator in (ANN, CAT):
            await tx.people.set_coordinator(ids[coordinator], True)
        choir = await tx.groups.create("Choir", "c1", ids[ANN], now)
        band = await tx.groups.create("Band", "b1", ids[CAT], now)
        await tx.groups.add_coordinator(choir.id, ids[ANN])
        await tx.groups.add_coordinator(band.id, ids[CAT])
        for member in (BOB, DAN, EVE, FAY):
            await tx.groups.add_member(choir.id, ids[member], now)
        await tx.people.set_paused(ids[FAY], True)
    return World(choir.id, band.id, ids)


async def _make(
    services: Services,
    group_id: int,
    answers: list[str | None],
    who: int = ANN,
) -> SessionRow:
    """Walk through the draft with typed answers (None: skip) and save it."""
    draft = await services.sessions.begin_new(who, who, group_id)
    assert draft is not None
    for text in answers:
        reply = await services.sessions.advance(who, who, text, LONDON)
        assert reply.problem is None, (text, reply)
    result = await services.sessions.save(who, who, LONDON)
    assert result.outcome is SaveOutcome.CREATED and result.session is not None
    return result.session


async def _standard(services: Services, world: World, capacity: str | None = None) -> SessionRow:
    return await _make(
        services,
        world.choir,
        ["Planning", "tomorrow 2pm", "2 hours", "Room 4", None, None, capacity, None],
    )


async def _outbox(storage: Storage, kind: str) -> list[tuple[int, str, datetime]]:
    o = schema.outbox
    async with storage.read() as tx:
        rows = await tx.conn.execute(
            select(o.c.person_id, o.c.payload, o.c.due_at)
            .where(o.c.kind == kind)
            .order_by(o.c.person_id)
        )
        return [(r.person_id, shown_plain(r.payload).text, r.due_at) for r in rows]


@pytest.fixture
async def world(storage: Storage, clock: FakeClock) -> World:
    clock.set(MONDAY_NOON)
    return await _world(storage, clock)


# --- Drafting ---------------------------------------------------------------------------------


async def test_a_member_cannot_start_a_session(services: Services, world: World) -> None:
    assert await services.sessions.begin_new(BOB, BOB, world.choir) is None
    # A coordinator of another group cannot either.
    assert await services.sessions.begin_new(CAT, CAT, world.choir) is None


@pytest.mark.parametrize(
    ("stage_answers", "bad", "problem"),
    [
        ([], "", DraftProblem.BAD_TEXT),
        ([], "x" * 121, DraftProblem.BAD_TEXT),
        (["Planning"], "next week", DraftProblem.WHEN),
        (["Planning"], "yesterday 2pm", DraftProblem.WHEN),
        (["Planning", "tomorrow 2pm"], "1pm", DraftProblem.WHEN),
        (["Planning", "tomorrow 2pm"], "14 hours", DraftProblem.WHEN),
        (["Planning", "tomorrow 2pm", "4pm", None, None, None], "twelve", DraftProblem.BAD_NUMBER),
        (["Planning", "tomorrow 2pm", "4pm", None, None, None], "0", DraftProblem.BAD_NUMBER),
        (
            ["Planning", "tomorrow 2pm", "4pm", None, None, None, None],
            "every day",
            DraftProblem.BAD_REMINDERS,
        ),
        (["Planning", "tomorrow 2pm", "4pm", None], "y" * 601, DraftProblem.BAD_TEXT),
        (["Planning", "tomorrow 2pm", "4pm"], "z" * 301, DraftProblem.BAD_TEXT),
        (["Planning", "tomorrow 2pm", "4pm"], "https://x.org/" + "q" * 300, DraftProblem.BAD_TEXT),
        (["Planning", "tomorrow 2pm", "4pm"], "\u200b\u202e", DraftProblem.UNREADABLE),
        (["Planning", "tomorrow 2pm", "4pm", None], "\u200b", DraftProblem.UNREADABLE),
    ],
)
async def test_bad_answers_are_refused_and_lose_nothing(
    services: Services,
    world: World,
    stage_answers: list[str | None],
    bad: str,
    problem: DraftProblem,
) -> None:
    await services.sessions.begin_new(ANN, ANN, world.choir)
    for text in stage_answers:
        assert (await services.sessions.advance(ANN, ANN, text, LONDON)).problem is None
    before = await services.sessions.draft(ANN)

    reply = await services.sessions.advance(ANN, ANN, bad, LONDON)

    assert reply.problem is problem
    assert await services.sessions.draft(ANN) == before


async def test_a_time_the_clocks_skip_is_explained(
    services: Services, world: World, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 3, 27, 12, 0, tzinfo=UTC))
    await services.sessions.begin_new(ANN, ANN, world.choir)
    await services.sessions.advance(ANN, ANN, "Planning", LONDON)

    reply = await services.sessions.advance(ANN, ANN, "Sun 29 March 1:30am", LONDON)

    assert reply.problem is DraftProblem.WHEN
    assert reply.when_error is not None
    assert reply.when_error.problem is WhenProblem.DOES_NOT_EXIST


async def test_typing_at_the_end_shows_the_session_again(services: Services, world: World) -> None:
    await services.sessions.begin_new(ANN, ANN, world.choir)
    for text in ["Planning", "tomorrow 2pm", "2 hours", None, None, None, None, None]:
        await services.sessions.advance(ANN, ANN, text, LONDON)

    reply = await services.sessions.advance(ANN, ANN, "is that right?", LONDON)

    # Shown again, with a word that Save or Discard is what is asked now.
    assert reply.problem is DraftProblem.USE_BUTTONS and reply.draft is not None
    assert reply.draft.stage is SessionQuestion.CONFIRM


async def test_the_title_cannot_be_skipped(services: Services, world: World) -> None:
    await services.sessions.begin_new(ANN, ANN, world.choir)
    assert (await services.sessions.advance(ANN, ANN, None, LONDON)).problem is (
        DraftProblem.CANNOT_SKIP
    )


async def test_saving_invites_every_reachable_member(
    services: Services, world: World, storage: Storage
) -> None:
    async with storage.transaction() as tx:
        await tx.people.mark_unreachable(world.ids[EVE], MONDAY_NOON)
    session = await _standard(services, world)

    invited = await _outbox(storage, "session_invite")

    assert [pid for pid, _, _ in invited] == [world.ids[BOB], world.ids[DAN]]
    assert all("Tuesday 3 February at 2pm to 4pm" in text for _, text, _ in invited)
    assert session.reminder_minutes == list(DEFAULT_REMINDERS)
    assert (session.place, session.link) == ("Room 4", None)


async def test_someone_who_joins_later_is_invited_to_what_is_still_to_come(
    services: Services, world: World, storage: Storage, clock: FakeClock
) -> None:
    await _standard(services, world)
    await _make(services, world.choir, ["Coffee", "today 1pm", "30 minutes", "Cafe"] + [None] * 4)
    await _make(
        services,
        world.band,
        ["Band practice", "tomorrow 6pm", "1 hour", "Hall"] + [None] * 4,
        who=CAT,
    )
    clock.set(MONDAY_NOON + timedelta(hours=1, minutes=10))  # the coffee has begun

    joined = await services.membership.join(OUT, OUT + 10, "c1")

    assert joined.outcome is JoinOutcome.JOINED
    invited = [
        text for pid, text, _ in await _outbox(storage, "session_invite") if pid == world.ids[OUT]
    ]
    assert len(invited) == 1 and "Planning" in invited[0]
    # Leaving and coming back does not bring the same invitation twice.
    assert await services.membership.leave(OUT, world.choir) is not None
    assert (await services.membership.join(OUT, OUT + 10, "c1")).outcome is JoinOutcome.JOINED
    again = [
        pid for pid, _, _ in await _outbox(storage, "session_invite") if pid == world.ids[OUT]
    ]
    assert len(again) == 1


async def test_a_newcomer_who_asks_for_the_list_first_gets_no_second_card_after_it(
    services: Services, world: World, storage: Storage
) -> None:
    session = await _standard(services, world)
    await services.membership.join(OUT, OUT + 10, "c1")

    listing = await services.sessions.listing(OUT)

    assert [v.session.id for v in listing.mine] == [session.id]
    assert listing.just_invited == []
    # The list showed the invitation: the one still waiting is not sent after it.
    async with storage.transaction() as tx:
        due = await tx.outbox.claim_due(MONDAY_NOON + timedelta(minutes=5), 100)
    assert world.ids[OUT] not in [job.person_id for job in due]
    assert world.ids[BOB] in [job.person_id for job in due]  # the others' still go


async def test_an_invitation_sent_a_moment_ago_is_not_listed_again(
    services: Services, world: World, storage: Storage, clock: FakeClock
) -> None:
    session = await _standard(services, world)
    async with storage.transaction() as tx:
        due = await tx.outbox.claim_due(clock.now(), 100)
        await tx.outbox.finish_sent([job.id for job in due], clock.now())

    # BOB was just sent the invitation: the list points to it instead of a second card.
    listing = await services.sessions.listing(BOB)
    assert listing.mine == []
    assert [v.session.id for v in listing.just_invited] == [session.id]
    # Once answered, or a while later, the list shows it as usual.
    await services.sessions.answer(DAN, session.id, "g", LONDON)
    assert [v.session.id for v in (await services.sessions.listing(DAN)).mine] == [session.id]
    clock.advance(timedelta(minutes=11))
    later = await services.sessions.listing(BOB)
    assert [v.session.id for v in later.mine] == [session.id] and later.just_invited == []


async def test_a_link_is_kept_apart_from_the_place(services: Services, world: World) -> None:
    session = await _make(
        services,
        world.choir,
        [
            "Online chat",
            "tomorrow 2pm",
            "90 min",
            "https://meet.example.org/x",
            None,
            None,
            None,
            "48h, 3h",
        ],
    )
    assert (session.place, session.link) == (None, "https://meet.example.org/x")
    assert session.reminder_minutes == [2880, 180]


# --- Answers and the waiting list -----------------------------------------------------------


async def test_going_on_a_full_session_waits_and_a_freed_place_is_filled(
    services: Services, world: World, storage: Storage
) -> None:
    session = await _standard(services, world, capacity="1")
    first = await services.sessions.answer(BOB, session.id, "g", LONDON)
    second = await services.sessions.answer(DAN, session.id, "g", LONDON)
    again = await services.sessions.answer(DAN, session.id, "g", LONDON)

    assert first.outcome is AnswerOutcome.SAVED
    assert second.outcome is AnswerOutcome.WAITING and second.view is not None
    assert second.view.place == 1
    assert again.outcome is AnswerOutcome.WAITING

    await services.sessions.answer(BOB, session.id, "n", LONDON)

    promoted = await _outbox(storage, "session_place")
    assert [pid for pid, _, _ in promoted] == [world.ids[DAN]]
    overview = await services.sessions.overview(ANN, session.id)
    assert overview is not None
    assert overview.names(Answer.GOING) == [f"P{DAN}"]


async def test_answers_close_at_the_start_and_outsiders_are_refused(
    services: Services, world: World, clock: FakeClock
) -> None:
    session = await _standard(services, world)
    assert (await services.sessions.answer(OUT, session.id, "g", LONDON)).outcome is (
        AnswerOutcome.NOT_MEMBER
    )
    assert (await services.sessions.answer(BOB, session.id, "zz", LONDON)).outcome is (
        AnswerOutcome.GONE
    )
    clock.set(session.starts_at)
    assert (await services.sessions.answer(BOB, session.id, "g", LONDON)).outcome is (
        AnswerOutcome.STARTED
    )


async def test_only_the_groups_coordinator_can_change_or_cancel(
    services: Services, world: World, storage: Storage
) -> None:
    session = await _standard(services, world)
    await services.sessions.answer(BOB, session.id, "g", LONDON)

    assert await services.sessions.begin_edit(CAT, CAT, session.id, SessionQuestion.TITLE) is None
    assert await services.sessions.begin_edit(BOB, BOB, session.id, SessionQuestion.TITLE) is None
    assert (await services.sessions.cancel(CAT, session.id, LONDON)).outcome is (
        CancelOutcome.NOT_ALLOWED
    )
    assert await services.sessions.overview(BOB, session.id) is None
    assert await services.sessions.mark(BOB, session.id, world.ids[BOB]) is None

    done = await services.sessions.cancel(ANN, session.id, LONDON)
    # Everyone invited is told: Bob answered, Dan and Eve have not; Fay paused messages
    # before it was made, so she was not invited.
    assert done.outcome is CancelOutcome.CANCELLED and done.told == 3
    assert (await services.sessions.cancel(ANN, session.id, LONDON)).outcome is (
        CancelOutcome.ALREADY
    )
    told = await _outbox(storage, "session_change")
    assert [pid for pid, _, _ in told] == [world.ids[BOB], world.ids[DAN], world.ids[EVE]]
    assert (await services.sessions.answer(DAN, session.id, "g", LONDON)).outcome is (
        AnswerOutcome.CANCELLED
    )


async def test_a_change_raises_the_calendar_sequence_and_moves_reminders(
    services: Services, world: World, storage: Storage
) -> None:
    session = await _standard(services, world)
    await services.sessions.answer(DAN, session.id, "m", LONDON)
    await services.sessions.begin_edit(ANN, ANN, session.id, SessionQuestion.STARTS)
    reply = await services.sessions.advance(ANN, ANN, "Wed 4 Feb 10:00", LONDON)
    assert reply.draft is not None and reply.draft.stage is SessionQuestion.CONFIRM

    result = await services.sessions.save(ANN, ANN, LONDON)

    # Dan, who answered, and Bob and Eve, who were invited and have not answered yet.
    assert result.outcome is SaveOutcome.CHANGED and result.told == 3
    assert result.session is not None and result.session.sequence == 1
    assert result.session.ends_at - result.session.starts_at == timedelta(hours=2)
    async with storage.read() as tx:
        reminders = await tx.sessions.reminders_of(session.id)
    assert [r.due_at for r in reminders] == [
        datetime(2026, 2, 3, 10, 0, tzinfo=UTC),
        datetime(2026, 2, 4, 8, 0, tzinfo=UTC),
    ]
    before = await services.sessions.calendar(DAN, session.id, LONDON)
    assert before is not None and b"SEQUENCE:1" in before.content
    assert await services.sessions.calendar(OUT, session.id, LONDON) is None


# --- Reminders ---------------------------------------------------------------------------------


NIGHT = DEFAULT_QUIET_HOURS  # 21:00 to 08:00


@pytest.mark.parametrize(
    ("due", "starts", "now", "setting", "expected"),
    [
        # Outside quiet hours: at its time.
        ("2026-02-03T12:00", "2026-02-03T14:00", "2026-02-02T12:00", None, "2026-02-03T12:00"),
        # In quiet hours that end before the start: when they end.
        ("2026-02-03T07:00", "2026-02-03T09:00", "2026-02-02T12:00", None, "2026-02-03T08:00"),
        # In quiet hours that end after the start: just before they begin.
        ("2026-02-03T05:30", "2026-02-03T07:30", "2026-02-02T12:00", None, "2026-02-02T20:55"),
        # Quiet hours switched off.
        ("2026-02-03T05:30", "2026-02-03T07:30", "2026-02-02T12:00", "off", "2026-02-03T05:30"),
        # Already inside quiet hours that last past the start: it cannot go.
        ("2026-02-03T05:30", "2026-02-03T07:30", "2026-02-02T23:00", None, None),
        # Its time passed while the bot was down, before the start: now.
        ("2026-02-03T12:00", "2026-02-03T14:00", "2026-02-03T13:00", None, "2026-02-03T13:00"),
        # Summer: 20:00 BST is 19:00 UTC, quiet from 21:00 BST (20:00 UTC).
        ("2026-07-14T04:30", "2026-07-14T06:30", "2026-07-13T12:00", None, "2026-07-13T19:55"),
    ],
)
def test_when_a_reminder_goes(
    due: str, starts: str, now: str, setting: str | None, expected: str | None
) -> None:
    def at(text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)

    sent = reminder_send_at(at(due), at(starts), at(now), LONDON, setting, NIGHT)
    assert sent == (at(expected) if expected else None)


async def test_a_reminder_goes_once_to_those_going_or_maybe(
    services: Services, world: World, storage: Storage, clock: FakeClock
) -> None:
    session = await _standard(services, world)  # Tuesday 2pm
    await services.sessions.answer(BOB, session.id, "g", LONDON)
    await services.sessions.answer(DAN, session.id, "m", LONDON)
    await services.sessions.answer(EVE, session.id, "n", LONDON)

    clock.set(datetime(2026, 2, 2, 13, 59, tzinfo=UTC))
    assert (await services.sessions.tick(LONDON, NIGHT)).reminders_sent == 0
    clock.set(datetime(2026, 2, 2, 14, 0, tzinfo=UTC))  # 24 hours before
    first = await services.sessions.tick(LONDON, NIGHT)
    again = await services.sessions.tick(LONDON, NIGHT)
    clock.set(datetime(2026, 2, 3, 12, 0, tzinfo=UTC))  # 2 hours before
    second = await services.sessions.tick(LONDON, NIGHT)

    assert (first.reminders_sent, again.reminders_sent, second.reminders_sent) == (1, 0, 1)
    reminders = await _outbox(storage, "session_reminder")
    assert sorted(pid for pid, _, _ in reminders) == sorted([world.ids[BOB], world.ids[DAN]] * 2)
    assert all("Reminder: Planning" in text for _, text, _ in reminders)


async def test_a_reminder_past_the_start_is_recorded_not_sent(
    services: Services, world: World, storage: Storage, clock: FakeClock
) -> None:
    session = await _standard(services, world)
    await services.sessions.answer(BOB, session.id, "g", LONDON)
    clock.set(session.starts_at + timedelta(minutes=5))

    report = await services.sessions.tick(LONDON, NIGHT)

    assert report.reminders_missed == 2
    assert await _outbox(storage, "session_reminder") == []
    async with storage.read() as tx:
        states = {r.state for r in await tx.sessions.reminders_of(session.id)}
    assert states == {"missed"}


async def test_a_missed_reminder_is_logged_without_guessing_why(
    services: Services, world: World, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    session = await _standard(services, world)
    # Time jumped past the start (a try-out's clock moved on, or Chorus was stopped).
    clock.set(session.starts_at + timedelta(days=1))

    with caplog.at_level("WARNING", logger="bot.services.sessions"):
        report = await services.sessions.tick(LONDON, NIGHT)

    assert report.reminders_missed == 2
    logged = [r.getMessage() for r in caplog.records if "recorded as missed" in r.getMessage()]
    assert len(logged) == 2
    assert not any("was down" in line for line in logged), logged


async def test_paused_people_are_counted_as_held_not_sent(
    services: Services, world: World, storage: Storage, clock: FakeClock
) -> None:
    session = await _standard(services, world)
    await services.sessions.answer(BOB, session.id, "g", LONDON)
    await services.sessions.answer(DAN, session.id, "g", LONDON)
    async with storage.transaction() as tx:
        await tx.people.set_paused(world.ids[DAN], True)
    clock.set(datetime(2026, 2, 3, 12, 0, 5, tzinfo=UTC))

    await services.sessions.tick(LONDON, NIGHT)

    async with storage.read() as tx:
        reminders = {r.minutes_before: r for r in await tx.sessions.reminders_of(session.id)}
    assert (reminders[120].queued, reminders[120].held) == (1, 1)
    assert reminders[1440].state == "superseded"


# --- Attendance, hours and feedback ---------------------------------------------------------


async def test_attendance_hours_and_the_export(
    services: Services, world: World, storage: Storage, clock: FakeClock
) -> None:
    session = await _standard(services, world)
    await services.sessions.answer(BOB, session.id, "g", LONDON)
    async with storage.transaction() as tx:
        await tx.people.set_display_name(world.ids[DAN], "=HYPERLINK(1)")
    assert await services.sessions.mark(ANN, session.id, world.ids[BOB]) is None  # not yet
    clock.set(session.ends_at + timedelta(minutes=1))

    view = await services.sessions.mark(ANN, session.id, world.ids[BOB])
    assert view is not None and [line.came for line in view.lines] == [True]
    view = await services.sessions.mark(ANN, session.id, world.ids[DAN], came=True)
    assert view is not None and view.minutes == 240
    assert await services.sessions.mark(ANN, session.id, world.ids[OUT], came=True) is None
    assert await services.sessions.set_hours(ANN, "1.5") is None  # not asked
    assert await services.sessions.begin_hours(ANN, ANN, session.id)
    assert await services.sessions.set_hours(ANN, "lots") is None
    assert not await services.sessions.begin_hours(CAT, CAT, session.id)
    view = await services.sessions.set_hours(ANN, "1.5")
    assert view is not None and view.minutes == 180
    assert await services.sessions.total_minutes(BOB) == 90

    # Finance pays under the payee reference and name a coordinator set, never an id.
    async with storage.transaction() as tx:
        await tx.payments.set_payee(world.ids[BOB], "P-0042", "Bob Jones", clock.now())
    export = await services.sessions.export_hours(ANN, world.choir, Period.THIS_MONTH, LONDON)
    assert export is not None and (export.people, export.minutes) == (2, 180)
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0][:2] == ["payee reference", "name"]
    assert rows[1:] == [
        ["P-0042", "Bob Jones", "1", "1.50", "2026-02-03"],
        ["not set (see /payments)", "'=HYPERLINK(1)", "1", "1.50", "2026-02-03"],
    ]
    assert await services.sessions.export_hours(CAT, world.choir, Period.THIS_MONTH, LONDON) is (
        None
    )
    last = await services.sessions.export_hours(ANN, world.choir, Period.LAST_MONTH, LONDON)
    assert last is not None and last.people == 0


def test_periods_are_local_calendar_ranges() -> None:
    today = datetime(2026, 1, 15).date()
    assert period_dates(Period.THIS_MONTH, today) == (
        today.replace(day=1),
        today.replace(month=2, day=1),
    )
    assert period_dates(Period.LAST_MONTH, today) == (
        today.replace(year=2025, month=12, day=1),
        today.replace(day=1),
    )
    assert period_dates(Period.LAST_YEAR, today)[0].year == 2025


async def test_feedback_without_a_name_is_an_anonymous_item(
    services: Services,
    world: World,
    storage: Storage,
    clock: FakeClock,
    sealer: Sealer,
) -> None:
    session = await _standard(services, world)
    clock.set(session.ends_at)
    await services.sessions.mark(ANN, session.id, world.ids[BOB], came=True)
    await services.sessions.mark(ANN, session.id, world.ids[DAN], came=False)
    clock.set(session.ends_at + timedelta(hours=3))
    assert (await services.sessions.tick(LONDON, NIGHT)).feedback_asked == 1

    assert await services.sessions.rate(DAN, DAN, session.id, 4) is None  # did not come
    assert await services.sessions.rate(BOB, BOB, session.id, 9) is None
    assert await services.sessions.rate(BOB, BOB, session.id, 4) == 1  # one came
    early = await services.sessions.send_feedback(BOB, BOB + 10, "Too warm", rating=rating_words)
    assert early.outcome is FeedbackOutcome.CHOOSE_NAME
    chosen = await services.sessions.choose_name(BOB, named=False)
    assert chosen.outcome is FeedbackOutcome.ASK_MORE
    # Quoting with a name that does not go with it is not one of the choices.
    used = await services.sessions.choose_use(BOB, BOB + 10, 2, rating=rating_words)
    assert used.outcome is FeedbackOutcome.ASK_MORE
    too_long = await services.sessions.send_feedback(
        BOB, BOB + 10, "x" * 2001, rating=rating_words
    )
    assert too_long.outcome is FeedbackOutcome.TOO_LONG

    sent = await services.sessions.send_feedback(
        BOB, BOB + 10, "The room was <too> warm", rating=rating_words
    )

    assert sent.outcome is FeedbackOutcome.SENT and sent.reference and sent.alert_id is None
    sent_at = clock.now()
    clock.set(next_batch(sent_at, LONDON))  # held, sealed, until the daily batch
    assert await services.sharing.release_held() == 1
    async with storage.read() as tx:
        item = (await tx.conn.execute(select(schema.item))).one()
    assert (item.kind, item.session_id, item.person_id) == ("session", session.id, None)
    assert item.consent == "quote_anonymous"
    assert item.reference == sent.reference
    assert item.pseudonym == sealer.pseudonym(BOB)
    assert sealer.open(item.return_address, RETURN_ADDRESS_PURPOSE) == str(BOB + 10)
    # Kept as typed (not HTML-escaped): whoever shows it escapes it.
    assert sealer.open(item.body, "item.body") == "How it was: 4 of 5\nThe room was <too> warm"
    assert item.given_on.isoformat() == "2026-02-03"
    assert item.visible_at == next_batch(sent_at, LONDON) > sent_at
    again = await services.sessions.send_feedback(BOB, BOB + 10, rating=rating_words)
    assert again.outcome is FeedbackOutcome.NO_DRAFT


async def test_feedback_with_a_name_keeps_the_person(
    services: Services, world: World, storage: Storage, clock: FakeClock
) -> None:
    session = await _standard(services, world)
    clock.set(session.ends_at)
    await services.sessions.mark(ANN, session.id, world.ids[BOB], came=True)
    assert await services.sessions.rate(BOB, BOB, session.id, 5) == 1
    await services.sessions.choose_name(BOB, named=True)
    await services.sessions.choose_use(BOB, BOB + 10, 3, rating=rating_words)

    sent = await services.sessions.send_feedback(BOB, BOB + 10, rating=rating_words)

    assert sent.outcome is FeedbackOutcome.SENT
    async with storage.read() as tx:
        item = (await tx.conn.execute(select(schema.item))).one()
    assert (item.person_id, item.pseudonym, item.return_address) == (world.ids[BOB], None, None)
    assert item.consent == "quote_named"
    assert item.visible_at == clock.now()


async def test_feedback_kept_as_a_step_before_reads_as_a_draft(
    services: Services, world: World, storage: Storage, clock: FakeClock
) -> None:
    # A step written as {"session", "score", "named"} (as every version has kept it) is
    # still the member's draft: they can choose a name and send it.
    session = await _standard(services, world)
    clock.set(session.ends_at)
    await services.sessions.mark(ANN, session.id, world.ids[BOB], came=True)
    async with storage.transaction() as tx:
        kept = {"session": session.id, "score": 2, "named": None}
        await tx.steps.set(world.ids[BOB], FEEDBACK_STEP, kept, clock.now())

    assert await services.sessions.feedback_draft(BOB) == FeedbackDraft(session.id, 2, None)
    chosen = await services.sessions.choose_name(BOB, named=True)
    assert chosen.outcome is FeedbackOutcome.ASK_MORE
    assert await services.sessions.feedback_draft(BOB) == FeedbackDraft(session.id, 2, True)
    # Kept before the question of use was asked: it is asked now.
    early = await services.sessions.send_feedback(BOB, BOB + 10, rating=lambda n: f"{n}")
    assert early.outcome is FeedbackOutcome.CHOOSE_USE
    await services.sessions.choose_use(BOB, BOB + 10, 1, rating=lambda n: f"{n}")
    sent = await services.sessions.send_feedback(BOB, BOB + 10, rating=lambda n: f"{n}")

    assert sent.outcome is FeedbackOutcome.SENT
    assert await services.sessions.feedback_draft(BOB) is None
    async with storage.read() as tx:
        item = (await tx.conn.execute(select(schema.item))).one()
    assert (item.person_id, item.session_id) == (world.ids[BOB], session.id)


async def test_feedback_words_that_suggest_risk_raise_an_alert(
    services: Services, world: World, clock: FakeClock
) -> None:
    session = await _standard(services, world)
    clock.set(session.ends_at)
    await services.sessions.mark(ANN, session.id, world.ids[BOB], came=True)
    await services.sessions.rate(BOB, BOB, session.id, 1)
    await services.sessions.choose_name(BOB, named=False)
    await services.sessions.choose_use(BOB, BOB + 10, 1, rating=rating_words)

    sent = await services.sessions.send_feedback(
        BOB, BOB + 10, "I want to end my life", rating=rating_words
    )

    assert sent.outcome is FeedbackOutcome.SENT and sent.alert_id is not None


async def test_feedback_from_someone_who_left_the_group_is_not_sent(
    services: Services, world: World, storage: Storage, clock: FakeClock
) -> None:
    session = await _standard(services, world)
    clock.set(session.ends_at)
    await services.sessions.mark(ANN, session.id, world.ids[BOB], came=True)
    await services.sessions.rate(BOB, BOB, session.id, 3)
    await services.sessions.choose_name(BOB, named=False)
    await services.sessions.choose_use(BOB, BOB + 10, 1, rating=rating_words)
    async with storage.transaction() as tx:
        await tx.groups.remove_member(world.choir, world.ids[BOB])

    sent = await services.sessions.send_feedback(BOB, BOB + 10, "fine", rating=rating_words)

    assert sent.outcome is FeedbackOutcome.LEFT_GROUP
    async with storage.read() as tx:
        assert (await tx.conn.execute(select(schema.item))).first() is None


async def test_the_listing_shows_members_their_sessions_and_coordinators_theirs(
    services: Services, world: World
) -> None:
    session = await _standard(services, world)
    await services.sessions.answer(BOB, session.id, "m", LONDON)

    member = await services.sessions.listing(BOB)
    coordinator = await services.sessions.listing(ANN)
    other = await services.sessions.listing(CAT)
    admin = await services.sessions.listing(ADMIN_ID)

    assert [(v.session.id, v.answer) for v in member.mine] == [(session.id, Answer.MAYBE)]
    assert member.managed is None
    assert coordinator.mine == [] and coordinator.managed is not None
    assert [v.session.id for v in coordinator.managed] == [session.id]
    assert other.managed == []
    assert admin.managed is not None and [v.group_name for v in admin.managed] == ["Choir"]


async def test_more_places_move_people_up_from_the_waiting_list(
    services: Services, world: World, storage: Storage
) -> None:
    session = await _standard(services, world, capacity="1")
    await services.sessions.answer(BOB, session.id, "g", LONDON)
    await services.sessions.answer(DAN, session.id, "g", LONDON)
    await services.sessions.answer(EVE, session.id, "g", LONDON)
    await services.sessions.begin_edit(ANN, ANN, session.id, SessionQuestion.CAPACITY)
    await services.sessions.advance(ANN, ANN, "2", LONDON)

    result = await services.sessions.save(ANN, ANN, LONDON)

    assert result.outcome is SaveOutcome.CHANGED and result.told == 3
    promoted = await _outbox(storage, "session_place")
    assert [pid for pid, _, _ in promoted] == [world.ids[DAN]]
    overview = await services.sessions.overview(ANN, session.id)
    assert overview is not None
    assert overview.names(Answer.GOING) == [f"P{BOB}", f"P{DAN}"]
    assert overview.names(Answer.WAITING) == [f"P{EVE}"]


async def test_save_tapped_twice_at_once_makes_one_session_and_one_invitation_each(
    services: Services, world: World, storage: Storage
) -> None:
    draft = await services.sessions.begin_new(ANN, ANN, world.choir)
    assert draft is not None
    for text in ["Planning", "tomorrow 2pm", "2 hours", "Room 4", None, None, None, None]:
        await services.sessions.advance(ANN, ANN, text, LONDON)
    first, second = await asyncio.gather(
        services.sessions.save(ANN, ANN, LONDON), services.sessions.save(ANN, ANN, LONDON)
    )
    assert sorted(r.outcome.value for r in (first, second)) == sorted(
        [SaveOutcome.CREATED.value, SaveOutcome.NO_DRAFT.value]
    )
    async with storage.read() as tx:
        sessions = (await tx.conn.execute(select(schema.group_session.c.id))).all()
    assert len(sessions) == 1
    invited = [person for person, _, _ in await _outbox(storage, "session_invite")]
    assert len(invited) == len(set(invited)) == 3  # Bob, Dan, Eve (Fay has paused)


async def test_feedback_asks_how_it_may_be_used_and_keeps_words_typed_first(
    services: Services, world: World, storage: Storage, clock: FakeClock, sealer: Sealer
) -> None:
    session = await _standard(services, world)
    clock.set(session.ends_at)
    await services.sessions.mark(ANN, session.id, world.ids[BOB], came=True)
    assert await services.sessions.rate(BOB, BOB, session.id, 2) == 1
    assert (await services.sessions.choose_use(BOB, BOB + 10, 1, rating=rating_words)).outcome is (
        FeedbackOutcome.NO_DRAFT  # the name comes first
    )
    await services.sessions.choose_name(BOB, named=True)
    early = await services.sessions.send_feedback(
        BOB, BOB + 10, "Too few chairs", rating=rating_words
    )
    assert early.outcome is FeedbackOutcome.CHOOSE_USE
    assert (await services.sessions.choose_use(BOB, BOB + 10, 9, rating=rating_words)).outcome is (
        FeedbackOutcome.NO_DRAFT
    )
    # Choosing sends it, with the words kept; the most private use.
    sent = await services.sessions.choose_use(BOB, BOB + 10, 1, rating=rating_words)
    assert sent.outcome is FeedbackOutcome.SENT and sent.reference
    async with storage.read() as tx:
        item = (await tx.conn.execute(select(schema.item))).one()
    assert item.consent == "coordinators"
    assert sealer.open(item.body, "item.body") == "How it was: 2 of 5\nToo few chairs"
