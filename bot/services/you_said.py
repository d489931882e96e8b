""" "You said, we did" (J4): a group's recent outcomes and action updates, for members and
observers to read, and each author's own item history for /mine.

The board quotes only items whose consent allows quoting, and names the author only when
consent says so; an item that may not be quoted is not on the board at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.crypto import Sealer, SealError
from bot.presentation import outgoing, texts
from bot.presentation.outgoing import Text, Value, join
from bot.services.consent import may_quote
from bot.services.contributor_updates import BODY_PURPOSE, first_line
from bot.services.delivery_rules import seal_payload
from bot.services.followup_actions import UPDATE_PURPOSE as ACTION_PURPOSE
from bot.services.followup_actions import board_news
from bot.services.inbox import EVENT_PURPOSE
from bot.services.roles import may_manage, readable_groups
from bot.services.sharing import held_items
from bot.services.withdrawal import Place, Shape, note_queued
from storage.broadcasts import RecipientRow
from storage.database import Storage
from storage.followup import EventRow
from storage.groups import GroupRow
from storage.outbox import OutboxNew
from storage.tx import Tx

BOARD_SIZE = 10
_LONDON = ZoneInfo("Europe/London")
QUOTE_MAX = 120
KIND = "you_said"
# Of the board's fingerprint: the same list is sent to each person once.
BOARD_PURPOSE = "you_said.board"

_OUTCOME_WORDS = {
    "changed": texts.BOARD_CHANGED,
    "will_change": texts.BOARD_WILL_CHANGE,
    "cannot_change": texts.BOARD_CANNOT_CHANGE,
}


@dataclass(frozen=True)
class Board:
    """A group's "you said, we did" list: what it says, for presentation to render."""

    group: GroupRow
    said: Value
    empty: bool
    may_send: bool
    # The items it quotes (so taking one back reaches the messages that show it).
    items: tuple[int, ...] = ()


@dataclass(frozen=True)
class BoardSent:
    """What sending the board to a group did: how many people it was queued for now, and
    whether the same list had gone to them before (then nothing is sent again)."""

    queued: int
    empty: bool = False
    sent_before: bool = False


@dataclass(frozen=True)
class HistoryLine:
    """One thing that happened to an item: when, and what it says."""

    on: date
    said: Value


@dataclass(frozen=True)
class ItemHistory:
    """Everything that happened to one of a member's items."""

    given_on: date
    lines: list[HistoryLine]


class YouSaid:
    """The board of outcomes, sending it to a group, and each author's item history."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        admin_ids: frozenset[int],
        sealer: Sealer,
        zone: ZoneInfo = _LONDON,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._admins = admin_ids
        self._sealer = sealer
        self._zone = zone

    async def groups(self, telegram_id: int) -> list[GroupRow]:
        """The groups whose board this person may read."""
        async with self._storage.read() as tx:
            if telegram_id in self._admins:
                return await tx.groups.all()
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return []
            mine = {g.id: g for g in await tx.groups.of_member(person.id)}
            mine.update({g.id: g for g in await tx.groups.coordinated_by(person.id)})
            # Observers read a group's outcomes too (never who said what).
            mine.update({g.id: g for g in await readable_groups(tx, telegram_id, self._admins)})
        return sorted(mine.values(), key=lambda g: (g.name, g.id))

    async def board(self, telegram_id: int, group_id: int) -> Board | None:
        """The group's board; None if this person may not read it."""
        async with self._storage.read() as tx:
            group = await tx.groups.get(group_id)
            if group is None or not await self._may_read(tx, telegram_id, group_id):
                return None
            said, empty, quoted = await self._said(tx, group)
            may_send = await may_manage(tx, telegram_id, group_id, self._admins)
        return Board(group, said, empty, may_send, tuple(quoted))

    async def send_to_group(self, telegram_id: int, group_id: int) -> BoardSent | None:
        """Send the board to every member who can get messages; None if not allowed. It
        quotes members' words (as their consent allows), so it is sealed.

        The same list goes to each person once, however often it is sent (a second tap, a
        tap handled again): each message's key is the list's keyed fingerprint, not a time.
        """
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            group = await tx.groups.get(group_id)
            if group is None or not await may_manage(tx, telegram_id, group_id, self._admins):
                return None
            said, empty, quoted = await self._said(tx, group)
            if empty:
                return BoardSent(0, empty=True)
            queued = outgoing.message(said, copies=bool(quoted))
            payload = seal_payload(self._sealer, queued)
            people = await _reachable_members(tx, group_id)
            version = self._sealer.fingerprint(queued.dumps(), BOARD_PURPOSE)
            keys = {p.person_id: f"y{group_id}:{version}:{p.person_id}" for p in people}
            before = await tx.outbox.queued_keys(list(keys.values()))
            fresh = [p for p in people if keys[p.person_id] not in before]
            await tx.outbox.enqueue(
                [
                    OutboxNew(
                        dedupe_key=keys[p.person_id],
                        kind=KIND,
                        person_id=p.person_id,
                        payload=payload,
                        due_at=now,
                    )
                    for p in fresh
                ],
                now,
            )
            keys_sent = [keys[p.person_id] for p in fresh]
            await note_queued(tx, quoted, keys_sent, Shape.LIST, Place.BOARD, self._today())
        return BoardSent(len(fresh), sent_before=bool(before))

    async def history(self, telegram_id: int, item_id: int) -> ItemHistory | None:
        """What happened to one of this member's own items; None if it is not theirs."""
        async with self._storage.read() as tx:
            item = await tx.followup.item(item_id)
            person = await tx.people.by_telegram_id(telegram_id)
            if item is None:
                # Sent without a name and waiting for the daily batch: nothing happened yet.
                mine = await held_items(tx, self._sealer, self._sealer.pseudonym(telegram_id))
                held = [i for i in mine if i.id == item_id]
                given = [HistoryLine(h.given_on, outgoing.text(texts.HISTORY_GIVEN)) for h in held]
                return ItemHistory(held[0].given_on, given) if held else None
            if item.withdrawn_on is not None:
                return None
            named = person is not None and item.person_id == person.id
            if not named and item.pseudonym != self._sealer.pseudonym(telegram_id):
                return None
            lines = [HistoryLine(item.given_on, outgoing.text(texts.HISTORY_GIVEN))]
            for e in await tx.followup.events(item.id):
                text = self._open(e.text, EVENT_PURPOSE)
                lines.append(HistoryLine(e.at.date(), _event_words(e.kind, e, text)))
                if e.kind == "linked" and e.action_id is not None:
                    lines += await self._action_lines(tx, e)
        lines.sort(key=lambda line: line.on)
        return ItemHistory(item.given_on, lines)

    async def _action_lines(self, tx: Tx, linked: EventRow) -> list[HistoryLine]:
        """The updates on an action since the item was linked to it."""
        assert linked.action_id is not None
        lines = []
        for update in await tx.followup.action_updates(linked.action_id):
            if update.at < linked.at:
                continue
            words = self._open(update.text, ACTION_PURPOSE) if update.status is None else None
            news = board_news(update.status, words or "")
            title = linked.action_title or ""
            said = outgoing.text(texts.BOARD_ACTION, title=title, news=news)
            lines.append(HistoryLine(update.at.date(), said))
        return lines

    async def _may_read(self, tx: Tx, telegram_id: int, group_id: int) -> bool:
        if await may_manage(tx, telegram_id, group_id, self._admins):
            return True
        person = await tx.people.by_telegram_id(telegram_id)
        if person is None:
            return False
        return await tx.groups.is_member(group_id, person.id) or await tx.observers.is_observer(
            group_id, person.id
        )

    def _today(self) -> date:
        return self._clock.now().astimezone(self._zone).date()

    async def _said(self, tx: Tx, group: GroupRow) -> tuple[Value, bool, list[int]]:
        lines, quoted, unopened = await self._quoted(tx, group)
        unquoted = unopened + await tx.items.unquotable_outcomes(group.id, self._today())
        work = await self._work(tx, group)
        if not lines and not work and not unquoted:
            return outgoing.text(texts.BOARD_EMPTY, group=group.name), True, []
        sections: list[Value] = [outgoing.text(texts.BOARD_HEADER, group=group.name)]
        if lines:
            sections.append(join("\n\n", lines))
        if unquoted:
            sections.append(_unquoted_words(unquoted, bool(lines)))
        if work:
            sections.append(join("\n", [outgoing.text(texts.BOARD_WORK), *work]))
        return join("\n\n", sections), False, quoted

    async def _quoted(self, tx: Tx, group: GroupRow) -> tuple[list[Value], list[int], int]:
        """The outcomes whose words may be quoted, as consent allows; and how many of those
        could not be read (counted with the ones that may not be quoted)."""
        lines: list[Value] = []
        quoted: list[int] = []
        unopened = 0
        today = self._today()
        for entry in await tx.items.quotable_outcomes(group.id, today, BOARD_SIZE):
            if not may_quote(entry.consent, entry.quote_until, today):
                continue
            words = self._open(entry.body, BODY_PURPOSE)
            did = self._open(entry.text, EVENT_PURPOSE)
            if words is None or did is None:
                unopened += 1
                continue
            name = entry.author_name if entry.consent == "quote_named" else None
            said = outgoing.text(
                texts.BOARD_SAID_NAMED if name else texts.BOARD_SAID,
                words=first_line(words, QUOTE_MAX),
                name=name or "",
            )
            template = _OUTCOME_WORDS.get(entry.outcome or "", texts.BOARD_CHANGED)
            due = outgoing.Day(entry.due_on) if entry.due_on else ""
            outcome = outgoing.text(template, text=did, date=due)
            lines.append(outgoing.text(texts.BOARD_ENTRY, said=said, did=outcome))
            quoted.append(entry.item_id)
        return lines, quoted, unopened

    async def _work(self, tx: Tx, group: GroupRow) -> list[Value]:
        work: list[Value] = []
        for action, update in await tx.followup.recent_action_updates(group.id, BOARD_SIZE):
            words = self._open(update.text, ACTION_PURPOSE) if update.status is None else None
            news = board_news(update.status, words or "")
            work.append(outgoing.text(texts.BOARD_ACTION, title=action.title, news=news))
        return work

    def _open(self, sealed: str | None, purpose: str) -> str | None:
        if sealed is None:
            return None
        try:
            return self._sealer.open(sealed, purpose)
        except SealError:
            return None


def _unquoted_words(count: int, after_quotes: bool) -> Value:
    """How many more outcomes there were whose words may not be quoted."""
    if after_quotes:
        return outgoing.text(texts.BOARD_MORE_ONE if count == 1 else texts.BOARD_MORE, count=count)
    template = texts.BOARD_ONLY_UNQUOTED_ONE if count == 1 else texts.BOARD_ONLY_UNQUOTED
    return outgoing.text(template, count=count)


def _event_words(kind: str, event: EventRow, text: str | None) -> Text:
    if kind == "acknowledged":
        return outgoing.text(texts.HISTORY_ACKNOWLEDGED)
    if kind == "considering":
        return outgoing.text(texts.HISTORY_CONSIDERING)
    if kind == "meeting":
        on = outgoing.Day(event.meeting_on) if event.meeting_on else ""
        return outgoing.text(texts.HISTORY_MEETING, meeting=event.meeting_name or "", date=on)
    if kind == "linked":
        return outgoing.text(texts.HISTORY_LINKED, title=event.action_title or "")
    if kind == "reply":
        return outgoing.text(texts.HISTORY_REPLY, text=text or "")
    template = _OUTCOME_WORDS.get(event.outcome or "", texts.BOARD_CHANGED)
    due = outgoing.Day(event.due_on) if event.due_on else ""
    did = outgoing.text(template, text=text or "", date=due)
    return outgoing.text(texts.HISTORY_OUTCOME, did=did)


async def _reachable_members(tx: Tx, group_id: int) -> list[RecipientRow]:
    """The group's members who can get messages now (not paused, not unreachable)."""
    return [
        p for p in await tx.broadcasts.recipients([group_id]) if not p.paused and not p.unreachable
    ]
