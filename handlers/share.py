"""Journey J3: `/share`, step by step, from the group to the receipt."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from telegram import InlineKeyboardMarkup, Message, Update

from bot.context import ChorusContext
from bot.presentation import callbacks, texts
from bot.presentation.callbacks import Action
from bot.presentation.texts import Raw, label, say
from bot.services.access import Need, Thing
from bot.services.button_text import button_title
from bot.services.roles import Role
from bot.services.sharing import (
    KIND_WORDS,
    MAX_WORDS,
    OWN_MEDIA_WORDS,
    Consent,
    DiscardOutcome,
    Draft,
    Kind,
    Problem,
    Receipt,
    ShareStage,
    StepView,
    SubmitOutcome,
)
from bot.services.when import describe
from handlers.common import (
    answer_tap,
    button_args,
    button_int,
    chat_id,
    keyboard,
    names,
    replayable,
    respond,
    send,
    sender_id,
)
from handlers.safety import offer_help, send_safety_reply

Rows = list[list[tuple[str, str]]]

_PROBLEMS = {
    Problem.EMPTY: texts.SHARE_EMPTY,
    Problem.TOO_LONG: texts.SHARE_TOO_LONG,
    Problem.UNSUPPORTED: texts.SHARE_UNSUPPORTED,
    Problem.USE_BUTTONS: texts.SHARE_USE_BUTTONS,
    Problem.STALE: texts.STALE_BUTTON,
    Problem.NOT_MEMBER: texts.SHARE_NOT_MEMBER,
    Problem.NOT_IN_GROUP: texts.NOT_IN_THAT_GROUP,
    Problem.PROMPT_CLOSED: texts.SHARE_PROMPT_CLOSED,
    Problem.NO_PROMPTS: texts.SHARE_NO_PROMPTS,
}
_SUBMIT_PROBLEMS = {
    # The draft's group is one the person has left (they may be in others).
    SubmitOutcome.NOT_MEMBER: texts.SESSION_FEEDBACK_LEFT,
    SubmitOutcome.EMPTY: texts.SHARE_EMPTY,
    SubmitOutcome.TOO_LONG: texts.SHARE_TOO_LONG,
    SubmitOutcome.STALE: texts.STALE_BUTTON,
}
_CONSENT_BUTTONS = {
    Consent.COORDINATORS: texts.BUTTON_CONSENT_COORDINATORS,
    Consent.QUOTE_ANONYMOUS: texts.BUTTON_CONSENT_QUOTE_ANONYMOUS,
    Consent.QUOTE_NAMED: texts.BUTTON_CONSENT_QUOTE_NAMED,
}
_PREVIEW_CONSENT = {
    Consent.COORDINATORS: texts.PREVIEW_CONSENT_COORDINATORS,
    Consent.QUOTE_ANONYMOUS: texts.PREVIEW_CONSENT_QUOTE_ANONYMOUS,
    Consent.QUOTE_NAMED: texts.PREVIEW_CONSENT_QUOTE_NAMED,
}
CONSENT_WORDS = {
    Consent.COORDINATORS: texts.CONSENT_COORDINATORS,
    Consent.QUOTE_ANONYMOUS: texts.CONSENT_QUOTE_ANONYMOUS,
    Consent.QUOTE_NAMED: texts.CONSENT_QUOTE_NAMED,
}


async def share_command(update: Update, context: ChorusContext) -> None:
    """Begin sharing, or offer back a draft left unfinished."""
    await show(update, context, await context.services.sharing.start(sender_id(update)))


async def share_carry_on_tapped(update: Update, context: ChorusContext) -> None:
    """Carry on with the unfinished draft."""
    await show(update, context, await context.services.sharing.carry_on(sender_id(update)))


async def share_start_again_tapped(update: Update, context: ChorusContext) -> None:
    """Drop the unfinished draft and begin again."""
    await show(update, context, await context.services.sharing.start_again(sender_id(update)))


@names(Thing.GROUP, Need.MEMBER)
async def share_group_tapped(update: Update, context: ChorusContext) -> None:
    """Share with the chosen group."""
    group_id = button_int(update) or 0
    await show(
        update, context, await context.services.sharing.choose_group(sender_id(update), group_id)
    )


async def share_kind_tapped(update: Update, context: ChorusContext) -> None:
    """Share the chosen kind of item."""
    kind = (button_args(update) or [""])[0]
    await show(
        update, context, await context.services.sharing.choose_kind(sender_id(update), kind)
    )


@names(Thing.PROMPT, Need.MEMBER)
async def share_prompt_tapped(update: Update, context: ChorusContext) -> None:
    """Answer the chosen prompt."""
    prompt_id = button_int(update) or 0
    view = await context.services.sharing.choose_prompt(sender_id(update), prompt_id)
    await show(update, context, view)


@names(Thing.PROMPT, Need.MEMBER)
async def prompt_respond_tapped(update: Update, context: ChorusContext) -> None:
    """Begin an answer to a prompt, from the Respond button under it."""
    prompt_id = button_int(update) or 0
    view = await context.services.sharing.respond_to_prompt(sender_id(update), prompt_id)
    await show(update, context, view, keep_message=True)


@names(Thing.GROUP, Need.MEMBER)
async def share_session_tapped(update: Update, context: ChorusContext) -> None:
    """Begin feedback on a group meeting, from a button on a session's message."""
    group_id, session_id = button_int(update, 0) or 0, button_int(update, 1)
    view = await context.services.sharing.share_about_session(
        sender_id(update), group_id, session_id
    )
    await show(update, context, view, keep_message=True)


@names(Thing.SESSION, Need.MEMBER)
async def share_session_picked(update: Update, context: ChorusContext) -> None:
    """Give feedback on the chosen group meeting (or one not listed)."""
    view = await context.services.sharing.choose_session(sender_id(update), button_int(update))
    await show(update, context, view)


async def share_named_tapped(update: Update, context: ChorusContext) -> None:
    """Send with the member's name (1) or without it (0)."""
    named = button_int(update) == 1
    view = await context.services.sharing.choose_named(sender_id(update), named)
    await show(update, context, view)


async def share_consent_tapped(update: Update, context: ChorusContext) -> None:
    """How the item may be used: only by the coordinators, or quoted with or without a name."""
    consent = (button_args(update) or [""])[0]
    view = await context.services.sharing.choose_consent(sender_id(update), consent)
    await show(update, context, view)


async def share_skip_tapped(update: Update, context: ChorusContext) -> None:
    """Leave out an optional step."""
    await show(update, context, await context.services.sharing.skip(sender_id(update)))


async def share_back_tapped(update: Update, context: ChorusContext) -> None:
    """Go back one step."""
    await show(update, context, await context.services.sharing.back(sender_id(update)))


async def share_change_words_tapped(update: Update, context: ChorusContext) -> None:
    """From the preview, write the words again."""
    view = await context.services.sharing.change_words(sender_id(update))
    await show(update, context, view)


async def share_discard_tapped(update: Update, context: ChorusContext) -> None:
    """Drop the draft: nothing is sent (after risk words: say they went to the lead)."""
    dropped = await context.services.sharing.discard(sender_id(update))
    if dropped in (DiscardOutcome.AFTER_ALERT_NAMED, DiscardOutcome.AFTER_ALERT):
        named = dropped is DiscardOutcome.AFTER_ALERT_NAMED
        who = say(texts.DISCARD_LEAD_KNOWS_NAME if named else texts.DISCARD_LEAD_NO_NAME)
        await respond(update, say(texts.SHARE_DISCARDED_AFTER_ALERT, who=who))
        return
    dropped_it = dropped is DiscardOutcome.DROPPED
    await respond(update, say(texts.SHARE_DISCARDED if dropped_it else texts.STALE_BUTTON))


async def share_writing_carry_on(update: Update, context: ChorusContext) -> None:
    """After the safety reply: the draft's step again, as a new message below it."""
    view = await context.services.sharing.carry_on(sender_id(update))
    await show(update, context, view, keep_message=True)


@replayable
async def share_send_tapped(update: Update, context: ChorusContext) -> None:
    """Send the item, and give the receipt (again, if it was sent already)."""
    reference = next(iter(button_args(update)), None)
    result = await context.services.sharing.send(sender_id(update), chat_id(update), reference)
    if result.receipt is None:
        await respond(update, say(_SUBMIT_PROBLEMS.get(result.outcome, texts.STALE_BUTTON)))
        return
    await respond(update, receipt_text(context, result.receipt))


async def share_text_typed(update: Update, context: ChorusContext, text: str) -> None:
    """Words typed while sharing: the item's text or a caption."""
    view = await context.services.sharing.give_words(sender_id(update), text)
    await show(update, context, view)


async def share_media_received(update: Update, context: ChorusContext) -> None:
    """A voice note, photo, sticker or file: taken for a draft, or kindly refused."""
    message = update.effective_message
    kind, file_id = _media_of(message)
    caption = message.caption if message is not None else None
    view = await context.services.sharing.give_media(sender_id(update), kind, file_id, caption)
    if view.draft is None:
        # Not for a draft; a caption that suggests risk still gets help.
        if await offer_help(update, context, caption):
            return
        role = await context.services.roles.role_of(sender_id(update))
        text = texts.NOT_UNDERSTOOD if role > Role.STRANGER else texts.START_STRANGER
        await respond(update, say(text))
        return
    await show(update, context, view)


def receipt_text(context: ChorusContext, receipt: Receipt) -> Raw:
    """The thank-you with the private reference and what happens next."""
    if receipt.named:
        return say(
            texts.SHARE_RECEIPT_NAMED, group=receipt.group_name, reference=receipt.reference
        )
    when = describe(receipt.visible_at, context.bot_data.zone, context.services.clock.now())
    return say(
        texts.SHARE_RECEIPT_ANONYMOUS,
        group=receipt.group_name,
        when=when,
        reference=receipt.reference,
    )


async def show(
    update: Update, context: ChorusContext, view: StepView, keep_message: bool = False
) -> None:
    """Show the draft's current step, after any problem; after risk words, only the safety
    reply, with one button to carry on."""
    if view.alert_id is not None and view.draft is not None:
        await send_safety_reply(update, context, view.alert_id, carry_on=True)
        return
    if view.alert_id is not None:
        await send_safety_reply(update, context, view.alert_id)
    draft = view.draft
    if draft is None or view.resumable:
        if draft is None:
            problem = _PROBLEMS.get(view.problem or Problem.STALE, texts.STALE_BUTTON)
            await _reply(update, say(problem), None, keep_message)
            return
        rows = [
            [
                (label(texts.BUTTON_CARRY_ON), callbacks.encode(Action.SHARE_CARRY_ON)),
                (label(texts.BUTTON_START_AGAIN), callbacks.encode(Action.SHARE_START_AGAIN)),
            ]
        ]
        await _reply(update, say(texts.SHARE_RESUME), keyboard(rows), keep_message)
        return
    text, rows = _question(view, draft)
    if view.problem is not None:
        # One message: what went wrong, then the same question again, so nothing is lost.
        group = view.group.name if view.group else ""
        problem = say(_PROBLEMS[view.problem], limit=MAX_WORDS, group=group)
        text = Raw(problem + "\n\n" + text)
    await _reply(update, text, keyboard(rows), keep_message or view.alert_id is not None)


async def _reply(
    update: Update, text: Raw, markup: InlineKeyboardMarkup | None, new_message: bool
) -> None:
    if new_message or len(texts.split_message(text)) > 1:
        # A long preview goes in new messages, split, with the buttons under the last.
        await answer_tap(update)
        await send(update, text, markup)
    else:
        await respond(update, text, markup)


def _button(text: str, action: Action, *args: str | int) -> tuple[str, str]:
    return (label(text), callbacks.encode(action, *args))


def _question(view: StepView, draft: Draft) -> tuple[Raw, Rows]:
    """The words and buttons of the step the draft is at, with Back and Don't send."""
    text, rows = _QUESTIONS[draft.stage](view, draft)
    if draft.stage is not ShareStage.GROUP:
        rows.append([_button(texts.BUTTON_BACK, Action.SHARE_BACK)])
    rows.append([_button(texts.BUTTON_DONT_SEND, Action.SHARE_DISCARD)])
    return text, rows


def _pick_group(view: StepView, draft: Draft) -> tuple[Raw, Rows]:
    rows = [[(g.name, callbacks.encode(Action.SHARE_GROUP, g.id))] for g in view.groups]
    return say(texts.SHARE_PICK_GROUP), rows


def _pick_kind(view: StepView, draft: Draft) -> tuple[Raw, Rows]:
    kinds = [
        (texts.BUTTON_KIND_FEEDBACK, Kind.FEEDBACK),
        (texts.BUTTON_KIND_SESSION, Kind.SESSION),
        (texts.BUTTON_KIND_STORY, Kind.STORY),
    ]
    if view.prompts:
        kinds.insert(0, (texts.BUTTON_KIND_PROMPT, Kind.PROMPT))
    rows = [[_button(text, Action.SHARE_KIND, kind.value)] for text, kind in kinds]
    group = view.group.name if view.group else ""
    return say(texts.SHARE_PICK_KIND, group=group), rows


def _pick_prompt(view: StepView, draft: Draft) -> tuple[Raw, Rows]:
    rows = [
        [(_short(p.text, 60), callbacks.encode(Action.SHARE_PROMPT, p.id))] for p in view.prompts
    ]
    return say(texts.SHARE_PICK_PROMPT), rows


def _pick_session(view: StepView, draft: Draft) -> tuple[Raw, Rows]:
    rows = [
        [
            (
                _session_words(view, s.title, s.starts_at),
                callbacks.encode(Action.SHARE_SESSION_PICK, s.id),
            )
        ]
        for s in view.sessions
    ]
    rows.append([_button(texts.BUTTON_SESSION_OTHER, Action.SHARE_SESSION_PICK)])
    return say(texts.SHARE_PICK_SESSION), rows


def _session_words(view: StepView, title: str, starts_at: datetime) -> str:
    day = starts_at.astimezone(view.zone).strftime("%a %-d %B")
    return label(texts.SHARE_SESSION_LINE, title=_short(title, 40), day=day)


def _ask_for_content(view: StepView, draft: Draft) -> tuple[Raw, Rows]:
    return _ask_content(view, draft), _keep(draft)


def _ask_caption(view: StepView, draft: Draft) -> tuple[Raw, Rows]:
    voice = draft.media_kind == "voice"
    skip = [_button(texts.BUTTON_SKIP, Action.SHARE_SKIP)]
    return say(texts.SHARE_ASK_CAPTION_VOICE if voice else texts.SHARE_ASK_CAPTION_PHOTO), [skip]


def _ask_name(view: StepView, draft: Draft) -> tuple[Raw, Rows]:
    choice = [
        _button(texts.BUTTON_WITH_NAME, Action.SHARE_NAMED, 1),
        _button(texts.BUTTON_WITHOUT_NAME, Action.SHARE_NAMED, 0),
    ]
    return say(texts.SHARE_ASK_NAME, small=_small_note(view)), [choice]


def _ask_consent(view: StepView, draft: Draft) -> tuple[Raw, Rows]:
    allowed = [Consent.COORDINATORS, Consent.QUOTE_ANONYMOUS]
    if draft.named:
        allowed.append(Consent.QUOTE_NAMED)
    rows = [[_button(_CONSENT_BUTTONS[c], Action.SHARE_CONSENT, c.value)] for c in allowed]
    group = view.group.name if view.group else ""
    return say(texts.SHARE_ASK_CONSENT, group=group), rows


def _show_preview(view: StepView, draft: Draft) -> tuple[Raw, Rows]:
    # The reference the item will have: a second tap on Send finds the item sent.
    send = (draft.reference,) if draft.reference else ()
    rows = [
        [_button(texts.BUTTON_SEND, Action.SHARE_SEND, *send)],
        [_button(texts.BUTTON_CHANGE_WORDS, Action.SHARE_CHANGE_WORDS)],
    ]
    return _preview(view, draft), rows


_QUESTIONS: dict[ShareStage, Callable[[StepView, Draft], tuple[Raw, Rows]]] = {
    ShareStage.GROUP: _pick_group,
    ShareStage.KIND: _pick_kind,
    ShareStage.PROMPT: _pick_prompt,
    ShareStage.SESSION: _pick_session,
    ShareStage.CONTENT: _ask_for_content,
    ShareStage.CAPTION: _ask_caption,
    ShareStage.NAME: _ask_name,
    ShareStage.CONSENT: _ask_consent,
    ShareStage.PREVIEW: _show_preview,
}


def _ask_content(view: StepView, draft: Draft) -> Raw:
    intro: Raw | str = ""
    if draft.kind is Kind.PROMPT and view.prompt is not None:
        intro = say(texts.SHARE_PROMPT_INTRO, text=view.prompt.text)
    elif draft.kind is Kind.SESSION and view.session is not None:
        day = view.session.starts_at.astimezone(view.zone).strftime("%A %-d %B")
        intro = say(texts.SHARE_SESSION_TITLE_INTRO, title=view.session.title, day=day)
    elif draft.kind is Kind.SESSION:
        intro = say(texts.SHARE_SESSION_INTRO)
    text = say(texts.SHARE_ASK_CONTENT, intro=Raw(intro), limit=MAX_WORDS)
    return Raw(text + say(texts.SHARE_KEEP_NOTE)) if draft.has_content else text


def _keep(draft: Draft) -> Rows:
    if not draft.has_content:
        return []
    return [[_button(texts.BUTTON_KEEP, Action.SHARE_SKIP)]]


def _small_note(view: StepView) -> Raw | str:
    if not view.small_group or view.group is None:
        return ""
    return say(texts.SHARE_SMALL_GROUP, group=view.group.name, count=view.members)


def _preview(view: StepView, draft: Draft) -> Raw:
    group = view.group.name if view.group else ""
    parts = []
    if draft.media_kind is not None:
        parts.append(say(OWN_MEDIA_WORDS[draft.media_kind]))
    if draft.words is not None:
        parts.append(say(texts.PREVIEW_WORDS, words=draft.words))
    if draft.named:
        who = say(texts.WHO_NAMED, group=group, name=view.display_name or say(texts.NO_NAME_SET))
        small: Raw | str = ""
    else:
        who = say(texts.WHO_ANONYMOUS, group=group)
        small = _small_note(view)
    if view.observers:
        who = Raw(who + say(texts.WHO_OBSERVERS, count=view.observers))
    consent = say(_PREVIEW_CONSENT[draft.consent or Consent.COORDINATORS])
    kind = say(KIND_WORDS[draft.kind or Kind.FEEDBACK])
    top = say(texts.SHARE_PREVIEW, group=group, kind=kind, content=Raw("\n".join(parts)))
    return Raw(f"{top}\n\n{who}\n{consent}{small}")


def _short(text: str, limit: int) -> str:
    return button_title(text, limit)


def _media_of(message: Message | None) -> tuple[str, str | None]:
    """The kind of file a message carries and its Telegram file id."""
    if message is None:
        return "none", None
    if message.voice is not None:
        return "voice", message.voice.file_id
    if message.photo:
        return "photo", message.photo[-1].file_id
    if message.sticker is not None:
        return "sticker", None
    if message.document is not None:
        return "document", None
    return "other", None


# --- A draft put aside when another step starts ----------------------------------------------


async def ask_about_kept(update: Update, context: ChorusContext) -> None:
    """If a draft was just put aside for the step now starting, ask what to do with it."""
    if not await context.services.steps.newly_kept(sender_id(update)):
        return
    rows = [
        [(label(texts.BUTTON_DRAFT_KEEP), callbacks.encode(Action.DRAFT_KEEP))],
        [(label(texts.BUTTON_DRAFT_DROP), callbacks.encode(Action.DRAFT_DROP))],
    ]
    await send(update, say(texts.DRAFT_KEPT_ASK), keyboard(rows))


async def draft_keep_tapped(update: Update, context: ChorusContext) -> None:
    """Keep the draft put aside for later (it already is)."""
    await respond(update, say(texts.DRAFT_KEPT_SAID))


async def draft_drop_tapped(update: Update, context: ChorusContext) -> None:
    """Throw away the draft put aside; the step now going on is left as it is."""
    dropped = await context.services.steps.drop_kept(sender_id(update))
    await respond(update, say(texts.DRAFT_DROPPED if dropped else texts.DRAFT_NONE_KEPT))
