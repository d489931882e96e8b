"""A group's history with known report figures, put straight into a database, for the
storage, service and end-to-end tests of /report.

Period: 1 March to 31 May 2026. Group "Voices": coordinator, observer, ten members.
- shared and kept: feedback 6 with a name (Anna) and 3 without; stories 2 without; one
  answer to a question with a name: 12 in all, 7 with a name, 5 without;
- one more feedback, with a name, reached "changed" and was then taken back (April): it
  counts only as taken back, never as an outcome;
- outcomes (first one, days after sharing): changed after 2, 5, 10 and 20 days; cannot
  change after 30 and 40 days ("No budget this year"): median 10, 90th percentile 40;
- answered within 3 days: 7 (an eighth was answered after 5 days);
- two group meetings in April: 6 and 5 said they'd come; 5 and 4 came, 2 hours each:
  11 going, 9 came (82%), 18 hours;
- may be quoted: Anna's "The forms are too long" (with her name) and an anonymous story.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, select

from bot.crypto import Sealer
from bot.services import Services
from bot.services.reports import Made
from bot.services.reports.periods import Period
from storage import schema
from storage.database import Storage
from tests.support.clock import FakeClock

START, END = date(2026, 3, 1), date(2026, 5, 31)
T0 = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
ANNA_WORDS = "The forms are too long"
STORY_WORDS = "Waiting rooms felt cold"
REASON = "No budget this year"
NEWS = "The forms are now one page."


@dataclass(frozen=True)
class History:
    """What was seeded: the group and the people's Telegram ids."""

    group_id: int
    coordinator: int
    observer: int
    anna: int


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), UTC)


async def seed_history(
    storage: Storage, sealer: Sealer, coordinator: int, observer: int, members: list[int]
) -> History:
    """The history described above; `members[0]` is Anna."""
    async with storage.transaction() as tx:
        boss = await tx.people.ensure(coordinator, coordinator, "Cora", T0)
        await tx.people.set_coordinator(boss.id, True)
        group = await tx.groups.create("Voices", "voices", boss.id, T0)
        await tx.groups.add_coordinator(group.id, boss.id)
        watcher = await tx.people.ensure(observer, observer, "Olu", T0)
        await tx.observers.add(group.id, watcher.id, T0)
        ids = []
        for n, tid in enumerate(members):
            person = await tx.people.ensure(tid, tid, "Anna" if n == 0 else f"M{n}", T0)
            await tx.groups.add_member(group.id, person.id, T0)
            ids.append(person.id)
        await _items(tx.conn, sealer, group.id, ids[0])
        await _sessions(tx.conn, group.id, ids, boss.id)
    return History(group.id, coordinator, observer, members[0])


def _item(n: int, group_id: int, kind: str, given: date, **extra: object) -> dict[str, object]:
    row: dict[str, object] = {
        "id": 5 * 10**15 + n,
        "group_id": group_id,
        "kind": kind,
        "reference": f"RPT{n:04d}",
        "consent": "coordinators",
        "given_on": given,
        "visible_at": _at(given),
        "status": "received",
        "outcome": None,
        "person_id": None,
        "pseudonym": None,
        "body": None,
        "withdrawn_on": None,
        "quote_until": None,
    }
    row.update(extra)
    return row


def _event(
    n: int, kind: str, at: datetime, outcome: str | None = None, text: str | None = None
) -> dict[str, object]:
    # Every row names every column: an insert of many rows takes its columns from the first.
    return {"item_id": 5 * 10**15 + n, "kind": kind, "at": at, "outcome": outcome, "text": text}


async def _items(conn: object, sealer: Sealer, group_id: int, anna: int) -> None:
    march = date(2026, 3, 2)
    anon: dict[str, object] = {"pseudonym": "p" * 64}
    named: dict[str, object] = {"person_id": anna}
    # (kind, author, given, days to outcome or None, outcome, extra)
    plan: list[tuple[str, dict[str, object], date, int | None, str | None]] = [
        ("feedback", named, march, 2, "changed"),
        ("feedback", named, march, 5, "changed"),
        ("feedback", named, march, 10, "changed"),
        ("feedback", named, date(2026, 4, 1), None, None),
        ("feedback", named, date(2026, 4, 20), None, None),
        ("feedback", named, date(2026, 5, 25), None, None),
        ("feedback", anon, march, 30, "cannot_change"),
        ("feedback", anon, march, 40, "cannot_change"),
        ("feedback", anon, date(2026, 5, 1), None, None),
        ("story", anon, march, 20, "changed"),
        ("story", anon, date(2026, 4, 2), None, None),
        ("prompt", named, date(2026, 5, 10), None, None),
    ]
    rows, events = [], []
    for n, (kind, who, given, days, outcome) in enumerate(plan):
        extra: dict[str, object] = dict(who)
        if days is not None:
            extra.update(status="outcome", outcome=outcome)
        if n == 0:
            extra.update(consent="quote_named", body=sealer.seal(ANNA_WORDS, "item.body"))
        if n == 9:
            extra.update(consent="quote_anonymous", body=sealer.seal(STORY_WORDS, "item.body"))
        rows.append(_item(n, group_id, kind, given, **extra))
        # Answered the next day, except the eighth item (after 5 days) and the last four.
        if n < 8:
            ack = given + timedelta(days=5 if n == 7 else 1)
            events.append(_event(n, "acknowledged", _at(ack)))
        if days is not None:
            text = REASON if outcome == "cannot_change" else NEWS
            sealed = sealer.seal(text, "item.event")
            events.append(_event(n, "outcome", _at(given + timedelta(days=days)), outcome, sealed))
    # Taken back after it reached an outcome: never counted as one.
    gone = _item(99, group_id, "feedback", march, status="outcome", outcome="changed")
    gone.update(person_id=anna, withdrawn_on=date(2026, 4, 5), consent="quote_named")
    rows.append(gone)
    events.append(_event(99, "outcome", _at(march), "changed"))
    await conn.execute(insert(schema.item), rows)  # type: ignore[attr-defined]
    await conn.execute(insert(schema.item_event), events)  # type: ignore[attr-defined]


async def _sessions(conn: object, group_id: int, people: list[int], by: int) -> None:
    execute = conn.execute  # type: ignore[attr-defined]
    for n, (day, going, came) in enumerate(((date(2026, 4, 8), 6, 5), (date(2026, 4, 22), 5, 4))):
        start = _at(day, 18)
        await execute(
            insert(schema.group_session).values(
                group_id=group_id,
                title=f"Meeting {n}",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                reminders="",
                uid=f"report-{n}",
                created_by=by,
                created_at=T0,
            )
        )
        sid = (
            await execute(
                select(schema.group_session.c.id).where(
                    schema.group_session.c.uid == f"report-{n}"
                )
            )
        ).scalar_one()
        await execute(
            insert(schema.session_answer),
            [
                {"session_id": sid, "person_id": p, "answer": "going", "answered_at": T0}
                for p in people[:going]
            ],
        )
        await execute(
            insert(schema.session_attendance),
            [
                {
                    "session_id": sid,
                    "person_id": p,
                    "came": True,
                    "minutes": 120,
                    "marked_at": start,
                }
                for p in people[:came]
            ],
        )


async def known_report(
    storage: Storage, services: Services, sealer: Sealer, clock: FakeClock
) -> tuple[History, Made]:
    """The known history seeded, and its report as its coordinator (1) asks for it."""
    clock.set(datetime(2026, 6, 15, 12, tzinfo=UTC))
    history = await seed_history(storage, sealer, 1, 2, list(range(100, 110)))
    made = await services.reports.make(1, history.group_id, Period(START, END))
    assert made is not None
    return history, made
