"""Group sessions: the short question afterwards."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.context import ChorusContext
from bot.presentation import callbacks, texts
from bot.presentation.callbacks import Action
from bot.presentation.texts import label, say
from bot.services.access import Need, Thing
from bot.services.sessions import (
    COMMENT_MAX,
    SMALL_SESSION,
    FeedbackOutcome,
    FeedbackResult,
)
from handlers import safety
from handlers.common import (
    button_int,
    chat_id,
    keyboard,
    names,
    respond,
    send,
    sender_id,
)
from handlers.sessions.render import (
    _feedback_back,
    _name_keys,
    _rate_keys,
    _send_keys,
    rating_words,
)

# --- The question afterwards -------------------------------------------------------------------


@names(Thing.SESSION, Need.MEMBER)
async def session_rate_tapped(update: Update, context: ChorusContext) -> None:
    """Take the one-tap answer, and ask whether to send it with the name or without."""
    session_id, score = button_int(update), button_int(update, 1)
    came = None
    if session_id is not None and score is not None:
        came = await context.services.sessions.rate(
            sender_id(update), chat_id(update), session_id, score
        )
    if came is None:
        await respond(update, say(texts.SESSION_FEEDBACK_NOT_YOURS))
        return
    few = say(texts.SESSION_FEEDBACK_FEW) if came < SMALL_SESSION else ""
    await respond(update, say(texts.SESSION_FEEDBACK_NAME, few=few), _name_keys())


async def session_feedback_name_tapped(update: Update, context: ChorusContext) -> None:
    """With the name (2) or without it (1); then how it may be used."""
    named = button_int(update) == 2
    result = await context.services.sessions.choose_name(sender_id(update), named)
    if result.outcome is not FeedbackOutcome.ASK_MORE:
        await respond(update, say(texts.SESSION_FEEDBACK_NOT_YOURS))
        return
    await respond(update, say(texts.SESSION_FEEDBACK_USE), _use_keys(named))


async def session_feedback_use_tapped(update: Update, context: ChorusContext) -> None:
    """Only coordinators (1), quoted without the name (2) or with it (3); then words."""
    result = await context.services.sessions.choose_use(
        sender_id(update), chat_id(update), button_int(update) or 0, rating=rating_words
    )
    if result.outcome is FeedbackOutcome.ASK_MORE:
        await respond(update, say(texts.SESSION_FEEDBACK_WORDS), _send_keys())
        return
    await _feedback_sent(update, context, result)


def _use_keys(named: bool) -> InlineKeyboardMarkup:
    """The most private first; "with my name" only when the name goes with it."""
    words = [
        texts.BUTTON_CONSENT_COORDINATORS,
        texts.BUTTON_CONSENT_QUOTE_ANONYMOUS,
        texts.BUTTON_CONSENT_QUOTE_NAMED,
    ][: 3 if named else 2]
    rows = [
        [(label(word), callbacks.encode(Action.SESSION_FEEDBACK_USE, number))]
        for number, word in enumerate(words, start=1)
    ]
    skip = callbacks.encode(Action.SESSION_FEEDBACK_SKIP)
    return keyboard([*rows, [(label(texts.BUTTON_DONT_SEND), skip)], [_feedback_back()]])


async def session_feedback_back_tapped(update: Update, context: ChorusContext) -> None:
    """Go back one step in the question after a meeting; the choices before it are kept."""
    back = await context.services.sessions.feedback_back(sender_id(update))
    if back is None:
        await respond(update, say(texts.SESSION_FEEDBACK_NOT_YOURS))
    elif back.screen == "use":
        await respond(update, say(texts.SESSION_FEEDBACK_USE), _use_keys(bool(back.draft.named)))
    elif back.screen == "name":
        await respond(update, say(texts.SESSION_FEEDBACK_NAME, few=""), _name_keys())
    else:
        asked = say(texts.SESSION_FEEDBACK_ASK, title=back.title)
        await respond(update, asked, _rate_keys(back.draft.session_id))


async def session_comment_typed(update: Update, context: ChorusContext, text: str) -> None:
    """Send the feedback with the words typed."""
    result = await context.services.sessions.send_feedback(
        sender_id(update), chat_id(update), text, rating=rating_words
    )
    if result.outcome is FeedbackOutcome.CHOOSE_NAME:
        # Words that suggest risk get help at once, alone, whatever else is going on.
        if not await safety.offer_help(update, context, text, carry_on=True):
            await respond(update, say(texts.SESSION_FEEDBACK_CHOOSE_FIRST), _name_keys())
        return
    if result.outcome is FeedbackOutcome.CHOOSE_USE:
        if not await safety.offer_help(update, context, text, carry_on=True):
            draft = await context.services.sessions.feedback_draft(sender_id(update))
            named = draft is not None and bool(draft.named)
            await respond(update, say(texts.SESSION_FEEDBACK_USE_FIRST), _use_keys(named))
        return
    await _feedback_sent(update, context, result)


async def session_feedback_carry_on(update: Update, context: ChorusContext) -> None:
    """After the safety reply: the question after the meeting again, as a new message."""
    draft = await context.services.sessions.feedback_draft(sender_id(update))
    if draft is not None and draft.named is None:
        await send(update, say(texts.SESSION_FEEDBACK_NAME, few=""), _name_keys())
    elif draft is not None and draft.use is None:
        await send(update, say(texts.SESSION_FEEDBACK_USE), _use_keys(bool(draft.named)))
    else:
        await send(update, say(texts.SESSION_FEEDBACK_WORDS), _send_keys())


async def session_feedback_send_tapped(update: Update, context: ChorusContext) -> None:
    """Send the feedback as it is, without words."""
    result = await context.services.sessions.send_feedback(
        sender_id(update), chat_id(update), rating=rating_words
    )
    await _feedback_sent(update, context, result)


async def _feedback_sent(update: Update, context: ChorusContext, result: FeedbackResult) -> None:
    if result.alert_id is not None:  # help first, as a message of its own
        await safety.send_safety_reply(update, context, result.alert_id)
    if result.outcome is FeedbackOutcome.SENT:
        await respond(update, say(texts.SESSION_FEEDBACK_SENT, reference=result.reference))
    elif result.outcome is FeedbackOutcome.TOO_LONG:
        await respond(update, say(texts.SESSION_FEEDBACK_TOO_LONG, limit=COMMENT_MAX))
    elif result.outcome is FeedbackOutcome.LEFT_GROUP:
        await respond(update, say(texts.SESSION_FEEDBACK_LEFT))
    else:
        await respond(update, say(texts.SESSION_FEEDBACK_NOT_YOURS))


async def session_feedback_skip_tapped(update: Update, context: ChorusContext) -> None:
    """No answer, and that's fine."""
    await context.services.sessions.skip_feedback(sender_id(update))
    await respond(update, say(texts.SESSION_FEEDBACK_SKIPPED))
