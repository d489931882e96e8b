"""Command menus: each role sees its own list (setMyCommands with a chat scope)."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import BadRequest, Forbidden

from bot.presentation import texts
from bot.presentation.languages import LANGUAGES, SOURCE_LANGUAGE, Reader, reading_for
from bot.presentation.texts import label
from bot.services.roles import MenuTarget, Role

logger = logging.getLogger(__name__)

_MEMBER = [
    ("sessions", texts.MENU_SESSIONS),
    ("share", texts.MENU_SHARE),
    ("mine", texts.MENU_MINE),
    ("updates", texts.MENU_UPDATES),
    ("support", texts.MENU_SUPPORT),
    ("settings", texts.MENU_SETTINGS),
    ("language", texts.MENU_LANGUAGE),
    ("leave", texts.MENU_LEAVE),
    ("privacy", texts.MENU_PRIVACY),
    ("mydata", texts.MENU_MYDATA),
    ("myinvolvement", texts.MENU_MYINVOLVEMENT),
    ("claim", texts.MENU_CLAIM),
    ("forgetme", texts.MENU_FORGETME),
    ("help", texts.MENU_HELP),
    ("cancel", texts.MENU_CANCEL),
]
_COORDINATOR = [
    ("newgroup", texts.MENU_NEWGROUP),
    ("invite", texts.MENU_INVITE),
    ("members", texts.MENU_MEMBERS),
    ("broadcast", texts.MENU_BROADCAST),
    ("prompt", texts.MENU_PROMPT),
    ("read", texts.MENU_READ),
    ("inbox", texts.MENU_INBOX),
    ("action", texts.MENU_ACTION),
    ("newsession", texts.MENU_NEWSESSION),
    ("hours", texts.MENU_HOURS),
    ("payments", texts.MENU_PAYMENTS),
    ("finance", texts.MENU_FINANCE),
    ("report", texts.MENU_REPORT),
]
_ADMIN = [
    ("coordinators", texts.MENU_COORDINATORS),
    ("observers", texts.MENU_OBSERVERS),
    ("leads", texts.MENU_LEADS),
]


def commands_for(role: Role) -> list[BotCommand]:
    """The menu a person with `role` sees."""
    entries = list(_MEMBER)
    if role >= Role.COORDINATOR:
        entries += _COORDINATOR
    if role is Role.ADMIN:
        entries += _ADMIN
    return [BotCommand(name, label(description)) for name, description in entries]


async def show(bot: Bot, chat_id: int, role: Role) -> None:
    """Give this chat the menu for `role` (members fall back to the default menu)."""
    scope = BotCommandScopeChat(chat_id)
    try:
        if role >= Role.COORDINATOR:
            await bot.set_my_commands(commands_for(role), scope=scope)
        else:
            await bot.delete_my_commands(scope=scope)
    except (BadRequest, Forbidden) as exc:
        # A chat that never started the bot has no menu to set; it gets one on first use.
        logger.info("menu for chat %d not set: %s", chat_id, type(exc).__name__)


async def show_all(bot: Bot, targets: list[MenuTarget]) -> None:
    """Set the default menu, then each admin's and coordinator's own."""
    await bot.set_my_commands(commands_for(Role.MEMBER), scope=BotCommandScopeDefault())
    # The same menu in each other language, for people whose Telegram app is set to it.
    for language in LANGUAGES:
        if language != SOURCE_LANGUAGE:
            with reading_for(Reader(language)):
                commands = commands_for(Role.MEMBER)
            await bot.set_my_commands(
                commands, scope=BotCommandScopeDefault(), language_code=language
            )
    for target in targets:
        await show(bot, target.chat_id, target.role)
