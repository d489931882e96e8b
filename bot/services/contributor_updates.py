"""Updates to contributors (J4): every acknowledgement, status change, outcome, reply and
action update reaches the item's author, named or anonymous, at the rhythm they chose.

An update is first a waiting row (its text sealed, since it quotes the author's words).
A tick gathers each author's waiting rows into one message when their rhythm says so,
outside their quiet hours and not while they are paused, and puts it in the outbox. An
anonymous author is known only by the item's pseudonym and reached only through its
sealed return address, opened here (to find their rhythm) and by the delivery worker.
"""

from __future__ import annotations

import enum
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.crypto import Sealer, SealError
from bot.presentation import moments, outgoing, texts
from bot.presentation.buttons import member_buttons
from bot.presentation.outgoing import (
    Html,
    Message,
    Text,
    Value,
    dump_value,
    join,
    load_value,
)
from bot.presentation.texts import Raw
from bot.services.delivery_rules import (
    anonymous_recheck,
    open_payload,
    open_return_address,
    quiet_until,
    seal_payload,
)
from bot.services.withdrawal import Place, Shape, note_queued
from storage.contributor_updates import Author, PendingNew, PendingRow, PreferenceRow
from storage.database import Storage
from storage.items import ItemRow
from storage.outbox import OutboxNew
from storage.people import PersonRow
from storage.tx import Tx

logger = logging.getLogger(__name__)

BODY_PURPOSE = "item.body"
# Stored values (sealed words' purpose, queued messages' kind): they keep the short name
# they were first stored under.
UPDATE_PURPOSE = "update.text"
KIND = "update"
QUOTE_MAX = 60
# A paused member's updates are looked at again this often, so resuming brings them soon.
PAUSED_RECHECK = timedelta(minutes=1)
UNREACHABLE_RECHECK = timedelta(days=1)
RECIPIENTS_PER_RUN = 200
DEFAULT_DIGEST_TIME = "18:00"
# Before a waiting update that is stored as what to say; earlier versions stored the words.
BLOCK_MARK = "said:"
_HHMM = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


class Rhythm(enum.StrEnum):
    """How a member hears about their words. Values travel in callback data."""

    NOW = "now"
    DAILY = "daily"
    WEEKLY = "weekly"


@dataclass(frozen=True)
class DigestPreference:
    """How a member hears about their words: now, daily or weekly at a local time."""

    rhythm: Rhythm
    weekday: int
    at_time: str

    @classmethod
    def stored(cls, row: PreferenceRow) -> DigestPreference:
        """From the stored row; a rhythm no longer known counts as "now"."""
        rhythm = next((r for r in Rhythm if r.value == row.rhythm), Rhythm.NOW)
        return cls(rhythm, row.weekday, row.at_time)

    def to_row(self) -> PreferenceRow:
        """As stored."""
        return PreferenceRow(self.rhythm.value, self.weekday, self.at_time)


# The times a member can choose for a digest.
DIGEST_TIMES = ("08:00", "12:00", "18:00", "20:00")


@dataclass(frozen=True)
class Reach:
    """Where and how an author can be reached right now."""

    person_id: int | None
    return_address: str | None
    person: PersonRow | None
    preference: DigestPreference


def day_words(day: date) -> str:
    """A date as people say it: "3 March"."""
    return moments.day_words(day)


def first_line(words: str, limit: int = QUOTE_MAX) -> str:
    """The first line of someone's words, cut short with "…" if long."""
    line = next((part.strip() for part in words.splitlines() if part.strip()), "")
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def sentence(text: str) -> str:
    """Typed text as a sentence: trimmed, with a full stop if it has no end mark."""
    text = text.strip()
    return text if not text or text[-1] in ".!?…)”\"'" else text + "."


def reminder(item: ItemRow, words: str | None) -> Text:
    """What reminds the author which of their words this is about."""
    on = outgoing.Day(item.given_on)
    if words:
        return outgoing.text(texts.ABOUT_WORDS, date=on, words=first_line(words))
    if item.media_kind == "voice":
        return outgoing.text(texts.ABOUT_VOICE, date=on)
    if item.media_kind == "photo":
        return outgoing.text(texts.ABOUT_PHOTO, date=on)
    return outgoing.text(texts.ABOUT_ITEM, date=on)


def wall_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """A local wall time as a UTC moment. A time skipped when clocks go forward moves to the
    end of the skipped hour; a time that happens twice is its first occurrence."""
    wall = datetime.combine(day, at)
    for minutes in range(0, 181):
        step = wall + timedelta(minutes=minutes)
        moment = step.replace(tzinfo=zone)
        if moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == step:
            return moment.replace(fold=0).astimezone(UTC)
    raise ValueError("no such local time")


def _slot_time(preference: DigestPreference) -> time:
    match = _HHMM.fullmatch(preference.at_time) or _HHMM.fullmatch(DEFAULT_DIGEST_TIME)
    assert match is not None
    return time(int(match.group(1)), int(match.group(2)))


def _is_slot_day(day: date, preference: DigestPreference) -> bool:
    return preference.rhythm == Rhythm.DAILY or day.weekday() == preference.weekday


def last_slot(now: datetime, zone: ZoneInfo, preference: DigestPreference) -> datetime:
    """The latest digest moment at or before `now` (local wall time, in UTC)."""
    today = now.astimezone(zone).date()
    for back in range(0, 9):
        day = today - timedelta(days=back)
        if _is_slot_day(day, preference):
            moment = wall_to_utc(day, _slot_time(preference), zone)
            if moment <= now:
                return moment
    raise AssertionError("a digest moment comes at least once a week")


def next_slot(now: datetime, zone: ZoneInfo, preference: DigestPreference) -> datetime:
    """The first digest moment after `now` (local wall time, in UTC)."""
    today = now.astimezone(zone).date()
    for ahead in range(0, 9):
        day = today + timedelta(days=ahead)
        if _is_slot_day(day, preference):
            moment = wall_to_utc(day, _slot_time(preference), zone)
            if moment > now:
                return moment
    raise AssertionError("a digest moment comes at least once a week")


AS_IT_HAPPENS = DigestPreference(Rhythm.NOW, 0, DEFAULT_DIGEST_TIME)


@dataclass
class _Due:
    """Due updates sorted: messages to queue now, and the updates' ids by what becomes of
    them."""

    messages: list[OutboxNew] = field(default_factory=list)
    queued: list[int] = field(default_factory=list)
    later: list[tuple[int, datetime]] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)


class ContributorUpdates:
    """Queuing updates for authors, gathering them into messages, and members' rhythms."""

    def __init__(self, storage: Storage, clock: Clock, sealer: Sealer) -> None:
        self._storage = storage
        self._clock = clock
        self._sealer = sealer

    # --- Writing updates (inside the caller's transaction) ---------------------------------

    def words_of(self, item: ItemRow) -> str | None:
        """The item's words, opened (None for a voice note or photo without words)."""
        if item.body is None:
            return None
        try:
            return self._sealer.open(item.body, BODY_PURPOSE)
        except SealError:
            logger.error("item words could not be opened (item %d)", item.id)
            return None

    def block(self, items: Sequence[ItemRow], line: Value) -> Value:
        """One update as its author reads it: their words recalled, then what happened, each
        a whole sentence on a line of its own. A `line` already worded (`Raw`) is kept."""
        # Each recalled item is a whole sentence of its own: "On 1 March you said: “…”"
        about: list[Value] = [reminder(i, self.words_of(i)) for i in items]
        happened = Html(line) if isinstance(line, Raw) else line
        return join("\n", [*about, happened])

    async def queue(
        self,
        tx: Tx,
        item: ItemRow,
        line: Value,
        source: str,
        now: datetime,
        conversation_id: str | None = None,
    ) -> bool:
        """Queue an update about one item for its author; False if the item is withdrawn.
        With a conversation, the author can answer it (Reply under the message)."""
        if item.withdrawn_on is not None:
            return False
        pending = self._pending(item, self.block([item], line), source, now)
        if conversation_id is not None:
            pending = replace(pending, conversation_id=conversation_id)
        await tx.contributor_updates.add([pending], now)
        return True

    async def queue_for_items(
        self, tx: Tx, items: Sequence[ItemRow], line: Value, source: str, now: datetime
    ) -> int:
        """Queue one update per author of these items, however many of them each gave;
        how many authors. A named and an anonymous item of one person count once."""
        by_author: dict[str, list[ItemRow]] = {}
        for item in items:
            if item.withdrawn_on is not None:
                continue
            key = await self._author_key(tx, item)
            if key is not None:
                by_author.setdefault(key, []).append(item)
        rows = []
        for number, own in enumerate(by_author.values()):
            # A named item, if they gave one, is the one the message is sent about.
            own.sort(key=lambda i: (i.person_id is None, i.given_on, i.id))
            rows.append(self._pending(own[0], self.block(own, line), f"{source}:{number}", now))
        await tx.contributor_updates.add(rows, now)
        return len(rows)

    async def _author_key(self, tx: Tx, item: ItemRow) -> str | None:
        """The same key for every item of one person: their pseudonym."""
        if item.pseudonym is not None:
            return item.pseudonym
        if item.person_id is None:
            return None
        person = await tx.people.get(item.person_id)
        return None if person is None else self._sealer.pseudonym(person.telegram_id)

    def _pending(self, item: ItemRow, block: Value, source: str, now: datetime) -> PendingNew:
        # Stored as what to say, worded when the message is sent.
        said = BLOCK_MARK + dump_value(block)
        return PendingNew(
            item_id=item.id,
            person_id=item.person_id,
            pseudonym=None if item.person_id is not None else item.pseudonym,
            text=self._sealer.seal(said, UPDATE_PURPOSE),
            source=source,
            due_at=now,
        )

    # --- Gathering and sending -------------------------------------------------------------

    async def run_due(self, zone: ZoneInfo, quiet_default: str) -> int:
        """Put every author's due updates in the outbox as one message each; how many."""
        now = self._clock.now()
        async with self._storage.read() as tx:
            if not await tx.contributor_updates.due_recipients(now, 1):
                return 0
        async with self._storage.transaction() as tx:
            recipients = await tx.contributor_updates.due_recipients(now, RECIPIENTS_PER_RUN)
            pending = await tx.contributor_updates.pending_for(recipients)
            dropped = [r.id for rows in pending.values() for r in rows if r.withdrawn]
            live = {
                who: [r for r in rows if not r.withdrawn]
                for who, rows in pending.items()
                if any(not r.withdrawn for r in rows)
            }
            due = await self._sort_due(tx, live, now, zone, quiet_default)
            dropped += due.dropped
            messages = await self._answerable(tx, due.messages, live)
            await tx.outbox.enqueue(messages, now)
            await self._note_copies(tx, messages, live, now.astimezone(zone).date())
            await tx.contributor_updates.mark(due.queued, "queued", now)
            await tx.contributor_updates.mark(dropped, "dropped", now)
            await tx.contributor_updates.reschedule(due.later)
        return len(messages)

    async def _sort_due(
        self,
        tx: Tx,
        live: dict[Author, list[PendingRow]],
        now: datetime,
        zone: ZoneInfo,
        quiet_default: str,
    ) -> _Due:
        """Each author's updates: one message now, held until later, or dropped (the
        author can no longer be reached)."""
        reaches = await self.reach(tx, {who: rows[0].return_address for who, rows in live.items()})
        due = _Due()
        for who, rows in live.items():
            ids = [r.id for r in rows]
            reach = reaches.get(who)
            if reach is None:
                due.dropped += ids
                continue
            wait = self._hold(reach, rows, now, zone, quiet_default)
            if wait is not None:
                if reach.person_id is None:
                    wait = anonymous_recheck(now)
                due.later += [(update_id, wait) for update_id in ids]
                continue
            due.messages.append(self._message(rows, reach, now))
            due.queued += ids
        return due

    @staticmethod
    async def _note_copies(
        tx: Tx, messages: list[OutboxNew], live: dict[Author, list[PendingRow]], today: date
    ) -> None:
        """Each message quotes its items' words: taking one back reaches the message too."""
        keys = {message.dedupe_key for message in messages}
        for rows in live.values():
            key = f"u{rows[0].id}"
            if key in keys:
                shape = Shape.CARD if len(rows) == 1 else Shape.LIST
                items = [r.item_id for r in rows]
                await note_queued(tx, items, [key], shape, Place.UPDATE, today)

    async def _answerable(
        self,
        tx: Tx,
        messages: list[OutboxNew],
        live: dict[Author, list[PendingRow]],
    ) -> list[OutboxNew]:
        """Messages holding a coordinator's reply get the buttons to answer it, while its
        conversation is open."""
        wanted = {r.conversation_id for rows in live.values() for r in rows if r.conversation_id}
        if not wanted:
            return messages
        still_open = await tx.conversations.open_ids(sorted(wanted))
        by_key = {
            f"u{rows[0].id}": [r.conversation_id for r in rows if r.conversation_id in still_open]
            for rows in live.values()
        }
        answerable = []
        for message in messages:
            chosen = list(dict.fromkeys(by_key.get(message.dedupe_key) or []))
            if chosen:
                queued = open_payload(self._sealer, message.payload)
                assert isinstance(queued, Message)  # made by `_message` just now
                buttons = [row for c in chosen if c for row in member_buttons(c)]
                hint = await conversation_hint(tx, chosen[0] or "")
                said = join("\n\n", [queued.say, hint]) if hint else queued.say
                sealed = seal_payload(self._sealer, outgoing.message(said, buttons, copies=True))
                message = replace(message, payload=sealed)
            answerable.append(message)
        return answerable

    @staticmethod
    def _hold(
        reach: Reach,
        rows: Sequence[PendingRow],
        now: datetime,
        zone: ZoneInfo,
        quiet_default: str,
    ) -> datetime | None:
        """Until when an author's updates wait (blocked, paused, quiet hours, their digest
        time not yet come); None to send them now."""
        person = reach.person
        if person is not None and person.unreachable_at is not None:
            return now + UNREACHABLE_RECHECK
        if person is not None and person.paused:
            return now + PAUSED_RECHECK
        quiet = quiet_until(now, zone, person.quiet_hours if person else None, quiet_default)
        if quiet is not None:
            return quiet
        preference = reach.preference
        if preference.rhythm == Rhythm.NOW:
            return None
        oldest = min(r.created_at for r in rows)
        if last_slot(now, zone, preference) >= oldest:
            return None
        return next_slot(now, zone, preference)

    async def reach(self, tx: Tx, addresses: dict[Author, str | None]) -> dict[Author, Reach]:
        """Where each author is and how they want to hear; those who cannot be reached are
        left out.

        An anonymous author's return address is opened (by `open_return_address`, as the
        delivery worker does) only to find their settings: in a private chat, the chat id is
        their Telegram id."""
        named = await tx.contributor_updates.people(
            [r.person_id for r in addresses if r.person_id]
        )
        opened: dict[Author, int] = {}
        for recipient, address in addresses.items():
            if recipient.person_id is None and address is not None:
                chat = open_return_address(self._sealer, address)
                if chat is None:
                    logger.error("a return address could not be opened")
                else:
                    opened[recipient] = chat
        behind = await tx.contributor_updates.people_by_telegram_id(list(opened.values()))
        people = {p.id for p in [*named.values(), *behind.values()]}
        preferences = {
            person_id: DigestPreference.stored(row)
            for person_id, row in (await tx.contributor_updates.preferences(list(people))).items()
        }
        found: dict[Author, Reach] = {}
        for recipient, address in addresses.items():
            if recipient.person_id is not None:
                person = named.get(recipient.person_id)
                if person is not None:
                    chosen = preferences.get(person.id, AS_IT_HAPPENS)
                    found[recipient] = Reach(person.id, None, person, chosen)
            elif recipient in opened:
                someone = behind.get(opened[recipient])
                chosen = preferences.get(someone.id, AS_IT_HAPPENS) if someone else AS_IT_HAPPENS
                found[recipient] = Reach(None, address, someone, chosen)
        return found

    def _message(self, rows: Sequence[PendingRow], reach: Reach, now: datetime) -> OutboxNew:
        blocks = [_stored_block(self._sealer.open(r.text, UPDATE_PURPOSE)) for r in rows]
        if len(blocks) == 1:
            said = outgoing.text(texts.UPDATE_ONE, block=blocks[0])
        else:
            said = outgoing.text(texts.UPDATE_DIGEST, blocks=join("\n\n", blocks))
        return OutboxNew(
            # The first waiting row's id: unique, and no id of the person.
            dedupe_key=f"u{rows[0].id}",
            kind=KIND,
            person_id=reach.person_id,
            return_address=reach.return_address,
            payload=seal_payload(self._sealer, outgoing.message(said, copies=True)),
            due_at=now,
        )

    # --- Members' rhythm ---------------------------------------------------------------------

    async def preference(self, telegram_id: int) -> DigestPreference | None:
        """How this member hears about their words; None if they are not known."""
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return None
            return await _preference(tx, person.id)

    async def set_preference(
        self,
        telegram_id: int,
        rhythm: Rhythm,
        weekday: int | None = None,
        at_time: str | None = None,
    ) -> DigestPreference | None:
        """Change how the member hears; their waiting updates are looked at again now."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return None
            current = await _preference(tx, person.id)
            chosen = DigestPreference(
                rhythm=rhythm,
                weekday=current.weekday if weekday is None else weekday % 7,
                at_time=at_time if at_time in DIGEST_TIMES else current.at_time,
            )
            await tx.contributor_updates.set_preference(person.id, chosen.to_row())
            await tx.contributor_updates.look_again(
                person.id, self._sealer.pseudonym(telegram_id), now
            )
        return chosen


async def _preference(tx: Tx, person_id: int) -> DigestPreference:
    """The member's chosen rhythm, or "as it happens" if they never chose."""
    row = await tx.contributor_updates.preference(person_id)
    return DigestPreference.stored(row) if row is not None else AS_IT_HAPPENS


async def item_hint(tx: Tx, item: ItemRow) -> Text:
    """Under a coordinator's reply: how to answer it, and who will read the answer."""
    group = await tx.groups.get(item.group_id)
    name = group.name if group else ""
    if item.person_id is None:
        reader = outgoing.text(texts.CONVERSATION_READER_ANONYMOUS, group=name)
    else:
        reader = outgoing.text(texts.CONVERSATION_READER_NAMED, group=name)
    return outgoing.text(texts.CONVERSATION_HINT, reader=reader)


async def conversation_hint(tx: Tx, conversation_id: str) -> Text | None:
    """`item_hint` for an item's conversation (None for anything else)."""
    found = await tx.conversations.get(conversation_id)
    item = await tx.followup.item(found.item_id) if found and found.item_id is not None else None
    return await item_hint(tx, item) if item is not None else None


def _stored_block(opened: str) -> Value:
    """A waiting update's block as stored: what to say, or (from an earlier version) the
    words themselves."""
    if opened.startswith(BLOCK_MARK):
        return load_value(opened[len(BLOCK_MARK) :])
    return Html(opened)
