"""Reports (J8): for a period, how input became outcomes, sessions and attendance, and
involvement hours, for a group's coordinators, its observers (no names, small numbers
guarded) and admins (every group). The rules live here; storage counts, presentation
words and bot/report_files.py draws."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.crypto import Sealer, SealError
from bot.services.contributor_updates import BODY_PURPOSE
from bot.services.inbox import EVENT_PURPOSE
from bot.services.reports.periods import Period
from bot.services.reports.report import ACK_DAYS, Quote, Raw, Report, build
from bot.services.roles import may_manage, readable_groups
from storage.database import Storage
from storage.groups import GroupRow
from storage.tx import Tx

ALL_GROUPS = 0
QUOTES_SHOWN = 10
REASONS_SHOWN = 10


@dataclass(frozen=True)
class Choice:
    """The groups a person may report on, and whether they may report on all at once."""

    groups: list[GroupRow]
    all_groups: bool


@dataclass(frozen=True)
class Made:
    """A report: as the person's own chat shows it, and as files that leave it carry it."""

    shown: Report
    outside: Report


class Reports:
    """Makes reports for the people allowed to read them."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        admin_ids: frozenset[int],
        sealer: Sealer,
        zone: ZoneInfo,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._admins = admin_ids
        self._sealer = sealer
        self._zone = zone

    def today(self) -> date:
        """Today, in the configured zone."""
        return self._clock.now().astimezone(self._zone).date()

    async def choice(self, telegram_id: int) -> Choice:
        """The groups this person may report on (coordinated or observed; all for admins)."""
        async with self._storage.read() as tx:
            groups = await readable_groups(tx, telegram_id, self._admins)
        return Choice(groups, telegram_id in self._admins)

    async def make(self, telegram_id: int, group_id: int, period: Period) -> Made | None:
        """The report on one group (or ALL_GROUPS, admins only); None if not allowed."""
        async with self._storage.read() as tx:
            allowed = await self._allowed(tx, telegram_id, group_id)
            if allowed is None:
                return None
            title, groups, manages = allowed
            raw = await self._raw(tx, groups, period)
        outside = build(raw, title, period, private=False, names=manages)
        shown = build(raw, title, period, private=True, names=True) if manages else outside
        return Made(shown, outside)

    async def _allowed(
        self, tx: Tx, telegram_id: int, group_id: int
    ) -> tuple[str | None, list[int] | None, bool] | None:
        """(title, groups or None for all, manages) if this person may read the report."""
        if group_id == ALL_GROUPS:
            return (None, None, True) if telegram_id in self._admins else None
        group = await tx.groups.get(group_id)
        if group is None:
            return None
        if await may_manage(tx, telegram_id, group_id, self._admins):
            return group.name, [group_id], True
        readable = await readable_groups(tx, telegram_id, self._admins)
        if any(g.id == group_id for g in readable):
            return group.name, [group_id], False
        return None

    async def _raw(self, tx: Tx, groups: list[int] | None, period: Period) -> Raw:
        r, start, end = tx.reports, period.start, period.end
        names = {g.id: g.name for g in await tx.groups.all()}
        sessions = await r.sessions(
            groups, self._utc(start), self._utc(end + timedelta(days=1)), self._clock.now()
        )
        minutes: dict[str, int] = defaultdict(int)
        for s in sessions:
            minutes[names.get(s.group_id, "")] += s.minutes if s.held else 0
        for gid, kept in (await r.kept_minutes(groups, start, end)).items():
            minutes[names.get(gid, "")] += kept
        quotes_total, quotes = await self._quotes(tx, groups, period, names)
        sealed_reasons = await r.reasons(groups, start, end, REASONS_SHOWN)
        reasons = [self._open(s, EVENT_PURPOSE) for s in sealed_reasons]
        return Raw(
            inputs=await r.input_counts(groups, start, end),
            acknowledged=await r.acknowledged_within(groups, start, end, ACK_DAYS),
            outcome_days=await r.outcome_days(groups, start, end),
            reasons=[t for t in reasons if t],
            open_ages=await r.open_ages(groups, end),
            withdrawn=await r.withdrawn(groups, start, end),
            by_day=await r.by_day(groups, start, end),
            sessions=sessions,
            minutes={name: m for name, m in minutes.items() if m},
            quotes_total=quotes_total,
            quotes=quotes,
        )

    async def _quotes(
        self, tx: Tx, groups: list[int] | None, period: Period, names: dict[int, str]
    ) -> tuple[int, list[Quote]]:
        """How many outcomes may be quoted, and the newest, their words opened; a name
        only where its author agreed to be quoted with it."""
        today = self.today()
        total, rows = await tx.reports.quotable(
            groups, period.start, period.end, today, QUOTES_SHOWN
        )
        quotes = [
            Quote(
                names.get(q.group_id, ""),
                q.at.astimezone(self._zone).date(),
                q.outcome,
                self._open(q.body, BODY_PURPOSE),
                self._open(q.text, EVENT_PURPOSE),
                q.author_name if q.consent == "quote_named" else None,
            )
            for q in rows
        ]
        return total, quotes

    def _utc(self, day: date) -> datetime:
        return datetime.combine(day, time(), self._zone).astimezone(UTC)

    def _open(self, sealed: str | None, purpose: str) -> str | None:
        if sealed is None:
            return None
        try:
            return self._sealer.open(sealed, purpose)
        except SealError:
            return None
