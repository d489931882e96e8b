"""Follow-up actions (J4): a piece of work a group's coordinators take on, gathering the
items that led to it (an `Action` alone is a button's, in the callback codec). Each update on an
action reaches every author of a linked item once."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from bot.clock import Clock
from bot.crypto import Sealer, SealError
from bot.presentation import outgoing, texts
from bot.presentation.outgoing import Value
from bot.services.contributor_updates import ContributorUpdates
from bot.services.inbox import TEXT_MAX, Done, Preview, item_arg
from bot.services.roles import may_manage
from bot.services.steps import button_step
from bot.services.text_rules import clean_name, has_visible
from storage.database import Storage
from storage.followup import ActionRow, EventNew
from storage.items import ItemRow
from storage.steps import StepRow
from storage.tx import Tx

TITLE_MAX = 120
UPDATE_PURPOSE = "action.update"

# The steps of a new action or an update on one (their names are stored: keep them).
TITLE_STEP = "loop_action_title"
TEXT_STEP = "loop_action_text"
READY_STEP = button_step("loop_action_ready")


class ActionStatus(enum.StrEnum):
    """Where an action stands. Values travel in callback data."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_POSSIBLE = "not_possible"


STATUS_WORDS = {
    ActionStatus.PLANNED: texts.ACTION_PLANNED,
    ActionStatus.IN_PROGRESS: texts.ACTION_IN_PROGRESS,
    ActionStatus.DONE: texts.ACTION_DONE,
    ActionStatus.NOT_POSSIBLE: texts.ACTION_NOT_POSSIBLE,
}


@dataclass(frozen=True)
class HistoryEntry:
    """One update on an action, opened."""

    status: str | None
    text: str | None
    at_day: str


@dataclass(frozen=True)
class ActionView:
    """An action as its coordinators see it."""

    action: ActionRow
    items: int
    history: list[HistoryEntry]


@dataclass(frozen=True)
class Posted:
    """What happened when an update was posted: and how many people it will reach."""

    done: Done
    reached: int = 0


@dataclass(frozen=True)
class ActionDraft:
    """A new action's group (and the item it came from), or an update being written."""

    step: str
    group_id: int | None = None
    # The item as its button carried it (see `item_arg`).
    item: str | None = None
    action_id: int | None = None
    text: str | None = None

    def kept(self) -> dict[str, Any]:
        """As kept in the step (sealed whole by the steps repository)."""
        data = {"group": self.group_id, "item": self.item}
        data |= {"action": self.action_id, "text": self.text}
        return {key: value for key, value in data.items() if value is not None}

    @classmethod
    def opened(cls, step: StepRow | None) -> ActionDraft | None:
        """From the step, as this version or the one before it wrote it; None if there is
        no draft or it cannot be read."""
        if step is None or step.step not in (TITLE_STEP, TEXT_STEP, READY_STEP):
            return None
        group, item, action, text = (step.data.get(k) for k in ("group", "item", "action", "text"))
        numbers = isinstance(group, int | None) and isinstance(action, int | None)
        if not numbers or not isinstance(item, str | None) or not isinstance(text, str | None):
            return None
        if step.step == TITLE_STEP and group is None:
            return None
        if step.step != TITLE_STEP and action is None:
            return None
        return cls(step.step, group, item, action, text)


# Each status said whole, to members and on the board, so each language words it its own way.
_STATUS_LINES = {
    ActionStatus.PLANNED: texts.LINE_ACTION_PLANNED,
    ActionStatus.IN_PROGRESS: texts.LINE_ACTION_IN_PROGRESS,
    ActionStatus.DONE: texts.LINE_ACTION_DONE,
    ActionStatus.NOT_POSSIBLE: texts.LINE_ACTION_NOT_POSSIBLE,
}
_BOARD_STATUS = {
    ActionStatus.PLANNED: texts.BOARD_NOW_PLANNED,
    ActionStatus.IN_PROGRESS: texts.BOARD_NOW_IN_PROGRESS,
    ActionStatus.DONE: texts.BOARD_NOW_DONE,
    ActionStatus.NOT_POSSIBLE: texts.BOARD_NOW_NOT_POSSIBLE,
}


def status_label(status: str) -> Value:
    """An action's status as words to show (a text's key, or the stored status)."""
    try:
        return outgoing.words(STATUS_WORDS[ActionStatus(status)])
    except ValueError:
        return status


def status_line(title: str, status: str) -> Value:
    """The sentence that tells a member an action's new status."""
    try:
        return outgoing.text(_STATUS_LINES[ActionStatus(status)], title=title)
    except ValueError:
        return outgoing.text(texts.LINE_ACTION_STATUS, title=title, status=status)


def board_news(status: str | None, text: str) -> Value:
    """What the board says of an action's update: its new status, or the words written."""
    if status is None:
        return outgoing.text(texts.BOARD_ACTION_TEXT, text=text)
    try:
        return outgoing.text(_BOARD_STATUS[ActionStatus(status)])
    except ValueError:
        return outgoing.text(texts.BOARD_ACTION_STATUS, status=status)


class FollowUpActions:
    """Making actions, linking items to them, and posting their updates."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        admin_ids: frozenset[int],
        sealer: Sealer,
        contributor_updates: ContributorUpdates,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._admins = admin_ids
        self._sealer = sealer
        self._contributor_updates = contributor_updates

    async def of_group(self, telegram_id: int, group_id: int) -> list[ActionRow] | None:
        """The group's actions; None if this person may not manage the group."""
        async with self._storage.read() as tx:
            if not await may_manage(tx, telegram_id, group_id, self._admins):
                return None
            return await tx.followup.actions_of(group_id)

    async def create(
        self, telegram_id: int, group_id: int, raw_title: str, item_id: int | None = None
    ) -> tuple[Done, ActionRow | None]:
        """A new action (with its first item linked, if given)."""
        title = clean_name(raw_title, TITLE_MAX)
        if title is None:
            return (Done.TOO_LONG if raw_title.strip() else Done.EMPTY), None
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            if not await may_manage(tx, telegram_id, group_id, self._admins):
                return Done.NOT_ALLOWED, None
            person = await tx.people.by_telegram_id(telegram_id)
            action = await tx.followup.create_action(
                group_id, title, person.id if person else None, now
            )
            if item_id is not None:
                await self._link(tx, action, item_id, person.id if person else None)
        return Done.DONE, action

    # --- drafts: a new action's title, an update's words -------------------------------------

    async def begin_new(
        self, telegram_id: int, chat_id: int, group_id: int, item: str | None
    ) -> None:
        """Wait for the title of a new action in the group (with the item it came from)."""
        item = item if item is not None and item_arg(item) is not None else None
        async with self._storage.transaction() as tx:
            await self._keep(tx, telegram_id, chat_id, ActionDraft(TITLE_STEP, group_id, item))

    async def make(self, telegram_id: int, raw_title: str) -> tuple[Done, ActionRow | None]:
        """The title typed: the new action is made and the draft ends."""
        async with self._storage.read() as tx:
            draft = ActionDraft.opened(await tx.steps.of_telegram_id(telegram_id))
        if draft is None or draft.group_id is None:
            await self._end(telegram_id)
            return Done.STALE, None
        item_id = item_arg(draft.item or "")
        done, action = await self.create(telegram_id, draft.group_id, raw_title, item_id)
        if action is not None:
            await self._end(telegram_id)
        return done, action

    async def ask_update(
        self, telegram_id: int, chat_id: int, action_id: int
    ) -> ActionView | None:
        """Wait for the words of an update on the action; None if not allowed."""
        view = await self.view(telegram_id, action_id)
        if view is not None:
            async with self._storage.transaction() as tx:
                draft = ActionDraft(TEXT_STEP, action_id=action_id)
                await self._keep(tx, telegram_id, chat_id, draft)
        return view

    async def write_update(self, telegram_id: int, chat_id: int, text: str) -> Preview:
        """The update's words typed: kept, and shown as its readers will see them."""
        async with self._storage.read() as tx:
            draft = ActionDraft.opened(await tx.steps.of_telegram_id(telegram_id))
        if draft is None or draft.action_id is None:
            await self._end(telegram_id)
            return Preview(Done.STALE)
        preview = await self.preview(telegram_id, draft.action_id, text)
        if preview.said is not None:
            async with self._storage.transaction() as tx:
                ready = ActionDraft(READY_STEP, action_id=draft.action_id, text=text)
                await self._keep(tx, telegram_id, chat_id, ready)
        return preview

    async def update_as_written(self, telegram_id: int, chat_id: int) -> Preview:
        """The update typed before (after a note on its words), shown again as its readers
        will see it."""
        async with self._storage.read() as tx:
            draft = ActionDraft.opened(await tx.steps.of_telegram_id(telegram_id))
        if draft is None or draft.step != READY_STEP or draft.text is None:
            return Preview(Done.STALE)
        return await self.write_update(telegram_id, chat_id, draft.text)

    async def change_update(self, telegram_id: int, chat_id: int) -> tuple[ActionView, str] | None:
        """Wait for the update's words again, those typed before kept until new ones come:
        the action and those words (None if no update is being written)."""
        async with self._storage.read() as tx:
            draft = ActionDraft.opened(await tx.steps.of_telegram_id(telegram_id))
        if draft is None or draft.step != READY_STEP or draft.action_id is None:
            return None
        view = await self.view(telegram_id, draft.action_id)
        if view is None or draft.text is None:
            return None
        async with self._storage.transaction() as tx:
            again = ActionDraft(TEXT_STEP, action_id=draft.action_id, text=draft.text)
            await self._keep(tx, telegram_id, chat_id, again)
        return view, draft.text

    async def post_draft(self, telegram_id: int) -> Posted:
        """Post the update previewed; the draft ends either way, so a second tap posts
        nothing more."""
        async with self._storage.read() as tx:
            step = await tx.steps.of_telegram_id(telegram_id)
        draft = ActionDraft.opened(step)
        if draft is None or draft.step != READY_STEP or draft.action_id is None:
            return Posted(Done.STALE)
        posted = await self.post(telegram_id, draft.action_id, draft.text or "", READY_STEP)
        if posted.done is not Done.DONE:
            await self._end(telegram_id)
        return posted

    async def _keep(self, tx: Tx, telegram_id: int, chat_id: int, draft: ActionDraft) -> None:
        now = self._clock.now()
        person = await tx.people.ensure(telegram_id, chat_id, None, now)
        await tx.steps.set(person.id, draft.step, draft.kept(), now)

    async def _end(self, telegram_id: int) -> None:
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is not None:
                await tx.steps.clear(person.id)

    async def view(self, telegram_id: int, action_id: int) -> ActionView | None:
        """An action with its history; None if this person may not manage it."""
        async with self._storage.read() as tx:
            action = await self._allowed(tx, telegram_id, action_id)
            if action is None:
                return None
            items = [i for i in await tx.followup.linked_items(action_id) if not i.withdrawn_on]
            history = [
                HistoryEntry(u.status, self._open(u.text), f"{u.at.day} {u.at:%B}")
                for u in await tx.followup.action_updates(action_id)
            ]
        return ActionView(action, len(items), history)

    async def link(self, telegram_id: int, action_id: int, item_id: int) -> Done:
        """Link an item to an action of the same group, and tell its author."""
        async with self._storage.transaction() as tx:
            action = await self._allowed(tx, telegram_id, action_id)
            if action is None:
                return Done.NOT_ALLOWED
            person = await tx.people.by_telegram_id(telegram_id)
            return await self._link(tx, action, item_id, person.id if person else None)

    async def preview(self, telegram_id: int, action_id: int, text: str) -> Preview:
        """The update as one of its authors would read it (with their own words)."""
        line = _update_line(text)
        async with self._storage.read() as tx:
            action = await self._allowed(tx, telegram_id, action_id)
            if action is None:
                return Preview(Done.NOT_ALLOWED)
            if isinstance(line, Done):
                return Preview(line)
            items = await self._live_items(tx, action_id)
        sample: Value = outgoing.text(texts.LINE_ACTION_UPDATE, title=action.title, text=line)
        if items:
            block = self._contributor_updates.block(items[:1], sample)
            sample = outgoing.text(texts.UPDATE_ONE, block=block)
        return Preview(Done.DONE, sample)

    async def post(
        self, telegram_id: int, action_id: int, text: str, draft_step: str | None = None
    ) -> Posted:
        """Post an update: it reaches each author of a linked item once.

        With `draft_step`, only while the person's unfinished step is that draft, which ends
        in the same transaction: posting the same draft again posts nothing more (ALREADY).
        """
        line = _update_line(text)
        if isinstance(line, Done):
            return Posted(line)
        return await self._post(telegram_id, action_id, None, text.strip(), line, draft_step)

    async def set_status(self, telegram_id: int, action_id: int, status: ActionStatus) -> Posted:
        """Change the action's status; its authors hear about it."""
        return await self._post(telegram_id, action_id, status.value, None, None)

    async def _post(
        self,
        telegram_id: int,
        action_id: int,
        status: str | None,
        text: str | None,
        line: str | None,
        draft_step: str | None = None,
    ) -> Posted:
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            action = await self._allowed(tx, telegram_id, action_id)
            if action is None:
                return Posted(Done.NOT_ALLOWED)
            if status is not None and status == action.status:
                return Posted(Done.ALREADY)
            person = await tx.people.by_telegram_id(telegram_id)
            if draft_step is not None and (
                person is None or not await _take_draft(tx, person.id, draft_step)
            ):
                return Posted(Done.ALREADY)
            sealed = self._sealer.seal(text, UPDATE_PURPOSE) if text is not None else None
            update_id = await tx.followup.add_action_update(
                action_id, status, sealed, person.id if person else None, now
            )
            if status is not None:
                await tx.followup.set_action_status(action_id, status, now)
                shown = status_line(action.title, status)
            else:
                shown = outgoing.text(
                    texts.LINE_ACTION_UPDATE, title=action.title, text=line or ""
                )
            items = await self._live_items(tx, action_id)
            reached = await self._contributor_updates.queue_for_items(
                tx, items, shown, f"a{update_id}", now
            )
        return Posted(Done.DONE, reached)

    async def _link(self, tx: Tx, action: ActionRow, item_id: int, by_person: int | None) -> Done:
        item = await tx.followup.item(item_id)
        now = self._clock.now()
        if (
            item is None
            or item.group_id != action.group_id
            or item.withdrawn_on is not None
            or item.visible_at > now
        ):
            return Done.GONE
        if not await tx.followup.link(action.id, item.id, now):
            return Done.ALREADY
        event = EventNew(item.id, "linked", now, by_person, action_id=action.id)
        event_id = await tx.followup.add_event(event)
        if item.status == "received":  # gathered into work: no longer waiting to be read
            await tx.followup.set_status(item.id, "acknowledged")
        line = outgoing.text(texts.LINE_LINKED, title=action.title)
        await self._contributor_updates.queue(tx, item, line, f"e{event_id}", now)
        return Done.DONE

    async def _allowed(self, tx: Tx, telegram_id: int, action_id: int) -> ActionRow | None:
        action = await tx.followup.action(action_id)
        if action is None or not await may_manage(tx, telegram_id, action.group_id, self._admins):
            return None
        return action

    async def _live_items(self, tx: Tx, action_id: int) -> list[ItemRow]:
        now = self._clock.now()
        return [
            i
            for i in await tx.followup.linked_items(action_id)
            if i.withdrawn_on is None and i.visible_at <= now
        ]

    def _open(self, sealed: str | None) -> str | None:
        if sealed is None:
            return None
        try:
            return self._sealer.open(sealed, UPDATE_PURPOSE)
        except SealError:
            return None


def _update_line(text: str) -> str | Done:
    cleaned = text.strip()
    if not has_visible(cleaned):
        return Done.EMPTY
    if len(cleaned) > TEXT_MAX:
        return Done.TOO_LONG
    return cleaned


async def _take_draft(tx: Tx, person_id: int, draft_step: str) -> bool:
    """End the person's unfinished step if it is `draft_step`; False if it is not there.

    Taken by its DELETE: of two taps at once (on two replicas), only one finds it."""
    step = await tx.steps.get(person_id)
    return step is not None and step.step == draft_step and await tx.steps.clear(person_id)
