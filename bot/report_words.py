"""A report in words: the message in the chat, and the rows of its spreadsheet, CSV and PDF
(the same figures, as bot/services/reports made them)."""

from __future__ import annotations

from datetime import date

from bot.presentation import texts
from bot.presentation.moments import DayForm, day_words, duration_words
from bot.presentation.texts import Raw, label, say
from bot.services.reports.figures import FEW, WITHHELD, Cell
from bot.services.reports.report import Report

_KINDS = {
    "feedback": texts.REPORT_KIND_FEEDBACK,
    "prompt": texts.REPORT_KIND_PROMPT,
    "story": texts.REPORT_KIND_STORY,
    "session": texts.REPORT_KIND_SESSION,
}
_OUTCOMES = {
    "changed": texts.REPORT_OUTCOME_CHANGED,
    "will_change": texts.REPORT_OUTCOME_WILL_CHANGE,
    "cannot_change": texts.REPORT_OUTCOME_CANNOT_CHANGE,
}
_OPEN_AGES = (texts.ROW_OPEN_14, texts.ROW_OPEN_30, texts.ROW_OPEN_90, texts.ROW_OPEN_OLDER)


def value(shown: Cell | float | None) -> str:
    """A figure as it reads: a number, "fewer than 5", "not shown", or a dash for none."""
    if shown is None:
        return "–"
    if shown == FEW:
        return label(texts.REPORT_FEWER_THAN_5)
    if shown == WITHHELD:
        return label(texts.REPORT_WITHHELD)
    return str(shown)


def kind_name(kind: str) -> str:
    """What a kind of input is called."""
    return label(_KINDS.get(kind, kind))


def outcome_name(outcome: str | None) -> str:
    """What an outcome is called."""
    return label(_OUTCOMES.get(outcome or "", outcome or ""))


def day(on: date) -> str:
    """A date as people read it, in the reader's language: 3 March 2026."""
    return day_words(on, DayForm.FULL)


def scope(report: Report) -> str:
    """The group's name, or "all groups"."""
    return report.title if report.title is not None else label(texts.REPORT_ALL_GROUPS)


def rows(report: Report) -> list[tuple[str, str]]:
    """Every figure as (what, how many), for the spreadsheet, the CSV and the PDF."""
    # Dates as ISO 8601, which every spreadsheet reads as a date, in any language.
    out = [(label(texts.ROW_GROUP), scope(report))]
    out += [(label(texts.ROW_FROM), report.period.start.isoformat())]
    out += [(label(texts.ROW_TO), report.period.end.isoformat())]
    out += [(label(texts.ROW_SHARED), value(report.totals[2]))]
    out += [(label(texts.ROW_SHARED_NAMED), value(report.totals[0]))]
    out += [(label(texts.ROW_SHARED_ANONYMOUS), value(report.totals[1]))]
    for kind, named, anonymous, total in report.kinds:
        name = kind_name(kind)
        out += [(name, value(total)), (label(texts.ROW_KIND_NAMED, kind=name), value(named))]
        out += [(label(texts.ROW_KIND_ANONYMOUS, kind=name), value(anonymous))]
    out += [(label(texts.ROW_ANSWERED), value(report.acknowledged))]
    out += [(label(texts.ROW_ANSWERED_SHARE), value(report.acknowledged_rate))]
    out += [(label(texts.ROW_REACHED), value(report.outcome_total))]
    out += [(outcome_name(o), value(c)) for o, c in report.outcomes]
    out += [(label(texts.ROW_MEDIAN_DAYS), value(report.median_days))]
    out += [(label(texts.ROW_P90_DAYS), value(report.p90_days))]
    out += [(label(a), value(c)) for a, c in zip(_OPEN_AGES, report.open_ages, strict=True)]
    out += [(label(texts.ROW_TAKEN_BACK), value(report.taken_back))]
    out += [(label(texts.ROW_HELD), str(report.held))]
    out += [(label(texts.ROW_INVITED), value(report.invited))]
    out += [(label(texts.CHART_GOING), value(report.going))]
    out += [(label(texts.CHART_CAME), value(report.came))]
    out += [(label(texts.ROW_ATTENDANCE), value(report.attendance_rate))]
    out += [(label(texts.ROW_HOURS, group=g), str(hours)) for g, hours in report.hours]
    out += [(label(texts.ROW_QUOTES), str(report.quotes_total))]
    return out


def quote_rows(report: Report) -> list[tuple[str, str, str, str]]:
    """The quotes: (date, what was said, by whom if they agreed, what happened)."""
    return [
        (
            q.on.isoformat(),
            q.words or "",
            q.name or "",
            f"{outcome_name(q.outcome)}: {q.news or ''}",
        )
        for q in report.quotes
    ]


def chat_text(report: Report) -> Raw:
    """The report as one message."""
    parts = [
        say(
            texts.REPORT_TITLE,
            scope=scope(report),
            start=day(report.period.start),
            end=day(report.period.end),
        )
    ]
    if not report.private:
        parts.append(say(texts.REPORT_OUTSIDE_NOTE))
    parts += [_input(report), _outcomes(report), _open(report), _sessions(report)]
    parts += [_hours(report), _quotes(report)]
    return Raw("\n\n".join(parts))


def _input(report: Report) -> Raw:
    kinds = "\n".join(
        say(
            texts.REPORT_KIND_LINE,
            kind=kind_name(k),
            total=value(t),
            named=value(n),
            anonymous=value(a),
        )
        for k, n, a, t in report.kinds
    )
    named, anonymous, total = (value(c) for c in report.totals)
    head = say(texts.REPORT_INPUT, total=total, named=named, anonymous=anonymous, kinds=Raw(kinds))
    share = (
        say(texts.REPORT_SHARE, percent=report.acknowledged_rate)
        if report.acknowledged_rate is not None
        else Raw("")
    )
    ack = say(texts.REPORT_ACKNOWLEDGED, count=value(report.acknowledged), share=share)
    return Raw(f"{head}\n{ack}")


def _outcomes(report: Report) -> Raw:
    lines = "\n".join(
        say(texts.REPORT_OUTCOME_LINE, outcome=outcome_name(o), count=value(c))
        for o, c in report.outcomes
    )
    parts = [say(texts.REPORT_OUTCOMES, total=value(report.outcome_total), lines=Raw(lines))]
    if report.median_days is None or report.p90_days is None:
        parts.append(say(texts.REPORT_DAYS_NONE))
    else:
        parts.append(say(texts.REPORT_DAYS, median=report.median_days, p90=report.p90_days))
    if report.reasons:
        reasons = "\n".join(say(texts.REPORT_REASON_LINE, text=r) for r in report.reasons)
        parts.append(say(texts.REPORT_REASONS, lines=Raw(reasons)))
    return Raw("\n".join(parts))


def _open(report: Report) -> Raw:
    a, b, c, d = (value(x) for x in report.open_ages)
    opened = say(texts.REPORT_OPEN, a=a, b=b, c=c, d=d)
    return Raw(f"{opened}\n{say(texts.REPORT_TAKEN_BACK, count=value(report.taken_back))}")


def _sessions(report: Report) -> Raw:
    rate = (
        say(texts.REPORT_RATE, percent=report.attendance_rate)
        if report.attendance_rate is not None
        else Raw("")
    )
    return say(
        texts.REPORT_SESSIONS,
        held=report.held,
        invited=value(report.invited),
        going=value(report.going),
        came=value(report.came),
        rate=rate,
    )


def _hours(report: Report) -> Raw:
    if not report.hours:
        return say(texts.REPORT_HOURS_NONE)
    lines = "\n".join(
        say(texts.REPORT_HOURS_LINE, group=g, hours=duration_words(round(h * 60)))
        for g, h in report.hours
    )
    return say(texts.REPORT_HOURS, lines=Raw(lines))


def _quotes(report: Report) -> Raw:
    if not report.quotes:
        return say(texts.REPORT_QUOTES_NONE)
    lines = "\n".join(
        say(
            texts.REPORT_QUOTE_LINE,
            words=(q.words or "")[:200],
            name=say(texts.REPORT_QUOTE_NAME, name=q.name) if q.name else Raw(""),
            news=f"{outcome_name(q.outcome)}. {q.news or ''}".strip(),
        )
        for q in report.quotes
    )
    return say(texts.REPORT_QUOTES, count=report.quotes_total, lines=Raw(lines))
