"""Joining and leaving groups, the name others see, pausing, and unfinished steps."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.crypto import Sealer
from bot.presentation import outgoing, texts
from bot.services.delivery_rules import RETURN_ADDRESS_PURPOSE
from bot.services.nudges import REASON_PURPOSE
from bot.services.quiet_hours import QUIET_STEP, read_quiet_hours
from bot.services.rights import CONSENT_WORDING
from bot.services.roles import NAME_STEP, Role, may_manage, role_in
from bot.services.sessions import Sessions
from bot.services.sharing import Sharing, held_items, next_batch
from bot.services.text_rules import clean_name
from storage.database import Storage
from storage.groups import GroupRow
from storage.items import ItemRow
from storage.outbox import OutboxNew
from storage.people import PersonRow
from storage.rights import RightsRepo
from storage.steps import StepRow
from storage.tx import Tx

NAME_MAX = 40
# Told to a member whose place in a group a coordinator ended.
REMOVED_KIND = "removed"
# After removing a member, a coordinator may type a reason to keep (or skip it).
REASON_STEP = "remove_reason"
REASON_MAX = 500


@dataclass(frozen=True)
class Left(GroupRow):
    """The group left, and how many voice notes taken back were played to coordinators too
    long ago for Telegram to let them be deleted (they may still play in their chats)."""

    voice_kept: int = 0


class LeaveChoice(enum.StrEnum):
    """What happens to what a member shared in a group they leave."""

    KEEP_NAMED = "named"
    KEEP_ANONYMOUS = "anon"
    TAKE_BACK = "back"


@dataclass(frozen=True)
class Removal:
    """A member a coordinator removed (or asked about removing) from a group."""

    group: GroupRow
    person_id: int
    display_name: str | None


class JoinOutcome(enum.Enum):
    """What happened when someone agreed to join."""

    JOINED = "joined"
    ALREADY_MEMBER = "already"
    BAD_CODE = "bad_code"


@dataclass(frozen=True)
class JoinResult:
    """The outcome of joining, the group, and whether the person still needs a name."""

    outcome: JoinOutcome
    group: GroupRow | None = None
    first_time: bool = False


class NameOutcome(enum.Enum):
    """What happened to a name someone typed or chose."""

    SAVED = "saved"
    CLEARED = "cleared"
    INVALID = "invalid"
    UNKNOWN_PERSON = "unknown_person"


@dataclass(frozen=True)
class NameResult:
    """The outcome of setting a name, and the name as saved."""

    outcome: NameOutcome
    name: str | None = None


class QuietOutcome(enum.Enum):
    """What happened to quiet hours someone typed."""

    SAVED = "saved"
    UNREADABLE = "unreadable"
    UNKNOWN_PERSON = "unknown_person"


@dataclass(frozen=True)
class QuietResult:
    """The outcome of typed quiet hours, and the value saved ("HH:MM-HH:MM" or "off")."""

    outcome: QuietOutcome
    value: str | None = None


# The quiet hours a member can choose from in /settings ("off": no quiet hours).
QUIET_CHOICES = ("21:00-08:00", "22:00-07:00", "20:00-09:00", "23:00-09:00", "off")


@dataclass(frozen=True)
class AccountView:
    """What `/settings` shows a person."""

    display_name: str | None
    paused: bool
    groups: list[GroupRow]
    role: Role
    quiet_hours: str | None = None


class Membership:
    """A member's own doings: joining, naming, pausing, leaving, cancelling."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        admin_ids: frozenset[int],
        sessions: Sessions,
        zone: ZoneInfo,
        sealer: Sealer | None = None,
        sharing: Sharing | None = None,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._admins = admin_ids
        # Someone who joins is invited to the group's sessions still to come.
        self._sessions = sessions
        self._zone = zone
        # Leaving can keep what was shared without a name, or take it back.
        self._sealer = sealer
        self._sharing = sharing

    async def group_for_code(self, code: str) -> GroupRow | None:
        """The group an invite code opens; looking stores nothing about anyone."""
        async with self._storage.read() as tx:
            return await tx.groups.by_invite_code(code)

    async def is_member(self, telegram_id: int, group_id: int) -> bool:
        """True if this person is already in the group."""
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            return person is not None and await tx.groups.is_member(group_id, person.id)

    async def join(self, telegram_id: int, chat_id: int, code: str) -> JoinResult:
        """Join the group an invite code opens, after the person agreed."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            group = await tx.groups.by_invite_code(code)
            if group is None:
                return JoinResult(JoinOutcome.BAD_CODE)
            person = await tx.people.by_telegram_id(telegram_id)
            first_time = person is None
            if person is None:
                person = await tx.people.add(telegram_id, chat_id, None, now)
            if not await tx.groups.add_member(group.id, person.id, now):
                return JoinResult(JoinOutcome.ALREADY_MEMBER, group)
            await RightsRepo(tx.conn).note_consent(group.id, person.id, CONSENT_WORDING)
            if first_time:
                await tx.steps.set(person.id, NAME_STEP, {}, now)
            await self._sessions.invite_newcomer(tx, group, person.id, self._zone, now)
        return JoinResult(JoinOutcome.JOINED, group, first_time)

    async def begin_name(self, telegram_id: int) -> bool:
        """Wait for the person to type a new name; False if they are not known."""
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return False
            await tx.steps.set(person.id, NAME_STEP, {}, self._clock.now())
        return True

    async def set_name(self, telegram_id: int, raw: str | None) -> NameResult:
        """Save the name others see (None: no name) and end the naming step."""
        name = None if raw is None else clean_name(raw, NAME_MAX)
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return NameResult(NameOutcome.UNKNOWN_PERSON)
            if raw is not None and name is None:
                return NameResult(NameOutcome.INVALID)
            await tx.people.set_display_name(person.id, name)
            await tx.steps.clear(person.id)
        return NameResult(NameOutcome.SAVED if name else NameOutcome.CLEARED, name)

    async def account(self, telegram_id: int) -> AccountView | None:
        """The person's name, pause state, groups and role; None if not known."""
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return None
            groups = await tx.groups.of_member(person.id)
        role = role_in(person, telegram_id, self._admins)
        return AccountView(person.display_name, person.paused, groups, role, person.quiet_hours)

    async def set_quiet_hours(self, telegram_id: int, choice: int) -> str | None:
        """Set quiet hours to one of QUIET_CHOICES; the value set, or None if not known."""
        if not 0 <= choice < len(QUIET_CHOICES):
            return None
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return None
            await tx.people.set_quiet_hours(person.id, QUIET_CHOICES[choice])
        return QUIET_CHOICES[choice]

    async def begin_quiet_hours(self, telegram_id: int) -> bool:
        """Wait for the person to type their own quiet hours; False if they are not known."""
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return False
            await tx.steps.set(person.id, QUIET_STEP, {}, self._clock.now())
        return True

    async def set_typed_quiet_hours(self, telegram_id: int, text: str) -> QuietResult:
        """Save quiet hours typed in the person's own words, ending the step; when they
        cannot be read the step goes on, so the person can try again."""
        value = read_quiet_hours(text)
        if value is None:
            return QuietResult(QuietOutcome.UNREADABLE)
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return QuietResult(QuietOutcome.UNKNOWN_PERSON)
            await tx.people.set_quiet_hours(person.id, value)
            await tx.steps.clear(person.id)
        return QuietResult(QuietOutcome.SAVED, value)

    async def set_paused(self, telegram_id: int, paused: bool) -> bool:
        """Pause or resume all messages; False if the person is not known."""
        async with self._storage.transaction() as tx:
            return await tx.people.set_paused_by_telegram_id(telegram_id, paused)

    async def set_reachable(self, telegram_id: int, reachable: bool) -> None:
        """Note that the person blocked the bot (nothing more is queued for them) or is back."""
        async with self._storage.transaction() as tx:
            if reachable:
                await tx.people.mark_reachable(telegram_id)
                return
            person = await tx.people.by_telegram_id(telegram_id)
            if person is not None:
                await tx.people.mark_unreachable(person.id, self._clock.now())
                await tx.outbox.drop_for_person(person.id, "blocked: earlier")

    async def groups_of(self, telegram_id: int) -> list[GroupRow]:
        """The groups the person is a member of."""
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            return [] if person is None else await tx.groups.of_member(person.id)

    async def shared_in(self, telegram_id: int, group_id: int) -> int:
        """How many things the member shared in the group that are still there."""
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return 0
            return len(await self._shared(tx, person, telegram_id, group_id))

    async def leave(
        self, telegram_id: int, group_id: int, choice: LeaveChoice = LeaveChoice.KEEP_NAMED
    ) -> Left | None:
        """Leave the group, doing with what they shared there as they chose; the group left,
        or None if the person was not in it."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            group = await tx.groups.get(group_id)
            if person is None or group is None:
                return None
            if not await tx.groups.remove_member(group_id, person.id):
                return None
            await tx.groups.record_departure(group_id, person.id, now)
            shared = await self._shared(tx, person, telegram_id, group_id)
            voice_kept = 0
            if choice is LeaveChoice.TAKE_BACK and self._sharing is not None:
                for item in shared:
                    done = await self._sharing.take_back_item(tx, item, now)
                    voice_kept += done.voice_kept if done is not None else 0
            elif choice is LeaveChoice.KEEP_ANONYMOUS:
                await self._unname(tx, person, telegram_id, shared)
        if choice is LeaveChoice.KEEP_ANONYMOUS:
            # The log held the item with the name and without: emptied, it holds neither.
            await self._storage.checkpoint()
        return Left(**vars(group), voice_kept=voice_kept)

    async def _shared(
        self, tx: Tx, person: PersonRow, telegram_id: int, group_id: int
    ) -> list[ItemRow]:
        """The member's items in a group, with or without their name, held ones too."""
        if self._sealer is None:
            return []
        pseudonym = self._sealer.pseudonym(telegram_id)
        held = [
            ItemRow(**vars(item), status="received", outcome=None, withdrawn_on=None)
            for item in await held_items(tx, self._sealer, pseudonym)
            if item.group_id == group_id
        ]
        return held + await tx.items.in_group_by(group_id, person.id, pseudonym)

    async def _unname(
        self, tx: Tx, person: PersonRow, telegram_id: int, items: list[ItemRow]
    ) -> None:
        """Keep the member's named items without their name, like any anonymous item: no
        person, the keyed pseudonym, the chat sealed afresh for each, the batch time only."""
        assert self._sealer is not None
        pseudonym = self._sealer.pseudonym(telegram_id)
        for item in items:
            if item.person_id != person.id:
                continue
            day = datetime.combine(item.given_on, time(0), self._zone).astimezone(UTC)
            address = self._sealer.seal(str(person.chat_id), RETURN_ADDRESS_PURPOSE)
            visible = next_batch(day, self._zone)
            await tx.items.make_anonymous(item.id, pseudonym, address, visible)
            # Which messages to them by name carried it would point back to them.
            await tx.copies.forget_queued(item.id)

    async def removable(self, telegram_id: int, group_id: int, person_id: int) -> Removal | None:
        """The member a coordinator may remove from their group; None if not allowed, or
        the person is not in it."""
        async with self._storage.read() as tx:
            return await self._removable(tx, telegram_id, group_id, person_id)

    async def remove(self, telegram_id: int, group_id: int, person_id: int) -> Removal | None:
        """A coordinator ends a member's place in a group: they are told kindly (no reason
        is sent); what they shared stays as it was. None if not allowed or not a member."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            removal = await self._removable(tx, telegram_id, group_id, person_id)
            if removal is None or not await tx.groups.remove_member(group_id, person_id):
                return None
            departure = await tx.groups.record_departure(group_id, person_id, now)
            said = outgoing.text(texts.REMOVED_FROM_GROUP, group=removal.group.name)
            told = OutboxNew(
                dedupe_key=f"rm{group_id}:{person_id}:{now:%Y%m%d%H%M%S}",
                kind=REMOVED_KIND,
                person_id=person_id,
                payload=outgoing.message(said).dumps(),
                due_at=now,
            )
            await tx.outbox.enqueue([told], now)
            coordinator = await tx.people.by_telegram_id(telegram_id)
            if coordinator is not None and self._sealer is not None:
                data = {"departure": departure, "group": group_id}
                await tx.steps.set(coordinator.id, REASON_STEP, data, now)
        return removal

    async def keep_reason(self, telegram_id: int, text: str) -> bool | None:
        """Keep the reason the coordinator typed with the departure they just caused, sealed;
        never sent to the member or to other members. None if there was no such step, False
        if nothing usable was typed (the step stays)."""
        reason = " ".join(text.split())[:REASON_MAX]
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            step = await tx.steps.get(person.id) if person is not None else None
            if person is None or step is None or step.step != REASON_STEP:
                return None
            if not reason:
                return False
            await tx.steps.clear(person.id)
            group_id = int(step.data.get("group", 0))
            if self._sealer is None or not await may_manage(
                tx, telegram_id, group_id, self._admins
            ):
                return None
            sealed = self._sealer.seal(reason, REASON_PURPOSE)
            departure = int(step.data.get("departure", 0))
            return await tx.groups.keep_departure_reason(departure, group_id, sealed) or None

    async def skip_reason(self, telegram_id: int) -> bool:
        """The coordinator keeps no reason; True if they were being asked for one."""
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            step = await tx.steps.get(person.id) if person is not None else None
            if person is None or step is None or step.step != REASON_STEP:
                return False
            return await tx.steps.clear(person.id)

    async def _removable(
        self, tx: Tx, telegram_id: int, group_id: int, person_id: int
    ) -> Removal | None:
        if not await may_manage(tx, telegram_id, group_id, self._admins):
            return None
        group = await tx.groups.get(group_id)
        person = await tx.people.get(person_id)
        if group is None or person is None or not await tx.groups.is_member(group_id, person_id):
            return None
        return Removal(group, person.id, person.display_name)

    async def current_step(self, telegram_id: int) -> StepRow | None:
        """The typed answer the bot is waiting for from this person, if any."""
        async with self._storage.read() as tx:
            return await tx.steps.of_telegram_id(telegram_id)

    async def cancel(self, telegram_id: int) -> bool:
        """Leave any unfinished step; True if there was one."""
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            return person is not None and await tx.steps.clear(person.id)
