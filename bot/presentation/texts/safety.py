"""Messages for safeguarding (J6)."""

from bot.presentation.texts.core import N_

# --- Safeguarding (J6) -------------------------------------------------------------------------

SAFETY_REPLY = N_(
    "I'm sorry you're going through this. You're not alone.\n\n"
    "If you need help now:\n{helplines}\n\n"
    "Would you like one of our team to contact you? If yes, they'll see who you are. "
    "If not, they'll see only your words."
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
    "Thank you for telling me. I've kept your message, but no one can get it right now. "
    "So I can't say when someone will contact you.\n"
    "Please use these helplines. In an emergency, call 999.\n{helplines}"
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
    "They made me worry someone may be at risk, so one person on our team has them ({who}). "
    "No one else does."
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
    "lead and admin. Please tap “I'll handle this” if you can."
)
SAFETY_LATE_NO = N_("They have now said no to being contacted.")
ALERT_REF = N_("(Safety alert {reference})")
ALERT_SOMEONE = N_("A lead")
ALERT_NO_OWNER = N_("no one has taken it yet")
# In place of an alert's words once the person took back what they had shared.
ALERT_WORDS_TAKEN_BACK = N_(
    "(taken back by the person who wrote them. The alert stays, so you know someone may "
    "have been at risk.)"
)
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
