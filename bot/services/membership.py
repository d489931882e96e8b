"""Joining and leaving groups, the name others see, pausing, and unfinished steps."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.services.quiet_hours import QUIET_STEP, read_quiet_hours
from bot.services.roles import NAME_STEP, Role, role_in
from bot.services.sessions import Sessions
from bot.services.text_rules import clean_name
from storage.database import Storage
from storage.repositories import GroupRow, StepRow

NAME_MAX = 40


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
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._admins = admin_ids
        # Someone who joins is invited to the group's sessions still to come.
        self._sessions = sessions
        self._zone = zone

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

    async def leave(self, telegram_id: int, group_id: int) -> GroupRow | None:
        """Leave the group; the group left, or None if the person was not in it."""
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            group = await tx.groups.get(group_id)
            if person is None or group is None:
                return None
            if not await tx.groups.remove_member(group_id, person.id):
                return None
            await tx.groups.record_departure(group_id, person.id, self._clock.now())
        return group

    async def current_step(self, telegram_id: int) -> StepRow | None:
        """The typed answer the bot is waiting for from this person, if any."""
        async with self._storage.read() as tx:
            return await tx.steps.of_telegram_id(telegram_id)

    async def cancel(self, telegram_id: int) -> bool:
        """Leave any unfinished step; True if there was one."""
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            return person is not None and await tx.steps.clear(person.id)
