"""Messages for involvement payment and recognition (J8)."""

from bot.presentation.texts.core import N_, N_P


def money(pence: int) -> str:
    """An amount in pounds and pence: "£12.50"."""
    return f"£{pence // 100:,}.{pence % 100:02d}"


# --- The policy, for members -----------------------------------------------------------------

PAY_POLICY_HOUR = N_("{group} pays {rate} an hour for your time.")
PAY_POLICY_SESSION = N_("{group} pays {rate} for each meeting you come to.")
PAY_POLICY_NONE = N_("{group} does not pay for time at the moment.")
PAY_POLICY_EXPENSES = N_("It pays back what you spend on: {expenses}")
PAY_POLICY_NOT_SET = N_("{group} has not said how it pays for time yet.")
PAY_ASK_CHOICE = N_(
    "How would you like to be paid? You can change this any time in /myinvolvement."
)
PAY_BENEFITS_NOTICE = N_(
    "<b>Before you choose:</b> being paid can change some benefits. If you get benefits, "
    "you can ask for free advice first. Citizens Advice can help (citizensadvice.org.uk). "
    "You can say no to pay and still take part."
)
BUTTON_PAY_PAID = N_("Pay me")
BUTTON_PAY_VOUCHER = N_("A voucher")
BUTTON_PAY_CHARITY = N_("Give it to a charity")
BUTTON_PAY_NONE = N_("No payment")
PAY_CHOICE_PAID = N_("be paid")
PAY_CHOICE_VOUCHER = N_("a voucher")
PAY_CHOICE_CHARITY = N_("give it to a charity")
PAY_CHOICE_NONE = N_("no payment")
PAY_CHOSEN = N_(
    "Thank you. You chose: <b>{choice}</b>. You can change it any time in /myinvolvement."
)

# --- Expenses claims (members) ----------------------------------------------------------------

PAY_CLAIM_PICK = N_("Which meeting are these expenses for? You can stop any time with /cancel.")
PAY_CLAIM_NONE = N_(
    "You can claim expenses for a meeting you came to. I can't see one yet. "
    "If you came to one, the coordinator may not have marked it yet."
)
PAY_CLAIM_NOT_ATTENDED = N_(
    "I can't find you on the list of who came to that meeting, so I can't add a claim for "
    "it. If you were there, the coordinator can mark you, then you can try again."
)
PAY_CLAIM_ASK_AMOUNT = N_(
    "How much did you spend for <b>{title}</b>? Type it in pounds, like 4.50. "
    "You can stop with /cancel."
)
PAY_AMOUNT_KEPT = N_("You typed {amount} before. Tap “Keep this amount”, or type a new one.")
BUTTON_KEEP_AMOUNT = N_("Keep this amount")
PAY_AMOUNT_NOT_UNDERSTOOD = N_(
    "Sorry, I didn't understand that amount. Could you type it in pounds and pence, like 4.50?"
)
PAY_AMOUNT_NEGATIVE = N_(
    "That looks like less than nothing. Could you type what you spent, like 4.50?"
)
PAY_AMOUNT_ZERO = N_("That comes to £0.00. Could you type what you spent, like 4.50?")
PAY_AMOUNT_TOO_MUCH = N_(
    "That's more than I can take in one claim (up to {most}). Could you check the amount? "
    "For more, please talk to the coordinator."
)
PAY_CLAIM_ASK_RECEIPT = N_(
    "Thank you: {amount}. Now send a photo of the receipt, please. You can stop with /cancel."
)
PAY_RECEIPT_NOT_PHOTO = N_(
    "I need a photo of the receipt, sent as a photo (not a file or words). "
    "I've kept your amount of {amount}: just send the photo when you're ready."
)
PAY_CARRY_ON_AMOUNT = N_(
    "Whenever you're ready, type the amount you spent, like 4.50. Or /cancel to stop."
)
PAY_CARRY_ON_RECEIPT = N_(
    "Whenever you're ready, send a photo of the receipt. Or /cancel to stop."
)
PAY_CLAIM_SENT = N_(
    "Thank you. Your claim for {amount} ({title}) is with the coordinators. "
    "I'll tell you when they've looked at it."
)
PAY_CLAIM_APPROVED = N_("Your expenses claim for {amount} ({title}) is approved. Thank you.")
PAY_CLAIM_QUERIED = N_(
    "A coordinator has a question about your expenses claim for {amount} ({title}):\n"
    "<i>{question}</i>\nYou can talk to them about it at the next meeting, "
    "or send a new claim with /claim."
)

# --- Coordinators: policy, payee references, approving ---------------------------------------

PAY_PICK_GROUP = N_("Which group's payment settings?")
PAY_SETTINGS = N_("<b>Payment settings for {group}</b>\n{policy}\nChange:")
BUTTON_PAY_PER_HOUR = N_("Pay per hour")
BUTTON_PAY_PER_SESSION = N_("Pay per meeting")
BUTTON_PAY_NO_PAY = N_("No payment for time")
BUTTON_PAY_EXPENSES = N_("Expenses covered")
BUTTON_PAY_PAYEES = N_("Payee references")
PAY_ASK_RATE_HOUR = N_("How much for each hour? Type it in pounds, like 12.50. /cancel to stop.")
PAY_ASK_RATE_SESSION = N_(
    "How much for each meeting? Type it in pounds, like 25. /cancel to stop."
)
PAY_ASK_EXPENSES = N_(
    "What expenses are covered? For example: travel, lunch, childcare. /cancel to stop."
)
PAY_EXPENSES_TOO_LONG = N_(
    "That's a bit long. Could you say it in fewer words (up to 300 letters)?"
)
PAY_PAYEE_PICK = N_("Whose payee reference? Finance pays under it; it shows in the export.")
PAY_PAYEE_LINE = N_("{name}: {reference}")
PAY_PAYEE_UNSET = N_("not set")
PAY_ASK_PAYEE = N_(
    "Type the payee reference for <b>{name}</b>, a space, then the name to pay, like: "
    "P-0042 Sam Jones. /cancel to stop."
)
PAY_PAYEE_BAD = N_(
    "Sorry, I need a reference (letters, numbers, - or /, up to 32) then the name, like: "
    "P-0042 Sam Jones."
)
PAY_PAYEE_TAKEN = N_("Someone else already has the reference {reference}. Could you check it?")
PAY_PAYEE_SAVED = N_("Saved: {name} is paid under {reference}.")
PAY_CLAIM_TO_APPROVE = N_("<b>Expenses claim</b> from {name}: {amount} for {title} ({day}).")
BUTTON_PAY_APPROVE = N_("Approve")
BUTTON_PAY_QUERY = N_("Ask a question")
BUTTON_PAY_RECEIPT = N_("See the receipt")
PAY_APPROVED = N_("Approved: {amount} for {name}. I've told them.")
PAY_ALREADY_DECIDED = N_("That claim has been dealt with already.")
PAY_ASK_QUERY = N_(
    "What would you like to ask about this claim? I'll send it to them. /cancel to stop."
)
PAY_QUERY_SENT = N_("Sent. I'll keep the claim waiting until it's sorted.")
PAY_NO_NAME = N_("a member with no name")

# --- Finance export -----------------------------------------------------------------------------

PAY_FINANCE_PICK_GROUP = N_("Which group's payments?")
PAY_FINANCE_PICK_PERIOD = N_("Which period?")
PAY_FINANCE_DONE = N_P(
    "Payments for {group}, {start} to {end}.\nFor {count} person, {amount} in all. "
    "Expenses waiting for approval: {waiting}.",
    "Payments for {group}, {start} to {end}.\nFor {count} people, {amount} in all. "
    "Expenses waiting for approval: {waiting}.",
)

# --- A member's own record ----------------------------------------------------------------------

MYINV_TITLE = N_("<b>Your time with your groups</b>")
MYINV_GROUP = N_P(
    "{group} ({role}): {count} meeting, {hours}",
    "{group} ({role}): {count} meetings, {hours}",
)
MYINV_ROLE_MEMBER = N_("member")
MYINV_ROLE_COORDINATOR = N_("coordinator")
MYINV_CHOICE = N_("How you're paid: {choice}")
MYINV_NOT_CHOSEN = N_("How you're paid: not chosen yet")
MYINV_PAID = N_("For your time: {amount}. Expenses approved: {expenses}.")
MYINV_WAITING = N_("Expenses waiting: {amount}.")
MYINV_NOTHING = N_("Nothing yet. When you come to a meeting, it will show here.")
BUTTON_MYINV_CERTIFICATE = N_("Certificate (PDF)")
BUTTON_MYINV_CHOICE = N_("How I'm paid")
BUTTON_MYINV_CLAIM = N_("Claim expenses")
BUTTON_SETTINGS_INVOLVEMENT = N_("My meetings and payments")
CERT_TITLE = N_("Certificate of involvement")
CERT_BODY = N_(
    "This is to certify that {name} has taken part in involvement work with {organisation}."
)
CERT_LINE = N_P(
    "{group} ({role}): {count} meeting, {hours}, {first} to {last}",
    "{group} ({role}): {count} meetings, {hours}, {first} to {last}",
)
CERT_TOTAL = N_P(
    "In all: {count} meeting and {hours} of their time.",
    "In all: {count} meetings and {hours} of their time.",
)
CERT_THANKS = N_("Thank you for your time, your experience and your voice.")
CERT_SIGNED = N_("Signed for {organisation}, {day}")
CERT_SENT = N_("Here is your certificate. You can show it to anyone you like.")
CERT_NO_NAME = N_(
    "Your certificate needs a name. You can set the name people see in /settings, then try again."
)

# --- Command menus --------------------------------------------------------------------------

MENU_MYINVOLVEMENT = N_("Your meetings, hours, payments and certificate")
MENU_CLAIM = N_("Claim expenses for a meeting")
MENU_PAYMENTS = N_("Payment settings and payee references")
MENU_FINANCE = N_("Export payments for finance")
