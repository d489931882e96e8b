"""Journey J1: arriving from an invite link, agreeing to join, and coordinator links."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot import menus
from bot.context import ChorusContext
from bot.presentation import callbacks, texts
from bot.presentation.callbacks import Action
from bot.presentation.texts import label, say
from bot.services.groups import JOIN_PREFIX
from bot.services.membership import NAME_MAX, JoinOutcome
from bot.services.roles import COORDINATOR_LINK_PREFIX, OBSERVER_LINK_PREFIX, LinkOutcome, Role
from bot.services.text_rules import clean_name
from handlers import observers
from handlers.common import button_args, chat_id, keyboard, respond, sender_id

_LINK_REPLIES = {
    LinkOutcome.MADE_COORDINATOR: texts.BECAME_COORDINATOR,
    LinkOutcome.MADE_COORDINATOR_ASK_NAME: texts.BECAME_COORDINATOR_ASK_NAME,
    LinkOutcome.ALREADY_COORDINATOR: texts.ALREADY_COORDINATOR,
    LinkOutcome.USED: texts.COORDINATOR_LINK_USED,
    LinkOutcome.EXPIRED: texts.COORDINATOR_LINK_EXPIRED,
    LinkOutcome.UNKNOWN: texts.BAD_INVITE,
}
_MADE = (LinkOutcome.MADE_COORDINATOR, LinkOutcome.MADE_COORDINATOR_ASK_NAME)


async def start_command(update: Update, context: ChorusContext) -> None:
    """Welcome someone, from an invite link, a coordinator link, or with no link."""
    payload = context.args[0] if context.args else ""
    if payload.startswith(JOIN_PREFIX):
        await _invited(update, context, payload.removeprefix(JOIN_PREFIX))
    elif payload.startswith(COORDINATOR_LINK_PREFIX):
        code = payload.removeprefix(COORDINATOR_LINK_PREFIX)
        outcome = await context.services.roles.use_coordinator_link(
            sender_id(update), chat_id(update), code
        )
        if outcome in _MADE:
            await menus.show(context.bot, chat_id(update), Role.COORDINATOR)
        keys = _name_keys(update) if outcome is LinkOutcome.MADE_COORDINATOR_ASK_NAME else None
        await respond(update, say(_LINK_REPLIES[outcome]), keys)
    elif payload.startswith(OBSERVER_LINK_PREFIX):
        await observers.observer_link_opened(
            update, context, payload.removeprefix(OBSERVER_LINK_PREFIX)
        )
    else:
        role = await context.services.roles.role_of(sender_id(update))
        if role >= Role.COORDINATOR:
            # A chat's menu can only be set once the person has opened the chat.
            await menus.show(context.bot, chat_id(update), role)
        known = role > Role.STRANGER
        await respond(update, say(texts.START_KNOWN if known else texts.START_STRANGER))


async def _invited(update: Update, context: ChorusContext, code: str) -> None:
    """Show the welcome and the consent question; nothing is stored until they say yes."""
    membership = context.services.membership
    group = await membership.group_for_code(code)
    if group is None:
        await respond(update, say(texts.BAD_INVITE))
    elif await membership.is_member(sender_id(update), group.id):
        await respond(update, say(texts.ALREADY_MEMBER, group=group.name))
    else:
        buttons = keyboard(
            [
                [(label(texts.BUTTON_JOIN), callbacks.encode(Action.JOIN, code))],
                [(label(texts.BUTTON_NOT_NOW), callbacks.encode(Action.NOT_NOW))],
            ]
        )
        await respond(update, say(texts.WELCOME, group=group.name), buttons)


async def join_tapped(update: Update, context: ChorusContext) -> None:
    """Join the group after the person agreed, then ask for the name others will see."""
    codes = button_args(update)
    result = await context.services.membership.join(
        sender_id(update), chat_id(update), codes[0] if codes else ""
    )
    if result.outcome is JoinOutcome.BAD_CODE or result.group is None:
        await respond(update, say(texts.BAD_INVITE))
    elif result.outcome is JoinOutcome.ALREADY_MEMBER:
        await respond(update, say(texts.ALREADY_MEMBER, group=result.group.name))
    elif result.first_time:
        await respond(
            update, say(texts.JOINED_ASK_NAME, group=result.group.name), _name_keys(update)
        )
    else:
        account = await context.services.membership.account(sender_id(update))
        group = result.group.name
        if account and account.display_name:
            await respond(update, say(texts.JOINED_AGAIN, group=group, name=account.display_name))
        else:
            await respond(update, say(texts.JOINED_AGAIN_NO_NAME, group=group))


async def not_now_tapped(update: Update, context: ChorusContext) -> None:
    """Say no more; nothing about the person was stored."""
    await respond(update, say(texts.NOT_NOW))


def _name_keys(update: Update) -> InlineKeyboardMarkup:
    """Buttons offering the person's Telegram first name, or no name."""
    first = update.effective_user.first_name if update.effective_user else ""
    rows: list[list[tuple[str, str]]] = []
    suggested = clean_name(first or "", NAME_MAX)
    if suggested:
        use_name = label(texts.BUTTON_USE_NAME, name=suggested)
        rows.append([(use_name, callbacks.encode(Action.NAME_FROM_TELEGRAM))])
    rows.append([(label(texts.BUTTON_NO_NAME), callbacks.encode(Action.NAME_NONE))])
    return keyboard(rows)
