"""Journey J6: helplines at once when words suggest risk, the contact question, `/support`,
and the admin's choice of safeguarding leads."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.context import ChorusContext
from bot.presentation import callbacks, texts
from bot.presentation.buttons import alert_buttons
from bot.presentation.callbacks import Action
from bot.presentation.outgoing import render_buttons, render_text, render_words
from bot.presentation.texts import Raw, label, say
from bot.services.safety import AnswerOutcome, TakeOutcome, Writer
from handlers.common import (
    admins_only,
    answer_tap,
    button_args,
    button_int,
    distinct_names,
    keyboard,
    respond,
    send,
    sender_id,
)

_ANSWER_REPLIES = {
    AnswerOutcome.LEAD_TOLD_WITHOUT_NAME: texts.SAFETY_NO_CONTACT,
    AnswerOutcome.ALREADY_ANSWERED: texts.SAFETY_ALREADY,
    AnswerOutcome.UNKNOWN: texts.STALE_BUTTON,
}
# Answers that keep the helplines in the same message.
_WITH_HELPLINES = {
    AnswerOutcome.LEAD_TOLD_WITH_NAME: texts.SAFETY_WILL_CONTACT,
    AnswerOutcome.NO_ONE_TO_TELL: texts.SAFETY_NO_ONE_YET,
    AnswerOutcome.CLOSED: texts.SAFETY_CLOSED,
}
_TAKE_REPLIES = {
    TakeOutcome.TAKEN: texts.ALERT_TAKEN_YOU,
    TakeOutcome.YOURS: texts.ALERT_TAKEN_ALREADY_YOURS,
    TakeOutcome.TAKEN_BY_OTHER: texts.ALERT_TAKEN_BY,
    TakeOutcome.CLOSED: texts.ALERT_IS_CLOSED,
    TakeOutcome.NOT_YOURS: texts.ALERT_NOT_YOURS,
    TakeOutcome.UNKNOWN: texts.STALE_BUTTON,
}


def safety_keys(alert_id: str, carry_on: bool = False) -> InlineKeyboardMarkup:
    """The buttons under the safety reply: contact me, or not; and, if a step was waiting,
    one button to carry on with it."""
    rows = [
        [(label(texts.BUTTON_CONTACT_YES), callbacks.encode(Action.SAFETY_YES, alert_id))],
        [(label(texts.BUTTON_CONTACT_NO), callbacks.encode(Action.SAFETY_NO, alert_id))],
    ]
    if carry_on:
        rows.append(
            [(label(texts.BUTTON_WRITING_CARRY_ON), callbacks.encode(Action.SAFETY_CARRY_ON))]
        )
    return keyboard(rows)


async def send_safety_reply(
    update: Update, context: ChorusContext, alert_id: str, carry_on: bool = False
) -> None:
    """The helplines and the contact question, as a message of its own, before anything else."""
    helplines = render_text(context.services.safety.helplines_said())
    await send(
        update, say(texts.SAFETY_REPLY, helplines=helplines), safety_keys(alert_id, carry_on)
    )


async def offer_help(
    update: Update, context: ChorusContext, text: str | None, carry_on: bool = False
) -> bool:
    """If the words suggest risk, reply with help (and, with `carry_on`, the one button back
    to the step that waits); True if so."""
    if not text:
        return False
    alert_id = await context.services.safety.check(sender_id(update), None, text)
    if alert_id is None:
        return False
    await send_safety_reply(update, context, alert_id, carry_on)
    return True


async def support_command(update: Update, context: ChorusContext) -> None:
    """Show the helplines, any time, to anyone."""
    helplines = render_text(context.services.safety.helplines_said())
    await respond(update, say(texts.SUPPORT, helplines=helplines))


async def safety_yes_tapped(update: Update, context: ChorusContext) -> None:
    """The person would like to be contacted: tell the lead who they are."""
    await _answer(update, context, True)


async def safety_no_tapped(update: Update, context: ChorusContext) -> None:
    """The person would rather not be contacted: the lead hears without their name."""
    await _answer(update, context, False)


async def _answer(update: Update, context: ChorusContext, wants_contact: bool) -> None:
    alert, user = button_args(update), update.effective_user
    outcome = AnswerOutcome.UNKNOWN
    if alert and user is not None:
        writer = Writer(user.id, user.first_name, user.last_name, user.username)
        outcome = await context.services.safety.answer(writer, alert[0], wants_contact)
    # A new message: the helplines above stay on screen whatever the answer.
    if update.callback_query is not None:
        await answer_tap(update)
    if outcome in _WITH_HELPLINES:
        helplines = render_text(context.services.safety.helplines_said())
        await send(update, say(_WITH_HELPLINES[outcome], helplines=helplines))
        return
    await send(update, say(_ANSWER_REPLIES[outcome]))


async def alert_take_tapped(update: Update, context: ChorusContext) -> None:
    """A lead takes the alert: "I'll handle this"."""
    safety, alert = context.services.safety, button_args(update)
    if not await safety.may_handle(sender_id(update)):
        await _reply_below(update, say(texts.ALERT_TAKE_ONLY_LEADS))
        return
    result = await safety.take(sender_id(update), alert[0] if alert else "")
    markup = None
    if result.outcome in (TakeOutcome.TAKEN, TakeOutcome.YOURS) and alert:
        markup = keyboard(render_buttons(alert_buttons(alert[0], taken=True)))
    owner = render_words(result.owner) if result.owner is not None else None
    text = say(_TAKE_REPLIES[result.outcome], reference=result.reference, name=owner)
    await _reply_below(update, text, markup)


async def alert_close_tapped(update: Update, context: ChorusContext) -> None:
    """The lead handling the alert closes it: ask for a short note of what was done."""
    safety, alert = context.services.safety, button_args(update)
    if not await safety.may_handle(sender_id(update)):
        await _reply_below(update, say(texts.ALERT_TAKE_ONLY_LEADS))
        return
    result = await safety.begin_close(sender_id(update), alert[0] if alert else "")
    reply = texts.ALERT_ASK_NOTE if result.outcome is TakeOutcome.YOURS else None
    text = say(reply or _TAKE_REPLIES[result.outcome], reference=result.reference, name="")
    await _reply_below(update, text)


async def alert_note_typed(update: Update, context: ChorusContext, text: str) -> None:
    """The note of what was done: the alert is closed."""
    safety = context.services.safety
    if not await safety.may_handle(sender_id(update)):
        await respond(update, say(texts.ALERT_TAKE_ONLY_LEADS))
        return
    result = await safety.close(sender_id(update), text)
    replies = {TakeOutcome.TAKEN: texts.ALERT_CLOSED_YOU, TakeOutcome.YOURS: texts.ALERT_ASK_NOTE}
    reply = replies.get(result.outcome) or _TAKE_REPLIES[result.outcome]
    await respond(update, say(reply, reference=result.reference, name=""))


async def _reply_below(
    update: Update, text: Raw, markup: InlineKeyboardMarkup | None = None
) -> None:
    """A new message under the alert, so the alert itself stays as it was."""
    if update.callback_query is not None:
        await answer_tap(update)
    await send(update, text, markup)


@admins_only
async def leads_command(update: Update, context: ChorusContext) -> None:
    """List coordinators with a button each to make them a safeguarding lead, or stop."""
    await _show_leads(update, context)


@admins_only
async def lead_toggle_tapped(update: Update, context: ChorusContext) -> None:
    """Make a coordinator a safeguarding lead, or stop."""
    person_id = button_int(update)
    if (
        person_id is None
        or await context.services.safety.toggle_lead(sender_id(update), person_id) is None
    ):
        await respond(update, say(texts.COORDINATOR_NOT_FOUND))
        return
    await _show_leads(update, context)


async def _show_leads(update: Update, context: ChorusContext) -> None:
    entries = await context.services.safety.leads(sender_id(update)) or []
    if not entries:
        await respond(update, say(texts.LEADS_NONE))
        return
    lines, rows = [], []
    names = distinct_names(
        [(e.person_id, e.display_name) for e in entries], label(texts.UNNAMED_COORDINATOR)
    )
    for entry in entries:
        name = names[entry.person_id]
        mark = "☑" if entry.is_lead else "☐"
        lines.append(say(texts.LEAD_LINE, mark=mark, name=name))
        data = callbacks.encode(Action.LEAD_TOGGLE, entry.person_id)
        rows.append([(label(texts.LEAD_LINE, mark=mark, name=name), data)])
    if not any(entry.is_lead for entry in entries):  # loudly: alerts reach the admins only
        lines.append(say(texts.LEADS_NONE_CHOSEN))
    await respond(update, say(texts.LEADS_LIST, lines=Raw("\n".join(lines))), keyboard(rows))
