"""Messages for closing the loop: updates to contributors, how members hear, the daily
notice, "you said, we did", the inbox and actions."""

from bot.presentation.texts.core import N_, N_P

# --- Closing the loop: updates to contributors --------------------------------------------

ABOUT_WORDS = N_("On {date} you said: “{words}”")
ABOUT_VOICE = N_("On {date} you sent a voice note.")
ABOUT_PHOTO = N_("On {date} you sent a photo.")
ABOUT_ITEM = N_("On {date} you shared something.")
# No longer used: kept so that updates queued before each recalled item became a sentence of
# its own, and before the recalled words and what happened became lines of their own, still
# render when they are sent.
ABOUT_JOIN = N_(", and ")
UPDATE_BLOCK = N_("{about}\n{line}")
UPDATE_ONE = N_("{block}\n\n/mine shows everything that happened with your words.")
UPDATE_DIGEST = N_(
    "<b>What happened with your words</b>\n\n{blocks}\n\n"
    "/mine shows everything that happened with your words."
)
LINE_ACKNOWLEDGED = N_(
    "A coordinator has read it. Thank you for sharing it. I'll tell you what happens next."
)
LINE_CONSIDERING = N_("Now the coordinators will work out what they can do about it.")
LINE_MEETING = N_("It will be talked about at {meeting} on {date}.")
LINE_CHANGED = N_("{text} Thank you, this changed because of you.")
LINE_WILL_CHANGE = N_("{text} This should be done by {date}. Thank you, this is because of you.")
LINE_CANNOT_CHANGE = N_(
    "This can't change for now. {text} Thank you for saying it. It was heard, and it matters."
)
LINE_REPLY = N_("A coordinator wrote back: “{text}”")
LINE_LINKED = N_("It's now part of a piece of work: “{title}”. I'll tell you how it goes.")
LINE_ACTION_UPDATE = N_("There is news on “{title}”: {text}")
# Kept so that messages queued with it still render; new ones say each status whole.
LINE_ACTION_STATUS = N_("“{title}” is now {status}.")
LINE_ACTION_PLANNED = N_("“{title}” is now planned.")
LINE_ACTION_IN_PROGRESS = N_("“{title}” is now under way.")
LINE_ACTION_DONE = N_("“{title}” is now done.")
LINE_ACTION_NOT_POSSIBLE = N_("“{title}” is not possible now, sadly.")
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
    "Once a day or once a week, I put all the news in one message. /cancel to keep it as it is."
)
BUTTON_RHYTHM_NOW = N_("As it happens")
BUTTON_RHYTHM_DAILY = N_("Once a day")
BUTTON_RHYTHM_WEEKLY = N_("Once a week")
RHYTHM_ASK_DAY = N_("Which day of the week?")
RHYTHM_ASK_TIME = N_("At what time?")
RHYTHM_SAVED_NOW = N_(
    "Done. I'll tell you news about your words as it happens. Quiet hours still apply."
)
RHYTHM_SAVED_DAILY = N_(
    "Done. I'll tell you news about your words once a day, at {time}. Quiet hours still apply."
)
RHYTHM_SAVED_WEEKLY = N_(
    "Done. I'll tell you news about your words once a week, on {day} at {time}. "
    "Quiet hours still apply."
)
WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)
LINE_MEETING_PAST = N_("It was talked about at {meeting} on {date}.")

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
NUDGE_REMOVED_REASON = N_("Why {name} was removed (for coordinators only): {reason}")
NUDGE_ONE_UNNAMED = N_("someone with no name set")
NUDGE_SOME_UNNAMED = N_P("{count} person with no name set", "{count} people with no name set")
# The three texts below are kept so that notices queued with them still render; new
# notices count the days with the plural texts after them.
NUDGE_UNACKNOWLEDGED = N_("Not yet acknowledged after {days} days:")
NUDGE_NO_OUTCOME = N_("No outcome yet after {days} days:")
NUDGE_ITEM = N_("• {kind} from {date} (waiting {days} days)")
NUDGE_UNACKNOWLEDGED_DAYS = N_P(
    "Not yet acknowledged after {count} day:", "Not yet acknowledged after {count} days:"
)
NUDGE_NO_OUTCOME_DAYS = N_P(
    "No outcome yet after {count} day:", "No outcome yet after {count} days:"
)
NUDGE_ITEM_DAYS = N_P(
    "• {kind} from {date} (waiting {count} day)", "• {kind} from {date} (waiting {count} days)"
)
NUDGE_MORE = N_P("…and {count} more", "…and {count} more")

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
BOARD_MORE = N_P(
    "And {count} more change we can't quote.", "And {count} more changes we can't quote."
)
BOARD_MORE_ONE = N_("And 1 more change we can't quote.")
BOARD_ONLY_UNQUOTED = N_P(
    "{count} change came from what a member said. We can't quote their words here.",
    "{count} changes came from what members said. We can't quote their words here.",
)
BOARD_ONLY_UNQUOTED_ONE = N_(
    "1 change came from what a member said. We can't quote their words here."
)
BOARD_WORK = N_("<b>Work under way</b>")
BOARD_ACTION = N_("• {title}: {news}")
# Kept so that boards queued with it still render; new ones say each status whole.
BOARD_ACTION_STATUS = N_("now {status}")
BOARD_NOW_PLANNED = N_("now planned")
BOARD_NOW_IN_PROGRESS = N_("now under way")
BOARD_NOW_DONE = N_("now done")
BOARD_NOW_NOT_POSSIBLE = N_("sadly, it can't be done now")
BOARD_ACTION_TEXT = N_("{text}")
BUTTON_BOARD_SEND = N_("Send this to the group")
BOARD_SEND_NOTE = N_("You can send this list to everyone in the group.")
BOARD_CONFIRM = N_("Send this list to everyone in {group} who gets messages?")
BUTTON_BOARD_YES = N_("Yes, send it")
BOARD_SENT = N_P("Sending it to {count} person.", "Sending it to {count} people.")
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
HISTORY_ACKNOWLEDGED = N_("a coordinator has had a look at it.")
HISTORY_CONSIDERING = N_("the coordinators set out to see what they could do.")
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
CARD = N_P(
    "<b>{kind}</b>, {who}, {date} (waiting {count} day)\n"
    "How it may be used: {consent}\n"
    "Where it is: {status}\n\n"
    "{words}",
    "<b>{kind}</b>, {who}, {date} (waiting {count} days)\n"
    "How it may be used: {consent}\n"
    "Where it is: {status}\n\n"
    "{words}",
)
CARD_ANONYMOUS = N_("without a name")
CARD_NOT_SHOWN = N_("who gave it is not shown to observers")
CARD_NAMED = N_("from {name}")
CARD_WORDS = N_("“{words}”")
CARD_VOICE = N_("(a voice note: tap the button to hear it)")
CARD_PHOTO = N_("(a photo: tap the button to see it)")
INBOX_CONSENT_COORDINATORS = N_("only for the coordinators to see")
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
# A count on a button: the same in English, but other languages may change the word with it.
BUTTON_FILTER_NEW = N_P("New ({count})", "New ({count})")
BUTTON_FILTER_WAITING = N_P("Waiting ({count})", "Waiting ({count})")
BUTTON_FILTER_OVERDUE = N_P("Too long ({count})", "Too long ({count})")
BUTTON_FILTER_ALL = N_P("All open ({count})", "All open ({count})")
BUTTON_NUDGE_DAYS = N_("When to remind me")
INBOX_NOT_ALLOWED = N_("Sorry, you can only open the inbox of groups you coordinate.")
INBOX_GONE = N_("Sorry, that item isn't in the inbox any more. It may have been withdrawn.")
INBOX_ALREADY = N_("That was already done.")
INBOX_EMPTY_TEXT = N_("That's empty. Please type a few words, or /cancel to stop.")
INBOX_TOO_LONG = N_P(
    "That's longer than I can send ({limit} character at most). Could you shorten it?",
    "That's longer than I can send ({limit} characters at most). Could you shorten it?",
    counted="limit",
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
OUTCOME_ASK_CHANGED = N_P(
    "What changed? Type it as you'd tell them, for example: the forms have been cut "
    "to one page. (Up to {limit} character. /cancel to stop.)",
    "What changed? Type it as you'd tell them, for example: the forms have been cut "
    "to one page. (Up to {limit} characters. /cancel to stop.)",
    counted="limit",
)
OUTCOME_ASK_WILL_CHANGE = N_P(
    "What will change? Type it as you'd tell them. I'll ask by when next. (Up to "
    "{limit} character. /cancel to stop.)",
    "What will change? Type it as you'd tell them. I'll ask by when next. (Up to "
    "{limit} characters. /cancel to stop.)",
    counted="limit",
)
OUTCOME_ASK_CANNOT_CHANGE = N_P(
    "Why can't it change? An honest reason helps people trust the group. (Up to "
    "{limit} character. /cancel to stop.)",
    "Why can't it change? An honest reason helps people trust the group. (Up to "
    "{limit} characters. /cancel to stop.)",
    counted="limit",
)
OUTCOME_ASK_DUE = N_("By when? For example: 30 April, or 30/4. /cancel to stop.")
REPLY_ASK = N_P(
    "Type your reply. It goes to the person who shared this (you won't see who they "
    "are if they gave no name). Up to {limit} character. /cancel to stop.",
    "Type your reply. It goes to the person who shared this (you won't see who they "
    "are if they gave no name). Up to {limit} characters. /cancel to stop.",
    counted="limit",
)
PREVIEW_NOTE = N_("Above is exactly what they will read. Send it?")
BUTTON_SEND_IT = N_("Send it")
DAYS_ASK = N_P(
    "I remind coordinators each morning about items with no outcome after {count} day. "
    "How many days should it be?",
    "I remind coordinators each morning about items with no outcome after {count} days. "
    "How many days should it be?",
)
BUTTON_DAYS = N_P("{count} day", "{count} days")
DAYS_SAVED = N_P(
    "Done. I'll remind you after {count} day without an outcome.",
    "Done. I'll remind you after {count} days without an outcome.",
)

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
ACTION_ASK_UPDATE = N_P(
    "What's the news on “{title}”? Everyone whose words are linked to it will hear "
    "it, once each. (Up to {limit} character. /cancel to stop.)",
    "What's the news on “{title}”? Everyone whose words are linked to it will hear "
    "it, once each. (Up to {limit} characters. /cancel to stop.)",
    counted="limit",
)
ACTION_PREVIEW_NOTE = N_(
    "Above is how it will read for one of them (each person sees only their own words). Send it?"
)
ACTION_POSTED = N_P("Posted. {count} person will hear it.", "Posted. {count} people will hear it.")
ACTION_STATUS_SET = N_P(
    "Done: it's marked “{status}” now. {count} person will hear it.",
    "Done: it's marked “{status}” now. {count} people will hear it.",
)

MENU_UPDATES = N_("What was done with what members said")
MENU_INBOX = N_("What members shared, one at a time")
MENU_ACTION = N_("Pieces of work, and news on them")

# --- An outcome's words kept when going back ---------------------------------------------------

INBOX_WORDS_KEPT = N_("Your words from before are kept. Tap “Keep my words”, or type new ones.")
