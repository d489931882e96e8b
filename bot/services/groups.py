"""Groups: creating them, their invite links, and who is in them."""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass

from bot.clock import Clock
from bot.services.roles import Role, may_manage, role_in
from bot.services.text_rules import clean_name
from storage.database import Storage
from storage.groups import GroupRow, MemberRow

GROUP_NAME_MAX = 60
JOIN_PREFIX = "j-"
NEW_GROUP_STEP = "group_name"


def new_invite_code() -> str:
    """A fresh, unguessable invite code (never derived from anyone's id)."""
    return secrets.token_urlsafe(9)


class CreateOutcome(enum.Enum):
    """Why a group was or was not made."""

    CREATED = "created"
    NOT_ALLOWED = "not_allowed"
    BAD_NAME = "bad_name"


@dataclass(frozen=True)
class CreateResult:
    """The outcome of making a group, and the group if it was made."""

    outcome: CreateOutcome
    group: GroupRow | None = None


@dataclass(frozen=True)
class MembersView:
    """A group's members as its coordinators see them."""

    group: GroupRow
    members: list[MemberRow]


class Groups:
    """Group rules for coordinators and admins."""

    def __init__(self, storage: Storage, clock: Clock, admin_ids: frozenset[int]) -> None:
        self._storage = storage
        self._clock = clock
        self._admins = admin_ids

    async def begin_new_group(self, telegram_id: int, chat_id: int) -> bool:
        """Wait for the new group's name; False if the person may not make groups."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if role_in(person, telegram_id, self._admins) < Role.COORDINATOR:
                return False
            person = await tx.people.ensure(telegram_id, chat_id, None, now)
            await tx.steps.set(person.id, NEW_GROUP_STEP, {}, now)
        return True

    async def create(self, telegram_id: int, chat_id: int, raw_name: str) -> CreateResult:
        """Make a group named `raw_name`, coordinated by its maker."""
        name = clean_name(raw_name, GROUP_NAME_MAX)
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if role_in(person, telegram_id, self._admins) < Role.COORDINATOR:
                return CreateResult(CreateOutcome.NOT_ALLOWED)
            if name is None:
                return CreateResult(CreateOutcome.BAD_NAME)
            person = await tx.people.ensure(telegram_id, chat_id, None, now)
            group = await tx.groups.create(name, new_invite_code(), person.id, now)
            await tx.groups.add_coordinator(group.id, person.id)
            await tx.steps.clear(person.id)
        return CreateResult(CreateOutcome.CREATED, group)

    async def manageable(self, telegram_id: int) -> list[GroupRow]:
        """The groups this person may manage: all for admins, their own for coordinators."""
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            role = role_in(person, telegram_id, self._admins)
            if role is Role.ADMIN:
                return await tx.groups.all()
            if role is Role.COORDINATOR and person is not None:
                return await tx.groups.coordinated_by(person.id)
        return []

    async def invite(self, telegram_id: int, group_id: int) -> GroupRow | None:
        """The group with its current invite code, if this person may manage it."""
        async with self._storage.read() as tx:
            if not await may_manage(tx, telegram_id, group_id, self._admins):
                return None
            return await tx.groups.get(group_id)

    async def renew_invite(self, telegram_id: int, group_id: int) -> GroupRow | None:
        """Give the group a new invite code, so the old link stops working."""
        async with self._storage.transaction() as tx:
            if not await may_manage(tx, telegram_id, group_id, self._admins):
                return None
            await tx.groups.set_invite_code(group_id, new_invite_code())
            return await tx.groups.get(group_id)

    async def members(self, telegram_id: int, group_id: int) -> MembersView | None:
        """The group's members with the names they chose, if this person may see them."""
        async with self._storage.read() as tx:
            if not await may_manage(tx, telegram_id, group_id, self._admins):
                return None
            group = await tx.groups.get(group_id)
            if group is None:
                return None
            return MembersView(group, await tx.groups.members(group_id))
