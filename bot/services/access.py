"""Who may reach what a button names: a group, session, prompt, inbox item or action.

Buttons come back from the phone and can be forged, so the handler of every button that
names one of these checks, at the first tap, that the person has the right to it, and says
truly why not: not in that group, not coordinating it, or not a coordinator at all."""

from __future__ import annotations

import enum

from bot.services.roles import Role, may_manage, readable_groups, role_in
from storage.database import Storage
from storage.tx import Tx


class Thing(enum.Enum):
    """What a button names by its id."""

    GROUP = "group"
    SESSION = "session"
    PROMPT = "prompt"
    ITEM = "item"
    ACTION = "action"
    BROADCAST = "broadcast"  # a coordinator's message: its maker's (or an admin's) to stop


class Need(enum.Enum):
    """What the person must be to the thing's group."""

    MEMBER = "member"  # in the group
    MANAGE = "manage"  # its coordinator (or an admin)
    READ = "read"  # its coordinator, an observer of it, or an admin
    SEE = "see"  # any of these


class Reach(enum.Enum):
    """Whether the person may go on, and if not, the true reason."""

    OK = "ok"
    GONE = "gone"  # no such thing: the handler says so in its own words
    NOT_MEMBER = "not_member"
    NOT_COORDINATOR = "not_coordinator"  # not a coordinator of any group
    NOT_THEIRS = "not_theirs"  # a coordinator, but not of that group


class Access:
    """Checks what a tapped button names against the person who tapped it."""

    def __init__(self, storage: Storage, admin_ids: frozenset[int]) -> None:
        self._storage = storage
        self._admins = admin_ids

    async def reach(self, telegram_id: int, thing: Thing, thing_id: int, need: Need) -> Reach:
        """May this person act on the thing, as `need` says? If not, why not."""
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            role = role_in(person, telegram_id, self._admins)
            if thing is Thing.BROADCAST:
                broadcast = await tx.broadcasts.get(thing_id)
                if broadcast is None:
                    return Reach.GONE
                mine = person is not None and person.id == broadcast.created_by
                if role is Role.ADMIN or mine:
                    return Reach.OK
                return Reach.NOT_THEIRS if role >= Role.COORDINATOR else Reach.NOT_COORDINATOR
            group_id = await _group_of(tx, thing, thing_id)
            if group_id is None:
                return Reach.GONE
            member = person is not None and await tx.groups.is_member(group_id, person.id)
            if need is Need.MEMBER:
                return Reach.OK if member else Reach.NOT_MEMBER
            if need is Need.MANAGE and await may_manage(tx, telegram_id, group_id, self._admins):
                return Reach.OK
            if need in (Need.READ, Need.SEE):
                readable = await readable_groups(tx, telegram_id, self._admins)
                if any(group.id == group_id for group in readable):
                    return Reach.OK
                if need is Need.SEE:
                    return Reach.OK if member else Reach.NOT_MEMBER
            return Reach.NOT_THEIRS if role >= Role.COORDINATOR else Reach.NOT_COORDINATOR


async def _group_of(tx: Tx, thing: Thing, thing_id: int) -> int | None:
    """The group the thing belongs to, or None if there is no such thing."""
    if thing is Thing.GROUP:
        group = await tx.groups.get(thing_id)
        return None if group is None else group.id
    if thing is Thing.SESSION:
        session = await tx.sessions.get(thing_id)
        return None if session is None else session.group_id
    if thing is Thing.PROMPT:
        prompt = await tx.prompts.get(thing_id)
        return None if prompt is None else prompt.group_id
    if thing is Thing.ITEM:
        item = await tx.followup.item(thing_id)
        return None if item is None else item.group_id
    action = await tx.followup.action(thing_id)
    return None if action is None else action.group_id
