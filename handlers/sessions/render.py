"""Group sessions: the words and buttons the handlers reply with."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update

from bot.context import ChorusContext
from bot.presentation import callbacks, texts
from bot.presentation.buttons import Back, way_out_rows
from bot.presentation.callbacks import Action
from bot.presentation.moments import duration_words
from bot.presentation.outgoing import render_text
from bot.presentation.texts import Raw, label, say
from bot.services.button_text import BUTTON_LABEL_MAX, button_title
from bot.services.lengths import describe_length
from bot.services.sessions import (
    CAPACITY_MAX,
    NOTE_MAX,
    PLACE_MAX,
    TITLE_MAX,
    Answer,
    AttendanceView,
    Draft,
    DraftProblem,
    DraftReply,
    Overview,
    Period,
    SessionQuestion,
    SessionView,
    session_said,
    when_words,
)
from bot.services.sessions.words import _SCALE_LABELS
from bot.services.when import WhenError, WhenProblem, describe
from handlers.common import (
    keyboard,
    respond,
)

Rows = list[list[tuple[str, str]]]
# People per page of an attendance list (Telegram allows 100 buttons in a message).
PAGE = 20
# Names listed per answer in a coordinator's view; the rest are counted.
NAMES_SHOWN = 40


# --- Rendering -------------------------------------------------------------------------------

_ASK = {
    SessionQuestion.TITLE: texts.SESSION_ASK_TITLE,
    SessionQuestion.STARTS: texts.SESSION_ASK_STARTS,
    SessionQuestion.ENDS: texts.SESSION_ASK_ENDS,
    SessionQuestion.PLACE: texts.SESSION_ASK_PLACE,
    SessionQuestion.ACCESS: texts.SESSION_ASK_ACCESS,
    SessionQuestion.CONTENT: texts.SESSION_ASK_CONTENT,
    SessionQuestion.CAPACITY: texts.SESSION_ASK_CAPACITY,
    SessionQuestion.REMINDERS: texts.SESSION_ASK_REMINDERS,
}
_SKIP_LABELS = {
    SessionQuestion.PLACE: texts.BUTTON_SKIP,
    SessionQuestion.ACCESS: texts.BUTTON_SKIP,
    SessionQuestion.CONTENT: texts.BUTTON_SKIP,
    SessionQuestion.CAPACITY: texts.BUTTON_NO_LIMIT,
    SessionQuestion.REMINDERS: texts.BUTTON_USUAL_REMINDERS,
}
_EDIT_LABELS = {
    SessionQuestion.TITLE: texts.BUTTON_EDIT_TITLE,
    SessionQuestion.STARTS: texts.BUTTON_EDIT_STARTS,
    SessionQuestion.ENDS: texts.BUTTON_EDIT_ENDS,
    SessionQuestion.PLACE: texts.BUTTON_EDIT_PLACE,
    SessionQuestion.ACCESS: texts.BUTTON_EDIT_ACCESS,
    SessionQuestion.CONTENT: texts.BUTTON_EDIT_CONTENT,
    SessionQuestion.CAPACITY: texts.BUTTON_EDIT_CAPACITY,
    SessionQuestion.REMINDERS: texts.BUTTON_EDIT_REMINDERS,
}
_WHEN_REPLIES = {
    WhenProblem.NOT_UNDERSTOOD: texts.WHEN_NOT_UNDERSTOOD,
    WhenProblem.IN_THE_PAST: texts.WHEN_IN_THE_PAST,
    WhenProblem.DOES_NOT_EXIST: texts.WHEN_DOES_NOT_EXIST,
    WhenProblem.AMBIGUOUS: texts.WHEN_AMBIGUOUS,
    WhenProblem.TOO_FAR: texts.WHEN_TOO_FAR,
    WhenProblem.BEFORE_START: texts.SESSION_END_BEFORE_START,
    WhenProblem.TOO_LONG: texts.SESSION_END_TOO_LONG,
}
_PROBLEMS = {
    DraftProblem.BAD_NUMBER: texts.SESSION_BAD_NUMBER,
    DraftProblem.UNREADABLE: texts.SESSION_UNREADABLE,
    DraftProblem.BAD_REMINDERS: texts.SESSION_BAD_REMINDERS,
    DraftProblem.CANNOT_SKIP: texts.SESSION_CANT_SKIP,
    DraftProblem.NOT_ALLOWED: texts.ONLY_COORDINATORS,
    DraftProblem.NO_DRAFT: texts.STALE_BUTTON,
}


async def _show_draft(update: Update, context: ChorusContext, reply: DraftReply) -> None:
    """Ask the draft's current question, or say why the answer could not be used."""
    draft = reply.draft
    if reply.problem is DraftProblem.CONFIRM_YEAR and draft and draft.pending_start:
        when = describe(draft.pending_start, context.bot_data.zone, context.services.clock.now())
        await respond(update, say(texts.SESSION_NEXT_YEAR_ASK, when=when), _year_keys())
    elif reply.problem is DraftProblem.USE_BUTTONS and draft is not None:
        text = Raw(say(texts.CHOOSE_WITH_BUTTONS_BELOW) + "\n\n" + _confirm_text(draft, context))
        await respond(update, text, _confirm_keys(draft))
    elif reply.problem is not None or draft is None:
        await respond(update, _problem_text(reply, context), _skip_keys(draft))
    elif draft.stage is SessionQuestion.CONFIRM:
        await respond(update, _confirm_text(draft, context), _confirm_keys(draft))
    else:
        when = ""
        if draft.starts_at is not None:
            when = describe(draft.starts_at, context.bot_data.zone, context.services.clock.now())
        await respond(update, say(_ASK[draft.stage], when=when), _skip_keys(draft))


def _problem_text(reply: DraftReply, context: ChorusContext) -> Raw:
    draft, problem = reply.draft, reply.problem
    if problem is DraftProblem.WHEN and isinstance(reply.when_error, WhenError):
        error = reply.when_error
        shown = error.local.strftime("%H:%M") if error.local else ""
        reply_text = _WHEN_REPLIES[error.problem]
        if draft is not None and draft.stage is SessionQuestion.ENDS:
            if error.problem is WhenProblem.NOT_UNDERSTOOD:
                reply_text = texts.SESSION_END_NOT_UNDERSTOOD
            start = draft.starts_at
            zone, now = context.bot_data.zone, context.services.clock.now()
            return say(reply_text, time=shown, start=describe(start, zone, now) if start else "")
        return say(reply_text, time=shown)
    if problem is DraftProblem.BAD_TEXT and draft is not None:
        if draft.stage is SessionQuestion.TITLE:
            return say(texts.SESSION_BAD_TITLE, limit=TITLE_MAX)
        limit = PLACE_MAX if draft.stage is SessionQuestion.PLACE else NOTE_MAX
        return say(texts.SESSION_BAD_TEXT, limit=limit)
    return say(
        _PROBLEMS.get(problem or DraftProblem.NO_DRAFT, texts.STALE_BUTTON), limit=CAPACITY_MAX
    )


def _confirm_text(draft: Draft, context: ChorusContext) -> Raw:
    zone, now = context.bot_data.zone, context.services.clock.now()
    preview = render_text(session_said(SessionView(draft.preview(), draft.group_name), zone, now))
    reminders = ", ".join(
        say(texts.SESSION_REMINDER_BEFORE, length=describe_length_minutes(m))
        for m in draft.reminders
    )
    details = say(
        texts.SESSION_DETAILS,
        places=draft.capacity or say(texts.SESSION_NO_LIMIT),
        reminders=Raw(reminders) if reminders else say(texts.SESSION_NO_REMINDERS),
    )
    message = texts.SESSION_CONFIRM_NEW if draft.edit is None else texts.SESSION_CONFIRM_EDIT
    return say(message, preview=preview, details=details, group=draft.group_name)


def describe_length_minutes(minutes: int) -> str:
    """A number of minutes in words."""
    return describe_length(timedelta(minutes=minutes))


def _skip_keys(draft: Draft | None) -> InlineKeyboardMarkup | None:
    if draft is None:
        return None
    rows = []
    if draft.has_answer():
        # The answer held (typed before going back, or the session's own) can be kept.
        keep = label(texts.BUTTON_KEEP_ANSWER)
        rows.append([(keep, callbacks.encode(Action.SESSION_KEEP_ANSWER))])
    if draft.stage in _SKIP_LABELS:
        skip = label(_SKIP_LABELS[draft.stage])
        rows.append([(skip, callbacks.encode(Action.SESSION_SKIP))])
    return keyboard([*rows, *way_out_rows(_back(draft))])


def _back(draft: Draft) -> Back | None:
    """Back from the draft's question: the question before, or (from the first) which
    group; changing one detail, which detail (from its question) or its question again
    (from confirming, with the answer typed kept)."""
    if draft.edit is not None and draft.stage is not SessionQuestion.CONFIRM:
        return (Action.SESSION_EDIT, (draft.edit,))
    if draft.edit is not None:
        return (Action.SESSION_BACK, ())
    return "newsession" if draft.stage is SessionQuestion.TITLE else (Action.SESSION_BACK, ())


def _year_keys() -> InlineKeyboardMarkup:
    return keyboard(
        [
            [(label(texts.BUTTON_YEAR_YES), callbacks.encode(Action.SESSION_YEAR_YES))],
            [(label(texts.BUTTON_YEAR_NO), callbacks.encode(Action.SESSION_YEAR_NO))],
        ]
    )


def _confirm_keys(draft: Draft) -> InlineKeyboardMarkup:
    save = texts.BUTTON_SAVE_INVITE if draft.edit is None else texts.BUTTON_SAVE_CHANGE
    return keyboard(
        [
            [(label(save), callbacks.encode(Action.SESSION_SAVE))],
            [(label(texts.BUTTON_DISCARD), callbacks.encode(Action.SESSION_DISCARD))],
            *way_out_rows(_back(draft)),
        ]
    )


def _overview_text(overview: Overview, zone: ZoneInfo, now: datetime) -> Raw:
    s = overview.session
    lines = [_going_line(overview)]
    for answer, words in (
        (Answer.MAYBE, texts.SESSION_OVERVIEW_MAYBE),
        (Answer.NO, texts.SESSION_OVERVIEW_NO),
        (Answer.WAITING, texts.SESSION_OVERVIEW_WAITING),
    ):
        found = overview.names(answer)
        if found:
            lines.append(say(words, count=len(found), names=_names(found)))
    text = say(
        texts.SESSION_OVERVIEW,
        title=s.title,
        group=overview.group_name,
        when=render_text(when_words(s, zone, now)),
        answers=Raw("\n".join(lines)),
    )
    if s.state == "cancelled":
        text = Raw(text + say(texts.SESSION_OVERVIEW_CANCELLED))
    return text


def _going_line(overview: Overview) -> Raw:
    """Who is going, as a person would say it: "3 going (full): Sam, Priya, Ana"."""
    going, capacity = overview.names(Answer.GOING), overview.session.capacity
    if not going:
        if capacity:
            return say(texts.SESSION_OVERVIEW_NOBODY_PLACES, capacity=capacity)
        return say(texts.SESSION_OVERVIEW_NOBODY)
    if capacity is None:
        words = texts.SESSION_OVERVIEW_GOING
    elif len(going) >= capacity:
        words = texts.SESSION_OVERVIEW_FULL
    else:
        words = texts.SESSION_OVERVIEW_TAKEN
    return say(words, count=len(going), capacity=capacity or 0, names=_names(going))


def _names(found: list[str | None]) -> Raw:
    """Names in a list, the first NAMES_SHOWN of them, then how many more."""
    shown = ", ".join(n or label(texts.SESSION_NO_NAME) for n in found[:NAMES_SHOWN])
    if len(found) > NAMES_SHOWN:
        return say(texts.SESSION_NAMES_AND_MORE, names=shown, count=len(found) - NAMES_SHOWN)
    return say(texts.SESSION_NAMES_LIST, names=shown)


def people(count: int) -> str:
    """A number of people in words: "1 person", "3 people"."""
    return label(texts.ONE_PERSON) if count == 1 else label(texts.SOME_PEOPLE, count=count)


def _manage_keys(overview: Overview) -> InlineKeyboardMarkup | None:
    s = overview.session
    if s.state == "cancelled":
        return None
    return keyboard(
        [
            [(label(texts.BUTTON_CHANGE_SESSION), callbacks.encode(Action.SESSION_EDIT, s.id))],
            [(label(texts.BUTTON_CANCEL_SESSION), callbacks.encode(Action.SESSION_CANCEL, s.id))],
            [(label(texts.BUTTON_MARK), callbacks.encode(Action.SESSION_ATTENDANCE, s.id))],
            [(label(texts.BUTTON_CALENDAR), callbacks.encode(Action.SESSION_CALENDAR, s.id))],
        ]
    )


async def _show_attendance(
    update: Update, context: ChorusContext, view: AttendanceView | None, page: int = 1
) -> None:
    if view is None:
        await respond(update, say(texts.SESSION_ATTENDANCE_NOT_YET))
        return
    s = view.session
    rows: Rows = []
    for line in view.lines[(page - 1) * PAGE : page * PAGE]:
        mark = "☐" if line.came is None else ("✅" if line.came else "✖")
        name = line.name or label(texts.SESSION_NO_NAME)
        rows.append([(f"{mark} {name}", _data(Action.SESSION_MARK, s.id, line.person_id, page))])
    rows += _pages(Action.SESSION_ATTENDANCE, s.id, page, len(view.lines))
    rows.append([(label(texts.BUTTON_ADD_ATTENDEE), _data(Action.SESSION_ADD, s.id))])
    rows.append([(label(texts.BUTTON_CHANGE_HOURS), _data(Action.SESSION_HOURS, s.id))])
    rows.append([(label(texts.BUTTON_DONE), _data(Action.SESSION_DONE, s.id))])
    message = texts.SESSION_ATTENDANCE if view.lines else texts.SESSION_ATTENDANCE_EMPTY
    text = say(
        message, title=s.title, hours=duration_words(s.minutes), total=duration_words(view.minutes)
    )
    await respond(update, text, keyboard(rows))


def _pages(action: Action, session_id: int, page: int, total: int) -> Rows:
    """‹ Earlier / More › buttons when a list is longer than one page."""
    row = []
    if page > 1:
        row.append((label(texts.BUTTON_EARLIER), _data(action, session_id, page - 1)))
    if page * PAGE < total:
        row.append((label(texts.BUTTON_MORE), _data(action, session_id, page + 1)))
    return [row] if row else []


def _data(action: Action, *args: int) -> str:
    return callbacks.encode(action, *args)


def _period_keys(group_id: int) -> InlineKeyboardMarkup:
    choices = (
        (Period.THIS_MONTH, texts.BUTTON_THIS_MONTH),
        (Period.LAST_MONTH, texts.BUTTON_LAST_MONTH),
        (Period.THIS_YEAR, texts.BUTTON_THIS_YEAR),
        (Period.LAST_YEAR, texts.BUTTON_LAST_YEAR),
    )
    return keyboard(
        [
            [(label(text), callbacks.encode(Action.SESSION_EXPORT, group_id, p.value))]
            for p, text in choices
        ]
    )


def rating_words(score: int) -> str:
    """A rating after a session in words: the first line of the item it becomes (plain text,
    not HTML: the inbox escapes what it shows)."""
    return label(texts.SESSION_FEEDBACK_BODY, score=score)


def _feedback_back() -> tuple[str, str]:
    """Back one step in the question after a session (the choices before it are kept)."""
    return (label(texts.BUTTON_STEP_BACK), callbacks.encode(Action.SESSION_FEEDBACK_BACK))


def _name_keys() -> InlineKeyboardMarkup:
    return keyboard(
        [
            [(label(texts.BUTTON_WITHOUT_NAME), _data(Action.SESSION_FEEDBACK_NAME, 1))],
            [(label(texts.BUTTON_WITH_NAME), _data(Action.SESSION_FEEDBACK_NAME, 2))],
            [(label(texts.BUTTON_DONT_SEND), callbacks.encode(Action.SESSION_FEEDBACK_SKIP))],
            [_feedback_back()],
        ]
    )


def _send_keys() -> InlineKeyboardMarkup:
    return keyboard(
        [
            [(label(texts.BUTTON_SEND), callbacks.encode(Action.SESSION_FEEDBACK_SEND))],
            [(label(texts.BUTTON_DONT_SEND), callbacks.encode(Action.SESSION_FEEDBACK_SKIP))],
            [_feedback_back()],
        ]
    )


def _rate_keys(session_id: int) -> InlineKeyboardMarkup:
    """The question after a session's one-tap answers, as first sent (three, then two)."""
    scale = [
        (label(word), _data(Action.SESSION_RATE, session_id, score))
        for score, word in enumerate(_SCALE_LABELS, start=1)
    ]
    skip = (label(texts.BUTTON_NO_THANKS), callbacks.encode(Action.SESSION_FEEDBACK_SKIP))
    return keyboard([scale[:3], scale[3:], [skip]])


def _keys(rows: Rows) -> InlineKeyboardMarkup | None:
    return keyboard(rows) if rows else None


def _short(view: SessionView, zone: ZoneInfo, now: datetime) -> str:
    when = describe(view.session.starts_at, zone, now)
    room = BUTTON_LABEL_MAX - len(label(texts.SESSION_MANAGED_BUTTON, when=when, title=""))
    title = button_title(view.session.title, max(room, 12))
    return label(texts.SESSION_MANAGED_BUTTON, when=when, title=title)
