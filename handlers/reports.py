"""Journey J8: /report for coordinators (their groups), observers (a group's report, with no
names) and admins (every group): a period, a group, then the figures, three charts and the
files for a board."""

from __future__ import annotations

from datetime import date

from telegram import Update

from bot.context import ChorusContext
from bot.presentation import callbacks, texts
from bot.presentation.callbacks import Action
from bot.presentation.texts import label, say
from bot.report_files import draw_files
from bot.report_words import chat_text, day
from bot.services.access import Need, Thing
from bot.services.reports import ALL_GROUPS
from bot.services.reports.periods import Period, PeriodProblem, Pick, parse_period, picked
from handlers.common import (
    ask_to_choose,
    button_args,
    button_int,
    keyboard,
    names,
    respond,
    respond_long,
    sender_id,
)

_PROBLEMS = {
    PeriodProblem.UNREADABLE: texts.REPORT_PERIOD_UNREADABLE,
    PeriodProblem.NO_SUCH_DAY: texts.REPORT_PERIOD_NO_SUCH_DAY,
    PeriodProblem.BACKWARDS: texts.REPORT_PERIOD_BACKWARDS,
    PeriodProblem.FUTURE: texts.REPORT_PERIOD_FUTURE,
    PeriodProblem.TOO_LONG: texts.REPORT_PERIOD_TOO_LONG,
}
_PICKS = (
    (Pick.THIS_MONTH, texts.BUTTON_REPORT_THIS_MONTH),
    (Pick.LAST_MONTH, texts.BUTTON_REPORT_LAST_MONTH),
    (Pick.LAST_QUARTER, texts.BUTTON_REPORT_LAST_QUARTER),
)


async def report_command(update: Update, context: ChorusContext) -> None:
    """Ask the period (or read the one typed after the command), then the group."""
    reports = context.services.reports
    choice = await reports.choice(sender_id(update))
    if not choice.groups and not choice.all_groups:
        await respond(update, say(texts.REPORT_NOT_ALLOWED))
        return
    typed = " ".join(context.args or [])
    if not typed:
        rows = [
            [(label(word), callbacks.encode(Action.REPORT_PERIOD, p.value))] for p, word in _PICKS
        ]
        await ask_to_choose(update, context, say(texts.REPORT_ASK_PERIOD), keyboard(rows))
        return
    period = parse_period(typed, reports.today())
    if isinstance(period, PeriodProblem):
        await respond(update, say(_PROBLEMS[period]))
        return
    await _ask_group(update, context, period)


async def report_period_tapped(update: Update, context: ChorusContext) -> None:
    """A period was picked: ask the group."""
    pick = next((p for p in Pick if p.value in button_args(update)[:1]), None)
    if pick is None:
        await respond(update, say(texts.STALE_BUTTON))
        return
    await _ask_group(update, context, picked(pick, context.services.reports.today()))


@names(Thing.GROUP, Need.READ)
async def report_group_tapped(update: Update, context: ChorusContext) -> None:
    """Make the report on the group (or on all groups) for the period the button carries."""
    group_id, start, end = (button_int(update, i) for i in range(3))
    if group_id is None or not start or not end or not start <= end <= date.max.toordinal():
        await respond(update, say(texts.STALE_BUTTON))
        return
    await _send(update, context, group_id, Period(date.fromordinal(start), date.fromordinal(end)))


async def _ask_group(update: Update, context: ChorusContext, period: Period) -> None:
    choice = await context.services.reports.choice(sender_id(update))
    if len(choice.groups) == 1 and not choice.all_groups:
        await _send(update, context, choice.groups[0].id, period)
        return
    span = (period.start.toordinal(), period.end.toordinal())
    rows = [[(g.name, callbacks.encode(Action.REPORT_GROUP, g.id, *span))] for g in choice.groups]
    if choice.all_groups:
        rows.append(
            [
                (
                    label(texts.BUTTON_REPORT_ALL),
                    callbacks.encode(Action.REPORT_GROUP, ALL_GROUPS, *span),
                )
            ]
        )
    question = say(texts.REPORT_ASK_GROUP, start=day(period.start), end=day(period.end))
    await ask_to_choose(update, context, question, keyboard(rows), back="report")


async def _send(update: Update, context: ChorusContext, group_id: int, period: Period) -> None:
    made = await context.services.reports.make(sender_id(update), group_id, period)
    if made is None:
        await respond(update, say(texts.REPORT_GONE))
        return
    await respond_long(update, chat_text(made.shown))
    # Drawing takes a while: in a worker process, so everyone else's replies go on.
    files = await draw_files(made.shown, made.outside)
    bot, chat = update.get_bot(), update.effective_chat
    assert chat is not None
    for name, png in files.charts:
        await bot.send_photo(chat.id, png, filename=name)
    stem = f"report-{period.start.isoformat()}-{period.end.isoformat()}"
    await bot.send_document(chat.id, files.xlsx, filename=f"{stem}.xlsx")
    await bot.send_document(chat.id, files.csv, filename=f"{stem}.csv")
    caption = say(texts.REPORT_FILES_CAPTION)
    await bot.send_document(chat.id, files.pdf, filename=f"{stem}.pdf", caption=caption)
