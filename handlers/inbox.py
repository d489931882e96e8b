"""Journey J4 for coordinators: the inbox, one item at a time, and moving each item on."""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardMarkup, Update

from bot.context import ChorusContext
from bot.presentation import callbacks, texts
from bot.presentation.buttons import Back, way_out_rows
from bot.presentation.callbacks import Action
from bot.presentation.moments import DayForm, day_words
from bot.presentation.outgoing import render_text
from bot.presentation.texts import Raw, label, say
from bot.services.access import Need, Thing
from bot.services.inbox import (
    TEXT_MAX,
    Card,
    Done,
    InboxFilter,
    InboxView,
    Outcome,
    item_arg,
)
from bot.services.inbox_drafts import (
    DUE_STEP,
    MEETING_RETRY,
    MEETING_STEP,
    OUTCOME_STEP,
    READY_STEP,
    REPLY_STEP,
    Written,
)
from bot.services.nudges import kind_said
from bot.services.roles import Role
from bot.services.withdrawal import Place, Shape
from handlers.common import (
    answer_tap,
    ask_to_choose,
    button_args,
    button_int,
    chat_id,
    coordinators_only,
    keyboard,
    names,
    one_group_or_ask,
    respond,
    send,
    sender_id,
    tapped_message_id,
)
from handlers.wording import REPLY, ask_with_words, note_on_words

__all__ = ["DUE_STEP", "MEETING_STEP", "OUTCOME_STEP", "READY_STEP", "REPLY_STEP"]
CARD_WORDS_MAX = 3000
TALK_LINE_MAX = 200

# What a coordinator is told when a step on an item does not go through (actions too).
DONE_REPLIES = {
    Done.NOT_ALLOWED: texts.INBOX_NOT_ALLOWED,
    Done.GONE: texts.INBOX_GONE,
    Done.ALREADY: texts.INBOX_ALREADY,
    Done.EMPTY: texts.INBOX_EMPTY_TEXT,
    Done.TOO_LONG: texts.INBOX_TOO_LONG,
    Done.BAD_DATE: texts.INBOX_BAD_DATE,
    Done.PAST_DATE: texts.INBOX_PAST_DATE,
    Done.HELD: texts.INBOX_SENT_HELD,
}
_FILTER_LABELS = {
    InboxFilter.NEW: texts.BUTTON_FILTER_NEW,
    InboxFilter.WAITING: texts.BUTTON_FILTER_WAITING,
    InboxFilter.OVERDUE: texts.BUTTON_FILTER_OVERDUE,
    InboxFilter.ALL: texts.BUTTON_FILTER_ALL,
}
_OUTCOME_ASK = {
    Outcome.CHANGED: texts.OUTCOME_ASK_CHANGED,
    Outcome.WILL_CHANGE: texts.OUTCOME_ASK_WILL_CHANGE,
    Outcome.CANNOT_CHANGE: texts.OUTCOME_ASK_CANNOT_CHANGE,
}
_STATUS_WORDS = {
    "received": texts.INBOX_STATUS_RECEIVED,
    "acknowledged": texts.INBOX_STATUS_ACKNOWLEDGED,
    "considering": texts.INBOX_STATUS_CONSIDERING,
    "meeting": texts.INBOX_STATUS_MEETING,
    "outcome": texts.INBOX_STATUS_OUTCOME,
}
_CONSENT_WORDS = {
    "coordinators": texts.INBOX_CONSENT_COORDINATORS,
    "quote_anonymous": texts.INBOX_CONSENT_QUOTE_ANONYMOUS,
    "quote_named": texts.INBOX_CONSENT_QUOTE_NAMED,
}


async def _all(update: Update, context: ChorusContext, group_id: int) -> None:
    """Show the whole inbox of the group."""
    await _show(update, context, group_id, InboxFilter.ALL, None)


async def inbox_command(update: Update, context: ChorusContext) -> None:
    """Show the inbox of the coordinator's (or observer's) group, or ask which group."""
    groups = await context.services.inbox.groups(sender_id(update))
    pick = (Action.INBOX_GROUP, texts.INBOX_PICK)
    if await one_group_or_ask(update, context, groups, pick, _all):
        return
    if await context.services.roles.role_of(sender_id(update)) >= Role.COORDINATOR:
        await respond(update, say(texts.NO_MANAGED_GROUPS))
    else:
        await respond(update, say(texts.ONLY_COORDINATORS))


@names(Thing.GROUP, Need.READ)
async def inbox_group_tapped(update: Update, context: ChorusContext) -> None:
    """Open the chosen group's inbox."""
    group_id = button_int(update)
    await _show(update, context, group_id or 0, InboxFilter.ALL, None)


@names(Thing.GROUP, Need.READ)
async def inbox_filter_tapped(update: Update, context: ChorusContext) -> None:
    """Show only new, waiting, overdue, or all items."""
    await _show(update, context, button_int(update) or 0, _filter_arg(update, 1), None)


@names(Thing.GROUP, Need.READ)
async def inbox_next_tapped(update: Update, context: ChorusContext) -> None:
    """Show the next item."""
    values = button_args(update)
    after = item_arg(values[2]) if len(values) > 2 else None
    await _show(update, context, button_int(update) or 0, _filter_arg(update, 1), after)


@coordinators_only
@names(Thing.ITEM, Need.MANAGE)
async def inbox_ack_tapped(update: Update, context: ChorusContext) -> None:
    """Acknowledge the item: its author hears that it was read."""
    item_id = _item(update)
    done = await context.services.inbox.acknowledge(sender_id(update), item_id or 0)
    await _after(update, context, item_id, done, texts.INBOX_ACKNOWLEDGED)


@coordinators_only
@names(Thing.ITEM, Need.MANAGE)
async def inbox_consider_tapped(update: Update, context: ChorusContext) -> None:
    """Mark the item as being considered: its author hears that too."""
    item_id = _item(update)
    done = await context.services.inbox.consider(sender_id(update), item_id or 0)
    await _after(update, context, item_id, done, texts.INBOX_CONSIDERING)


@coordinators_only
@names(Thing.ITEM, Need.MANAGE)
async def inbox_meeting_tapped(update: Update, context: ChorusContext) -> None:
    """Ask which meeting the item is taken to, and when."""
    await _ask(update, context, MEETING_STEP, None, say(texts.MEETING_ASK))


async def meeting_typed(update: Update, context: ChorusContext, text: str) -> None:
    """Record the meeting typed ("Board meeting, 12 March")."""
    done, item_id = await context.services.inbox_drafts.meeting(sender_id(update), text)
    if done in MEETING_RETRY:
        await respond(update, say(texts.MEETING_BAD))
        return
    await _after(update, context, item_id, done, texts.INBOX_MEETING_SAVED)


@coordinators_only
@names(Thing.ITEM, Need.MANAGE)
async def inbox_outcome_tapped(update: Update, context: ChorusContext) -> None:
    """Ask what came of the item: changed, will change, or cannot change."""
    item_id = _item(update)
    if item_id is None:
        await respond(update, say(texts.STALE_BUTTON))
        return
    rows = [
        [(label(word), callbacks.encode(Action.INBOX_OUTCOME_KIND, str(item_id), outcome))]
        for outcome, word in (
            (Outcome.CHANGED, texts.BUTTON_CHANGED),
            (Outcome.WILL_CHANGE, texts.BUTTON_WILL_CHANGE),
            (Outcome.CANNOT_CHANGE, texts.BUTTON_CANNOT_CHANGE),
        )
    ]
    card = await context.services.inbox.card(sender_id(update), item_id)
    back = (Action.INBOX_GROUP, (card.group.id,)) if card is not None else None
    # Choosing again leaves an outcome half-typed (a typed draft is kept aside).
    await ask_to_choose(update, context, say(texts.OUTCOME_PICK), keyboard(rows), True, back)
    # The card is now the question.
    await _showing(update, context, tapped_message_id(update), None)


@coordinators_only
@names(Thing.ITEM, Need.MANAGE)
async def inbox_outcome_kind_tapped(update: Update, context: ChorusContext) -> None:
    """Ask for the words of the outcome chosen."""
    values = button_args(update)
    outcome = next((o for o in Outcome if len(values) > 1 and values[1] == o.value), None)
    if outcome is None:
        await respond(update, say(texts.STALE_BUTTON))
        return
    question = say(_OUTCOME_ASK[outcome], limit=TEXT_MAX)
    back = (Action.INBOX_OUTCOME, (values[0],))
    await _ask(update, context, OUTCOME_STEP, outcome, question, back)


async def outcome_typed(update: Update, context: ChorusContext, text: str) -> None:
    """Take the outcome's words; ask by when if it will change, else show the preview."""
    drafts = context.services.inbox_drafts
    await _written(
        update, context, await drafts.write_outcome(sender_id(update), chat_id(update), text)
    )


async def due_typed(update: Update, context: ChorusContext, text: str) -> None:
    """Take the "by when" date, then show the preview."""
    drafts = context.services.inbox_drafts
    await _written(
        update, context, await drafts.write_due(sender_id(update), chat_id(update), text)
    )


@coordinators_only
async def inbox_keep_words_tapped(update: Update, context: ChorusContext) -> None:
    """Go on with the outcome's words typed before (after going back to them)."""
    drafts = context.services.inbox_drafts
    await _written(update, context, await drafts.keep_words(sender_id(update), chat_id(update)))


@coordinators_only
@names(Thing.ITEM, Need.MANAGE)
async def inbox_reply_tapped(update: Update, context: ChorusContext) -> None:
    """Ask for the reply to the item's author."""
    await _ask(update, context, REPLY_STEP, None, say(texts.REPLY_ASK, limit=TEXT_MAX))


async def reply_typed(update: Update, context: ChorusContext, text: str) -> None:
    """Show the reply as its author will read it (after a note if it is hard to read)."""
    drafts = context.services.inbox_drafts
    written = await drafts.write_reply(sender_id(update), chat_id(update), text)
    if written.said is not None and await note_on_words(update, text, REPLY):
        return
    await _written(update, context, written)


@coordinators_only
async def inbox_reply_as_written_tapped(update: Update, context: ChorusContext) -> None:
    """After the note on its words: the reply as its author will read it."""
    drafts = context.services.inbox_drafts
    await _written(
        update, context, await drafts.reply_as_written(sender_id(update), chat_id(update))
    )


@coordinators_only
async def inbox_reply_change_tapped(update: Update, context: ChorusContext) -> None:
    """After the note on its words: type the reply again, the words given back to change."""
    words = await context.services.inbox_drafts.change_reply(sender_id(update), chat_id(update))
    if words is None:
        await respond(update, say(texts.STALE_BUTTON))
        return
    question = say(texts.REPLY_ASK, limit=TEXT_MAX)
    await ask_with_words(update, words, question, keyboard(way_out_rows()))


@coordinators_only
async def inbox_send_tapped(update: Update, context: ChorusContext) -> None:
    """Send the outcome or reply previewed."""
    done, item_id = await context.services.inbox_drafts.send(sender_id(update))
    if done is Done.STALE:
        await respond(update, say(texts.STALE_BUTTON))
        return
    await _after(update, context, item_id, done, texts.INBOX_SENT)


@coordinators_only
async def inbox_discard_tapped(update: Update, context: ChorusContext) -> None:
    """Drop the draft; nothing is sent."""
    await context.services.inbox_drafts.discard(sender_id(update))
    await respond(update, say(texts.INBOX_DISCARDED))


@coordinators_only
@names(Thing.ITEM, Need.READ)
async def inbox_media_tapped(update: Update, context: ChorusContext) -> None:
    """Send the item's voice note or photo to the coordinator."""
    media = await context.services.inbox.media(sender_id(update), _item(update) or 0)
    if media is None:
        await respond(update, say(texts.INBOX_GONE))
        return
    kind, file_id = media
    await answer_tap(update)
    if kind == "voice":
        sent = await context.bot.send_voice(chat_id(update), file_id)
    else:
        sent = await context.bot.send_photo(chat_id(update), file_id)
    # Taken back, the voice note or photo is deleted from this chat.
    await context.services.withdrawal.shown(
        chat_id(update), sent.message_id, [_item(update) or 0], Shape.MEDIA, Place.INBOX
    )


@coordinators_only
@names(Thing.GROUP, Need.MANAGE)
async def inbox_days_tapped(update: Update, context: ChorusContext) -> None:
    """Offer how many days without an outcome before a nudge."""
    group_id = button_int(update) or 0
    days = await context.services.inbox.outcome_days(sender_id(update), group_id)
    if days is None:
        await respond(update, say(texts.INBOX_NOT_ALLOWED))
        return
    choices = (7, 14, 21, 28)
    rows = [
        [(label(texts.BUTTON_DAYS, count=d), callbacks.encode(Action.INBOX_DAYS_SET, group_id, d))]
        for d in choices
    ]
    back = (Action.INBOX_GROUP, (group_id,))
    await ask_to_choose(
        update, context, say(texts.DAYS_ASK, count=days), keyboard(rows), back=back
    )


@coordinators_only
@names(Thing.GROUP, Need.MANAGE)
async def inbox_days_set_tapped(update: Update, context: ChorusContext) -> None:
    """Save the days without an outcome before a nudge."""
    group_id, days = button_int(update) or 0, button_int(update, 1) or 0
    saved = await context.services.inbox.set_outcome_days(sender_id(update), group_id, days)
    await respond(update, say(texts.DAYS_SAVED, count=days) if saved else say(texts.STALE_BUTTON))


# --- Showing ---------------------------------------------------------------------------------


async def _show(
    update: Update,
    context: ChorusContext,
    group_id: int,
    which: InboxFilter,
    after: int | None,
) -> None:
    view = await context.services.inbox.view(sender_id(update), group_id, which, after)
    if view is None:
        await respond(update, say(texts.INBOX_NOT_ALLOWED))
        return
    shown = await respond(update, card_text(view), _card_keys(view))
    await _showing(update, context, shown, view)


async def _showing(
    update: Update,
    context: ChorusContext,
    message_id: int | None,
    view: InboxView | None,
    item_id: int | None = None,
) -> None:
    """Note which item the message now shows (if any), so taking it back reaches it."""
    card = view.card if view is not None else None
    items = [card.item.id] if card is not None else []
    items += [item_id] if item_id else []
    await context.services.withdrawal.shown(
        chat_id(update), message_id, items, Shape.CARD, Place.INBOX
    )


def card_text(view: InboxView) -> Raw:
    """The inbox as the coordinator sees it: counts, then the item, or that all is done."""
    counts = view.counts
    header = say(
        texts.INBOX_HEADER,
        group=view.group.name,
        new=counts[InboxFilter.NEW],
        waiting=counts[InboxFilter.WAITING],
        overdue=counts[InboxFilter.OVERDUE],
    )
    if view.card is None:
        return Raw(header + "\n\n" + say(texts.INBOX_NOTHING))
    return Raw(header + "\n\n" + _item_text(view.card) + _talk_text(view.card))


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _talk_text(card: Card) -> str:
    """The conversation with the item's author, latest messages last (never who they are)."""
    if not card.talk:
        return ""
    lines = [
        say(
            texts.CARD_TALK_MEMBER if line.from_member else texts.CARD_TALK_COORDINATOR,
            words=_cut(line.text, TALK_LINE_MAX),
        )
        for line in card.talk
    ]
    state = label(texts.CARD_TALK_OPEN if card.talk_open else texts.CARD_TALK_CLOSED)
    return "\n\n" + say(texts.CARD_TALK, state=state, lines=Raw("\n".join(lines)))


def _item_text(card: Card) -> Raw:
    item = card.item
    if card.author is None and item.person_id is not None:
        who = say(texts.CARD_NOT_SHOWN)
    elif card.author is None:
        who = say(texts.CARD_ANONYMOUS)
    else:
        who = say(texts.CARD_NAMED, name=card.author or label(texts.UNNAMED_MEMBER))
    if card.words:
        shown = card.words
        if len(shown) > CARD_WORDS_MAX:  # the card must fit one message with its buttons
            shown = shown[: CARD_WORDS_MAX - 1] + "…"
        words = say(texts.CARD_WORDS, words=shown)
    else:
        words = say(texts.CARD_VOICE if item.media_kind == "voice" else texts.CARD_PHOTO)
    card_text = say(
        texts.CARD,
        kind=render_text(kind_said(item.kind)),
        who=who,
        date=day_words(item.given_on, DayForm.FULL),
        count=card.waited_days,
        consent=_consent_words(item.consent, item.quote_until),
        status=say(_STATUS_WORDS.get(item.status, texts.INBOX_STATUS_RECEIVED)),
        words=words,
    )
    # Marked for coordinators; the marker itself says nothing of who wrote it.
    return Raw(say(texts.SAFETY_MARK) + "\n" + card_text) if item.risk else card_text


def _consent_words(consent: str, until: date | None) -> Raw:
    """How the author lets the item be used now, with the last day it may be quoted."""
    words = say(_CONSENT_WORDS.get(consent, texts.INBOX_CONSENT_COORDINATORS))
    if until is None or consent == "coordinators":
        return words
    return Raw(words + " · " + say(texts.READ_QUOTE_UNTIL, day=day_words(until, DayForm.FULL)))


def _card_keys(view: InboxView) -> InlineKeyboardMarkup:
    g, which = view.group.id, view.which
    filters = [
        (
            label(_FILTER_LABELS[f], count=view.counts[f]),
            callbacks.encode(Action.INBOX_FILTER, g, f.value),
        )
        for f in InboxFilter
    ]
    days = [(label(texts.BUTTON_NUDGE_DAYS), callbacks.encode(Action.INBOX_DAYS, g))]
    card = view.card
    if card is None:
        return keyboard([filters[:2], filters[2:], days] if view.may_act else [filters])
    following = callbacks.encode(Action.INBOX_NEXT, g, which.value, str(card.item.id))
    next_key = (label(texts.BUTTON_NEXT_ITEM), following)
    if not view.may_act:  # observers read, and nothing more
        return keyboard([[next_key], filters[:2], filters[2:]])
    return keyboard([*_item_keys(card, next_key), filters[:2], filters[2:], days])


def _item_keys(card: Card, next_key: tuple[str, str]) -> list[list[tuple[str, str]]]:
    """What a coordinator can do with the item on the card."""
    item = str(card.item.id)

    def key(text: str, action: Action) -> tuple[str, str]:
        return (label(text), callbacks.encode(action, item))

    status = card.item.status
    rows = []
    if card.item.media_kind is not None:
        rows.append([key(texts.BUTTON_MEDIA, Action.INBOX_MEDIA)])
    if status == "received":
        rows.append([key(texts.BUTTON_ACK, Action.INBOX_ACK)])
    if status in ("received", "acknowledged"):
        rows.append([key(texts.BUTTON_CONSIDER, Action.INBOX_CONSIDER)])
    rows += [
        [key(texts.BUTTON_MEETING, Action.INBOX_MEETING)],
        [
            key(texts.BUTTON_OUTCOME, Action.INBOX_OUTCOME),
            key(texts.BUTTON_ADD_TO_ACTION, Action.FOLLOWUP_ACTION_PICK),
        ],
        [key(texts.BUTTON_REPLY, Action.INBOX_REPLY), next_key],
    ]
    if card.talk_open is not None:
        end = callbacks.encode(Action.CONV_STAFF_END, card.talk_open)
        rows.append([(label(texts.BUTTON_CONVERSATION_END), end)])
    return rows


async def _after(
    update: Update, context: ChorusContext, item_id: int | None, done: Done, message: str
) -> None:
    """Say what happened, then show the item again as it is now."""
    if done is not Done.DONE:
        await respond(update, say(DONE_REPLIES.get(done, texts.STALE_BUTTON)))
        return
    card = await context.services.inbox.card(sender_id(update), item_id or 0)
    await _showing(update, context, await respond(update, say(message)), None)
    if card is not None:
        view = await context.services.inbox.view(sender_id(update), card.group.id)
        if view is not None:
            shown = await send(update, card_text(view), _card_keys(view))
            await _showing(update, context, shown, view)


async def _written(update: Update, context: ChorusContext, written: Written) -> None:
    """Ask by when, say why the words cannot go, or show them as their author will."""
    if written.asks_due:
        back = _words_back(written)
        await respond(update, say(texts.OUTCOME_ASK_DUE), keyboard(way_out_rows(back)))
        return
    if written.said is None:
        reply = DONE_REPLIES.get(written.done, texts.STALE_BUTTON)
        await respond(update, say(reply, limit=TEXT_MAX))
        return
    # The preview quotes the item's words: taking it back reaches this message too.
    shown = await send(update, render_text(written.said))
    await _showing(update, context, shown, None, written.item_id or 0)
    keys = [
        [(label(texts.BUTTON_SEND_IT), callbacks.encode(Action.INBOX_SEND))],
        [(label(texts.BUTTON_DISCARD), callbacks.encode(Action.INBOX_DISCARD))],
        *way_out_rows(_words_back(written)),
    ]
    await send(update, say(texts.PREVIEW_NOTE), keyboard(keys))


def _words_back(written: Written) -> Back:
    """Back from "by when?" or a preview: the words again, kept as typed (an outcome's own
    question; a reply's, given back to change)."""
    outcome = Outcome.WILL_CHANGE if written.asks_due else written.outcome
    if outcome is None:
        return (Action.WORDING_CHANGE, (REPLY,))
    return (Action.INBOX_OUTCOME_KIND, (str(written.item_id or 0), outcome.value))


# --- Drafts ----------------------------------------------------------------------------------


def _item(update: Update) -> int | None:
    values = button_args(update)
    return item_arg(values[0]) if values else None


def _filter_arg(update: Update, index: int) -> InboxFilter:
    values = button_args(update)
    value = values[index] if len(values) > index else ""
    return next((f for f in InboxFilter if f.value == value), InboxFilter.ALL)


async def _ask(
    update: Update,
    context: ChorusContext,
    step: str,
    outcome: Outcome | None,
    question: Raw,
    back: Back | None = None,
) -> None:
    drafts, who = context.services.inbox_drafts, sender_id(update)
    if not await drafts.begin(who, chat_id(update), step, _item(update), outcome):
        await respond(update, say(texts.INBOX_GONE))
        return
    if back is None:  # the first question about the item: Back shows the inbox again
        card = await context.services.inbox.card(who, _item(update) or 0)
        back = (Action.INBOX_GROUP, (card.group.id,)) if card is not None else None
    rows = way_out_rows(back)
    if await drafts.words_kept(who):
        question = Raw(question + "\n\n" + say(texts.INBOX_WORDS_KEPT))
        keep = (label(texts.BUTTON_KEEP_MY_WORDS), callbacks.encode(Action.INBOX_KEEP_WORDS))
        rows = [[keep], *rows]
    shown = await respond(update, question, keyboard(rows))
    await _showing(update, context, shown, None)
