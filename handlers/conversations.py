"""Conversations: a member answers a coordinator's reply or a lead's message (with the Reply
button or by replying to the message), and coordinators and leads answer back or end it."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update

from bot.context import ChorusContext
from bot.presentation import callbacks, texts
from bot.presentation.buttons import way_out_rows
from bot.presentation.callbacks import Action
from bot.presentation.texts import Raw, label, say
from bot.services.conversations import (
    ANSWER_STEP,
    TEXT_MAX,
    WRITE_STEP,
    Reader,
    Result,
    Said,
)
from bot.services.roles import Role
from handlers import inbox, safety
from handlers.common import (
    button_args,
    chat_id,
    coordinators_only,
    keyboard,
    respond,
    send,
    sender_id,
)
from handlers.wording import LEAD_WRITE, ask_with_words, note_on_words

__all__ = ["ANSWER_STEP", "WRITE_STEP"]

_SAID = {
    Said.CLOSED: texts.CONVERSATION_CLOSED,
    Said.UNKNOWN: texts.CONVERSATION_UNKNOWN,
    Said.EMPTY: texts.CONVERSATION_EMPTY,
    Said.TOO_LONG: texts.CONVERSATION_TOO_LONG,
    Said.NOT_ALLOWED: texts.CONVERSATION_NOT_ALLOWED,
    Said.UNREACHABLE: texts.CONVERSATION_UNREACHABLE,
}


def reader_line(reader: Reader | None) -> Raw:
    """Who will read the member's words, in one plain line."""
    if reader is None or reader.alert:
        return say(texts.CONVERSATION_READER_LEAD)
    if reader.anonymous:
        return say(texts.CONVERSATION_READER_ANONYMOUS, group=reader.group or "")
    return say(texts.CONVERSATION_READER_NAMED, group=reader.group or "")


def answered_conversation(message: Message | None, action: Action) -> str | None:
    """The conversation a message replies to: the one whose button (`action`: the member's
    or the coordinators' Reply) the message replied to carries."""
    replied = message.reply_to_message if message is not None else None
    markup = replied.reply_markup if replied is not None else None
    for row in markup.inline_keyboard if markup is not None else ():
        for button in row:
            data = button.callback_data if isinstance(button.callback_data, str) else None
            if data and data.startswith(action.value + ":"):
                values = callbacks.args(data)
                return values[0] if values else None
    return None


# --- The member's side -----------------------------------------------------------------------


async def conversation_answer_tapped(update: Update, context: ChorusContext) -> None:
    """The member tapped Reply: say who will read it, and wait for their words."""
    values = button_args(update)
    conversations = context.services.conversations
    result = await conversations.start_answer(
        sender_id(update), chat_id(update), values[0] if values else ""
    )
    if result.said is Said.DONE:
        ask = say(texts.CONVERSATION_ASK, reader=reader_line(result.reader), limit=TEXT_MAX)
        await _new(update, ask)
        return
    await _new(update, _refusal(result))


async def conversation_answer_typed(update: Update, context: ChorusContext, text: str) -> None:
    """The member's answer, typed after Reply: send it on."""
    target = await context.services.conversations.waiting_for(sender_id(update))
    await safety.offer_help(update, context, text)  # help first; the answer still goes
    result = await context.services.conversations.answer(sender_id(update), target, text)
    await _after_answer(update, result)


async def conversation_reply_received(update: Update, context: ChorusContext, text: str) -> bool:
    """Words sent as a reply to a message the member can answer; True if they were taken."""
    target = answered_conversation(update.effective_message, Action.CONV_ANSWER)
    if target is None:
        return await _staff_reply_received(update, context, text)
    await safety.offer_help(update, context, text)  # help first, whatever else happens
    result = await context.services.conversations.answer(sender_id(update), target, text)
    await _after_answer(update, result)
    return True


async def loose_words_received(update: Update, context: ChorusContext, text: str) -> bool:
    """Words typed outside any step by a member with an open conversation: offer to send
    them as their answer (kept sealed until they say); True if offered."""
    conversations = context.services.conversations
    result = await conversations.newest_open(sender_id(update))
    if result.said is not Said.DONE or result.conversation_id is None:
        return False
    await conversations.keep_loose(
        sender_id(update), chat_id(update), result.conversation_id, text
    )
    keys = keyboard(
        [
            [(label(texts.BUTTON_SEND_TO_THEM), callbacks.encode(Action.CONV_SEND_LOOSE))],
            [(label(texts.BUTTON_KEEP_LOOSE), callbacks.encode(Action.CONV_DROP_LOOSE))],
        ]
    )
    await send(update, say(texts.CONVERSATION_LOOSE_ASK, reader=reader_line(result.reader)), keys)
    return True


async def conversation_send_loose_tapped(update: Update, context: ChorusContext) -> None:
    """Send the words typed outside any step as the member's answer."""
    result = await context.services.conversations.send_loose(sender_id(update))
    await _after_answer(update, result, replace=True)


async def conversation_drop_loose_tapped(update: Update, context: ChorusContext) -> None:
    """Do not send the words typed outside any step."""
    await context.services.steps.clear(sender_id(update))
    await respond(update, say(texts.CONVERSATION_LOOSE_DROPPED))


async def conversation_member_end_tapped(update: Update, context: ChorusContext) -> None:
    """The member ends the conversation."""
    values = button_args(update)
    conversations = context.services.conversations
    result = await conversations.end_by_member(sender_id(update), values[0] if values else "")
    await _new(update, _ended(result, texts.CONVERSATION_YOU_ENDED))


# --- The coordinators' and leads' side -------------------------------------------------------


@coordinators_only
async def conversation_write_tapped(update: Update, context: ChorusContext) -> None:
    """A lead chose to write to the person of an alert: ask for their words."""
    values = button_args(update)
    conversations = context.services.conversations
    result = await conversations.write_to_alert(
        sender_id(update), chat_id(update), values[0] if values else ""
    )
    done = result.said is Said.DONE
    await _new(
        update, say(texts.CONVERSATION_WRITE_ASK, limit=TEXT_MAX) if done else _refusal(result)
    )


@coordinators_only
async def conversation_reply_tapped(update: Update, context: ChorusContext) -> None:
    """Reply under a member's answer: the inbox's reply for an item, a message for an alert."""
    values = button_args(update)
    who, chat = sender_id(update), chat_id(update)
    result = await context.services.conversations.start_reply(
        who, chat, values[0] if values else ""
    )
    if result.said is not Said.DONE or result.conversation_id is None:
        await _new(update, _refusal(result))
    elif result.reader is None:  # an item: the inbox's reply, previewed, takes over
        await context.services.inbox_drafts.begin_reply(who, chat, result.conversation_id)
        await _new(update, say(texts.REPLY_ASK, limit=TEXT_MAX))
    else:
        await _new(update, say(texts.CONVERSATION_WRITE_ASK, limit=TEXT_MAX))


async def conversation_write_typed(update: Update, context: ChorusContext, text: str) -> None:
    """A lead's words to the person of an alert: kept, noted first if they may be hard to
    read, else sent through the sealed address."""
    if await context.services.roles.role_of(sender_id(update)) < Role.COORDINATOR:
        await send(update, say(texts.CONVERSATION_NOT_ALLOWED))
        return
    conversations = context.services.conversations
    held = await conversations.hold(sender_id(update), chat_id(update), text)
    if held.said is Said.DONE and await note_on_words(update, text, LEAD_WRITE):
        return  # "Send it as it is" sends them; "Change it" gives them back
    result = await conversations.send_held(sender_id(update)) if held.said is Said.DONE else held
    await _written(update, result)


@coordinators_only
async def conversation_write_as_is_tapped(update: Update, context: ChorusContext) -> None:
    """After the note on a lead's words: send them as they are."""
    await _written(update, await context.services.conversations.send_held(sender_id(update)))


@coordinators_only
async def conversation_write_change_tapped(update: Update, context: ChorusContext) -> None:
    """After the note on a lead's words: type them again, the words given back to change."""
    conversations = context.services.conversations
    words = await conversations.change_held(sender_id(update), chat_id(update))
    if words is None:
        await respond(update, say(texts.STALE_BUTTON))
        return
    asked = say(texts.CONVERSATION_WRITE_ASK, limit=TEXT_MAX)
    await ask_with_words(update, words, asked, keyboard(way_out_rows()))


async def _written(update: Update, result: Result) -> None:
    """Say the lead's words went (with a way to end the conversation), or why not."""
    if result.said is Said.DONE:
        target = result.conversation_id or ""
        await send(update, say(texts.CONVERSATION_WRITE_SENT), _end_keys(target))
        return
    await send(update, _refusal(result))


async def _staff_reply_received(update: Update, context: ChorusContext, text: str) -> bool:
    """A coordinator's or lead's words sent as a reply to a member's answer: the inbox's
    reply (previewed) for an item, a message for an alert; True if they were taken."""
    target = answered_conversation(update.effective_message, Action.CONV_REPLY)
    if target is None:
        return False
    who, chat = sender_id(update), chat_id(update)
    if await context.services.roles.role_of(who) < Role.COORDINATOR:
        await send(update, say(texts.ONLY_COORDINATORS))
        return True
    result = await context.services.conversations.start_reply(who, chat, target)
    if result.said is not Said.DONE or result.conversation_id is None:
        await send(update, _refusal(result))
    elif result.reader is None:  # an item: shown as its author will read it, before it goes
        await context.services.inbox_drafts.begin_reply(who, chat, result.conversation_id)
        await inbox.reply_typed(update, context, text)
    else:
        await conversation_write_typed(update, context, text)
    return True


@coordinators_only
async def conversation_staff_end_tapped(update: Update, context: ChorusContext) -> None:
    """A coordinator or lead ends the conversation; the member is told."""
    values = button_args(update)
    conversations = context.services.conversations
    result = await conversations.end_by_staff(sender_id(update), values[0] if values else "")
    await _new(update, _ended(result, texts.CONVERSATION_STAFF_ENDED))


# --- Helpers -----------------------------------------------------------------------------


async def _after_answer(update: Update, result: Result, replace: bool = False) -> None:
    """Say the answer went, or why not; `replace` the message whose button was tapped."""
    answer = respond if replace else _new
    if result.said is Said.DONE:
        await answer(update, say(texts.CONVERSATION_SENT, reader=reader_line(result.reader)))
        return
    await answer(update, _refusal(result))


def _ended(result: Result, done: str) -> Raw:
    if result.said is Said.DONE:
        return say(done)
    if result.said is Said.CLOSED:
        return say(texts.CONVERSATION_ALREADY_ENDED)
    return _refusal(result)


def _refusal(result: Result) -> Raw:
    return say(_SAID.get(result.said, texts.CONVERSATION_UNKNOWN), limit=TEXT_MAX)


def _end_keys(conversation_id: str) -> InlineKeyboardMarkup | None:
    if not conversation_id:
        return None
    data = callbacks.encode(Action.CONV_STAFF_END, conversation_id)
    return keyboard([[(label(texts.BUTTON_CONVERSATION_END), data)]])


async def _new(update: Update, text: Raw, markup: InlineKeyboardMarkup | None = None) -> None:
    """A new message: the one whose button was tapped keeps the words it carries."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    await send(update, text, markup)
