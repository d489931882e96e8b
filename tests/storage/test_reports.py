"""The counts behind /report, on every backend, against a history with known answers
(tests/support/report_history.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import insert

from bot.crypto import Sealer
from storage import schema
from storage.database import Storage
from tests.support.report_history import END, START, seed_history

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


async def test_report_counts_match_the_known_history(storage: Storage, sealer: Sealer) -> None:
    history = await seed_history(storage, sealer, 1, 2, list(range(100, 110)))
    groups = [history.group_id]
    async with storage.read() as tx:
        r = tx.reports
        inputs = {(c.kind, c.named): c.count for c in await r.input_counts(groups, START, END)}
        assert inputs == {
            ("feedback", True): 6,
            ("feedback", False): 3,
            ("story", False): 2,
            ("prompt", True): 1,
        }
        assert await r.acknowledged_within(groups, START, END, 3) == 7
        outcomes = sorted(
            (o.outcome, o.days, o.count) for o in await r.outcome_days(groups, START, END)
        )
        # The withdrawn item reached "changed" on day 0 and is not among them.
        assert outcomes == [
            ("cannot_change", 30, 1),
            ("cannot_change", 40, 1),
            ("changed", 2, 1),
            ("changed", 5, 1),
            ("changed", 10, 1),
            ("changed", 20, 1),
        ]
        assert len(await r.reasons(groups, START, END, 10)) == 2
        # Open at 31 May, by age in days: 6 (up to 14); 21 and 30 (15 to 30); 41, 59
        # and 60 (31 to 90).
        assert await r.open_ages(groups, END) == [1, 2, 3, 0]
        assert await r.withdrawn(groups, START, END) == 1
        assert await r.withdrawn(groups, START, date(2026, 4, 4)) == 0
        days = await r.by_day(groups, START, END)
        assert sum(d.received for d in days) == 12 and sum(d.closed for d in days) == 6
        sessions = await r.sessions(
            groups, datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC), NOW
        )
        assert [(s.held, s.invited, s.going, s.came, s.minutes) for s in sessions] == [
            (True, 10, 6, 5, 600),
            (True, 10, 5, 4, 480),
        ]
        count, quotes = await r.quotable(groups, START, END, date(2026, 6, 1), 10)
        assert count == 2
        assert sorted(q.consent for q in quotes) == ["quote_anonymous", "quote_named"]
        # Another group's report counts none of it.
        assert await r.input_counts([history.group_id + 1], START, END) == []
        assert await r.input_counts(None, START, END) != []


async def test_time_kept_for_people_forgotten_counts_by_group_and_day(
    storage: Storage, sealer: Sealer
) -> None:
    history = await seed_history(storage, sealer, 1, 2, list(range(100, 110)))
    async with storage.transaction() as tx:
        await tx.conn.execute(
            insert(schema.kept_hours),
            [
                {"group_id": history.group_id, "minutes": 120, "on_day": date(2026, 3, 10)},
                {"group_id": history.group_id, "minutes": 30, "on_day": date(2026, 5, 31)},
                {"group_id": history.group_id, "minutes": 45, "on_day": date(2026, 6, 1)},
                {"group_id": None, "minutes": 60, "on_day": date(2026, 3, 10)},
            ],
        )
    async with storage.read() as tx:
        kept = await tx.reports.kept_minutes([history.group_id], START, END)
        everyone = await tx.reports.kept_minutes(None, START, END)
        other = await tx.reports.kept_minutes([history.group_id + 1], START, END)
    assert kept == everyone == {history.group_id: 150}
    assert other == {}
