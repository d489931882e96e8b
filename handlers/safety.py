"""Journey J6: helplines at once when words suggest risk, the contact question, `/support`,
and the admin's choice of safeguarding leads."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot import texts
from bot.context import ChorusContext
from bot.services.safety import AnswerOutcome
from bot.texts import Raw, label, say
from handlers import callbacks
from handlers.callbacks import Action
from handlers.common import (
    admins_only,
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


def safety_keys(alert_id: str) -> InlineKeyboardMarkup:
    """The buttons under the safety reply: contact me, or not."""
    return keyboard(
        [
            [(label(texts.BUTTON_CONTACT_YES), callbacks.encode(Action.SAFETY_YES, alert_id))],
            [(label(texts.BUTTON_CONTACT_NO), callbacks.encode(Action.SAFETY_NO, alert_id))],
        ]
    )


async def send_safety_reply(update: Update, context: ChorusContext, alert_id: str) -> None:
    """The helplines and the contact question, as a message of its own, before anything else."""
    helplines = context.services.safety.helplines_text()
    await send(update, say(texts.SAFETY_REPLY, helplines=helplines), safety_keys(alert_id))


async def offer_help(update: Update, context: ChorusContext, text: str | None) -> bool:
    """If loose words (typed outside any step) suggest risk, reply with help; True if so."""
    if not text:
        return False
    alert_id = await context.services.safety.check(sender_id(update), None, text)
    if alert_id is None:
        return False
    await send_safety_reply(update, context, alert_id)
    return True


async def support_command(update: Update, context: ChorusContext) -> None:
    """Show the helplines, any time, to anyone."""
    helplines = context.services.safety.helplines_text()
    await respond(update, say(texts.SUPPORT, helplines=helplines))


async def safety_yes_tapped(update: Update, context: ChorusContext) -> None:
    """The person would like to be contacted: tell the lead who they are."""
    await _answer(update, context, True)


async def safety_no_tapped(update: Update, context: ChorusContext) -> None:
    """The person would rather not be contacted: the lead hears without their name."""
    await _answer(update, context, False)


async def _answer(update: Update, context: ChorusContext, wants_contact: bool) -> None:
    alert = button_args(update)
    outcome = AnswerOutcome.UNKNOWN
    if alert:
        outcome = await context.services.safety.answer(sender_id(update), alert[0], wants_contact)
    if outcome is AnswerOutcome.LEAD_TOLD_WITH_NAME:
        helplines = context.services.safety.helplines_text()
        await respond(update, say(texts.SAFETY_WILL_CONTACT, helplines=helplines))
        return
    await respond(update, say(_ANSWER_REPLIES[outcome]))


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
    await respond(update, say(texts.LEADS_LIST, lines=Raw("\n".join(lines))), keyboard(rows))
