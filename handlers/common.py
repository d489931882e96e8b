"""What every handler shares: replying, keyboards, and role guards."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import html
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Sequence
from typing import Any, Protocol

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, NetworkError

from bot.context import ChorusContext
from bot.errors import note_answered, was_answered
from bot.intake.journal import handled_again_until_done
from bot.presentation import callbacks, texts
from bot.presentation.buttons import Back, way_out_rows
from bot.presentation.texts import Raw, label, say
from bot.services.access import Need, Reach, Thing
from bot.services.inbox import item_arg
from bot.services.roles import Role

logger = logging.getLogger(__name__)

# Telegram shows at most 200 characters in the note that answers a tap.
CALLBACK_ANSWER_MAX = 200

Handler = Callable[[Update, ChorusContext], Coroutine[Any, Any, None]]


def sender_id(update: Update) -> int:
    """The Telegram id of the person who sent the update."""
    assert update.effective_user is not None
    return update.effective_user.id


def chat_id(update: Update) -> int:
    """The chat the update came from."""
    assert update.effective_chat is not None
    return update.effective_chat.id


def tapped_message_id(update: Update) -> int | None:
    """The id of the message whose button was tapped (None for a typed update)."""
    query = update.callback_query
    return query.message.message_id if query is not None and query.message is not None else None


def button_args(update: Update) -> list[str]:
    """The arguments carried by the tapped button (empty if malformed)."""
    return callbacks.args(update.callback_query.data if update.callback_query else None)


def button_int(update: Update, index: int = 0) -> int | None:
    """Argument `index` of the tapped button as a number, or None if it is not one."""
    return callbacks.int_arg(update.callback_query.data if update.callback_query else None, index)


def distinct_names(people: Sequence[tuple[int, str | None]], unnamed: str) -> dict[int, str]:
    """Each person's name as shown in a list, told apart where two would read the same."""
    shown = {person_id: name or unnamed for person_id, name in people}
    counts = Counter(shown.values())
    return {
        person_id: label(texts.NAME_TOLD_APART, name=name, number=person_id)
        if counts[name] > 1
        else name
        for person_id, name in shown.items()
    }


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


async def respond(
    update: Update, text: Raw, markup: InlineKeyboardMarkup | None = None
) -> int | None:
    """Answer the person: edit the message whose button they tapped, or send a new one.
    The id of the message that now says it (None if unknown)."""
    query = update.callback_query
    if query is not None:
        message = query.message
        if isinstance(message, Message) and _shows(message, text, markup):
            # The tap would change nothing on screen; say so, or it looks ignored: a short
            # message (a refusal, a question) is said again, a long one is pointed at.
            plain = message.text or ""
            fits = len(plain) <= CALLBACK_ANSWER_MAX
            await answer_tap(update, plain if fits else label(texts.ALREADY_SHOWN))
            return message.message_id
        await answer_tap(update)
        if message is not None and message.is_accessible:
            try:
                await query.edit_message_text(text, reply_markup=markup)
                return message.message_id
            except BadRequest as exc:
                if "not modified" in exc.message:
                    return message.message_id
                if "not found" not in exc.message and "can't be edited" not in exc.message:
                    raise
            except NetworkError:
                # Telegram failed (a 5xx) or did not answer in time: the person gets the
                # reply as a new message rather than nothing (at worst, it shows twice).
                pass
    return await send(update, text, markup)


def _shows(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> bool:
    """True if the message already shows this text and these buttons."""
    # python-telegram-bot escapes quotes in text_html; Chorus's texts leave them as they are.
    shown = message.text_html.replace("&#x27;", "'").replace("&quot;", '"')
    return shown == text and message.reply_markup == markup


async def answer_tap(update: Update, note: str | None = None) -> None:
    """Answer the tapped button's query (stop its spinner, with a short `note` if given),
    once: Telegram refuses a second."""
    query = update.callback_query
    if query is None or was_answered(query.id):
        return
    note_answered(query.id)
    try:
        await query.answer(note)
    except NetworkError as exc:
        # Too old (a tap handled again after a restart), or Telegram failed: only the
        # button's spinner is left; the reply still comes.
        logger.info("could not answer a button's query: %s", type(exc).__name__)


async def ask_to_choose(
    update: Update,
    context: ChorusContext,
    text: Raw,
    markup: InlineKeyboardMarkup,
    replace: bool = False,
    back: Back | None = None,
) -> None:
    """Show a choice of buttons, and remember that a tap, not typing, is wanted now. Under
    the choice: Back to the step before (`back`, if this is not the first) and Stop."""
    extra = [
        [InlineKeyboardButton(label, callback_data=data) for label, data in row]
        for row in way_out_rows(back)
    ]
    markup = InlineKeyboardMarkup([*markup.inline_keyboard, *extra])
    await respond(update, text, markup)
    steps = context.services.steps
    await steps.await_button(sender_id(update), update.update_id, replace, chat_id(update))


# What comes once a group is known (the only one, or the one tapped): show it, or ask on.
Chosen = Callable[[Update, ChorusContext, int], Awaitable[None]]


class NamedGroup(Protocol):
    """A group as a list of groups to choose from shows it."""

    @property
    def id(self) -> int:
        """The group's id."""
        ...

    @property
    def name(self) -> str:
        """The group's name."""
        ...


async def one_group_or_ask(
    update: Update,
    context: ChorusContext,
    groups: Sequence[NamedGroup],
    pick: tuple[callbacks.Action, str],
    chosen: Chosen,
    replace: bool = False,
) -> bool:
    """Go on with the only group, or ask which of them (`pick`: the buttons' action and the
    question; `replace`: an unfinished step is dropped, as choosing the one group would).
    False, with nothing said, when there is none."""
    if len(groups) == 1:
        await chosen(update, context, groups[0].id)
    elif groups:
        action, question = pick
        rows = [[(g.name, callbacks.encode(action, g.id))] for g in groups]
        await ask_to_choose(update, context, say(question), keyboard(rows), replace)
    return bool(groups)


async def pick_managed_group(
    update: Update,
    context: ChorusContext,
    action: callbacks.Action,
    question: str,
    chosen: Chosen,
    replace: bool = False,
) -> None:
    """Go on with the coordinator's one group, or ask which of their groups (each a button of
    `action`; `replace`: an unfinished step is dropped, as choosing the one group would)."""
    groups = await context.services.groups.manageable(sender_id(update))
    if not await one_group_or_ask(update, context, groups, (action, question), chosen, replace):
        await respond(update, say(texts.NO_MANAGED_GROUPS))


async def ask_to_type(
    update: Update, context: ChorusContext, text: Raw, back: Back | None = None
) -> None:
    """Ask for typed words (the step is already waiting), with Back (`back`) and Stop
    buttons under the question."""
    rows = way_out_rows(back)
    await respond(update, text, keyboard(rows))


async def respond_long(update: Update, text: Raw) -> list[int]:
    """Like `respond`, but text over Telegram's limit goes on in further messages; the ids
    of the messages that say it."""
    first, *rest = texts.split_message(text)
    shown = [await respond(update, Raw(first))]
    for chunk in rest:
        shown.append(await send(update, Raw(chunk)))
    return [message_id for message_id in shown if message_id is not None]


async def notice(update: Update, text: str) -> None:
    """A short notice (plain text) over the message whose button was tapped, which stays
    as it is; for anything else, a new message."""
    if update.callback_query is not None:
        await answer_tap(update, text)
        return
    await send(update, Raw(html.escape(text, quote=False)))


async def send(
    update: Update, text: Raw, markup: InlineKeyboardMarkup | None = None
) -> int | None:
    """Send a new message to the person's chat, split if longer than Telegram allows; the
    id of the first message sent."""
    chunks = texts.split_message(text)
    first = None
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        sent = await update.get_bot().send_message(
            chat_id(update), chunk, reply_markup=markup if last else None
        )
        first = sent.message_id if first is None else first
        recorded = _sent.get()
        if recorded is not None:
            recorded.append(sent.message_id)
    return first


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


def replayable(handler: Handler) -> Handler:
    """For a handler whose effect is the same however often it runs: its update is kept
    until it has replied, so a crash in between handles it again and the person hears."""

    @functools.wraps(handler)
    async def kept_until_replied(update: Update, context: ChorusContext) -> None:
        handled_again_until_done()
        await handler(update, context)

    return kept_until_replied


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
