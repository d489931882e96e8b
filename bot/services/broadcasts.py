"""Broadcasts (J5): a coordinator's message to their groups, now or at a set time."""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from bot.clock import Clock
from bot.presentation import outgoing, texts
from bot.presentation.outgoing import Text
from bot.services.roles import Role, may_manage, role_in
from bot.services.steps import button_step
from bot.services.text_rules import has_visible
from storage.broadcasts import BroadcastRow
from storage.database import Storage
from storage.groups import GroupRow
from storage.outbox import OutboxNew
from storage.steps import StepRow
from storage.tx import Tx

MAX_TEXT = 10_000
KIND = "broadcast"
ACTIVE = ("scheduled", "sending")

# The steps of a draft broadcast, kept in the database (their names are stored: keep them).
AUDIENCE_STEP = button_step("broadcast_audience")
TEXT_STEP = "broadcast_text"
WHEN_STEP = "broadcast_when"
READY_STEP = button_step("broadcast_ready")
_DRAFT_STEPS = (AUDIENCE_STEP, TEXT_STEP, WHEN_STEP, READY_STEP)


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
class BroadcastDraft:
    """A broadcast being written: the groups chosen, the words, and when it should go."""

    step: str
    groups: tuple[int, ...] = ()
    text: str | None = None
    send_at: datetime | None = None

    def kept(self) -> dict[str, Any]:
        """As kept in the step (sealed whole by the steps repository)."""
        data: dict[str, Any] = {"groups": list(self.groups)}
        if self.text is not None:
            data["text"] = self.text
            data["send_at"] = self.send_at.isoformat() if self.send_at else None
        return data

    @classmethod
    def opened(cls, step: StepRow | None) -> BroadcastDraft | None:
        """From the step, as this version or the one before it wrote it; None if there is
        no draft or it cannot be read."""
        if step is None or step.step not in _DRAFT_STEPS:
            return None
        groups, text, send_at = (step.data.get(k) for k in ("groups", "text", "send_at"))
        if not isinstance(groups, list) or not isinstance(text, str | None):
            return None
        try:
            at = datetime.fromisoformat(send_at) if isinstance(send_at, str) else None
        except ValueError:
            return None
        chosen = tuple(dict.fromkeys(g for g in groups if isinstance(g, int)))
        return cls(step.step, chosen, text, at)


class DraftStep(enum.Enum):
    """What a coordinator is shown next while writing a broadcast."""

    PICK = "pick"  # which groups (a list of them with boxes)
    PICK_ONE = "pick_one"  # "Next" with no group chosen
    ASK_TEXT = "ask_text"
    PREVIEW = "preview"  # the message as members will see it, with the choices
    CONFIRM_NOW = "confirm_now"
    ASK_WHEN = "ask_when"
    CONFIRM_LATER = "confirm_later"
    NO_GROUPS = "no_groups"  # nothing to manage
    NOT_ALLOWED = "not_allowed"
    EMPTY = "empty"
    TOO_LONG = "too_long"
    DISCARDED = "discarded"
    # No draft (or one that cannot be read any more): it was ended, and the person is told
    # kindly to start again.
    STALE = "stale"


@dataclass(frozen=True)
class DraftView:
    """Where a draft broadcast stands now, with what is needed to show it."""

    step: DraftStep
    draft: BroadcastDraft | None = None
    audience: Audience | None = None
    # The groups the person may choose from (for PICK and PICK_ONE).
    choices: list[GroupRow] = field(default_factory=list)
    # Broadcasts of theirs on their way (shown when /broadcast starts).
    active: list[BroadcastRow] = field(default_factory=list)


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
            return await self._audience(tx, telegram_id, group_ids)

    # --- the draft, step by step -----------------------------------------------------------

    async def start(self, telegram_id: int, chat_id: int) -> DraftView:
        """Begin a broadcast: with one group, ask for the words; with more, which groups."""
        async with self._storage.transaction() as tx:
            active = await self._active(tx, telegram_id)
            groups = await self._manageable(tx, telegram_id)
            if not groups:
                return DraftView(DraftStep.NO_GROUPS, active=active)
            if len(groups) == 1:
                view = await self._ask_text(tx, telegram_id, chat_id, [groups[0].id])
                return replace(view, active=active)
            await self._keep(tx, telegram_id, chat_id, BroadcastDraft(AUDIENCE_STEP))
            return DraftView(DraftStep.PICK, choices=groups, active=active)

    async def toggle(self, telegram_id: int, chat_id: int, group_id: int | None) -> DraftView:
        """Add a group to the audience, or take it out."""
        async with self._storage.transaction() as tx:
            draft = await self._draft(tx, telegram_id)
            chosen = list(draft.groups) if draft else []
            if group_id is not None:
                chosen = (
                    [g for g in chosen if g != group_id]
                    if group_id in chosen
                    else [*chosen, group_id]
                )
            # Words typed before (Back from the words) are kept for when they come again.
            text = draft.text if draft else None
            new = BroadcastDraft(AUDIENCE_STEP, tuple(chosen), text)
            await self._keep(tx, telegram_id, chat_id, new)
            return DraftView(DraftStep.PICK, new, choices=await self._manageable(tx, telegram_id))

    async def choose_all(self, telegram_id: int, chat_id: int) -> DraftView:
        """Every group the person manages; then ask for the words."""
        async with self._storage.transaction() as tx:
            groups = await self._manageable(tx, telegram_id)
            draft = await self._draft(tx, telegram_id)
            text = draft.text if draft else None
            return await self._ask_text(tx, telegram_id, chat_id, [g.id for g in groups], text)

    async def choose_next(self, telegram_id: int, chat_id: int) -> DraftView:
        """Go on to the words, once at least one group is chosen."""
        async with self._storage.transaction() as tx:
            draft = await self._draft(tx, telegram_id)
            if draft is None or not draft.groups:
                choices = await self._manageable(tx, telegram_id)
                return DraftView(DraftStep.PICK_ONE, choices=choices)
            return await self._ask_text(tx, telegram_id, chat_id, list(draft.groups), draft.text)

    async def write(self, telegram_id: int, chat_id: int, text: str) -> DraftView:
        """The words typed: kept, and shown back as members will see them."""
        async with self._storage.transaction() as tx:
            draft = await self._draft(tx, telegram_id)
            if draft is None:
                return await self._stale(tx, telegram_id)
            audience = await self._audience(tx, telegram_id, draft.groups)
            if audience is None:
                return DraftView(DraftStep.NOT_ALLOWED, draft)
            if not text.strip():
                return DraftView(DraftStep.EMPTY, draft)
            if len(text) > MAX_TEXT:
                return DraftView(DraftStep.TOO_LONG, draft)
            new = replace(draft, step=READY_STEP, text=text)
            await self._keep(tx, telegram_id, chat_id, new)
            return DraftView(DraftStep.PREVIEW, new, audience)

    async def send_now(self, telegram_id: int, chat_id: int) -> DraftView:
        """Ask once more before it goes now."""
        async with self._storage.transaction() as tx:
            draft = await self._draft(tx, telegram_id)
            if draft is None or draft.text is None:
                return DraftView(DraftStep.STALE)
            audience = await self._audience(tx, telegram_id, draft.groups)
            if audience is None:
                return DraftView(DraftStep.STALE)
            new = replace(draft, step=READY_STEP, send_at=None)
            await self._keep(tx, telegram_id, chat_id, new)
            return DraftView(DraftStep.CONFIRM_NOW, new, audience)

    async def preview(self, telegram_id: int, chat_id: int) -> DraftView:
        """Back to the words as members will see them, kept as typed (from "Send it now?"
        or "When should it go?")."""
        async with self._storage.transaction() as tx:
            draft = await self._draft(tx, telegram_id)
            if draft is None or draft.text is None:
                return DraftView(DraftStep.STALE)
            audience = await self._audience(tx, telegram_id, draft.groups)
            if audience is None:
                return DraftView(DraftStep.NOT_ALLOWED, draft)
            new = replace(draft, step=READY_STEP, send_at=None)
            await self._keep(tx, telegram_id, chat_id, new)
            return DraftView(DraftStep.PREVIEW, new, audience)

    async def send_later(self, telegram_id: int, chat_id: int) -> DraftView:
        """Ask when it should go."""
        async with self._storage.transaction() as tx:
            draft = await self._draft(tx, telegram_id)
            if draft is None or draft.text is None:
                return DraftView(DraftStep.STALE)
            new = replace(draft, step=WHEN_STEP)
            await self._keep(tx, telegram_id, chat_id, new)
            return DraftView(DraftStep.ASK_WHEN, new)

    async def keep_when(self, telegram_id: int, chat_id: int) -> DraftView:
        """The time typed before, kept: asked to confirm again."""
        async with self._storage.read() as tx:
            draft = await self._draft(tx, telegram_id)
        if draft is None or draft.text is None or draft.send_at is None:
            return DraftView(DraftStep.STALE)
        return await self.schedule(telegram_id, chat_id, draft.send_at)

    async def schedule(self, telegram_id: int, chat_id: int, at: datetime) -> DraftView:
        """The time understood from what was typed: kept, then asked to confirm."""
        async with self._storage.transaction() as tx:
            draft = await self._draft(tx, telegram_id)
            if draft is None:
                return await self._stale(tx, telegram_id)
            audience = await self._audience(tx, telegram_id, draft.groups)
            if audience is None:
                return DraftView(DraftStep.NOT_ALLOWED, draft)
            new = replace(draft, step=READY_STEP, send_at=at)
            await self._keep(tx, telegram_id, chat_id, new)
            return DraftView(DraftStep.CONFIRM_LATER, new, audience)

    async def edit(self, telegram_id: int, chat_id: int) -> DraftView:
        """Type the words again, for the same groups (those typed before are kept until
        new ones are typed)."""
        async with self._storage.transaction() as tx:
            draft = await self._draft(tx, telegram_id)
            groups = list(draft.groups) if draft else []
            text = draft.text if draft else None
            return await self._ask_text(tx, telegram_id, chat_id, groups, text)

    async def discard(self, telegram_id: int) -> DraftView:
        """Drop the draft; nothing is sent."""
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is not None:
                await tx.steps.clear(person.id)
        return DraftView(DraftStep.DISCARDED)

    async def confirm(self, telegram_id: int, chat_id: int) -> CreateResult:
        """Send now, or schedule, the draft confirmed; the draft ends as the broadcast is
        made, so a second tap sends nothing more."""
        async with self._storage.read() as tx:
            draft = await self._draft(tx, telegram_id)
        if draft is None or draft.step != READY_STEP:
            return CreateResult(CreateOutcome.NO_DRAFT)
        text = draft.text or ""
        return await self.create(
            telegram_id, chat_id, draft.groups, text, draft.send_at, READY_STEP
        )

    async def _ask_text(
        self,
        tx: Tx,
        telegram_id: int,
        chat_id: int,
        group_ids: list[int],
        text: str | None = None,
    ) -> DraftView:
        audience = await self._audience(tx, telegram_id, group_ids)
        if audience is None or not audience.groups:
            return DraftView(DraftStep.NOT_ALLOWED)
        draft = BroadcastDraft(TEXT_STEP, tuple(group_ids), text)
        await self._keep(tx, telegram_id, chat_id, draft)
        return DraftView(DraftStep.ASK_TEXT, draft, audience)

    async def _draft(self, tx: Tx, telegram_id: int) -> BroadcastDraft | None:
        return BroadcastDraft.opened(await tx.steps.of_telegram_id(telegram_id))

    async def _keep(self, tx: Tx, telegram_id: int, chat_id: int, draft: BroadcastDraft) -> None:
        now = self._clock.now()
        person = await tx.people.ensure(telegram_id, chat_id, None, now)
        await tx.steps.set(person.id, draft.step, draft.kept(), now)

    async def _stale(self, tx: Tx, telegram_id: int) -> DraftView:
        """Words typed at a draft that cannot be read (gone, or kept by an older version in
        a shape no longer known): it ends, and the person is told to start again."""
        person = await tx.people.by_telegram_id(telegram_id)
        if person is not None:
            await tx.steps.clear(person.id)
        return DraftView(DraftStep.STALE)

    async def _manageable(self, tx: Tx, telegram_id: int) -> list[GroupRow]:
        person = await tx.people.by_telegram_id(telegram_id)
        role = role_in(person, telegram_id, self._admins)
        if role is Role.ADMIN:
            return await tx.groups.all()
        if role is Role.COORDINATOR and person is not None:
            return await tx.groups.coordinated_by(person.id)
        return []

    async def _audience(
        self, tx: Tx, telegram_id: int, group_ids: Sequence[int]
    ) -> Audience | None:
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
        refused = await self._refused(telegram_id, text, draft_step)
        if refused is not None:
            return CreateResult(refused)
        now = self._clock.now()
        later = send_at is not None and send_at > now
        async with self._storage.transaction() as tx:
            groups = await self._allowed_groups(tx, telegram_id, group_ids)
            if groups is None:
                return CreateResult(CreateOutcome.NOT_ALLOWED)
            if not groups:
                return CreateResult(CreateOutcome.NO_AUDIENCE)
            person = await tx.people.ensure(telegram_id, chat_id, None, now)
            if draft_step is not None and not await _take_draft(tx, person.id, draft_step):
                return CreateResult(CreateOutcome.NO_DRAFT)
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

    async def _refused(
        self, telegram_id: int, text: str, draft_step: str | None
    ) -> CreateOutcome | None:
        """Why the broadcast cannot be made, before its groups are looked at; None: it can."""
        if draft_step is not None and not await self._draft_waits(telegram_id, draft_step):
            return CreateOutcome.NO_DRAFT
        if not has_visible(text):
            return CreateOutcome.EMPTY
        if len(text) > MAX_TEXT:
            return CreateOutcome.TOO_LONG
        return None

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
            return await self._active(tx, telegram_id)

    async def _active(self, tx: Tx, telegram_id: int) -> list[BroadcastRow]:
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
        # A generator: storage makes the 10,000 rows of a big group's broadcast off the loop.
        await tx.outbox.enqueue(
            (
                OutboxNew(
                    dedupe_key=f"b{broadcast.id}:{p.person_id}",
                    kind=KIND,
                    person_id=p.person_id,
                    payload=payload,
                    due_at=now,
                    broadcast_id=broadcast.id,
                )
                for p in queued
            ),
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


async def _take_draft(tx: Tx, person_id: int, draft_step: str) -> bool:
    """End the person's draft step if it is still this one; False if it is not (any more)."""
    # Taken by its DELETE: of two taps at once (on two replicas), one finds it.
    step = await tx.steps.get(person_id)
    return step is not None and step.step == draft_step and await tx.steps.clear(person_id)
