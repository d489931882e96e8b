"""The coordinators' inbox (J4): items that need attention, one at a time, and moving each
from received to an outcome. Every step becomes an update for the item's author.

Coordinators see an item only from its `visible_at` on, never withdrawn, and never who
gave an anonymous one: the card carries the date, not the time, and no identity.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.crypto import Sealer, SealError
from bot.presentation import outgoing, texts
from bot.presentation.outgoing import Text, Value, join
from bot.services.contributor_updates import ContributorUpdates, item_hint, sentence
from bot.services.roles import may_manage, readable_groups
from bot.services.text_rules import clean_name, has_visible
from bot.services.when import days_from_today, parse_date
from storage.database import Storage
from storage.followup import EventNew, Overdue
from storage.groups import GroupRow
from storage.items import ItemRow
from storage.people import PersonRow
from storage.tx import Tx

if TYPE_CHECKING:
    from bot.services.conversations import Conversations, Line

EVENT_PURPOSE = "item.event"
MEDIA_PURPOSE = "item.media"
TEXT_MAX = 1000
MEETING_NAME_MAX = 80
UNACKNOWLEDGED_DAYS = 3
OUTCOME_DAYS = 14
OUTCOME_DAY_CHOICES = (7, 14, 21, 28)
# A date typed without a year is this year's if it was at most this long ago (a meeting
# just held), otherwise next year's.
RECENT_PAST = timedelta(days=60)


class Outcome(enum.StrEnum):
    """What came of an item. Values travel in callback data."""

    CHANGED = "changed"
    WILL_CHANGE = "will_change"
    CANNOT_CHANGE = "cannot_change"


class Done(enum.Enum):
    """What happened when a coordinator worked an item."""

    DONE = "done"
    NOT_ALLOWED = "not_allowed"
    GONE = "gone"
    ALREADY = "already"
    EMPTY = "empty"
    TOO_LONG = "too_long"
    BAD_DATE = "bad_date"
    PAST_DATE = "past_date"
    # Done, but its author cannot be reached now (they stopped the bot): it waits for them.
    HELD = "held"
    # No draft to go on with (ended, or kept in a shape no longer known): start again.
    STALE = "stale"


@dataclass(frozen=True)
class Card:
    """One item as a coordinator sees it."""

    item: ItemRow
    group: GroupRow
    words: str | None
    # Named items: the name the author chose ("" for no name); None for anonymous ones.
    author: str | None
    waited_days: int
    # The conversation with its author, oldest message first, and its id while it is open.
    talk: list[Line] = field(default_factory=list)
    talk_open: str | None = None


class InboxFilter(enum.StrEnum):
    """Which items the inbox shows. Values travel in callback data."""

    ALL = "a"
    NEW = "n"
    WAITING = "w"
    OVERDUE = "o"

    @property
    def stored(self) -> str:
        """The name storage knows this set of items by (`storage.followup.INBOX_SETS`)."""
        return _INBOX_SETS[self]


_INBOX_SETS = {
    InboxFilter.ALL: "all",
    InboxFilter.NEW: "new",
    InboxFilter.WAITING: "waiting",
    InboxFilter.OVERDUE: "overdue",
}


@dataclass(frozen=True)
class InboxView:
    """A group's inbox: counts by filter, and the item to look at now, if any."""

    group: GroupRow
    which: InboxFilter
    card: Card | None
    counts: dict[InboxFilter, int]
    # False for observers: they read, and never see who gave an item.
    may_act: bool = True


@dataclass(frozen=True)
class Preview:
    """What an outcome or reply will say to its author, or why it cannot be sent."""

    done: Done
    said: Value | None = None


def parse_day(text: str, today: date) -> date | None:
    """A date typed as "12 March", "12 Mar 2027", "12/3" or "12/3/27" (or in Welsh or
    Arabic, as `when` reads them); "today", "tomorrow".

    Without a year, it is this year's date if that is today, later, or recently past, else
    next year's."""
    ahead = days_from_today(text)
    if ahead is not None:
        return today + timedelta(days=ahead)
    typed = parse_date(text)
    if typed is None:
        return None
    year, month, day = typed
    for candidate in [year] if year else [today.year, today.year + 1]:
        try:
            found = date(candidate, month, day)
        except ValueError:
            continue
        if year or found >= today - RECENT_PAST:
            return found
    return None


def split_meeting(text: str) -> tuple[str, str] | None:
    """ "Board meeting, 12 March" as (name, date text); the date follows the last comma,
    or the last " on "."""
    for separator in (",", " on "):
        name, found, when = text.rpartition(separator)
        if found and name.strip() and when.strip():
            return name.strip(), when.strip()
    return None


class Inbox:
    """Showing a group's items to its coordinators and moving each one on."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        admin_ids: frozenset[int],
        sealer: Sealer,
        contributor_updates: ContributorUpdates,
        zone: ZoneInfo,
        conversations: Conversations | None = None,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._admins = admin_ids
        self._sealer = sealer
        self._contributor_updates = contributor_updates
        self._zone = zone
        self._conversations = conversations

    def today(self) -> date:
        """Today's local date."""
        return self._clock.now().astimezone(self._zone).date()

    async def groups(self, telegram_id: int) -> list[GroupRow]:
        """The groups whose inbox this person may open: to work it (coordinators, admins)
        or to read it (observers)."""
        async with self._storage.read() as tx:
            return await readable_groups(tx, telegram_id, self._admins)

    async def view(
        self,
        telegram_id: int,
        group_id: int,
        which: InboxFilter = InboxFilter.ALL,
        after_item: int | None = None,
    ) -> InboxView | None:
        """The group's inbox from the oldest item (or the one after `after_item`); None if
        this person may not see it. Observers see it without names and cannot act."""
        now = self._clock.now()
        async with self._storage.read() as tx:
            group = await tx.groups.get(group_id)
            if group is None:
                return None
            may_act = await may_manage(tx, telegram_id, group_id, self._admins)
            if not may_act and group not in await readable_groups(tx, telegram_id, self._admins):
                return None
            overdue = await self.overdue(tx, group_id)
            after = None
            if after_item is not None:
                previous = await tx.followup.item(after_item)
                if previous is not None and previous.group_id == group_id:
                    after = (previous.given_on, previous.id)
            item = await tx.followup.inbox_next(group_id, which.stored, now, overdue, after)
            if item is None and after is not None:
                # Past the last one: start again from the oldest.
                item = await tx.followup.inbox_next(group_id, which.stored, now, overdue)
            card = await self._card(tx, item, group, may_act) if item is not None else None
            stored = await tx.followup.inbox_counts(group_id, now, overdue)
            counts = {f: stored[f.stored] for f in InboxFilter}
        return InboxView(group, which, card, counts, may_act)

    async def card(self, telegram_id: int, item_id: int) -> Card | None:
        """One item, for a coordinator of its group; None otherwise."""
        async with self._storage.read() as tx:
            item = await self._visible_item(tx, telegram_id, item_id)
            if item is None:
                return None
            group = await tx.groups.get(item.group_id)
            assert group is not None
            return await self._card(tx, item, group)

    async def media(self, telegram_id: int, item_id: int) -> tuple[str, str] | None:
        """The voice note or photo of an item as (kind, Telegram file id), for a coordinator."""
        async with self._storage.read() as tx:
            item = await self._visible_item(tx, telegram_id, item_id)
        if item is None or item.media_kind is None or item.media_file_id is None:
            return None
        try:
            return item.media_kind, self._sealer.open(item.media_file_id, MEDIA_PURPOSE)
        except SealError:
            return None

    async def overdue(self, tx: Tx, group_id: int) -> Overdue:
        """The dates on or before which the group's items count as overdue."""
        return self.overdue_by(await tx.followup.outcome_days(group_id))

    def overdue_by(self, outcome_days: int | None) -> Overdue:
        """The overdue dates today, for a group's chosen days without an outcome (or the
        default)."""
        today = self.today()
        return Overdue(
            unacknowledged_by=today - timedelta(days=UNACKNOWLEDGED_DAYS),
            no_outcome_by=today - timedelta(days=outcome_days or OUTCOME_DAYS),
        )

    async def acknowledge(self, telegram_id: int, item_id: int) -> Done:
        """Tell the author their words were read."""
        return await self._step(telegram_id, item_id, "acknowledged", ("received",))

    async def consider(self, telegram_id: int, item_id: int) -> Done:
        """Tell the author the coordinators are looking at what they can do."""
        return await self._step(telegram_id, item_id, "considering", ("received", "acknowledged"))

    async def _step(
        self, telegram_id: int, item_id: int, status: str, allowed_from: tuple[str, ...]
    ) -> Done:
        line = outgoing.text(
            texts.LINE_ACKNOWLEDGED if status == "acknowledged" else texts.LINE_CONSIDERING
        )
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            found = await self._guard(tx, telegram_id, item_id)
            if isinstance(found, Done):
                return found
            item, person = found
            if item.status not in allowed_from:
                return Done.ALREADY
            await tx.followup.set_status(item.id, status)
            event_id = await tx.followup.add_event(EventNew(item.id, status, now, person))
            await self._contributor_updates.queue(tx, item, line, f"e{event_id}", now)
        return Done.DONE

    async def take_to_meeting(self, telegram_id: int, item_id: int, text: str) -> Done:
        """Record that the item goes to a named meeting on a date ("Board meeting, 12 March")."""
        parts = split_meeting(text)
        if parts is None:
            return Done.BAD_DATE
        name = clean_name(parts[0], MEETING_NAME_MAX)
        held_on = parse_day(parts[1], self.today())
        if name is None:
            return Done.TOO_LONG if parts[0].strip() else Done.EMPTY
        if held_on is None:
            return Done.BAD_DATE
        now = self._clock.now()
        template = texts.LINE_MEETING if held_on >= self.today() else texts.LINE_MEETING_PAST
        line = outgoing.text(template, meeting=name, date=outgoing.Day(held_on))
        async with self._storage.transaction() as tx:
            found = await self._guard(tx, telegram_id, item_id)
            if isinstance(found, Done):
                return found
            item, person = found
            if item.status == "outcome":
                return Done.ALREADY
            meeting_id = await tx.followup.add_meeting(item.group_id, name, held_on, now)
            event = EventNew(item.id, "meeting", now, person, meeting_id=meeting_id)
            event_id = await tx.followup.add_event(event)
            await tx.followup.set_status(item.id, "meeting")
            await self._contributor_updates.queue(tx, item, line, f"e{event_id}", now)
        return Done.DONE

    def due_problem(self, text: str) -> tuple[Done, date | None]:
        """A "by when" date for an outcome that will change: it must be today or later."""
        due = parse_day(text, self.today())
        if due is None:
            return Done.BAD_DATE, None
        if due < self.today():
            return Done.PAST_DATE, None
        return Done.DONE, due

    async def preview_outcome(
        self, telegram_id: int, item_id: int, outcome: Outcome, text: str, due_on: date | None
    ) -> Preview:
        """The outcome exactly as the author will read it."""
        return await self._preview(telegram_id, item_id, _outcome_line(outcome, text, due_on))

    async def preview_reply(self, telegram_id: int, item_id: int, text: str) -> Preview:
        """The reply exactly as the author will read it."""
        return await self._preview(telegram_id, item_id, _reply_line(text), answerable=True)

    async def record_outcome(
        self, telegram_id: int, item_id: int, outcome: Outcome, text: str, due_on: date | None
    ) -> Done:
        """Record what came of the item, and tell its author."""
        line = _outcome_line(outcome, text, due_on)
        if isinstance(line, Done):
            return line
        if outcome is Outcome.WILL_CHANGE and due_on is None:
            return Done.BAD_DATE
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            found = await self._guard(tx, telegram_id, item_id)
            if isinstance(found, Done):
                return found
            item, person = found
            event = EventNew(
                item.id,
                "outcome",
                now,
                person,
                outcome=outcome.value,
                text=self._sealer.seal(text.strip(), EVENT_PURPOSE),
                due_on=due_on,
            )
            event_id = await tx.followup.add_event(event)
            await tx.followup.set_status(item.id, "outcome", outcome.value)
            await self._contributor_updates.queue(tx, item, line, f"e{event_id}", now)
        return Done.DONE

    async def reply(self, telegram_id: int, item_id: int, text: str) -> Done:
        """Send the author a reply they can answer. A reply counts as acknowledging an item
        not yet acknowledged; otherwise its status does not change."""
        line = _reply_line(text)
        if isinstance(line, Done):
            return line
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            found = await self._guard(tx, telegram_id, item_id)
            if isinstance(found, Done):
                return found
            item, person = found
            sealed = self._sealer.seal(text.strip(), EVENT_PURPOSE)
            event_id = await tx.followup.add_event(
                EventNew(item.id, "reply", now, person, text=sealed)
            )
            talk, reachable = None, True
            if self._conversations is not None:
                talk = await self._conversations.open_for_item(tx, item, person, text.strip(), now)
                reachable = await self._conversations.reachable(tx, item)
            if item.status == "received":
                await tx.followup.set_status(item.id, "acknowledged")
            await self._contributor_updates.queue(tx, item, line, f"e{event_id}", now, talk)
        return Done.DONE if reachable else Done.HELD

    async def outcome_days(self, telegram_id: int, group_id: int) -> int | None:
        """Days without an outcome before the group's coordinators are nudged."""
        async with self._storage.read() as tx:
            if not await may_manage(tx, telegram_id, group_id, self._admins):
                return None
            return await tx.followup.outcome_days(group_id) or OUTCOME_DAYS

    async def set_outcome_days(self, telegram_id: int, group_id: int, days: int) -> bool:
        """Change the days without an outcome before a nudge (one of the choices)."""
        if days not in OUTCOME_DAY_CHOICES:
            return False
        async with self._storage.transaction() as tx:
            if not await may_manage(tx, telegram_id, group_id, self._admins):
                return False
            await tx.followup.set_outcome_days(group_id, days)
        return True

    async def _preview(
        self, telegram_id: int, item_id: int, line: Value | Done, answerable: bool = False
    ) -> Preview:
        if isinstance(line, Done):
            return Preview(line)
        async with self._storage.read() as tx:
            item = await self._visible_item(tx, telegram_id, item_id)
            if item is None:
                return Preview(Done.GONE)
            said: Value = outgoing.text(
                texts.UPDATE_ONE, block=self._contributor_updates.block([item], line)
            )
            if answerable and self._conversations is not None:
                # A reply opens a conversation: the author reads how to answer it, too.
                said = join("\n\n", [said, await item_hint(tx, item)])
        return Preview(Done.DONE, said)

    async def _guard(
        self, tx: Tx, telegram_id: int, item_id: int
    ) -> tuple[ItemRow, int | None] | Done:
        """The item and the acting person's id, if they may work it."""
        item = await self._visible_item(tx, telegram_id, item_id)
        if item is None:
            return Done.GONE
        person = await tx.people.by_telegram_id(telegram_id)
        return item, person.id if person else None

    async def _visible_item(self, tx: Tx, telegram_id: int, item_id: int) -> ItemRow | None:
        item = await tx.followup.item(item_id)
        if item is None or item.withdrawn_on is not None:
            return None
        if item.visible_at > self._clock.now():
            return None
        if not await may_manage(tx, telegram_id, item.group_id, self._admins):
            return None
        return item

    async def _card(self, tx: Tx, item: ItemRow, group: GroupRow, named: bool = True) -> Card:
        author: str | None = None
        if item.person_id is not None and named:
            person: PersonRow | None = await tx.people.get(item.person_id)
            author = (person.display_name if person else None) or ""
        waited = (self.today() - item.given_on).days
        talk: list[Line] = []
        talk_open = None
        if self._conversations is not None and named:
            # Only the coordinators read a conversation (members are told so), not observers.
            talk, talk_open = await self._conversations.history(tx, item.id)
        return Card(
            item,
            group,
            self._contributor_updates.words_of(item),
            author,
            max(0, waited),
            talk,
            talk_open,
        )


def _checked(text: str) -> str | Done:
    cleaned = text.strip()
    if not has_visible(cleaned):
        return Done.EMPTY
    if len(cleaned) > TEXT_MAX:
        return Done.TOO_LONG
    return cleaned


def _outcome_line(outcome: Outcome, text: str, due_on: date | None) -> Text | Done:
    checked = _checked(text)
    if isinstance(checked, Done):
        return checked
    if outcome is Outcome.CHANGED:
        return outgoing.text(texts.LINE_CHANGED, text=sentence(checked))
    if outcome is Outcome.WILL_CHANGE:
        when = outgoing.Day(due_on) if due_on else ""
        return outgoing.text(texts.LINE_WILL_CHANGE, text=sentence(checked), date=when)
    return outgoing.text(texts.LINE_CANNOT_CHANGE, text=_capital(sentence(checked)))


def _reply_line(text: str) -> Text | Done:
    checked = _checked(text)
    if isinstance(checked, Done):
        return checked
    return outgoing.text(texts.LINE_REPLY, text=checked)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def item_arg(value: str) -> int | None:
    """An item id from callback data (random ids are longer than other numbers)."""
    return int(value) if re.fullmatch(r"[1-9][0-9]{0,18}", value) else None
