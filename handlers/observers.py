"""Observers and reading: an admin makes someone an observer of a group; coordinators and
observers read what members shared (`/read`), observers never seeing who wrote it."""

from __future__ import annotations

from telegram import Update

from bot.context import ChorusContext
from bot.presentation import callbacks, texts
from bot.presentation.callbacks import Action
from bot.presentation.moments import DayForm, day_words
from bot.presentation.outgoing import render_words
from bot.presentation.texts import Raw, label, say
from bot.services.access import Need, Thing
from bot.services.roles import ObserverOutcome
from bot.services.sharing import KIND_WORDS, STATUS_WORDS, ReaderItem
from bot.services.withdrawal import Place, Shape
from handlers.common import (
    admins_only,
    ask_to_choose,
    button_int,
    chat_id,
    keyboard,
    names,
    one_group_or_ask,
    respond,
    respond_long,
    sender_id,
)

# Someone else's item: "a voice note", never "your".
_MEDIA_WORDS = {"voice": texts.READ_VOICE, "photo": texts.READ_PHOTO}
_LINK_REPLIES = {
    ObserverOutcome.MADE_OBSERVER: texts.BECAME_OBSERVER,
    ObserverOutcome.ALREADY_OBSERVER: texts.ALREADY_OBSERVER,
    ObserverOutcome.USED: texts.COORDINATOR_LINK_USED,
    ObserverOutcome.EXPIRED: texts.COORDINATOR_LINK_EXPIRED,
    ObserverOutcome.UNKNOWN: texts.BAD_INVITE,
}


async def observer_link_opened(update: Update, context: ChorusContext, code: str) -> None:
    """Someone opened an observer link (`/start o-<code>`)."""
    outcome, group = await context.services.roles.use_observer_link(
        sender_id(update), chat_id(update), code
    )
    await respond(update, say(_LINK_REPLIES[outcome], group=group.name if group else ""))


async def read_command(update: Update, context: ChorusContext) -> None:
    """Choose a group whose input this person may read (coordinators and observers)."""
    groups = await context.services.roles.readable_groups(sender_id(update))
    pick = (Action.READ_GROUP, texts.READ_PICK)
    if not await one_group_or_ask(update, context, groups, pick, _read):
        await respond(update, say(texts.NO_READABLE_GROUPS))


@names(Thing.GROUP, Need.READ)
async def read_group_tapped(update: Update, context: ChorusContext) -> None:
    """Show the chosen group's input."""
    await _read(update, context, button_int(update) or 0)


@admins_only
async def observers_command(update: Update, context: ChorusContext) -> None:
    """Choose the group whose observers to see or add."""
    groups = await context.services.groups.manageable(sender_id(update))
    if not groups:
        await respond(update, say(texts.NO_MANAGED_GROUPS))
        return
    rows = [[(g.name, callbacks.encode(Action.OBSERVERS_GROUP, g.id))] for g in groups]
    await ask_to_choose(update, context, say(texts.OBSERVERS_PICK), keyboard(rows))


@admins_only
async def observers_group_tapped(update: Update, context: ChorusContext) -> None:
    """List a group's observers, with buttons to remove one or add one."""
    group_id = button_int(update) or 0
    found = await context.services.roles.observers(sender_id(update), group_id)
    if found is None:
        await respond(update, say(texts.GROUP_GONE))
        return
    group, entries = found
    lines, rows = [], []
    for entry in entries:
        name = entry.display_name or label(texts.UNNAMED_OBSERVER)
        lines.append(say(texts.OBSERVER_LINE, name=name))
        remove = callbacks.encode(Action.OBSERVER_REMOVE, group_id, entry.person_id)
        rows.append([(label(texts.BUTTON_REMOVE_OBSERVER, name=name), remove)])
    rows.append(
        [(label(texts.BUTTON_NEW_OBSERVER), callbacks.encode(Action.OBSERVER_LINK, group_id))]
    )
    text = (
        say(texts.OBSERVERS_LIST, group=group.name, lines=Raw("\n".join(lines)))
        if lines
        else say(texts.OBSERVERS_NONE, group=group.name)
    )
    await respond(update, text, keyboard(rows))


@admins_only
async def observer_link_tapped(update: Update, context: ChorusContext) -> None:
    """Make a one-time link that makes whoever opens it an observer of the group."""
    group_id = button_int(update) or 0
    made = await context.services.roles.new_observer_link(sender_id(update), group_id)
    if made is None:
        await respond(update, say(texts.GROUP_GONE))
        return
    group, payload = made
    link = context.start_link(payload)
    await respond(update, say(texts.OBSERVER_LINK, group=group.name, link=link))


@admins_only
async def observer_remove_tapped(update: Update, context: ChorusContext) -> None:
    """Stop someone observing a group."""
    group_id, person_id = button_int(update, 0), button_int(update, 1)
    removed = False
    if group_id is not None and person_id is not None:
        removed = await context.services.roles.remove_observer(
            sender_id(update), group_id, person_id
        )
    await respond(update, say(texts.OBSERVER_REMOVED if removed else texts.OBSERVER_NOT_FOUND))


async def _read(update: Update, context: ChorusContext, group_id: int) -> None:
    found = await context.services.sharing.read_group(sender_id(update), group_id)
    if found is None:
        await respond(update, say(texts.STALE_BUTTON))
        return
    group, items = found
    if not items:
        await respond(update, say(texts.READ_NONE, group=group.name))
        return
    lines = [_line(item) for item in items]
    text = say(
        texts.READ_HEADER, group=group.name, count=len(items), lines=Raw("\n\n".join(lines))
    )
    ids = [item.item_id for item in items]
    for message_id in await respond_long(update, text):
        await context.services.withdrawal.shown(
            chat_id(update), message_id, ids, Shape.LIST, Place.READ
        )


# How an item may be used, as a coordinator or observer reads it.
CONSENT_FOR_READERS = {
    "coordinators": texts.INBOX_CONSENT_COORDINATORS,
    "quote_anonymous": texts.INBOX_CONSENT_QUOTE_ANONYMOUS,
    "quote_named": texts.INBOX_CONSENT_QUOTE_NAMED,
}


def _line(item: ReaderItem) -> str:
    if item.author is not None:
        who = render_words(item.author)
    else:
        who = label(texts.READ_ANONYMOUS if item.anonymous else texts.READ_HIDDEN)
    parts = []
    if item.media_kind is not None:
        parts.append(say(_MEDIA_WORDS.get(item.media_kind, texts.READ_PHOTO)))
    if item.words is not None:
        parts.append(say(texts.PREVIEW_WORDS, words=item.words))
    if item.risk:  # marked, with nothing of who wrote it
        parts.append(say(texts.SAFETY_MARK))
    consent = say(
        texts.READ_CONSENT,
        consent=say(CONSENT_FOR_READERS.get(item.consent, texts.INBOX_CONSENT_COORDINATORS)),
    )
    if item.quote_until is not None and item.consent != "coordinators":
        until = say(texts.READ_QUOTE_UNTIL, day=day_words(item.quote_until, DayForm.FULL))
        consent = Raw(consent + " · " + until)
    parts.append(Raw("\n" + consent))
    return say(
        texts.READ_LINE,
        day=day_words(item.given_on, DayForm.FULL),
        kind=say(KIND_WORDS[item.kind]),
        who=who,
        status=say(STATUS_WORDS.get(item.status, texts.STATUS_RECEIVED)),
        content=Raw(" ".join(parts)),
    )
