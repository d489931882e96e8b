"""Messages for coordinators and admins, buttons and errors, broadcasts and command menus."""

from bot.presentation.texts.core import N_, N_P

# --- Coordinators ---------------------------------------------------------------------------

ONLY_COORDINATORS = N_("Sorry, only the people who run a group can do that.")
ONLY_ADMINS = N_("Sorry, only the people who run Chorus can do that.")
# A button naming a group, session, question, item or action that is not the person's.
NOT_IN_THAT_GROUP = N_(
    "That's for a group you're not in, so I can't do that. /help shows what you can do."
)
SESSION_NOT_IN_GROUP = N_("That meeting is for a group you're not in. /sessions shows yours.")
PROMPT_NOT_IN_GROUP = N_(
    "That question is for a group you're not in. /share shows what you can do."
)
NOT_YOUR_GROUP = N_("That's for a group you don't coordinate, so I can't do that.")
SESSION_NOT_YOURS_TO_RUN = N_("That session is for a group you don't coordinate.")
ITEM_NOT_YOURS = N_("That's in the inbox of a group you don't coordinate.")
ACTION_NOT_YOURS = N_("That action belongs to a group you don't coordinate.")
BROADCAST_NOT_YOURS = N_("Someone else sent that message, so only they can stop it.")
READ_NOT_YOURS = N_("You can only read what was shared in groups you coordinate or observe.")
NEWGROUP_ASK = N_P(
    "What's the new group called? Type its name (up to {limit} letter), or /cancel to stop.",
    "What's the new group called? Type its name (up to {limit} letters), or /cancel to stop.",
    counted="limit",
)
NEWGROUP_BAD = N_P(
    "Sorry, I couldn't use that as a name. Please type a name of up to {limit} "
    "letter, or /cancel to stop.",
    "Sorry, I couldn't use that as a name. Please type a name of up to {limit} "
    "letters, or /cancel to stop.",
    counted="limit",
)
NEWGROUP_DONE = N_(
    "Done: <b>{group}</b> is ready.\n\n"
    "Share this invite link with the people you'd like to join:\n{link}\n\n"
    "Anyone with the link can join, so share it with care."
)
NO_MANAGED_GROUPS = N_("You don't have any groups yet. /newgroup makes one.")
INVITE_PICK = N_("Which group is the invite link for?")
INVITE_LINK = N_(
    "Invite link for <b>{group}</b>:\n{link}\n\n"
    "Anyone with the link can join, so share it with care."
)
BUTTON_RENEW = N_("Make a new link")
INVITE_RENEWED = N_("New invite link for <b>{group}</b>:\n{link}\n\nThe old link no longer works.")
MEMBERS_PICK = N_("Which group's members would you like to see?")
MEMBERS_HEADER = N_P("<b>{group}</b>: {count} member", "<b>{group}</b>: {count} members")
MEMBERS_NONE = N_("<b>{group}</b> has no members yet. /invite gives you its link.")
MEMBER_LINE = N_("{number}. {name}")
UNNAMED_MEMBER = N_("member (no name given)")
GROUP_GONE = N_("Sorry, I can't find that group any more.")

# --- Admins ----------------------------------------------------------------------------------

COORDINATORS_LIST = N_("<b>The coordinators are:</b>\n{lines}")
COORDINATORS_NONE = N_("There are no coordinators yet.")
COORDINATOR_LINE = N_("• {name}")
UNNAMED_COORDINATOR = N_("a coordinator with no name set")
# Two people in a list who would read the same: the number is theirs in Chorus, and stays.
NAME_TOLD_APART = N_("{name} (no. {number})")
BUTTON_NEW_COORDINATOR = N_("Make a link for a new coordinator")
BUTTON_REMOVE_COORDINATOR = N_("Remove {name}")
COORDINATOR_LINK = N_(
    "Send this link to the person you'd like to make a coordinator. "
    "It works once, for 7 days:\n{link}"
)
COORDINATOR_REMOVED = N_("Done. They're no longer a coordinator.")
COORDINATOR_NOT_FOUND = N_("That person is not a coordinator now.")
BECAME_COORDINATOR = N_(
    "You're now a coordinator. /newgroup makes a group, and /help shows everything you can do."
)
BECAME_COORDINATOR_ASK_NAME = N_(
    "You're now a coordinator. /newgroup makes a group, and /help shows everything you can do.\n\n"
    "What name would you like members and other coordinators to see? "
    "Type a name, or choose below."
)
ALREADY_COORDINATOR = N_("You're already a coordinator. /help shows what you can do.")
COORDINATOR_LINK_USED = N_(
    "Sorry, that link has already been used. Please ask the admin for a new one."
)
COORDINATOR_LINK_EXPIRED = N_("Sorry, that link has run out. Please ask the admin for a new one.")

# --- Buttons and errors ----------------------------------------------------------------------

STALE_BUTTON = N_("Sorry, that button doesn't work any more. /help shows what you can do.")
# A button tapped on a message Chorus cannot see (shared inline, or too old): a short note
# shown on the phone, at most 200 characters.
BUTTON_WITHOUT_MESSAGE = N_(
    "Sorry, that button doesn't work from here. Please use the buttons in your chat with "
    "Chorus, or send /help there."
)
SOMETHING_WENT_WRONG = N_("Sorry, something went wrong on my side. Please try again in a moment.")
COULD_NOT_SAVE = N_("Sorry, I couldn't save that just now. Please try again in a few minutes.")
SAVED_NOT_SHOWN = N_(
    "That's saved. Sorry, I couldn't show you the answer here just now. "
    "/help shows what you can do next."
)
SAVED_TAP_NOT_SHOWN = N_(
    "Your tap on “{button}” is saved. Sorry, I couldn't show you the answer here just now. "
    "/help shows what you can do next."
)

# --- Broadcasts ---------------------------------------------------------------------------

BROADCAST_TO_MEMBERS = N_("<b>From {sender}, for {groups}</b>\n\n{text}")
BROADCAST_TO_MEMBERS_NO_NAME = N_("<b>From a coordinator of {groups}</b>\n\n{text}")
BROADCAST_PICK = N_("Who should get your message? Tap the groups, then Next. /cancel to stop.")
BROADCAST_PICK_ONE = N_("Please choose at least one group first.")
BUTTON_ALL_GROUPS = N_("All my groups")
BUTTON_NEXT = N_("Next ›")
BROADCAST_ASK_TEXT = N_P(
    "Type your message for {groups}. It will go to {count} person. /cancel to stop.",
    "Type your message for {groups}. It will go to {count} people. /cancel to stop.",
)
BROADCAST_EMPTY = N_("Your message is empty. Please type the words you'd like to send.")
BROADCAST_TOO_LONG = N_P(
    "That's longer than I can send ({limit} character at most). Could you make it "
    "shorter? Nothing has been sent.",
    "That's longer than I can send ({limit} characters at most). Could you make it "
    "shorter? Nothing has been sent.",
    counted="limit",
)
BROADCAST_PREVIEW = N_P(
    "Above is exactly how your message will look.\n\nIt will go to {count} person.",
    "Above is exactly how your message will look.\n\nIt will go to {count} people.",
)
# Said after the preview when some members have paused their messages.
BROADCAST_PAUSED_NOTE = N_P(
    "{count} person has paused messages and won't get it.",
    "{count} people have paused messages and won't get it.",
)
BUTTON_SEND_NOW = N_("Send now")
BUTTON_SEND_LATER = N_("Send later")
BUTTON_CHANGE_TEXT = N_("Change the text")
BUTTON_DISCARD = N_("Cancel")
BROADCAST_CONFIRM_NOW = N_P("Send it now to {count} person?", "Send it now to {count} people?")
BROADCAST_ASK_WHEN = N_(
    "When should it go? For example: tomorrow 10:30, Tue 3 March 2pm, or in 2 hours. "
    "/cancel to stop."
)
BROADCAST_CONFIRM_LATER = N_P(
    "Send it to {count} person {when}?", "Send it to {count} people {when}?"
)
BROADCAST_NEXT_YEAR = N_(
    "Please check the date: it has already gone this year, so this would be next year. "
)
BUTTON_YES_SEND = N_("Yes, send it")
BUTTON_YES_SCHEDULE = N_("Yes, schedule it")
BUTTON_BACK = N_("‹ Back")
BROADCAST_SENDING = N_P(
    "Sending your message to {count} person…", "Sending your message to {count} people…"
)
BROADCAST_SCHEDULED = N_(
    "Scheduled: it will go {when}. /broadcast shows it, and you can stop it there."
)
BROADCAST_DISCARDED = N_("Okay, nothing was sent.")
BROADCAST_NO_DRAFT = N_(
    "That message was already sent or dropped, so I didn't send it again. "
    "/broadcast starts a new one."
)
BROADCAST_NOT_ALLOWED = N_("Sorry, you can only send to groups you coordinate.")
BROADCAST_NOBODY = N_("Nobody in those groups can get messages right now, so nothing was sent.")
BROADCAST_ACTIVE_LINE = N_("• {state}: “{preview}”")
BROADCAST_ACTIVE_HEADER = N_("<b>Your messages on their way</b>\n{lines}")
BROADCAST_STATE_SCHEDULED = N_("Going {when}")
BROADCAST_STATE_SENDING = N_("Sending now")
BUTTON_STOP = N_("Stop sending")
BUTTON_STOP_ONE = N_("Stop “{preview}”")
BROADCAST_PROGRESS = N_("Sending your message: {sent} of {total} so far. About {left} left.")
BROADCAST_STOPPED = N_P(
    "Stopped. {count} person had already got it; nobody else will.",
    "Stopped. {count} people had already got it; nobody else will.",
)
BROADCAST_CANT_STOP = N_("That message has already finished, or was stopped before.")
BROADCAST_REPORT = N_(
    "<b>Your message has gone out.</b>\n"
    "Delivered: {sent}\n"
    "Blocked the bot: {blocked}\n"
    "Could not be sent: {failed}{reasons}\n"
    "Paused, so not sent: {paused}"
)
MINUTES = N_P("{count} min", "{count} min")
SECONDS = N_P("{count} s", "{count} s")
WHEN_NOT_UNDERSTOOD = N_(
    "Sorry, I didn't understand that time. Could you try like this: tomorrow 10:30, "
    "or Tue 3 March 2pm"
)
WHEN_IN_THE_PAST = N_("That time has already gone. Could you give a time in the future?")
WHEN_DOES_NOT_EXIST = N_(
    "The clocks go forward then, so {time} doesn't happen that day. Could you choose another time?"
)
WHEN_AMBIGUOUS = N_(
    "The clocks go back then, so {time} happens twice that day. Could you choose another time?"
)
WHEN_TOO_FAR = N_("That's more than a year away. Could you choose a nearer time?")

# --- Command menus (short descriptions, max 256 characters) ----------------------------------

MENU_SETTINGS = N_("Your name, and pausing messages")
MENU_LEAVE = N_("Leave a group")
MENU_HELP = N_("What you can do here")
MENU_PRIVACY = N_("What's kept and who sees it")
MENU_MYDATA = N_("Get a file of your data")
MENU_FORGETME = N_("Delete everything about you")
MENU_CANCEL = N_("Stop what you're doing")
MENU_NEWGROUP = N_("Make a new group")
MENU_INVITE = N_("Get a group's invite link")
MENU_MEMBERS = N_("See who is in a group")
MENU_BROADCAST = N_("Send a message to your groups")
MENU_COORDINATORS = N_("Add or remove coordinators")

# --- Broadcast: words kept when going back ---------------------------------------------------

BROADCAST_WORDS_KEPT = N_(
    "Your words from before are kept. Tap “Keep my words”, or type new ones."
)
BUTTON_KEEP_MY_WORDS = N_("Keep my words")
BROADCAST_WHEN_KEPT = N_("You chose {when}. Tap “Keep this time”, or type a new one.")
BUTTON_KEEP_WHEN = N_("Keep this time")

# --- A gentle note on a coordinator's own words --------------------------------------------

WORDING_LONG_SENTENCE = N_(
    "A gentle note before it goes: one sentence is long ({words} words). "
    "Some people may find it hard to read.\n"
    "It starts: “{opening}”\n"
    "Short sentences help. Send it as it is, or change it?"
)
WORDING_LONG_WORDS = N_(
    "A gentle note before it goes: many words are long, so it reads at grade {grade}. "
    "Most people read grade 8 or below with ease.\n"
    "Send it as it is, or change it?"
)
BUTTON_WORDING_AS_IT_IS = N_("Send it as it is")
BUTTON_WORDING_CHANGE = N_("Change it")
