"""Messages for conversations: answering a coordinator's reply, and a lead writing to someone."""

from bot.presentation.texts.core import N_, N_P

# --- Conversations: answering a coordinator's reply, and a lead writing to someone -----------

BUTTON_CONVERSATION_ANSWER = N_("Reply")
BUTTON_CONVERSATION_END = N_("End conversation")
BUTTON_CONVERSATION_REPLY = N_("Reply")
BUTTON_WRITE_TO_THEM = N_("Write to them")
BUTTON_SEND_TO_THEM = N_("Yes, send it")
BUTTON_KEEP_LOOSE = N_("No, don't send")
CONVERSATION_READER_NAMED = N_("The coordinators of {group} will read it, with your name.")
CONVERSATION_READER_ANONYMOUS = N_(
    "The coordinators of {group} will read your answer. They won't see who you are."
)
CONVERSATION_READER_LEAD = N_(
    "Only the person on our team who keeps people safe will read it. They won't see who you "
    "are, unless you said yes to being contacted."
)
CONVERSATION_ASK = N_P(
    "{reader}\n\nType your answer (up to {limit} character). /cancel to stop.",
    "{reader}\n\nType your answer (up to {limit} characters). /cancel to stop.",
    counted="limit",
)
CONVERSATION_SENT = N_("Thank you. Your answer is on its way.\n{reader}")
CONVERSATION_CLOSED = N_(
    "This conversation has ended, so I haven't sent that. Your words are still here in your "
    "chat. If you'd like to say more, /share sends it to your group's coordinators."
)
CONVERSATION_UNKNOWN = N_(
    "Sorry, I can't find that conversation. Nothing was sent. /help shows what you can do."
)
CONVERSATION_EMPTY = N_("That's empty. Please type a few words, or /cancel to stop.")
CONVERSATION_TOO_LONG = N_P(
    "That's longer than I can send ({limit} character at most). Could you shorten it?",
    "That's longer than I can send ({limit} characters at most). Could you shorten it?",
    counted="limit",
)
CONVERSATION_YOU_ENDED = N_(
    "Okay, the conversation has ended. Thank you for your time. /help shows what else you can do."
)
CONVERSATION_HINT = N_("To answer, tap Reply, or reply to this message. {reader}")
CONVERSATION_LOOSE_ASK = N_("Would you like me to send this as your answer?\n{reader}")
CONVERSATION_LOOSE_DROPPED = N_("Okay, I haven't sent it. No one else has seen it.")
CONVERSATION_FROM_LEAD = N_(
    "<b>A message from the person on our team who keeps people safe</b>\n“{words}”\n\n"
    "To answer, tap Reply. Only they will read it. /support shows the helplines any time."
)
CONVERSATION_LEAD_ENDED = N_(
    "The person on our team who keeps people safe has ended your talk. If you need help, "
    "/support shows who you can talk to, any time."
)
LINE_CONVERSATION_ENDED = N_(
    "The coordinators have ended the talk about it. Thank you for talking with them."
)
CONVERSATION_ABOUT_ITEM = N_("{kind}, {who}, given on {date} in {group} (“{words}”)")
CONVERSATION_ABOUT_ALERT = N_("a safety alert you wrote to them about")
CONVERSATION_NO_WORDS = N_("a voice note or photo")
# The two texts below, and CONVERSATION_ENDED_BY_MEMBER, are kept so that messages queued
# with them still render; new messages use the whole sentences after them.
CONVERSATION_IN = N_("<b>An answer</b> about {about}:\n\n“{words}”")
CONVERSATION_TO_LEAD = N_("<b>An answer</b> to {about}:\n\n“{words}”")
CONVERSATION_RISK_NOTE = N_("A safety reply was shown; a lead has been told.")
CONVERSATION_ENDED_BY_MEMBER = N_(
    "The conversation about {about} was ended by the person you were talking with."
)
ANSWER_ABOUT_ALERT = N_("<b>An answer</b> to a safety alert you wrote to them about:\n\n“{words}”")
# The kind of item ({kind}) stands as a label in brackets, never inside the sentence, so each
# language can word the sentence around it.
ANSWER_ABOUT_NAMED = N_(
    "<b>An answer</b> from {name}, about what they gave in {group} on {date} "
    "({kind}: “{text}”):\n\n“{words}”"
)
ANSWER_ABOUT_ANONYMOUS = N_(
    "<b>An answer</b> about something given without a name in {group} on {date} "
    "({kind}: “{text}”):\n\n“{words}”"
)
ENDED_ABOUT_ALERT = N_(
    "The person you wrote to about their safety alert has ended the conversation."
)
ENDED_ABOUT_NAMED = N_(
    "The person you were talking with has ended the conversation.\n"
    "It was about what {name} gave in {group} on {date} ({kind}: “{text}”)."
)
ENDED_ABOUT_ANONYMOUS = N_(
    "The person you were talking with has ended the conversation.\n"
    "It was about something given without a name in {group} on {date} ({kind}: “{text}”)."
)
CONVERSATION_WRITE_ASK = N_P(
    "Type your message. It goes to them through Chorus; you won't see who they are "
    "unless they said yes to being contacted. Up to {limit} character. /cancel to "
    "stop.",
    "Type your message. It goes to them through Chorus; you won't see who they are "
    "unless they said yes to being contacted. Up to {limit} characters. /cancel to "
    "stop.",
    counted="limit",
)
CONVERSATION_WRITE_SENT = N_(
    "Sent. Their answers will come to you here, until one of you ends the conversation."
)
CONVERSATION_UNREACHABLE = N_(
    "Chorus can't reach them right now (they may have stopped or blocked the bot), so your "
    "message was not sent. It is kept with the conversation."
)
CONVERSATION_STAFF_ENDED = N_("Done, the conversation has ended. They'll be told kindly.")
CONVERSATION_ALREADY_ENDED = N_("That talk has already ended.")
CONVERSATION_NOT_ALLOWED = N_(
    "Sorry, only the group's coordinators can do that, or a lead if it is about an alert."
)
CARD_TALK = N_("<b>The talk so far</b> ({state}):\n{lines}")
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
