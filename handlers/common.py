"""What every handler shares: replying, keyboards, and role guards."""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable, Coroutine, Iterator, Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot import texts
from bot.context import ChorusContext
from bot.services.access import Need, Reach, Thing
from bot.services.inbox import item_arg
from bot.services.roles import Role
from bot.texts import Raw, say
from handlers import callbacks

Handler = Callable[[Update, ChorusContext], Coroutine[Any, Any, None]]


def sender_id(update: Update) -> int:
    """The Telegram id of the person who sent the update."""
    assert update.effective_user is not None
    return update.effective_user.id


def chat_id(update: Update) -> int:
    """The chat the update came from."""
    assert update.effective_chat is not None
    return update.effective_chat.id


def button_args(update: Update) -> list[str]:
    """The arguments carried by the tapped button (empty if malformed)."""
    return callbacks.args(update.callback_query.data if update.callback_query else None)


def button_int(update: Update, index: int = 0) -> int | None:
    """Argument `index` of the tapped button as a number, or None if it is not one."""
    return callbacks.int_arg(update.callback_query.data if update.callback_query else None, index)


def keyboard(
    rows: Sequence[Sequence[tuple[str, str]]],
) -> InlineKeyboardMarkup:
    """Inline buttons from rows of (label, callback data)."""
    return _keyboard(tuple(tuple(row) for row in rows))


# The same few keyboards are sent again and again (/settings, joining), and making one
# costs more than sending it; a made keyboard cannot be changed, so it can be shared.
@functools.lru_cache(maxsize=256)
def _keyboard(rows: tuple[tuple[tuple[str, str], ...], ...]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


async def respond(update: Update, text: Raw, markup: InlineKeyboardMarkup | None = None) -> None:
    """Answer the person: edit the message whose button they tapped, or send a new one."""
    query = update.callback_query
    if query is not None:
        await query.answer()
        if query.message is not None and query.message.is_accessible:
            try:
                await query.edit_message_text(text, reply_markup=markup)
                return
            except BadRequest as exc:
                if "not modified" in exc.message:
                    return
                if "not found" not in exc.message and "can't be edited" not in exc.message:
                    raise
    await send(update, text, markup)


async def ask_to_choose(
    update: Update,
    context: ChorusContext,
    text: Raw,
    markup: InlineKeyboardMarkup,
    replace: bool = False,
) -> None:
    """Show a choice of buttons, and remember that a tap, not typing, is wanted now."""
    await respond(update, text, markup)
    await context.services.steps.await_button(sender_id(update), update.update_id, replace)


async def respond_long(update: Update, text: Raw) -> None:
    """Like `respond`, but text over Telegram's limit goes on in further messages."""
    first, *rest = texts.split_message(text)
    await respond(update, Raw(first))
    for chunk in rest:
        await send(update, Raw(chunk))


async def send(update: Update, text: Raw, markup: InlineKeyboardMarkup | None = None) -> None:
    """Send a new message to the person's chat, split if longer than Telegram allows."""
    chunks = texts.split_message(text)
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        sent = await update.get_bot().send_message(
            chat_id(update), chunk, reply_markup=markup if last else None
        )
        recorded = _sent.get()
        if recorded is not None:
            recorded.append(sent.message_id)


# While set, the ids of the messages `send` sends (to find the answer to a typed text).
_sent: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("sent", default=None)


@contextlib.contextmanager
def recording() -> Iterator[list[int]]:
    """Within the block, collect the ids of the messages sent, in order."""
    sent: list[int] = []
    token = _sent.set(sent)
    try:
        yield sent
    finally:
        _sent.reset(token)


def _requires(role: Role, refusal: str) -> Callable[[Handler], Handler]:
    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(update: Update, context: ChorusContext) -> None:
            # Checked on every call: buttons come back from the phone and can be forged.
            if await context.services.roles.role_of(sender_id(update)) < role:
                await respond(update, say(refusal))
                return
            await handler(update, context)

        return guarded

    return decorate


coordinators_only = _requires(Role.COORDINATOR, texts.ONLY_COORDINATORS)
admins_only = _requires(Role.ADMIN, texts.ONLY_ADMINS)

_NOT_MEMBER = {
    Thing.GROUP: texts.NOT_IN_THAT_GROUP,
    Thing.SESSION: texts.SESSION_NOT_IN_GROUP,
    Thing.PROMPT: texts.PROMPT_NOT_IN_GROUP,
}
_NOT_THEIRS = {
    Thing.GROUP: texts.NOT_YOUR_GROUP,
    Thing.SESSION: texts.SESSION_NOT_YOURS_TO_RUN,
    Thing.ITEM: texts.ITEM_NOT_YOURS,
    Thing.ACTION: texts.ACTION_NOT_YOURS,
    Thing.BROADCAST: texts.BROADCAST_NOT_YOURS,
}


def _refusal(thing: Thing, need: Need, reach: Reach) -> str | None:
    """The true reason a button may not be used, or None if it may (or names nothing)."""
    if reach in (Reach.OK, Reach.GONE):
        return None
    if need is Need.READ:
        return texts.READ_NOT_YOURS
    if reach is Reach.NOT_MEMBER:
        return _NOT_MEMBER.get(thing, texts.NOT_IN_THAT_GROUP)
    if reach is Reach.NOT_COORDINATOR:
        return texts.ONLY_COORDINATORS
    return _NOT_THEIRS.get(thing, texts.NOT_YOUR_GROUP)


def names(thing: Thing, need: Need, index: int = 0) -> Callable[[Handler], Handler]:
    """For a button whose argument `index` names a `thing`: refuse at the first tap, with
    the true reason, if the person has no right to it (buttons can be forged)."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(update: Update, context: ChorusContext) -> None:
            values = button_args(update)
            thing_id = (
                (item_arg(values[index]) if index < len(values) else None)
                if thing is Thing.ITEM
                else button_int(update, index)
            )
            if thing_id is not None:
                access = context.services.access
                reach = await access.reach(sender_id(update), thing, thing_id, need)
                refusal = _refusal(thing, need, reach)
                if refusal is not None:
                    await respond(update, say(refusal))
                    return
            await handler(update, context)

        return guarded

    return decorate
