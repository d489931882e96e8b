"""Help, cancel, typed answers to a pending step, and anything not understood."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot import menus, texts
from bot.context import ChorusContext
from bot.services.groups import NEW_GROUP_STEP
from bot.services.membership import NAME_STEP
from bot.services.prompts import TEXT_STEP as PROMPT_TEXT_STEP
from bot.services.roles import Role
from bot.services.sharing import STAGES, Stage
from bot.texts import Raw, say
from handlers import (
    account,
    broadcast,
    conversations,
    groups,
    inbox,
    prompts,
    safety,
    sessions,
    share,
)
from handlers import actions as loop_actions
from handlers.common import chat_id, respond, sender_id

# Which handler takes a typed answer, by the step the person is in.
_STEPS: dict[str, Callable[[Update, ChorusContext, str], Awaitable[None]]] = {
    NAME_STEP: account.name_typed,
    NEW_GROUP_STEP: groups.group_name_typed,
    broadcast.TEXT_STEP: broadcast.broadcast_text_typed,
    broadcast.WHEN_STEP: broadcast.broadcast_when_typed,
    # Input at arm's length: every sharing step takes typed words (or explains the buttons).
    **{stage.value: share.share_text_typed for stage in Stage},
    PROMPT_TEXT_STEP: prompts.prompt_text_typed,
    # Closing the loop (J4)
    inbox.MEETING_STEP: inbox.meeting_typed,
    inbox.OUTCOME_STEP: inbox.outcome_typed,
    inbox.DUE_STEP: inbox.due_typed,
    inbox.REPLY_STEP: inbox.reply_typed,
    loop_actions.TITLE_STEP: loop_actions.action_title_typed,
    loop_actions.TEXT_STEP: loop_actions.action_text_typed,
    sessions.DRAFT_STEP: sessions.session_draft_typed,
    sessions.HOURS_STEP: sessions.session_hours_typed,
    sessions.FEEDBACK_STEP: sessions.session_comment_typed,
    # Conversations: a member's answer, a lead's message to the person of an alert
    conversations.ANSWER_STEP: conversations.conversation_answer_typed,
    conversations.WRITE_STEP: conversations.conversation_write_typed,
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
    if role >= Role.COORDINATOR:
        await menus.show(context.bot, chat_id(update), role)
    await respond(update, Raw("".join(parts)))


async def cancel_command(update: Update, context: ChorusContext) -> None:
    """Leave whatever step the person is in."""
    had_step = await context.services.membership.cancel(sender_id(update))
    await respond(update, say(texts.CANCELLED if had_step else texts.NOTHING_TO_CANCEL))


async def text_received(update: Update, context: ChorusContext) -> None:
    """Give typed words to the step waiting for them, if any."""
    message = update.effective_message
    step = await context.services.membership.current_step(sender_id(update))
    words = message.text if message is not None else None
    if words is not None and await conversations.conversation_reply_received(
        update, context, words
    ):
        return  # a reply to a coordinator's or lead's message: their answer
    if message is None or message.text is None or step is None or step.step not in _STEPS:
        # Words that suggest risk get help at once, whatever else is going on.
        if not await safety.offer_help(update, context, words) and not (
            words and await conversations.loose_words_received(update, context, words)
        ):
            await other_message(update, context)
        return
    # Sharing raises its own alerts, naming the group; so does a member's answer.
    if step.step not in STAGES and step.step != conversations.ANSWER_STEP:
        await safety.offer_help(update, context, message.text)
    await _STEPS[step.step](update, context, message.text)


async def other_message(update: Update, context: ChorusContext) -> None:
    """Explain kindly that this message was not understood (and was not passed on)."""
    role = await context.services.roles.role_of(sender_id(update))
    await respond(
        update, say(texts.NOT_UNDERSTOOD if role > Role.STRANGER else texts.START_STRANGER)
    )


async def unknown_command(update: Update, context: ChorusContext) -> None:
    """Say the command is not one Chorus knows."""
    await respond(update, say(texts.UNKNOWN_COMMAND))


async def stale_button_tapped(update: Update, context: ChorusContext) -> None:
    """Answer a button whose data is old, malformed or forged."""
    await respond(update, say(texts.STALE_BUTTON))
