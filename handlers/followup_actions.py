"""Journey J4 for coordinators: follow-up actions, the items linked to them, and their updates."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.context import ChorusContext
from bot.presentation import callbacks, texts
from bot.presentation.buttons import way_out_rows
from bot.presentation.callbacks import Action
from bot.presentation.outgoing import Value, render_text, render_words
from bot.presentation.texts import Raw, label, say
from bot.services.access import Need, Thing
from bot.services.button_text import button_title
from bot.services.followup_actions import (
    READY_STEP,
    TEXT_STEP,
    TITLE_STEP,
    ActionStatus,
    ActionView,
    status_label,
)
from bot.services.inbox import TEXT_MAX, Done, item_arg
from bot.services.withdrawal import Place, Shape
from handlers.common import (
    ask_to_choose,
    ask_to_type,
    button_args,
    button_int,
    chat_id,
    coordinators_only,
    keyboard,
    names,
    one_group_or_ask,
    respond,
    send,
    sender_id,
    tapped_message_id,
)
from handlers.inbox import DONE_REPLIES
from handlers.wording import ACTION_UPDATE, ask_with_words, note_on_words

__all__ = ["READY_STEP", "TEXT_STEP", "TITLE_STEP"]

# The latest updates shown with an action, so the view stays one message.
HISTORY_SHOWN = 8

_DONE_REPLIES = {**DONE_REPLIES, Done.NOT_ALLOWED: texts.ACTION_NOT_ALLOWED}


@coordinators_only
async def action_command(update: Update, context: ChorusContext) -> None:
    """List a group's actions, or ask which group."""
    groups = await context.services.inbox.groups(sender_id(update))
    pick = (Action.FOLLOWUP_ACTION_GROUP, texts.ACTION_GROUP_PICK)
    if not await one_group_or_ask(update, context, groups, pick, _list):
        await respond(update, say(texts.NO_MANAGED_GROUPS))


@coordinators_only
@names(Thing.GROUP, Need.MANAGE)
async def action_group_tapped(update: Update, context: ChorusContext) -> None:
    """List the chosen group's actions."""
    await _list(update, context, button_int(update) or 0)


@coordinators_only
@names(Thing.ITEM, Need.MANAGE)
async def action_pick_tapped(update: Update, context: ChorusContext) -> None:
    """From the inbox: choose the action to add the item to, or make a new one."""
    values = button_args(update)
    item_id = item_arg(values[0]) if values else None
    card = await context.services.inbox.card(sender_id(update), item_id or 0)
    if card is None:
        await respond(update, say(texts.INBOX_GONE))
        return
    actions = (
        await context.services.followup_actions.of_group(sender_id(update), card.group.id) or []
    )
    item = str(card.item.id)
    rows = [
        [(button_title(a.title), callbacks.encode(Action.FOLLOWUP_ACTION_LINK, a.id, item))]
        for a in actions[:20]
    ]
    new = label(texts.BUTTON_NEW_ACTION)
    rows.append([(new, callbacks.encode(Action.FOLLOWUP_ACTION_NEW, card.group.id, item))])
    back = (Action.INBOX_GROUP, (card.group.id,))  # the inbox again
    await ask_to_choose(update, context, say(texts.ACTION_LINK_PICK), keyboard(rows), back=back)
    # The card is now the question: it shows the item no more.
    await context.services.withdrawal.shown(
        chat_id(update), tapped_message_id(update), [], Shape.CARD, Place.INBOX
    )


@coordinators_only
@names(Thing.ACTION, Need.MANAGE)
async def action_link_tapped(update: Update, context: ChorusContext) -> None:
    """Link the item to the action chosen."""
    values = button_args(update)
    item_id = item_arg(values[1]) if len(values) > 1 else None
    action_id = button_int(update) or 0
    done = await context.services.followup_actions.link(sender_id(update), action_id, item_id or 0)
    reply = (
        texts.ACTION_LINKED if done is Done.DONE else _DONE_REPLIES.get(done, texts.STALE_BUTTON)
    )
    await respond(update, say(reply))


@coordinators_only
@names(Thing.GROUP, Need.MANAGE)
async def action_new_tapped(update: Update, context: ChorusContext) -> None:
    """Ask for the new action's title."""
    values = button_args(update)
    item = values[1] if len(values) > 1 else None
    group_id = button_int(update) or 0
    await context.services.followup_actions.begin_new(
        sender_id(update), chat_id(update), group_id, item
    )
    # Back: from the inbox, its choice of actions again; else the group's actions.
    back = (
        (Action.FOLLOWUP_ACTION_PICK, (item,))
        if item
        else (Action.FOLLOWUP_ACTION_GROUP, (group_id,))
    )
    await ask_to_type(update, context, say(texts.ACTION_ASK_TITLE), back=back)


async def action_title_typed(update: Update, context: ChorusContext, text: str) -> None:
    """Make the action (with the item it came from linked)."""
    done, action = await context.services.followup_actions.make(sender_id(update), text)
    if action is None:
        await respond(update, say(_DONE_REPLIES.get(done, texts.STALE_BUTTON), limit=120))
        return
    await respond(update, say(texts.ACTION_MADE, title=action.title))
    await _open(update, context, action.id)


@coordinators_only
@names(Thing.ACTION, Need.MANAGE)
async def action_open_tapped(update: Update, context: ChorusContext) -> None:
    """Show an action, its status and history."""
    await _open(update, context, button_int(update) or 0)


@coordinators_only
@names(Thing.ACTION, Need.MANAGE)
async def action_update_tapped(update: Update, context: ChorusContext) -> None:
    """Ask for the words of an update on the action."""
    action_id = button_int(update) or 0
    actions = context.services.followup_actions
    view = await actions.ask_update(sender_id(update), chat_id(update), action_id)
    if view is None:
        await respond(update, say(texts.ACTION_NOT_ALLOWED))
        return
    asked = say(texts.ACTION_ASK_UPDATE, title=view.action.title, limit=TEXT_MAX)
    await ask_to_type(update, context, asked, back=(Action.FOLLOWUP_ACTION_OPEN, (action_id,)))


async def action_text_typed(update: Update, context: ChorusContext, text: str) -> None:
    """Show the update as the people who gave linked items will read it."""
    actions = context.services.followup_actions
    preview = await actions.write_update(sender_id(update), chat_id(update), text)
    if preview.said is None:
        reply = _DONE_REPLIES.get(preview.done, texts.STALE_BUTTON)
        await respond(update, say(reply, limit=TEXT_MAX))
        return
    if await note_on_words(update, text, ACTION_UPDATE):
        return  # "Send it as it is" shows the preview; "Change it", the words again
    await _previewed(update, preview.said)


@coordinators_only
async def action_update_as_written_tapped(update: Update, context: ChorusContext) -> None:
    """After the note on its words: the update as its readers will see it."""
    actions = context.services.followup_actions
    preview = await actions.update_as_written(sender_id(update), chat_id(update))
    if preview.said is None:
        await respond(update, say(_DONE_REPLIES.get(preview.done, texts.STALE_BUTTON)))
        return
    await _previewed(update, preview.said)


@coordinators_only
async def action_update_change_tapped(update: Update, context: ChorusContext) -> None:
    """After the note on its words: type the update again, the words given back to change."""
    changed = await context.services.followup_actions.change_update(
        sender_id(update), chat_id(update)
    )
    if changed is None:
        await respond(update, say(texts.STALE_BUTTON))
        return
    view, words = changed
    asked = say(texts.ACTION_ASK_UPDATE, title=view.action.title, limit=TEXT_MAX)
    rows = way_out_rows((Action.FOLLOWUP_ACTION_OPEN, (view.action.id,)))
    await ask_with_words(update, words, asked, keyboard(rows))


async def _previewed(update: Update, said: Value) -> None:
    """The update as the people who gave linked items will read it, with Send and Discard."""
    await send(update, render_text(said))
    keys = [
        [(label(texts.BUTTON_SEND_IT), callbacks.encode(Action.FOLLOWUP_ACTION_SEND))],
        [(label(texts.BUTTON_DISCARD), callbacks.encode(Action.INBOX_DISCARD))],
    ]
    await send(update, say(texts.ACTION_PREVIEW_NOTE), keyboard(keys))


@coordinators_only
async def action_send_tapped(update: Update, context: ChorusContext) -> None:
    """Post the update previewed: each person with a linked item hears it once."""
    posted = await context.services.followup_actions.post_draft(sender_id(update))
    if posted.done is not Done.DONE:
        await respond(update, say(_DONE_REPLIES.get(posted.done, texts.STALE_BUTTON)))
        return
    await respond(update, say(texts.ACTION_POSTED, count=posted.reached))


@coordinators_only
@names(Thing.ACTION, Need.MANAGE)
async def action_status_ask_tapped(update: Update, context: ChorusContext) -> None:
    """Ask once more before a change of status reaches everyone linked."""
    values = button_args(update)
    status = next((s for s in ActionStatus if len(values) > 1 and values[1] == s.value), None)
    view = await context.services.followup_actions.view(sender_id(update), button_int(update) or 0)
    if status is None or view is None:
        await respond(update, say(texts.STALE_BUTTON))
        return
    a = view.action.id
    yes = (
        label(texts.BUTTON_STATUS_YES),
        callbacks.encode(Action.FOLLOWUP_ACTION_STATUS, a, status),
    )
    question = say(texts.ACTION_STATUS_ASK, title=view.action.title, status=_status_words(status))
    back = (Action.FOLLOWUP_ACTION_OPEN, (a,))
    await ask_to_choose(update, context, question, keyboard([[yes]]), back=back)


@coordinators_only
@names(Thing.ACTION, Need.MANAGE)
async def action_status_tapped(update: Update, context: ChorusContext) -> None:
    """Change the action's status; the people who gave linked items hear it."""
    values = button_args(update)
    status = next((s for s in ActionStatus if len(values) > 1 and values[1] == s.value), None)
    if status is None:
        await respond(update, say(texts.STALE_BUTTON))
        return
    action_id = button_int(update) or 0
    posted = await context.services.followup_actions.set_status(
        sender_id(update), action_id, status
    )
    if posted.done is not Done.DONE:
        await respond(update, say(_DONE_REPLIES.get(posted.done, texts.STALE_BUTTON)))
        return
    await respond(
        update, say(texts.ACTION_STATUS_SET, status=_status_words(status), count=posted.reached)
    )


async def _list(update: Update, context: ChorusContext, group_id: int) -> None:
    actions = await context.services.followup_actions.of_group(sender_id(update), group_id)
    if actions is None:
        await respond(update, say(texts.ACTION_NOT_ALLOWED))
        return
    rows = [
        [
            (
                f"{button_title(a.title, 44)} ({_status_words(a.status)})",
                callbacks.encode(Action.FOLLOWUP_ACTION_OPEN, a.id),
            )
        ]
        for a in actions[:30]
    ]
    rows.append(
        [(label(texts.BUTTON_NEW_ACTION), callbacks.encode(Action.FOLLOWUP_ACTION_NEW, group_id))]
    )
    text = say(texts.ACTION_LIST if actions else texts.ACTION_LIST_EMPTY)
    # Showing the list leaves a half-typed title or update (a typed draft is kept aside).
    await ask_to_choose(update, context, text, keyboard(rows), replace=True, back="actions")


async def _open(
    update: Update, context: ChorusContext, action_id: int, fresh: bool = False
) -> None:
    view = await context.services.followup_actions.view(sender_id(update), action_id)
    if view is None:
        await respond(update, say(texts.ACTION_NOT_ALLOWED))
        return
    back = (Action.FOLLOWUP_ACTION_GROUP, (view.action.group_id,))
    await ask_to_choose(update, context, action_text(view), _action_keys(view), True, back)


def action_text(view: ActionView) -> Raw:
    """An action as its coordinators see it."""
    history = [
        say(
            texts.ACTION_HISTORY_LINE,
            date=h.at_day,
            text=_status_words(h.status) if h.status else (h.text or ""),
        )
        for h in view.history[-HISTORY_SHOWN:]
    ]
    return say(
        texts.ACTION_VIEW,
        title=view.action.title,
        status=_status_words(view.action.status),
        items=view.items,
        history=Raw("\n".join(history)) if history else say(texts.ACTION_NO_HISTORY),
    )


def _action_keys(view: ActionView) -> InlineKeyboardMarkup:
    a = view.action.id
    statuses = [
        (_status_words(s), callbacks.encode(Action.FOLLOWUP_ACTION_STATUS_ASK, a, s.value))
        for s in ActionStatus
        if s.value != view.action.status
    ]
    return keyboard(
        [
            [
                (
                    label(texts.BUTTON_POST_UPDATE),
                    callbacks.encode(Action.FOLLOWUP_ACTION_UPDATE, a),
                )
            ],
            statuses[:2],
            statuses[2:],
            [
                (
                    label(texts.BUTTON_ALL_ACTIONS),
                    callbacks.encode(Action.FOLLOWUP_ACTION_GROUP, view.action.group_id),
                )
            ],
        ]
    )


def _status_words(status: str) -> str:
    """An action's status in words."""
    return render_words(status_label(status))
