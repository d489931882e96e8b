"""Messages for leaving a step: the Stop and Back buttons every step shows."""

from bot.presentation.texts.core import N_

# --- Ways out of every step -----------------------------------------------------------------

BUTTON_STEP_STOP = N_("✖ Stop")
BUTTON_STEP_BACK = N_("‹ Back")
CANCELLED_DRAFT_KEPT = N_(
    "Okay, stopped.\nWhat you were writing before is kept. /share to carry on with it."
)

# --- Asked first: what reaches many people ----------------------------------------------------

ACTION_STATUS_ASK = N_(
    "Mark “{title}” as {status}?\nEveryone whose words are linked to it will hear this."
)
BUTTON_STATUS_YES = N_("Yes, tell them")
