"""Group sessions: the limits, the steps of a draft, and what each action returns."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from bot.services.sharing import SubmitOutcome
from bot.services.when import (
    WhenError,
)
from storage.payments import PolicyRow
from storage.sessions import AnswerRow, SessionRow

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
# How a member lets their answer be used, by the button's number; the first is the most
# private, and what an answer sent without a choice keeps.
FEEDBACK_USES = ("coordinators", "quote_anonymous", "quote_named")
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


class SessionQuestion(enum.StrEnum):
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


STAGES = list(SessionQuestion)
SKIPPABLE = frozenset(
    {
        SessionQuestion.PLACE,
        SessionQuestion.ACCESS,
        SessionQuestion.CONTENT,
        SessionQuestion.CAPACITY,
        SessionQuestion.REMINDERS,
    }
)


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
    stage: SessionQuestion = SessionQuestion.TITLE
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
    # When changing one detail: which (its question's value), to go back to from confirming.
    edited: str | None = None

    def to_data(self) -> dict[str, Any]:
        """As stored in the pending step (JSON)."""
        data = {k: v for k, v in self.__dict__.items() if k not in _MOMENTS}
        data["stage"] = self.stage.value
        for key in _MOMENTS:
            moment = getattr(self, key)
            data[key] = moment.isoformat() if moment else None
        return data

    def has_answer(self) -> bool:
        """True if the current question already has an answer in the draft (given before
        going back, or the session's own when changing it), which can be kept."""
        if self.edit is not None:
            return self.stage is not SessionQuestion.CONFIRM
        held = {
            SessionQuestion.TITLE: self.title,
            SessionQuestion.STARTS: self.starts_at,
            SessionQuestion.ENDS: self.ends_at,
            SessionQuestion.PLACE: self.place or self.link,
            SessionQuestion.ACCESS: self.access_notes,
            SessionQuestion.CONTENT: self.content_note,
            SessionQuestion.CAPACITY: self.capacity,
        }
        return bool(held.get(self.stage))

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
        values["stage"] = SessionQuestion(values["stage"])
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
    # The group's payment policy, shown to members before they take part.
    policy: PolicyRow | None = None


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


@dataclass(frozen=True)
class FeedbackBack:
    """Where Back leads in the question after a session: the rating ("rate"), the name
    ("name") or how it may be used ("use"), with the draft as it is now and the title."""

    screen: str
    draft: FeedbackDraft
    title: str


@dataclass(frozen=True)
class FeedbackDraft:
    """A member's answer to the question after a session, while it is being given."""

    session_id: int
    # One to five (`SCALE`).
    score: int
    # With their name (True) or without it (False); None: not chosen yet.
    named: bool | None = None
    # How it may be used (a `Consent` value from FEEDBACK_USES); None: not chosen yet.
    use: str | None = None
    # Words typed before the use was chosen, sent once it is.
    words: str | None = None

    def data(self) -> dict[str, Any]:
        """As kept in the pending step (the same keys as ever, so a step kept before reads
        the same)."""
        data: dict[str, Any] = {"session": self.session_id, "score": self.score}
        data["named"] = self.named
        if self.use is not None:
            data["use"] = self.use
        if self.words is not None:
            data["words"] = self.words
        return data

    @classmethod
    def opened(cls, data: dict[str, Any]) -> FeedbackDraft:
        """From the pending step."""
        named = data.get("named")
        session_id, score = int(data["session"]), int(data["score"])
        use, words = data.get("use"), data.get("words")
        return cls(
            session_id,
            score,
            None if named is None else bool(named),
            None if use is None else str(use),
            None if words is None else str(words),
        )


# Words for a rating, made by whoever words things (the rating is an item's own words).
RatingWords = Callable[[int], str]


class FeedbackOutcome(enum.Enum):
    """What happened to a member's answer to the question after a session."""

    ASK_MORE = "ask_more"
    CHOOSE_NAME = "choose_name"
    CHOOSE_USE = "choose_use"
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
