"""Handlers: one module per journey. `register` adds them all, in order."""

from __future__ import annotations

from typing import Any

from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from handlers import (
    account,
    admin,
    broadcast,
    callbacks,
    general,
    groups,
    presence,
    sessions,
    start,
)
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
    Action.BROADCAST_TOGGLE: broadcast.broadcast_toggle_tapped,
    Action.BROADCAST_ALL: broadcast.broadcast_all_tapped,
    Action.BROADCAST_NEXT: broadcast.broadcast_next_tapped,
    Action.BROADCAST_NOW: broadcast.broadcast_now_tapped,
    Action.BROADCAST_LATER: broadcast.broadcast_later_tapped,
    Action.BROADCAST_EDIT: broadcast.broadcast_edit_tapped,
    Action.BROADCAST_CONFIRM: broadcast.broadcast_confirm_tapped,
    Action.BROADCAST_DISCARD: broadcast.broadcast_discard_tapped,
    Action.BROADCAST_STOP: broadcast.broadcast_stop_tapped,
    Action.QUIET_PICK: account.quiet_pick_tapped,
    Action.QUIET_SET: account.quiet_set_tapped,
    # Group sessions
    Action.SESSION_ANSWER: sessions.session_answer_tapped,
    Action.SESSION_CALENDAR: sessions.session_calendar_tapped,
    Action.SESSION_GROUP: sessions.session_group_tapped,
    Action.SESSION_SKIP: sessions.session_skip_tapped,
    Action.SESSION_SAVE: sessions.session_save_tapped,
    Action.SESSION_DISCARD: sessions.session_discard_tapped,
    Action.SESSION_MANAGE: sessions.session_manage_tapped,
    Action.SESSION_EDIT: sessions.session_edit_tapped,
    Action.SESSION_EDIT_FIELD: sessions.session_edit_field_tapped,
    Action.SESSION_CANCEL: sessions.session_cancel_tapped,
    Action.SESSION_CANCEL_YES: sessions.session_cancel_yes_tapped,
    Action.SESSION_KEEP: sessions.session_keep_tapped,
    Action.SESSION_ATTENDANCE: sessions.session_attendance_tapped,
    Action.SESSION_MARK: sessions.session_mark_tapped,
    Action.SESSION_ADD: sessions.session_add_tapped,
    Action.SESSION_ADD_PERSON: sessions.session_add_person_tapped,
    Action.SESSION_HOURS: sessions.session_hours_tapped,
    Action.SESSION_DONE: sessions.session_done_tapped,
    Action.SESSION_EXPORT_GROUP: sessions.session_export_group_tapped,
    Action.SESSION_EXPORT: sessions.session_export_tapped,
    Action.SESSION_RATE: sessions.session_rate_tapped,
    Action.SESSION_FEEDBACK_SEND: sessions.session_feedback_send_tapped,
    Action.SESSION_FEEDBACK_SKIP: sessions.session_feedback_skip_tapped,
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
    "broadcast": broadcast.broadcast_command,
    "sessions": sessions.sessions_command,
    "newsession": sessions.newsession_command,
    "hours": sessions.hours_command,
}


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add every handler. Chorus works in private chats only; other chats are ignored."""
    private = filters.ChatType.PRIVATE
    for name, callback in _COMMANDS.items():
        application.add_handler(CommandHandler(name, callback, filters=private))
    for action, callback in _BUTTONS.items():
        application.add_handler(CallbackQueryHandler(callback, pattern=callbacks.pattern(action)))
    application.add_handler(
        ChatMemberHandler(presence.chat_member_changed, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    # Order matters from here: these catch what nothing above matched.
    application.add_handler(CallbackQueryHandler(general.stale_button_tapped))
    application.add_handler(MessageHandler(private & filters.COMMAND, general.unknown_command))
    application.add_handler(MessageHandler(private & filters.TEXT, general.text_received))
    application.add_handler(
        MessageHandler(private & ~filters.StatusUpdate.ALL, general.other_message)
    )
