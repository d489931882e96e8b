"""Group sessions (J2): making and changing them, answers and the waiting list, reminders,
attendance, involvement hours, and the short question afterwards.

Every message that is not the reply to a person's own tap (invitations, changes, places
freed, reminders, requests to mark attendance, the question afterwards) is an outbox row,
written in the transaction that caused it. Reminder times live in the database at the local
wall time they name, so they survive restarts and hold across clock changes.
"""

from __future__ import annotations

import csv
import enum
import io
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.calendar_file import session_ics
from bot.clock import Clock
from bot.presentation import outgoing, texts
from bot.presentation.callbacks import Action
from bot.presentation.outgoing import Button, Text, Value, join
from bot.presentation.texts import label
from bot.services.delivery_rules import quiet_until, quiet_window
from bot.services.roles import Role, may_manage, role_in
from bot.services.sharing import Kind, Sharing, SubmitOutcome
from bot.services.text_rules import clean_name, has_visible
from bot.services.when import (
    WhenError,
    describe,
    parse_duration,
    parse_end,
    parse_reminders,
    parse_when,
    wall_time_before,
)
from storage.database import Storage
from storage.groups import GroupRow
from storage.outbox import OutboxNew
from storage.rights import RightsRepo
from storage.sessions import ATTENDING, AnswerRow, Recipient, ReminderRow, SessionRow
from storage.tx import Tx

logger = logging.getLogger(__name__)

DRAFT_STEP = "session_draft"
HOURS_STEP = "session_hours"
FEEDBACK_STEP = "session_feedback"
TITLE_MAX = 120
PLACE_MAX = 300
NOTE_MAX = 600
CAPACITY_MAX = 1000
COMMENT_MAX = 2000
DEFAULT_REMINDERS = (1440, 120)
UPCOMING_LIMIT = 10
# An invitation sent this recently is still in view: /sessions does not show it again.
JUST_INVITED = timedelta(minutes=10)
MANAGED_LIMIT = 20
# Sessions a coordinator still sees after they end, to mark who came.
MANAGED_AFTER = timedelta(days=14)
# Reminders are looked at this long before they are due, so one that quiet hours would
# hold past the start can go before the quiet hours begin instead.
REMINDER_LOOKAHEAD = timedelta(hours=24)
# A reminder handled within this of its time counts as on time.
ON_TIME = timedelta(minutes=5)
FEEDBACK_AFTER = timedelta(hours=3)
# Nobody is asked about a session that ended longer ago than this (after a long outage).
FEEDBACK_WINDOW = timedelta(days=7)
ATTENDANCE_WINDOW = timedelta(days=7)
SCALE = (1, 2, 3, 4, 5)
# Fewer people than this came: "without your name" may not hide much, and they are told.
SMALL_SESSION = 5
# The hours export's line for the time given by people who asked to be forgotten: kept for
# the organisation's accounts, with nothing about who.
FORGOTTEN = "(people who asked to be forgotten)"

KIND_INVITE = "session_invite"
KIND_CHANGE = "session_change"
KIND_PLACE = "session_place"
KIND_REMINDER = "session_reminder"
KIND_ATTENDANCE = "session_attendance"
KIND_FEEDBACK = "session_feedback"
# The invitation a member answered from, changed once they move up from the waiting list.
KIND_INVITE_EDIT = "session_invite_edit"


class Answer(enum.StrEnum):
    """A member's answer to a session."""

    GOING = "going"
    MAYBE = "maybe"
    NO = "no"
    WAITING = "waiting"


# The codes answer buttons carry.
ANSWER_CODES = {"g": Answer.GOING, "m": Answer.MAYBE, "n": Answer.NO}


class Stage(enum.StrEnum):
    """The questions of /newsession, in order; editing asks one of them."""

    TITLE = "title"
    STARTS = "starts"
    ENDS = "ends"
    PLACE = "place"
    ACCESS = "access"
    CONTENT = "content"
    CAPACITY = "capacity"
    REMINDERS = "reminders"
    CONFIRM = "confirm"


STAGES = list(Stage)
SKIPPABLE = frozenset({Stage.PLACE, Stage.ACCESS, Stage.CONTENT, Stage.CAPACITY, Stage.REMINDERS})


class DraftProblem(enum.Enum):
    """Why a typed answer to a /newsession question could not be used."""

    NO_DRAFT = "no_draft"
    NOT_ALLOWED = "not_allowed"
    BAD_TEXT = "bad_text"
    UNREADABLE = "unreadable"
    BAD_NUMBER = "bad_number"
    BAD_REMINDERS = "bad_reminders"
    WHEN = "when"
    CANNOT_SKIP = "cannot_skip"
    # A start date typed without a year had gone this year: asked before it is used.
    CONFIRM_YEAR = "confirm_year"
    USE_BUTTONS = "use_buttons"  # words typed where Save or Discard is asked


_MOMENTS = ("starts_at", "ends_at", "pending_start")


@dataclass
class Draft:
    """A session being made or changed, kept in the person's pending step."""

    group_id: int
    group_name: str
    stage: Stage = Stage.TITLE
    edit: int | None = None
    title: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    place: str | None = None
    link: str | None = None
    access_notes: str | None = None
    content_note: str | None = None
    capacity: int | None = None
    reminders: list[int] = field(default_factory=lambda: list(DEFAULT_REMINDERS))
    # A start read as next year's, waiting for the coordinator to say it is what they meant.
    pending_start: datetime | None = None

    def to_data(self) -> dict[str, Any]:
        """As stored in the pending step (JSON)."""
        data = {k: v for k, v in self.__dict__.items() if k not in _MOMENTS}
        data["stage"] = self.stage.value
        for key in _MOMENTS:
            moment = getattr(self, key)
            data[key] = moment.isoformat() if moment else None
        return data

    def preview(self) -> SessionRow:
        """The session as it would be saved (for showing it back before saving)."""
        assert self.starts_at is not None and self.ends_at is not None
        return SessionRow(
            id=self.edit or 0,
            group_id=self.group_id,
            title=self.title,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            place=self.place,
            link=self.link,
            access_notes=self.access_notes,
            content_note=self.content_note,
            capacity=self.capacity,
            reminders=",".join(str(m) for m in self.reminders),
            hours_minutes=None,
            state="active",
            uid="",
            sequence=0,
            created_by=None,
            created_at=self.starts_at,
            attendance_asked_at=None,
        )

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Draft:
        """From the pending step."""
        values = dict(data)
        values["stage"] = Stage(values["stage"])
        for key in _MOMENTS:
            values[key] = datetime.fromisoformat(values[key]) if values.get(key) else None
        return cls(**values)


@dataclass(frozen=True)
class DraftReply:
    """The draft after a typed answer, or why the answer could not be used."""

    draft: Draft | None
    problem: DraftProblem | None = None
    when_error: WhenError | None = None


class SaveOutcome(enum.Enum):
    """What happened when a coordinator confirmed a new or changed session."""

    CREATED = "created"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    NOT_ALLOWED = "not_allowed"
    NO_DRAFT = "no_draft"
    GONE = "gone"


@dataclass(frozen=True)
class SaveResult:
    """The outcome, the session, and how many people were sent a message about it."""

    outcome: SaveOutcome
    session: SessionRow | None = None
    told: int = 0


class AnswerOutcome(enum.Enum):
    """What happened when a member answered."""

    SAVED = "saved"
    WAITING = "waiting"
    STARTED = "started"
    CANCELLED = "cancelled"
    NOT_MEMBER = "not_member"
    LEFT_GROUP = "left_group"
    GONE = "gone"


@dataclass(frozen=True)
class SessionView:
    """A session as one member sees it: with their answer and waiting-list place."""

    session: SessionRow
    group_name: str
    answer: Answer | None = None
    place: int | None = None


@dataclass(frozen=True)
class Listing:
    """What /sessions shows: a member's sessions, and (None for members) those they run."""

    mine: list[SessionView]
    managed: list[SessionView] | None
    # Sessions whose invitation reached the member a moment ago: not shown twice.
    just_invited: list[SessionView] = field(default_factory=list)


@dataclass(frozen=True)
class AnswerResult:
    """The outcome of an answer, and the session as the member now sees it."""

    outcome: AnswerOutcome
    view: SessionView | None = None


@dataclass(frozen=True)
class Overview:
    """A session as its coordinators see it: who answered what, and the reminders."""

    session: SessionRow
    group_name: str
    answers: list[AnswerRow]

    def names(self, answer: Answer) -> list[str | None]:
        """The chosen names (None for no name) of those with this answer, in order."""
        return [a.display_name for a in self.answers if a.answer == answer]


@dataclass(frozen=True)
class AttendanceLine:
    """One person on the attendance list: None until marked."""

    person_id: int
    name: str | None
    came: bool | None
    answer: str | None


@dataclass(frozen=True)
class AttendanceView:
    """The attendance list of a session."""

    session: SessionRow
    group_name: str
    lines: list[AttendanceLine]

    @property
    def minutes(self) -> int:
        """Involvement time recorded for everyone who came."""
        return self.session.minutes * sum(1 for line in self.lines if line.came)


class CancelOutcome(enum.Enum):
    """What happened when a coordinator cancelled a session."""

    CANCELLED = "cancelled"
    ALREADY = "already"
    NOT_ALLOWED = "not_allowed"


@dataclass(frozen=True)
class CancelResult:
    """The outcome of cancelling, and how many people were told."""

    outcome: CancelOutcome
    session: SessionRow | None = None
    told: int = 0


@dataclass(frozen=True)
class CalendarFile:
    """A session's .ics file."""

    filename: str
    content: bytes
    title: str


class Period(enum.StrEnum):
    """Periods for an hours export."""

    THIS_MONTH = "tm"
    LAST_MONTH = "lm"
    THIS_YEAR = "ty"
    LAST_YEAR = "ly"


@dataclass(frozen=True)
class HoursExport:
    """An hours export: a CSV file and its totals."""

    group_name: str
    filename: str
    content: bytes
    people: int
    minutes: int
    start: date
    end: date


@dataclass(frozen=True)
class TickReport:
    """What one pass over the time-based work did."""

    reminders_sent: int = 0
    reminders_missed: int = 0
    attendance_asked: int = 0
    feedback_asked: int = 0


class FeedbackOutcome(enum.Enum):
    """What happened to a member's answer to the question after a session."""

    ASK_MORE = "ask_more"
    CHOOSE_NAME = "choose_name"
    SENT = "sent"
    NO_DRAFT = "no_draft"
    TOO_LONG = "too_long"
    LEFT_GROUP = "left_group"


@dataclass(frozen=True)
class FeedbackResult:
    """The outcome; when sent, the item's private reference, and the id of the alert raised
    if the words suggested risk."""

    outcome: FeedbackOutcome
    reference: str | None = None
    alert_id: str | None = None


_SUBMIT_OUTCOMES = {
    SubmitOutcome.NOT_MEMBER: FeedbackOutcome.LEFT_GROUP,
    SubmitOutcome.TOO_LONG: FeedbackOutcome.TOO_LONG,
}


# --- What members read ---------------------------------------------------------------------


def when_words(session: SessionRow, zone: ZoneInfo, now: datetime, relative: bool = True) -> Text:
    """In words: "tomorrow at 2pm to 4pm", or (not `relative`) "Tuesday 3 March at 2pm to
    4pm"."""
    end = session.ends_at.astimezone(zone)
    ends = describe(end, zone, session.starts_at, relative=relative)
    if end.date() == session.starts_at.astimezone(zone).date():
        ends = ends.split(" at ", 1)[-1]
    start = describe(session.starts_at, zone, now, relative=relative)
    return outgoing.text(texts.SESSION_WHEN_RANGE, start=start, end=ends)


def session_said(
    view: SessionView,
    zone: ZoneInfo,
    now: datetime | None,
    header: str = texts.SESSION_INVITE,
) -> Value:
    """What a session's details say to members, with their current answer.

    `now` None names the day outright ("Tuesday 3 March"): for queued messages, which may
    be read on another day than they were written.
    """
    s = view.session
    lines: list[Value] = [outgoing.text(header, title=s.title, group=view.group_name)]
    when = when_words(s, zone, now or s.starts_at, relative=now is not None)
    lines.append(outgoing.text(texts.SESSION_LINE_WHEN, when=when))
    if s.place:
        lines.append(outgoing.text(texts.SESSION_LINE_PLACE, place=s.place))
    if s.link:
        lines.append(outgoing.text(texts.SESSION_LINE_LINK, link=s.link))
    if s.access_notes:
        lines.append(outgoing.text(texts.SESSION_LINE_ACCESS, notes=s.access_notes))
    if s.content_note:
        lines.append(outgoing.text(texts.SESSION_LINE_CONTENT, note=s.content_note))
    if s.state == "cancelled":
        lines.append(outgoing.text(texts.SESSION_LINE_CANCELLED))
    elif view.answer is Answer.WAITING:
        lines.append(outgoing.text(texts.SESSION_LINE_WAITING, place=view.place or 1))
    elif view.answer is not None:
        answer = outgoing.text(_ANSWER_WORDS[view.answer])
        lines.append(outgoing.text(texts.SESSION_LINE_ANSWER, answer=answer))
    else:
        lines.append(outgoing.text(texts.SESSION_ASK))
    return join("\n", lines)


_ANSWER_WORDS = {
    Answer.GOING: texts.ANSWER_GOING,
    Answer.MAYBE: texts.ANSWER_MAYBE,
    Answer.NO: texts.ANSWER_NO,
    Answer.WAITING: texts.ANSWER_WAITING,
}


def answer_buttons(session: SessionRow, answer: Answer | None) -> list[list[Button]]:
    """Going / Maybe / Can't go (the current answer ticked) and the calendar file."""
    if session.state == "cancelled":
        return []
    # On the waiting list, the first button says so (tapping it keeps the place in line).
    going = texts.BUTTON_WAITING if answer is Answer.WAITING else texts.BUTTON_GOING
    row = []
    for code, value, text in (
        ("g", Answer.GOING, going),
        ("m", Answer.MAYBE, texts.BUTTON_MAYBE),
        ("n", Answer.NO, texts.BUTTON_CANT_GO),
    ):
        shown: Value
        if value is Answer.GOING and answer is Answer.WAITING:
            # Its words say already that it is their answer.
            shown = join("", ["✓ ", outgoing.words(text)])
        elif value is answer:
            shown = outgoing.words(texts.BUTTON_ANSWER_CHOSEN, answer=outgoing.words(text))
        else:
            shown = outgoing.words(text)
        row.append(Button(shown, Action.SESSION_ANSWER, (session.id, code)))
    calendar = outgoing.button(texts.BUTTON_CALENDAR, Action.SESSION_CALENDAR, session.id)
    return [row, [calendar]]


def hours_words(minutes: int) -> str:
    """Minutes as hours: "2", "2.5", "1.25"."""
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


def reminder_send_at(
    due: datetime,
    starts: datetime,
    now: datetime,
    zone: ZoneInfo,
    setting: str | None,
    default: str,
) -> datetime | None:
    """When a reminder due at `due` should go to someone with these quiet hours, so it
    never arrives after the session starts; None if it cannot (quiet all the while).

    In quiet hours it waits for them to end if that is still before the start; otherwise it
    goes just before they begin.
    """
    at = due
    until = quiet_until(at, zone, setting, default)
    if until is not None:
        at = until if until < starts else _quiet_began(at, zone, setting, default) - ON_TIME
    at = max(at, now)
    until = quiet_until(at, zone, setting, default)
    if until is not None:
        at = until
    return at if at < starts else None


def _quiet_began(moment: datetime, zone: ZoneInfo, setting: str | None, default: str) -> datetime:
    """When the quiet hours that `moment` falls in began (UTC)."""
    window = quiet_window(setting, default)
    assert window is not None
    start, end = window
    local = moment.astimezone(zone)
    day = local.date()
    if start > end and local.time().replace(tzinfo=None) < end:
        day -= timedelta(days=1)
    return datetime.combine(day, start).replace(tzinfo=zone, fold=0).astimezone(UTC)


def _split_place(text: str) -> tuple[str | None, str | None]:
    """A place and an online link from one typed answer ("Room 4 https://meet.example/x")."""
    words = text.split()
    links = [w for w in words if w.lower().startswith(("https://", "http://"))]
    rest = " ".join(w for w in words if w not in links)
    return (rest or None), (links[0] if links else None)


def _clean_note(text: str, limit: int) -> str | None:
    """Typed text kept as written, with invisible characters removed; None if unusable."""
    lines = [clean_name(line, limit) or "" for line in text.strip().splitlines()]
    kept = "\n".join(lines).strip()
    return kept if kept and len(kept) <= limit else None


class Sessions:
    """Group sessions for coordinators and members, and their time-based work."""

    def __init__(
        self, storage: Storage, clock: Clock, admin_ids: frozenset[int], sharing: Sharing
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._admins = admin_ids
        self._sharing = sharing

    # --- Making and changing sessions ----------------------------------------------------

    async def begin_new(self, telegram_id: int, chat_id: int, group_id: int) -> Draft | None:
        """Start a new session for the group; None if this person may not."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            group = await tx.groups.get(group_id)
            if group is None or not await may_manage(tx, telegram_id, group_id, self._admins):
                return None
            draft = Draft(group_id=group.id, group_name=group.name)
            await self._save_draft(tx, telegram_id, chat_id, draft, now)
        return draft

    async def begin_edit(
        self, telegram_id: int, chat_id: int, session_id: int, stage: Stage
    ) -> Draft | None:
        """Ask again one question of an existing session; None if not allowed or over."""
        now = self._clock.now()
        if stage is Stage.CONFIRM:
            return None
        async with self._storage.transaction() as tx:
            found = await self._managed(tx, telegram_id, session_id)
            if found is None or found[0].state != "active" or found[0].ends_at <= now:
                return None
            session, group_name = found
            draft = Draft(
                group_id=session.group_id,
                group_name=group_name,
                stage=stage,
                edit=session.id,
                title=session.title,
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                place=session.place,
                link=session.link,
                access_notes=session.access_notes,
                content_note=session.content_note,
                capacity=session.capacity,
                reminders=session.reminder_minutes,
            )
            await self._save_draft(tx, telegram_id, chat_id, draft, now)
        return draft

    async def draft(self, telegram_id: int) -> Draft | None:
        """The session this person is making or changing, if any."""
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            step = None if person is None else await tx.steps.get(person.id)
        if step is None or step.step != DRAFT_STEP:
            return None
        return Draft.from_data(step.data)

    async def advance(
        self, telegram_id: int, chat_id: int, text: str | None, zone: ZoneInfo
    ) -> DraftReply:
        """Take the answer to the current question (None: skip it) and go on."""
        draft = await self.draft(telegram_id)
        if draft is None:
            return DraftReply(draft, DraftProblem.NO_DRAFT)
        if draft.stage is Stage.CONFIRM:
            # All asked: show it again to save or cancel, with a word about the buttons.
            return DraftReply(draft, None if text is None else DraftProblem.USE_BUTTONS)
        if text is None and draft.stage not in SKIPPABLE:
            return DraftReply(draft, DraftProblem.CANNOT_SKIP)
        problem = self._take(draft, text, zone)
        if problem is not None:
            if problem.problem is DraftProblem.CONFIRM_YEAR:
                return await self._keep(telegram_id, chat_id, draft, problem)
            return problem
        return await self._next(telegram_id, chat_id, draft)

    async def confirm_year(self, telegram_id: int, chat_id: int, meant: bool) -> DraftReply:
        """The coordinator says whether a start read as next year's is what they meant:
        if so it is used and the next question asked; if not, the start is asked again."""
        draft = await self.draft(telegram_id)
        if draft is None or draft.stage is not Stage.STARTS or draft.pending_start is None:
            return DraftReply(draft, DraftProblem.NO_DRAFT)
        start, draft.pending_start = draft.pending_start, None
        if not meant:
            return await self._keep(telegram_id, chat_id, draft, DraftReply(draft))
        self._set_start(draft, start)
        return await self._next(telegram_id, chat_id, draft)

    async def _next(self, telegram_id: int, chat_id: int, draft: Draft) -> DraftReply:
        """Go on to the next question (or, when changing one detail, to confirming)."""
        if draft.edit is not None:
            draft.stage = Stage.CONFIRM
        else:
            draft.stage = STAGES[STAGES.index(draft.stage) + 1]
        return await self._keep(telegram_id, chat_id, draft, DraftReply(draft))

    async def _keep(
        self, telegram_id: int, chat_id: int, draft: Draft, reply: DraftReply
    ) -> DraftReply:
        """Save the draft as it is now, and give `reply`."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            if not await may_manage(tx, telegram_id, draft.group_id, self._admins):
                return DraftReply(None, DraftProblem.NOT_ALLOWED)
            await self._save_draft(tx, telegram_id, chat_id, draft, now)
        return reply

    @staticmethod
    def _set_start(draft: Draft, start: datetime) -> None:
        length = (draft.ends_at - draft.starts_at) if draft.ends_at and draft.starts_at else None
        draft.starts_at = start
        # A moved session keeps its length.
        draft.ends_at = start + length if length else None

    def _take(self, draft: Draft, text: str | None, zone: ZoneInfo) -> DraftReply | None:
        """Put the typed answer into the draft; a reply saying why not, if it cannot be."""
        stage = draft.stage
        if stage is Stage.TITLE:
            title = clean_name(text or "", TITLE_MAX)
            if title is None:
                return DraftReply(draft, DraftProblem.BAD_TEXT)
            draft.title = title
        elif stage is Stage.STARTS:
            when = parse_when(text or "", self._clock.now(), zone)
            if isinstance(when, WhenError):
                return DraftReply(draft, DraftProblem.WHEN, when)
            if when.next_year:
                # "1 Dec" typed on 4 December: asked about before it is used.
                draft.pending_start = when.at
                return DraftReply(draft, DraftProblem.CONFIRM_YEAR)
            self._set_start(draft, when.at)
        elif stage is Stage.ENDS:
            assert draft.starts_at is not None
            end = parse_end(text or "", draft.starts_at, zone, self._clock.now())
            if isinstance(end, WhenError):
                return DraftReply(draft, DraftProblem.WHEN, end)
            draft.ends_at = end.at
        elif stage is Stage.PLACE:
            place, link = _split_place(text or "")
            if len(place or "") > PLACE_MAX or len(link or "") > PLACE_MAX:
                return DraftReply(draft, DraftProblem.BAD_TEXT)
            cleaned = _clean_note(place, PLACE_MAX) if place else None
            if text is not None and cleaned is None and link is None:
                return DraftReply(draft, DraftProblem.UNREADABLE)
            draft.place, draft.link = cleaned, link
        elif stage in (Stage.ACCESS, Stage.CONTENT):
            note = None if text is None else _clean_note(text, NOTE_MAX)
            if text is not None and note is None:
                too_long = len(text.strip()) > NOTE_MAX
                return DraftReply(
                    draft, DraftProblem.BAD_TEXT if too_long else DraftProblem.UNREADABLE
                )
            if stage is Stage.ACCESS:
                draft.access_notes = note
            else:
                draft.content_note = note
        elif stage is Stage.CAPACITY:
            if text is None:
                draft.capacity = None
            elif text.strip().isascii() and text.strip().isdigit():
                number = int(text.strip())
                if not 1 <= number <= CAPACITY_MAX:
                    return DraftReply(draft, DraftProblem.BAD_NUMBER)
                draft.capacity = number
            else:
                return DraftReply(draft, DraftProblem.BAD_NUMBER)
        elif stage is Stage.REMINDERS:
            minutes = list(DEFAULT_REMINDERS) if text is None else parse_reminders(text)
            if minutes is None:
                return DraftReply(draft, DraftProblem.BAD_REMINDERS)
            draft.reminders = minutes
        return None

    async def _save_draft(
        self, tx: Tx, telegram_id: int, chat_id: int, draft: Draft, now: datetime
    ) -> None:
        person = await tx.people.ensure(telegram_id, chat_id, None, now)
        await tx.steps.set(person.id, DRAFT_STEP, draft.to_data(), now)

    async def save(self, telegram_id: int, chat_id: int, zone: ZoneInfo) -> SaveResult:
        """Make the drafted session and invite the group, or apply the change and tell
        everyone who answered."""
        draft = await self.draft(telegram_id)
        if draft is None or draft.stage is not Stage.CONFIRM:
            return SaveResult(SaveOutcome.NO_DRAFT)
        assert draft.starts_at is not None and draft.ends_at is not None
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            if not await may_manage(tx, telegram_id, draft.group_id, self._admins):
                return SaveResult(SaveOutcome.NOT_ALLOWED)
            person = await tx.people.ensure(telegram_id, chat_id, None, now)
            # The draft is taken by its DELETE, in this transaction: of two taps on Save at
            # once (on two replicas), only one finds it and invites anyone.
            if not await tx.steps.clear(person.id):
                return SaveResult(SaveOutcome.NO_DRAFT)
            if draft.edit is None:
                return await self._create(tx, draft, person.id, zone, now)
            return await self._change(tx, draft, zone, now)

    async def _create(
        self, tx: Tx, draft: Draft, person_id: int, zone: ZoneInfo, now: datetime
    ) -> SaveResult:
        assert draft.starts_at is not None and draft.ends_at is not None
        if draft.starts_at <= now:
            return SaveResult(SaveOutcome.GONE)
        session = await tx.sessions.create(
            group_id=draft.group_id,
            title=draft.title,
            starts_at=draft.starts_at,
            ends_at=draft.ends_at,
            place=draft.place,
            link=draft.link,
            access_notes=draft.access_notes,
            content_note=draft.content_note,
            capacity=draft.capacity,
            reminders=",".join(str(m) for m in draft.reminders),
            uid=f"{secrets.token_hex(16)}@chorus",
            created_by=person_id,
            created_at=now,
        )
        await self._plan_reminders(tx, session, zone, now)
        people = await tx.broadcasts.recipients([session.group_id])
        view = SessionView(session, draft.group_name)
        payload = outgoing.message(
            session_said(view, zone, None), answer_buttons(session, None)
        ).dumps()
        invited = [p for p in people if not p.paused and not p.unreachable]
        await tx.outbox.enqueue(
            [
                OutboxNew(f"si{session.id}:{p.person_id}", KIND_INVITE, p.person_id, payload, now)
                for p in invited
            ],
            now,
        )
        return SaveResult(SaveOutcome.CREATED, session, len(invited))

    async def invite_newcomer(
        self, tx: Tx, group: GroupRow, person_id: int, zone: ZoneInfo, now: datetime
    ) -> int:
        """Queue, in `tx`, an invitation to each of the group's sessions still to come for
        someone who has just joined it (as its members were invited); how many."""
        coming = await tx.sessions.of_groups([group.id], now, UPCOMING_LIMIT)
        rows = [
            OutboxNew(
                f"si{session.id}:{person_id}",
                KIND_INVITE,
                person_id,
                outgoing.message(
                    session_said(SessionView(session, group.name), zone, None),
                    answer_buttons(session, None),
                ).dumps(),
                now,
            )
            for session in coming
            if session.starts_at > now
        ]
        # Someone who left and came back was invited before: the same key is not queued twice.
        await tx.outbox.enqueue(rows, now)
        return len(rows)

    async def _change(self, tx: Tx, draft: Draft, zone: ZoneInfo, now: datetime) -> SaveResult:
        assert draft.edit is not None and draft.starts_at is not None
        old = await tx.sessions.get(draft.edit, lock=True)
        if old is None or old.state != "active" or old.ends_at <= now:
            return SaveResult(SaveOutcome.GONE)
        values = {
            "title": draft.title,
            "starts_at": draft.starts_at,
            "ends_at": draft.ends_at,
            "place": draft.place,
            "link": draft.link,
            "access_notes": draft.access_notes,
            "content_note": draft.content_note,
            "capacity": draft.capacity,
            "reminders": ",".join(str(m) for m in draft.reminders),
        }
        changed = {k: v for k, v in values.items() if getattr(old, k) != v}
        if not changed:
            return SaveResult(SaveOutcome.UNCHANGED, old)
        await tx.sessions.update(old.id, sequence=old.sequence + 1, **changed)
        session = await tx.sessions.get(old.id)
        assert session is not None
        if {"starts_at", "reminders"} & changed.keys():
            await self._plan_reminders(tx, session, zone, now)
        await self._fill_places(tx, session, draft.group_name, zone, now)
        told = 0
        if changed.keys() - {"reminders"}:
            told = await self._tell_answered(
                tx, session, draft.group_name, zone, now, _change_lines(old, session, zone, now)
            )
        return SaveResult(SaveOutcome.CHANGED, session, told)

    async def _plan_reminders(
        self, tx: Tx, session: SessionRow, zone: ZoneInfo, now: datetime
    ) -> None:
        """Plan the session's reminders; one whose time has already gone when the session
        is made or moved is not planned (the invitation or change says it all)."""
        planned = [
            (m, wall_time_before(session.starts_at, m, zone)) for m in session.reminder_minutes
        ]
        await tx.sessions.replace_reminders(
            session.id, [(m, due) for m, due in planned if due > now]
        )

    async def _tell_answered(
        self,
        tx: Tx,
        session: SessionRow,
        group_name: str,
        zone: ZoneInfo,
        now: datetime,
        changes: Value,
    ) -> int:
        """Queue a message about a change or cancellation to everyone who was invited:
        those who answered, and the group's members who have not answered yet (except
        those who paused messages, who were not sent the invitation either); how many."""
        people = await tx.sessions.recipients(session.id, list(Answer))
        unanswered = [p for p in await tx.sessions.unanswered(session.id) if not p.paused]
        reachable = [p for p in people + unanswered if not p.unreachable]
        # Those who may have it in their calendar get the file again, so their calendar
        # updates (or drops the session) by itself.
        ics = calendar_file(session, group_name, zone, now)
        document = (ics.filename, ics.content.decode())
        rows = []
        for p in reachable:
            view = SessionView(
                session,
                group_name,
                Answer(p.answer) if p.answer else None,
                await self._place(tx, session, p),
            )
            header = (
                texts.SESSION_CANCELLED_HEADER
                if session.state == "cancelled"
                else texts.SESSION_CHANGED_HEADER
            )
            said = join("", [session_said(view, zone, None, header), changes])
            in_calendar = p.answer not in ("", Answer.NO)
            buttons = answer_buttons(session, view.answer)
            if session.state == "cancelled":
                remove = texts.BUTTON_CALENDAR_REMOVE
                buttons = [[outgoing.button(remove, Action.SESSION_CALENDAR, session.id)]]
            rows.append(
                OutboxNew(
                    f"sc{session.id}.{session.sequence}:{p.person_id}",
                    KIND_CHANGE,
                    p.person_id,
                    outgoing.message(said, buttons, document if in_calendar else None).dumps(),
                    now,
                )
            )
        await tx.outbox.enqueue(rows, now)
        return len(rows)

    async def _place(self, tx: Tx, session: SessionRow, person: Recipient) -> int | None:
        if person.answer != Answer.WAITING:
            return None
        return (await tx.sessions.waiting(session.id)).index(person.person_id) + 1

    # --- Cancelling ------------------------------------------------------------------------

    async def cancel(self, telegram_id: int, session_id: int, zone: ZoneInfo) -> CancelResult:
        """Cancel a session and tell everyone who answered; coordinators only."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            found = await self._managed(tx, telegram_id, session_id, lock=True)
            if found is None:
                return CancelResult(CancelOutcome.NOT_ALLOWED)
            session, group_name = found
            if session.state == "cancelled" or session.starts_at <= now:
                return CancelResult(CancelOutcome.ALREADY, session)
            await tx.sessions.update(session.id, state="cancelled", sequence=session.sequence + 1)
            await tx.sessions.cancel_reminders(session.id, now)
            session = replace(session, state="cancelled", sequence=session.sequence + 1)
            told = await self._tell_answered(tx, session, group_name, zone, now, "")
        return CancelResult(CancelOutcome.CANCELLED, session, told)

    # --- Members' answers --------------------------------------------------------------------

    async def upcoming(self, telegram_id: int) -> list[SessionView]:
        """The member's coming sessions with their answers, soonest first."""
        now = self._clock.now()
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return []
            sessions = await tx.sessions.upcoming_for(person.id, now, UPCOMING_LIMIT)
            answers = await tx.sessions.answers_of(person.id, [s.id for s in sessions])
            views = []
            for session in sessions:
                views.append(await self._view(tx, session, person.id, answers.get(session.id)))
        return views

    async def _view(
        self, tx: Tx, session: SessionRow, person_id: int, answer: str | None
    ) -> SessionView:
        group = await tx.groups.get(session.group_id)
        place = None
        if answer == Answer.WAITING:
            place = (await tx.sessions.waiting(session.id)).index(person_id) + 1
        return SessionView(
            session, group.name if group else "", Answer(answer) if answer else None, place
        )

    async def answer(
        self,
        telegram_id: int,
        session_id: int,
        code: str,
        zone: ZoneInfo,
        message_id: int | None = None,
    ) -> AnswerResult:
        """Record a member's answer; Going on a full session joins the waiting list.

        `message_id` is the message they answered from (their invitation), remembered so
        it can be changed when they move up from the waiting list.
        """
        wanted = ANSWER_CODES.get(code)
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            session = await tx.sessions.get(session_id, lock=True)
            person = await tx.people.by_telegram_id(telegram_id)
            if session is None or wanted is None:
                return AnswerResult(AnswerOutcome.GONE)
            if person is None or not await tx.groups.is_member(session.group_id, person.id):
                if person is not None and await tx.sessions.was_invited(session.id, person.id):
                    # Invited while in the group, and has left it since.
                    group = await tx.groups.get(session.group_id)
                    view = SessionView(session, group.name if group else "")
                    return AnswerResult(AnswerOutcome.LEFT_GROUP, view)
                return AnswerResult(AnswerOutcome.NOT_MEMBER)
            previous = await tx.sessions.answer_of(session.id, person.id)
            if session.state == "cancelled":
                view = await self._view(tx, session, person.id, previous)
                return AnswerResult(AnswerOutcome.CANCELLED, view)
            if session.starts_at <= now:
                view = await self._view(tx, session, person.id, previous)
                return AnswerResult(AnswerOutcome.STARTED, view)
            outcome = AnswerOutcome.SAVED
            if wanted is Answer.GOING and previous in (Answer.GOING, Answer.WAITING):
                outcome = AnswerOutcome.WAITING if previous == Answer.WAITING else outcome
            elif wanted is Answer.GOING and await self._full(tx, session):
                await tx.sessions.set_answer(
                    session.id, person.id, Answer.WAITING, now, now, message_id
                )
                outcome = AnswerOutcome.WAITING
            else:
                await tx.sessions.set_answer(session.id, person.id, wanted, now, None, message_id)
            if previous == Answer.GOING and wanted is not Answer.GOING:
                group = await tx.groups.get(session.group_id)
                await self._fill_places(tx, session, group.name if group else "", zone, now)
            answer = await tx.sessions.answer_of(session.id, person.id)
            return AnswerResult(outcome, await self._view(tx, session, person.id, answer))

    async def _full(self, tx: Tx, session: SessionRow) -> bool:
        if session.capacity is None:
            return False
        return await tx.sessions.count(session.id, Answer.GOING) >= session.capacity

    async def _fill_places(
        self, tx: Tx, session: SessionRow, group_name: str, zone: ZoneInfo, now: datetime
    ) -> None:
        """Move people up from the waiting list while there are places, and tell them."""
        waiting = await tx.sessions.waiting(session.id)
        rows = []
        stamp = int(now.timestamp() * 1000)
        for person_id in waiting:
            if await self._full(tx, session):
                break
            await tx.sessions.set_answer(session.id, person_id, Answer.GOING, now)
            view = SessionView(session, group_name, Answer.GOING)
            buttons = answer_buttons(session, Answer.GOING)
            said = session_said(view, zone, None, texts.SESSION_PLACE_FREED)
            rows.append(
                OutboxNew(
                    f"sp{session.id}:{person_id}:{stamp}",
                    KIND_PLACE,
                    person_id,
                    outgoing.message(said, buttons).dumps(),
                    now,
                )
            )
            # The invitation they answered from no longer says they are waiting.
            message_id = await tx.sessions.message_of(session.id, person_id)
            if message_id is not None:
                shown = session_said(view, zone, None)
                rows.append(
                    OutboxNew(
                        f"se{session.id}:{person_id}:{stamp}",
                        KIND_INVITE_EDIT,
                        person_id,
                        outgoing.message(shown, buttons, edit=message_id).dumps(),
                        now,
                    )
                )
        await tx.outbox.enqueue(rows, now)

    async def calendar(
        self, telegram_id: int, session_id: int, zone: ZoneInfo
    ) -> CalendarFile | None:
        """The session's calendar file, for its group's members and coordinators."""
        async with self._storage.read() as tx:
            session = await tx.sessions.get(session_id)
            person = await tx.people.by_telegram_id(telegram_id)
            if session is None:
                return None
            allowed = await may_manage(tx, telegram_id, session.group_id, self._admins) or (
                person is not None and await tx.groups.is_member(session.group_id, person.id)
            )
            group = await tx.groups.get(session.group_id)
        if not allowed or group is None:
            return None
        return calendar_file(session, group.name, zone, self._clock.now())

    # --- Coordinators' views -------------------------------------------------------------------

    async def listing(self, telegram_id: int) -> Listing:
        """What /sessions shows: the member's coming sessions with their answers, and for
        coordinators and admins the sessions of the groups they manage.

        One card per session for someone who has just joined: an invitation still waiting to
        go is not sent after the list (the list shows it), and one not yet answered that was
        sent a moment ago (or is being sent) is not shown again (`just_invited` names it)."""
        views = await self.upcoming(telegram_id)
        now = self._clock.now()
        just: list[SessionView] = []
        if views:
            async with self._storage.transaction() as tx:
                person = await tx.people.by_telegram_id(telegram_id)
                if person is not None:
                    keys = {f"si{v.session.id}:{person.id}": v for v in views}
                    unanswered = [k for k, v in keys.items() if v.answer is None]
                    sent = await tx.outbox.sent_since(unanswered, now - JUST_INVITED)
                    await tx.outbox.shown_otherwise([k for k in keys if k not in sent], now)
                    just = [view for key, view in keys.items() if key in sent]
            shown_before = {view.session.id for view in just}
            views = [view for view in views if view.session.id not in shown_before]
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            role = role_in(person, telegram_id, self._admins)
            if role is Role.ADMIN:
                groups = await tx.groups.all()
            elif role is Role.COORDINATOR and person is not None:
                groups = await tx.groups.coordinated_by(person.id)
            else:
                return Listing(views, None, just)
            names = {g.id: g.name for g in groups}
            sessions = await tx.sessions.of_groups(list(names), now - MANAGED_AFTER, MANAGED_LIMIT)
        return Listing(views, [SessionView(s, names[s.group_id]) for s in sessions], just)

    async def overview(self, telegram_id: int, session_id: int) -> Overview | None:
        """Counts and names of a session's answers; coordinators of its group only."""
        async with self._storage.read() as tx:
            found = await self._managed(tx, telegram_id, session_id)
            if found is None:
                return None
            session, group_name = found
            return Overview(session, group_name, await tx.sessions.answers(session.id))

    async def _managed(
        self, tx: Tx, telegram_id: int, session_id: int, lock: bool = False
    ) -> tuple[SessionRow, str] | None:
        """The session and its group's name, if this person may manage it."""
        session = await tx.sessions.get(session_id, lock=lock)
        if session is None or not await may_manage(
            tx, telegram_id, session.group_id, self._admins
        ):
            return None
        group = await tx.groups.get(session.group_id)
        return (session, group.name) if group else None

    # --- Attendance and hours ------------------------------------------------------------------

    async def attendance(self, telegram_id: int, session_id: int) -> AttendanceView | None:
        """Who said going or maybe, and anyone marked, with their marks; coordinators only,
        once the session has started."""
        now = self._clock.now()
        async with self._storage.read() as tx:
            found = await self._managed(tx, telegram_id, session_id)
            if found is None or found[0].starts_at > now:
                return None
            return await self._attendance(tx, *found)

    async def _attendance(self, tx: Tx, session: SessionRow, group_name: str) -> AttendanceView:
        answers = {
            a.person_id: a for a in await tx.sessions.answers(session.id) if a.answer in ATTENDING
        }
        marks = {m.person_id: m for m in await tx.sessions.attendance(session.id)}
        lines = [
            AttendanceLine(
                pid,
                (answers[pid].display_name if pid in answers else marks[pid].display_name),
                marks[pid].came if pid in marks else None,
                answers[pid].answer if pid in answers else None,
            )
            for pid in sorted(answers.keys() | marks.keys())
        ]
        return AttendanceView(session, group_name, lines)

    async def mark(
        self, telegram_id: int, session_id: int, person_id: int, came: bool | None = None
    ) -> AttendanceView | None:
        """Mark someone as came / did not come (None: switch their mark); coordinators only.

        Anyone in the group may be marked, so someone who came unannounced can be added.
        """
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            found = await self._managed(tx, telegram_id, session_id)
            if found is None or found[0].starts_at > now or found[0].state != "active":
                return None
            session, group_name = found
            if not await tx.groups.is_member(session.group_id, person_id):
                answered = await tx.sessions.answer_of(session.id, person_id)
                if answered is None:
                    return None
            marks = {m.person_id: m.came for m in await tx.sessions.attendance(session.id)}
            if came is None:
                came = not marks.get(person_id, False)
            minutes = session.minutes if came else 0
            await tx.sessions.mark(session.id, person_id, came, minutes, now)
            return await self._attendance(tx, session, group_name)

    async def addable(self, telegram_id: int, session_id: int) -> list[tuple[int, str | None]]:
        """Group members not yet on the attendance list (to add someone who came)."""
        async with self._storage.read() as tx:
            found = await self._managed(tx, telegram_id, session_id)
            if found is None:
                return []
            view = await self._attendance(tx, *found)
            listed = {line.person_id for line in view.lines}
            members = await tx.groups.members(found[0].group_id)
        return [(m.person_id, m.display_name) for m in members if m.person_id not in listed]

    async def set_hours(self, telegram_id: int, text: str) -> AttendanceView | None:
        """Change the time each attendance of the session the coordinator is working on
        counts ("2.5", "2 hours", "90 min"); None if not understood or not allowed."""
        typed = text.strip().replace(",", ".")
        try:
            length = timedelta(hours=float(typed)) if typed.replace(".", "", 1).isdigit() else None
        except ValueError:
            length = None
        length = length or parse_duration(text)
        if length is None or not timedelta(minutes=1) <= length <= timedelta(hours=24):
            return None
        minutes = round(length.total_seconds() / 60)
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            step = None if person is None else await tx.steps.get(person.id)
            if person is None or step is None or step.step != HOURS_STEP:
                return None
            session_id = int(step.data["session"])
            found = await self._managed(tx, telegram_id, session_id)
            if found is None:
                return None
            await tx.sessions.update(session_id, hours_minutes=minutes)
            await tx.sessions.set_minutes(session_id, minutes)
            session = await tx.sessions.get(session_id)
            assert session is not None
            await tx.steps.clear(person.id)
            return await self._attendance(tx, session, found[1])

    async def begin_hours(self, telegram_id: int, chat_id: int, session_id: int) -> bool:
        """Wait for the coordinator to type the hours each attendance counts."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            if await self._managed(tx, telegram_id, session_id) is None:
                return False
            person = await tx.people.ensure(telegram_id, chat_id, None, now)
            await tx.steps.set(person.id, HOURS_STEP, {"session": session_id}, now)
        return True

    async def total_minutes(self, telegram_id: int) -> int:
        """All the involvement time this person has given, in minutes."""
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            return 0 if person is None else await tx.sessions.total_minutes(person.id)

    async def export_hours(
        self, telegram_id: int, group_id: int, period: Period, zone: ZoneInfo
    ) -> HoursExport | None:
        """Involvement hours per member of the group over the period, as CSV."""
        start, end = period_dates(period, self._clock.now().astimezone(zone).date())
        async with self._storage.read() as tx:
            group = await tx.groups.get(group_id)
            if group is None or not await may_manage(tx, telegram_id, group_id, self._admins):
                return None
            rows = await tx.sessions.hours(
                group_id, _local_midnight(start, zone), _local_midnight(end, zone)
            )
            # The hours of people who asked to be forgotten, kept for the accounts alone.
            kept = await RightsRepo(tx.conn).kept_hours(group_id, start, end)
        totals: dict[int, list[Any]] = {}
        for row in rows:
            entry = totals.setdefault(row.person_id, [row.display_name, 0, 0, []])
            entry[1] += 1
            entry[2] += row.minutes
            entry[3].append(row.starts_at.astimezone(zone).date().isoformat())
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["member", "name", "sessions", "hours", "dates"])
        for person_id, (name, count, minutes, dates) in sorted(totals.items()):
            writer.writerow(
                [person_id, _csv_safe(name or ""), count, f"{minutes / 60:.2f}", " ".join(dates)]
            )
        if kept:
            kept_minutes = sum(minutes for _, minutes in kept)
            dates = " ".join(sorted({day.isoformat() for day, _ in kept}))
            writer.writerow(["", FORGOTTEN, len(kept), f"{kept_minutes / 60:.2f}", dates])
        last = end - timedelta(days=1)
        return HoursExport(
            group_name=group.name,
            filename=f"hours-{start.isoformat()}-to-{last.isoformat()}.csv",
            content=out.getvalue().encode(),
            people=len(totals),
            minutes=sum(t[2] for t in totals.values()) + sum(m for _, m in kept),
            start=start,
            end=last,
        )

    # --- The question afterwards --------------------------------------------------------------

    async def rate(
        self, telegram_id: int, chat_id: int, session_id: int, score: int
    ) -> int | None:
        """Start feedback with a one-tap score; how many came (so a small group can be told
        that without a name may still be guessed), or None unless the person came."""
        now = self._clock.now()
        if score not in SCALE:
            return None
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return None
            marks = {m.person_id: m.came for m in await tx.sessions.attendance(session_id)}
            if not marks.get(person.id):
                return None
            data = {"session": session_id, "score": score, "named": None}
            await tx.steps.set(person.id, FEEDBACK_STEP, data, now)
        return sum(1 for came in marks.values() if came)

    async def choose_name(self, telegram_id: int, named: bool) -> FeedbackResult:
        """With the name or without it; then words may be typed, or it is sent as it is."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            step = None if person is None else await tx.steps.get(person.id)
            if person is None or step is None or step.step != FEEDBACK_STEP:
                return FeedbackResult(FeedbackOutcome.NO_DRAFT)
            await tx.steps.set(person.id, FEEDBACK_STEP, {**step.data, "named": named}, now)
        return FeedbackResult(FeedbackOutcome.ASK_MORE)

    async def send_feedback(
        self, telegram_id: int, chat_id: int, words: str | None = None
    ) -> FeedbackResult:
        """Send the feedback (with any words typed) to the group's inbox, as an item about
        the session, through the sharing service; it says if the words suggest risk."""
        if words is not None and len(words) > COMMENT_MAX:
            return FeedbackResult(FeedbackOutcome.TOO_LONG)
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            step = None if person is None else await tx.steps.get(person.id)
            ready = step is not None and step.step == FEEDBACK_STEP
            session = await tx.sessions.get(int(step.data["session"])) if ready and step else None
        if person is None or step is None or session is None:
            return FeedbackResult(FeedbackOutcome.NO_DRAFT)
        if step.data.get("named") is None:
            return FeedbackResult(FeedbackOutcome.CHOOSE_NAME)
        # Plain text, not HTML: the inbox escapes what it shows.
        body = label(texts.SESSION_FEEDBACK_BODY, score=step.data["score"])
        if words and has_visible(words):
            body = f"{body}\n{words.strip()}"
        result = await self._sharing.submit(
            telegram_id,
            chat_id,
            session.group_id,
            Kind.SESSION,
            body,
            named=bool(step.data["named"]),
            session_id=session.id,
        )
        if result.outcome is not SubmitOutcome.SENT or result.receipt is None:
            return FeedbackResult(_SUBMIT_OUTCOMES.get(result.outcome, FeedbackOutcome.NO_DRAFT))
        async with self._storage.transaction() as tx:
            await tx.steps.clear(person.id)
        return FeedbackResult(FeedbackOutcome.SENT, result.receipt.reference, result.alert_id)

    async def skip_feedback(self, telegram_id: int) -> None:
        """The person would rather not answer; forget the draft."""
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            step = None if person is None else await tx.steps.get(person.id)
            if person is not None and step is not None and step.step == FEEDBACK_STEP:
                await tx.steps.clear(person.id)

    # --- Time-based work -----------------------------------------------------------------------

    async def tick(self, zone: ZoneInfo, quiet_default: str) -> TickReport:
        """Queue what is due: reminders, requests to mark attendance, the question after."""
        now = self._clock.now()
        # Most ticks find nothing: look first without taking the database's write lock.
        async with self._storage.read() as tx:
            if not (
                await tx.sessions.pending_reminders(now + REMINDER_LOOKAHEAD)
                or await tx.sessions.ended_unmarked(now)
                or await tx.sessions.feedback_due(now - FEEDBACK_AFTER, now - FEEDBACK_WINDOW)
            ):
                return TickReport()
        async with self._storage.transaction() as tx:
            sent, missed = await self._reminders(tx, zone, quiet_default, now)
            asked = await self._ask_attendance(tx, zone, now)
            feedback = await self._ask_feedback(tx, now)
        return TickReport(sent, missed, asked, feedback)

    async def _reminders(
        self, tx: Tx, zone: ZoneInfo, quiet_default: str, now: datetime
    ) -> tuple[int, int]:
        pending = await tx.sessions.pending_reminders(now + REMINDER_LOOKAHEAD)
        by_session: dict[int, list[ReminderRow]] = {}
        for reminder in pending:
            by_session.setdefault(reminder.session_id, []).append(reminder)
        sent = missed = 0
        for session_id, reminders in by_session.items():
            session = await tx.sessions.get(session_id)
            if session is None:
                continue
            due = [r for r in reminders if r.due_at <= now]
            if session.starts_at <= now:
                missed += await self._missed(tx, session, due, now)
                continue
            # After an outage only the nearest of several due reminders is still useful.
            nearest = min(due, key=lambda r: r.minutes_before) if due else None
            for r in due:
                if r is not nearest:
                    await tx.sessions.finish_reminder(
                        session.id, r.minutes_before, "superseded", now, 0
                    )
            # A reminder not yet due goes early only to people whose quiet hours would hold
            # it past the start; most ticks find nobody, from their few distinct settings.
            settings = await tx.sessions.quiet_settings(session.id, ATTENDING)
            early = [
                r
                for r in reminders
                if r.due_at > now
                and any(
                    (
                        at := reminder_send_at(
                            r.due_at, session.starts_at, now, zone, q, quiet_default
                        )
                    )
                    is not None
                    and at <= now
                    for q in settings
                )
            ]
            if nearest is None and not early:
                continue
            group = await tx.groups.get(session.group_id)
            people = await tx.sessions.recipients(session.id, ATTENDING)
            name = group.name if group else ""
            for r in early:
                await self._queue_reminder(tx, session, name, r, people, zone, quiet_default, now)
            if nearest is not None:
                r = nearest
                held = await self._queue_reminder(
                    tx, session, name, r, people, zone, quiet_default, now
                )
                state = "sent" if now - r.due_at <= ON_TIME else "late"
                await tx.sessions.finish_reminder(session.id, r.minutes_before, state, now, held)
                await tx.sessions.count_queued(session.id, r.minutes_before, len(people) - held)
                sent += 1
        return sent, missed

    async def _missed(
        self, tx: Tx, session: SessionRow, due: list[ReminderRow], now: datetime
    ) -> int:
        """Record reminders whose time passed unseen (Chorus was stopped, or a try-out's
        clock moved on) and the session has begun: never silently dropped."""
        for r in due:
            await tx.sessions.finish_reminder(session.id, r.minutes_before, "missed", now, 0)
            logger.warning(
                "reminder %d min before session %d was due at %s, but the session had begun "
                "when it was next looked at; recorded as missed",
                r.minutes_before,
                session.id,
                r.due_at.isoformat(timespec="minutes"),
            )
        return len(due)

    async def _queue_reminder(
        self,
        tx: Tx,
        session: SessionRow,
        group_name: str,
        reminder: ReminderRow,
        people: Sequence[Recipient],
        zone: ZoneInfo,
        quiet_default: str,
        now: datetime,
    ) -> int:
        """Queue the reminder for everyone whose time for it has come; how many cannot get
        it before the start (paused, unreachable, or quiet all the while)."""
        rows = []
        held = 0
        due_now = reminder.due_at <= now
        stamp = int(reminder.due_at.timestamp())
        prefix = f"sr{session.id}:{reminder.minutes_before}:{stamp}:"
        queued = await tx.sessions.queued_for(prefix)
        times: dict[str | None, datetime | None] = {}
        payloads: dict[tuple[str, datetime], str] = {}
        for p in people:
            if p.person_id in queued:
                continue  # went earlier, before the person's quiet hours began
            if p.quiet_hours not in times:
                times[p.quiet_hours] = reminder_send_at(
                    reminder.due_at, session.starts_at, now, zone, p.quiet_hours, quiet_default
                )
            at = times[p.quiet_hours]
            if p.paused or p.unreachable or at is None:
                held += 1
                continue
            if at > now and not due_now:
                continue  # not yet: a later tick queues it
            if (p.answer, at) not in payloads:
                view = SessionView(session, group_name, Answer(p.answer))
                said = session_said(view, zone, at, texts.SESSION_REMINDER)
                payloads[p.answer, at] = outgoing.message(
                    said, answer_buttons(session, view.answer)
                ).dumps()
            rows.append(
                OutboxNew(
                    prefix + str(p.person_id),
                    KIND_REMINDER,
                    p.person_id,
                    payloads[p.answer, at],
                    at,
                )
            )
        await tx.outbox.enqueue(rows, now)
        return held

    async def _ask_attendance(self, tx: Tx, zone: ZoneInfo, now: datetime) -> int:
        asked = 0
        for session in await tx.sessions.ended_unmarked(now):
            await tx.sessions.update(session.id, attendance_asked_at=now)
            if now - session.ends_at > ATTENDANCE_WINDOW:
                continue
            said = outgoing.text(
                texts.SESSION_MARK_ASK,
                title=session.title,
                when=describe(session.starts_at, zone, now, relative=False),
            )
            button = outgoing.button(texts.BUTTON_MARK, Action.SESSION_ATTENDANCE, session.id)
            payload = outgoing.message(said, [[button]]).dumps()
            coordinators = await tx.sessions.coordinators_of(session.group_id)
            await tx.outbox.enqueue(
                [
                    OutboxNew(f"sa{session.id}:{pid}", KIND_ATTENDANCE, pid, payload, now)
                    for pid in coordinators
                ],
                now,
            )
            asked += 1
        return asked

    async def _ask_feedback(self, tx: Tx, now: datetime) -> int:
        due = await tx.sessions.feedback_due(now - FEEDBACK_AFTER, now - FEEDBACK_WINDOW)
        rows = []
        for session, person_id in due:
            await tx.sessions.feedback_asked(session.id, person_id, now)
            said = outgoing.text(texts.SESSION_FEEDBACK_ASK, title=session.title)
            scale = [
                outgoing.button(_SCALE_LABELS[score - 1], Action.SESSION_RATE, session.id, score)
                for score in SCALE
            ]
            skip = outgoing.button(texts.BUTTON_NO_THANKS, Action.SESSION_FEEDBACK_SKIP)
            rows.append(
                OutboxNew(
                    f"sf{session.id}:{person_id}",
                    KIND_FEEDBACK,
                    person_id,
                    # Faces with words are wider: three, then two, to a row.
                    outgoing.message(said, [scale[:3], scale[3:], [skip]]).dumps(),
                    now,
                )
            )
        await tx.outbox.enqueue(rows, now)
        return len(rows)


_SCALE_LABELS = (
    texts.BUTTON_SCALE_1,
    texts.BUTTON_SCALE_2,
    texts.BUTTON_SCALE_3,
    texts.BUTTON_SCALE_4,
    texts.BUTTON_SCALE_5,
)


def calendar_file(
    session: SessionRow, group_name: str, zone: ZoneInfo, now: datetime
) -> CalendarFile:
    """The session's .ics file as it stands (a change keeps its UID, with a higher SEQUENCE)."""
    notes = "\n".join(n for n in (session.access_notes, session.content_note) if n)
    content = session_ics(
        uid=session.uid,
        sequence=session.sequence,
        title=session.title,
        group=group_name,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        zone=zone,
        stamp=now,
        place=session.place,
        link=session.link,
        notes=notes or None,
        cancelled=session.state == "cancelled",
    )
    return CalendarFile(f"session-{session.id}.ics", content, session.title)


def _change_lines(old: SessionRow, new: SessionRow, zone: ZoneInfo, now: datetime) -> Value:
    """What changed, in words, one line each (after a blank line)."""
    lines: list[Value] = []
    if (old.starts_at, old.ends_at) != (new.starts_at, new.ends_at):
        was = when_words(old, zone, now, False)
        lines.append(outgoing.text(texts.SESSION_CHANGED_TIME, was=was))
    if (old.place, old.link) != (new.place, new.link):
        lines.append(outgoing.text(texts.SESSION_CHANGED_PLACE))
    if old.title != new.title:
        lines.append(outgoing.text(texts.SESSION_CHANGED_TITLE, was=old.title))
    if (old.access_notes, old.content_note) != (new.access_notes, new.content_note):
        lines.append(outgoing.text(texts.SESSION_CHANGED_NOTES))
    if old.capacity != new.capacity:
        lines.append(outgoing.text(texts.SESSION_CHANGED_CAPACITY))
    return join("", ["\n\n", join("\n", lines)]) if lines else ""


def period_dates(period: Period, today: date) -> tuple[date, date]:
    """The local dates [start, end) a period covers, seen from `today`."""
    month_start = today.replace(day=1)
    if period is Period.THIS_MONTH:
        return month_start, _next_month(month_start)
    if period is Period.LAST_MONTH:
        previous = (month_start - timedelta(days=1)).replace(day=1)
        return previous, month_start
    if period is Period.THIS_YEAR:
        return date(today.year, 1, 1), date(today.year + 1, 1, 1)
    return date(today.year - 1, 1, 1), date(today.year, 1, 1)


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0)).replace(tzinfo=zone).astimezone(UTC)


def _csv_safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
