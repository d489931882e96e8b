"""Journey J1, after joining: the name others see, pausing messages, and leaving."""

from __future__ import annotations

from telegram import Update

from bot.context import ChorusContext
from bot.presentation import callbacks, texts
from bot.presentation.callbacks import Action
from bot.presentation.moments import duration_words
from bot.presentation.texts import Raw, label, say
from bot.services.access import Need, Thing
from bot.services.delivery_rules import QUIET_OFF, quiet_window
from bot.services.membership import (
    NAME_MAX,
    QUIET_CHOICES,
    LeaveChoice,
    NameOutcome,
    QuietOutcome,
)
from handlers.common import (
    ask_to_choose,
    ask_to_type,
    button_args,
    button_int,
    keyboard,
    names,
    respond,
    send,
    sender_id,
)
from handlers.contributor_updates import settings_rhythm_button, settings_rhythm_line

_NAME_REPLIES = {
    NameOutcome.SAVED: texts.NAME_SAVED,
    NameOutcome.CLEARED: texts.NAME_CLEARED,
    NameOutcome.UNKNOWN_PERSON: texts.NOT_JOINED,
}


async def settings_command(update: Update, context: ChorusContext) -> None:
    """Show the person's name, whether messages are paused, and their groups."""
    account = await context.services.membership.account(sender_id(update))
    if account is None:
        await respond(update, say(texts.NOT_JOINED))
        return
    groups = ", ".join(group.name for group in account.groups) or say(texts.NO_GROUPS)
    text = say(
        texts.SETTINGS,
        name=account.display_name or say(texts.NO_NAME),
        messages=say(texts.MESSAGES_PAUSED if account.paused else texts.MESSAGES_ON),
        quiet=quiet_words(account.quiet_hours or context.bot_data.quiet_hours),
        groups=groups,
    )
    text = Raw(text + await settings_rhythm_line(update, context))
    minutes = await context.services.sessions.total_minutes(sender_id(update))
    text = Raw(text + say(texts.SETTINGS_HOURS, hours=duration_words(minutes)))
    pause = (
        (label(texts.BUTTON_RESUME), callbacks.encode(Action.RESUME))
        if account.paused
        else (label(texts.BUTTON_PAUSE), callbacks.encode(Action.PAUSE))
    )
    rename = (label(texts.BUTTON_CHANGE_NAME), callbacks.encode(Action.NAME_TYPE))
    no_name = (label(texts.BUTTON_NO_NAME), callbacks.encode(Action.NAME_NONE))
    quiet = (label(texts.BUTTON_QUIET), callbacks.encode(Action.QUIET_PICK))
    involvement = (label(texts.BUTTON_SETTINGS_INVOLVEMENT), callbacks.encode(Action.MYINV))
    language = (label(texts.BUTTON_LANGUAGE), callbacks.encode(Action.LANGUAGE_PICK))
    rows = [[rename, no_name], [pause, quiet], [settings_rhythm_button()], [involvement]]
    rows.append([language])
    await ask_to_choose(update, context, text, keyboard(rows))


async def quiet_pick_tapped(update: Update, context: ChorusContext) -> None:
    """Offer the quiet hours a member can choose."""
    rows = [
        [(quiet_words(choice), callbacks.encode(Action.QUIET_SET, index))]
        for index, choice in enumerate(QUIET_CHOICES)
    ]
    rows.append([(label(texts.BUTTON_QUIET_TYPE), callbacks.encode(Action.QUIET_TYPE))])
    await ask_to_choose(update, context, say(texts.QUIET_ASK), keyboard(rows), back="settings")


async def quiet_type_tapped(update: Update, context: ChorusContext) -> None:
    """Ask the member to type their own quiet hours."""
    known = await context.services.membership.begin_quiet_hours(sender_id(update))
    if not known:
        await respond(update, say(texts.NOT_JOINED))
        return
    await ask_to_type(update, context, say(texts.QUIET_TYPE_ASK), back="quiet")


async def quiet_typed(update: Update, context: ChorusContext, text: str) -> None:
    """Save quiet hours typed in the member's own words, said back in words."""
    result = await context.services.membership.set_typed_quiet_hours(sender_id(update), text)
    if result.outcome is QuietOutcome.UNREADABLE:
        await respond(update, say(texts.QUIET_TYPE_UNREADABLE))
    elif result.outcome is QuietOutcome.UNKNOWN_PERSON:
        await respond(update, say(texts.NOT_JOINED))
    elif result.value == QUIET_OFF:
        await respond(update, say(texts.QUIET_TYPED_OFF))
    else:
        window = quiet_window(result.value, QUIET_OFF)
        end = window[1].strftime("%H:%M") if window else ""
        await respond(
            update, say(texts.QUIET_TYPED_SAVED, quiet=quiet_words(result.value), end=end)
        )


async def quiet_set_tapped(update: Update, context: ChorusContext) -> None:
    """Save the quiet hours chosen."""
    choice = button_int(update)
    chosen = None
    if choice is not None:
        chosen = await context.services.membership.set_quiet_hours(sender_id(update), choice)
    reply = (
        say(texts.QUIET_SAVED, quiet=quiet_words(chosen)) if chosen else say(texts.STALE_BUTTON)
    )
    await respond(update, reply)


def quiet_words(value: str | None) -> str:
    """Quiet hours in words: "21:00 to 08:00", or "none"."""
    window = quiet_window(value, QUIET_OFF) if value else None
    if window is None:
        return label(texts.QUIET_NONE)
    start, end = window
    return label(texts.QUIET_RANGE, start=start.strftime("%H:%M"), end=end.strftime("%H:%M"))


async def name_change_tapped(update: Update, context: ChorusContext) -> None:
    """Ask the person to type the name others should see."""
    known = await context.services.membership.begin_name(sender_id(update))
    if not known:
        await respond(update, say(texts.NOT_JOINED))
        return
    await ask_to_type(update, context, say(texts.NAME_ASK), back="settings")


async def name_from_telegram_tapped(update: Update, context: ChorusContext) -> None:
    """Use the person's Telegram first name as the name others see."""
    first = update.effective_user.first_name if update.effective_user else ""
    await _save_name(update, context, first or "")


async def name_none_tapped(update: Update, context: ChorusContext) -> None:
    """Show no name to others."""
    await _save_name(update, context, None)


async def name_carry_on(update: Update, context: ChorusContext) -> None:
    """After the safety reply: ask for the name again, as a new message."""
    await send(update, say(texts.NAME_ASK))


async def name_typed(update: Update, context: ChorusContext, text: str) -> None:
    """Save a name the person typed."""
    await _save_name(update, context, text)


async def _save_name(update: Update, context: ChorusContext, raw: str | None) -> None:
    result = await context.services.membership.set_name(sender_id(update), raw)
    if result.outcome is NameOutcome.INVALID:
        await respond(update, say(texts.NAME_INVALID, limit=NAME_MAX))
    else:
        await respond(update, say(_NAME_REPLIES[result.outcome], name=result.name or ""))


async def pause_tapped(update: Update, context: ChorusContext) -> None:
    """Pause every message that is not an answer to the person."""
    known = await context.services.membership.set_paused(sender_id(update), True)
    await respond(update, say(texts.PAUSED if known else texts.NOT_JOINED))


async def resume_tapped(update: Update, context: ChorusContext) -> None:
    """Turn messages back on."""
    known = await context.services.membership.set_paused(sender_id(update), False)
    await respond(update, say(texts.RESUMED if known else texts.NOT_JOINED))


async def leave_command(update: Update, context: ChorusContext) -> None:
    """Ask which group to leave (or, with one group, confirm leaving it)."""
    groups = await context.services.membership.groups_of(sender_id(update))
    if not groups:
        await respond(update, say(texts.NOT_IN_ANY_GROUP))
    elif len(groups) == 1:
        await _confirm_leave(update, context, groups[0].id, groups[0].name)
    else:
        rows = [[(g.name, callbacks.encode(Action.LEAVE_PICK, g.id))] for g in groups]
        await ask_to_choose(update, context, say(texts.LEAVE_PICK), keyboard(rows))


@names(Thing.GROUP, Need.MEMBER)
async def leave_pick_tapped(update: Update, context: ChorusContext) -> None:
    """Confirm leaving the chosen group."""
    group_id = button_int(update)
    groups = await context.services.membership.groups_of(sender_id(update))
    chosen = next((g for g in groups if g.id == group_id), None)
    if chosen is None:
        await respond(update, say(texts.STALE_BUTTON))
    else:
        await _confirm_leave(update, context, chosen.id, chosen.name, back="leave")


async def _confirm_leave(
    update: Update, context: ChorusContext, group_id: int, name: str, back: str | None = None
) -> None:
    """With nothing shared there, a plain yes or no; otherwise, what should happen to it.
    `back`: the group list before it, if there was one."""
    shared = await context.services.membership.shared_in(sender_id(update), group_id)
    if shared:
        choices = (
            (texts.BUTTON_LEAVE_KEEP_NAMED, LeaveChoice.KEEP_NAMED),
            (texts.BUTTON_LEAVE_KEEP_ANONYMOUS, LeaveChoice.KEEP_ANONYMOUS),
            (texts.BUTTON_LEAVE_TAKE_BACK, LeaveChoice.TAKE_BACK),
        )
        rows = [
            [(label(word), callbacks.encode(Action.LEAVE_WITH, group_id, choice.value))]
            for word, choice in choices
        ]
        rows.append([(label(texts.BUTTON_LEAVE_NO), callbacks.encode(Action.LEAVE_NO))])
        asking = texts.LEAVE_WHAT_SHARED_ONE if shared == 1 else texts.LEAVE_WHAT_SHARED
        question = say(asking, group=name, count=shared)
        await ask_to_choose(update, context, question, keyboard(rows), back=back)
        return
    buttons = keyboard(
        [
            [(label(texts.BUTTON_LEAVE_YES), callbacks.encode(Action.LEAVE_YES, group_id))],
            [(label(texts.BUTTON_LEAVE_NO), callbacks.encode(Action.LEAVE_NO))],
        ]
    )
    await ask_to_choose(update, context, say(texts.LEAVE_CONFIRM, group=name), buttons, back=back)


async def leave_yes_tapped(update: Update, context: ChorusContext) -> None:
    """Leave the group."""
    group_id = button_int(update)
    left = None
    if group_id is not None:
        left = await context.services.membership.leave(sender_id(update), group_id)
    await respond(update, say(texts.LEFT, group=left.name) if left else say(texts.STALE_BUTTON))


_LEFT_WITH = {
    LeaveChoice.KEEP_NAMED: texts.LEFT,
    LeaveChoice.KEEP_ANONYMOUS: texts.LEFT_KEPT_ANONYMOUS,
    LeaveChoice.TAKE_BACK: texts.LEFT_TAKEN_BACK,
}


async def leave_with_tapped(update: Update, context: ChorusContext) -> None:
    """Leave the group, keeping what was shared there with or without the name, or taking
    it all back."""
    group_id, values = button_int(update), button_args(update)
    choice = next((c for c in LeaveChoice if len(values) > 1 and values[1] == c.value), None)
    left = None
    if group_id is not None and choice is not None:
        left = await context.services.membership.leave(sender_id(update), group_id, choice)
    if left is None or choice is None:
        await respond(update, say(texts.STALE_BUTTON))
        return
    said = say(_LEFT_WITH[choice], group=left.name)
    if left.voice_kept:
        said = Raw(f"{said}\n\n{say(texts.VOICE_STILL_PLAYS)}")
    await respond(update, said)
    context.bot_data.worker.kick()


async def leave_no_tapped(update: Update, context: ChorusContext) -> None:
    """Stay in the group."""
    await respond(update, say(texts.STAYED))
