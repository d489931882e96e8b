"""Journey J3: `/mine`, a member's own items, read in full or taken back."""

from __future__ import annotations

from telegram import Update

from bot.context import ChorusContext
from bot.presentation import callbacks, texts
from bot.presentation.callbacks import Action
from bot.presentation.texts import Raw, label, say
from bot.services.sharing import KIND_WORDS, MINE_PAGE, STATUS_WORDS, MineEntry, WithdrawOutcome
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
)
from handlers.share import CONSENT_WORDS

_PREVIEW = 60
_MEDIA_WORDS = {"voice": texts.MEDIA_VOICE, "photo": texts.MEDIA_PHOTO}


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
    rows = [
        [(label(texts.BUTTON_WHAT_HAPPENED), history)],
        [(label(texts.BUTTON_WITHDRAW_ONE), withdraw)],
    ]
    await respond_long(update, _full(entry))
    if entry.media_file_id is not None and entry.media_kind == "voice":
        await context.bot.send_voice(chat_id(update), entry.media_file_id)
    elif entry.media_file_id is not None and entry.media_kind == "photo":
        await context.bot.send_photo(chat_id(update), entry.media_file_id)
    await send(update, say(texts.MINE_READ_ACTIONS), keyboard(rows))


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
    await ask_to_choose(update, context, question, keyboard(rows))


async def mine_withdraw_yes_tapped(update: Update, context: ChorusContext) -> None:
    """Take the item back: its words are erased and it leaves every view."""
    result = await context.services.sharing.withdraw(sender_id(update), _reference(update))
    if result.outcome is not WithdrawOutcome.WITHDRAWN:
        await respond(update, say(texts.ITEM_NOT_FOUND))
        return
    await respond(
        update, say(texts.WITHDRAWN_TOLD if result.coordinators_told else texts.WITHDRAWN)
    )


async def mine_withdraw_no_tapped(update: Update, context: ChorusContext) -> None:
    """Keep the item."""
    await respond(update, say(texts.WITHDRAW_KEPT))


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
    await respond(update, say(texts.MINE_HEADER, total=view.total, lines=lines), keyboard(rows))


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
        parts.append(
            say(
                texts.PREVIEW_MEDIA,
                media=say(_MEDIA_WORDS.get(entry.media_kind, texts.MEDIA_PHOTO)),
            )
        )
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
        consent=say(CONSENT_WORDS[entry.consent]),
        reference=entry.reference,
        content=_content(entry),
    )
