"""Group sessions for members: the list, answers and calendar files."""

from __future__ import annotations

from telegram import Update

from bot.context import ChorusContext
from bot.presentation import callbacks, texts
from bot.presentation.callbacks import Action
from bot.presentation.outgoing import render_buttons, render_text
from bot.presentation.texts import say
from bot.services.access import Need, Thing
from bot.services.sessions import (
    Answer,
    AnswerOutcome,
    answer_buttons,
    session_said,
)
from handlers import payments
from handlers.common import (
    answer_tap,
    button_args,
    button_int,
    chat_id,
    keyboard,
    names,
    replayable,
    respond,
    send,
    sender_id,
)
from handlers.sessions.render import (
    _keys,
    _short,
)

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
        if view.answer == Answer.GOING:
            # Before taking part: what the group pays, and how they'd like it.
            await payments.offer_after_going(update, context, view.session.group_id)
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
