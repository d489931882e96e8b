"""Journey J5: a coordinator writes to their groups, previews it, sends now or later."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.context import ChorusContext
from bot.presentation import callbacks, texts
from bot.presentation.buttons import way_out_rows
from bot.presentation.callbacks import Action
from bot.presentation.outgoing import render_text
from bot.presentation.texts import Raw, label, say
from bot.services.access import Need, Thing
from bot.services.broadcasts import (
    AUDIENCE_STEP,
    MAX_TEXT,
    READY_STEP,
    TEXT_STEP,
    WHEN_STEP,
    Audience,
    CreateOutcome,
    DraftStep,
    DraftView,
    member_message,
)
from bot.services.when import WhenError, WhenProblem, describe, parse_when
from handlers.common import (
    button_int,
    chat_id,
    coordinators_only,
    keyboard,
    names,
    respond,
    send,
    sender_id,
)
from handlers.wording import BROADCAST, ask_with_words, note_on_words

__all__ = ["AUDIENCE_STEP", "READY_STEP", "TEXT_STEP", "WHEN_STEP"]

_WHEN_REPLIES = {
    WhenProblem.NOT_UNDERSTOOD: texts.WHEN_NOT_UNDERSTOOD,
    WhenProblem.IN_THE_PAST: texts.WHEN_IN_THE_PAST,
    WhenProblem.DOES_NOT_EXIST: texts.WHEN_DOES_NOT_EXIST,
    WhenProblem.AMBIGUOUS: texts.WHEN_AMBIGUOUS,
    WhenProblem.TOO_FAR: texts.WHEN_TOO_FAR,
}


@coordinators_only
async def broadcast_command(update: Update, context: ChorusContext) -> None:
    """Start a broadcast: show messages on their way, then ask who it is for."""
    view = await context.services.broadcasts.start(sender_id(update), chat_id(update))
    await _show_active(update, context, view)
    await _render(update, context, view)


@coordinators_only
@names(Thing.GROUP, Need.MANAGE)
async def broadcast_toggle_tapped(update: Update, context: ChorusContext) -> None:
    """Add or remove a group from the audience."""
    group_id = button_int(update)
    view = await context.services.broadcasts.toggle(sender_id(update), chat_id(update), group_id)
    await _render(update, context, view)


@coordinators_only
async def broadcast_all_tapped(update: Update, context: ChorusContext) -> None:
    """Choose every group the coordinator has."""
    view = await context.services.broadcasts.choose_all(sender_id(update), chat_id(update))
    await _render(update, context, view)


@coordinators_only
async def broadcast_next_tapped(update: Update, context: ChorusContext) -> None:
    """Go on to the text, once at least one group is chosen."""
    view = await context.services.broadcasts.choose_next(sender_id(update), chat_id(update))
    await _render(update, context, view)


async def broadcast_text_typed(update: Update, context: ChorusContext, text: str) -> None:
    """Show the message exactly as members will see it, with the choices."""
    view = await context.services.broadcasts.write(sender_id(update), chat_id(update), text)
    if view.step is DraftStep.PREVIEW and await note_on_words(update, text, BROADCAST):
        return  # "Send it as it is" shows the preview; "Change it", the words again
    await _render(update, context, view)


@coordinators_only
async def broadcast_now_tapped(update: Update, context: ChorusContext) -> None:
    """Ask once more before sending now."""
    view = await context.services.broadcasts.send_now(sender_id(update), chat_id(update))
    await _render(update, context, view)


@coordinators_only
async def broadcast_later_tapped(update: Update, context: ChorusContext) -> None:
    """Ask when it should go."""
    view = await context.services.broadcasts.send_later(sender_id(update), chat_id(update))
    await _render(update, context, view)


async def broadcast_when_typed(update: Update, context: ChorusContext, text: str) -> None:
    """Understand the time typed, say it back in words, and ask to confirm."""
    zone, now = context.bot_data.zone, context.services.clock.now()
    when = parse_when(text, now, zone)
    if isinstance(when, WhenError):
        shown = when.local.strftime("%H:%M") if when.local else ""
        await respond(update, say(_WHEN_REPLIES[when.problem], time=shown))
        return
    broadcasts = context.services.broadcasts
    view = await broadcasts.schedule(sender_id(update), chat_id(update), when.at)
    if view.step is DraftStep.CONFIRM_LATER and when.next_year:
        # "1 Dec" typed on 4 December: said plainly before it is confirmed
        await _confirm_later(update, context, view, say(texts.BROADCAST_NEXT_YEAR))
        return
    await _render(update, context, view)


@coordinators_only
async def broadcast_confirm_tapped(update: Update, context: ChorusContext) -> None:
    """Send now, or schedule, the broadcast the coordinator confirmed."""
    result = await context.services.broadcasts.confirm(sender_id(update), chat_id(update))
    broadcast = result.broadcast
    if broadcast is None:
        await respond(update, say(_CREATE_REPLIES.get(result.outcome, texts.STALE_BUTTON)))
        return
    if result.outcome is CreateOutcome.SCHEDULED:
        zone, now = context.bot_data.zone, context.services.clock.now()
        when = describe(broadcast.send_at, zone, now)
        await respond(update, say(texts.BROADCAST_SCHEDULED, when=when))
        return
    stop = keyboard(
        [[(label(texts.BUTTON_STOP), callbacks.encode(Action.BROADCAST_STOP, broadcast.id))]]
    )
    await respond(update, say(texts.BROADCAST_SENDING, count=broadcast.total), stop)
    message = update.effective_message
    if update.callback_query is not None and message is not None:
        await context.services.broadcasts.set_progress_message(broadcast.id, message.message_id)
    context.bot_data.worker.kick()


@coordinators_only
async def broadcast_edit_tapped(update: Update, context: ChorusContext) -> None:
    """Type the text again."""
    view = await context.services.broadcasts.edit(sender_id(update), chat_id(update))
    await _render(update, context, view)


@coordinators_only
async def broadcast_keep_when_tapped(update: Update, context: ChorusContext) -> None:
    """Back at "When should it go?": the time typed before, kept."""
    view = await context.services.broadcasts.keep_when(sender_id(update), chat_id(update))
    await _render(update, context, view)


@coordinators_only
async def broadcast_preview_tapped(update: Update, context: ChorusContext) -> None:
    """Back to the message as members will see it, with the words kept."""
    view = await context.services.broadcasts.preview(sender_id(update), chat_id(update))
    await _render(update, context, view)


@coordinators_only
async def broadcast_discard_tapped(update: Update, context: ChorusContext) -> None:
    """Drop the draft; nothing is sent."""
    view = await context.services.broadcasts.discard(sender_id(update))
    await _render(update, context, view)


@coordinators_only
@names(Thing.BROADCAST, Need.MANAGE)
async def broadcast_stop_tapped(update: Update, context: ChorusContext) -> None:
    """Stop a scheduled or running broadcast."""
    broadcast_id = button_int(update)
    stopped = None
    if broadcast_id is not None:
        stopped = await context.services.broadcasts.cancel(sender_id(update), broadcast_id)
    if stopped is None:
        await respond(update, say(texts.BROADCAST_CANT_STOP))
        return
    await context.bot_data.worker.drop_broadcast(stopped.id)
    progress = await context.services.broadcasts.progress(stopped.id)
    await respond(update, say(texts.BROADCAST_STOPPED, count=progress.sent if progress else 0))


_CREATE_REPLIES = {
    CreateOutcome.NOT_ALLOWED: texts.BROADCAST_NOT_ALLOWED,
    CreateOutcome.EMPTY: texts.BROADCAST_EMPTY,
    CreateOutcome.NO_AUDIENCE: texts.BROADCAST_PICK_ONE,
    CreateOutcome.NO_DRAFT: texts.BROADCAST_NO_DRAFT,
}


_SAID = {
    DraftStep.NO_GROUPS: texts.NO_MANAGED_GROUPS,
    DraftStep.NOT_ALLOWED: texts.BROADCAST_NOT_ALLOWED,
    DraftStep.EMPTY: texts.BROADCAST_EMPTY,
    DraftStep.TOO_LONG: texts.BROADCAST_TOO_LONG,
    DraftStep.ASK_WHEN: texts.BROADCAST_ASK_WHEN,
    DraftStep.DISCARDED: texts.BROADCAST_DISCARDED,
    DraftStep.STALE: texts.STALE_BUTTON,
}


async def _render(update: Update, context: ChorusContext, view: DraftView) -> None:
    """Show where the draft stands now."""
    audience = view.audience
    if view.step in (DraftStep.PICK, DraftStep.PICK_ONE):
        chosen = list(view.draft.groups) if view.draft else []
        question = (
            texts.BROADCAST_PICK if view.step is DraftStep.PICK else texts.BROADCAST_PICK_ONE
        )
        await respond(update, say(question), _picker(view, chosen))
    elif view.step is DraftStep.ASK_TEXT and audience is not None:
        shown = ", ".join(g.name for g in audience.groups)
        asked = say(texts.BROADCAST_ASK_TEXT, groups=shown, count=audience.reachable)
        # Back: the groups again, as chosen (and words typed before, kept).
        rows = way_out_rows((Action.BROADCAST_TOGGLE, ()))
        if view.draft is not None and view.draft.text:
            asked = Raw(asked + "\n\n" + say(texts.BROADCAST_WORDS_KEPT))
            keep = (label(texts.BUTTON_KEEP_MY_WORDS), callbacks.encode(Action.BROADCAST_PREVIEW))
            rows = [[keep], *rows]
        await ask_with_words(
            update, view.draft.text if view.draft else None, asked, keyboard(rows)
        )
    elif view.step is DraftStep.PREVIEW and audience is not None and view.draft is not None:
        await _preview(update, audience, view.draft.text or "")
    elif view.step is DraftStep.CONFIRM_NOW and audience is not None:
        question = say(texts.BROADCAST_CONFIRM_NOW, count=audience.reachable)
        await respond(update, question, _confirm_keys(texts.BUTTON_YES_SEND))
    elif view.step is DraftStep.CONFIRM_LATER:
        await _confirm_later(update, context, view, "")
    elif view.step is DraftStep.ASK_WHEN:
        await _ask_when(update, context, view)
    else:
        await respond(update, say(_SAID.get(view.step, texts.STALE_BUTTON), limit=MAX_TEXT))


async def _preview(update: Update, audience: Audience, text: str) -> None:
    """The message exactly as members will see it, then the choices."""
    said = member_message([g.name for g in audience.groups], text, audience.sender_name)
    await send(update, render_text(said))
    preview = say(texts.BROADCAST_PREVIEW, count=audience.reachable)
    if audience.paused:
        paused = say(texts.BROADCAST_PAUSED_NOTE, count=audience.paused)
        preview = Raw(preview + "\n\n" + paused)
    await send(update, preview, _ready_keys())


async def _ask_when(update: Update, context: ChorusContext, view: DraftView) -> None:
    """Ask when it should go, offering to keep a time typed before."""
    asked, rows = say(texts.BROADCAST_ASK_WHEN), way_out_rows((Action.BROADCAST_PREVIEW, ()))
    at = view.draft.send_at if view.draft is not None else None
    if at is not None:
        when = describe(at, context.bot_data.zone, context.services.clock.now())
        asked = Raw(asked + "\n\n" + say(texts.BROADCAST_WHEN_KEPT, when=when))
        keep = (label(texts.BUTTON_KEEP_WHEN), callbacks.encode(Action.BROADCAST_KEEP_WHEN))
        rows = [[keep], *rows]
    await respond(update, asked, keyboard(rows))


async def _confirm_later(
    update: Update, context: ChorusContext, view: DraftView, before: str
) -> None:
    audience, draft = view.audience, view.draft
    assert audience is not None and draft is not None and draft.send_at is not None
    zone, now = context.bot_data.zone, context.services.clock.now()
    when = describe(draft.send_at, zone, now)
    question = say(texts.BROADCAST_CONFIRM_LATER, count=audience.reachable, when=when)
    await respond(
        update,
        Raw(before + question),
        _confirm_keys(texts.BUTTON_YES_SCHEDULE, Action.BROADCAST_LATER),
    )


def _picker(view: DraftView, chosen: list[int]) -> InlineKeyboardMarkup:
    rows = [
        [
            (
                ("☑ " if g.id in chosen else "☐ ") + g.name,
                callbacks.encode(Action.BROADCAST_TOGGLE, g.id),
            )
        ]
        for g in view.choices
    ]
    rows.append([(label(texts.BUTTON_ALL_GROUPS), callbacks.encode(Action.BROADCAST_ALL))])
    rows.append([(label(texts.BUTTON_NEXT), callbacks.encode(Action.BROADCAST_NEXT))])
    return keyboard([*rows, *way_out_rows()])


async def _show_active(update: Update, context: ChorusContext, view: DraftView) -> None:
    active = view.active
    if not active:
        return
    zone, now = context.bot_data.zone, context.services.clock.now()
    lines, rows = [], []
    for b in active:
        preview = b.text if len(b.text) <= 30 else b.text[:29] + "…"
        state = (
            say(texts.BROADCAST_STATE_SCHEDULED, when=describe(b.send_at, zone, now))
            if b.state == "scheduled"
            else say(texts.BROADCAST_STATE_SENDING)
        )
        lines.append(say(texts.BROADCAST_ACTIVE_LINE, state=state, preview=preview))
        stop = label(texts.BUTTON_STOP_ONE, preview=preview)
        rows.append([(stop, callbacks.encode(Action.BROADCAST_STOP, b.id))])
    await send(
        update, say(texts.BROADCAST_ACTIVE_HEADER, lines=Raw("\n".join(lines))), keyboard(rows)
    )


def _ready_keys() -> InlineKeyboardMarkup:
    return keyboard(
        [
            [
                (label(texts.BUTTON_SEND_NOW), callbacks.encode(Action.BROADCAST_NOW)),
                (label(texts.BUTTON_SEND_LATER), callbacks.encode(Action.BROADCAST_LATER)),
            ],
            [(label(texts.BUTTON_CHANGE_TEXT), callbacks.encode(Action.BROADCAST_EDIT))],
            [(label(texts.BUTTON_DISCARD), callbacks.encode(Action.BROADCAST_DISCARD))],
            *way_out_rows((Action.BROADCAST_EDIT, ())),
        ]
    )


def _confirm_keys(yes: str, back: Action = Action.BROADCAST_PREVIEW) -> InlineKeyboardMarkup:
    return keyboard(
        [
            [(label(yes), callbacks.encode(Action.BROADCAST_CONFIRM))],
            # Back keeps the words typed: the message as members will see it, again.
            *way_out_rows((back, ())),
        ]
    )
