"""Every message people read, in one place, ready for gettext catalogues.

Messages are marked with `N_` and rendered with `say`, which translates them and escapes
every value for Telegram's HTML, so nothing a person typed can break a message.
"""

from __future__ import annotations

import gettext
import html
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).with_name("locale")
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
    "If you don't have one, you can ask them for it."
)
START_KNOWN = N_("Welcome back. /help shows what you can do here.")
WELCOME = N_(
    "Hello, and welcome. You've been invited to join <b>{group}</b>.\n\n"
    "Here you can say if you're coming to group meetings, share your views "
    "(with your name or without it), and hear what happened because of them.\n\n"
    "Who sees what: the group's coordinators see the name you choose and anything you send "
    "with your name. If you send something without your name, they won't see who sent it.\n\n"
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
BUTTON_USE_NAME = N_("Use “{name}”")
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

# --- Help and cancel -------------------------------------------------------------------------

HELP_MEMBER = N_(
    "Here's what you can do:\n"
    "/settings – your name, and pausing messages\n"
    "/leave – leave a group\n"
    "/cancel – stop what you're doing\n"
    "/help – this list"
)
HELP_COORDINATOR = N_(
    "\n\nFor coordinators:\n"
    "/newgroup – make a new group\n"
    "/invite – get a group's invite link\n"
    "/members – see who is in a group\n"
    "/broadcast – send a message to your groups"
)
HELP_ADMIN = N_("\n\nFor admins:\n/coordinators – add or remove coordinators")
CANCELLED = N_("Okay, stopped. Nothing was changed.")
NOTHING_TO_CANCEL = N_("There's nothing to stop right now. /help shows what you can do.")
UNKNOWN_COMMAND = N_("Sorry, I don't know that command. /help shows what you can do.")
NOT_UNDERSTOOD = N_(
    "Thank you for your message. I can't pass on messages written here yet, "
    "so no one else has seen it. /help shows what you can do."
)

# --- Coordinators ---------------------------------------------------------------------------

ONLY_COORDINATORS = N_("That's something only a group's coordinator can do.")
ONLY_ADMINS = N_("That's something only an admin of this bot can do.")
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
ALREADY_COORDINATOR = N_("You're already a coordinator. /help shows what you can do.")
COORDINATOR_LINK_USED = N_(
    "Sorry, that link has already been used. Please ask the admin for a new one."
)
COORDINATOR_LINK_EXPIRED = N_("Sorry, that link has run out. Please ask the admin for a new one.")

# --- Buttons and errors ----------------------------------------------------------------------

STALE_BUTTON = N_("Sorry, that button doesn't work any more. /help shows what you can do.")
SOMETHING_WENT_WRONG = N_("Sorry, something went wrong on my side. Please try again in a moment.")
COULD_NOT_SAVE = N_("Sorry, I couldn't save that just now. Please try again in a few minutes.")

# --- Broadcasts ---------------------------------------------------------------------------

BROADCAST_TO_MEMBERS = N_("<b>Message for {groups}</b>\n\n{text}")
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
    "When should it go? For example: tomorrow 10:30, or Tue 3 March 2pm. /cancel to stop."
)
BROADCAST_CONFIRM_LATER = N_("Send it to {count} people {when}?")
BUTTON_YES_SEND = N_("Yes, send it")
BUTTON_YES_SCHEDULE = N_("Yes, schedule it")
BUTTON_BACK = N_("‹ Back")
BROADCAST_SENDING = N_("Sending your message to {count} people…")
BROADCAST_SCHEDULED = N_(
    "Scheduled: it will go {when}. /broadcast shows it, and you can stop it there."
)
BROADCAST_DISCARDED = N_("Okay, nothing was sent.")
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
MENU_CANCEL = N_("Stop what you're doing")
MENU_NEWGROUP = N_("Make a new group")
MENU_INVITE = N_("Get a group's invite link")
MENU_MEMBERS = N_("See who is in a group")
MENU_BROADCAST = N_("Send a message to your groups")
MENU_COORDINATORS = N_("Add or remove coordinators")

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
SESSIONS_NONE = N_("There are no sessions coming up in your groups right now.")
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
BUTTON_SKIP = N_("Skip")
BUTTON_NO_LIMIT = N_("No limit")
BUTTON_USUAL_REMINDERS = N_("Usual times")
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
    "Saved: <b>{title}</b>, {when}. Invitations are on their way to {count} people. "
    "/sessions shows who's coming."
)
SESSION_CHANGED = N_("Saved. {count} people who answered will be told what changed.")
SESSION_UNCHANGED = N_("Nothing changed, so nobody was told.")
SESSION_TOO_LATE = N_("That session has started or finished, so it can't be changed now.")
SESSION_DISCARDED = N_("Okay, nothing was saved.")

SESSION_OVERVIEW = N_(
    "<b>{title}</b> ({group})\n{when}\n\n"
    "Going: {going}{places}\nMaybe: {maybe}\nCan't go: {no}\nWaiting list: {waiting}"
)
SESSION_OVERVIEW_CANCELLED = N_("\n\nThis session is cancelled.")
SESSION_OVERVIEW_PLACES = N_(" of {capacity} places")
SESSION_NAMES = N_("\n  {names}")
SESSION_NO_NAME = N_("member (no name given)")
SESSION_NAMES_MORE = N_(" and {count} more")
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
    "Cancel <b>{title}</b>, {when}? Everyone who answered ({count}) will be told."
)
BUTTON_YES_CANCEL = N_("Yes, cancel it")
BUTTON_KEEP = N_("No, keep it")
SESSION_CANCELLED = N_("Cancelled. {count} people who answered will be told.")
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
BUTTON_SCALE_1 = N_("😞")
BUTTON_SCALE_2 = N_("🙁")
BUTTON_SCALE_3 = N_("😐")
BUTTON_SCALE_4 = N_("🙂")
BUTTON_SCALE_5 = N_("😀")
BUTTON_NO_THANKS = N_("No thanks")
SESSION_FEEDBACK_MORE = N_(
    "Thank you. If you'd like to add a few words, type them now.\n\n"
    "Then choose how to send it. Without your name, coordinators won't see who sent it.{few}"
)
SESSION_FEEDBACK_FEW = N_(" Only a few people came, though, so they might be able to guess.")
SESSION_FEEDBACK_GOT_WORDS = N_(
    "Got your words. How would you like to send it? "
    "Without your name, coordinators won't see who sent it."
)
BUTTON_SEND_WITHOUT_NAME = N_("Send without my name")
BUTTON_SEND_WITH_NAME = N_("Send with my name")
BUTTON_DONT_SEND = N_("Don't send")
SESSION_FEEDBACK_SENT = N_(
    "Thank you. It's with the coordinators now. Your private reference is {reference}."
)
SESSION_FEEDBACK_SKIPPED = N_("That's fine. Thank you for coming.")
SESSION_FEEDBACK_NOT_YOURS = N_("Sorry, that question isn't open any more.")
SESSION_FEEDBACK_TOO_LONG = N_(
    "That's longer than I can keep ({limit} characters at most). Could you make it shorter?"
)
SESSION_FEEDBACK_BODY = N_("How it was: {score} of 5\n{comment}")

MENU_SESSIONS = N_("Sessions coming up")
MENU_NEWSESSION = N_("Set up a session")
MENU_HOURS = N_("Export involvement hours")
HELP_MEMBER_SESSIONS = N_("\n/sessions – sessions coming up, and your answers")
HELP_COORDINATOR_SESSIONS = N_(
    "\n/newsession – set up a session and invite a group\n"
    "/sessions – who's coming, changes, and marking who came\n"
    "/hours – export involvement hours as a spreadsheet"
)
