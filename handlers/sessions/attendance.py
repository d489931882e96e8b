"""Group sessions for coordinators: attendance, hours and their export."""

from __future__ import annotations

from telegram import Update

from bot.context import ChorusContext
from bot.presentation import texts
from bot.presentation.callbacks import Action
from bot.presentation.moments import DayForm, day_words, duration_words
from bot.presentation.texts import label, say
from bot.services.access import Need, Thing
from bot.services.sessions import (
    Period,
)
from handlers.common import (
    ask_to_choose,
    ask_to_type,
    button_args,
    button_int,
    chat_id,
    coordinators_only,
    keyboard,
    names,
    notice,
    pick_managed_group,
    respond,
    sender_id,
)
from handlers.sessions.render import (
    PAGE,
    Rows,
    _data,
    _pages,
    _period_keys,
    _show_attendance,
)

# --- Attendance and hours --------------------------------------------------------------------


@coordinators_only
@names(Thing.SESSION, Need.MANAGE)
async def session_attendance_tapped(update: Update, context: ChorusContext) -> None:
    """Show the attendance list (a page of it), one tap per person."""
    session_id, page = button_int(update), button_int(update, 1) or 1
    view = None
    if session_id is not None:
        await context.services.sessions.leave_hours(sender_id(update))
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
    if not allowed or session_id is None:
        await respond(update, say(texts.ONLY_COORDINATORS))
        return
    back = (Action.SESSION_ATTENDANCE, (session_id, 1))
    await ask_to_type(update, context, say(texts.SESSION_ASK_HOURS), back=back)


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
        update, say(texts.SESSION_ATTENDANCE_DONE, count=came, total=duration_words(view.minutes))
    )


@coordinators_only
async def hours_command(update: Update, context: ChorusContext) -> None:
    """Export involvement hours: choose the group, then the period."""

    async def periods(update: Update, context: ChorusContext, group_id: int) -> None:
        await respond(update, say(texts.HOURS_PICK_PERIOD), _period_keys(group_id))

    await pick_managed_group(
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
        start=day_words(export.start, DayForm.FULL),
        end=day_words(export.end, DayForm.FULL),
        count=export.people,
        hours=duration_words(export.minutes),
    )
    await respond(update, summary)
