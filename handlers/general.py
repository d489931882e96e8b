"""Help, cancel, typed answers to a pending step, and anything not understood."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop

from bot import menus
from bot.context import ChorusContext
from bot.presentation import texts
from bot.presentation.texts import Raw, label, say
from bot.services.groups import NEW_GROUP_STEP
from bot.services.membership import NAME_STEP, REASON_STEP
from bot.services.prompts import TEXT_STEP as PROMPT_TEXT_STEP
from bot.services.quiet_hours import QUIET_STEP
from bot.services.roles import Role
from bot.services.safety import NOTE_STEP
from bot.services.sharing import STAGES, ShareStage
from bot.services.steps import StepRow, Stopped
from handlers import (
    account,
    broadcast,
    contributor_updates,
    conversations,
    followup_actions,
    groups,
    inbox,
    payments,
    prompts,
    reports,
    safety,
    sessions,
    share,
    wording,
)
from handlers.common import answer_tap, button_args, chat_id, recording, respond, send, sender_id

# Which handler takes a typed answer, by the step the person is in.
_STEPS: dict[str, Callable[[Update, ChorusContext, str], Awaitable[None]]] = {
    NAME_STEP: account.name_typed,
    QUIET_STEP: account.quiet_typed,
    NEW_GROUP_STEP: groups.group_name_typed,
    REASON_STEP: groups.member_reason_typed,
    broadcast.TEXT_STEP: broadcast.broadcast_text_typed,
    broadcast.WHEN_STEP: broadcast.broadcast_when_typed,
    # Input at arm's length: every sharing step takes typed words (or explains the buttons).
    **{stage.value: share.share_text_typed for stage in ShareStage},
    PROMPT_TEXT_STEP: prompts.prompt_text_typed,
    # Closing the loop (J4)
    inbox.MEETING_STEP: inbox.meeting_typed,
    inbox.OUTCOME_STEP: inbox.outcome_typed,
    inbox.DUE_STEP: inbox.due_typed,
    inbox.REPLY_STEP: inbox.reply_typed,
    followup_actions.TITLE_STEP: followup_actions.action_title_typed,
    followup_actions.TEXT_STEP: followup_actions.action_text_typed,
    sessions.DRAFT_STEP: sessions.session_draft_typed,
    sessions.HOURS_STEP: sessions.session_hours_typed,
    sessions.FEEDBACK_STEP: sessions.session_comment_typed,
    # Conversations: a member's answer, a lead's message to the person of an alert
    conversations.ANSWER_STEP: conversations.conversation_answer_typed,
    conversations.WRITE_STEP: conversations.conversation_write_typed,
    NOTE_STEP: safety.alert_note_typed,
    # Involvement payment: rates, expenses, payee references, claims, questions on claims
    **payments.STEPS,
}


def typed_steps() -> frozenset[str]:
    """The names of every step that waits for typed words."""
    return frozenset(_STEPS)


# Steps where a member writes. Risk words there get the safety reply alone, and the step
# waits behind one "Carry on" button; they are not taken as the step's answer (a name).
# Sharing, the question after a meeting and a member's answer in a conversation raise
# their own alerts. Every other step is a coordinator's or lead's own writing, which is
# not a disclosure.
_MEMBER_STEPS = {NAME_STEP, *payments.MEMBER_STEPS}
# After the safety reply, "Carry on with what I was writing" shows the waiting step again.
_CARRY_ON: dict[str, Callable[[Update, ChorusContext], Awaitable[None]]] = {
    NAME_STEP: account.name_carry_on,
    sessions.FEEDBACK_STEP: sessions.session_feedback_carry_on,
    **{stage.value: share.share_writing_carry_on for stage in ShareStage},
    **payments.CARRY_ON,
}


async def help_command(update: Update, context: ChorusContext) -> None:
    """List what this person can do, by their role."""
    role = await context.services.roles.role_of(sender_id(update))
    if role is Role.STRANGER:
        await respond(update, say(texts.START_STRANGER))
        return
    parts = [say(texts.HELP_MEMBER)]
    if role >= Role.COORDINATOR:
        parts.append(say(texts.HELP_COORDINATOR))
    if role is Role.ADMIN:
        parts.append(say(texts.HELP_ADMIN))
        if not await context.services.safety.lead_is_set():
            parts.append(say(texts.HELP_NO_LEAD))
    if role >= Role.COORDINATOR:
        await menus.show(context.bot, chat_id(update), role)
    await respond(update, Raw("".join(parts)))


_STOPPED = {
    Stopped.NOTHING: texts.NOTHING_TO_CANCEL,
    Stopped.STOPPED: texts.CANCELLED,
    Stopped.DRAFT_BACK: texts.CANCELLED_DRAFT_KEPT,
}


async def cancel_command(update: Update, context: ChorusContext) -> None:
    """Leave whatever step the person is in."""
    stopped = await context.services.steps.stop(sender_id(update))
    await respond(update, say(_STOPPED[stopped]))


async def step_stop_tapped(update: Update, context: ChorusContext) -> None:
    """Leave the step whose Stop button was tapped, as /cancel does."""
    stopped = await context.services.steps.stop(sender_id(update))
    # A Stop under buttons already answered still says that nothing is going on.
    await respond(update, say(_STOPPED[stopped]))


# Where a step's Back button goes, by the name the step gave (`way_out_rows(back=...)`):
# the step waiting is left, then the screen before it is shown again.
BACK_TO: dict[str, Callable[[Update, ChorusContext], Awaitable[None]]] = {
    "settings": account.settings_command,
    "quiet": account.quiet_pick_tapped,
    "leave": account.leave_command,
    "rhythm": contributor_updates.digest_pick_tapped,
    "days": contributor_updates.digest_days_tapped,
    "actions": followup_actions.action_command,
    "newsession": sessions.newsession_command,
    "report": reports.report_command,
    "payments": payments.payments_command,
    "claim": payments.claim_command,
}


# After a note on a coordinator's words: going on with them as they are, or changing them.
_WORDING_AS_IS: dict[str, Callable[[Update, ChorusContext], Awaitable[None]]] = {
    wording.BROADCAST: broadcast.broadcast_preview_tapped,
    wording.PROMPT: prompts.prompt_as_written_tapped,
    wording.REPLY: inbox.inbox_reply_as_written_tapped,
    wording.ACTION_UPDATE: followup_actions.action_update_as_written_tapped,
    wording.LEAD_WRITE: conversations.conversation_write_as_is_tapped,
}
_WORDING_CHANGE: dict[str, Callable[[Update, ChorusContext], Awaitable[None]]] = {
    wording.BROADCAST: broadcast.broadcast_edit_tapped,
    wording.PROMPT: prompts.prompt_back_tapped,
    wording.REPLY: inbox.inbox_reply_change_tapped,
    wording.ACTION_UPDATE: followup_actions.action_update_change_tapped,
    wording.LEAD_WRITE: conversations.conversation_write_change_tapped,
}


async def wording_as_is_tapped(update: Update, context: ChorusContext) -> None:
    """Go on with words that may be hard to read, as they are."""
    values = button_args(update)
    target = _WORDING_AS_IS.get(values[0]) if values else None
    await (target or stale_button_tapped)(update, context)


async def wording_change_tapped(update: Update, context: ChorusContext) -> None:
    """Change words that may be hard to read: asked for again, with them given back."""
    values = button_args(update)
    target = _WORDING_CHANGE.get(values[0]) if values else None
    await (target or stale_button_tapped)(update, context)


async def step_back_tapped(update: Update, context: ChorusContext) -> None:
    """Go back to the screen before this step."""
    values = button_args(update)
    target = BACK_TO.get(values[0]) if values else None
    if target is None:
        await respond(update, say(texts.STALE_BUTTON))
        return
    await context.services.steps.clear(sender_id(update))
    await target(update, context)


async def text_received(update: Update, context: ChorusContext) -> None:
    """Give typed words to the step waiting for them, if any."""
    message = update.effective_message
    step = await context.services.membership.current_step(sender_id(update))
    if await _continued(update, context, step):
        return
    words = message.text if message is not None else None
    if words is not None and await conversations.conversation_reply_received(
        update, context, words
    ):
        return  # a reply to a coordinator's or lead's message: their answer
    if words and step and context.services.steps.asks_for_a_tap(step):
        # A tap is wanted here, not words; help comes first all the same.
        if not await safety.offer_help(update, context, words):
            await respond(update, say(texts.CHOOSE_WITH_BUTTONS))
        return
    if message is None or message.text is None or step is None or step.step not in _STEPS:
        # Words that suggest risk get help at once, whatever else is going on.
        if not await safety.offer_help(update, context, words) and not (
            words and await conversations.loose_words_received(update, context, words)
        ):
            await other_message(update, context)
        return
    if step.step in _MEMBER_STEPS and await safety.offer_help(update, context, message.text, True):
        return
    await _take_typed(update, context, step.step, message.text)


async def _take_typed(update: Update, context: ChorusContext, step: str, text: str) -> None:
    """Give the text to its step, noting the answer in case the text is a long message's
    first part (its answer is then replaced by the answer to the whole)."""
    with recording() as sent:
        await _STEPS[step](update, context, text)
    if sent:
        context.services.long_messages.answered(sender_id(update), sent[-1])


async def _continued(update: Update, context: ChorusContext, step: StepRow | None) -> bool:
    """A later part of a long message Telegram split: the step the first part was typed at
    takes the whole text again. False if this is a message of its own."""
    message = update.effective_message
    if message is None or message.text is None:
        return False
    joined = context.services.long_messages.take(
        sender_id(update), message.text, message.date, step
    )
    if not joined.continued or joined.step is None or joined.step.step not in _STEPS:
        return False
    await context.services.steps.restore(sender_id(update), joined.step)
    # Help for this part's words first (sharing checks the whole text itself).
    member_step = joined.step.step in _MEMBER_STEPS
    if member_step and await safety.offer_help(update, context, message.text, True):
        return True
    await _take_typed(update, context, joined.step.step, joined.text)
    if joined.earlier_answer is not None:
        # One answer for one message: the answer to its first part goes.
        with contextlib.suppress(BadRequest):
            await context.bot.delete_message(chat_id(update), joined.earlier_answer)
    return True


async def carry_on_tapped(update: Update, context: ChorusContext) -> None:
    """After the safety reply: show again the step the person was on."""
    step = await context.services.membership.current_step(sender_id(update))
    if update.callback_query is not None and (step is None or step.step not in STAGES):
        await answer_tap(update)  # sharing answers it itself
    if step is None or step.step not in _CARRY_ON:
        await send(update, say(texts.NOTHING_TO_CARRY_ON))
        return
    await _CARRY_ON[step.step](update, context)


async def command_words_received(update: Update, context: ChorusContext) -> None:
    """Words after a command ("/help i want to die") get the safety reply first; the
    command then runs as usual."""
    message = update.effective_message
    text = message.text if message is not None else None
    words = text.split(maxsplit=1)[1] if text and len(text.split(maxsplit=1)) > 1 else None
    await safety.offer_help(update, context, words)


async def edited_received(update: Update, context: ChorusContext) -> None:
    """An edited message is not taken as new input; risk words in it still get help."""
    message = update.effective_message
    words = (message.text or message.caption) if message is not None else None
    await safety.offer_help(update, context, words)
    await send(update, say(texts.EDIT_NOT_PICKED_UP))
    raise ApplicationHandlerStop


async def other_message(update: Update, context: ChorusContext) -> None:
    """Explain kindly that this message was not understood (and was not passed on)."""
    role = await context.services.roles.role_of(sender_id(update))
    await respond(
        update, say(texts.NOT_UNDERSTOOD if role > Role.STRANGER else texts.START_STRANGER)
    )


async def unknown_command(update: Update, context: ChorusContext) -> None:
    """Say the command is not one Chorus knows."""
    await respond(update, say(texts.UNKNOWN_COMMAND))


async def detached_button_tapped(update: Update, context: ChorusContext) -> None:
    """Answer a button tapped on a message Chorus cannot see, and stop there."""
    query = update.callback_query
    if query is None or query.message is not None:
        return  # a button in the person's chat: the button's own handler answers it
    await query.answer(label(texts.BUTTON_WITHOUT_MESSAGE))
    raise ApplicationHandlerStop


async def choice_ended(update: Update, context: ChorusContext) -> None:
    """After a tap or a command: a choice of buttons asked before it no longer waits, and
    what is typed next starts a new message."""
    context.services.long_messages.forget(sender_id(update))
    await context.services.steps.end_choice(sender_id(update), update.update_id)
    # A draft just put aside for the step this started: asked about, never lost silently.
    await share.ask_about_kept(update, context)


async def stale_button_tapped(update: Update, context: ChorusContext) -> None:
    """Answer a button whose data is old, malformed or forged."""
    await respond(update, say(texts.STALE_BUTTON))
