"""Messages for /report: the period, the figures in the chat, and the words on its charts,
spreadsheet and board's PDF."""

from bot.presentation.texts.core import N_

REPORT_NOT_ALLOWED = N_(
    "Reports are for the people who run a group, or who may read its words. "
    "You're not one of them yet."
)
REPORT_ASK_PERIOD = N_(
    "Which time would you like a report for?\n\n"
    "Or type it after the command, like this:\n/report 1 March to 31 May 2026"
)
REPORT_ASK_GROUP = N_("Which group is the report for ({start} to {end})?")
BUTTON_REPORT_THIS_MONTH = N_("This month")
BUTTON_REPORT_LAST_MONTH = N_("Last month")
BUTTON_REPORT_LAST_QUARTER = N_("Last quarter")
BUTTON_REPORT_ALL = N_("All groups")
REPORT_PERIOD_UNREADABLE = N_(
    "Sorry, I couldn't read those dates. Could you try like this:\n"
    "/report 1 March to 31 May 2026\nor\n/report 2026-03-01 - 2026-05-31"
)
REPORT_PERIOD_NO_SUCH_DAY = N_(
    "One of those days isn't in the calendar (like 31 April). Could you check the dates and "
    "try again? For example: /report 1 March to 31 May 2026"
)
REPORT_PERIOD_BACKWARDS = N_(
    "That period ends before it starts. Could you put the earlier date first? For example: "
    "/report 1 March to 31 May 2026"
)
REPORT_PERIOD_FUTURE = N_(
    "That period hasn't started yet, so there's nothing to count. Could you pick dates up to "
    "today?"
)
REPORT_PERIOD_TOO_LONG = N_(
    "That's longer than three years, which is more than one report can hold. Could you pick a "
    "shorter time?"
)
REPORT_WORKING = N_("Counting… the charts and files follow in a moment.")
REPORT_GONE = N_("That group isn't there any more, or it isn't yours to report on.")

# The report in the chat.
REPORT_TITLE = N_("<b>Report: {scope}</b>\n{start} to {end}")
REPORT_ALL_GROUPS = N_("all groups")
REPORT_OUTSIDE_NOTE = N_("Counts from 1 to 4 show as “fewer than 5”, so no one can be picked out.")
REPORT_INPUT = N_(
    "<b>What people shared</b>: {total} ({named} with a name, {anonymous} without)\n{kinds}"
)
REPORT_KIND_LINE = N_("• {kind}: {total} ({named} with a name, {anonymous} without)")
REPORT_ACKNOWLEDGED = N_("Answered within 3 days: {count}{share}")
REPORT_SHARE = N_(" ({percent}%)")
REPORT_OUTCOMES = N_("<b>What happened next</b>: {total}\n{lines}")
REPORT_OUTCOME_LINE = N_("• {outcome}: {count}")
REPORT_DAYS = N_(
    "Days from sharing to what happened next: half within {median}, 9 in 10 within {p90}"
)
REPORT_DAYS_NONE = N_("Days to what happened next: too few to say")
REPORT_REASONS = N_("Why some things can't change:\n{lines}")
REPORT_REASON_LINE = N_("• “{text}”")
REPORT_OPEN = N_(
    "<b>Still waiting for what happens next</b>: up to 14 days old {a}, 15 to 30 days {b}, "
    "31 to 90 days {c}, older {d}"
)
REPORT_TAKEN_BACK = N_("Taken back by the people who shared them: {count}")
REPORT_SESSIONS = N_(
    "<b>Group meetings</b>: {held} held; {invited} invited, {going} said they'd come, "
    "{came} came{rate}"
)
REPORT_RATE = N_(" ({percent}% of those who said they'd come)")
REPORT_HOURS = N_("<b>Hours given at meetings</b>\n{lines}")
REPORT_HOURS_LINE = N_("• {group}: {hours}")
REPORT_HOURS_NONE = N_("<b>Hours given at meetings</b>: none marked yet")
REPORT_QUOTES = N_("<b>You said, we did</b> ({count} may be quoted)\n{lines}")
REPORT_QUOTE_LINE = N_("• “{words}”{name}: {news}")
REPORT_QUOTE_NAME = N_(" ({name})")
REPORT_QUOTES_NONE = N_("<b>You said, we did</b>: nothing that may be quoted in this time")
REPORT_FILES_CAPTION = N_("The same figures as a spreadsheet, and a short report for a board.")
REPORT_FEWER_THAN_5 = N_("fewer than 5")
REPORT_WITHHELD = N_("not shown")
REPORT_KIND_FEEDBACK = N_("Feedback")
REPORT_KIND_PROMPT = N_("Answers to questions")
REPORT_KIND_STORY = N_("Stories")
REPORT_KIND_SESSION = N_("About group meetings")
REPORT_OUTCOME_CHANGED = N_("Changed")
REPORT_OUTCOME_WILL_CHANGE = N_("Will change")
REPORT_OUTCOME_CANNOT_CHANGE = N_("Can't change")

# Charts, spreadsheet and PDF.
CHART_CLOSURE = N_("Shared, and reached what happens next, by month")
CHART_RECEIVED = N_("Shared")
CHART_CLOSED = N_("Reached what happens next")
CHART_TIME = N_("Days from sharing to what happens next")
CHART_DAYS_UP_TO = N_("up to {days}")
CHART_DAYS_MORE = N_("more than {days}")
CHART_ATTENDANCE = N_("Group meetings by month")
CHART_GOING = N_("Said they'd come")
CHART_CAME = N_("Came")
CHART_FEW = N_("under 5")
CHART_NOTHING = N_("Nothing to show in this time")
SHEET_FIGURE = N_("Figure")
SHEET_VALUE = N_("Value")
SHEET_FIGURES = N_("Figures")
SHEET_QUOTES = N_("You said, we did")
SHEET_DATE = N_("Date")
SHEET_SAID = N_("What was said")
SHEET_NAME = N_("Name")
SHEET_HAPPENED = N_("What happened")
# The figures' rows, in the spreadsheet, the CSV and the board's PDF.
ROW_GROUP = N_("Group")
ROW_FROM = N_("From")
ROW_TO = N_("To")
ROW_SHARED = N_("Shared (all)")
ROW_SHARED_NAMED = N_("Shared with a name")
ROW_SHARED_ANONYMOUS = N_("Shared without a name")
ROW_KIND_NAMED = N_("{kind}: with a name")
ROW_KIND_ANONYMOUS = N_("{kind}: without a name")
ROW_ANSWERED = N_("Answered within 3 days")
ROW_ANSWERED_SHARE = N_("Answered within 3 days (%)")
ROW_REACHED = N_("Reached what happens next")
ROW_MEDIAN_DAYS = N_("Median days to what happens next")
ROW_P90_DAYS = N_("90th percentile days")
ROW_OPEN_14 = N_("Still open: up to 14 days")
ROW_OPEN_30 = N_("Still open: 15 to 30 days")
ROW_OPEN_90 = N_("Still open: 31 to 90 days")
ROW_OPEN_OLDER = N_("Still open: older than 90 days")
ROW_TAKEN_BACK = N_("Taken back")
ROW_HELD = N_("Group meetings held")
ROW_INVITED = N_("Invited")
ROW_ATTENDANCE = N_("Attendance rate (%)")
ROW_HOURS = N_("Hours given at meetings: {group}")
ROW_QUOTES = N_("Outcomes that may be quoted")
PDF_TITLE = N_("What members said and what changed: {scope}")
PDF_PERIOD = N_("{start} to {end}")
PDF_NOTE = N_(
    "Counts from 1 to 4 show as “fewer than 5”. A count that would let a small one be worked "
    "out is not shown. So no one can be picked out."
)
MENU_REPORT = N_("What became of members' words: figures, charts, files")
