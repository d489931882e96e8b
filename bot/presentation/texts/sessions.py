"""Messages for group sessions (J2)."""

from bot.presentation.texts.core import N_, N_P

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
SESSION_LINE_ACCESS = N_("Getting in and around: {notes}")
SESSION_LINE_CONTENT = N_("Before you come, please know: {note}")
SESSION_LINE_CANCELLED = N_("\nThis meeting is cancelled.")
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
SESSION_STARTED = N_("That meeting has started, so you can't answer now.")
SESSION_IS_CANCELLED = N_(
    "That meeting was cancelled, so there's nothing to answer. /sessions shows what's coming."
)
SESSION_GONE = N_("Sorry, I can't find that meeting any more. /sessions shows what's coming.")
SESSION_NOT_YOURS = N_("That meeting is for another group, so I can't take an answer for it.")
SESSION_LEFT_GROUP = N_(
    "You left {group}, so I can't take an answer for <b>{title}</b>. "
    "If you'd like to come, you can join again with the group's invite link."
)
SESSIONS_NONE = N_("There are no meetings coming up in your groups right now.")
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
SESSION_BAD_TITLE = N_P(
    "Sorry, I couldn't use that as a name. Please type up to {limit} letter, or /cancel to stop.",
    "Sorry, I couldn't use that as a name. Please type up to {limit} letters, or /cancel to stop.",
    counted="limit",
)
SESSION_BAD_TEXT = N_P(
    "Sorry, that's longer than I can keep ({limit} character at most). Could you "
    "make it shorter? Or /cancel to stop.",
    "Sorry, that's longer than I can keep ({limit} characters at most). Could you "
    "make it shorter? Or /cancel to stop.",
    counted="limit",
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
SESSION_CREATED = N_P(
    "Saved: <b>{title}</b>, {when}. An invitation is on its way to {count} person. "
    "/sessions shows who's coming.",
    "Saved: <b>{title}</b>, {when}. Invitations are on their way to {count} people. "
    "/sessions shows who's coming.",
)
SESSION_CHANGED = N_P(
    "Saved. I'll tell the {count} person who was invited what changed.",
    "Saved. I'll tell the {count} people who were invited what changed.",
)
SESSION_CHANGED_NOBODY = N_("Saved. Nobody has been invited yet, so there's nobody to tell.")
SESSION_NOTHING_TO_SAVE = N_("That's done already: there's nothing more to save here.")
ONE_PERSON = N_("1 person")
SOME_PEOPLE = N_P("{count} person", "{count} people")
SESSION_UNCHANGED = N_("Nothing changed, so nobody was told.")
SESSION_TOO_LATE = N_("That session has started or finished, so it can't be changed now.")
SESSION_DISCARDED = N_("Okay, nothing was saved.")

SESSION_OVERVIEW = N_("<b>{title}</b> ({group})\n{when}\n\n{answers}")
SESSION_OVERVIEW_CANCELLED = N_("\n\nThis session is cancelled.")
SESSION_OVERVIEW_NOBODY = N_("Nobody has said they're going yet.")
SESSION_OVERVIEW_NOBODY_PLACES = N_P(
    "Nobody has said they're going yet ({capacity} place).",
    "Nobody has said they're going yet ({capacity} places).",
    counted="capacity",
)
SESSION_OVERVIEW_GOING = N_P("{count} going: {names}", "{count} going: {names}")
SESSION_OVERVIEW_FULL = N_P("{count} going (full): {names}", "{count} going (full): {names}")
SESSION_OVERVIEW_TAKEN = N_P(
    "{count} of {capacity} places taken: {names}", "{count} of {capacity} places taken: {names}"
)
SESSION_OVERVIEW_MAYBE = N_P("{count} maybe: {names}", "{count} maybe: {names}")
SESSION_OVERVIEW_NO = N_P("{count} can't go: {names}", "{count} can't go: {names}")
SESSION_OVERVIEW_WAITING = N_P(
    "{count} on the waiting list: {names}", "{count} on the waiting list: {names}"
)
SESSION_NAMES_LIST = N_("{names}")
SESSION_NAMES_AND_MORE = N_P("{names} and {count} more", "{names} and {count} more")
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
SESSION_CANCELLED = N_P(
    "Cancelled. I'll tell the {count} person who was invited.",
    "Cancelled. I'll tell the {count} people who were invited.",
)
SESSION_CANCELLED_NOBODY = N_("Cancelled. Nobody had been invited, so there's nobody to tell.")
SESSION_CANCEL_ALREADY = N_("That session has already started, finished or been cancelled.")
SESSION_KEPT = N_("Okay, the session stays as it is.")

SESSION_MARK_ASK = N_(
    "<b>{title}</b> ({when}) has finished. Would you like to mark who came? "
    "It's one tap each, and it counts their involvement hours."
)
SESSION_ATTENDANCE = N_(
    "<b>Who came to {title}?</b>\nTap a name to mark them as came (✅) or did not come (✖).\n"
    "Each person who came gets {hours}. Total so far: {total}."
)
SESSION_ATTENDANCE_EMPTY = N_(
    "<b>Who came to {title}?</b>\nNobody said going or maybe. "
    "If someone came, tap Add someone who came."
)
SESSION_ATTENDANCE_NOT_YET = N_("You can mark who came once the session has started.")
BUTTON_ADD_ATTENDEE = N_("Add someone who came")
BUTTON_CHANGE_HOURS = N_("Change the hours")
BUTTON_DONE = N_("Done")
SESSION_ATTENDANCE_DONE = N_P(
    "Thank you. {count} person came: {total} recorded.",
    "Thank you. {count} people came: {total} recorded.",
)
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
HOURS_EXPORT = N_P(
    "Involvement hours for {group}, {start} to {end}: {count} person, {hours} in all. "
    "The file has names, so please keep it safe.",
    "Involvement hours for {group}, {start} to {end}: {count} people, {hours} in all. "
    "The file has names, so please keep it safe.",
)
SETTINGS_HOURS = N_("\nTime you gave at meetings: {hours}")
# A length of time, in whole words ("2 hours", "1 hour and 30 minutes"): never a decimal, whose
# plural no catalogue could choose.
DURATION_HOURS = N_P("{count} hour", "{count} hours")
DURATION_MINUTES = N_P("{count} minute", "{count} minutes")
DURATION_HOURS_MINUTES = N_("{hours} and {minutes}")

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
SESSION_FEEDBACK_NOT_YOURS = N_("Sorry, you can't answer that one now.")
SESSION_FEEDBACK_LEFT = N_(
    "You're not in that group any more, so I haven't passed this on. Nothing was sent."
)
SESSION_FEEDBACK_TOO_LONG = N_P(
    "That's longer than I can keep ({limit} character at most). Could you make it "
    "shorter? Nothing has been sent yet.",
    "That's longer than I can keep ({limit} characters at most). Could you make it "
    "shorter? Nothing has been sent yet.",
    counted="limit",
)
# Kept as plain text with the item (not shown as HTML).
SESSION_FEEDBACK_BODY = N_("How it was: {score} of 5")

MENU_SESSIONS = N_("Meetings coming up")
MENU_NEWSESSION = N_("Set up a session")
MENU_HOURS = N_("Export involvement hours")

# How a member lets their answer after a session be used.
SESSION_FEEDBACK_USE = N_(
    "How may we use it? A quote goes in “you said, we did”, which everyone in the group "
    "can read. If you'd rather not choose, only the coordinators read it."
)
SESSION_FEEDBACK_USE_FIRST = N_(
    "I've kept your words. Before I send them: how may we use them? Please tap one of these."
)

# The group's payment policy, on an invitation and a member's answer.
SESSION_PAY_HOUR = N_(
    "Payment: {rate} an hour for your time. How you're paid, or not, is your choice "
    "(/myinvolvement)."
)
SESSION_PAY_SESSION = N_(
    "Payment: {rate} for coming. How you're paid, or not, is your choice (/myinvolvement)."
)
SESSION_PAY_NONE = N_("This group doesn't pay for time.")
SESSION_PAY_EXPENSES = N_("It pays back what you spend on: {expenses}.")

# --- Changing one detail: the answer kept when going back --------------------------------------

BUTTON_KEEP_ANSWER = N_("Keep this answer")
