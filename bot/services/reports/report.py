"""A report's figures as they may be shown: exact in the coordinator's own view, and with
small numbers guarded everywhere else (bot/services/reports/figures.py)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from bot.services.reports.figures import Cell, cell, parts, percentile, rate, table
from bot.services.reports.periods import Period
from storage.reports import DayCount, InputCount, OutcomeDays, SessionFigures

KINDS = ("feedback", "prompt", "story", "session")
OUTCOMES = ("changed", "will_change", "cannot_change")
# Days to an outcome, as the chart groups them: up to 7, 14, 30, 60, 90, and more.
DAY_BUCKETS = (7, 14, 30, 60, 90)
ACK_DAYS = 3


@dataclass(frozen=True)
class Quote:
    """An outcome that may be quoted: the member's words, and what happened."""

    group: str
    on: date
    outcome: str | None
    words: str | None
    news: str | None
    name: str | None


@dataclass(frozen=True)
class Raw:
    """The exact figures, as counted."""

    inputs: list[InputCount]
    acknowledged: int
    outcome_days: list[OutcomeDays]
    reasons: list[str]
    open_ages: list[int]
    withdrawn: int
    by_day: list[DayCount]
    sessions: list[SessionFigures]
    minutes: dict[str, int]
    quotes_total: int
    quotes: list[Quote]


@dataclass(frozen=True)
class Report:
    """What one report shows."""

    title: str | None  # the group's name; None for all groups
    period: Period
    private: bool  # exact figures, for the coordinator's own view
    kinds: list[tuple[str, Cell, Cell, Cell]]  # kind, named, anonymous, total
    totals: tuple[Cell, Cell, Cell]
    acknowledged: Cell
    acknowledged_rate: int | None
    outcomes: list[tuple[str, Cell]]
    outcome_total: Cell
    reasons: list[str]
    median_days: int | None
    p90_days: int | None
    open_ages: list[Cell]
    taken_back: Cell
    held: int
    invited: Cell
    going: Cell
    came: Cell
    attendance_rate: int | None
    hours: list[tuple[str, float]]
    quotes_total: int
    quotes: list[Quote] = field(default_factory=list)
    closure: list[tuple[date, Cell, Cell]] = field(default_factory=list)
    time_to_outcome: list[tuple[int | None, Cell]] = field(default_factory=list)
    attendance: list[tuple[date, Cell, Cell]] = field(default_factory=list)


def build(raw: Raw, title: str | None, period: Period, private: bool, names: bool) -> Report:
    """The report from exact figures; `private` keeps every count exact, `names` keeps the
    names members agreed to be quoted with."""
    kinds, totals = _inputs(raw.inputs, private)
    outcome_counts = [sum(o.count for o in raw.outcome_days if o.outcome == k) for k in OUTCOMES]
    total_outcomes = sum(outcome_counts)
    histogram = [(o.days, o.count) for o in raw.outcome_days]
    enough = private or total_outcomes >= 5
    held = [s for s in raw.sessions if s.held]
    going, came = sum(s.going for s in held), sum(s.came for s in held)
    received = sum(c.count for c in raw.inputs)
    quotes = raw.quotes if names else [_unnamed(q) for q in raw.quotes]
    return Report(
        title=title,
        period=period,
        private=private,
        kinds=kinds,
        totals=totals,
        acknowledged=cell(raw.acknowledged, private),
        acknowledged_rate=rate(raw.acknowledged, received, private),
        outcomes=list(zip(OUTCOMES, parts(outcome_counts, private), strict=True)),
        outcome_total=cell(total_outcomes, private),
        reasons=raw.reasons,
        median_days=percentile(histogram, 0.5) if enough else None,
        p90_days=percentile(histogram, 0.9) if enough else None,
        open_ages=parts(raw.open_ages, private),
        taken_back=cell(raw.withdrawn, private),
        held=len(held),
        invited=cell(sum(s.invited for s in held), private),
        going=cell(going, private),
        came=cell(came, private),
        attendance_rate=rate(came, going, private),
        hours=sorted((name, round(m / 60, 1)) for name, m in raw.minutes.items()),
        quotes_total=raw.quotes_total,
        quotes=quotes,
        closure=_closure(raw.by_day, private),
        time_to_outcome=_time_buckets(histogram, private),
        attendance=_attendance(held, private),
    )


def _inputs(
    counts: list[InputCount], private: bool
) -> tuple[list[tuple[str, Cell, Cell, Cell]], tuple[Cell, Cell, Cell]]:
    by: dict[tuple[str, bool], int] = defaultdict(int)
    for c in counts:
        by[(c.kind, c.named)] += c.count
    kinds = [k for k in KINDS if by[(k, True)] or by[(k, False)]]
    kinds += sorted({k for k, _ in by if k not in KINDS and (by[(k, True)] or by[(k, False)])})
    rows = [[by[(k, True)], by[(k, False)]] for k in kinds]
    cells = table(rows, private)
    shown = [
        (k, cells[i][0], cells[i][1], cell(sum(rows[i]), private)) for i, k in enumerate(kinds)
    ]
    named, anonymous = sum(r[0] for r in rows), sum(r[1] for r in rows)
    totals = [*parts([named, anonymous], private), cell(named + anonymous, private)]
    return shown, (totals[0], totals[1], totals[2])


def _months(days: list[date]) -> list[date]:
    return sorted({d.replace(day=1) for d in days})


def _closure(by_day: list[DayCount], private: bool) -> list[tuple[date, Cell, Cell]]:
    received: dict[date, int] = defaultdict(int)
    closed: dict[date, int] = defaultdict(int)
    for d in by_day:
        received[d.on.replace(day=1)] += d.received
        closed[d.on.replace(day=1)] += d.closed
    return [
        (m, cell(received[m], private), cell(closed[m], private))
        for m in _months([d.on for d in by_day])
    ]


def _time_buckets(
    histogram: list[tuple[int, int]], private: bool
) -> list[tuple[int | None, Cell]]:
    """Outcomes by days taken: up to each of DAY_BUCKETS, then more (None)."""
    limits: list[int | None] = [*DAY_BUCKETS, None]
    counts = [0] * len(limits)
    for days, count in histogram:
        index = next((i for i, top in enumerate(DAY_BUCKETS) if days <= top), len(DAY_BUCKETS))
        counts[index] += count
    return list(zip(limits, parts(counts, private), strict=True))


def _attendance(held: list[SessionFigures], private: bool) -> list[tuple[date, Cell, Cell]]:
    going: dict[date, int] = defaultdict(int)
    came: dict[date, int] = defaultdict(int)
    for s in held:
        month = s.starts_at.date().replace(day=1)
        going[month] += s.going
        came[month] += s.came
    return [
        (m, cell(going[m], private), cell(came[m], private))
        for m in _months([s.starts_at.date() for s in held])
    ]


def _unnamed(quote: Quote) -> Quote:
    return Quote(quote.group, quote.on, quote.outcome, quote.words, quote.news, None)
