"""Messages for joining, names and settings, leaving, consent, help and cancel."""

from bot.presentation.texts.core import N_, N_P

# --- Joining -------------------------------------------------------------------------

START_STRANGER = N_(
    "Hello. I'm Chorus. Groups use me to hear from their members.\n\n"
    "To join a group, open the invite link from the person who runs it. "
    "You can ask them for one.\n\n"
    "/privacy says what I keep, and who sees it."
)
START_KNOWN = N_("Welcome back. /help shows what you can do here.")
WELCOME = N_(
    "Welcome! You're invited to <b>{group}</b>.\n\n"
    "Here you can share your views and hear what changed.\n"
    "Who sees what: coordinators see your name, unless you share without it. /privacy says "
    "more.\n\n"
    "Would you like to join? You can leave any time."
)
BUTTON_JOIN = N_("Yes, join")
BUTTON_NOT_NOW = N_("Not now")
NOT_NOW = N_(
    "That's fine. I haven't kept anything about you. "
    "If you change your mind, just open the invite link again."
)
BAD_INVITE = N_(
    "Sorry, that invite link doesn't work any more. "
    "You could ask the group's coordinator for a new one."
)
ALREADY_MEMBER = N_("You're already in <b>{group}</b>. /help shows what you can do.")
JOINED_ASK_NAME = N_(
    "Thank you for joining <b>{group}</b>.\n\n"
    "What name would you like others in the group to see? "
    "Type a name, or choose below."
)
JOINED_AGAIN = N_(
    "Thank you for joining <b>{group}</b>. Others will see you as {name}. "
    "You can change that in /settings."
)
JOINED_AGAIN_NO_NAME = N_(
    "Thank you for joining <b>{group}</b>. You have no name set, so others will see “member”. "
    "You can add a name any time in /settings."
)
BUTTON_USE_NAME = N_("Use “{name}”")
# A tap whose answer is what the message already shows.
ALREADY_SHOWN = N_("That's already showing.")
BUTTON_NO_NAME = N_("No name")
NO_NAME = N_("no name")

# --- Names and settings ------------------------------------------------------------------

NAME_SAVED = N_(
    "Thanks. Others will see you as <b>{name}</b>. You can change it any time in /settings."
)
NAME_CLEARED = N_(
    "Okay, no name. Others will see “member” instead. You can add a name any time in /settings."
)
NAME_INVALID = N_P(
    "Sorry, I couldn't use that as a name. Please type a name of up to {limit} "
    "letter, or /cancel to stop.",
    "Sorry, I couldn't use that as a name. Please type a name of up to {limit} "
    "letters, or /cancel to stop.",
    counted="limit",
)
NAME_ASK = N_("What name would you like others to see? Type it below, or /cancel to stop.")
SETTINGS = N_(
    "<b>Your settings</b>\n\n"
    "Name others see: {name}\n"
    "Messages from me: {messages}\n"
    "Quiet hours: {quiet}\n"
    "Your groups: {groups}"
)
QUIET_RANGE = N_("{start} to {end}")
QUIET_NONE = N_("none")
BUTTON_QUIET = N_("Quiet hours")
QUIET_ASK = N_(
    "When should I keep quiet? Messages that can wait will come after, not during, these hours."
)
QUIET_SAVED = N_("Done. Quiet hours: {quiet}.")
BUTTON_QUIET_TYPE = N_("Type my own")
QUIET_TYPE_ASK = N_(
    "Type the hours when I should keep quiet, like 22:30-07:00 or 10pm to 7am. "
    "Type off for no quiet hours, or /cancel to stop."
)
QUIET_TYPE_UNREADABLE = N_(
    "Sorry, I couldn't read that as quiet hours. Please type a start and an end, "
    "like 22:30-07:00 or 10pm to 7am, or off for none. Or /cancel to stop."
)
QUIET_TYPED_SAVED = N_("Done. Quiet hours: {quiet}. Anything that can wait will come after {end}.")
QUIET_TYPED_OFF = N_("Done. No quiet hours now: my messages can come at any time.")
MESSAGES_ON = N_("on")
MESSAGES_PAUSED = N_("paused")
NO_GROUPS = N_("none yet")
BUTTON_CHANGE_NAME = N_("Change name")
BUTTON_PAUSE = N_("Pause messages")
BUTTON_RESUME = N_("Resume messages")
PAUSED = N_(
    "Messages are paused. I won't send you anything until you resume, except answers "
    "when you write to me. You can resume in /settings."
)
RESUMED = N_("Okay, your messages are back on.")
NOT_JOINED = N_(
    "You're not in a group yet. To join one, open the invite link a coordinator gave you."
)

# --- Leaving -------------------------------------------------------------------------------

LEAVE_PICK = N_("Which group would you like to leave?")
LEAVE_CONFIRM = N_(
    "Leave <b>{group}</b>? You'll stop hearing about its meetings. "
    "You can come back any time with the invite link."
)
BUTTON_LEAVE_YES = N_("Yes, leave")
BUTTON_LEAVE_NO = N_("No, stay")
LEFT = N_(
    "You've left <b>{group}</b>. Thank you for the time you gave. "
    "You can come back any time with the invite link."
)
STAYED = N_("Okay, you're still in the group.")
NOT_IN_ANY_GROUP = N_("You're not in any group right now.")

# --- Leaving with a choice, and being removed ------------------------------------------------

LEAVE_WHAT_SHARED_ONE = N_(
    "You shared something in <b>{group}</b>. What should happen to it when you leave?\n"
    "If you'd rather stay, tap No, stay."
)
LEAVE_WHAT_SHARED = N_P(
    "You shared {count} thing in <b>{group}</b>. What should happen to it when you leave?\n"
    "If you'd rather stay, tap No, stay.",
    "You shared {count} things in <b>{group}</b>. What should happen to them when you leave?\n"
    "If you'd rather stay, tap No, stay.",
)
BUTTON_LEAVE_KEEP_NAMED = N_("Keep them, with my name")
BUTTON_LEAVE_KEEP_ANONYMOUS = N_("Keep them, without my name")
BUTTON_LEAVE_TAKE_BACK = N_("Take them all back")
LEFT_KEPT_ANONYMOUS = N_(
    "You've left <b>{group}</b>. What you shared stays, but without your name from now on. "
    "The coordinators may remember what they saw before.\n"
    "You can still take it back in /mine. Thank you for your time."
)
LEFT_TAKEN_BACK = N_(
    "You've left <b>{group}</b>. What you shared there has been taken back and its words "
    "deleted. Messages that showed it to others are being changed to say so. Thank you for "
    "the time you gave."
)
BUTTON_MEMBER_REMOVE = N_("Remove {number}")
MEMBER_REMOVE_CONFIRM = N_(
    "Remove <b>{name}</b> from <b>{group}</b>? I'll tell them kindly that their place in the "
    "group has ended. Any reason you have stays with you: I won't send it."
)
BUTTON_MEMBER_REMOVE_YES = N_("Yes, remove them")
BUTTON_MEMBER_REMOVE_NO = N_("No, keep them")
MEMBER_REMOVED = N_("Done. <b>{name}</b> is no longer in <b>{group}</b>, and I've told them.")
MEMBER_KEPT = N_("Okay, nothing has changed.")
MEMBER_REASON_ASK = N_(
    "If you'd like, type a short reason to keep with your notes. Only the coordinators of "
    "<b>{group}</b> will see it. I won't send it to them or to anyone else in the group."
)
BUTTON_MEMBER_REASON_SKIP = N_("Skip")
MEMBER_REASON_KEPT = N_("Thank you. I've kept your reason with your notes.")
MEMBER_REASON_SKIPPED = N_("Okay, no reason kept.")
MEMBER_REASON_EMPTY = N_("Please type a short reason, or tap Skip.")
MEMBER_NOT_THERE = N_("They're not in that group any more.")
REMOVED_FROM_GROUP = N_(
    "Your place in <b>{group}</b> has ended. Thank you for the time and the words you gave.\n"
    "What you shared there stays as it was. /mine shows it, and you can take anything back "
    "there."
)

# --- Taken back: what a message that showed the words says now -----------------------------

TAKEN_BACK_CARD = N_("Taken back by the person who shared it.")
TAKEN_BACK_LIST = N_(
    "Something in this list was taken back by the person who shared it, so the list is no "
    "longer shown here. Ask for it again to see it as it is now."
)

# --- Consent that stays the member's -------------------------------------------------------

BUTTON_CONSENT_CHANGE = N_("Change how it may be used")
BUTTON_QUOTE_UNTIL = N_("Set an end date for quotes")
BUTTON_WHERE_QUOTED = N_("Where it was quoted")
CONSENT_ASK = N_(
    "How may it be used from now on? Right now: {consent}.\nYou can change this again any time."
)
CONSENT_SAVED = N_("Saved. From now on: {consent}. Thank you.")
QUOTE_UNTIL_ASK = N_("After which day should it no longer be quoted? Right now: {until}.")
QUOTE_UNTIL_NONE = N_("no end date")
QUOTE_UNTIL_DAY = N_("until {day}")
BUTTON_QUOTE_MONTH = N_("For 1 month")
BUTTON_QUOTE_QUARTER = N_("For 3 months")
BUTTON_QUOTE_YEAR = N_("For 1 year")
BUTTON_QUOTE_NO_END = N_("No end date")
QUOTE_UNTIL_SAVED = N_("Saved: it may be quoted until {day}. You can change this any time.")
QUOTE_UNTIL_SAVED_NO_END = N_(
    "Saved: it may be quoted, with no end date. You can change this any time."
)
WHERE_QUOTED_NONE = N_("It hasn't been quoted anywhere so far.")
WHERE_QUOTED = N_("Where it was quoted:\n{lines}")
WHERE_QUOTED_LINE = N_("• {day}: {place}")
QUOTED_PLACE_BOARD = N_("in the group's “you said, we did” list")
CONSENT_NOT_ALLOWED = N_("Sorry, you can't choose that for this one. Nothing has changed.")
READ_CONSENT = N_("How it may be used: {consent}")
READ_QUOTE_UNTIL = N_("May be quoted until {day}")

# --- Help and cancel -------------------------------------------------------------------------

HELP_MEMBER = N_(
    "Here's what you can do:\n"
    "/sessions – meetings coming up\n"
    "/share – your views\n"
    "/mine – what you shared\n"
    "/updates – what changed\n"
    "/support – help now\n"
    "/settings – name, messages\n"
    "/privacy, /mydata, /forgetme – your data\n"
    "/cancel – stop\n"
    "/help – this list. The menu has more."
)
HELP_COORDINATOR = N_(
    "\n\nFor coordinators:\n"
    "/newgroup – make a new group\n"
    "/invite – get a group's invite link\n"
    "/members – see who is in a group\n"
    "/newsession – set up a group meeting and invite a group\n"
    "/sessions – who's coming, changes, and marking who came\n"
    "/hours – export involvement hours as a spreadsheet\n"
    "/payments – how a group pays for time, and payee references\n"
    "/finance – export payments for finance\n"
    "/broadcast – send a message to your groups\n"
    "/prompt – ask a group a question\n"
    "/read – read what members shared\n"
    "/report – what became of members' words, with charts and files\n"
    "/inbox – what members shared, one at a time\n"
    "/action – pieces of work, and news on them"
)
HELP_ADMIN = N_(
    "\n\nFor admins:\n/coordinators – add or remove coordinators\n"
    "/observers – add or remove people who may read a group's words\n"
    "/leads – choose who is told when someone may be at risk"
)
CANCELLED = N_("Okay, stopped. Nothing was changed.")
NOTHING_TO_CANCEL = N_("There's nothing to stop right now. /help shows what you can do.")
UNKNOWN_COMMAND = N_("Sorry, I don't know that command. /help shows what you can do.")
NOT_UNDERSTOOD = N_(
    "Thank you for your message. I don't pass on messages written here, so no one else has "
    "seen it. To share something with your group, use /share. /help shows what you can do."
)
