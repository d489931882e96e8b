"""Messages for choosing a language and easy read (/language, and from /settings)."""

from bot.presentation.texts.core import N_

# --- Choosing a language ---------------------------------------------------------------------

LANGUAGE_ASK = N_(
    "Which language would you like?\nTap one. You can change it any time with /language."
)
# Said in the language just chosen: each language names itself here.
LANGUAGE_SAVED = N_("Done. I'll write to you in English from now on.")
LANGUAGE_NOT_OFFERED = N_("Sorry, I can't write in that language yet. Please pick another.")
BUTTON_LANGUAGE = N_("🌐 Language")
MENU_LANGUAGE = N_("Choose your language, or easy read")

# --- Easy read -------------------------------------------------------------------------------

EASY_READ_ON = N_("📖 Easy read is on.\nMy messages will be short and simple.")
EASY_READ_OFF = N_("Easy read is off.\nMy messages are back to how they were.")
BUTTON_EASY_READ_ON = N_("📖 Turn on easy read")
BUTTON_EASY_READ_OFF = N_("Turn off easy read")

# --- Moments, in languages other than English (English's are worded in `moments`) -----------

MOMENT_TODAY = N_("today")
MOMENT_TOMORROW = N_("tomorrow")
MOMENT_AT = N_("{day} at {clock}")
MOMENT_MIDNIGHT = N_("midnight at the start of {day}")
MOMENT_MIDDAY = N_("midday")
