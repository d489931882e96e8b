"""Journey J3: `/mine`, a member's own items, read in full or taken back."""

from __future__ import annotations

from datetime import date

from telegram import Update

from bot.context import ChorusContext
from bot.presentation import callbacks, texts
from bot.presentation.callbacks import Action
from bot.presentation.moments import DayForm, day_words
from bot.presentation.texts import Raw, label, say
from bot.services.consent import Span
from bot.services.sharing import (
    KIND_WORDS,
    MINE_PAGE,
    OWN_MEDIA_WORDS,
    STATUS_WORDS,
    Consent,
    MineEntry,
    WithdrawOutcome,
)
from bot.services.withdrawal import Place, Shape
from handlers.common import (
    ask_to_choose,
    button_args,
    button_int,
    chat_id,
    keyboard,
    respond,
    respond_long,
    send,
    sender_id,
    tapped_message_id,
)
from handlers.share import CONSENT_WORDS

_PREVIEW = 60


async def mine_command(update: Update, context: ChorusContext) -> None:
    """List the member's items, newest first."""
    await _page(update, context, 0)


async def mine_page_tapped(update: Update, context: ChorusContext) -> None:
    """Show older items."""
    await _page(update, context, button_int(update) or 0)


async def mine_read_tapped(update: Update, context: ChorusContext) -> None:
    """Show one of the member's items in full, with a button to take it back."""
    reference = _reference(update)
    entry = await context.services.sharing.read_own(sender_id(update), reference)
    if entry is None:
        await respond(update, say(texts.ITEM_NOT_FOUND))
        return
    withdraw = callbacks.encode(Action.MINE_WITHDRAW, entry.reference)
    history = callbacks.encode(Action.HISTORY, entry.item_id)
    ref = entry.reference
    rows = [
        [(label(texts.BUTTON_WHAT_HAPPENED), history)],
        [(label(texts.BUTTON_CONSENT_CHANGE), callbacks.encode(Action.MINE_CONSENT, ref))],
        [(label(texts.BUTTON_QUOTE_UNTIL), callbacks.encode(Action.MINE_QUOTE_UNTIL, ref))],
        [(label(texts.BUTTON_WHERE_QUOTED), callbacks.encode(Action.MINE_QUOTED, ref))],
        [(label(texts.BUTTON_WITHDRAW_ONE), withdraw)],
    ]
    shown = await respond_long(update, _full(entry))
    await _showing(update, context, shown, [entry.item_id], Shape.CARD)
    media = None
    if entry.media_file_id is not None and entry.media_kind == "voice":
        media = await context.bot.send_voice(chat_id(update), entry.media_file_id)
    elif entry.media_file_id is not None and entry.media_kind == "photo":
        media = await context.bot.send_photo(chat_id(update), entry.media_file_id)
    if media is not None:
        await _showing(update, context, [media.message_id], [entry.item_id], Shape.MEDIA)
    await send(update, say(texts.MINE_READ_ACTIONS), keyboard(rows))


async def _showing(
    update: Update, context: ChorusContext, shown: list[int], items: list[int], shape: Shape
) -> None:
    """Note that these messages in the member's own chat show these items' words, so taking
    one back reaches them too."""
    for message_id in shown:
        await context.services.withdrawal.shown(
            chat_id(update), message_id, items, shape, Place.MINE
        )


async def mine_withdraw_tapped(update: Update, context: ChorusContext) -> None:
    """Ask once before taking an item back."""
    reference = _reference(update)
    entry = await context.services.sharing.read_own(sender_id(update), reference)
    if entry is None:
        await respond(update, say(texts.ITEM_NOT_FOUND))
        return
    rows = [
        [
            (
                label(texts.BUTTON_WITHDRAW_YES),
                callbacks.encode(Action.MINE_WITHDRAW_YES, reference),
            )
        ],
        [(label(texts.BUTTON_WITHDRAW_NO), callbacks.encode(Action.MINE_WITHDRAW_NO))],
    ]
    question = say(texts.WITHDRAW_CONFIRM, group=entry.group_name, day=_day(entry))
    back = (Action.MINE_READ, (reference,))  # the item again
    await ask_to_choose(update, context, question, keyboard(rows), back=back)
    tapped = tapped_message_id(update)  # the list is now the question
    await _showing(update, context, [tapped] if tapped else [], [], Shape.LIST)


async def mine_withdraw_yes_tapped(update: Update, context: ChorusContext) -> None:
    """Take the item back: its words are erased and it leaves every view."""
    result = await context.services.sharing.withdraw(sender_id(update), _reference(update))
    if result.outcome is not WithdrawOutcome.WITHDRAWN:
        await respond(update, say(texts.ITEM_NOT_FOUND))
        return
    done = say(texts.WITHDRAWN_TOLD if result.coordinators_told else texts.WITHDRAWN)
    if result.voice_kept:
        done = Raw(f"{done}\n\n{say(texts.WITHDRAWN_VOICE_KEPT)}")
    await respond(update, done)


async def mine_withdraw_no_tapped(update: Update, context: ChorusContext) -> None:
    """Keep the item."""
    await respond(update, say(texts.WITHDRAW_KEPT))


_CONSENT_BUTTONS = {
    Consent.COORDINATORS: texts.BUTTON_CONSENT_COORDINATORS,
    Consent.QUOTE_ANONYMOUS: texts.BUTTON_CONSENT_QUOTE_ANONYMOUS,
    Consent.QUOTE_NAMED: texts.BUTTON_CONSENT_QUOTE_NAMED,
}
_SPAN_BUTTONS = (
    (texts.BUTTON_QUOTE_MONTH, Span.MONTH),
    (texts.BUTTON_QUOTE_QUARTER, Span.QUARTER),
    (texts.BUTTON_QUOTE_YEAR, Span.YEAR),
    (texts.BUTTON_QUOTE_NO_END, Span.NO_END),
)
_PLACE_WORDS = {Place.BOARD: texts.QUOTED_PLACE_BOARD}


async def mine_consent_tapped(update: Update, context: ChorusContext) -> None:
    """Offer the ways the item may be used, to narrow or widen it."""
    view = await context.services.consent.view(sender_id(update), _reference(update))
    if view is None:
        await respond(update, say(texts.ITEM_NOT_FOUND))
        return
    rows = [
        [
            (
                label(_CONSENT_BUTTONS[choice]),
                callbacks.encode(Action.MINE_CONSENT_SET, view.reference, choice.value),
            )
        ]
        for choice in view.choices
    ]
    question = say(texts.CONSENT_ASK, consent=say(CONSENT_WORDS[view.consent]))
    back = (Action.MINE_READ, (view.reference,))
    await ask_to_choose(update, context, question, keyboard(rows), back=back)


async def mine_consent_set_tapped(update: Update, context: ChorusContext) -> None:
    """Save how the item may be used from now on."""
    values = button_args(update)
    chosen = values[1] if len(values) > 1 else ""
    view = await context.services.consent.change(sender_id(update), _reference(update), chosen)
    if view is None:
        await respond(update, say(texts.CONSENT_NOT_ALLOWED))
        return
    await respond(update, say(texts.CONSENT_SAVED, consent=say(CONSENT_WORDS[view.consent])))


async def mine_quote_until_tapped(update: Update, context: ChorusContext) -> None:
    """Offer how long the item may go on being quoted."""
    view = await context.services.consent.view(sender_id(update), _reference(update))
    if view is None:
        await respond(update, say(texts.ITEM_NOT_FOUND))
        return
    rows = [
        [(label(word), callbacks.encode(Action.MINE_QUOTE_SET, view.reference, span.value))]
        for word, span in _SPAN_BUTTONS
    ]
    question = say(texts.QUOTE_UNTIL_ASK, until=_until(view.quote_until))
    back = (Action.MINE_READ, (view.reference,))
    await ask_to_choose(update, context, question, keyboard(rows), back=back)


async def mine_quote_set_tapped(update: Update, context: ChorusContext) -> None:
    """Save the last day the item may be quoted."""
    values = button_args(update)
    span = values[1] if len(values) > 1 else ""
    view = await context.services.consent.quote_for(sender_id(update), _reference(update), span)
    if view is None:
        await respond(update, say(texts.CONSENT_NOT_ALLOWED))
        return
    if view.quote_until is None:
        await respond(update, say(texts.QUOTE_UNTIL_SAVED_NO_END))
    else:
        await respond(update, say(texts.QUOTE_UNTIL_SAVED, day=_long_day(view.quote_until)))


async def mine_quoted_tapped(update: Update, context: ChorusContext) -> None:
    """Show the days and places the item was quoted."""
    quoted = await context.services.consent.where_quoted(sender_id(update), _reference(update))
    if quoted is None:
        await respond(update, say(texts.ITEM_NOT_FOUND))
    elif not quoted:
        await respond(update, say(texts.WHERE_QUOTED_NONE))
    else:
        lines = [
            say(
                texts.WHERE_QUOTED_LINE,
                day=day_words(q.on, DayForm.FULL),
                place=say(_PLACE_WORDS.get(q.place, texts.QUOTED_PLACE_BOARD)),
            )
            for q in quoted
        ]
        await respond(update, say(texts.WHERE_QUOTED, lines=Raw("\n".join(lines))))


def _consent(entry: MineEntry) -> Raw:
    words = say(CONSENT_WORDS[entry.consent])
    if entry.quote_until is None or entry.consent is Consent.COORDINATORS:
        return words
    return Raw(words + ", " + say(texts.QUOTE_UNTIL_DAY, day=_long_day(entry.quote_until)))


def _long_day(day: date) -> str:
    return day_words(day, DayForm.FULL)


def _until(day: date | None) -> str:
    if day is None:
        return label(texts.QUOTE_UNTIL_NONE)
    return label(texts.QUOTE_UNTIL_DAY, day=day_words(day, DayForm.FULL))


async def _page(update: Update, context: ChorusContext, offset: int) -> None:
    view = await context.services.sharing.mine(sender_id(update), offset)
    if view is None or not view.entries:
        empty = view is None or not view.total
        await respond(update, say(texts.MINE_NONE if empty else texts.ITEM_NOT_FOUND))
        return
    numbered = list(enumerate(view.entries, start=view.offset + 1))
    rows = [
        [
            (label(texts.BUTTON_READ, number=n), callbacks.encode(Action.MINE_READ, e.reference)),
            (
                label(texts.BUTTON_WITHDRAW, number=n),
                callbacks.encode(Action.MINE_WITHDRAW, e.reference),
            ),
        ]
        for n, e in numbered
    ]
    if view.offset + MINE_PAGE < view.total:
        older = callbacks.encode(Action.MINE_PAGE, view.offset + MINE_PAGE)
        rows.append([(label(texts.BUTTON_OLDER), older)])
    lines = Raw("\n\n".join(_line(number, entry) for number, entry in numbered))
    text = say(texts.MINE_HEADER, total=view.total, lines=lines)
    shown = await respond(update, text, keyboard(rows))
    items = [entry.item_id for entry in view.entries]
    await _showing(update, context, [shown] if shown else [], items, Shape.LIST)


def _line(number: int, entry: MineEntry) -> str:
    return say(
        texts.MINE_LINE,
        number=number,
        day=_day(entry),
        kind=say(KIND_WORDS[entry.kind]),
        group=entry.group_name,
        status=say(STATUS_WORDS.get(entry.status, texts.STATUS_RECEIVED)),
        anonymous=say(texts.MINE_ANONYMOUS) if not entry.named else "",
        preview=_content(entry, _PREVIEW),
    )


def _reference(update: Update) -> str:
    return (button_args(update) or [""])[0]


def _day(entry: MineEntry) -> str:
    return entry.given_on.strftime("%-d %B %Y")


def _content(entry: MineEntry, limit: int | None = None) -> Raw:
    parts = []
    if entry.media_kind is not None:
        parts.append(say(OWN_MEDIA_WORDS.get(entry.media_kind, texts.PREVIEW_PHOTO)))
    if entry.words is not None:
        words = entry.words
        if limit is not None and len(words) > limit:
            words = " ".join(words[: limit - 1].split()) + "…"
        parts.append(say(texts.PREVIEW_WORDS, words=words))
    return Raw(" ".join(parts))


def _full(entry: MineEntry) -> Raw:
    return say(
        texts.MINE_FULL,
        kind=say(KIND_WORDS[entry.kind]),
        group=entry.group_name,
        day=_day(entry),
        anonymous=say(texts.MINE_ANONYMOUS) if not entry.named else "",
        status=say(STATUS_WORDS.get(entry.status, texts.STATUS_RECEIVED)),
        consent=_consent(entry),
        reference=entry.reference,
        content=_content(entry),
    )
