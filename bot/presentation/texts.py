"""Every message people read, in one place, ready for gettext catalogues.

Messages are marked with `N_` and rendered with `say`, which translates them and escapes
every value for Telegram's HTML, so nothing a person typed can break a message.
"""

from __future__ import annotations

import gettext
import html
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent.parent / "locale"
MAX_MESSAGE = 4096


def N_(message: str) -> str:
    """Mark `message` for translation; translated when rendered by `say`."""
    return message


class Raw(str):
    """A value that is already safe HTML (built by `say` itself); `say` does not escape it."""

    __slots__ = ()


@cache
def _catalogue() -> gettext.NullTranslations:
    return gettext.translation("chorus", localedir=LOCALE_DIR, fallback=True)


def say(message: str, **values: object) -> Raw:
    """The message, translated, with each value escaped for HTML."""
    safe = {
        key: value if isinstance(value, Raw) else html.escape(str(value), quote=False)
        for key, value in values.items()
    }
    return Raw(_catalogue().gettext(message).format(**safe))


def label(message: str, **values: object) -> str:
    """A button label, translated; labels are plain text, so nothing is escaped."""
    return _catalogue().gettext(message).format(**values)


def split_message(text: str, limit: int = MAX_MESSAGE - 96) -> list[str]:
    """Split text into messages under Telegram's limit, at line breaks where possible."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            chunks.append(line[:cut])
            line = line[cut:].lstrip(" ")
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current or not chunks:
        chunks.append(current)
    # Telegram refuses a message of only spaces; such a chunk holds nothing to lose.
    return [chunk for chunk in chunks if chunk.strip()] or [""]


# --- Joining -------------------------------------------------------------------------

START_STRANGER = N_(
    "Hello. I'm Chorus, the helper your involvement group uses.\n\n"
    "To join a group, open the invite link its coordinator gave you. "
    "If you don't have one, you can ask them for it.\n\n"
    "What Chorus keeps, and who sees it: /privacy."
)
START_KNOWN = N_("Welcome back. /help shows what you can do here.")
WELCOME = N_(
    "Hello, and welcome. You've been invited to join <b>{group}</b>.\n\n"
    "Here you can say if you're coming to group meetings, share your views "
    "(with your name or without it), and hear what happened because of them.\n\n"
    "Who sees what: the group's coordinators see the name you choose and anything you send "
    "with your name. If you send something without your name, they won't see who sent it.\n\n"
    "What Chorus keeps, for how long, and who sees it: /privacy.\n\n"
    "Would you like to join? You can leave any time with /leave."
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
NAME_INVALID = N_(
    "Sorry, I couldn't use that as a name. Please type a name of up to {limit} letters, "
    "or /cancel to stop."
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
QUIET_TYPED_OFF = N_("Done. No quiet hours: messages will come whenever they are sent.")
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
RESUMED = N_("Messages are on again.")
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
LEAVE_WHAT_SHARED = N_(
    "You shared {count} things in <b>{group}</b>. What should happen to them when you leave?\n"
    "If you'd rather stay, tap No, stay."
)
BUTTON_LEAVE_KEEP_NAMED = N_("Keep them, with my name")
BUTTON_LEAVE_KEEP_ANONYMOUS = N_("Keep them, without my name")
BUTTON_LEAVE_TAKE_BACK = N_("Take them all back")
LEFT_KEPT_ANONYMOUS = N_(
    "You've left <b>{group}</b>. What you shared there stays, without your name from now "
    "on. The coordinators may remember what they saw before. /mine still shows it, so you "
    "can take it back later. Thank you for the time you gave."
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
QUOTE_UNTIL_SAVED = N_("Saved: it may be quoted {until}. You can change this any time.")
WHERE_QUOTED_NONE = N_("It hasn't been quoted anywhere so far.")
WHERE_QUOTED = N_("Where it was quoted:\n{lines}")
WHERE_QUOTED_LINE = N_("• {day}: {place}")
QUOTED_PLACE_BOARD = N_("in the group's “you said, we did” list")
CONSENT_NOT_ALLOWED = N_("Sorry, that choice isn't possible for this item. Nothing changed.")
READ_CONSENT = N_("How it may be used: {consent}")
READ_QUOTE_UNTIL = N_("May be quoted until {day}")

# --- Help and cancel -------------------------------------------------------------------------

HELP_MEMBER = N_(
    "Here's what you can do:\n"
    "/sessions – group meetings coming up, and your answers\n"
    "/share – share feedback or part of your story, with your name or without\n"
    "/mine – what you've shared, what happened with it, and taking it back\n"
    "/updates – what the group did with what members said\n"
    "/support – where to get help now\n"
    "/settings – your name, pausing messages, and how you hear back\n"
    "/leave – leave a group\n"
    "/privacy – what's kept, for how long, and who sees it\n"
    "/mydata – a file of everything Chorus holds about you\n"
    "/forgetme – delete everything Chorus holds about you\n"
    "/cancel – stop what you're doing\n"
    "/help – this list"
)
HELP_COORDINATOR = N_(
    "\n\nFor coordinators:\n"
    "/newgroup – make a new group\n"
    "/invite – get a group's invite link\n"
    "/members – see who is in a group\n"
    "/newsession – set up a group meeting and invite a group\n"
    "/sessions – who's coming, changes, and marking who came\n"
    "/hours – export involvement hours as a spreadsheet\n"
    "/broadcast – send a message to your groups\n"
    "/prompt – ask a group a question\n"
    "/read – read what members shared\n"
    "/inbox – what members shared, one at a time\n"
    "/action – pieces of work, and news on them"
)
HELP_ADMIN = N_(
    "\n\nFor admins:\n/coordinators – add or remove coordinators\n"
    "/observers – add or remove a group's observers\n"
    "/leads – choose safeguarding leads"
)
CANCELLED = N_("Okay, stopped. Nothing was changed.")
NOTHING_TO_CANCEL = N_("There's nothing to stop right now. /help shows what you can do.")
UNKNOWN_COMMAND = N_("Sorry, I don't know that command. /help shows what you can do.")
NOT_UNDERSTOOD = N_(
    "Thank you for your message. I don't pass on messages written here, so no one else has "
    "seen it. To share something with your group, use /share. /help shows what you can do."
)

# --- Coordinators ---------------------------------------------------------------------------

ONLY_COORDINATORS = N_("That's something only a group's coordinator can do.")
ONLY_ADMINS = N_("That's something only an admin of this bot can do.")
# A button naming a group, session, question, item or action that is not the person's.
NOT_IN_THAT_GROUP = N_(
    "That's for a group you're not in, so I can't do that. /help shows what you can do."
)
SESSION_NOT_IN_GROUP = N_("That session is for a group you're not in. /sessions shows yours.")
PROMPT_NOT_IN_GROUP = N_(
    "That question is for a group you're not in. /share shows what you can do."
)
NOT_YOUR_GROUP = N_("That's for a group you don't coordinate, so I can't do that.")
SESSION_NOT_YOURS_TO_RUN = N_("That session is for a group you don't coordinate.")
ITEM_NOT_YOURS = N_("That's in the inbox of a group you don't coordinate.")
ACTION_NOT_YOURS = N_("That action belongs to a group you don't coordinate.")
BROADCAST_NOT_YOURS = N_("Another coordinator sent that message, so only they can stop it.")
READ_NOT_YOURS = N_("You can only read what was shared in groups you coordinate or observe.")
NEWGROUP_ASK = N_(
    "What's the new group called? Type its name (up to {limit} letters), or /cancel to stop."
)
NEWGROUP_BAD = N_(
    "Sorry, I couldn't use that as a name. Please type a name of up to {limit} letters, "
    "or /cancel to stop."
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
MEMBERS_HEADER = N_("<b>{group}</b>: {count} members")
MEMBERS_NONE = N_("<b>{group}</b> has no members yet. /invite gives you its link.")
MEMBER_LINE = N_("{number}. {name}")
UNNAMED_MEMBER = N_("member (no name given)")
GROUP_GONE = N_("Sorry, I can't find that group any more.")

# --- Admins ----------------------------------------------------------------------------------

COORDINATORS_LIST = N_("<b>Coordinators</b>\n{lines}")
COORDINATORS_NONE = N_("There are no coordinators yet.")
COORDINATOR_LINE = N_("• {name}")
UNNAMED_COORDINATOR = N_("coordinator (no name given)")
# Two people in a list who would read the same: the number is theirs in Chorus, and stays.
NAME_TOLD_APART = N_("{name} (no. {number})")
BUTTON_NEW_COORDINATOR = N_("Make a link for a new coordinator")
BUTTON_REMOVE_COORDINATOR = N_("Remove {name}")
COORDINATOR_LINK = N_(
    "Send this link to the person you'd like to make a coordinator. "
    "It works once, for 7 days:\n{link}"
)
COORDINATOR_REMOVED = N_("Done. They're no longer a coordinator.")
COORDINATOR_NOT_FOUND = N_("That person isn't a coordinator any more.")
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
BROADCAST_ASK_TEXT = N_(
    "Type your message for {groups}. It will go to {count} people. /cancel to stop."
)
BROADCAST_EMPTY = N_("Your message is empty. Please type the words you'd like to send.")
BROADCAST_TOO_LONG = N_(
    "That's longer than I can send ({limit} characters at most). "
    "Could you make it shorter? Nothing has been sent."
)
BROADCAST_PREVIEW = N_(
    "Above is exactly how your message will look.\n\nIt will go to {count} people.{paused}"
)
BROADCAST_PAUSED_NOTE = N_(" {paused} have paused messages and won't get it.")
BUTTON_SEND_NOW = N_("Send now")
BUTTON_SEND_LATER = N_("Send later")
BUTTON_CHANGE_TEXT = N_("Change the text")
BUTTON_DISCARD = N_("Cancel")
BROADCAST_CONFIRM_NOW = N_("Send it now to {count} people?")
BROADCAST_ASK_WHEN = N_(
    "When should it go? For example: tomorrow 10:30, Tue 3 March 2pm, or in 2 hours. "
    "/cancel to stop."
)
BROADCAST_CONFIRM_LATER = N_("Send it to {count} people {when}?")
BROADCAST_NEXT_YEAR = N_(
    "Please check the date: it has already gone this year, so this would be next year. "
)
BUTTON_YES_SEND = N_("Yes, send it")
BUTTON_YES_SCHEDULE = N_("Yes, schedule it")
BUTTON_BACK = N_("‹ Back")
BROADCAST_SENDING = N_("Sending your message to {count} people…")
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
BROADCAST_STOPPED = N_("Stopped. {sent} people had already got it; nobody else will.")
BROADCAST_CANT_STOP = N_("That message has already finished, or was stopped before.")
BROADCAST_REPORT = N_(
    "<b>Your message has gone out.</b>\n"
    "Delivered: {sent}\n"
    "Blocked the bot: {blocked}\n"
    "Could not be sent: {failed}{reasons}\n"
    "Paused, so not sent: {paused}"
)
MINUTES = N_("{count} min")
SECONDS = N_("{count} s")
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

# --- Input at arm's length: sharing, /mine, prompts, observers (J3) -------------------------

SHARE_RESUME = N_("You were writing something. Carry on, or start again?")
BUTTON_CARRY_ON = N_("Carry on")
BUTTON_START_AGAIN = N_("Start again")
SHARE_PICK_GROUP = N_("Which group is this for? /cancel to stop.")
SHARE_PICK_KIND = N_("What would you like to share with <b>{group}</b>? /cancel to stop.")
BUTTON_KIND_PROMPT = N_("Answer a question")
BUTTON_KIND_FEEDBACK = N_("Feedback")
BUTTON_KIND_SESSION = N_("About a group meeting")
BUTTON_KIND_STORY = N_("Part of my story")
SHARE_PICK_PROMPT = N_("Which question would you like to answer?")
SHARE_PROMPT_INTRO = N_("The question: “{text}”\n\n")
SHARE_SESSION_INTRO = N_("Your feedback on a group meeting.\n\n")
SHARE_SESSION_TITLE_INTRO = N_("Your feedback on <b>{title}</b> ({day}).\n\n")
SHARE_PICK_SESSION = N_("Which group meeting is it about?")
SHARE_SESSION_LINE = N_("{title} · {day}")
BUTTON_SESSION_OTHER = N_("Another meeting")
SHARE_ASK_CONTENT = N_(
    "{intro}Type your words, or send a voice note or a photo (up to {limit} characters).\n\n"
    "You can go back, or /cancel to stop."
)
SHARE_KEEP_NOTE = N_("\n\nWhat you wrote before is kept: type again to replace it, or keep it.")
BUTTON_KEEP = N_("Keep what I wrote")
SHARE_ASK_CAPTION = N_(
    "Thank you, I have your {media}. Would you like to add a few words to go with it? "
    "Type them, or skip."
)
BUTTON_SKIP = N_("Skip")
SHARE_ASK_NAME = N_(
    "Do you want to send this with your name, or without it? "
    "Without your name, coordinators won't see who sent it.{small}"
)
SHARE_SMALL_GROUP = N_(
    "\n\n<b>Please note:</b> {group} has only {count} members, so even without your name, "
    "others may guess who wrote it."
)
BUTTON_WITH_NAME = N_("With my name")
BUTTON_WITHOUT_NAME = N_("Without my name")
SHARE_ASK_CONSENT = N_(
    "How may your story be used? You can skip this: then only coordinators read it."
)
BUTTON_CONSENT_COORDINATORS = N_("Only coordinators read it")
BUTTON_CONSENT_QUOTE_ANONYMOUS = N_("Quote it without my name")
BUTTON_CONSENT_QUOTE_NAMED = N_("Quote it with my name")
CONSENT_COORDINATORS = N_("only coordinators read it")
CONSENT_QUOTE_ANONYMOUS = N_("it may be quoted, without your name")
CONSENT_QUOTE_NAMED = N_("it may be quoted, with your name")
SHARE_PREVIEW = N_(
    "<b>Here's what you'll send</b> to {group} ({kind}):\n\n{content}\n\n{who}{consent}{small}"
)
PREVIEW_MEDIA = N_("[your {media}]")
PREVIEW_WORDS = N_("“{words}”")
WHO_NAMED = N_("Who will see it: the coordinators of {group}, with your name ({name}).")
WHO_ANONYMOUS = N_(
    "Who will see it: the coordinators of {group}, without your name, in the next daily "
    "batch, with the date only. Coordinators won't see who you are; Telegram and the people "
    "who run this bot's server can see accounts."
)
WHO_OBSERVERS = N_(" {count} observers of the group can read it too, never with your name.")
CONSENT_LINE = N_("\nHow it may be used: {consent}.")
NO_NAME_SET = N_("no name set, so “member”")
BUTTON_SEND = N_("Send")
BUTTON_CHANGE_WORDS = N_("Change what I wrote")
BUTTON_DONT_SEND = N_("Don't send")
SHARE_RECEIPT_NAMED = N_(
    "Thank you. Your words are with the coordinators of {group} now. "
    "I'll tell you what happens next.\n\n"
    "Your private reference: <b>{reference}</b>\n"
    "/mine shows what you've shared, and you can take anything back there."
)
SHARE_RECEIPT_ANONYMOUS = N_(
    "Thank you. Your words will reach the coordinators of {group} {when}, without your name. "
    "I'll tell you what happens next.\n\n"
    "Your private reference: <b>{reference}</b> (only you have it)\n"
    "/mine shows what you've shared, and you can take anything back there."
)
SHARE_EMPTY = N_(
    "I couldn't find any words in that. Please type what you'd like to say, or send a voice "
    "note or a photo. /cancel to stop."
)
SHARE_TOO_LONG = N_(
    "That's longer than I can take in one go ({limit} characters at most). Could you make it "
    "shorter, or send the rest later as another item? Your message is still in our chat "
    "above, so nothing is lost."
)
SHARE_UNSUPPORTED = N_(
    "Sorry, I can only take words, a voice note or a photo here, not stickers or other "
    "files. Anything you wrote before is kept."
)
# Words typed while a choice of buttons waits (which group, which setting, Send or not).
CHOOSE_WITH_BUTTONS = N_("Please choose with the buttons above, or /cancel to stop.")
CHOOSE_WITH_BUTTONS_BELOW = N_("Please choose with the buttons below, or /cancel to stop.")
SHARE_USE_BUTTONS = N_(
    "Please choose with the buttons below, or /cancel to stop. Anything you wrote is kept."
)
SHARE_NO_PROMPTS = N_(
    "There are no open questions in {group} right now. You could share feedback or part of "
    "your story instead."
)
SHARE_PROMPT_CLOSED = N_(
    "Sorry, that question isn't taking answers any more. /share lets you send something else."
)
SHARE_NOT_MEMBER = N_(
    "You're not in a group yet, so there's nowhere to share to. To join one, open the invite "
    "link a coordinator gave you."
)
SHARE_DISCARDED = N_("Okay, nothing was sent, and what you wrote has been deleted.")
KIND_PROMPT = N_("an answer to a question")
KIND_FEEDBACK = N_("feedback")
KIND_SESSION = N_("feedback on a group meeting")
KIND_STORY = N_("part of your story")
MEDIA_VOICE = N_("voice note")
MEDIA_PHOTO = N_("photo")
STATUS_RECEIVED = N_("received")
STATUS_ACKNOWLEDGED = N_("seen by the coordinators")
STATUS_CONSIDERING = N_("being considered")
STATUS_MEETING = N_("taken to a meeting")
STATUS_OUTCOME = N_("decided")

MINE_NONE = N_("You haven't shared anything yet. /share is the way to start.")
MINE_HEADER = N_(
    "<b>What you've shared</b> ({total})\n"
    "Newest first. Tap a number to read it in full or take it back.\n\n{lines}"
)
MINE_LINE = N_("{number}. {day} · {kind} · {group} · {status}{anonymous}\n   {preview}")
MINE_ANONYMOUS = N_(" · without your name")
BUTTON_READ = N_("Read {number}")
BUTTON_WITHDRAW = N_("Take back {number}")
BUTTON_OLDER = N_("Older ›")
MINE_FULL = N_(
    "<b>{kind}</b> for {group}, {day}{anonymous}\n"
    "What happened so far: {status}\n"
    "How it may be used: {consent}\n"
    "Reference: {reference}\n\n{content}"
)
BUTTON_WITHDRAW_ONE = N_("Take it back")
MINE_READ_ACTIONS = N_("If you'd rather it wasn't used, you can take it back.")
WITHDRAW_CONFIRM = N_(
    "Take back what you shared with {group} on {day}? It will be removed from every list and "
    "report, and its words deleted. This can't be undone."
)
BUTTON_WITHDRAW_YES = N_("Yes, take it back")
BUTTON_WITHDRAW_NO = N_("No, keep it")
WITHDRAWN = N_("Done. It's been taken back and its words deleted.")
WITHDRAWN_TOLD = N_(
    "Done. It's been taken back and its words deleted. The coordinators had already started "
    "using it, so I've let them know to stop."
)
WITHDRAW_KEPT = N_("Okay, it stays as it is.")
ITEM_NOT_FOUND = N_(
    "Sorry, I can't find that. It may have been taken back already. "
    "/mine shows what you've shared."
)
ITEM_WITHDRAWN_NOTICE = N_(
    "Something given in <b>{group}</b> on {day} ({kind}) has been taken back by the person "
    "who gave it. Please stop using it, including any quotes from it."
)

PROMPT_PICK_GROUP = N_("Which group is the question for? /cancel to stop.")
PROMPT_ASK_TEXT = N_(
    "Type the question or scenario for <b>{group}</b>, for example: “What could have helped "
    "Sam here?” Up to {limit} characters. /cancel to stop."
)
PROMPT_EMPTY = N_("Your question is empty. Please type the words you'd like to ask.")
PROMPT_TOO_LONG = N_(
    "That's longer than a question can be ({limit} characters at most). Could you make it shorter?"
)
PROMPT_ASK_END = N_("Until when should people be able to answer?")
BUTTON_END_NONE = N_("No end date")
BUTTON_END_WEEKS = N_("For {weeks} weeks")
BUTTON_END_WEEK = N_("For 1 week")
PROMPT_PREVIEW = N_("Above is how it will look. It will go to the members of {group}.")
BUTTON_POST = N_("Post it")
PROMPT_POSTED = N_("Posted. It's on its way to {count} members of {group}.")
PROMPT_DISCARDED = N_("Okay, nothing was posted.")
PROMPT_TO_MEMBERS = N_(
    "<b>A question from {group}</b>\n\n{text}\n\n"
    "If you'd like to answer, tap Respond. You can answer with your name or without it.{ends}"
)
PROMPT_ENDS = N_("\nOpen until {day}.")
BUTTON_RESPOND = N_("Respond")

READ_PICK = N_("Whose input would you like to read?")
READ_HEADER = N_("<b>{group}</b>: what members shared ({count})\n\n{lines}")
READ_LINE = N_("{day} · {kind} · {who} · {status}\n{content}")
READ_ANONYMOUS = N_("without a name")
READ_HIDDEN = N_("name not shown to observers")
READ_NONE = N_("Nothing shared in <b>{group}</b> yet that you can read.")
NO_READABLE_GROUPS = N_("There's no group whose input you can read.")

OBSERVERS_PICK = N_("Which group's observers?")
OBSERVERS_LIST = N_("<b>Observers of {group}</b>\n{lines}")
OBSERVERS_NONE = N_("<b>{group}</b> has no observers.")
OBSERVER_LINE = N_("• {name}")
UNNAMED_OBSERVER = N_("observer (no name given)")
BUTTON_NEW_OBSERVER = N_("Make a link for a new observer")
BUTTON_REMOVE_OBSERVER = N_("Remove {name}")
OBSERVER_LINK = N_(
    "Send this link to the person who should observe <b>{group}</b>. They'll be able to read "
    "what members share there and what happened, never who wrote it. It works once, for "
    "7 days:\n{link}"
)
BECAME_OBSERVER = N_(
    "You're now an observer of <b>{group}</b>. /read shows what members share there, "
    "never who wrote it."
)
ALREADY_OBSERVER = N_("You're already an observer of <b>{group}</b>. /read shows its input.")
OBSERVER_REMOVED = N_("Done. They no longer observe the group.")
OBSERVER_NOT_FOUND = N_("That person doesn't observe the group any more.")

# --- Safeguarding (J6) -------------------------------------------------------------------------

SAFETY_REPLY = N_(
    "I'm sorry you're going through this. You don't have to face it alone.\n\n"
    "If you need help now:\n{helplines}\n\n"
    "Would you like someone from the organisation to contact you? If you say yes, our "
    "safeguarding lead will see who you are and what you wrote. If not, they'll see what you "
    "wrote, but not who you are."
)
HELPLINE_LINE = N_("• {line}")
BUTTON_CONTACT_YES = N_("Yes, please contact me")
BUTTON_CONTACT_NO = N_("No, thank you")
SAFETY_WILL_CONTACT = N_(
    "Thank you for telling me. I've passed it on, and someone will contact you as soon as "
    "they can. If you need help before then:\n{helplines}"
)
SAFETY_NO_CONTACT = N_(
    "That's okay, nobody will contact you. The helplines are there any time, and /support "
    "shows them again."
)
SAFETY_ALREADY = N_("You've already answered this. /support shows the helplines any time.")
SUPPORT = N_(
    "<b>Help, any time</b>\n{helplines}\n\n"
    "You can use these whenever you need them; you don't have to be in a group."
)
SAFETY_ALERT = N_(
    "<b>Safety alert {reference}</b>\n"
    "Someone wrote something that suggests they or someone else may be at risk. "
    "They were shown the helplines and 999.\n\n"
    "{answer}\n"
    "Group: {group}\n"
    "When: {when}\n"
    "What the detector saw: {reason}\n\n"
    "Their words:\n“{words}”"
)
SAFETY_ALERT_WHO = N_(
    "They asked to be contacted.\n"
    "Who: {who}\n"
    "Name they chose: {chosen}\n"
    "Telegram name: {telegram}\n"
    "Username: {username}"
)
SAFETY_SAID_NO = N_("They said no to being contacted, so who they are is not shared.")
SAFETY_NO_ANSWER = N_(
    "They did not answer when asked if they'd like to be contacted, so who they are is not "
    "shared. If they say yes later, you'll hear."
)
SAFETY_NO_USERNAME = N_("none")
SAFETY_NO_REASON = N_("not recorded")
SAFETY_IDENTITY = N_('<a href="tg://user?id={id}">{name}</a>')
SAFETY_NO_NAME = N_("a member with no name set")
SAFETY_NO_GROUP = N_("not given")
SAFETY_NO_ONE_YET = N_(
    "Thank you for telling me. I've kept your message for the organisation, but no one can "
    "receive it right now, so I can't promise when someone will contact you. Please use the "
    "helplines; in an emergency call 999:\n{helplines}"
)
SAFETY_CLOSED = N_(
    "This has been closed, so I can't pass on an answer to it now. If you'd like someone to "
    "contact you, write to me again. The helplines are here any time:\n{helplines}"
)
BUTTON_WRITING_CARRY_ON = N_("Carry on with what I was writing")
NOTHING_TO_CARRY_ON = N_(
    "There's nothing waiting for you to carry on with. /help shows what you can do."
)
SHARE_DISCARDED_AFTER_ALERT = N_(
    "Okay, nothing was sent to your group, and your words are gone from here.\n"
    "Because they suggested you or someone else may be at risk, they have already gone to "
    "our safeguarding lead ({who}). They are not kept anywhere else."
)
DISCARD_LEAD_KNOWS_NAME = N_("with your name, as you asked")
DISCARD_LEAD_NO_NAME = N_("without your name")
EDIT_NOT_PICKED_UP = N_(
    "I don't pick up changes to messages you've already sent, so nothing changed. "
    "If you'd like to change something, please send it again as a new message."
)
ALERT_TAKE_ONLY_LEADS = N_("That's something only a safeguarding lead or an admin can do.")
ALERT_TAKEN_YOU = N_(
    "You're handling alert {reference}. The other leads have been told. When it's done, "
    "close it with a short note of what was done."
)
ALERT_TAKEN_ALREADY_YOURS = N_("You're already handling alert {reference}.")
ALERT_TAKEN_BY = N_("{name} is already handling alert {reference}.")
ALERT_IS_CLOSED = N_("Alert {reference} is already closed.")
ALERT_NOT_YOURS = N_("Only the lead handling alert {reference} can close it.")
ALERT_ASK_NOTE = N_(
    "Please type a short note of what was done about alert {reference}, for the record. "
    "/cancel to stop."
)
ALERT_CLOSED_YOU = N_("Alert {reference} is closed. Thank you.")
ALERT_TAKEN_OTHERS = N_("{name} is handling safety alert {reference}.")
ALERT_CLOSED_OTHERS = N_("{name} closed safety alert {reference}. What was done: {note}")
ALERT_UPDATE_YES = N_("<b>Update: they now ask to be contacted.</b>")
ALERT_NOT_TAKEN = N_(
    "<b>No one has said they are handling this alert yet.</b> It is sent again to every "
    "safeguarding lead and the admins. Please tap “I'll handle this” if you can."
)
SAFETY_LATE_NO = N_("They have now said no to being contacted.")
ALERT_REF = N_("(Safety alert {reference})")
ALERT_SOMEONE = N_("A lead")
ALERT_NO_OWNER = N_("no one has taken it yet")
ALERT_OPEN_LIST = N_(
    "<b>Safety alerts still open</b>\n{lines}\n\n"
    "They stay here each day until the lead handling them closes them with a note."
)
ALERT_OPEN_LINE = N_("• {reference}, {when}: {owner}")
HELP_NO_LEAD = N_(
    "\n\n⚠ No safeguarding lead is set, so safety alerts come to the admins only. "
    "/leads chooses one."
)
ALERT_NO_LEAD_ADMINS = N_(
    "<b>No safeguarding lead is set.</b> Safety alerts go to the admins only until one is "
    "chosen. Please choose at least one with /leads."
)
LEADS_NONE_CHOSEN = N_(
    "\n<b>No one is a lead yet</b>, so safety alerts reach the admins only. Please choose at "
    "least one."
)
BUTTON_ALERT_TAKE = N_("I'll handle this")
BUTTON_ALERT_CLOSE = N_("Close with a note")
SAFETY_MARK = N_("⚠ A safety reply was shown; a lead has been told.")
LEADS_LIST = N_(
    "<b>Safeguarding leads</b>\n"
    "Leads receive risk alerts. Tap a coordinator to make them a lead, or to stop.\n{lines}"
)
LEADS_NONE = N_("There are no coordinators yet, so no one can be a lead.")
LEAD_LINE = N_("{mark} {name}")

# --- Conversations: answering a coordinator's reply, and a lead writing to someone -----------

BUTTON_CONVERSATION_ANSWER = N_("Reply")
BUTTON_CONVERSATION_END = N_("End conversation")
BUTTON_CONVERSATION_REPLY = N_("Reply")
BUTTON_WRITE_TO_THEM = N_("Write to them")
BUTTON_SEND_TO_THEM = N_("Yes, send it")
BUTTON_KEEP_LOOSE = N_("No, don't send")
CONVERSATION_READER_NAMED = N_(
    "The coordinators of {group} will read your answer, with your name."
)
CONVERSATION_READER_ANONYMOUS = N_(
    "The coordinators of {group} will read your answer. They won't see who you are."
)
CONVERSATION_READER_LEAD = N_(
    "Only the safeguarding lead will read your answer. They won't see who you are unless "
    "you said yes to being contacted."
)
CONVERSATION_ASK = N_("{reader}\n\nType your answer (up to {limit} characters). /cancel to stop.")
CONVERSATION_SENT = N_("Thank you. Your answer is on its way.\n{reader}")
CONVERSATION_CLOSED = N_(
    "This conversation has ended, so I haven't sent that. Your words are still here in your "
    "chat. If you'd like to say more, /share sends it to your group's coordinators."
)
CONVERSATION_UNKNOWN = N_(
    "Sorry, I can't find that conversation. Nothing was sent. /help shows what you can do."
)
CONVERSATION_EMPTY = N_("That's empty. Please type a few words, or /cancel to stop.")
CONVERSATION_TOO_LONG = N_(
    "That's longer than I can send ({limit} characters at most). Could you shorten it?"
)
CONVERSATION_YOU_ENDED = N_(
    "Okay, the conversation has ended. Thank you for your time. /help shows what else you can do."
)
CONVERSATION_HINT = N_(
    "You can answer with the Reply button, or by replying to this message. {reader}"
)
CONVERSATION_LOOSE_ASK = N_("Would you like me to send this as your answer?\n{reader}")
CONVERSATION_LOOSE_DROPPED = N_("Okay, I haven't sent it. No one else has seen it.")
CONVERSATION_FROM_LEAD = N_(
    "<b>A message from the safeguarding lead</b>\n“{words}”\n\n"
    "You can answer with the Reply button, or by replying to this message. "
    "Only the lead will read it. /support shows the helplines any time."
)
CONVERSATION_LEAD_ENDED = N_(
    "The safeguarding lead has ended your conversation. If you need help, /support shows "
    "who you can talk to, any time."
)
LINE_CONVERSATION_ENDED = N_(
    "the coordinators have ended the conversation about it. Thank you for talking with them."
)
CONVERSATION_ABOUT_ITEM = N_("{kind}, {who}, given on {date} in {group} (“{words}”)")
CONVERSATION_ABOUT_ALERT = N_("a safety alert you wrote to them about")
CONVERSATION_NO_WORDS = N_("a voice note or photo")
CONVERSATION_IN = N_("<b>An answer</b> about {about}:\n\n“{words}”")
CONVERSATION_TO_LEAD = N_("<b>An answer</b> to {about}:\n\n“{words}”")
CONVERSATION_RISK_NOTE = N_("A safety reply was shown; a lead has been told.")
CONVERSATION_ENDED_BY_MEMBER = N_(
    "The conversation about {about} was ended by the person you were talking with."
)
CONVERSATION_WRITE_ASK = N_(
    "Type your message. It goes to them through Chorus; you won't see who they are unless "
    "they said yes to being contacted. Up to {limit} characters. /cancel to stop."
)
CONVERSATION_WRITE_SENT = N_(
    "Sent. Their answers will come to you here, until one of you ends the conversation."
)
CONVERSATION_UNREACHABLE = N_(
    "Chorus can't reach them right now (they may have stopped or blocked the bot), so your "
    "message was not sent. It is kept with the conversation."
)
CONVERSATION_STAFF_ENDED = N_("Done, the conversation has ended. They'll be told kindly.")
CONVERSATION_ALREADY_ENDED = N_("That conversation has already ended.")
CONVERSATION_NOT_ALLOWED = N_(
    "Sorry, only the coordinators of that group, or a safeguarding lead for an alert, can do that."
)
CARD_TALK = N_("<b>Conversation</b> ({state}):\n{lines}")
CARD_TALK_OPEN = N_("open")
CARD_TALK_CLOSED = N_("ended")
CARD_TALK_MEMBER = N_("• They said: “{words}”")
CARD_TALK_COORDINATOR = N_("• A coordinator wrote: “{words}”")

MENU_SHARE = N_("Share feedback or your story")
MENU_MINE = N_("What you've shared")
MENU_SUPPORT = N_("Where to get help now")
MENU_PROMPT = N_("Ask your group a question")
MENU_READ = N_("Read what members shared")
MENU_OBSERVERS = N_("Add or remove observers")
MENU_LEADS = N_("Choose safeguarding leads")
# --- Closing the loop: updates to contributors --------------------------------------------

ABOUT_WORDS = N_("About what you said on {date} (“{words}”)")
ABOUT_VOICE = N_("About your voice note of {date}")
ABOUT_PHOTO = N_("About your photo of {date}")
ABOUT_ITEM = N_("About what you shared on {date}")
ABOUT_JOIN = N_(", and ")
UPDATE_BLOCK = N_("{about}: {line}")
UPDATE_ONE = N_("{block}\n\n/mine shows everything that happened with your words.")
UPDATE_DIGEST = N_(
    "<b>What happened with your words</b>\n\n{blocks}\n\n"
    "/mine shows everything that happened with your words."
)
LINE_ACKNOWLEDGED = N_(
    "a coordinator has read it. Thank you for sharing it. I'll tell you what happens next."
)
LINE_CONSIDERING = N_("the coordinators are looking at what they can do about it.")
LINE_MEETING = N_("it will be talked about at {meeting} on {date}.")
LINE_CHANGED = N_("{text} Thank you, this changed because of you.")
LINE_WILL_CHANGE = N_("{text} This should be done by {date}. Thank you, this is because of you.")
LINE_CANNOT_CHANGE = N_(
    "this can't change for now. {text} Thank you for saying it: it was heard, and it matters."
)
LINE_REPLY = N_("a coordinator wrote back: “{text}”")
LINE_LINKED = N_("it's now part of a piece of work: “{title}”. I'll tell you how it goes.")
LINE_ACTION_UPDATE = N_("news on “{title}”: {text}")
LINE_ACTION_STATUS = N_("“{title}” is now {status}.")
ACTION_PLANNED = N_("planned")
ACTION_IN_PROGRESS = N_("under way")
ACTION_DONE = N_("done")
ACTION_NOT_POSSIBLE = N_("not possible, sadly")

# --- Closing the loop: how members hear (in /settings) ------------------------------------

SETTINGS_UPDATES = N_("How you hear what happened with your words: {rhythm}")
RHYTHM_NOW = N_("as it happens")
RHYTHM_DAILY = N_("once a day, at {time}")
RHYTHM_WEEKLY = N_("once a week, {day} at {time}")
BUTTON_RHYTHM = N_("How I hear back")
RHYTHM_ASK = N_(
    "When I have news about your words, how would you like to hear it?\n"
    "A digest gathers everything into one message. /cancel to leave it as it is."
)
BUTTON_RHYTHM_NOW = N_("As it happens")
BUTTON_RHYTHM_DAILY = N_("Once a day")
BUTTON_RHYTHM_WEEKLY = N_("Once a week")
RHYTHM_ASK_DAY = N_("Which day of the week?")
RHYTHM_ASK_TIME = N_("At what time?")
RHYTHM_SAVED = N_("Done. You'll hear {rhythm}. Quiet hours still apply.")
WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)
LINE_MEETING_PAST = N_("it was talked about at {meeting} on {date}.")

# --- Closing the loop: the coordinators' daily notice -------------------------------------

INBOX_KIND_PROMPT = N_("Answer to a question")
INBOX_KIND_FEEDBACK = N_("Feedback")
INBOX_KIND_SESSION = N_("About a meeting")
INBOX_KIND_STORY = N_("Story")
NUDGE = N_("<b>Your inbox today</b>\n\n{groups}\n\n/inbox shows them one at a time.")
NUDGE_GROUP = N_("<b>{group}</b>")
NUDGE_NEW = N_("New: {count}")
NUDGE_JOINED = N_("Joined: {names}")
NUDGE_LEFT = N_("Left: {names}")
NUDGE_ONE_UNNAMED = N_("someone with no name set")
NUDGE_SOME_UNNAMED = N_("{count} people with no name set")
NUDGE_UNACKNOWLEDGED = N_("Not yet acknowledged after {days} days:")
NUDGE_NO_OUTCOME = N_("No outcome yet after {days} days:")
NUDGE_ITEM = N_("• {kind} from {date} (waiting {days} days)")
NUDGE_MORE = N_("…and {count} more")

# --- Closing the loop: "you said, we did" and an item's history -----------------------------

BOARD_HEADER = N_("<b>You said, we did: {group}</b>")
BOARD_EMPTY = N_(
    "<b>You said, we did: {group}</b>\n\nNothing to show yet. "
    "When the coordinators report back on what members said, it will be here."
)
BOARD_SAID = N_("Someone said: “{words}”")
BOARD_SAID_NAMED = N_("{name} said: “{words}”")
BOARD_ENTRY = N_("{said}\n→ {did}")
BOARD_CHANGED = N_("What changed: {text}")
BOARD_WILL_CHANGE = N_("What will change, by {date}: {text}")
BOARD_CANNOT_CHANGE = N_("This can't change for now: {text}")
BOARD_WORK = N_("<b>Work under way</b>")
BOARD_ACTION = N_("• {title}: {news}")
BOARD_ACTION_STATUS = N_("now {status}")
BOARD_ACTION_TEXT = N_("{text}")
BUTTON_BOARD_SEND = N_("Send this to the group")
BOARD_SEND_NOTE = N_("You can send this list to everyone in the group.")
BOARD_CONFIRM = N_("Send this list to everyone in {group} who gets messages?")
BUTTON_BOARD_YES = N_("Yes, send it")
BOARD_SENT = N_("Sending it to {count} people.")
BOARD_NOTHING = N_("There's nothing on the list yet, so nothing was sent.")
BOARD_SENT_BEFORE = N_(
    "This list has already gone to everyone in the group, so I didn't send it again. "
    "When there's news on it, you can send it once more."
)
BOARD_PICK = N_("Which group's list would you like to see?")
BOARD_NO_GROUPS = N_("You're not in a group yet, so there's nothing to show.")
HISTORY_HEADER = N_("<b>What happened with your words of {date}</b>\n\n{lines}")
HISTORY_LINE = N_("{date}: {text}")
HISTORY_GIVEN = N_("you shared it. Thank you.")
HISTORY_ACKNOWLEDGED = N_("a coordinator read it.")
HISTORY_CONSIDERING = N_("the coordinators started looking at what they could do.")
HISTORY_MEETING = N_("taken to {meeting} on {date}.")
HISTORY_LINKED = N_("it became part of “{title}”.")
HISTORY_REPLY = N_("a coordinator wrote back: “{text}”")
HISTORY_OUTCOME = N_("{did}")
HISTORY_GONE = N_("Sorry, I can't find that any more.")
BUTTON_WHAT_HAPPENED = N_("What happened")

# --- Closing the loop: the inbox -------------------------------------------------------------

INBOX_PICK = N_("Which group's inbox would you like to open?")
INBOX_HEADER = N_(
    "<b>Inbox: {group}</b>\nNew: {new} · Waiting for what happens next: {waiting} · "
    "Waiting too long: {overdue}"
)
INBOX_NOTHING = N_("Nothing here needs you right now. Thank you for keeping up.")
CARD = N_(
    "<b>{kind}</b>, {who}, {date} (waiting {days} days)\n"
    "How it may be used: {consent}\n"
    "Where it is: {status}\n\n"
    "{words}"
)
CARD_ANONYMOUS = N_("without a name")
CARD_NOT_SHOWN = N_("who gave it is not shown to observers")
CARD_NAMED = N_("from {name}")
CARD_WORDS = N_("“{words}”")
CARD_VOICE = N_("(a voice note: tap the button to hear it)")
CARD_PHOTO = N_("(a photo: tap the button to see it)")
INBOX_CONSENT_COORDINATORS = N_("only coordinators read it")
INBOX_CONSENT_QUOTE_ANONYMOUS = N_("may be quoted, without a name")
INBOX_CONSENT_QUOTE_NAMED = N_("may be quoted, with their name")
INBOX_STATUS_RECEIVED = N_("not yet acknowledged")
INBOX_STATUS_ACKNOWLEDGED = N_("acknowledged")
INBOX_STATUS_CONSIDERING = N_("being considered")
INBOX_STATUS_MEETING = N_("taken to a meeting")
INBOX_STATUS_OUTCOME = N_("has an outcome")
BUTTON_ACK = N_("Acknowledge")
BUTTON_CONSIDER = N_("We're considering it")
BUTTON_MEETING = N_("Take to a meeting")
BUTTON_OUTCOME = N_("Record outcome")
BUTTON_ADD_TO_ACTION = N_("Add to action")
BUTTON_REPLY = N_("Reply")
BUTTON_NEXT_ITEM = N_("Next ›")
BUTTON_MEDIA = N_("Hear or see it")
BUTTON_FILTER_NEW = N_("New ({count})")
BUTTON_FILTER_WAITING = N_("Waiting ({count})")
BUTTON_FILTER_OVERDUE = N_("Too long ({count})")
BUTTON_FILTER_ALL = N_("All open ({count})")
BUTTON_NUDGE_DAYS = N_("When to remind me")
INBOX_NOT_ALLOWED = N_("Sorry, you can only open the inbox of groups you coordinate.")
INBOX_GONE = N_("Sorry, that item isn't in the inbox any more. It may have been withdrawn.")
INBOX_ALREADY = N_("That was already done.")
INBOX_EMPTY_TEXT = N_("That's empty. Please type a few words, or /cancel to stop.")
INBOX_TOO_LONG = N_(
    "That's longer than I can send ({limit} characters at most). Could you shorten it?"
)
INBOX_BAD_DATE = N_(
    "Sorry, I didn't understand that date. Could you try like this: 12 March, or 12/3"
)
INBOX_PAST_DATE = N_("That date has already gone. Could you give a date from today on?")
INBOX_ACKNOWLEDGED = N_("Acknowledged. They'll hear that their words were read.")
INBOX_CONSIDERING = N_("Done. They'll hear that you're considering it.")
INBOX_MEETING_SAVED = N_("Saved. They'll hear which meeting it goes to.")
INBOX_SENT = N_("Sent. They'll hear it in the way they chose to hear back.")
INBOX_SENT_HELD = N_(
    "Saved. They can't be reached right now (they may have stopped the bot), so it will "
    "wait for them and reach them if they come back."
)
INBOX_DISCARDED = N_("Okay, nothing was sent.")
MEETING_ASK = N_(
    "Which meeting is it going to, and when? Type the name and the date, like this: "
    "Board meeting, 12 March. /cancel to stop."
)
MEETING_BAD = N_(
    "Sorry, I couldn't read that. Please type the meeting's name, a comma, then the date, "
    "like this: Board meeting, 12 March. /cancel to stop."
)
OUTCOME_PICK = N_("What came of it?")
BUTTON_CHANGED = N_("Something changed")
BUTTON_WILL_CHANGE = N_("Something will change")
BUTTON_CANNOT_CHANGE = N_("It can't change")
OUTCOME_ASK_CHANGED = N_(
    "What changed? Type it as you'd tell them, for example: the forms have been cut to one "
    "page. (Up to {limit} characters. /cancel to stop.)"
)
OUTCOME_ASK_WILL_CHANGE = N_(
    "What will change? Type it as you'd tell them. I'll ask by when next. "
    "(Up to {limit} characters. /cancel to stop.)"
)
OUTCOME_ASK_CANNOT_CHANGE = N_(
    "Why can't it change? An honest reason helps people trust the group. "
    "(Up to {limit} characters. /cancel to stop.)"
)
OUTCOME_ASK_DUE = N_("By when? For example: 30 April, or 30/4. /cancel to stop.")
REPLY_ASK = N_(
    "Type your reply. It goes to the person who shared this"
    " (you won't see who they are if they gave no name). Up to {limit} characters. "
    "/cancel to stop."
)
PREVIEW_NOTE = N_("Above is exactly what they will read. Send it?")
BUTTON_SEND_IT = N_("Send it")
DAYS_ASK = N_(
    "I remind coordinators each morning about items with no outcome after {days} days. "
    "How many days should it be?"
)
BUTTON_DAYS = N_("{days} days")
DAYS_SAVED = N_("Done. I'll remind you after {days} days without an outcome.")

# --- Closing the loop: actions ---------------------------------------------------------------

ACTION_GROUP_PICK = N_("Which group's actions would you like to see?")
ACTION_LIST = N_("<b>Actions</b>\nTap one to post an update or change where it stands.")
ACTION_LIST_EMPTY = N_(
    "No actions yet. An action gathers what members said into a piece of work, "
    "so you can tell them all how it goes."
)
BUTTON_NEW_ACTION = N_("New action")
BUTTON_POST_UPDATE = N_("Post an update")
BUTTON_ALL_ACTIONS = N_("‹ All actions")
ACTION_LINK_PICK = N_("Which action should this be part of?")
ACTION_LINKED = N_("Added. The person who shared it will hear it's part of this work.")
ACTION_ASK_TITLE = N_(
    "What's the action? For example: Rewrite the support-plan paperwork. /cancel to stop."
)
ACTION_MADE = N_("Made: “{title}”.")
ACTION_NOT_ALLOWED = N_("Sorry, you can only work on actions of groups you coordinate.")
ACTION_VIEW = N_("<b>{title}</b>\nWhere it stands: {status}\nItems linked: {items}\n\n{history}")
ACTION_HISTORY_LINE = N_("{date}: {text}")
ACTION_NO_HISTORY = N_("No updates yet.")
ACTION_ASK_UPDATE = N_(
    "What's the news on “{title}”? Everyone whose words are linked to it will hear it, "
    "once each. (Up to {limit} characters. /cancel to stop.)"
)
ACTION_PREVIEW_NOTE = N_(
    "Above is how it will read for one of them (each person sees only their own words). Send it?"
)
ACTION_POSTED = N_("Posted. {count} people will hear it.")
ACTION_STATUS_SET = N_("Done: it's now {status}. {count} people will hear it.")

MENU_UPDATES = N_("What was done with what members said")
MENU_INBOX = N_("What members shared, one at a time")
MENU_ACTION = N_("Pieces of work, and news on them")
# --- Group sessions -------------------------------------------------------------------------

SESSION_INVITE = N_("<b>{title}</b> ({group})")
SESSION_CHANGED_HEADER = N_("<b>A change to {title}</b> ({group})")
SESSION_CANCELLED_HEADER = N_("<b>{title}</b> ({group}) is cancelled. Sorry about that.")
SESSION_PLACE_FREED = N_(
    "<b>A place has come up at {title}</b> ({group}), so you're down as going now. "
    "If you can't make it any more, that's fine: just tap Can't go."
)
SESSION_REMINDER = N_("<b>Reminder: {title}</b> ({group})")
SESSION_WHEN_RANGE = N_("{start} to {end}")
SESSION_LINE_WHEN = N_("When: {when}")
SESSION_LINE_PLACE = N_("Where: {place}")
SESSION_LINE_LINK = N_("Online: {link}")
SESSION_LINE_ACCESS = N_("Access: {notes}")
SESSION_LINE_CONTENT = N_("Content note: {note}")
SESSION_LINE_CANCELLED = N_("\nThis session is cancelled.")
SESSION_LINE_ANSWER = N_(
    "\nYour answer: <b>{answer}</b>. You can change it any time before it starts."
)
SESSION_LINE_WAITING = N_(
    "\nIt's full, so you're on the waiting list: number {place}. "
    "I'll tell you if a place comes up."
)
SESSION_ASK = N_("\nCan you make it? You can change your answer any time.")
ANSWER_GOING = N_("going")
ANSWER_MAYBE = N_("maybe")
ANSWER_NO = N_("can't go")
ANSWER_WAITING = N_("on the waiting list")
BUTTON_GOING = N_("Going")
BUTTON_MAYBE = N_("Maybe")
BUTTON_CANT_GO = N_("Can't go")
BUTTON_WAITING = N_("On the waiting list")
# The answer given, on its button: the tick, and a word saying what it means.
BUTTON_ANSWER_CHOSEN = N_("✓ {answer} (chosen)")
BUTTON_CALENDAR = N_("Add to my calendar")
BUTTON_CALENDAR_REMOVE = N_("Update my calendar")
SESSION_CHANGED_TIME = N_("The time has changed (it was {was}).")
SESSION_CHANGED_PLACE = N_("The place has changed.")
SESSION_CHANGED_TITLE = N_("The name has changed (it was “{was}”).")
SESSION_CHANGED_NOTES = N_("The notes have changed.")
SESSION_CHANGED_CAPACITY = N_("The number of places has changed.")
SESSION_STARTED = N_("That session has already started, so answers are closed now.")
SESSION_IS_CANCELLED = N_(
    "That session was cancelled, so there's nothing to answer. /sessions shows what's coming."
)
SESSION_GONE = N_("Sorry, I can't find that session any more. /sessions shows what's coming.")
SESSION_NOT_YOURS = N_("That session is for another group, so I can't take an answer for it.")
SESSION_LEFT_GROUP = N_(
    "You left {group}, so I can't take an answer for <b>{title}</b>. "
    "If you'd like to come, you can join again with the group's invite link."
)
SESSIONS_NONE = N_("There are no sessions coming up in your groups right now.")
SESSIONS_JUST_INVITED = N_(
    "Your invitation to {titles} has just come, above this. You can answer it there."
)
SESSIONS_MANAGED = N_(
    "<b>Sessions you run</b>\nTap one to see who's coming, change it or mark who came."
)
SESSIONS_MANAGED_NONE = N_("You have no sessions coming up. /newsession makes one.")
SESSION_MANAGED_BUTTON = N_("{when}: {title}")
SESSION_CALENDAR_CAPTION = N_("Open this file to add {title} to your calendar.")

SESSION_PICK_GROUP = N_("Which group is the session for? /cancel to stop.")
SESSION_ASK_TITLE = N_(
    "What's the session called? For example: Planning meeting. /cancel to stop."
)
SESSION_ASK_STARTS = N_(
    "When does it start? For example: Tue 3 March 2pm, or tomorrow 10:30. /cancel to stop."
)
SESSION_ASK_ENDS = N_(
    "It starts {when}. When does it end? Type a time (4pm) or how long it lasts (2 hours)."
)
SESSION_ASK_PLACE = N_(
    "Where is it? Type the place, an online link, or both. Or tap Skip if it isn't set yet."
)
SESSION_ASK_ACCESS = N_(
    "Anything people should know about access? For example: step-free, hearing loop, "
    "quiet room. Type it, or tap Skip."
)
SESSION_ASK_CONTENT = N_(
    "Will it touch on difficult subjects? If so, type a short content note so people can "
    "choose. Or tap Skip."
)
SESSION_ASK_CAPACITY = N_("How many places are there? Type a number, or tap No limit.")
SESSION_ASK_REMINDERS = N_(
    "When should I remind people who said going or maybe? Usually 24 hours and 2 hours "
    "before. Type other times (like 48h, 3h), or none, or tap Usual times."
)
SESSION_CONFIRM_NEW = N_(
    "Here's how the invitation will look:\n\n{preview}\n\n{details}\n\n"
    "Save it and invite the members of {group}?"
)
SESSION_CONFIRM_EDIT = N_(
    "Here's the session with your change:\n\n{preview}\n\n{details}\n\n"
    "Save it? Everyone who answered will be told."
)
SESSION_DETAILS = N_("Places: {places}\nReminders: {reminders}")
SESSION_NO_LIMIT = N_("no limit")
SESSION_NO_REMINDERS = N_("none")
SESSION_REMINDER_BEFORE = N_("{length} before")
BUTTON_NO_LIMIT = N_("No limit")
BUTTON_USUAL_REMINDERS = N_("Usual times")
SESSION_NEXT_YEAR_ASK = N_(
    "That date has already gone this year. Did you mean {when}? "
    "If not, tap No and type the date again, with the year if it helps."
)
BUTTON_YEAR_YES = N_("Yes, that's right")
BUTTON_YEAR_NO = N_("No, I'll type it again")
BUTTON_SAVE_INVITE = N_("Save and invite")
BUTTON_SAVE_CHANGE = N_("Save and tell people")
SESSION_BAD_TITLE = N_(
    "Sorry, I couldn't use that as a name. Please type up to {limit} letters, or /cancel to stop."
)
SESSION_BAD_TEXT = N_(
    "Sorry, that's longer than I can keep ({limit} characters at most). "
    "Could you make it shorter? Or /cancel to stop."
)
SESSION_BAD_NUMBER = N_("Sorry, I need a number from 1 to {limit}, like 12. Or tap No limit.")
SESSION_BAD_REMINDERS = N_(
    "Sorry, I didn't understand those times. Could you try like this: 24h, 2h "
    "(up to 3 times, from 10 minutes to 14 days before), or none?"
)
SESSION_UNREADABLE = N_(
    "Sorry, I couldn't read any words in that. Could you type it again, or tap Skip?"
)
SESSION_CANT_SKIP = N_("This one is needed, sorry. Please type it, or /cancel to stop.")
SESSION_END_NOT_UNDERSTOOD = N_(
    "Sorry, I didn't understand that. Could you try like this: 4pm, or 2 hours"
)
SESSION_END_BEFORE_START = N_(
    "That's before it starts ({start}). When does it end? For example: 4pm, or 2 hours"
)
SESSION_END_TOO_LONG = N_(
    "That would make it longer than 12 hours. When does it end? For example: 4pm, or 2 hours"
)
SESSION_CREATED = N_(
    "Saved: <b>{title}</b>, {when}. Invitations are on their way to {people}. "
    "/sessions shows who's coming."
)
SESSION_CHANGED = N_("Saved. I'll tell the {people} who were invited what changed.")
SESSION_CHANGED_NOBODY = N_("Saved. Nobody has been invited yet, so there's nobody to tell.")
SESSION_NOTHING_TO_SAVE = N_("That's done already: there's nothing more to save here.")
ONE_PERSON = N_("1 person")
SOME_PEOPLE = N_("{count} people")
SESSION_UNCHANGED = N_("Nothing changed, so nobody was told.")
SESSION_TOO_LATE = N_("That session has started or finished, so it can't be changed now.")
SESSION_DISCARDED = N_("Okay, nothing was saved.")

SESSION_OVERVIEW = N_("<b>{title}</b> ({group})\n{when}\n\n{answers}")
SESSION_OVERVIEW_CANCELLED = N_("\n\nThis session is cancelled.")
SESSION_OVERVIEW_NOBODY = N_("Nobody has said they're going yet.")
SESSION_OVERVIEW_NOBODY_PLACES = N_("Nobody has said they're going yet ({capacity} places).")
SESSION_OVERVIEW_GOING = N_("{count} going: {names}")
SESSION_OVERVIEW_FULL = N_("{count} going (full): {names}")
SESSION_OVERVIEW_TAKEN = N_("{count} of {capacity} places taken: {names}")
SESSION_OVERVIEW_MAYBE = N_("{count} maybe: {names}")
SESSION_OVERVIEW_NO = N_("{count} can't go: {names}")
SESSION_OVERVIEW_WAITING = N_("{count} on the waiting list: {names}")
SESSION_NAMES_LIST = N_("{names}")
SESSION_NAMES_AND_MORE = N_("{names} and {count} more")
SESSION_NO_NAME = N_("member (no name given)")
BUTTON_EARLIER = N_("‹ Earlier")
BUTTON_MORE = N_("More ›")
BUTTON_CHANGE_SESSION = N_("Change it")
BUTTON_CANCEL_SESSION = N_("Cancel the session")
BUTTON_MARK = N_("Mark who came")
SESSION_EDIT_PICK = N_("What would you like to change?")
BUTTON_EDIT_TITLE = N_("Name")
BUTTON_EDIT_STARTS = N_("Start time")
BUTTON_EDIT_ENDS = N_("End time")
BUTTON_EDIT_PLACE = N_("Place or link")
BUTTON_EDIT_ACCESS = N_("Access notes")
BUTTON_EDIT_CONTENT = N_("Content note")
BUTTON_EDIT_CAPACITY = N_("Places")
BUTTON_EDIT_REMINDERS = N_("Reminders")
SESSION_CANCEL_CONFIRM = N_(
    "Cancel <b>{title}</b>, {when}? Everyone who was invited will be told."
)
BUTTON_YES_CANCEL = N_("Yes, cancel it")
BUTTON_KEEP_SESSION = N_("No, keep it")
SESSION_CANCELLED = N_("Cancelled. I'll tell the {people} who were invited.")
SESSION_CANCELLED_NOBODY = N_("Cancelled. Nobody had been invited, so there's nobody to tell.")
SESSION_CANCEL_ALREADY = N_("That session has already started, finished or been cancelled.")
SESSION_KEPT = N_("Okay, the session stays as it is.")

SESSION_MARK_ASK = N_(
    "<b>{title}</b> ({when}) has finished. Would you like to mark who came? "
    "It's one tap each, and it counts their involvement hours."
)
SESSION_ATTENDANCE = N_(
    "<b>Who came to {title}?</b>\nTap a name to mark them as came (✅) or did not come (✖).\n"
    "Each person who came gets {hours} hours. Total so far: {total} hours."
)
SESSION_ATTENDANCE_EMPTY = N_(
    "<b>Who came to {title}?</b>\nNobody said going or maybe. "
    "If someone came, tap Add someone who came."
)
SESSION_ATTENDANCE_NOT_YET = N_("You can mark who came once the session has started.")
BUTTON_ADD_ATTENDEE = N_("Add someone who came")
BUTTON_CHANGE_HOURS = N_("Change the hours")
BUTTON_DONE = N_("Done")
SESSION_ATTENDANCE_DONE = N_("Thank you. {count} people came: {total} hours recorded.")
SESSION_ADD_PICK = N_("Who came? Tap their name.")
SESSION_ADD_NONE = N_("Everyone in the group is on the list already.")
SESSION_ASK_HOURS = N_(
    "How many hours should each person who came get? For example: 2.5, or 2 hours 30 min. "
    "/cancel to stop."
)
SESSION_BAD_HOURS = N_(
    "Sorry, I didn't understand that. Could you type a number of hours, like 2.5? "
    "Or /cancel to stop."
)

HOURS_PICK_GROUP = N_("Whose hours would you like? Choose a group.")
HOURS_PICK_PERIOD = N_("Which period?")
BUTTON_THIS_MONTH = N_("This month")
BUTTON_LAST_MONTH = N_("Last month")
BUTTON_THIS_YEAR = N_("This year")
BUTTON_LAST_YEAR = N_("Last year")
HOURS_EXPORT = N_(
    "Involvement hours for {group}, {start} to {end}: {people} people, {hours} hours in all. "
    "The file has names, so please keep it safe."
)
SETTINGS_HOURS = N_("\nYour involvement hours: {hours}")

SESSION_FEEDBACK_ASK = N_(
    "Thank you for coming to <b>{title}</b>. If you'd like to say, how was it for you? "
    "It's one tap, and you can skip it."
)
# Each face carries words too: for screen readers, and screens without an emoji font.
BUTTON_SCALE_1 = N_("😞 Bad")
BUTTON_SCALE_2 = N_("🙁 Not great")
BUTTON_SCALE_3 = N_("😐 OK")
BUTTON_SCALE_4 = N_("🙂 Good")
BUTTON_SCALE_5 = N_("😀 Very good")
BUTTON_NO_THANKS = N_("No thanks")
SESSION_FEEDBACK_NAME = N_(
    "Thank you. Should the coordinators see your name with it? "
    "Without your name, they won't see who sent it.{few}"
)
SESSION_FEEDBACK_FEW = N_(" Only a few people came, though, so they might be able to guess.")
SESSION_FEEDBACK_WORDS = N_(
    "If you'd like to add a few words about how it was, type them now. "
    "Or tap Send to send it as it is."
)
SESSION_FEEDBACK_CHOOSE_FIRST = N_(
    "Before your words: should the coordinators see your name with it? Please tap one of "
    "these, then type your words again."
)
SESSION_FEEDBACK_SENT = N_(
    "Thank you. It's with the coordinators now. Your private reference is {reference}."
)
SESSION_FEEDBACK_SKIPPED = N_("That's fine. Thank you for coming.")
SESSION_FEEDBACK_NOT_YOURS = N_("Sorry, that question isn't open any more.")
SESSION_FEEDBACK_LEFT = N_(
    "You're not in that group any more, so I haven't passed this on. Nothing was sent."
)
SESSION_FEEDBACK_TOO_LONG = N_(
    "That's longer than I can keep ({limit} characters at most). Could you make it shorter? "
    "Nothing has been sent yet."
)
# Kept as plain text with the item (not shown as HTML).
SESSION_FEEDBACK_BODY = N_("How it was: {score} of 5")

MENU_SESSIONS = N_("Sessions coming up")
MENU_NEWSESSION = N_("Set up a session")
MENU_HOURS = N_("Export involvement hours")


# --- Data rights: /privacy, /mydata, /forgetme ------------------------------------------------

PRIVACY = N_(
    "<b>What Chorus keeps, and who sees it</b>\n\n"
    "What's kept: the name you choose, your groups and when you joined, your answers to "
    "group meetings, when you came, and what you share. Your words are kept locked "
    "(encrypted).\n\n"
    "Who sees what: a group's coordinators see your name and what you share with your name. "
    "What you share without your name reaches them with the date only: they never see who "
    "sent it. Observers never see who wrote anything. Telegram, and whoever runs this bot's "
    "computer, can see that you use it.\n\n"
    "How long: the words you share are deleted {words} after the group records what came "
    "of them. What Chorus sent to people is deleted after {sent}. Taking something back "
    "in /mine deletes its words at once. Everything else is kept until you ask for it to "
    "be deleted with /forgetme (the time you gave at meetings then stays only as numbers "
    "in the group's totals).\n\n"
    "If words you write suggest you might be at risk, the safeguarding leads are told, "
    "without your name unless you say yes.\n\n"
    "Your choices: /mydata sends you a file of everything Chorus holds about you. "
    "/forgetme deletes it all. /leave leaves a group."
)
DAYS_ONE = N_("1 day")
DAYS_MANY = N_("{count} days")
MYDATA_CAPTION = N_(
    "Here is everything Chorus holds about you: summary.txt to read, and data.json for "
    "a computer. Only you have been sent this file."
)
MYDATA_TOO_MANY = N_(
    "You've asked for your data a few times today already. You can ask again tomorrow."
)
MYDATA_NOT_KNOWN = N_("I don't hold anything about you, as you haven't joined a group.")
MYDATA_REFUSED = N_(
    "Sorry, Telegram wouldn't take the file with your data, so I couldn't send it. "
    "You can try /mydata again later, or ask a coordinator to help."
)
FORGET_NOT_KNOWN = N_("I don't hold anything about you, so there's nothing to delete.")
FORGET_ASK = N_(
    "This deletes everything Chorus holds about you: your name and settings, your groups, "
    "your answers to group meetings, and what you shared with your name ({named}).\n\n"
    "It can't be undone. You can join again any time with an invite link."
)
FORGET_ASK_ANONYMOUS = N_(
    "\n\nYou also shared {anonymous} without your name. You can delete them too, or leave "
    "them with the group with no way back to you: then no one can link them to you, and "
    "you won't hear what happens with them."
)
FORGET_ASK_END = N_("\n\nDo you want to go ahead?")
BUTTON_FORGET_ALL = N_("Yes, delete everything")
BUTTON_FORGET_KEEP_ANONYMOUS = N_("Yes, but leave what I shared without my name")
BUTTON_FORGET_NO = N_("No, keep everything")
FORGET_KEPT = N_("Okay, nothing was deleted.")
FORGET_STALE = N_(
    "That button is out of date, so nothing was deleted. If you'd like to, send /forgetme "
    "to start again."
)
FORGET_ERASING = N_("I'm already deleting what Chorus holds about you. It'll be done soon.")
FORGET_DONE = N_(
    "Done. I've deleted your name, your settings, your groups ({groups}), your answers, "
    "and {named} you shared with your name.{anonymous}\n\n"
    "{hours}You can join again any time with an invite link. Take care."
)
FORGET_DONE_ANONYMOUS_DELETED = N_(" I've deleted the {count} you shared without your name too.")
FORGET_DONE_ANONYMOUS_KEPT = N_(
    " The {count} you shared without your name stay with the group, with no way back to you."
)
FORGET_HOURS = N_(
    "The time you gave at group meetings is kept only as numbers in the group's totals, "
    "for its accounts, with nothing that says who.\n\n"
)
FORGET_GONE = N_(
    "There's nothing of yours left here. You can join again any time with an invite link."
)
ITEMS_ONE = N_("1 thing")
ITEMS_MANY = N_("{count} things")

# The plain summary in the /mydata file (plain text, not HTML).
DATA_SUMMARY = N_(
    "What Chorus holds about you\n"
    "Made on {made}\n\n"
    "The name others see: {name}\n"
    "Your Telegram number (id): {telegram_id}\n"
    "First here: {first}\n"
    "Messages paused: {paused}\n\n"
    "Your groups:\n{groups}\n\n"
    "Your answers to group meetings: {answers}\n"
    "Group meetings you came to: {came} ({hours})\n"
    "Payments: Chorus holds no payment records.\n\n"
    "What you shared ({items}):\n{item_lines}\n\n"
    "Updates about what you shared: {updates}\n"
    "Messages to you, waiting or sent: {messages}\n"
    "Safeguarding alerts your words raised: {alerts}\n\n"
    "Everything above, in full, is in data.json.\n\n"
)
DATA_GROUP_LINE = N_("- {group}: joined {joined}, agreeing to the terms shown then ({wording})")
DATA_ITEM_LINE = N_("- {reference}, {day}, {group}, {named}: {words}")
DATA_WORDING_UNKNOWN = N_("from before their version was kept")
DATA_NAMED = N_("with your name")
DATA_ANONYMOUS = N_("without your name")
DATA_NO_WORDS = N_("(no words kept)")
DATA_NONE = N_("none")
DATA_NOT_INCLUDED = N_(
    "What is not in this file, and why:\n"
    "- Your Telegram account (phone number, profile, your chats) is held by Telegram, not "
    "by Chorus. Telegram can tell you what it holds.\n"
    "- What you shared without your name is here because only you can find it, through "
    "your own account. Coordinators never see it linked to you.\n"
    "- Notes coordinators and leads keep for themselves, and messages written to other "
    "people, are not about you alone, so they are not here.\n"
    "- What was deleted (taken back, or kept past the time set for keeping it) is gone for "
    "good, so it can't be here.\n"
)
