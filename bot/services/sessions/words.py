"""Group sessions in words and files: what members read, buttons, calendar files, hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.calendar_file import session_ics
from bot.presentation import outgoing, texts
from bot.presentation.callbacks import Action
from bot.presentation.outgoing import Button, Text, Value, join
from bot.presentation.texts.payments import money
from bot.services.delivery_rules import quiet_until, quiet_window
from bot.services.sessions.model import (
    ON_TIME,
    Answer,
    CalendarFile,
    Period,
    SessionView,
)
from bot.services.text_rules import clean_name
from bot.services.when import (
    describe,
)
from storage.payments import PolicyRow
from storage.sessions import SessionRow

# --- What members read ---------------------------------------------------------------------


def when_words(session: SessionRow, zone: ZoneInfo, now: datetime, relative: bool = True) -> Text:
    """In words: "tomorrow at 2pm to 4pm", or (not `relative`) "Tuesday 3 March at 2pm to
    4pm"."""
    end = session.ends_at.astimezone(zone)
    ends = describe(end, zone, session.starts_at, relative=relative)
    if end.date() == session.starts_at.astimezone(zone).date():
        ends = ends.split(" at ", 1)[-1]
    start = describe(session.starts_at, zone, now, relative=relative)
    return outgoing.text(texts.SESSION_WHEN_RANGE, start=start, end=ends)


def when_queued(session: SessionRow, *, relative: bool = False) -> Text:
    """When a session is, for a queued message: its start and end (UTC), worded when sent,
    in the zone configured then; "tomorrow at 2pm to 4pm" as seen then if `relative`,
    otherwise "Tuesday 3 March at 2pm to 4pm"."""
    start = outgoing.Moment(session.starts_at, relative=relative)
    end = outgoing.Moment(session.ends_at, relative=relative, after=session.starts_at)
    return outgoing.text(texts.SESSION_WHEN_RANGE, start=start, end=end)


def session_said(
    view: SessionView,
    zone: ZoneInfo,
    now: datetime | None,
    header: str = texts.SESSION_INVITE,
    *,
    relative: bool = False,
) -> Value:
    """What a session's details say to members, with their current answer.

    `now` None is for queued messages: the time is worded when sent (`when_queued`), with
    the day named outright ("Tuesday 3 March"), or, if `relative`, as seen on the day of
    sending ("tomorrow").
    """
    s = view.session
    lines: list[Value] = [outgoing.text(header, title=s.title, group=view.group_name)]
    when = when_queued(s, relative=relative) if now is None else when_words(s, zone, now)
    lines.append(outgoing.text(texts.SESSION_LINE_WHEN, when=when))
    if s.place:
        lines.append(outgoing.text(texts.SESSION_LINE_PLACE, place=s.place))
    if s.link:
        lines.append(outgoing.text(texts.SESSION_LINE_LINK, link=s.link))
    if s.access_notes:
        lines.append(outgoing.text(texts.SESSION_LINE_ACCESS, notes=s.access_notes))
    if s.content_note:
        lines.append(outgoing.text(texts.SESSION_LINE_CONTENT, note=s.content_note))
    if view.policy is not None and s.state != "cancelled":
        lines.append(pay_line(view.policy))
    if s.state == "cancelled":
        lines.append(outgoing.text(texts.SESSION_LINE_CANCELLED))
    elif view.answer is Answer.WAITING:
        lines.append(outgoing.text(texts.SESSION_LINE_WAITING, place=view.place or 1))
    elif view.answer is not None:
        answer = outgoing.text(_ANSWER_WORDS[view.answer])
        lines.append(outgoing.text(texts.SESSION_LINE_ANSWER, answer=answer))
    else:
        lines.append(outgoing.text(texts.SESSION_ASK))
    return join("\n", lines)


def pay_line(policy: PolicyRow) -> Value:
    """The group's payment policy in a short sentence, for members before they take part."""
    key = {"hour": texts.SESSION_PAY_HOUR, "session": texts.SESSION_PAY_SESSION}.get(
        policy.basis, texts.SESSION_PAY_NONE
    )
    line: Value = outgoing.text(key, rate=money(policy.rate_pence))
    if policy.expenses:
        expenses = outgoing.text(texts.SESSION_PAY_EXPENSES, expenses=policy.expenses.rstrip(". "))
        line = join(" ", [line, expenses])
    return line


_ANSWER_WORDS = {
    Answer.GOING: texts.ANSWER_GOING,
    Answer.MAYBE: texts.ANSWER_MAYBE,
    Answer.NO: texts.ANSWER_NO,
    Answer.WAITING: texts.ANSWER_WAITING,
}


def answer_buttons(session: SessionRow, answer: Answer | None) -> list[list[Button]]:
    """Going / Maybe / Can't go (the current answer ticked) and the calendar file."""
    if session.state == "cancelled":
        return []
    # On the waiting list, the first button says so (tapping it keeps the place in line).
    going = texts.BUTTON_WAITING if answer is Answer.WAITING else texts.BUTTON_GOING
    row = []
    for code, value, text in (
        ("g", Answer.GOING, going),
        ("m", Answer.MAYBE, texts.BUTTON_MAYBE),
        ("n", Answer.NO, texts.BUTTON_CANT_GO),
    ):
        shown: Value
        if value is Answer.GOING and answer is Answer.WAITING:
            # Its words say already that it is their answer.
            shown = join("", ["✓ ", outgoing.words(text)])
        elif value is answer:
            shown = outgoing.words(texts.BUTTON_ANSWER_CHOSEN, answer=outgoing.words(text))
        else:
            shown = outgoing.words(text)
        row.append(Button(shown, Action.SESSION_ANSWER, (session.id, code)))
    calendar = outgoing.button(texts.BUTTON_CALENDAR, Action.SESSION_CALENDAR, session.id)
    return [row, [calendar]]


def reminder_send_at(
    due: datetime,
    starts: datetime,
    now: datetime,
    zone: ZoneInfo,
    setting: str | None,
    default: str,
) -> datetime | None:
    """When a reminder due at `due` should go to someone with these quiet hours, so it
    never arrives after the session starts; None if it cannot (quiet all the while).

    In quiet hours it waits for them to end if that is still before the start; otherwise it
    goes just before they begin.
    """
    at = due
    until = quiet_until(at, zone, setting, default)
    if until is not None:
        at = until if until < starts else _quiet_began(at, zone, setting, default) - ON_TIME
    at = max(at, now)
    until = quiet_until(at, zone, setting, default)
    if until is not None:
        at = until
    return at if at < starts else None


def _quiet_began(moment: datetime, zone: ZoneInfo, setting: str | None, default: str) -> datetime:
    """When the quiet hours that `moment` falls in began (UTC)."""
    window = quiet_window(setting, default)
    assert window is not None
    start, end = window
    local = moment.astimezone(zone)
    day = local.date()
    if start > end and local.time().replace(tzinfo=None) < end:
        day -= timedelta(days=1)
    return datetime.combine(day, start).replace(tzinfo=zone, fold=0).astimezone(UTC)


def _split_place(text: str) -> tuple[str | None, str | None]:
    """A place and an online link from one typed answer ("Room 4 https://meet.example/x")."""
    words = text.split()
    links = [w for w in words if w.lower().startswith(("https://", "http://"))]
    rest = " ".join(w for w in words if w not in links)
    return (rest or None), (links[0] if links else None)


def _clean_note(text: str, limit: int) -> str | None:
    """Typed text kept as written, with invisible characters removed; None if unusable."""
    lines = [clean_name(line, limit) or "" for line in text.strip().splitlines()]
    kept = "\n".join(lines).strip()
    return kept if kept and len(kept) <= limit else None


_SCALE_LABELS = (
    texts.BUTTON_SCALE_1,
    texts.BUTTON_SCALE_2,
    texts.BUTTON_SCALE_3,
    texts.BUTTON_SCALE_4,
    texts.BUTTON_SCALE_5,
)


def calendar_file(
    session: SessionRow, group_name: str, zone: ZoneInfo, now: datetime
) -> CalendarFile:
    """The session's .ics file as it stands (a change keeps its UID, with a higher SEQUENCE)."""
    notes = "\n".join(n for n in (session.access_notes, session.content_note) if n)
    content = session_ics(
        uid=session.uid,
        sequence=session.sequence,
        title=session.title,
        group=group_name,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        zone=zone,
        stamp=now,
        place=session.place,
        link=session.link,
        notes=notes or None,
        cancelled=session.state == "cancelled",
    )
    return CalendarFile(f"session-{session.id}.ics", content, session.title)


def _change_lines(old: SessionRow, new: SessionRow, zone: ZoneInfo, now: datetime) -> Value:
    """What changed, in words, one line each (after a blank line)."""
    lines: list[Value] = []
    if (old.starts_at, old.ends_at) != (new.starts_at, new.ends_at):
        was = when_queued(old)
        lines.append(outgoing.text(texts.SESSION_CHANGED_TIME, was=was))
    if (old.place, old.link) != (new.place, new.link):
        lines.append(outgoing.text(texts.SESSION_CHANGED_PLACE))
    if old.title != new.title:
        lines.append(outgoing.text(texts.SESSION_CHANGED_TITLE, was=old.title))
    if (old.access_notes, old.content_note) != (new.access_notes, new.content_note):
        lines.append(outgoing.text(texts.SESSION_CHANGED_NOTES))
    if old.capacity != new.capacity:
        lines.append(outgoing.text(texts.SESSION_CHANGED_CAPACITY))
    return join("", ["\n\n", join("\n", lines)]) if lines else ""


def period_dates(period: Period, today: date) -> tuple[date, date]:
    """The local dates [start, end) a period covers, seen from `today`."""
    month_start = today.replace(day=1)
    if period is Period.THIS_MONTH:
        return month_start, _next_month(month_start)
    if period is Period.LAST_MONTH:
        previous = (month_start - timedelta(days=1)).replace(day=1)
        return previous, month_start
    if period is Period.THIS_YEAR:
        return date(today.year, 1, 1), date(today.year + 1, 1, 1)
    return date(today.year - 1, 1, 1), date(today.year, 1, 1)


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0)).replace(tzinfo=zone).astimezone(UTC)


def _csv_safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
