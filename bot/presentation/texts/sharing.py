"""Messages for input at arm's length (J3): sharing, /mine, prompts, observers."""

from bot.presentation.texts.core import N_, N_P

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
SHARE_ASK_CONTENT = N_P(
    "{intro}Type your words, or send a voice note or a photo (up to {limit} "
    "character).\n\nYou can go back, or /cancel to stop.",
    "{intro}Type your words, or send a voice note or a photo (up to {limit} "
    "characters).\n\nYou can go back, or /cancel to stop.",
    counted="limit",
)
SHARE_KEEP_NOTE = N_("\n\nWhat you wrote before is kept: type again to replace it, or keep it.")
BUTTON_KEEP = N_("Keep what I wrote")
SHARE_ASK_CAPTION_VOICE = N_(
    "Thank you, I have your voice note. Would you like to add a few words to go with it? "
    "Type them, or skip."
)
SHARE_ASK_CAPTION_PHOTO = N_(
    "Thank you, I have your photo. Would you like to add a few words to go with it? "
    "Type them, or skip."
)
BUTTON_SKIP = N_("Skip")
SHARE_ASK_NAME = N_(
    "Do you want to send this with your name, or without it? "
    "Without your name, coordinators won't see who sent it.{small}"
)
SHARE_SMALL_GROUP = N_P(
    "\n\n<b>Please note:</b> {group} has only {count} member. "
    "Even without your name, people may guess it's you.",
    "\n\n<b>Please note:</b> {group} has only {count} members. "
    "Even without your name, people may guess it's you.",
)
BUTTON_WITH_NAME = N_("With my name")
BUTTON_WITHOUT_NAME = N_("Without my name")
SHARE_ASK_CONSENT = N_(
    "How may we use your words?\n"
    "A quote goes in “you said, we did”, which everyone in {group} can read."
)
BUTTON_CONSENT_COORDINATORS = N_("Only coordinators read it")
BUTTON_CONSENT_QUOTE_ANONYMOUS = N_("Quote it without my name")
BUTTON_CONSENT_QUOTE_NAMED = N_("Quote it with my name")
CONSENT_COORDINATORS = N_("it is just for the coordinators to see")
CONSENT_QUOTE_ANONYMOUS = N_("it may be quoted, without your name")
CONSENT_QUOTE_NAMED = N_("it may be quoted, with your name")
SHARE_PREVIEW = N_("<b>Here's what you'll send</b> to {group} ({kind}):\n\n{content}")
PREVIEW_VOICE = N_("[your voice note]")
PREVIEW_PHOTO = N_("[your photo]")
PREVIEW_WORDS = N_("“{words}”")
WHO_NAMED = N_("Who will see it: the coordinators of {group}, with your name ({name}).")
WHO_ANONYMOUS = N_(
    "Who will see it: the coordinators of {group}. They won't see who you are. It reaches "
    "them later, with others' words and the date only. Telegram, and the people who run "
    "Chorus, can see who uses it."
)
WHO_OBSERVERS = N_P(
    " {count} other person may read the group's words too, but never your name.",
    " {count} other people may read the group's words too, but never your name.",
)
PREVIEW_CONSENT_COORDINATORS = N_("How it may be used: it is just for the coordinators to see.")
PREVIEW_CONSENT_QUOTE_ANONYMOUS = N_("How it may be used: it may be quoted, without your name.")
PREVIEW_CONSENT_QUOTE_NAMED = N_("How it may be used: it may be quoted, with your name.")
NO_NAME_SET = N_("no name set, so “member”")
BUTTON_SEND = N_("Send")
BUTTON_CHANGE_WORDS = N_("Change what I wrote")
BUTTON_DONT_SEND = N_("Don't send")
SHARE_RECEIPT_NAMED = N_(
    "Thank you. Your words are with the coordinators of {group} now. "
    "I'll tell you what happens next.\n\n"
    "Your private reference: <b>{reference}</b>\n"
    "/mine shows it. You can take anything back there."
)
SHARE_RECEIPT_ANONYMOUS = N_(
    "Thank you. Your words will reach the coordinators of {group} {when}, without your name. "
    "I'll tell you what happens next.\n\n"
    "Your private reference: <b>{reference}</b> (only you have it)\n"
    "/mine shows it. You can take anything back there."
)
SHARE_EMPTY = N_(
    "I couldn't find any words in that. Please type what you'd like to say, or send a voice "
    "note or a photo. /cancel to stop."
)
SHARE_TOO_LONG = N_P(
    "That's longer than I can take in one go ({limit} character at most). Could you "
    "make it shorter, or send the rest later as a new message? Your words are still "
    "in our chat above, so nothing is lost.",
    "That's longer than I can take in one go ({limit} characters at most). Could you "
    "make it shorter, or send the rest later as a new message? Your words are still "
    "in our chat above, so nothing is lost.",
    counted="limit",
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
STATUS_RECEIVED = N_("received")
STATUS_ACKNOWLEDGED = N_("the coordinators have had a look at it")
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
    "Done. It's been taken back and its words deleted. The coordinators had started to use "
    "it, so I've told them to stop."
)
WITHDRAWN_VOICE_KEPT = N_(
    "If the coordinators got your voice note over two days ago, Telegram won't let me "
    "take it out of their chat. So I've marked it "
    '"Taken back" there, but it can still be played.'
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
PROMPT_ASK_TEXT = N_P(
    "Type the question or scenario for <b>{group}</b>, for example: “What could have "
    "helped Sam here?” Up to {limit} character. /cancel to stop.",
    "Type the question or scenario for <b>{group}</b>, for example: “What could have "
    "helped Sam here?” Up to {limit} characters. /cancel to stop.",
    counted="limit",
)
PROMPT_EMPTY = N_("Your question is empty. Please type the words you'd like to ask.")
PROMPT_TOO_LONG = N_P(
    "That's longer than a question can be ({limit} character at most). Could you make it shorter?",
    "That's longer than a question can be ({limit} characters at most). Could you "
    "make it shorter?",
    counted="limit",
)
PROMPT_ASK_END = N_("Until when should people be able to answer?")
BUTTON_END_NONE = N_("No end date")
BUTTON_END_WEEKS = N_P(
    "For {weeks} week",
    "For {weeks} weeks",
    counted="weeks",
)
BUTTON_END_WEEK = N_("For 1 week")
PROMPT_PREVIEW = N_("Above is how it will look. It will go to the members of {group}.")
BUTTON_POST = N_("Post it")
PROMPT_POSTED = N_P(
    "Posted. It's on its way to {count} member of {group}.",
    "Posted. It's on its way to {count} members of {group}.",
)
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
READ_HIDDEN = N_("name not shown to readers")
READ_VOICE = N_("[a voice note]")
READ_PHOTO = N_("[a photo]")
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
