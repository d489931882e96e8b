"""Admins: making coordinators with one-time links, and taking the role back."""

from __future__ import annotations

from telegram import Update

from bot import menus
from bot.context import ChorusContext
from bot.presentation import callbacks, texts
from bot.presentation.callbacks import Action
from bot.presentation.texts import Raw, label, say
from bot.services.roles import Role
from handlers.common import (
    admins_only,
    button_int,
    distinct_names,
    keyboard,
    respond,
    sender_id,
)


@admins_only
async def coordinators_command(update: Update, context: ChorusContext) -> None:
    """List the coordinators, with buttons to remove one or make a link for a new one."""
    entries = await context.services.roles.coordinators(sender_id(update)) or []
    rows = []
    lines = []
    names = distinct_names(
        [(e.person_id, e.display_name) for e in entries], label(texts.UNNAMED_COORDINATOR)
    )
    for entry in entries:
        name = names[entry.person_id]
        lines.append(say(texts.COORDINATOR_LINE, name=name))
        remove = callbacks.encode(Action.COORDINATOR_REMOVE, entry.person_id)
        rows.append([(label(texts.BUTTON_REMOVE_COORDINATOR, name=name), remove)])
    rows.append([(label(texts.BUTTON_NEW_COORDINATOR), callbacks.encode(Action.COORDINATOR_LINK))])
    text = (
        say(texts.COORDINATORS_LIST, lines=Raw("\n".join(lines)))
        if lines
        else say(texts.COORDINATORS_NONE)
    )
    await respond(update, text, keyboard(rows))


@admins_only
async def coordinator_link_tapped(update: Update, context: ChorusContext) -> None:
    """Make a one-time link that turns whoever opens it into a coordinator."""
    payload = await context.services.roles.new_coordinator_link(sender_id(update))
    if payload is None:
        await respond(update, say(texts.ONLY_ADMINS))
        return
    await respond(update, say(texts.COORDINATOR_LINK, link=context.start_link(payload)))


@admins_only
async def coordinator_remove_tapped(update: Update, context: ChorusContext) -> None:
    """Take the coordinator role back from someone."""
    person_id = button_int(update)
    chat = None
    if person_id is not None:
        chat = await context.services.roles.remove_coordinator(sender_id(update), person_id)
    if chat is None:
        await respond(update, say(texts.COORDINATOR_NOT_FOUND))
        return
    await menus.show(context.bot, chat, Role.MEMBER)
    await respond(update, say(texts.COORDINATOR_REMOVED))
