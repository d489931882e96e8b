"""Broadcasts (J5): a coordinator's message to their groups, now or at a set time."""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.clock import Clock
from bot.presentation import outgoing, texts
from bot.presentation.outgoing import Text
from bot.services.roles import Role, may_manage, role_in
from bot.services.text_rules import has_visible
from storage.broadcasts import BroadcastRow
from storage.database import Storage
from storage.groups import GroupRow
from storage.outbox import OutboxNew
from storage.tx import Tx

MAX_TEXT = 10_000
KIND = "broadcast"
ACTIVE = ("scheduled", "sending")


class CreateOutcome(enum.Enum):
    """What happened when a coordinator confirmed a broadcast."""

    SENDING = "sending"
    SCHEDULED = "scheduled"
    NOT_ALLOWED = "not_allowed"
    EMPTY = "empty"
    TOO_LONG = "too_long"
    NO_AUDIENCE = "no_audience"
    # The draft confirmed is no longer there: sent already (or dropped).
    NO_DRAFT = "no_draft"


@dataclass(frozen=True)
class Audience:
    """Who a broadcast would reach right now."""

    groups: list[GroupRow]
    reachable: int
    paused: int
    unreachable: int
    # The name the writer chose, shown to members as who the message is from.
    sender_name: str | None = None


@dataclass(frozen=True)
class CreateResult:
    """The outcome, and the broadcast when one was made."""

    outcome: CreateOutcome
    broadcast: BroadcastRow | None = None


@dataclass(frozen=True)
class Progress:
    """Where a broadcast stands: counts by what happened to each message."""

    broadcast: BroadcastRow
    sent: int
    waiting: int
    blocked: int
    failed: int
    cancelled: int
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        """Nothing is left to send."""
        return self.waiting == 0


def member_message(group_names: Sequence[str], text: str, sender_name: str | None = None) -> Text:
    """What members are told, saying who it is from; the coordinator's words as written."""
    groups = ", ".join(group_names)
    if sender_name:
        return outgoing.text(
            texts.BROADCAST_TO_MEMBERS, sender=sender_name, groups=groups, text=text
        )
    return outgoing.text(texts.BROADCAST_TO_MEMBERS_NO_NAME, groups=groups, text=text)


class Broadcasts:
    """Making, scheduling, releasing, following and cancelling broadcasts."""

    def __init__(self, storage: Storage, clock: Clock, admin_ids: frozenset[int]) -> None:
        self._storage = storage
        self._clock = clock
        self._admins = admin_ids

    async def audience(self, telegram_id: int, group_ids: Sequence[int]) -> Audience | None:
        """Who the groups reach; None if this person may not write to all of them."""
        async with self._storage.read() as tx:
            groups = await self._allowed_groups(tx, telegram_id, group_ids)
            if groups is None:
                return None
            people = await tx.broadcasts.recipients([g.id for g in groups])
            writer = await tx.people.by_telegram_id(telegram_id)
        paused = sum(1 for p in people if p.paused and not p.unreachable)
        unreachable = sum(1 for p in people if p.unreachable)
        reachable = len(people) - paused - unreachable
        name = writer.display_name if writer else None
        return Audience(groups, reachable, paused, unreachable, name)

    async def create(
        self,
        telegram_id: int,
        chat_id: int,
        group_ids: Sequence[int],
        text: str,
        send_at: datetime | None,
        draft_step: str | None = None,
    ) -> CreateResult:
        """Make the broadcast: queued for everyone now, or stored until `send_at`.

        With `draft_step`, only while the person's unfinished step is that draft, which ends
        in the same transaction: confirming the same draft again sends nothing more.
        """
        if draft_step is not None and not await self._draft_waits(telegram_id, draft_step):
            return CreateResult(CreateOutcome.NO_DRAFT)
        if not has_visible(text):
            return CreateResult(CreateOutcome.EMPTY)
        if len(text) > MAX_TEXT:
            return CreateResult(CreateOutcome.TOO_LONG)
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            groups = await self._allowed_groups(tx, telegram_id, group_ids)
            if groups is None:
                return CreateResult(CreateOutcome.NOT_ALLOWED)
            if not groups:
                return CreateResult(CreateOutcome.NO_AUDIENCE)
            person = await tx.people.ensure(telegram_id, chat_id, None, now)
            if draft_step is not None:
                # Taken by its DELETE: of two taps at once (on two replicas), one finds it.
                step = await tx.steps.get(person.id)
                if step is None or step.step != draft_step or not await tx.steps.clear(person.id):
                    return CreateResult(CreateOutcome.NO_DRAFT)
            later = send_at is not None and send_at > now
            broadcast = await tx.broadcasts.create(
                created_by=person.id,
                text=text,
                audience=json.dumps({"groups": [g.id for g in groups]}),
                send_at=send_at if later and send_at else now,
                state="scheduled" if later else "sending",
                report_chat_id=chat_id,
                now=now,
            )
            if not later:
                broadcast = await self._release(tx, broadcast, now)
        outcome = CreateOutcome.SCHEDULED if later else CreateOutcome.SENDING
        return CreateResult(outcome, broadcast)

    async def _draft_waits(self, telegram_id: int, draft_step: str) -> bool:
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            step = await tx.steps.get(person.id) if person is not None else None
        return step is not None and step.step == draft_step

    async def release_due(self) -> list[BroadcastRow]:
        """Queue every scheduled broadcast whose time has come."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            due = await tx.broadcasts.in_state("scheduled", due_by=now, claim=True)
            return [await self._release(tx, broadcast, now) for broadcast in due]

    async def sending(self) -> list[BroadcastRow]:
        """Broadcasts being sent now."""
        async with self._storage.read() as tx:
            return await tx.broadcasts.in_state("sending")

    async def progress(self, broadcast_id: int) -> Progress | None:
        """Counts of what happened to a broadcast's messages so far."""
        async with self._storage.read() as tx:
            broadcast = await tx.broadcasts.get(broadcast_id)
            if broadcast is None:
                return None
            counts = await tx.outbox.broadcast_counts(broadcast_id)
            errors = await tx.outbox.broadcast_errors(broadcast_id)
        blocked = sum(n for reason, n in errors.items() if reason.startswith("blocked"))
        return Progress(
            broadcast=broadcast,
            sent=counts.get("sent", 0),
            waiting=counts.get("pending", 0) + counts.get("sending", 0),
            blocked=blocked + counts.get("skipped", 0),
            failed=counts.get("failed", 0) - blocked,
            cancelled=counts.get("cancelled", 0),
            errors={k: v for k, v in errors.items() if not k.startswith("blocked")},
        )

    async def finish(self, broadcast_id: int) -> None:
        """Mark a broadcast whose messages have all been dealt with as done."""
        async with self._storage.transaction() as tx:
            broadcast = await tx.broadcasts.get(broadcast_id)
            if broadcast is not None and broadcast.state == "sending":
                await tx.broadcasts.update(
                    broadcast_id, state="done", finished_at=self._clock.now()
                )

    async def set_progress_message(self, broadcast_id: int, message_id: int) -> None:
        """Remember the message that shows the broadcast's progress."""
        async with self._storage.transaction() as tx:
            await tx.broadcasts.update(broadcast_id, progress_message_id=message_id)

    async def active(self, telegram_id: int) -> list[BroadcastRow]:
        """This person's broadcasts that are scheduled or being sent."""
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return []
            return await tx.broadcasts.of_creator(person.id, ACTIVE)

    async def cancel(self, telegram_id: int, broadcast_id: int) -> BroadcastRow | None:
        """Stop a scheduled or running broadcast (its maker or an admin); None if not allowed."""
        async with self._storage.transaction() as tx:
            broadcast = await tx.broadcasts.get(broadcast_id)
            person = await tx.people.by_telegram_id(telegram_id)
            if broadcast is None or broadcast.state not in ACTIVE:
                return None
            is_admin = role_in(person, telegram_id, self._admins) is Role.ADMIN
            if not is_admin and (person is None or person.id != broadcast.created_by):
                return None
            await tx.outbox.cancel_broadcast(broadcast_id)
            await tx.broadcasts.update(
                broadcast_id, state="cancelled", finished_at=self._clock.now()
            )
            return await tx.broadcasts.get(broadcast_id)

    async def _allowed_groups(
        self, tx: Tx, telegram_id: int, group_ids: Sequence[int]
    ) -> list[GroupRow] | None:
        groups = []
        for group_id in dict.fromkeys(group_ids):
            group = await tx.groups.get(group_id)
            if group is None or not await may_manage(tx, telegram_id, group_id, self._admins):
                return None
            groups.append(group)
        return groups

    async def _release(self, tx: Tx, broadcast: BroadcastRow, now: datetime) -> BroadcastRow:
        """Queue one message per reachable recipient, in this transaction."""
        group_ids = json.loads(broadcast.audience)["groups"]
        groups = [g for g in [await tx.groups.get(gid) for gid in group_ids] if g is not None]
        people = await tx.broadcasts.recipients([g.id for g in groups])
        writer = await tx.people.get(broadcast.created_by) if broadcast.created_by else None
        sender = writer.display_name if writer else None
        said = member_message([g.name for g in groups], broadcast.text, sender)
        payload = outgoing.message(said).dumps()
        queued = [p for p in people if not p.paused and not p.unreachable]
        await tx.outbox.enqueue(
            [
                OutboxNew(
                    dedupe_key=f"b{broadcast.id}:{p.person_id}",
                    kind=KIND,
                    person_id=p.person_id,
                    payload=payload,
                    due_at=now,
                    broadcast_id=broadcast.id,
                )
                for p in queued
            ],
            now,
        )
        await tx.broadcasts.update(
            broadcast.id,
            state="sending",
            total=len(queued),
            skipped_paused=sum(1 for p in people if p.paused and not p.unreachable),
            skipped_unreachable=sum(1 for p in people if p.unreachable),
        )
        updated = await tx.broadcasts.get(broadcast.id)
        assert updated is not None
        return updated
