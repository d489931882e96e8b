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
    "Mark “{title}” as “{status}”?\nEveryone whose words are linked to it will hear this."
)
BUTTON_STATUS_YES = N_("Yes, tell them")

# --- A draft kept aside when another step starts: asked, never lost --------------------------

DRAFT_KEPT_ASK = N_(
    "You were writing something to share. I've put it aside.\nKeep it for later, or throw it away?"
)
BUTTON_DRAFT_KEEP = N_("Keep it for later")
BUTTON_DRAFT_DROP = N_("Throw it away")
DRAFT_KEPT_SAID = N_("Kept. Type /share when you want to carry on with it.")
DRAFT_DROPPED = N_("Thrown away. Nothing was sent.")
DRAFT_NONE_KEPT = N_("There's nothing put aside now.")
