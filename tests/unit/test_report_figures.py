"""/report's rules: periods picked and typed, percentiles, the small-number rule and
guarding totals against differencing, and the figures made from a known history."""

from __future__ import annotations

from datetime import date

import pytest

from bot.crypto import Sealer
from bot.services import Services
from bot.services.reports import ALL_GROUPS
from bot.services.reports.figures import FEW, WITHHELD, cell, parts, percentile, rate, table
from bot.services.reports.periods import Period, PeriodProblem, Pick, parse_period, picked
from storage.database import Storage
from tests.support.clock import FakeClock
from tests.support.report_history import ANNA_WORDS, END, REASON, START, known_report

TODAY = date(2026, 6, 15)


def test_buttons_pick_this_month_last_month_and_last_quarter() -> None:
    assert picked(Pick.THIS_MONTH, TODAY) == Period(date(2026, 6, 1), TODAY)
    assert picked(Pick.LAST_MONTH, TODAY) == Period(date(2026, 5, 1), date(2026, 5, 31))
    assert picked(Pick.LAST_QUARTER, TODAY) == Period(date(2026, 1, 1), date(2026, 3, 31))
    january = date(2026, 1, 10)
    assert picked(Pick.LAST_MONTH, january) == Period(date(2025, 12, 1), date(2025, 12, 31))
    assert picked(Pick.LAST_QUARTER, january) == Period(date(2025, 10, 1), date(2025, 12, 31))


@pytest.mark.parametrize(
    "typed",
    [
        "1 March to 31 May 2026",
        "1 March 2026 to 31 May 2026",
        "1st Mar - 31 May 2026",
        "2026-03-01 - 2026-05-31",
        "2026-03-01 to 2026-05-31",
        "1 march – 31 may",
        # Read as the dates of sessions and broadcasts are.
        "1/3/2026 to 31/5/2026",
        "March 1 to May 31 2026",
        "1 Mar. to 31 May 2026",
        "2026-3-1 to 2026-5-31",
        # In Welsh and Arabic.
        "1 Mawrth i 31 Mai 2026",
        "o 1 Mawrth tan 31 Mai 2026",
        "من 1 مارس إلى 31 مايو 2026",
        "١ مارس - ٣١ مايو ٢٠٢٦",
        "from 1 March to 31 May 2026",
    ],
)
def test_typed_periods_are_read(typed: str) -> None:
    assert parse_period(typed, TODAY) == Period(START, END)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("lots", PeriodProblem.UNREADABLE),
        ("last spring", PeriodProblem.UNREADABLE),
        ("1 Marchember to 2 May", PeriodProblem.UNREADABLE),
        ("31 April to 3 May 2026", PeriodProblem.NO_SUCH_DAY),
        ("2026-02-30 - 2026-03-02", PeriodProblem.NO_SUCH_DAY),
        ("31 May to 1 March 2026", PeriodProblem.BACKWARDS),
        ("1 July to 31 July 2026", PeriodProblem.FUTURE),
        ("2020-01-01 - 2026-01-01", PeriodProblem.TOO_LONG),
    ],
)
def test_nonsense_periods_say_what_is_wrong(typed: str, problem: PeriodProblem) -> None:
    assert parse_period(typed, TODAY) is problem


def test_percentiles_by_nearest_rank() -> None:
    days = [(2, 1), (5, 1), (10, 1), (20, 1), (30, 1), (40, 1)]
    assert percentile(days, 0.5) == 10
    assert percentile(days, 0.9) == 40
    assert percentile([(3, 10)], 0.9) == 3
    assert percentile([(1, 9), (50, 1)], 0.9) == 1
    assert percentile([(1, 8), (50, 2)], 0.9) == 50
    assert percentile([], 0.5) is None


def test_counts_from_1_to_4_show_as_fewer_than_5_outside_only() -> None:
    assert [cell(n, private=False) for n in (0, 1, 4, 5, 12)] == [0, FEW, FEW, 5, 12]
    assert [cell(n, private=True) for n in (0, 1, 4, 5)] == [0, 1, 4, 5]
    assert rate(3, 4, private=False) is None and rate(3, 4, private=True) == 75
    assert rate(9, 11, private=False) == 82


def test_a_hidden_part_cannot_be_worked_out_from_the_total() -> None:
    # 3 + 10 = 13 shown: hiding the 3 alone would leave it as 13 - 10.
    assert parts([3, 10], private=False) == [FEW, WITHHELD]
    # The next smallest is withheld, not the largest.
    assert parts([2, 7, 30], private=False) == [FEW, WITHHELD, 30]
    # Two hidden already: the total tells only their sum.
    assert parts([2, 3, 30], private=False) == [FEW, FEW, 30]
    assert parts([0, 12], private=False) == [0, 12]
    assert parts([3, 10], private=True) == [3, 10]


def test_a_table_with_row_and_column_totals_hides_enough_in_both() -> None:
    rows = [[6, 3], [0, 2], [1, 0], [20, 9]]
    shown = table(rows, private=False)
    for r, row in enumerate(shown):
        assert sum(isinstance(c, str) for c in row) != 1 or all(
            c == 0 for i, c in enumerate(rows[r]) if isinstance(row[i], int)
        ), row
    for c in range(2):
        column = [row[c] for row in shown]
        hidden = [r for r, v in enumerate(column) if isinstance(v, str)]
        assert len(hidden) != 1 or all(rows[r][c] == 0 for r in range(4) if r not in hidden)
    assert all(shown[r][c] != rows[r][c] for r, c in ((0, 1), (1, 1), (2, 0)))


async def test_the_report_of_a_known_history(
    storage: Storage, services: Services, sealer: Sealer, clock: FakeClock
) -> None:
    history, made = await known_report(storage, services, sealer, clock)
    inside, outside = made.shown, made.outside
    assert inside.totals == (7, 5, 12) and inside.outcome_total == 6
    assert dict(inside.outcomes) == {"changed": 4, "will_change": 0, "cannot_change": 2}
    assert (inside.median_days, inside.p90_days) == (10, 40)
    assert inside.acknowledged == 7 and inside.acknowledged_rate == 58
    assert inside.taken_back == 1 and outside.taken_back == FEW
    assert (inside.held, inside.going, inside.came, inside.attendance_rate) == (2, 11, 9, 82)
    assert inside.hours == [("Voices", 18.0)]
    assert inside.reasons == [REASON, REASON]
    kinds = {k: (n, a, t) for k, n, a, t in outside.kinds}
    assert kinds["feedback"] == (WITHHELD, FEW, 9)
    assert kinds["story"][2] == FEW and kinds["prompt"][2] == FEW
    assert {q.words for q in inside.quotes} >= {ANNA_WORDS}
    assert [q.name for q in inside.quotes if q.words == ANNA_WORDS] == ["Anna"]
    # The observer reads the guarded figures, with no names.
    seen = await services.reports.make(2, history.group_id, Period(START, END))
    assert seen is not None and seen.shown is seen.outside
    assert all(q.name is None for q in seen.shown.quotes)
    # A member may not read it; only an admin may read all groups.
    assert await services.reports.make(100, history.group_id, Period(START, END)) is None
    assert await services.reports.make(1, ALL_GROUPS, Period(START, END)) is None
