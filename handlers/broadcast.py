"""Journey J5: a coordinator writes to their groups, previews it, sends now or later."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import InlineKeyboardMarkup, Update

from bot.context import ChorusContext
from bot.presentation import callbacks, texts
from bot.presentation.callbacks import Action
from bot.presentation.outgoing import render_text
from bot.presentation.texts import Raw, label, say
from bot.services.access import Need, Thing
from bot.services.broadcasts import MAX_TEXT, CreateOutcome, member_message
from bot.services.steps import button_step
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

AUDIENCE_STEP = button_step("broadcast_audience")
TEXT_STEP = "broadcast_text"
WHEN_STEP = "broadcast_when"
READY_STEP = button_step("broadcast_ready")
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
    await _show_active(update, context)
    groups = await context.services.groups.manageable(sender_id(update))
    if not groups:
        await respond(update, say(texts.NO_MANAGED_GROUPS))
    elif len(groups) == 1:
        await _ask_text(update, context, [groups[0].id])
    else:
        await context.services.steps.begin(
            sender_id(update), chat_id(update), AUDIENCE_STEP, {"groups": []}
        )
        await respond(update, say(texts.BROADCAST_PICK), await _picker(update, context, []))


@coordinators_only
@names(Thing.GROUP, Need.MANAGE)
async def broadcast_toggle_tapped(update: Update, context: ChorusContext) -> None:
    """Add or remove a group from the audience."""
    chosen = await _draft_groups(update, context)
    group_id = button_int(update)
    if group_id is not None:
        chosen = (
            [g for g in chosen if g != group_id] if group_id in chosen else [*chosen, group_id]
        )
    await context.services.steps.begin(
        sender_id(update), chat_id(update), AUDIENCE_STEP, {"groups": chosen}
    )
    await respond(update, say(texts.BROADCAST_PICK), await _picker(update, context, chosen))


@coordinators_only
async def broadcast_all_tapped(update: Update, context: ChorusContext) -> None:
    """Choose every group the coordinator has."""
    groups = await context.services.groups.manageable(sender_id(update))
    await _ask_text(update, context, [g.id for g in groups])


@coordinators_only
async def broadcast_next_tapped(update: Update, context: ChorusContext) -> None:
    """Go on to the text, once at least one group is chosen."""
    chosen = await _draft_groups(update, context)
    if not chosen:
        await respond(update, say(texts.BROADCAST_PICK_ONE), await _picker(update, context, []))
        return
    await _ask_text(update, context, chosen)


async def broadcast_text_typed(update: Update, context: ChorusContext, text: str) -> None:
    """Show the message exactly as members will see it, with the choices."""
    draft = await _draft(update, context)
    audience = await context.services.broadcasts.audience(sender_id(update), draft["groups"])
    if audience is None:
        await respond(update, say(texts.BROADCAST_NOT_ALLOWED))
        return
    if not text.strip() or len(text) > MAX_TEXT:
        problem = texts.BROADCAST_EMPTY if not text.strip() else texts.BROADCAST_TOO_LONG
        await respond(update, say(problem, limit=MAX_TEXT))
        return
    draft["text"] = text
    await context.services.steps.begin(sender_id(update), chat_id(update), READY_STEP, draft)
    names = [g.name for g in audience.groups]
    await send(update, render_text(member_message(names, text, audience.sender_name)))
    paused = say(texts.BROADCAST_PAUSED_NOTE, paused=audience.paused) if audience.paused else ""
    preview = say(texts.BROADCAST_PREVIEW, count=audience.reachable, paused=paused)
    await send(update, preview, _ready_keys())


@coordinators_only
async def broadcast_now_tapped(update: Update, context: ChorusContext) -> None:
    """Ask once more before sending now."""
    draft = await _draft(update, context)
    audience = await context.services.broadcasts.audience(sender_id(update), draft["groups"])
    if audience is None or "text" not in draft:
        await respond(update, say(texts.STALE_BUTTON))
        return
    draft["send_at"] = None
    await context.services.steps.begin(sender_id(update), chat_id(update), READY_STEP, draft)
    question = say(texts.BROADCAST_CONFIRM_NOW, count=audience.reachable)
    await respond(update, question, _confirm_keys(texts.BUTTON_YES_SEND))


@coordinators_only
async def broadcast_later_tapped(update: Update, context: ChorusContext) -> None:
    """Ask when it should go."""
    draft = await _draft(update, context)
    if "text" not in draft:
        await respond(update, say(texts.STALE_BUTTON))
        return
    await context.services.steps.begin(sender_id(update), chat_id(update), WHEN_STEP, draft)
    await respond(update, say(texts.BROADCAST_ASK_WHEN))


async def broadcast_when_typed(update: Update, context: ChorusContext, text: str) -> None:
    """Understand the time typed, say it back in words, and ask to confirm."""
    services = context.services
    zone = context.bot_data.zone
    now = services.clock.now()
    when = parse_when(text, now, zone)
    if isinstance(when, WhenError):
        shown = when.local.strftime("%H:%M") if when.local else ""
        await respond(update, say(_WHEN_REPLIES[when.problem], time=shown))
        return
    draft = await _draft(update, context)
    audience = await services.broadcasts.audience(sender_id(update), draft.get("groups", []))
    if audience is None:
        await respond(update, say(texts.BROADCAST_NOT_ALLOWED))
        return
    draft["send_at"] = when.at.isoformat()
    await services.steps.begin(sender_id(update), chat_id(update), READY_STEP, draft)
    question = say(
        texts.BROADCAST_CONFIRM_LATER, count=audience.reachable, when=describe(when.at, zone, now)
    )
    if when.next_year:  # "1 Dec" typed on 4 December: said plainly before it is confirmed
        question = Raw(say(texts.BROADCAST_NEXT_YEAR) + question)
    await respond(update, question, _confirm_keys(texts.BUTTON_YES_SCHEDULE))


@coordinators_only
async def broadcast_confirm_tapped(update: Update, context: ChorusContext) -> None:
    """Send now, or schedule, the broadcast the coordinator confirmed."""
    draft = await _draft(update, context)
    send_at = datetime.fromisoformat(draft["send_at"]) if draft.get("send_at") else None
    # The draft ends as the broadcast is made: a second tap sends nothing more.
    groups, text = draft.get("groups", []), draft.get("text", "")
    result = await context.services.broadcasts.create(
        sender_id(update), chat_id(update), groups, text, send_at, READY_STEP
    )
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
    draft = await _draft(update, context)
    await _ask_text(update, context, draft.get("groups", []))


@coordinators_only
async def broadcast_discard_tapped(update: Update, context: ChorusContext) -> None:
    """Drop the draft; nothing is sent."""
    await context.services.steps.clear(sender_id(update))
    await respond(update, say(texts.BROADCAST_DISCARDED))


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
    await respond(update, say(texts.BROADCAST_STOPPED, sent=progress.sent if progress else 0))


_CREATE_REPLIES = {
    CreateOutcome.NOT_ALLOWED: texts.BROADCAST_NOT_ALLOWED,
    CreateOutcome.EMPTY: texts.BROADCAST_EMPTY,
    CreateOutcome.NO_AUDIENCE: texts.BROADCAST_PICK_ONE,
    CreateOutcome.NO_DRAFT: texts.BROADCAST_NO_DRAFT,
}


async def _ask_text(update: Update, context: ChorusContext, group_ids: list[int]) -> None:
    audience = await context.services.broadcasts.audience(sender_id(update), group_ids)
    if audience is None or not audience.groups:
        await respond(update, say(texts.BROADCAST_NOT_ALLOWED))
        return
    await context.services.steps.begin(
        sender_id(update), chat_id(update), TEXT_STEP, {"groups": group_ids}
    )
    names = ", ".join(g.name for g in audience.groups)
    await respond(update, say(texts.BROADCAST_ASK_TEXT, groups=names, count=audience.reachable))


async def _draft(update: Update, context: ChorusContext) -> dict[str, Any]:
    step = await context.services.steps.current(sender_id(update))
    return dict(step.data) if step is not None and step.step.startswith("broadcast") else {}


async def _draft_groups(update: Update, context: ChorusContext) -> list[int]:
    groups = (await _draft(update, context)).get("groups", [])
    return [int(g) for g in groups if isinstance(g, int)]


async def _picker(
    update: Update, context: ChorusContext, chosen: list[int]
) -> InlineKeyboardMarkup:
    groups = await context.services.groups.manageable(sender_id(update))
    rows = [
        [
            (
                ("☑ " if g.id in chosen else "☐ ") + g.name,
                callbacks.encode(Action.BROADCAST_TOGGLE, g.id),
            )
        ]
        for g in groups
    ]
    rows.append([(label(texts.BUTTON_ALL_GROUPS), callbacks.encode(Action.BROADCAST_ALL))])
    rows.append([(label(texts.BUTTON_NEXT), callbacks.encode(Action.BROADCAST_NEXT))])
    return keyboard(rows)


async def _show_active(update: Update, context: ChorusContext) -> None:
    active = await context.services.broadcasts.active(sender_id(update))
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
        ]
    )


def _confirm_keys(yes: str) -> InlineKeyboardMarkup:
    return keyboard(
        [
            [(label(yes), callbacks.encode(Action.BROADCAST_CONFIRM))],
            [(label(texts.BUTTON_BACK), callbacks.encode(Action.BROADCAST_EDIT))],
        ]
    )
