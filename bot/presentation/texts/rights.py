"""Messages for data rights: /privacy, /mydata, /forgetme."""

from bot.presentation.texts.core import N_, N_P

# --- Data rights: /privacy, /mydata, /forgetme ------------------------------------------------

PRIVACY = N_(
    "<b>What Chorus keeps, and who sees it</b>\n\n"
    "What's kept: the name you choose, your groups and when you joined, your answers to "
    "group meetings, when you came, and what you share. Your words are kept locked "
    "(encrypted).\n\n"
    "Who sees what: a group's coordinators see your name and what you share with your name. "
    "What you share without your name reaches them with the date only: they never see who "
    "sent it. Some people may be allowed to read a group's words, but never who wrote them. "
    "Telegram, and the people who run Chorus, can see that you use it."
)
# How long, each count in a sentence of its own, so each takes its language's plural forms.
PRIVACY_WORDS_KEPT = N_P(
    "How long: the words you share are deleted {count} day after the group records what came "
    "of them.",
    "How long: the words you share are deleted {count} days after the group records what "
    "came of them.",
)
PRIVACY_SENT_KEPT = N_P(
    "Chorus deletes what it sent to people after {count} day.",
    "Chorus deletes what it sent to people after {count} days.",
)
PRIVACY_REST = N_(
    "Taking something back "
    "in /mine deletes its words at once. Everything else is kept until you ask for it to "
    "be deleted with /forgetme (the time you gave at meetings then stays only as numbers "
    "in the group's totals).\n\n"
    "If your words make me worry you might be at risk, the people on our team who keep "
    "people safe are told. They don't get your name unless you say yes.\n\n"
    "Your choices: /mydata sends you a file of everything Chorus holds about you. "
    "/forgetme deletes it all. /leave leaves a group."
)
MYDATA_CAPTION = N_(
    "Here is everything Chorus holds about you: summary.txt to read, and data.json for "
    "a computer. Only you have been sent this file."
)
MYDATA_TOO_MANY = N_(
    "You've asked for your data a few times today already. You can ask again tomorrow."
)
MYDATA_NOT_KNOWN = N_("I don't hold anything about you, as you haven't joined a group.")
MYDATA_REFUSED = N_(
    "Sorry, I couldn't send the file: Telegram wouldn't take it. "
    "Try /mydata again later. Or ask one of the people who run your group."
)
FORGET_NOT_KNOWN = N_("I don't hold anything about you, so there's nothing to delete.")
FORGET_ASK = N_(
    "This deletes everything Chorus holds about you: your name and settings, your groups, "
    "your answers to group meetings, and what you shared with your name ({named}).\n\n"
    "It can't be undone. You can join again any time with an invite link."
)
FORGET_ASK_ANONYMOUS = N_P(
    "\n\nYou also shared {count} thing without your name. You can delete it too, or leave "
    "it with the group: then no one can link it to you, and "
    "you won't hear what happens with it.",
    "\n\nYou also shared {count} things without your name. You can delete them too, or leave "
    "them with the group: then no one can link them to you, and "
    "you won't hear what happens with them.",
)
FORGET_ASK_END = N_("\n\nDo you want to go ahead?")
BUTTON_FORGET_ALL = N_("Yes, delete everything")
BUTTON_FORGET_KEEP_ANONYMOUS = N_("Yes, but leave what I shared without my name")
BUTTON_FORGET_NO = N_("No, keep everything")
FORGET_KEPT = N_("Okay, nothing is gone. It's all still here.")
FORGET_STALE = N_(
    "That button is out of date, so nothing was deleted. If you'd like to, send /forgetme "
    "to start again."
)
FORGET_ERASING = N_("I'm already deleting what Chorus holds about you. It'll be done soon.")
FORGET_DONE_NAMED = N_P(
    "Done. I've deleted your name, your settings, your groups ({groups}) and your answers. "
    "I've also deleted the {count} thing you shared with your name.",
    "Done. I've deleted your name, your settings, your groups ({groups}) and your answers. "
    "I've also deleted the {count} things you shared with your name.",
)
FORGET_DONE_NOTHING_NAMED = N_(
    "Done. I've deleted your name, your settings, your groups ({groups}) and your answers."
)
FORGET_DONE_END = N_("You can join again any time with an invite link. Take care.")
FORGET_DONE_ANONYMOUS_DELETED = N_P(
    "I've deleted the {count} thing you shared without your name too.",
    "I've deleted the {count} things you shared without your name too.",
)
FORGET_DONE_ANONYMOUS_KEPT = N_P(
    "The {count} thing you shared without your name stays with the group, "
    "with no way back to you.",
    "The {count} things you shared without your name stay with the group, "
    "with no way back to you.",
)
FORGET_HOURS = N_(
    "The time you gave at meetings stays only as numbers in the group's totals, for its "
    "accounts. Nothing there says who you are."
)
FORGET_GONE = N_(
    "There's nothing of yours left here. You can join again any time with an invite link."
)
ITEMS_ONE = N_("1 thing")
ITEMS_MANY = N_P("{count} thing", "{count} things")

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
    "Payments: {payments}\n\n"
    "What you shared ({items}):\n{item_lines}\n\n"
    "Updates about what you shared: {updates}\n"
    "Messages to you, waiting or sent: {messages}\n"
    "Times your words made me worry you were at risk: {alerts}\n\n"
    "Everything above, in full, is in data.json.\n\n"
)
DATA_GROUP_LINE = N_("- {group}: joined {joined}, agreeing to the terms shown then ({wording})")
DATA_ITEM_LINE = N_("- {reference}, {day}, {group}, {named}: {words}")
DATA_WORDING_UNKNOWN = N_("from before their version was kept")
DATA_NAMED = N_("with your name")
DATA_ANONYMOUS = N_("without your name")
DATA_NO_WORDS = N_("(no words kept)")
DATA_NONE = N_("none")
DATA_PAUSED_YES = N_("yes, you get no messages for now")
DATA_PAUSED_NO = N_("no")
DATA_LEFT_LINE = N_(
    "Your place in {group} ended on {left}. The coordinators kept this reason, only for them "
    "to see: {reason}\n\n"
)
DATA_NO_REASON = N_("none")
DATA_NOT_INCLUDED = N_(
    "What is not in this file, and why:\n"
    "- Your Telegram account (phone number, profile, your chats) is held by Telegram, not "
    "by Chorus. Telegram can tell you what it holds.\n"
    "- What you shared without your name is here because only you can find it, through "
    "your own account. Coordinators never see it linked to you.\n"
    "- Notes that coordinators keep for themselves are not here. Nor are messages to other "
    "people. They are not about you alone.\n"
    "- What was deleted (taken back, or kept past the time set for keeping it) is gone for "
    "good, so it can't be here.\n"
)

# --- Payment records and voice notes, in /mydata, /forgetme and leaving ---------------------

# The parts of the "Payments:" line in the /mydata summary, joined with "; ".
DATA_PAYMENT_CHOICE = N_("how you'd like to be paid ({choice})")
DATA_PAYEE = N_("the reference finance pays you under ({reference}) and the name to pay ({name})")
DATA_CLAIMS = N_P(
    "{count} claim you made, with its photo and notes",
    "{count} claims you made, with their photos and notes",
)
FORGET_PAYMENTS = N_(
    "We keep the payments we said yes to, for the group's accounts. We keep only the days, "
    "the amounts and the code finance pays you under. We keep no name, photos or messages."
)
VOICE_STILL_PLAYS = N_(
    "One thing I can't do. After two days, Telegram won't let me delete a voice note from a "
    "coordinator's chat. I've marked those “Taken back”, but they can still be played."
)
# Added to /privacy: what is kept about paying people for their time.
PRIVACY_PAYMENTS = N_(
    "\n\nIf your group pays you, we keep how you want to be paid, the name and code finance "
    "pays you under, and your claims and receipt photos. Your group's coordinators see them. "
    "Finance gets the name, code and amounts. After /forgetme, we keep only payments we "
    "already said yes to, for the accounts, without your name."
)
# In place of a receipt photo in a coordinator's chat once its sender asked to be forgotten.
RECEIPT_DELETED = N_("Deleted. The one who sent this asked us to delete all they gave us.")
