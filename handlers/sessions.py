"""Journey J2: group sessions. Coordinators set them up, change or cancel them, see who is
coming, mark who came and export hours; members answer, get calendar files, and say how
it was afterwards."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update

from bot.context import ChorusContext
from bot.presentation import callbacks, texts
from bot.presentation.callbacks import Action
from bot.presentation.outgoing import render_buttons, render_text
from bot.presentation.texts import Raw, label, say
from bot.services.access import Need, Thing
from bot.services.button_text import BUTTON_LABEL_MAX, button_title
from bot.services.sessions import (
    CAPACITY_MAX,
    COMMENT_MAX,
    DRAFT_STEP,
    FEEDBACK_STEP,
    HOURS_STEP,
    NOTE_MAX,
    PLACE_MAX,
    SMALL_SESSION,
    TITLE_MAX,
    Answer,
    AnswerOutcome,
    AttendanceView,
    CancelOutcome,
    Draft,
    DraftProblem,
    DraftReply,
    FeedbackOutcome,
    FeedbackResult,
    Overview,
    Period,
    SaveOutcome,
    SessionView,
    Stage,
    answer_buttons,
    hours_words,
    session_said,
    when_words,
)
from bot.services.when import WhenError, WhenProblem, describe, describe_length
from handlers import safety
from handlers.common import (
    answer_tap,
    ask_to_choose,
    button_args,
    button_int,
    chat_id,
    coordinators_only,
    keyboard,
    names,
    notice,
    replayable,
    respond,
    send,
    sender_id,
)

__all__ = ["DRAFT_STEP", "FEEDBACK_STEP", "HOURS_STEP"]

Rows = list[list[tuple[str, str]]]
# People per page of an attendance list (Telegram allows 100 buttons in a message).
PAGE = 20
# Names listed per answer in a coordinator's view; the rest are counted.
NAMES_SHOWN = 40

# --- Members -------------------------------------------------------------------------------


async def sessions_command(update: Update, context: ChorusContext) -> None:
    """List the member's coming sessions with their answers; coordinators also get theirs."""
    zone, now = context.bot_data.zone, context.services.clock.now()
    listing = await context.services.sessions.listing(sender_id(update))
    for view in listing.mine:
        keys = _keys(render_buttons(answer_buttons(view.session, view.answer)))
        await send(update, render_text(session_said(view, zone, now)), keys)
    if listing.just_invited:
        titles = ", ".join(view.session.title for view in listing.just_invited)
        await send(update, say(texts.SESSIONS_JUST_INVITED, titles=titles))
    if listing.managed is not None:
        rows = [
            [(_short(v, zone, now), callbacks.encode(Action.SESSION_MANAGE, v.session.id))]
            for v in listing.managed
        ]
        text = texts.SESSIONS_MANAGED if rows else texts.SESSIONS_MANAGED_NONE
        await send(update, say(text), keyboard(rows) if rows else None)
    elif not listing.mine and not listing.just_invited:
        await respond(update, say(texts.SESSIONS_NONE))


@replayable
async def session_answer_tapped(update: Update, context: ChorusContext) -> None:
    """Record Going / Maybe / Can't go, and show the invitation with the answer."""
    values = button_args(update)
    session_id = button_int(update)
    if session_id is None or len(values) != 2:
        await respond(update, say(texts.STALE_BUTTON))
        return
    zone, query = context.bot_data.zone, update.callback_query
    message_id = query.message.message_id if query and query.message else None
    result = await context.services.sessions.answer(
        sender_id(update), session_id, values[1], zone, message_id
    )
    view = result.view
    if result.outcome in (AnswerOutcome.SAVED, AnswerOutcome.WAITING) and view is not None:
        text = render_text(session_said(view, zone, context.services.clock.now()))
        await respond(
            update, text, _keys(render_buttons(answer_buttons(view.session, view.answer)))
        )
        return
    group, title = (view.group_name, view.session.title) if view else ("", "")
    await respond(update, say(_ANSWER_REPLIES[result.outcome], group=group, title=title))


_ANSWER_REPLIES = {
    AnswerOutcome.STARTED: texts.SESSION_STARTED,
    AnswerOutcome.CANCELLED: texts.SESSION_IS_CANCELLED,
    AnswerOutcome.NOT_MEMBER: texts.SESSION_NOT_YOURS,
    AnswerOutcome.LEFT_GROUP: texts.SESSION_LEFT_GROUP,
    AnswerOutcome.GONE: texts.SESSION_GONE,
}


@names(Thing.SESSION, Need.MEMBER)
async def session_calendar_tapped(update: Update, context: ChorusContext) -> None:
    """Send the session's calendar file (.ics)."""
    session_id = button_int(update)
    zone = context.bot_data.zone
    file = None
    if session_id is not None:
        file = await context.services.sessions.calendar(sender_id(update), session_id, zone)
    await answer_tap(update)
    if file is None:
        await send(update, say(texts.SESSION_GONE))
        return
    caption = say(texts.SESSION_CALENDAR_CAPTION, title=file.title)
    await update.get_bot().send_document(
        chat_id(update), file.content, filename=file.filename, caption=caption
    )


# --- Making and changing sessions ------------------------------------------------------------


@coordinators_only
async def newsession_command(update: Update, context: ChorusContext) -> None:
    """Start a new session: choose the group (if more than one), then the questions."""
    await _pick_group(
        update, context, Action.SESSION_GROUP, texts.SESSION_PICK_GROUP, _begin, replace=True
    )


@coordinators_only
@names(Thing.GROUP, Need.MANAGE)
async def session_group_tapped(update: Update, context: ChorusContext) -> None:
    """Start a new session for the chosen group."""
    group_id = button_int(update)
    if group_id is None:
        await respond(update, say(texts.STALE_BUTTON))
        return
    await _begin(update, context, group_id)


async def _pick_group(
    update: Update,
    context: ChorusContext,
    action: Action,
    question: str,
    chosen: Callable[[Update, ChorusContext, int], Awaitable[None]],
    replace: bool = False,
) -> None:
    """Go on with the coordinator's one group, or ask which of their groups (`replace`: an
    unfinished step is dropped, as choosing the one group would)."""
    groups = await context.services.groups.manageable(sender_id(update))
    if not groups:
        await respond(update, say(texts.NO_MANAGED_GROUPS))
    elif len(groups) == 1:
        await chosen(update, context, groups[0].id)
    else:
        rows = [[(g.name, callbacks.encode(action, g.id))] for g in groups]
        await ask_to_choose(update, context, say(question), keyboard(rows), replace)


async def _overview_of_tapped(update: Update, context: ChorusContext) -> Overview | None:
    """The overview of the session on the tapped button; says so if it may not be seen."""
    session_id = button_int(update)
    overview = None
    if session_id is not None:
        overview = await context.services.sessions.overview(sender_id(update), session_id)
    if overview is None:
        await respond(update, say(texts.ONLY_COORDINATORS))
    return overview


async def _begin(update: Update, context: ChorusContext, group_id: int) -> None:
    draft = await context.services.sessions.begin_new(sender_id(update), chat_id(update), group_id)
    if draft is None:
        await respond(update, say(texts.ONLY_COORDINATORS))
        return
    await _show_draft(update, context, DraftReply(draft))


async def session_draft_typed(update: Update, context: ChorusContext, text: str) -> None:
    """Take the answer to the current question and ask the next."""
    zone = context.bot_data.zone
    reply = await context.services.sessions.advance(sender_id(update), chat_id(update), text, zone)
    await _show_draft(update, context, reply)


@coordinators_only
async def session_skip_tapped(update: Update, context: ChorusContext) -> None:
    """Skip an optional question (or take its usual answer)."""
    zone = context.bot_data.zone
    reply = await context.services.sessions.advance(sender_id(update), chat_id(update), None, zone)
    await _show_draft(update, context, reply)


@coordinators_only
async def session_year_yes_tapped(update: Update, context: ChorusContext) -> None:
    """The start read as next year's is what the coordinator meant: go on."""
    reply = await context.services.sessions.confirm_year(sender_id(update), chat_id(update), True)
    await _show_draft(update, context, reply)


@coordinators_only
async def session_year_no_tapped(update: Update, context: ChorusContext) -> None:
    """It is not: ask when it starts again."""
    reply = await context.services.sessions.confirm_year(sender_id(update), chat_id(update), False)
    await _show_draft(update, context, reply)


@coordinators_only
async def session_save_tapped(update: Update, context: ChorusContext) -> None:
    """Save the new session and invite the group, or save the change and tell people."""
    zone, now = context.bot_data.zone, context.services.clock.now()
    result = await context.services.sessions.save(sender_id(update), chat_id(update), zone)
    session = result.session
    if result.outcome is SaveOutcome.NO_DRAFT:
        # A second tap on a step already finished: what it said stays on the screen.
        await notice(update, label(texts.SESSION_NOTHING_TO_SAVE))
    elif result.outcome is SaveOutcome.CREATED and session is not None:
        when = describe(session.starts_at, zone, now)
        created = say(
            texts.SESSION_CREATED, title=session.title, when=when, people=people(result.told)
        )
        await respond(update, created)
    else:
        reply = _SAVE_REPLIES[result.outcome]
        if result.outcome is SaveOutcome.CHANGED and not result.told:
            reply = texts.SESSION_CHANGED_NOBODY
        await respond(update, say(reply, people=people(result.told)))
    if result.told:
        context.bot_data.worker.kick()


_SAVE_REPLIES = {
    SaveOutcome.CHANGED: texts.SESSION_CHANGED,
    SaveOutcome.UNCHANGED: texts.SESSION_UNCHANGED,
    SaveOutcome.NOT_ALLOWED: texts.ONLY_COORDINATORS,
    SaveOutcome.NO_DRAFT: texts.STALE_BUTTON,
    SaveOutcome.GONE: texts.SESSION_TOO_LATE,
    SaveOutcome.CREATED: texts.STALE_BUTTON,
}


@coordinators_only
async def session_discard_tapped(update: Update, context: ChorusContext) -> None:
    """Drop the draft; nothing is saved."""
    await context.services.steps.clear(sender_id(update))
    await respond(update, say(texts.SESSION_DISCARDED))


@coordinators_only
@names(Thing.SESSION, Need.MANAGE)
async def session_manage_tapped(update: Update, context: ChorusContext) -> None:
    """Show a session's answers, with ways to change, cancel or mark who came."""
    overview = await _overview_of_tapped(update, context)
    if overview is None:
        return
    zone, now = context.bot_data.zone, context.services.clock.now()
    await respond(update, _overview_text(overview, zone, now), _manage_keys(overview))


@coordinators_only
@names(Thing.SESSION, Need.MANAGE)
async def session_edit_tapped(update: Update, context: ChorusContext) -> None:
    """Ask which detail to change."""
    session_id = button_int(update)
    if session_id is None:
        await respond(update, say(texts.STALE_BUTTON))
        return
    rows = [
        [(label(text), callbacks.encode(Action.SESSION_EDIT_FIELD, session_id, stage.value))]
        for stage, text in _EDIT_LABELS.items()
    ]
    await ask_to_choose(update, context, say(texts.SESSION_EDIT_PICK), keyboard(rows))


@coordinators_only
@names(Thing.SESSION, Need.MANAGE)
async def session_edit_field_tapped(update: Update, context: ChorusContext) -> None:
    """Ask the question for the detail chosen."""
    values = button_args(update)
    session_id = button_int(update)
    stage = Stage(values[1]) if len(values) == 2 and values[1] in _EDIT_LABELS else None
    draft = None
    if session_id is not None and stage is not None:
        draft = await context.services.sessions.begin_edit(
            sender_id(update), chat_id(update), session_id, stage
        )
    if draft is None:
        await respond(update, say(texts.SESSION_TOO_LATE))
        return
    await _show_draft(update, context, DraftReply(draft))


@coordinators_only
@names(Thing.SESSION, Need.MANAGE)
async def session_cancel_tapped(update: Update, context: ChorusContext) -> None:
    """Ask once more before cancelling a session."""
    overview = await _overview_of_tapped(update, context)
    if overview is None:
        return
    zone, now = context.bot_data.zone, context.services.clock.now()
    s = overview.session
    question = say(
        texts.SESSION_CANCEL_CONFIRM, title=s.title, when=render_text(when_words(s, zone, now))
    )
    yes = (label(texts.BUTTON_YES_CANCEL), callbacks.encode(Action.SESSION_CANCEL_YES, s.id))
    keep = (label(texts.BUTTON_KEEP_SESSION), callbacks.encode(Action.SESSION_KEEP))
    await ask_to_choose(update, context, question, keyboard([[yes], [keep]]))


@coordinators_only
@names(Thing.SESSION, Need.MANAGE)
async def session_cancel_yes_tapped(update: Update, context: ChorusContext) -> None:
    """Cancel the session and tell everyone who answered."""
    session_id = button_int(update)
    if session_id is None:
        await respond(update, say(texts.STALE_BUTTON))
        return
    zone = context.bot_data.zone
    result = await context.services.sessions.cancel(sender_id(update), session_id, zone)
    if result.outcome is CancelOutcome.ALREADY:
        # Said once already (or it has started): the message stays as it is.
        await notice(update, label(texts.SESSION_CANCEL_ALREADY))
        return
    replies = {
        CancelOutcome.CANCELLED: texts.SESSION_CANCELLED
        if result.told
        else texts.SESSION_CANCELLED_NOBODY,
        CancelOutcome.NOT_ALLOWED: texts.ONLY_COORDINATORS,
    }
    await respond(update, say(replies[result.outcome], people=people(result.told)))
    context.bot_data.worker.kick()


@coordinators_only
async def session_keep_tapped(update: Update, context: ChorusContext) -> None:
    """Leave the session as it is."""
    await respond(update, say(texts.SESSION_KEPT))


# --- Attendance and hours --------------------------------------------------------------------


@coordinators_only
@names(Thing.SESSION, Need.MANAGE)
async def session_attendance_tapped(update: Update, context: ChorusContext) -> None:
    """Show the attendance list (a page of it), one tap per person."""
    session_id, page = button_int(update), button_int(update, 1) or 1
    view = None
    if session_id is not None:
        view = await context.services.sessions.attendance(sender_id(update), session_id)
    if view is None:
        # Tapped on the session's card before it starts: the card stays, with a notice.
        await notice(update, label(texts.SESSION_ATTENDANCE_NOT_YET))
        return
    await _show_attendance(update, context, view, page)


@coordinators_only
@names(Thing.SESSION, Need.MANAGE)
async def session_mark_tapped(update: Update, context: ChorusContext) -> None:
    """Switch one person between came and did not come."""
    session_id, person_id = button_int(update), button_int(update, 1)
    view = None
    if session_id is not None and person_id is not None:
        view = await context.services.sessions.mark(sender_id(update), session_id, person_id)
    await _show_attendance(update, context, view, button_int(update, 2) or 1)


@coordinators_only
@names(Thing.SESSION, Need.MANAGE)
async def session_add_tapped(update: Update, context: ChorusContext) -> None:
    """List (a page of) the group's members not on the attendance list yet."""
    session_id, page = button_int(update), button_int(update, 1) or 1
    people = []
    if session_id is not None:
        people = await context.services.sessions.addable(sender_id(update), session_id)
    if session_id is None or not people:
        await respond(update, say(texts.SESSION_ADD_NONE))
        return
    shown = people[(page - 1) * PAGE : page * PAGE]
    rows: Rows = [
        [(name or label(texts.SESSION_NO_NAME), _data(Action.SESSION_ADD_PERSON, session_id, pid))]
        for pid, name in shown
    ]
    rows += _pages(Action.SESSION_ADD, session_id, page, len(people))
    await ask_to_choose(update, context, say(texts.SESSION_ADD_PICK), keyboard(rows))


@coordinators_only
@names(Thing.SESSION, Need.MANAGE)
async def session_add_person_tapped(update: Update, context: ChorusContext) -> None:
    """Mark someone who came unannounced."""
    session_id, person_id = button_int(update), button_int(update, 1)
    view = None
    if session_id is not None and person_id is not None:
        view = await context.services.sessions.mark(
            sender_id(update), session_id, person_id, came=True
        )
    await _show_attendance(update, context, view)


@coordinators_only
@names(Thing.SESSION, Need.MANAGE)
async def session_hours_tapped(update: Update, context: ChorusContext) -> None:
    """Ask how many hours each attendance counts."""
    session_id = button_int(update)
    allowed = session_id is not None and await context.services.sessions.begin_hours(
        sender_id(update), chat_id(update), session_id
    )
    await respond(update, say(texts.SESSION_ASK_HOURS if allowed else texts.ONLY_COORDINATORS))


async def session_hours_typed(update: Update, context: ChorusContext, text: str) -> None:
    """Save the hours typed for everyone who came."""
    view = await context.services.sessions.set_hours(sender_id(update), text)
    if view is None:
        await respond(update, say(texts.SESSION_BAD_HOURS))
        return
    await _show_attendance(update, context, view)


@coordinators_only
@names(Thing.SESSION, Need.MANAGE)
async def session_done_tapped(update: Update, context: ChorusContext) -> None:
    """Finish marking: say what was recorded."""
    session_id = button_int(update)
    view = None
    if session_id is not None:
        view = await context.services.sessions.attendance(sender_id(update), session_id)
    if view is None:
        await respond(update, say(texts.ONLY_COORDINATORS))
        return
    came = sum(1 for line in view.lines if line.came)
    await respond(
        update, say(texts.SESSION_ATTENDANCE_DONE, count=came, total=hours_words(view.minutes))
    )


@coordinators_only
async def hours_command(update: Update, context: ChorusContext) -> None:
    """Export involvement hours: choose the group, then the period."""

    async def periods(update: Update, context: ChorusContext, group_id: int) -> None:
        await respond(update, say(texts.HOURS_PICK_PERIOD), _period_keys(group_id))

    await _pick_group(
        update, context, Action.SESSION_EXPORT_GROUP, texts.HOURS_PICK_GROUP, periods
    )


@coordinators_only
@names(Thing.GROUP, Need.MANAGE)
async def session_export_group_tapped(update: Update, context: ChorusContext) -> None:
    """Ask which period to export."""
    group_id = button_int(update)
    if group_id is None:
        await respond(update, say(texts.STALE_BUTTON))
        return
    await respond(update, say(texts.HOURS_PICK_PERIOD), _period_keys(group_id))


@coordinators_only
@names(Thing.GROUP, Need.MANAGE)
async def session_export_tapped(update: Update, context: ChorusContext) -> None:
    """Send the hours for the group and period as a CSV file."""
    values, group_id = button_args(update), button_int(update)
    periods = {p.value: p for p in Period}
    export = None
    if group_id is not None and len(values) == 2 and values[1] in periods:
        export = await context.services.sessions.export_hours(
            sender_id(update), group_id, periods[values[1]], context.bot_data.zone
        )
    if export is None:
        await respond(update, say(texts.ONLY_COORDINATORS))
        return
    await update.get_bot().send_document(chat_id(update), export.content, filename=export.filename)
    summary = say(
        texts.HOURS_EXPORT,
        group=export.group_name,
        start=export.start.strftime("%-d %B %Y"),
        end=export.end.strftime("%-d %B %Y"),
        people=export.people,
        hours=hours_words(export.minutes),
    )
    await respond(update, summary)


# --- The question afterwards -------------------------------------------------------------------


@names(Thing.SESSION, Need.MEMBER)
async def session_rate_tapped(update: Update, context: ChorusContext) -> None:
    """Take the one-tap answer, and ask whether to send it with the name or without."""
    session_id, score = button_int(update), button_int(update, 1)
    came = None
    if session_id is not None and score is not None:
        came = await context.services.sessions.rate(
            sender_id(update), chat_id(update), session_id, score
        )
    if came is None:
        await respond(update, say(texts.SESSION_FEEDBACK_NOT_YOURS))
        return
    few = say(texts.SESSION_FEEDBACK_FEW) if came < SMALL_SESSION else ""
    await respond(update, say(texts.SESSION_FEEDBACK_NAME, few=few), _name_keys())


async def session_feedback_name_tapped(update: Update, context: ChorusContext) -> None:
    """With the name (2) or without it (1); then words may be added."""
    named = button_int(update) == 2
    result = await context.services.sessions.choose_name(sender_id(update), named)
    if result.outcome is not FeedbackOutcome.ASK_MORE:
        await respond(update, say(texts.SESSION_FEEDBACK_NOT_YOURS))
        return
    await respond(update, say(texts.SESSION_FEEDBACK_WORDS), _send_keys())


async def session_comment_typed(update: Update, context: ChorusContext, text: str) -> None:
    """Send the feedback with the words typed."""
    result = await context.services.sessions.send_feedback(
        sender_id(update), chat_id(update), text
    )
    if result.outcome is FeedbackOutcome.CHOOSE_NAME:
        # Words that suggest risk get help at once, alone, whatever else is going on.
        if not await safety.offer_help(update, context, text, carry_on=True):
            await respond(update, say(texts.SESSION_FEEDBACK_CHOOSE_FIRST), _name_keys())
        return
    await _feedback_sent(update, context, result)


async def session_feedback_carry_on(update: Update, context: ChorusContext) -> None:
    """After the safety reply: the question after the meeting again, as a new message."""
    step = await context.services.membership.current_step(sender_id(update))
    if step is not None and step.data.get("named") is None:
        await send(update, say(texts.SESSION_FEEDBACK_NAME, few=""), _name_keys())
    else:
        await send(update, say(texts.SESSION_FEEDBACK_WORDS), _send_keys())


async def session_feedback_send_tapped(update: Update, context: ChorusContext) -> None:
    """Send the feedback as it is, without words."""
    result = await context.services.sessions.send_feedback(sender_id(update), chat_id(update))
    await _feedback_sent(update, context, result)


async def _feedback_sent(update: Update, context: ChorusContext, result: FeedbackResult) -> None:
    if result.alert_id is not None:  # help first, as a message of its own
        await safety.send_safety_reply(update, context, result.alert_id)
    if result.outcome is FeedbackOutcome.SENT:
        await respond(update, say(texts.SESSION_FEEDBACK_SENT, reference=result.reference))
    elif result.outcome is FeedbackOutcome.TOO_LONG:
        await respond(update, say(texts.SESSION_FEEDBACK_TOO_LONG, limit=COMMENT_MAX))
    elif result.outcome is FeedbackOutcome.LEFT_GROUP:
        await respond(update, say(texts.SESSION_FEEDBACK_LEFT))
    else:
        await respond(update, say(texts.SESSION_FEEDBACK_NOT_YOURS))


async def session_feedback_skip_tapped(update: Update, context: ChorusContext) -> None:
    """No answer, and that's fine."""
    await context.services.sessions.skip_feedback(sender_id(update))
    await respond(update, say(texts.SESSION_FEEDBACK_SKIPPED))


# --- Rendering -------------------------------------------------------------------------------

_ASK = {
    Stage.TITLE: texts.SESSION_ASK_TITLE,
    Stage.STARTS: texts.SESSION_ASK_STARTS,
    Stage.ENDS: texts.SESSION_ASK_ENDS,
    Stage.PLACE: texts.SESSION_ASK_PLACE,
    Stage.ACCESS: texts.SESSION_ASK_ACCESS,
    Stage.CONTENT: texts.SESSION_ASK_CONTENT,
    Stage.CAPACITY: texts.SESSION_ASK_CAPACITY,
    Stage.REMINDERS: texts.SESSION_ASK_REMINDERS,
}
_SKIP_LABELS = {
    Stage.PLACE: texts.BUTTON_SKIP,
    Stage.ACCESS: texts.BUTTON_SKIP,
    Stage.CONTENT: texts.BUTTON_SKIP,
    Stage.CAPACITY: texts.BUTTON_NO_LIMIT,
    Stage.REMINDERS: texts.BUTTON_USUAL_REMINDERS,
}
_EDIT_LABELS = {
    Stage.TITLE: texts.BUTTON_EDIT_TITLE,
    Stage.STARTS: texts.BUTTON_EDIT_STARTS,
    Stage.ENDS: texts.BUTTON_EDIT_ENDS,
    Stage.PLACE: texts.BUTTON_EDIT_PLACE,
    Stage.ACCESS: texts.BUTTON_EDIT_ACCESS,
    Stage.CONTENT: texts.BUTTON_EDIT_CONTENT,
    Stage.CAPACITY: texts.BUTTON_EDIT_CAPACITY,
    Stage.REMINDERS: texts.BUTTON_EDIT_REMINDERS,
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
    elif draft.stage is Stage.CONFIRM:
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
        if draft is not None and draft.stage is Stage.ENDS:
            if error.problem is WhenProblem.NOT_UNDERSTOOD:
                reply_text = texts.SESSION_END_NOT_UNDERSTOOD
            start = draft.starts_at
            zone, now = context.bot_data.zone, context.services.clock.now()
            return say(reply_text, time=shown, start=describe(start, zone, now) if start else "")
        return say(reply_text, time=shown)
    if problem is DraftProblem.BAD_TEXT and draft is not None:
        if draft.stage is Stage.TITLE:
            return say(texts.SESSION_BAD_TITLE, limit=TITLE_MAX)
        limit = PLACE_MAX if draft.stage is Stage.PLACE else NOTE_MAX
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
    if draft is None or draft.stage not in _SKIP_LABELS:
        return None
    return keyboard([[(label(_SKIP_LABELS[draft.stage]), callbacks.encode(Action.SESSION_SKIP))]])


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
        message, title=s.title, hours=hours_words(s.minutes), total=hours_words(view.minutes)
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


def _name_keys() -> InlineKeyboardMarkup:
    return keyboard(
        [
            [(label(texts.BUTTON_WITHOUT_NAME), _data(Action.SESSION_FEEDBACK_NAME, 1))],
            [(label(texts.BUTTON_WITH_NAME), _data(Action.SESSION_FEEDBACK_NAME, 2))],
            [(label(texts.BUTTON_DONT_SEND), callbacks.encode(Action.SESSION_FEEDBACK_SKIP))],
        ]
    )


def _send_keys() -> InlineKeyboardMarkup:
    return keyboard(
        [
            [(label(texts.BUTTON_SEND), callbacks.encode(Action.SESSION_FEEDBACK_SEND))],
            [(label(texts.BUTTON_DONT_SEND), callbacks.encode(Action.SESSION_FEEDBACK_SKIP))],
        ]
    )


def _keys(rows: Rows) -> InlineKeyboardMarkup | None:
    return keyboard(rows) if rows else None


def _short(view: SessionView, zone: ZoneInfo, now: datetime) -> str:
    when = describe(view.session.starts_at, zone, now)
    room = BUTTON_LABEL_MAX - len(label(texts.SESSION_MANAGED_BUTTON, when=when, title=""))
    title = button_title(view.session.title, max(room, 12))
    return label(texts.SESSION_MANAGED_BUTTON, when=when, title=title)
