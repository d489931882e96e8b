"""Messages for leaving a step: the Stop and Back buttons every step shows."""

from bot.presentation.texts.core import N_

# --- Ways out of every step -----------------------------------------------------------------

BUTTON_STEP_STOP = N_("✖ Stop")
BUTTON_STEP_BACK = N_("‹ Back")
CANCELLED_DRAFT_KEPT = N_(
    "Okay, stopped.\nWhat you were writing before is kept. /share to carry on with it."
)
