"""Who may do what: members, coordinators and admins, and making coordinators."""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import timedelta

from bot.clock import Clock
from storage.database import Storage
from storage.groups import GroupRow
from storage.people import PersonRow
from storage.readers import ReaderRow
from storage.tx import Tx

COORDINATOR_LINK_PREFIX = "c-"
COORDINATOR_LINK_LIFETIME = timedelta(days=7)


class Role(enum.IntEnum):
    """What a person may do; each role can do everything the ones below it can."""

    STRANGER = 0
    MEMBER = 1
    COORDINATOR = 2
    ADMIN = 3


# The step that waits for a person to type the name others see.
NAME_STEP = "display_name"


class LinkOutcome(enum.Enum):
    """What happened when someone opened a coordinator link."""

    MADE_COORDINATOR = "made"
    MADE_COORDINATOR_ASK_NAME = "made_ask_name"
    ALREADY_COORDINATOR = "already"
    USED = "used"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class CoordinatorEntry:
    """A coordinator as an admin sees them in the list."""

    person_id: int
    display_name: str | None
    chat_id: int


@dataclass(frozen=True)
class MenuTarget:
    """A private chat whose command menu depends on the person's role."""

    chat_id: int
    role: Role


OBSERVER_LINK_PREFIX = "o-"


class ObserverOutcome(enum.Enum):
    """What happened when someone opened an observer link."""

    MADE_OBSERVER = "made"
    ALREADY_OBSERVER = "already"
    USED = "used"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


def role_in(person: PersonRow | None, telegram_id: int, admin_ids: frozenset[int]) -> Role:
    """The role of a person, from their row (if known) and the configured admins."""
    if telegram_id in admin_ids:
        return Role.ADMIN
    if person is None:
        return Role.STRANGER
    return Role.COORDINATOR if person.is_coordinator else Role.MEMBER


async def may_manage(tx: Tx, telegram_id: int, group_id: int, admin_ids: frozenset[int]) -> bool:
    """True if the person may manage the group: admins every group, coordinators their own."""
    if telegram_id in admin_ids:
        return True
    person = await tx.people.by_telegram_id(telegram_id)
    if person is None or not person.is_coordinator:
        return False
    return await tx.groups.is_coordinator_of(group_id, person.id)


class Roles:
    """Role checks and the admin's tools for coordinators."""

    def __init__(self, storage: Storage, clock: Clock, admin_ids: frozenset[int]) -> None:
        self._storage = storage
        self._clock = clock
        self._admins = admin_ids

    async def role_of(self, telegram_id: int) -> Role:
        """The person's role right now (read from the database every time)."""
        if telegram_id in self._admins:
            return Role.ADMIN
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
        return role_in(person, telegram_id, self._admins)

    async def new_coordinator_link(self, admin_telegram_id: int) -> str | None:
        """A fresh one-time start code that makes its opener a coordinator; admins only."""
        if admin_telegram_id not in self._admins:
            return None
        code = secrets.token_urlsafe(12)
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            await tx.coordinator_links.create(
                code, admin_telegram_id, now, now + COORDINATOR_LINK_LIFETIME
            )
        return COORDINATOR_LINK_PREFIX + code

    async def use_coordinator_link(self, telegram_id: int, chat_id: int, code: str) -> LinkOutcome:
        """Make the opener of a valid, unused, unexpired link a coordinator."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            link = await tx.coordinator_links.get(code)
            if link is None:
                return LinkOutcome.UNKNOWN
            if link.used_at is not None:
                return LinkOutcome.USED
            if link.expires_at <= now:
                return LinkOutcome.EXPIRED
            person = await tx.people.ensure(telegram_id, chat_id, None, now)
            if person.is_coordinator:
                return LinkOutcome.ALREADY_COORDINATOR
            await tx.coordinator_links.use(code, now)
            await tx.people.set_coordinator(person.id, True)
            if person.display_name is None:
                # Members see the coordinator's name on messages and admins tell coordinators
                # apart by it, so a new coordinator is asked for one straight away.
                await tx.steps.set(person.id, NAME_STEP, {}, now)
                return LinkOutcome.MADE_COORDINATOR_ASK_NAME
        return LinkOutcome.MADE_COORDINATOR

    async def coordinators(self, admin_telegram_id: int) -> list[CoordinatorEntry] | None:
        """Every coordinator, for an admin; None for anyone else."""
        if admin_telegram_id not in self._admins:
            return None
        async with self._storage.read() as tx:
            people = await tx.people.coordinators()
        return [CoordinatorEntry(p.id, p.display_name, p.chat_id) for p in people]

    async def remove_coordinator(self, admin_telegram_id: int, person_id: int) -> int | None:
        """Take the coordinator role back; the person's chat id, or None if nothing changed."""
        if admin_telegram_id not in self._admins:
            return None
        async with self._storage.transaction() as tx:
            person = await tx.people.get(person_id)
            if person is None or not person.is_coordinator:
                return None
            await tx.people.set_coordinator(person.id, False)
        return person.chat_id

    async def menu_targets(self) -> list[MenuTarget]:
        """Every chat that needs more than the members' menu: admins and coordinators."""
        async with self._storage.read() as tx:
            coordinators = await tx.people.coordinators()
        targets = {admin: MenuTarget(admin, Role.ADMIN) for admin in self._admins}
        for person in coordinators:
            targets.setdefault(person.chat_id, MenuTarget(person.chat_id, Role.COORDINATOR))
        return sorted(targets.values(), key=lambda target: target.chat_id)

    # --- Observers (input at arm's length) ----------------------------------------------------

    async def is_observer_of(self, telegram_id: int, group_id: int) -> bool:
        """True if the person observes the group (reads its input, never who gave it)."""
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            return person is not None and await tx.observers.is_observer(group_id, person.id)

    async def readable_groups(self, telegram_id: int) -> list[GroupRow]:
        """The groups whose input this person may read: all for admins, their own for
        coordinators, and the groups they observe."""
        async with self._storage.read() as tx:
            return await readable_groups(tx, telegram_id, self._admins)

    async def new_observer_link(
        self, admin_telegram_id: int, group_id: int
    ) -> tuple[GroupRow, str] | None:
        """The group and a fresh one-time start code that makes its opener an observer of it."""
        if admin_telegram_id not in self._admins:
            return None
        code = secrets.token_urlsafe(12)
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            group = await tx.groups.get(group_id)
            if group is None:
                return None
            await tx.observers.create_link(code, group_id, now, now + COORDINATOR_LINK_LIFETIME)
        return group, OBSERVER_LINK_PREFIX + code

    async def use_observer_link(
        self, telegram_id: int, chat_id: int, code: str
    ) -> tuple[ObserverOutcome, GroupRow | None]:
        """Make the opener of a valid, unused, unexpired link an observer of its group."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            link = await tx.observers.get_link(code)
            group = await tx.groups.get(link.group_id) if link is not None else None
            if link is None or group is None:
                return ObserverOutcome.UNKNOWN, None
            if link.used_at is not None:
                return ObserverOutcome.USED, group
            if link.expires_at <= now:
                return ObserverOutcome.EXPIRED, group
            person = await tx.people.ensure(telegram_id, chat_id, None, now)
            if not await tx.observers.add(group.id, person.id, now):
                return ObserverOutcome.ALREADY_OBSERVER, group
            await tx.observers.use_link(code, now)
        return ObserverOutcome.MADE_OBSERVER, group

    async def observers(
        self, admin_telegram_id: int, group_id: int
    ) -> tuple[GroupRow, list[ReaderRow]] | None:
        """A group and its observers, for an admin; None for anyone else or no such group."""
        if admin_telegram_id not in self._admins:
            return None
        async with self._storage.read() as tx:
            group = await tx.groups.get(group_id)
            if group is None:
                return None
            return group, await tx.observers.of_group(group_id)

    async def remove_observer(self, admin_telegram_id: int, group_id: int, person_id: int) -> bool:
        """Stop someone observing a group; False if nothing changed or not allowed."""
        if admin_telegram_id not in self._admins:
            return False
        async with self._storage.transaction() as tx:
            return await tx.observers.remove(group_id, person_id)


async def readable_groups(tx: Tx, telegram_id: int, admin_ids: frozenset[int]) -> list[GroupRow]:
    """The groups whose input this person may read (see `Roles.readable_groups`)."""
    if telegram_id in admin_ids:
        return await tx.groups.all()
    person = await tx.people.by_telegram_id(telegram_id)
    if person is None:
        return []
    groups: dict[int, GroupRow] = {}
    if person.is_coordinator:
        groups = {g.id: g for g in await tx.groups.coordinated_by(person.id)}
    for group_id in await tx.observers.group_ids_of(person.id):
        group = await tx.groups.get(group_id)
        if group is not None:
            groups.setdefault(group.id, group)
    return sorted(groups.values(), key=lambda g: (g.name, g.id))
