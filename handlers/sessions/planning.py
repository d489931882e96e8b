"""Group sessions for coordinators: making, changing and cancelling them."""

from __future__ import annotations

from telegram import Update

from bot.context import ChorusContext
from bot.presentation import callbacks, texts
from bot.presentation.callbacks import Action
from bot.presentation.outgoing import render_text
from bot.presentation.texts import label, say
from bot.services.access import Need, Thing
from bot.services.sessions import (
    CancelOutcome,
    DraftReply,
    Overview,
    SaveOutcome,
    SessionQuestion,
    when_words,
)
from bot.services.when import describe
from handlers.common import (
    ask_to_choose,
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
    _EDIT_LABELS,
    _manage_keys,
    _overview_text,
    _show_draft,
)

# --- Making and changing sessions ------------------------------------------------------------


@coordinators_only
async def newsession_command(update: Update, context: ChorusContext) -> None:
    """Start a new session: choose the group (if more than one), then the questions."""
    await pick_managed_group(
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
async def session_back_tapped(update: Update, context: ChorusContext) -> None:
    """Back to the question before, with the answers given kept."""
    reply = await context.services.sessions.back(sender_id(update), chat_id(update))
    await _show_draft(update, context, reply)


@coordinators_only
async def session_keep_answer_tapped(update: Update, context: ChorusContext) -> None:
    """Changing one detail: keep the answer held, and go on to confirming."""
    reply = await context.services.sessions.keep_answer(sender_id(update), chat_id(update))
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
        created = say(texts.SESSION_CREATED, title=session.title, when=when, count=result.told)
        await respond(update, created)
    else:
        reply = _SAVE_REPLIES[result.outcome]
        if result.outcome is SaveOutcome.CHANGED and not result.told:
            reply = texts.SESSION_CHANGED_NOBODY
        await respond(update, say(reply, count=result.told))
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
    back = (Action.SESSION_MANAGE, (session_id,))  # the session again
    await ask_to_choose(update, context, say(texts.SESSION_EDIT_PICK), keyboard(rows), back=back)


@coordinators_only
@names(Thing.SESSION, Need.MANAGE)
async def session_edit_field_tapped(update: Update, context: ChorusContext) -> None:
    """Ask the question for the detail chosen."""
    values = button_args(update)
    session_id = button_int(update)
    stage = SessionQuestion(values[1]) if len(values) == 2 and values[1] in _EDIT_LABELS else None
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
    back = (Action.SESSION_MANAGE, (s.id,))
    await ask_to_choose(update, context, question, keyboard([[yes], [keep]]), back=back)


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
    await respond(update, say(replies[result.outcome], count=result.told))
    context.bot_data.worker.kick()


@coordinators_only
async def session_keep_tapped(update: Update, context: ChorusContext) -> None:
    """Leave the session as it is."""
    await respond(update, say(texts.SESSION_KEPT))
