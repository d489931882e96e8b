"""Involvement payment and recognition (J8): a group's payment settings and payee
references, members' choice, expenses claims with a receipt photo, approval, the finance
export, and a member's own record with a certificate."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot import payment_files
from bot.context import ChorusContext
from bot.presentation import callbacks, texts
from bot.presentation.buttons import way_out_rows
from bot.presentation.callbacks import Action
from bot.presentation.texts import Raw, label, say
from bot.presentation.texts.payments import money
from bot.services.access import Need, Thing
from bot.services.payment_model import (
    AMOUNT_STEP,
    EXPENSES_STEP,
    MOST_PENCE,
    PAYEE_STEP,
    QUERY_STEP,
    RATE_STEP,
    RECEIPT_STEP,
    AmountProblem,
    Basis,
    Choice,
    ClaimAsk,
    Decided,
    Offer,
    PolicyView,
    Refused,
)
from bot.services.sessions import Period
from handlers.common import (
    answer_tap,
    ask_to_choose,
    ask_to_type,
    button_args,
    button_int,
    chat_id,
    coordinators_only,
    keyboard,
    names,
    pick_managed_group,
    respond,
    send,
    sender_id,
)
from handlers.safety import offer_help

Rows = list[list[tuple[str, str]]]
# Members listed on one page of payee references.
PAGE = 10

_AMOUNT_REPLIES = {
    AmountProblem.NOT_UNDERSTOOD: texts.PAY_AMOUNT_NOT_UNDERSTOOD,
    AmountProblem.NEGATIVE: texts.PAY_AMOUNT_NEGATIVE,
    AmountProblem.ZERO: texts.PAY_AMOUNT_ZERO,
    AmountProblem.TOO_MUCH: texts.PAY_AMOUNT_TOO_MUCH,
}
CHOICE_WORDS = {
    Choice.PAID: texts.PAY_CHOICE_PAID,
    Choice.VOUCHER: texts.PAY_CHOICE_VOUCHER,
    Choice.CHARITY: texts.PAY_CHOICE_CHARITY,
    Choice.NONE: texts.PAY_CHOICE_NONE,
}
_CHOICE_BUTTONS = {
    Choice.PAID: texts.BUTTON_PAY_PAID,
    Choice.VOUCHER: texts.BUTTON_PAY_VOUCHER,
    Choice.CHARITY: texts.BUTTON_PAY_CHARITY,
    Choice.NONE: texts.BUTTON_PAY_NONE,
}
_PERIODS = {
    Period.THIS_MONTH: texts.BUTTON_THIS_MONTH,
    Period.LAST_MONTH: texts.BUTTON_LAST_MONTH,
    Period.THIS_YEAR: texts.BUTTON_THIS_YEAR,
    Period.LAST_YEAR: texts.BUTTON_LAST_YEAR,
}


def _key(action: Action, *args: str | int) -> str:
    return callbacks.encode(action, *args)


def _amount_problem(problem: AmountProblem) -> Raw:
    return say(_AMOUNT_REPLIES[problem], most=money(MOST_PENCE))


def policy_words(view: PolicyView) -> Raw:
    """The group's policy in a line or two: what it pays, and the expenses it covers."""
    policy, group = view.policy, view.group_name
    if policy is None:
        return say(texts.PAY_POLICY_NOT_SET, group=group)
    rate = money(policy.rate_pence)
    line = {
        Basis.HOUR: say(texts.PAY_POLICY_HOUR, group=group, rate=rate),
        Basis.SESSION: say(texts.PAY_POLICY_SESSION, group=group, rate=rate),
    }.get(Basis(policy.basis), say(texts.PAY_POLICY_NONE, group=group))
    if policy.expenses:
        line = Raw(line + "\n" + say(texts.PAY_POLICY_EXPENSES, expenses=policy.expenses))
    return line


# --- Payment settings (coordinators) -----------------------------------------------------


@coordinators_only
async def payments_command(update: Update, context: ChorusContext) -> None:
    """Show a group's payment settings: choose the group first."""
    await pick_managed_group(update, context, Action.PAY_GROUP, texts.PAY_PICK_GROUP, _show_policy)


async def _show_policy(update: Update, context: ChorusContext, group_id: int) -> None:
    view = await context.services.payments.policy(sender_id(update), group_id)
    if view is None:
        await respond(update, say(texts.ONLY_COORDINATORS))
        return
    rows: Rows = [
        [
            (label(texts.BUTTON_PAY_PER_HOUR), _key(Action.PAY_BASIS, group_id, Basis.HOUR)),
            (label(texts.BUTTON_PAY_PER_SESSION), _key(Action.PAY_BASIS, group_id, Basis.SESSION)),
        ],
        [(label(texts.BUTTON_PAY_NO_PAY), _key(Action.PAY_BASIS, group_id, Basis.NONE))],
        [(label(texts.BUTTON_PAY_EXPENSES), _key(Action.PAY_EXPENSES, group_id))],
        [(label(texts.BUTTON_PAY_PAYEES), _key(Action.PAY_PAYEES, group_id))],
    ]
    text = say(texts.PAY_SETTINGS, group=view.group_name, policy=policy_words(view))
    await ask_to_choose(update, context, text, keyboard(rows), back="payments")


@coordinators_only
@names(Thing.GROUP, Need.MANAGE)
async def pay_group_tapped(update: Update, context: ChorusContext) -> None:
    """Show the chosen group's payment settings."""
    group_id = button_int(update)
    if group_id is None:
        await respond(update, say(texts.STALE_BUTTON))
        return
    await _show_policy(update, context, group_id)


@coordinators_only
@names(Thing.GROUP, Need.MANAGE)
async def pay_basis_tapped(update: Update, context: ChorusContext) -> None:
    """No payment: saved. Per hour or per meeting: ask for the rate."""
    values, group_id = button_args(update), button_int(update)
    bases = {b.value: b for b in Basis}
    view, basis = None, Basis.NONE
    if group_id is not None and len(values) == 2 and values[1] in bases:
        basis = bases[values[1]]
        view = await context.services.payments.choose_basis(
            sender_id(update), chat_id(update), group_id, basis
        )
    if view is None:
        await respond(update, say(texts.ONLY_COORDINATORS))
    elif basis is Basis.NONE:
        await _show_policy(update, context, view.group_id)
    else:
        ask = texts.PAY_ASK_RATE_HOUR if basis is Basis.HOUR else texts.PAY_ASK_RATE_SESSION
        await ask_to_type(update, context, say(ask), back=(Action.PAY_GROUP, (view.group_id,)))


async def pay_rate_typed(update: Update, context: ChorusContext, text: str) -> None:
    """Save the rate typed; a kind answer, and the step kept, if it is not an amount."""
    result = await context.services.payments.set_rate(sender_id(update), text)
    if isinstance(result, AmountProblem):
        await respond(update, _amount_problem(result))
    elif result is None:
        await respond(update, say(texts.ONLY_COORDINATORS))
    else:
        await _show_policy(update, context, result.group_id)


@coordinators_only
@names(Thing.GROUP, Need.MANAGE)
async def pay_expenses_tapped(update: Update, context: ChorusContext) -> None:
    """Ask what expenses the group covers."""
    group_id = button_int(update) or 0
    payments = context.services.payments
    if not await payments.begin_expenses(sender_id(update), chat_id(update), group_id):
        await respond(update, say(texts.ONLY_COORDINATORS))
        return
    back = (Action.PAY_GROUP, (group_id,))  # the group's payment settings again
    await ask_to_type(update, context, say(texts.PAY_ASK_EXPENSES), back=back)


async def pay_expenses_typed(update: Update, context: ChorusContext, text: str) -> None:
    """Save what expenses are covered."""
    result = await context.services.payments.set_expenses(sender_id(update), text)
    if result is Refused.TOO_LONG:
        await respond(update, say(texts.PAY_EXPENSES_TOO_LONG))
    elif not isinstance(result, PolicyView):
        await respond(update, say(texts.ONLY_COORDINATORS))
    else:
        await _show_policy(update, context, result.group_id)


@coordinators_only
@names(Thing.GROUP, Need.MANAGE)
async def pay_payees_tapped(update: Update, context: ChorusContext) -> None:
    """List (a page of) the group's members with their payee references, to set one."""
    group_id, page = button_int(update), max(button_int(update, 1) or 1, 1)
    people = None
    if group_id is not None:
        people = await context.services.payments.payees(sender_id(update), group_id)
    if group_id is None or people is None:
        await respond(update, say(texts.ONLY_COORDINATORS))
        return
    unnamed, unset = label(texts.SESSION_NO_NAME), label(texts.PAY_PAYEE_UNSET)
    rows: Rows = [
        [
            (
                label(texts.PAY_PAYEE_LINE, name=name or unnamed, reference=reference or unset),
                _key(Action.PAY_PAYEE, group_id, pid),
            )
        ]
        for pid, name, reference in people[(page - 1) * PAGE : page * PAGE]
    ]
    turn = []
    if page > 1:
        turn.append((label(texts.BUTTON_EARLIER), _key(Action.PAY_PAYEES, group_id, page - 1)))
    if page * PAGE < len(people):
        turn.append((label(texts.BUTTON_MORE), _key(Action.PAY_PAYEES, group_id, page + 1)))
    rows += [turn] if turn else []
    back = (Action.PAY_GROUP, (group_id,))
    await ask_to_choose(update, context, say(texts.PAY_PAYEE_PICK), keyboard(rows), back=back)


@coordinators_only
@names(Thing.GROUP, Need.MANAGE)
async def pay_payee_tapped(update: Update, context: ChorusContext) -> None:
    """Ask for one member's payee reference and name for payment."""
    group_id, person_id = button_int(update), button_int(update, 1)
    found: str | Refused | None = Refused.NOT_ALLOWED
    if group_id is not None and person_id is not None:
        found = await context.services.payments.begin_payee(
            sender_id(update), chat_id(update), group_id, person_id
        )
    if found is Refused.NOT_ALLOWED:
        await respond(update, say(texts.ONLY_COORDINATORS))
        return
    asked = say(texts.PAY_ASK_PAYEE, name=found or label(texts.SESSION_NO_NAME))
    await ask_to_type(update, context, asked, back=(Action.PAY_PAYEES, (group_id or 0,)))


async def pay_payee_typed(update: Update, context: ChorusContext, text: str) -> None:
    """Save the payee reference and name typed."""
    result = await context.services.payments.set_payee(sender_id(update), text)
    if result is Refused.BAD_PAYEE:
        await respond(update, say(texts.PAY_PAYEE_BAD))
    elif result is Refused.TAKEN:
        await respond(update, say(texts.PAY_PAYEE_TAKEN, reference=text.split()[0]))
    elif isinstance(result, tuple):
        await respond(update, say(texts.PAY_PAYEE_SAVED, reference=result[0], name=result[1]))
    else:
        await respond(update, say(texts.ONLY_COORDINATORS))


# --- Members' choice -------------------------------------------------------------------------


def _choice_rows() -> Rows:
    return [
        [(label(_CHOICE_BUTTONS[c]), _key(Action.PAY_CHOICE, c.value))]
        for c in (Choice.PAID, Choice.VOUCHER, Choice.CHARITY, Choice.NONE)
    ]


def _offer_text(offers: list[Offer]) -> Raw:
    lines = [policy_words(offer.view) for offer in offers]
    if offers and offers[0].choice is None:
        lines.append(say(texts.PAY_BENEFITS_NOTICE))
    lines.append(say(texts.PAY_ASK_CHOICE))
    return Raw("\n\n".join(lines))


async def offer_after_going(update: Update, context: ChorusContext, group_id: int) -> None:
    """After "going": a paying group's policy, and (until they choose) how to be paid."""
    offer = await context.services.payments.offer(sender_id(update), group_id)
    policy = offer.view.policy if offer is not None else None
    if offer is None or policy is None or policy.basis == Basis.NONE or offer.choice:
        return
    await send(update, _offer_text([offer]), keyboard(_choice_rows()))


async def pay_choose_tapped(update: Update, context: ChorusContext) -> None:
    """Show each group's policy and the choices (with the benefits notice, the first time)."""
    offers = await context.services.payments.offers(sender_id(update))
    if not offers:
        await respond(update, say(texts.NOT_JOINED))
        return
    await ask_to_choose(update, context, _offer_text(offers), keyboard(_choice_rows()))


async def pay_choice_tapped(update: Update, context: ChorusContext) -> None:
    """Save how the member would like to be paid."""
    values = button_args(update)
    choices = {c.value: c for c in Choice}
    if len(values) != 1 or values[0] not in choices:
        await respond(update, say(texts.STALE_BUTTON))
        return
    chosen = await context.services.payments.choose(
        sender_id(update), chat_id(update), choices[values[0]]
    )
    await respond(update, say(texts.PAY_CHOSEN, choice=say(CHOICE_WORDS[chosen])))


# --- Expenses claims (members) ---------------------------------------------------------------


async def claim_command(update: Update, context: ChorusContext) -> None:
    """Start an expenses claim: which meeting it is for."""
    sessions = await context.services.payments.claimable(sender_id(update))
    if not sessions:
        await respond(update, say(texts.PAY_CLAIM_NONE))
        return
    zone = context.bot_data.zone
    rows: Rows = [
        [(f"{title} ({start.astimezone(zone):%-d %b})", _key(Action.PAY_CLAIM_SESSION, sid))]
        for sid, title, start in sessions
    ]
    await ask_to_choose(update, context, say(texts.PAY_CLAIM_PICK), keyboard(rows))


async def pay_claim_session_tapped(update: Update, context: ChorusContext) -> None:
    """Ask the amount, for a meeting the member came to."""
    session_id = button_int(update)
    asked = ClaimAsk("", problem=Refused.NOT_ATTENDED)
    if session_id is not None:
        asked = await context.services.payments.begin_claim(
            sender_id(update), chat_id(update), session_id
        )
    if asked.problem is not None:
        await respond(update, say(texts.PAY_CLAIM_NOT_ATTENDED))
        return
    ask = say(texts.PAY_CLAIM_ASK_AMOUNT, title=asked.title)
    if asked.pence is None:
        await ask_to_type(update, context, ask, "claim")
        return
    # Back from the receipt: the amount typed before, kept.
    kept = say(texts.PAY_AMOUNT_KEPT, amount=money(asked.pence))
    keep = (label(texts.BUTTON_KEEP_AMOUNT), callbacks.encode(Action.PAY_KEEP_AMOUNT))
    await respond(update, Raw(ask + "\n\n" + kept), keyboard([[keep], *way_out_rows("claim")]))


async def pay_keep_amount_tapped(update: Update, context: ChorusContext) -> None:
    """Keep the amount typed before going back, and ask for the receipt again."""
    asked = await context.services.payments.claim_keep_amount(sender_id(update))
    if asked is None:
        await respond(update, say(texts.NOTHING_TO_CARRY_ON))
        return
    await _ask_receipt(update, context, asked)


async def pay_amount_typed(update: Update, context: ChorusContext, text: str) -> None:
    """Take the amount; a kind answer (and the step kept) if it is not one."""
    asked = await context.services.payments.claim_amount(sender_id(update), text)
    if asked is None:
        await respond(update, say(texts.NOTHING_TO_CARRY_ON))
    elif isinstance(asked.problem, AmountProblem):
        await respond(update, _amount_problem(asked.problem))
    else:
        await _ask_receipt(update, context, asked)


async def _ask_receipt(update: Update, context: ChorusContext, asked: ClaimAsk) -> None:
    # Back: the amount asked again, for the same meeting (the one typed, kept).
    back = (Action.PAY_CLAIM_SESSION, (asked.session_id or 0,))
    ask = say(texts.PAY_CLAIM_ASK_RECEIPT, amount=money(asked.pence or 0))
    await ask_to_type(update, context, ask, back)


async def pay_receipt_typed(update: Update, context: ChorusContext, text: str) -> None:
    """Words where a receipt photo is wanted: ask for the photo; the amount is kept."""
    await _receipt(update, context, "text", None)


async def pay_receipt_received(update: Update, context: ChorusContext) -> None:
    """A photo (or a file, sticker...) while a claim waits for its receipt; anything else
    goes on to the handlers after this one."""
    message = update.effective_message
    if message is None or not await _waiting_for_receipt(update, context):
        return
    # Words that suggest risk in a caption get help first; the receipt can come after.
    if not await offer_help(update, context, message.caption, True):
        photo = message.photo[-1].file_id if message.photo else None
        await _receipt(update, context, "photo" if photo else "other", photo)
    raise ApplicationHandlerStop


async def _waiting_for_receipt(update: Update, context: ChorusContext) -> bool:
    step = await context.services.membership.current_step(sender_id(update))
    return step is not None and step.step == RECEIPT_STEP


async def _receipt(update: Update, context: ChorusContext, kind: str, file_id: str | None) -> None:
    asked = await context.services.payments.claim_receipt(sender_id(update), kind, file_id)
    if asked is None or asked.problem is Refused.NOT_ATTENDED:
        await respond(update, say(texts.PAY_CLAIM_NOT_ATTENDED))
    elif asked.problem is Refused.NOT_PHOTO:
        await respond(update, say(texts.PAY_RECEIPT_NOT_PHOTO, amount=money(asked.pence or 0)))
    else:
        said = say(texts.PAY_CLAIM_SENT, amount=money(asked.pence or 0), title=asked.title)
        await respond(update, said)


# --- Approval (coordinators) -----------------------------------------------------------------


@coordinators_only
async def pay_approve_tapped(update: Update, context: ChorusContext) -> None:
    """Approve an expenses claim; the member is told."""
    claim_id = button_int(update)
    result: Decided | Refused = Refused.NOT_ALLOWED
    if claim_id is not None:
        result = await context.services.payments.approve(sender_id(update), claim_id)
    if not isinstance(result, Decided):
        await respond(update, say(texts.ONLY_COORDINATORS))
    elif result.problem is Refused.DECIDED:
        await respond(update, say(texts.PAY_ALREADY_DECIDED))
    else:
        name = result.name or label(texts.PAY_NO_NAME)
        await respond(
            update, say(texts.PAY_APPROVED, amount=money(result.claim.amount_pence), name=name)
        )


@coordinators_only
async def pay_query_tapped(update: Update, context: ChorusContext) -> None:
    """Ask what the coordinator would like to ask about the claim."""
    claim_id = button_int(update)
    allowed = claim_id is not None and await context.services.payments.begin_query(
        sender_id(update), chat_id(update), claim_id
    )
    await send(update, say(texts.PAY_ASK_QUERY if allowed else texts.ONLY_COORDINATORS))


async def pay_query_typed(update: Update, context: ChorusContext, text: str) -> None:
    """Send the coordinator's question to the member."""
    sent = await context.services.payments.query(sender_id(update), text)
    await respond(update, say(texts.PAY_QUERY_SENT if sent else texts.ONLY_COORDINATORS))


@coordinators_only
async def pay_receipt_tapped(update: Update, context: ChorusContext) -> None:
    """Show the receipt photo of a claim."""
    claim_id = button_int(update)
    file_id = None
    if claim_id is not None:
        file_id = await context.services.payments.receipt(sender_id(update), claim_id)
    if file_id is None:
        await send(update, say(texts.ONLY_COORDINATORS))
        return
    await answer_tap(update)
    sent = await update.get_bot().send_photo(chat_id(update), file_id)
    # Its sender asking to be forgotten deletes it from this chat.
    await context.services.withdrawal.receipt_shown(
        claim_id or 0, chat_id(update), sent.message_id
    )


# --- Finance export --------------------------------------------------------------------------


@coordinators_only
async def finance_command(update: Update, context: ChorusContext) -> None:
    """Export payments for finance: choose the group, then the period."""
    await pick_managed_group(
        update, context, Action.PAY_FINANCE_GROUP, texts.PAY_FINANCE_PICK_GROUP, _periods
    )


async def _periods(update: Update, context: ChorusContext, group_id: int) -> None:
    rows: Rows = [
        [(label(words), _key(Action.PAY_FINANCE, group_id, period.value))]
        for period, words in _PERIODS.items()
    ]
    await respond(update, say(texts.PAY_FINANCE_PICK_PERIOD), keyboard(rows))


@coordinators_only
@names(Thing.GROUP, Need.MANAGE)
async def pay_finance_group_tapped(update: Update, context: ChorusContext) -> None:
    """Ask which period to export."""
    group_id = button_int(update)
    if group_id is None:
        await respond(update, say(texts.STALE_BUTTON))
        return
    await _periods(update, context, group_id)


@coordinators_only
@names(Thing.GROUP, Need.MANAGE)
async def pay_finance_tapped(update: Update, context: ChorusContext) -> None:
    """Send the finance export (XLSX and CSV) for the group and period."""
    values, group_id = button_args(update), button_int(update)
    periods = {p.value: p for p in Period}
    finance = None
    if group_id is not None and len(values) == 2 and values[1] in periods:
        finance = await context.services.payments.finance(
            sender_id(update), group_id, periods[values[1]]
        )
    if finance is None:
        await respond(update, say(texts.ONLY_COORDINATORS))
        return
    xlsx = await asyncio.to_thread(payment_files.finance_xlsx, finance)
    table = await asyncio.to_thread(payment_files.finance_csv, finance)
    name = f"payments-{finance.start.isoformat()}-to-{finance.end.isoformat()}"
    bot = update.get_bot()
    await bot.send_document(chat_id(update), xlsx, filename=f"{name}.xlsx")
    await bot.send_document(chat_id(update), table, filename=f"{name}.csv")
    total = sum(line.time_pence + line.expenses_pence for line in finance.lines)
    summary = say(
        texts.PAY_FINANCE_DONE,
        group=finance.group_name,
        start=finance.start.isoformat(),
        end=finance.end.isoformat(),
        count=len(finance.lines),
        amount=money(total),
        waiting=money(sum(line.waiting_pence for line in finance.lines)),
    )
    await respond(update, summary)


async def pay_carry_on(update: Update, context: ChorusContext) -> None:
    """After the safety reply: ask again for the amount or the receipt photo."""
    step = await context.services.membership.current_step(sender_id(update))
    waiting = step is not None and step.step == RECEIPT_STEP
    await send(update, say(texts.PAY_CARRY_ON_RECEIPT if waiting else texts.PAY_CARRY_ON_AMOUNT))


# Steps where a member types: words that suggest risk get help first.
MEMBER_STEPS = {AMOUNT_STEP, RECEIPT_STEP}
CARRY_ON = {AMOUNT_STEP: pay_carry_on, RECEIPT_STEP: pay_carry_on}
STEPS = {
    RATE_STEP: pay_rate_typed,
    EXPENSES_STEP: pay_expenses_typed,
    PAYEE_STEP: pay_payee_typed,
    AMOUNT_STEP: pay_amount_typed,
    RECEIPT_STEP: pay_receipt_typed,
    QUERY_STEP: pay_query_typed,
}
