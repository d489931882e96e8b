"""A member's own record of involvement (/myinvolvement) and their certificate."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot import payment_files
from bot.context import ChorusContext
from bot.presentation import callbacks, texts
from bot.presentation.callbacks import Action
from bot.presentation.moments import duration_words
from bot.presentation.texts import Raw, label, say
from bot.presentation.texts.payments import money
from bot.services.payment_model import Choice, Record
from handlers.common import ask_to_choose, chat_id, keyboard, respond, sender_id
from handlers.payments import CHOICE_WORDS, Rows


def record_words(record: Record) -> Raw:
    """The member's record: each group with sessions and hours, their choice, payments."""
    lines = [say(texts.MYINV_TITLE)]
    for group in record.groups:
        role = texts.MYINV_ROLE_COORDINATOR if group.coordinator else texts.MYINV_ROLE_MEMBER
        lines.append(
            say(
                texts.MYINV_GROUP,
                group=group.group_name,
                role=say(role),
                count=group.sessions,
                hours=duration_words(group.minutes),
            )
        )
    if not any(group.sessions for group in record.groups):
        lines.append(say(texts.MYINV_NOTHING))
    if record.choice:
        lines.append(say(texts.MYINV_CHOICE, choice=say(CHOICE_WORDS[Choice(record.choice)])))
    else:
        lines.append(say(texts.MYINV_NOT_CHOSEN))
    paid = money(record.time_pence)
    lines.append(say(texts.MYINV_PAID, amount=paid, expenses=money(record.expenses_pence)))
    if record.waiting_pence:
        lines.append(say(texts.MYINV_WAITING, amount=money(record.waiting_pence)))
    return Raw("\n".join(lines))


async def myinvolvement_command(update: Update, context: ChorusContext) -> None:
    """Show the member's own record, with a certificate to download."""
    record = await context.services.payments.record(sender_id(update))
    if record.name is None and not record.groups:
        await respond(update, say(texts.NOT_JOINED))
        return
    rows: Rows = [
        [(label(texts.BUTTON_MYINV_CERTIFICATE), callbacks.encode(Action.MYINV_CERTIFICATE))],
        [
            (label(texts.BUTTON_MYINV_CHOICE), callbacks.encode(Action.PAY_CHOOSE)),
            (label(texts.BUTTON_MYINV_CLAIM), callbacks.encode(Action.PAY_CLAIM)),
        ],
    ]
    await ask_to_choose(update, context, record_words(record), keyboard(rows))


async def myinvolvement_certificate_tapped(update: Update, context: ChorusContext) -> None:
    """Send the member's certificate of involvement as a PDF."""
    record = await context.services.payments.record(sender_id(update))
    if not record.name:
        await respond(update, say(texts.CERT_NO_NAME))
        return
    today = context.services.clock.now().astimezone(context.bot_data.zone).date()
    content = await asyncio.to_thread(
        payment_files.certificate_pdf, record, record.name, context.bot_data.organisation, today
    )
    await update.get_bot().send_document(
        chat_id(update), content, filename="certificate-of-involvement.pdf"
    )
    await respond(update, say(texts.CERT_SENT))
