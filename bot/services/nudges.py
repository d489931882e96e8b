"""The coordinators' daily notice (J4): who joined and who left each group, items new in
their inboxes since the day before, and items waiting too long (no acknowledgement after 3
days, no outcome after the group's chosen days, 14 unless changed). One message per
coordinator per day, through the outbox.

Items are listed by kind and date only: never words, never who gave them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.crypto import Sealer
from bot.presentation import outgoing, texts
from bot.presentation.outgoing import Text, Value, join, words
from bot.services.delivery_rules import seal_payload
from bot.services.inbox import Inbox
from storage.database import Storage
from storage.followup import Waiting, WaitingItem
from storage.groups import GroupRow
from storage.outbox import OutboxNew
from storage.tx import Tx

NOTICE_AT = time(9, 0)
RUN_NAME = "coordinators"
KIND = "nudge"
LIST_MAX = 10
# How long a departure is remembered for the notice; only its date matters after that.
DEPARTURES_KEPT = timedelta(days=30)
# Of a coordinator's reason for removing a member, kept (sealed) with the departure.
REASON_PURPOSE = "membership_departure.reason"

KIND_WORDS = {
    "prompt": texts.INBOX_KIND_PROMPT,
    "feedback": texts.INBOX_KIND_FEEDBACK,
    "session": texts.INBOX_KIND_SESSION,
    "story": texts.INBOX_KIND_STORY,
}


@dataclass(frozen=True)
class GroupNotice:
    """What one group's coordinators hear today."""

    group: GroupRow
    new: int
    unacknowledged: Waiting
    no_outcome: Waiting
    outcome_days: int
    # Names (None: no name chosen) of who joined and who left since the last notice.
    joined: tuple[str | None, ...] = ()
    left: tuple[str | None, ...] = ()
    # A coordinator's reason for removing someone (their name, the reason), opened.
    reasons: tuple[tuple[str | None, str], ...] = ()


def kind_said(kind: str) -> Text:
    """An item's kind, as words to show."""
    return outgoing.text(KIND_WORDS.get(kind, texts.INBOX_KIND_FEEDBACK))


class Nudges:
    """The daily notice to coordinators, run once a day from the first tick after 9:00."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        inbox: Inbox,
        zone: ZoneInfo,
        sealer: Sealer | None = None,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._inbox = inbox
        self._zone = zone
        # Opens coordinators' reasons for removals, and seals the notices that show them.
        self._sealer = sealer

    async def run_daily(self, now: datetime | None = None) -> int:
        """Queue today's notices if it is time at `now` (the clock's moment unless given)
        and they are not queued yet; how many."""
        now = now or self._clock.now()
        local = now.astimezone(self._zone)
        if local.time() < NOTICE_AT:
            return 0
        today = local.date()
        async with self._storage.read() as tx:
            last = await tx.followup.last_run(RUN_NAME)
        if last is not None and last[0] >= today:
            return 0
        async with self._storage.transaction() as tx:
            if not await tx.followup.claim_run(RUN_NAME, today, now):
                return 0
            since = last[1] if last is not None else now - timedelta(days=1)
            notices = await self._notices(tx, today, since, now)
            await tx.groups.prune_departures(now - DEPARTURES_KEPT)
            rows = await self._messages(tx, notices, today, now)
            await tx.outbox.enqueue(rows, now)
        return len(rows)

    async def _notices(
        self, tx: Tx, today: date, since: datetime, now: datetime
    ) -> dict[int, GroupNotice]:
        groups = {g.id: g for g in await tx.groups.all()}
        new = await tx.followup.newly_visible(list(groups), since, now)
        chosen = await tx.followup.all_outcome_days()
        thresholds = {g: self._inbox.overdue_by(chosen.get(g)) for g in groups}
        waiting = await tx.followup.waiting(thresholds, LIST_MAX)
        joined: dict[int, list[str | None]] = defaultdict(list)
        left: dict[int, list[str | None]] = defaultdict(list)
        reasons: dict[int, list[tuple[str | None, str]]] = defaultdict(list)
        for change in await tx.groups.changes(since, now):
            (joined if change.joined else left)[change.group_id].append(change.display_name)
            if change.reason and self._sealer is not None:
                reason = self._sealer.open(change.reason, REASON_PURPOSE)
                reasons[change.group_id].append((change.display_name, reason))
        notices = {}
        for group in groups.values():
            unacknowledged, late = waiting[group.id]
            came, went = tuple(joined[group.id]), tuple(left[group.id])
            if new.get(group.id) or late.count or unacknowledged.count or came or went:
                notices[group.id] = GroupNotice(
                    group,
                    new.get(group.id, 0),
                    unacknowledged,
                    late,
                    (today - thresholds[group.id].no_outcome_by).days,
                    came,
                    went,
                    tuple(reasons[group.id]),
                )
        return notices

    async def _messages(
        self, tx: Tx, notices: dict[int, GroupNotice], today: date, now: datetime
    ) -> list[OutboxNew]:
        by_person: dict[int, list[GroupNotice]] = defaultdict(list)
        for group_id, person_id in await tx.followup.coordinators_of(list(notices)):
            by_person[person_id].append(notices[group_id])
        return [
            OutboxNew(
                dedupe_key=f"n{today.isoformat()}:{person_id}",
                kind=KIND,
                person_id=person_id,
                payload=self._payload(own, today),
                due_at=now,
            )
            for person_id, own in sorted(by_person.items())
        ]

    def _payload(self, notices: list[GroupNotice], today: date) -> str:
        """A notice as queued: sealed when it holds a coordinator's reason for a removal."""
        said = outgoing.message(notice_message(notices, today))
        if self._sealer is None or not any(notice.reasons for notice in notices):
            return said.dumps()
        return seal_payload(self._sealer, said)


def notice_message(notices: list[GroupNotice], today: date) -> Text:
    """What the daily notice for one coordinator says."""
    parts: list[Value] = []
    for notice in sorted(notices, key=lambda n: n.group.name):
        lines: list[Value] = [outgoing.text(texts.NUDGE_GROUP, group=notice.group.name)]
        if notice.joined:
            lines.append(outgoing.text(texts.NUDGE_JOINED, names=_names(notice.joined)))
        if notice.left:
            lines.append(outgoing.text(texts.NUDGE_LEFT, names=_names(notice.left)))
        for name, reason in notice.reasons:
            who: Value = name or words(texts.NUDGE_ONE_UNNAMED)
            lines.append(outgoing.text(texts.NUDGE_REMOVED_REASON, name=who, reason=reason))
        if notice.new:
            lines.append(outgoing.text(texts.NUDGE_NEW, count=notice.new))
        if notice.unacknowledged.count:
            lines.append(outgoing.text(texts.NUDGE_UNACKNOWLEDGED_DAYS, count=3))
            lines += _item_lines(notice.unacknowledged, today)
        if notice.no_outcome.count:
            lines.append(outgoing.text(texts.NUDGE_NO_OUTCOME_DAYS, count=notice.outcome_days))
            lines += _item_lines(notice.no_outcome, today)
        parts.append(join("\n", lines))
    return outgoing.text(texts.NUDGE, groups=join("\n\n", parts))


def _names(names: tuple[str | None, ...]) -> Value:
    """Names in a list, with those who chose none counted rather than listed."""
    named: list[Value] = [name for name in names if name]
    unnamed = len(names) - len(named)
    if unnamed == 1:
        named.append(words(texts.NUDGE_ONE_UNNAMED))
    elif unnamed > 1:
        named.append(words(texts.NUDGE_SOME_UNNAMED, count=unnamed))
    return join(", ", named)


def _item_lines(waiting: Waiting, today: date) -> list[Value]:
    items: list[WaitingItem] = waiting.oldest
    lines: list[Value] = [
        outgoing.text(
            texts.NUDGE_ITEM_DAYS,
            kind=kind_said(w.kind),
            date=outgoing.Day(w.given_on),
            count=(today - w.given_on).days,
        )
        for w in items[:LIST_MAX]
    ]
    if waiting.count > len(items):
        lines.append(outgoing.text(texts.NUDGE_MORE, count=waiting.count - len(items)))
    return lines
