"""Every message people read, in one place, ready for gettext catalogues.

Messages are marked with `N_` and rendered with `say`, which translates them and escapes
every value for Telegram's HTML, so nothing a person typed can break a message. They live in
one module per journey; this package holds them all by name (`texts.WELCOME`), which is
where `outgoing` looks a message key up.
"""

# The order is the order the messages were written in; a key is the first name of its text.
# ruff: noqa: F403, I001
from bot.presentation.texts.core import *
from bot.presentation.texts.membership import *
from bot.presentation.texts.coordinators import *
from bot.presentation.texts.sharing import *
from bot.presentation.texts.safety import *
from bot.presentation.texts.conversations import *
from bot.presentation.texts.follow_up import *
from bot.presentation.texts.sessions import *
from bot.presentation.texts.rights import *
from bot.presentation.texts.steps import *
from bot.presentation.texts.payments import *
from bot.presentation.texts.reports import *
from bot.presentation.texts.language import *
