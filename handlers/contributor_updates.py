"""Journey J4 for everyone: "you said, we did", an item's history, and how a member hears
about their words (a part of /settings)."""

from __future__ import annotations

from telegram import Update

from bot.context import ChorusContext
from bot.presentation import callbacks, texts
from bot.presentation.callbacks import Action
from bot.presentation.outgoing import render_text
from bot.presentation.texts import Raw, label, say
from bot.services.access import Need, Thing
from bot.services.contributor_updates import DIGEST_TIMES, DigestPreference, Rhythm, day_words
from bot.services.inbox import item_arg
from bot.services.withdrawal import Place, Shape
from handlers.common import (
    ask_to_choose,
    button_args,
    button_int,
    chat_id,
    coordinators_only,
    keyboard,
    names,
    one_group_or_ask,
    respond,
    respond_long,
    sender_id,
    tapped_message_id,
)
from handlers.common import send as send_message


async def you_said_command(update: Update, context: ChorusContext) -> None:
    """Show a group's "you said, we did" list, or ask which group."""
    groups = await context.services.you_said.groups(sender_id(update))
    pick = (Action.YOU_SAID_GROUP, texts.BOARD_PICK)
    if not await one_group_or_ask(update, context, groups, pick, _board):
        await respond(update, say(texts.BOARD_NO_GROUPS))


@names(Thing.GROUP, Need.SEE)
async def you_said_group_tapped(update: Update, context: ChorusContext) -> None:
    """Show the chosen group's list."""
    await _board(update, context, button_int(update) or 0)


@coordinators_only
@names(Thing.GROUP, Need.MANAGE)
async def you_said_send_tapped(update: Update, context: ChorusContext) -> None:
    """Ask once more before sending the list to the group."""
    group_id = button_int(update) or 0
    board = await context.services.you_said.board(sender_id(update), group_id)
    if board is None or not board.may_send:
        await respond(update, say(texts.BROADCAST_NOT_ALLOWED))
        return
    yes = (label(texts.BUTTON_BOARD_YES), callbacks.encode(Action.YOU_SAID_CONFIRM, group_id))
    await ask_to_choose(
        update, context, say(texts.BOARD_CONFIRM, group=board.group.name), keyboard([[yes]])
    )
    # The list this button was under is now the question: it shows no one's words.
    await context.services.withdrawal.shown(
        chat_id(update), tapped_message_id(update), [], Shape.LIST, Place.BOARD
    )


@coordinators_only
@names(Thing.GROUP, Need.MANAGE)
async def you_said_confirm_tapped(update: Update, context: ChorusContext) -> None:
    """Send the list to everyone in the group who gets messages."""
    sent = await context.services.you_said.send_to_group(
        sender_id(update), button_int(update) or 0
    )
    if sent is None:
        await respond(update, say(texts.BROADCAST_NOT_ALLOWED))
    elif sent.empty:
        await respond(update, say(texts.BOARD_NOTHING))
    elif sent.sent_before and not sent.queued:
        await respond(update, say(texts.BOARD_SENT_BEFORE))
    else:
        await respond(update, say(texts.BOARD_SENT, count=sent.queued))
        context.bot_data.worker.kick()


async def history_tapped(update: Update, context: ChorusContext) -> None:
    """Show everything that happened with one of the member's own items."""
    # /mine's button carries the item's id (a forged one finds nothing of the person's own).
    item_id = item_arg((button_args(update) or [""])[0])
    history = await context.services.you_said.history(sender_id(update), item_id or 0)
    if history is None:
        await respond(update, say(texts.HISTORY_GONE))
        return
    lines = [
        say(texts.HISTORY_LINE, date=day_words(line.on), text=render_text(line.said))
        for line in history.lines
    ]
    text = say(texts.HISTORY_HEADER, date=day_words(history.given_on), lines=Raw("\n".join(lines)))
    await respond_long(update, text)


async def _board(update: Update, context: ChorusContext, group_id: int) -> None:
    board = await context.services.you_said.board(sender_id(update), group_id)
    if board is None:
        await respond(update, say(texts.STALE_BUTTON))
        return
    keys = None
    if board.may_send and not board.empty:
        send = (label(texts.BUTTON_BOARD_SEND), callbacks.encode(Action.YOU_SAID_SEND, group_id))
        keys = keyboard([[send]])
    text = render_text(board.said)
    if len(text) <= texts.MAX_MESSAGE - 200:
        shown = [await respond(update, text, keys)]
    else:
        shown = list(await respond_long(update, text))
    for message_id in shown:
        await context.services.withdrawal.shown(
            chat_id(update), message_id, board.items, Shape.LIST, Place.BOARD
        )
    if len(text) <= texts.MAX_MESSAGE - 200:
        return
    if keys is not None:
        await send_message(update, say(texts.BOARD_SEND_NOTE), keys)


# --- How a member hears (from /settings) ---------------------------------------------------------


def rhythm_words(preference: DigestPreference) -> str:
    """How a member hears, in words: "as it happens", "once a day, at 18:00"…"""
    if preference.rhythm == Rhythm.DAILY:
        return label(texts.RHYTHM_DAILY, time=preference.at_time)
    if preference.rhythm == Rhythm.WEEKLY:
        day = label(texts.WEEKDAYS[preference.weekday % 7])
        return label(texts.RHYTHM_WEEKLY, day=day, time=preference.at_time)
    return label(texts.RHYTHM_NOW)


async def settings_rhythm_line(update: Update, context: ChorusContext) -> str:
    """The line /settings shows about how the member hears back."""
    preference = await context.services.contributor_updates.preference(sender_id(update))
    if preference is None:
        return ""
    return "\n" + say(texts.SETTINGS_UPDATES, rhythm=rhythm_words(preference))


def settings_rhythm_button() -> tuple[str, str]:
    """The /settings button that changes how the member hears back."""
    return (label(texts.BUTTON_RHYTHM), callbacks.encode(Action.DIGEST_PICK))


async def digest_pick_tapped(update: Update, context: ChorusContext) -> None:
    """Offer: as it happens, once a day, once a week."""
    rows = [
        [(label(word), callbacks.encode(Action.DIGEST_RHYTHM, rhythm.value))]
        for rhythm, word in (
            (Rhythm.NOW, texts.BUTTON_RHYTHM_NOW),
            (Rhythm.DAILY, texts.BUTTON_RHYTHM_DAILY),
            (Rhythm.WEEKLY, texts.BUTTON_RHYTHM_WEEKLY),
        )
    ]
    await ask_to_choose(update, context, say(texts.RHYTHM_ASK), keyboard(rows), back="settings")


async def digest_rhythm_tapped(update: Update, context: ChorusContext) -> None:
    """Save "as it happens", or ask the day (weekly) or the time (daily)."""
    values = button_args(update)
    rhythm = next((r for r in Rhythm if values and values[0] == r.value), None)
    if rhythm is None:
        await respond(update, say(texts.STALE_BUTTON))
    elif rhythm is Rhythm.NOW:
        await _save(update, context, rhythm, None, None)
    elif rhythm is Rhythm.WEEKLY:
        await digest_days_tapped(update, context)
    else:
        await _ask_time(update, context, rhythm, 0)


async def digest_days_tapped(update: Update, context: ChorusContext) -> None:
    """Ask the day of the weekly digest."""
    rows = [
        [(label(name), callbacks.encode(Action.DIGEST_DAY, index + 1))]
        for index, name in enumerate(texts.WEEKDAYS)
    ]
    question = say(texts.RHYTHM_ASK_DAY)
    await ask_to_choose(update, context, question, keyboard(rows), back="rhythm")


async def digest_day_tapped(update: Update, context: ChorusContext) -> None:
    """Ask the time of the weekly digest."""
    day = button_int(update)
    if day is None or day > 7:
        await respond(update, say(texts.STALE_BUTTON))
        return
    await _ask_time(update, context, Rhythm.WEEKLY, day)


async def digest_time_tapped(update: Update, context: ChorusContext) -> None:
    """Save the rhythm with its day and time."""
    values = button_args(update)
    rhythm = next((r for r in Rhythm if values and values[0] == r.value), None)
    day, index = button_int(update, 1), button_int(update, 2)
    if rhythm is None or day is None or index is None or index > len(DIGEST_TIMES):
        await respond(update, say(texts.STALE_BUTTON))
        return
    weekday = day - 1 if rhythm is Rhythm.WEEKLY else None
    await _save(update, context, rhythm, weekday, DIGEST_TIMES[index - 1])


async def _ask_time(update: Update, context: ChorusContext, rhythm: Rhythm, day: int) -> None:
    # Day and time travel as 1-based numbers: callback numbers never start with 0.
    rows = [
        [(at, callbacks.encode(Action.DIGEST_TIME, rhythm.value, max(day, 1), index + 1))]
        for index, at in enumerate(DIGEST_TIMES)
    ]
    back = "days" if rhythm is Rhythm.WEEKLY else "rhythm"
    await ask_to_choose(update, context, say(texts.RHYTHM_ASK_TIME), keyboard(rows), back=back)


async def _save(
    update: Update, context: ChorusContext, rhythm: Rhythm, weekday: int | None, at: str | None
) -> None:
    saved = await context.services.contributor_updates.set_preference(
        sender_id(update), rhythm, weekday, at
    )
    if saved is None:
        await respond(update, say(texts.NOT_JOINED))
        return
    await respond(update, _rhythm_saved(saved))


def _rhythm_saved(preference: DigestPreference) -> Raw:
    """How a member will hear from now on, in a whole sentence."""
    if preference.rhythm == Rhythm.DAILY:
        return say(texts.RHYTHM_SAVED_DAILY, time=preference.at_time)
    if preference.rhythm == Rhythm.WEEKLY:
        day = label(texts.WEEKDAYS[preference.weekday % 7])
        return say(texts.RHYTHM_SAVED_WEEKLY, day=day, time=preference.at_time)
    return say(texts.RHYTHM_SAVED_NOW)
