"""Buttons under queued messages, described in the callback codec's terms: the delivery
worker (or a handler replying at once) renders them."""

from __future__ import annotations

from bot.presentation import texts
from bot.presentation.callbacks import Action, encode
from bot.presentation.outgoing import Button, button


def member_buttons(conversation_id: str) -> list[list[Button]]:
    """The buttons under a message the member can answer."""
    return [
        [
            button(texts.BUTTON_CONVERSATION_ANSWER, Action.CONV_ANSWER, conversation_id),
            button(texts.BUTTON_CONVERSATION_END, Action.CONV_MEMBER_END, conversation_id),
        ]
    ]


def staff_buttons(conversation_id: str) -> list[list[Button]]:
    """The buttons under a member's answer, for the coordinator or lead."""
    return [
        [
            button(texts.BUTTON_CONVERSATION_REPLY, Action.CONV_REPLY, conversation_id),
            button(texts.BUTTON_CONVERSATION_END, Action.CONV_STAFF_END, conversation_id),
        ]
    ]


def write_button(alert_id: str) -> Button:
    """The "Write to them" button under a lead's alert."""
    return button(texts.BUTTON_WRITE_TO_THEM, Action.CONV_WRITE, alert_id)


def alert_buttons(alert_id: str, *, taken: bool = False) -> list[list[Button]]:
    """The buttons under an alert to the leads."""
    if taken:
        first = button(texts.BUTTON_ALERT_CLOSE, Action.ALERT_CLOSE, alert_id)
    else:
        first = button(texts.BUTTON_ALERT_TAKE, Action.ALERT_TAKE, alert_id)
    # "Write to them" reaches the person through Chorus, named or not.
    return [[first], [write_button(alert_id)]]


# A step's Back: the button that shows the step before it again. Either the name of a
# screen that handlers/general.py's `BACK_TO` shows (the step waiting is left first), or a
# flow's own action and arguments (for a draft that keeps what was typed).
Back = str | tuple[Action, tuple[str | int, ...]]


def way_out_rows(back: Back | None = None) -> list[list[tuple[str, str]]]:
    """The rows under every step's buttons, as (label, callback data): Back to the step
    before (if there is one) and Stop, which leaves the step as /cancel does."""
    row = [(texts.label(texts.BUTTON_STEP_STOP), encode(Action.STEP_STOP))]
    if back is not None:
        action, args = (Action.STEP_BACK, (back,)) if isinstance(back, str) else back
        data = encode(action, *args)
        row.insert(0, (texts.label(texts.BUTTON_STEP_BACK), data))
    return [row]
