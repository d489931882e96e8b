"""Handlers: one module per journey. `register` adds them all, in order."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.presentation import callbacks
from bot.presentation.callbacks import Action
from handlers import (
    account,
    admin,
    broadcast,
    contributor_updates,
    conversations,
    followup_actions,
    general,
    groups,
    inbox,
    involvement,
    language,
    mine,
    observers,
    payments,
    presence,
    prompts,
    reports,
    rights,
    safety,
    sessions,
    share,
    start,
)
from handlers.common import Handler

_BUTTONS: dict[Action, Handler] = {
    Action.JOIN: start.join_tapped,
    Action.NOT_NOW: start.not_now_tapped,
    Action.STEP_STOP: general.step_stop_tapped,
    Action.STEP_BACK: general.step_back_tapped,
    Action.DRAFT_KEEP: share.draft_keep_tapped,
    Action.DRAFT_DROP: share.draft_drop_tapped,
    Action.WORDING_AS_IS: general.wording_as_is_tapped,
    Action.WORDING_CHANGE: general.wording_change_tapped,
    Action.NAME_FROM_TELEGRAM: account.name_from_telegram_tapped,
    Action.NAME_NONE: account.name_none_tapped,
    Action.NAME_TYPE: account.name_change_tapped,
    Action.PAUSE: account.pause_tapped,
    Action.RESUME: account.resume_tapped,
    Action.LEAVE_PICK: account.leave_pick_tapped,
    Action.LEAVE_YES: account.leave_yes_tapped,
    Action.LEAVE_NO: account.leave_no_tapped,
    Action.LEAVE_WITH: account.leave_with_tapped,
    Action.MEMBER_REMOVE: groups.member_remove_tapped,
    Action.MEMBER_REMOVE_YES: groups.member_remove_yes_tapped,
    Action.MEMBER_REMOVE_NO: groups.member_remove_no_tapped,
    Action.MEMBER_REASON_SKIP: groups.member_reason_skip_tapped,
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
    Action.BROADCAST_PREVIEW: broadcast.broadcast_preview_tapped,
    Action.BROADCAST_KEEP_WHEN: broadcast.broadcast_keep_when_tapped,
    Action.QUIET_PICK: account.quiet_pick_tapped,
    Action.QUIET_SET: account.quiet_set_tapped,
    Action.QUIET_TYPE: account.quiet_type_tapped,
    # Input at arm's length (J3) and safeguarding (J6)
    Action.SHARE_CARRY_ON: share.share_carry_on_tapped,
    Action.SHARE_START_AGAIN: share.share_start_again_tapped,
    Action.SHARE_GROUP: share.share_group_tapped,
    Action.SHARE_KIND: share.share_kind_tapped,
    Action.SHARE_PROMPT: share.share_prompt_tapped,
    Action.SHARE_SESSION: share.share_session_tapped,
    Action.SHARE_SESSION_PICK: share.share_session_picked,
    Action.SHARE_NAMED: share.share_named_tapped,
    Action.SHARE_CONSENT: share.share_consent_tapped,
    Action.SHARE_SKIP: share.share_skip_tapped,
    Action.SHARE_BACK: share.share_back_tapped,
    Action.SHARE_CHANGE_WORDS: share.share_change_words_tapped,
    Action.SHARE_DISCARD: share.share_discard_tapped,
    Action.SHARE_SEND: share.share_send_tapped,
    Action.PROMPT_RESPOND: share.prompt_respond_tapped,
    Action.MINE_PAGE: mine.mine_page_tapped,
    Action.MINE_READ: mine.mine_read_tapped,
    Action.MINE_WITHDRAW: mine.mine_withdraw_tapped,
    Action.MINE_WITHDRAW_YES: mine.mine_withdraw_yes_tapped,
    Action.MINE_WITHDRAW_NO: mine.mine_withdraw_no_tapped,
    Action.MINE_CONSENT: mine.mine_consent_tapped,
    Action.MINE_CONSENT_SET: mine.mine_consent_set_tapped,
    Action.MINE_QUOTE_UNTIL: mine.mine_quote_until_tapped,
    Action.MINE_QUOTE_SET: mine.mine_quote_set_tapped,
    Action.MINE_QUOTED: mine.mine_quoted_tapped,
    Action.PROMPT_GROUP: prompts.prompt_group_tapped,
    Action.PROMPT_END: prompts.prompt_end_tapped,
    Action.PROMPT_POST: prompts.prompt_post_tapped,
    Action.PROMPT_DISCARD: prompts.prompt_discard_tapped,
    Action.PROMPT_BACK: prompts.prompt_back_tapped,
    Action.PROMPT_KEEP_WORDS: prompts.prompt_keep_words_tapped,
    Action.READ_GROUP: observers.read_group_tapped,
    Action.SAFETY_YES: safety.safety_yes_tapped,
    Action.SAFETY_NO: safety.safety_no_tapped,
    Action.LEAD_TOGGLE: safety.lead_toggle_tapped,
    Action.SAFETY_CARRY_ON: general.carry_on_tapped,
    Action.ALERT_TAKE: safety.alert_take_tapped,
    Action.ALERT_CLOSE: safety.alert_close_tapped,
    Action.OBSERVERS_GROUP: observers.observers_group_tapped,
    Action.OBSERVER_LINK: observers.observer_link_tapped,
    Action.OBSERVER_REMOVE: observers.observer_remove_tapped,
    # Closing the loop (J4)
    Action.INBOX_GROUP: inbox.inbox_group_tapped,
    Action.INBOX_FILTER: inbox.inbox_filter_tapped,
    Action.INBOX_NEXT: inbox.inbox_next_tapped,
    Action.INBOX_ACK: inbox.inbox_ack_tapped,
    Action.INBOX_CONSIDER: inbox.inbox_consider_tapped,
    Action.INBOX_MEETING: inbox.inbox_meeting_tapped,
    Action.INBOX_OUTCOME: inbox.inbox_outcome_tapped,
    Action.INBOX_OUTCOME_KIND: inbox.inbox_outcome_kind_tapped,
    Action.INBOX_REPLY: inbox.inbox_reply_tapped,
    Action.INBOX_SEND: inbox.inbox_send_tapped,
    Action.INBOX_DISCARD: inbox.inbox_discard_tapped,
    Action.INBOX_MEDIA: inbox.inbox_media_tapped,
    Action.INBOX_DAYS: inbox.inbox_days_tapped,
    Action.INBOX_DAYS_SET: inbox.inbox_days_set_tapped,
    Action.INBOX_KEEP_WORDS: inbox.inbox_keep_words_tapped,
    Action.YOU_SAID_GROUP: contributor_updates.you_said_group_tapped,
    Action.YOU_SAID_SEND: contributor_updates.you_said_send_tapped,
    Action.YOU_SAID_CONFIRM: contributor_updates.you_said_confirm_tapped,
    Action.HISTORY: contributor_updates.history_tapped,
    Action.FOLLOWUP_ACTION_GROUP: followup_actions.action_group_tapped,
    Action.FOLLOWUP_ACTION_OPEN: followup_actions.action_open_tapped,
    Action.FOLLOWUP_ACTION_NEW: followup_actions.action_new_tapped,
    Action.FOLLOWUP_ACTION_PICK: followup_actions.action_pick_tapped,
    Action.FOLLOWUP_ACTION_LINK: followup_actions.action_link_tapped,
    Action.FOLLOWUP_ACTION_UPDATE: followup_actions.action_update_tapped,
    Action.FOLLOWUP_ACTION_STATUS: followup_actions.action_status_tapped,
    Action.FOLLOWUP_ACTION_STATUS_ASK: followup_actions.action_status_ask_tapped,
    Action.FOLLOWUP_ACTION_SEND: followup_actions.action_send_tapped,
    Action.DIGEST_PICK: contributor_updates.digest_pick_tapped,
    Action.DIGEST_RHYTHM: contributor_updates.digest_rhythm_tapped,
    Action.DIGEST_DAY: contributor_updates.digest_day_tapped,
    Action.DIGEST_TIME: contributor_updates.digest_time_tapped,
    # Group sessions
    Action.SESSION_ANSWER: sessions.session_answer_tapped,
    Action.SESSION_CALENDAR: sessions.session_calendar_tapped,
    Action.SESSION_GROUP: sessions.session_group_tapped,
    Action.SESSION_SKIP: sessions.session_skip_tapped,
    Action.SESSION_BACK: sessions.session_back_tapped,
    Action.SESSION_KEEP_ANSWER: sessions.session_keep_answer_tapped,
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
    Action.SESSION_FEEDBACK_NAME: sessions.session_feedback_name_tapped,
    Action.SESSION_FEEDBACK_SEND: sessions.session_feedback_send_tapped,
    Action.SESSION_FEEDBACK_SKIP: sessions.session_feedback_skip_tapped,
    Action.SESSION_FEEDBACK_USE: sessions.session_feedback_use_tapped,
    Action.SESSION_FEEDBACK_BACK: sessions.session_feedback_back_tapped,
    Action.SESSION_YEAR_YES: sessions.session_year_yes_tapped,
    Action.SESSION_YEAR_NO: sessions.session_year_no_tapped,
    # Conversations
    Action.CONV_ANSWER: conversations.conversation_answer_tapped,
    Action.CONV_MEMBER_END: conversations.conversation_member_end_tapped,
    Action.CONV_REPLY: conversations.conversation_reply_tapped,
    Action.CONV_STAFF_END: conversations.conversation_staff_end_tapped,
    Action.CONV_WRITE: conversations.conversation_write_tapped,
    Action.CONV_SEND_LOOSE: conversations.conversation_send_loose_tapped,
    Action.CONV_DROP_LOOSE: conversations.conversation_drop_loose_tapped,
    # Data rights (J7)
    Action.FORGET_YES: rights.forget_yes_tapped,
    Action.FORGET_NO: rights.forget_no_tapped,
    # Involvement payment and recognition (J8)
    Action.PAY_GROUP: payments.pay_group_tapped,
    Action.PAY_BASIS: payments.pay_basis_tapped,
    Action.PAY_EXPENSES: payments.pay_expenses_tapped,
    Action.PAY_PAYEES: payments.pay_payees_tapped,
    Action.PAY_PAYEE: payments.pay_payee_tapped,
    Action.PAY_CHOOSE: payments.pay_choose_tapped,
    Action.PAY_CHOICE: payments.pay_choice_tapped,
    Action.PAY_CLAIM: payments.claim_command,
    Action.PAY_CLAIM_SESSION: payments.pay_claim_session_tapped,
    Action.PAY_APPROVE: payments.pay_approve_tapped,
    Action.PAY_QUERY: payments.pay_query_tapped,
    Action.PAY_RECEIPT: payments.pay_receipt_tapped,
    Action.PAY_KEEP_AMOUNT: payments.pay_keep_amount_tapped,
    Action.PAY_FINANCE_GROUP: payments.pay_finance_group_tapped,
    Action.PAY_FINANCE: payments.pay_finance_tapped,
    Action.MYINV: involvement.myinvolvement_command,
    Action.MYINV_CERTIFICATE: involvement.myinvolvement_certificate_tapped,
    Action.REPORT_PERIOD: reports.report_period_tapped,
    Action.REPORT_GROUP: reports.report_group_tapped,
    Action.LANGUAGE_PICK: language.language_command,
    Action.LANGUAGE_SET: language.language_set_tapped,
    Action.EASY_READ: language.easy_read_tapped,
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
    # Input at arm's length (J3) and safeguarding (J6)
    "share": share.share_command,
    "mine": mine.mine_command,
    "prompt": prompts.prompt_command,
    "read": observers.read_command,
    "observers": observers.observers_command,
    "support": safety.support_command,
    "leads": safety.leads_command,
    # Closing the loop (J4)
    "inbox": inbox.inbox_command,
    "action": followup_actions.action_command,
    "updates": contributor_updates.you_said_command,
    "sessions": sessions.sessions_command,
    "newsession": sessions.newsession_command,
    "hours": sessions.hours_command,
    # Data rights (J7)
    "privacy": rights.privacy_command,
    "mydata": rights.mydata_command,
    "forgetme": rights.forgetme_command,
    # Involvement payment and recognition (J8)
    "payments": payments.payments_command,
    "finance": payments.finance_command,
    "claim": payments.claim_command,
    "myinvolvement": involvement.myinvolvement_command,
    # Evidence (J8)
    "report": reports.report_command,
    # Languages and easy read
    "language": language.language_command,
}


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add every handler. Chorus works in private chats only; other chats are ignored."""
    private = filters.ChatType.PRIVATE
    _register_around(application, private)
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
    # Voice notes, photos, stickers and files: taken by a draft, or kindly refused.
    media = (
        filters.VOICE
        | filters.PHOTO
        | filters.Sticker.ALL
        | filters.Document.ALL
        | filters.AUDIO
        | filters.VIDEO
        | filters.VIDEO_NOTE
        | filters.ANIMATION
    )
    application.add_handler(MessageHandler(private & media, share.share_media_received))
    application.add_handler(
        MessageHandler(private & ~filters.StatusUpdate.ALL, general.other_message)
    )


def _register_around(
    application: Application[Any, Any, Any, Any, Any, Any], private: filters.BaseFilter
) -> None:
    """The handlers that run before (group -1) and after (group 1) everything else."""
    # Before anything: the language the sender is answered in (and, after everything, the
    # language Telegram gave for someone new, kept).
    application.add_handler(TypeHandler(Update, language.language_update_arrived), group=-2)
    application.add_handler(TypeHandler(Update, language.language_update_done), group=2)
    # First of all: a tap with no message to answer in (an inline message, or one too old
    # for Telegram to send) is answered on the phone and goes no further; an edited
    # message is never taken as new input (risk words in it still get help); words after a
    # command get help before the command runs.
    application.add_handler(CallbackQueryHandler(general.detached_button_tapped), group=-1)
    application.add_handler(
        MessageHandler(private & filters.UpdateType.EDITED, general.edited_received), group=-1
    )
    application.add_handler(
        MessageHandler(
            private & filters.COMMAND & filters.UpdateType.MESSAGE,
            general.command_words_received,
        ),
        group=-1,
    )
    # A photo (or any file) sent while an expenses claim waits for its receipt.
    application.add_handler(
        MessageHandler(
            private & filters.UpdateType.MESSAGE & ~filters.TEXT & ~filters.COMMAND,
            payments.pay_receipt_received,
        ),
        group=-1,
    )
    # Last of all, after the tap's or command's own handler has written what it did.
    application.add_handler(CallbackQueryHandler(general.choice_ended), group=1)
    application.add_handler(
        MessageHandler(private & filters.COMMAND, general.choice_ended), group=1
    )
