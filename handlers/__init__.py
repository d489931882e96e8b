"""Handlers: one module per journey. `register` adds them all, in order."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from handlers import account, admin, callbacks, general, groups, start
from handlers.callbacks import Action
from handlers.common import Handler

_BUTTONS: dict[Action, Handler] = {
    Action.JOIN: start.join_tapped,
    Action.NOT_NOW: start.not_now_tapped,
    Action.NAME_FROM_TELEGRAM: account.name_from_telegram_tapped,
    Action.NAME_NONE: account.name_none_tapped,
    Action.NAME_TYPE: account.name_change_tapped,
    Action.PAUSE: account.pause_tapped,
    Action.RESUME: account.resume_tapped,
    Action.LEAVE_PICK: account.leave_pick_tapped,
    Action.LEAVE_YES: account.leave_yes_tapped,
    Action.LEAVE_NO: account.leave_no_tapped,
    Action.INVITE_PICK: groups.invite_pick_tapped,
    Action.INVITE_RENEW: groups.invite_renew_tapped,
    Action.MEMBERS_PICK: groups.members_pick_tapped,
    Action.COORDINATOR_LINK: admin.coordinator_link_tapped,
    Action.COORDINATOR_REMOVE: admin.coordinator_remove_tapped,
}

_COMMANDS: dict[str, Handler] = {
    "start": start.start_command,
    "help": general.help_command,
    "cancel": general.cancel_command,
    "settings": account.settings_command,
    "leave": account.leave_command,
    "newgroup": groups.newgroup_command,
    "invite": groups.invite_command,
    "members": groups.members_command,
    "coordinators": admin.coordinators_command,
}


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add every handler. Chorus works in private chats only; other chats are ignored."""
    private = filters.ChatType.PRIVATE
    for name, callback in _COMMANDS.items():
        application.add_handler(CommandHandler(name, callback, filters=private))
    for action, callback in _BUTTONS.items():
        application.add_handler(CallbackQueryHandler(callback, pattern=callbacks.pattern(action)))
    # Order matters from here: these catch what nothing above matched.
    application.add_handler(CallbackQueryHandler(general.stale_button_tapped))
    application.add_handler(MessageHandler(private & filters.COMMAND, general.unknown_command))
    application.add_handler(MessageHandler(private & filters.TEXT, general.text_received))
    application.add_handler(
        MessageHandler(private & ~filters.StatusUpdate.ALL, general.other_message)
    )
