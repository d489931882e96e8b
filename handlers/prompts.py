"""Journey J3 for coordinators: `/prompt` posts a question to a group, with a Respond button."""

from __future__ import annotations

from telegram import Update

from bot.context import ChorusContext
from bot.presentation import callbacks, texts
from bot.presentation.buttons import way_out_rows
from bot.presentation.callbacks import Action
from bot.presentation.outgoing import render_text
from bot.presentation.texts import label, say
from bot.services.access import Need, Thing
from bot.services.prompts import (
    END_CHOICES,
    MAX_PROMPT,
    PromptDraft,
    PromptProblem,
    member_message,
)
from handlers.common import (
    button_int,
    chat_id,
    coordinators_only,
    keyboard,
    names,
    respond,
    send,
    sender_id,
)
from handlers.wording import PROMPT, ask_with_words, note_on_words

_PROBLEMS = {
    PromptProblem.NOT_ALLOWED: texts.ONLY_COORDINATORS,
    PromptProblem.NO_GROUPS: texts.NO_MANAGED_GROUPS,
    PromptProblem.EMPTY: texts.PROMPT_EMPTY,
    PromptProblem.TOO_LONG: texts.PROMPT_TOO_LONG,
    PromptProblem.STALE: texts.STALE_BUTTON,
}


@coordinators_only
async def prompt_command(update: Update, context: ChorusContext) -> None:
    """Start a prompt: which group, then the words."""
    draft = await context.services.prompts.begin(sender_id(update), chat_id(update))
    await _show(update, draft)


@coordinators_only
@names(Thing.GROUP, Need.MANAGE)
async def prompt_group_tapped(update: Update, context: ChorusContext) -> None:
    """Write the prompt for the chosen group."""
    draft = await context.services.prompts.choose_group(sender_id(update), button_int(update) or 0)
    await _show(update, draft)


async def prompt_text_typed(update: Update, context: ChorusContext, text: str) -> None:
    """The prompt's words; then ask until when it takes answers."""
    draft = await context.services.prompts.give_text(sender_id(update), text)
    if draft.problem is None and await note_on_words(update, text, PROMPT):
        return  # "Send it as it is" asks until when; "Change it", the words again
    await _show(update, draft)


@coordinators_only
async def prompt_keep_words_tapped(update: Update, context: ChorusContext) -> None:
    """Back at the words: go on with those typed before."""
    await _show(update, await context.services.prompts.keep_text(sender_id(update)))


@coordinators_only
async def prompt_as_written_tapped(update: Update, context: ChorusContext) -> None:
    """After the note on its words: go on with them as they are."""
    await _show(update, await context.services.prompts.current(sender_id(update)))


@coordinators_only
async def prompt_end_tapped(update: Update, context: ChorusContext) -> None:
    """Until when it takes answers; then the preview."""
    choice = button_int(update)
    index = choice - 1 if choice is not None else -1
    draft = await context.services.prompts.choose_end(sender_id(update), index)
    await _show(update, draft)


@coordinators_only
async def prompt_post_tapped(update: Update, context: ChorusContext) -> None:
    """Post the prompt to the group's members."""
    posted = await context.services.prompts.post(sender_id(update))
    if isinstance(posted, PromptProblem):
        await respond(update, say(_PROBLEMS[posted]))
        return
    await respond(update, say(texts.PROMPT_POSTED, count=posted.queued, group=posted.group.name))
    context.bot_data.worker.kick()


@coordinators_only
async def prompt_discard_tapped(update: Update, context: ChorusContext) -> None:
    """Drop the prompt; nothing is posted."""
    await context.services.steps.clear(sender_id(update))
    await respond(update, say(texts.PROMPT_DISCARDED))


@coordinators_only
async def prompt_back_tapped(update: Update, context: ChorusContext) -> None:
    """Back to the step before, with what was chosen and typed kept."""
    await _show(update, await context.services.prompts.back(sender_id(update)))


async def _show(update: Update, draft: PromptDraft) -> None:
    if draft.problem is not None:
        await respond(update, say(_PROBLEMS[draft.problem], limit=MAX_PROMPT))
        return
    discard = [(label(texts.BUTTON_DISCARD), callbacks.encode(Action.PROMPT_DISCARD))]
    back = way_out_rows((Action.PROMPT_BACK, ()))
    if draft.step == "prompt_group":
        rows = [[(g.name, callbacks.encode(Action.PROMPT_GROUP, g.id))] for g in draft.groups]
        await respond(update, say(texts.PROMPT_PICK_GROUP), keyboard([*rows, discard]))
    elif draft.step == "prompt_text":
        group = draft.group.name if draft.group else ""
        asked = say(texts.PROMPT_ASK_TEXT, group=group, limit=MAX_PROMPT)
        rows = back
        if draft.text:  # kept: given back to change, or kept as they are
            keep = (label(texts.BUTTON_KEEP_MY_WORDS), callbacks.encode(Action.PROMPT_KEEP_WORDS))
            rows = [[keep], *back]
        await ask_with_words(update, draft.text, asked, keyboard(rows))
    elif draft.step == "prompt_end":
        rows = [
            [(_end_label(days), callbacks.encode(Action.PROMPT_END, index + 1))]
            for index, days in enumerate(END_CHOICES)
        ]
        await respond(update, say(texts.PROMPT_ASK_END), keyboard([*rows, discard, *back]))
    else:
        await _preview(update, draft)


async def _preview(update: Update, draft: PromptDraft) -> None:
    if draft.group is None or draft.text is None:
        await respond(update, say(texts.STALE_BUTTON))
        return
    await respond(update, render_text(member_message(draft.text, draft.ends_on, draft.group.name)))
    rows = [
        [(label(texts.BUTTON_POST), callbacks.encode(Action.PROMPT_POST))],
        [(label(texts.BUTTON_DISCARD), callbacks.encode(Action.PROMPT_DISCARD))],
        *way_out_rows((Action.PROMPT_BACK, ())),
    ]
    await send(update, say(texts.PROMPT_PREVIEW, group=draft.group.name), keyboard(rows))


def _end_label(days: int) -> str:
    if days == 0:
        return label(texts.BUTTON_END_NONE)
    if days == 7:
        return label(texts.BUTTON_END_WEEK)
    return label(texts.BUTTON_END_WEEKS, weeks=days // 7)
