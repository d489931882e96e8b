"""Drafts on an item in the inbox (J4): the meeting it is taken to, an outcome, a reply.

The draft is typed here and kept in the person's step (sealed whole by the steps
repository), in the same shape the handlers kept it in before, so a draft half-way through
an upgrade carries on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from bot.clock import Clock
from bot.presentation.outgoing import Value
from bot.services.inbox import TEXT_MAX, Done, Inbox, Outcome, item_arg
from bot.services.steps import button_step
from storage.database import Storage
from storage.steps import StepRow
from storage.tx import Tx

# The steps of a draft on an item (their names are stored: keep them).
MEETING_STEP = "loop_meeting"
OUTCOME_STEP = "loop_outcome"
DUE_STEP = "loop_due"
REPLY_STEP = "loop_reply"
READY_STEP = button_step("loop_ready")
_STEPS = (MEETING_STEP, OUTCOME_STEP, DUE_STEP, REPLY_STEP, READY_STEP)
# Words that do not describe a meeting: the coordinator is asked again.
MEETING_RETRY = (Done.BAD_DATE, Done.EMPTY, Done.TOO_LONG)


@dataclass(frozen=True)
class InboxDraft:
    """A meeting, outcome or reply being written about one item."""

    step: str
    # The item as its button carried it (see `item_arg`).
    item: str
    outcome: Outcome | None = None
    text: str | None = None
    due: date | None = None

    @property
    def item_id(self) -> int | None:
        """The item's id, if the value is one."""
        return item_arg(self.item)

    def kept(self) -> dict[str, Any]:
        """As kept in the step (sealed whole by the steps repository)."""
        data: dict[str, Any] = {"item": self.item, "step": self.step}
        if self.outcome is not None:
            data["outcome"] = self.outcome.value
        if self.text is not None:
            data["text"] = self.text
        if self.due is not None:
            data["due"] = self.due.isoformat()
        return data

    @classmethod
    def opened(cls, step: StepRow | None) -> InboxDraft | None:
        """From the step, as this version or the one before it wrote it; None if there is
        no draft or it cannot be read."""
        if step is None or step.step not in _STEPS:
            return None
        item, outcome, text, due = (step.data.get(k) for k in ("item", "outcome", "text", "due"))
        if not isinstance(item, str | int) or not isinstance(text, str | None):
            return None
        if outcome is not None and outcome not in set(Outcome):
            return None
        try:
            day = date.fromisoformat(due) if isinstance(due, str) and due else None
        except ValueError:
            return None
        kind = Outcome(str(outcome)) if outcome is not None else None
        return cls(step.step, str(item), kind, text, day)


@dataclass(frozen=True)
class Written:
    """What came of words typed for a draft outcome or reply."""

    done: Done
    # The message as its author will read it, once the draft is ready to send.
    said: Value | None = None
    item_id: int | None = None
    # A "will change" outcome: by when is asked next.
    asks_due: bool = False
    # The outcome previewed (None for a reply).
    outcome: Outcome | None = None


class InboxDrafts:
    """Start, fill in, send and drop a coordinator's draft on an item."""

    def __init__(self, storage: Storage, clock: Clock, inbox: Inbox) -> None:
        self._storage = storage
        self._clock = clock
        self._inbox = inbox

    async def begin(
        self,
        telegram_id: int,
        chat_id: int,
        step: str,
        item_id: int | None,
        outcome: Outcome | None = None,
    ) -> bool:
        """Wait for a meeting, outcome or reply (`step`) on the item; False if the item is
        not this person's to work."""
        card = await self._inbox.card(telegram_id, item_id or 0)
        if card is None:
            return False
        async with self._storage.transaction() as tx:
            item = str(card.item.id)
            # Back to the same outcome's words (from "by when?"): what was typed is kept.
            old = InboxDraft.opened(await tx.steps.of_telegram_id(telegram_id))
            same = old is not None and outcome is not None
            same = same and old is not None and (old.item, old.outcome) == (item, outcome)
            text = old.text if same and old is not None else None
            await self._keep(tx, telegram_id, chat_id, InboxDraft(step, item, outcome, text))
        return True

    async def words_kept(self, telegram_id: int) -> bool:
        """True if the draft holds words typed before (it was gone back to)."""
        draft = await self._draft(telegram_id)
        return draft is not None and bool(draft.text)

    async def keep_words(self, telegram_id: int, chat_id: int) -> Written:
        """Go on with the words typed before, as if typed again."""
        draft = await self._draft(telegram_id)
        if draft is None or not draft.text or draft.step != OUTCOME_STEP:
            return Written(Done.STALE)
        return await self.write_outcome(telegram_id, chat_id, draft.text)

    async def begin_reply(self, telegram_id: int, chat_id: int, item: str) -> None:
        """Wait for a reply to an item's author, the item as a conversation's button or
        reply carried it (the conversations service has checked it is theirs to answer)."""
        async with self._storage.transaction() as tx:
            await self._keep(tx, telegram_id, chat_id, InboxDraft(REPLY_STEP, item))

    async def meeting(self, telegram_id: int, text: str) -> tuple[Done, int | None]:
        """The meeting typed ("Board meeting, 12 March"): recorded, and the draft ends
        (unless the words could not be understood: then it waits for them again)."""
        draft = await self._draft(telegram_id)
        if draft is None:
            await self.discard(telegram_id)
            return Done.STALE, None
        done = await self._inbox.take_to_meeting(telegram_id, draft.item_id or 0, text)
        if done not in MEETING_RETRY:
            await self.discard(telegram_id)
        return done, draft.item_id

    async def write_outcome(self, telegram_id: int, chat_id: int, text: str) -> Written:
        """The outcome's words: by when is asked next if it will change, else previewed."""
        draft = await self._draft(telegram_id)
        if draft is None:
            await self.discard(telegram_id)
            return Written(Done.STALE)
        if draft.outcome is not Outcome.WILL_CHANGE:
            return await self._preview(telegram_id, chat_id, replace(draft, text=text))
        if not text.strip() or len(text.strip()) > TEXT_MAX:
            return Written(Done.TOO_LONG if text.strip() else Done.EMPTY)
        async with self._storage.transaction() as tx:
            due = replace(draft, step=DUE_STEP, text=text)
            await self._keep(tx, telegram_id, chat_id, due)
        return Written(Done.DONE, item_id=draft.item_id, asks_due=True)

    async def write_due(self, telegram_id: int, chat_id: int, text: str) -> Written:
        """The "by when" date typed, then the preview."""
        done, due = self._inbox.due_problem(text)
        if due is None:
            return Written(done if done is not Done.DONE else Done.BAD_DATE)
        draft = await self._draft(telegram_id)
        if draft is None:
            await self.discard(telegram_id)
            return Written(Done.STALE)
        return await self._preview(telegram_id, chat_id, replace(draft, due=due))

    async def write_reply(self, telegram_id: int, chat_id: int, text: str) -> Written:
        """The reply typed, shown as its author will read it."""
        draft = await self._draft(telegram_id)
        if draft is None:
            await self.discard(telegram_id)
            return Written(Done.STALE)
        return await self._preview(telegram_id, chat_id, replace(draft, text=text))

    async def reply_as_written(self, telegram_id: int, chat_id: int) -> Written:
        """The reply typed before, shown again as its author will read it."""
        draft = await self._draft(telegram_id)
        if draft is None or draft.outcome is not None or draft.text is None:
            return Written(Done.STALE)
        return await self.write_reply(telegram_id, chat_id, draft.text)

    async def change_reply(self, telegram_id: int, chat_id: int) -> str | None:
        """Wait for the reply again, the words typed before kept until new ones come; those
        words (None if there is no reply being written)."""
        draft = await self._draft(telegram_id)
        if draft is None or draft.outcome is not None or draft.text is None:
            return None
        async with self._storage.transaction() as tx:
            await self._keep(tx, telegram_id, chat_id, replace(draft, step=REPLY_STEP))
        return draft.text

    async def send(self, telegram_id: int) -> tuple[Done, int | None]:
        """Send the outcome or reply previewed; the draft ends."""
        draft = await self._draft(telegram_id)
        item_id = draft.item_id if draft is not None else None
        if draft is None or draft.step != READY_STEP or item_id is None:
            return Done.STALE, None
        text = draft.text or ""
        if draft.outcome is not None:
            done = await self._inbox.record_outcome(
                telegram_id, item_id, draft.outcome, text, draft.due
            )
        else:
            done = await self._inbox.reply(telegram_id, item_id, text)
        await self.discard(telegram_id)
        return done, item_id

    async def discard(self, telegram_id: int) -> None:
        """Drop the draft; nothing is sent."""
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is not None:
                await tx.steps.clear(person.id)

    async def _preview(self, telegram_id: int, chat_id: int, draft: InboxDraft) -> Written:
        item_id, text = draft.item_id or 0, draft.text or ""
        if draft.outcome is not None:
            preview = await self._inbox.preview_outcome(
                telegram_id, item_id, draft.outcome, text, draft.due
            )
        else:
            preview = await self._inbox.preview_reply(telegram_id, item_id, text)
        if preview.said is None:
            return Written(preview.done)
        async with self._storage.transaction() as tx:
            await self._keep(tx, telegram_id, chat_id, replace(draft, step=READY_STEP))
        return Written(Done.DONE, preview.said, item_id, outcome=draft.outcome)

    async def _draft(self, telegram_id: int) -> InboxDraft | None:
        async with self._storage.read() as tx:
            return InboxDraft.opened(await tx.steps.of_telegram_id(telegram_id))

    async def _keep(self, tx: Tx, telegram_id: int, chat_id: int, draft: InboxDraft) -> None:
        now = self._clock.now()
        person = await tx.people.ensure(telegram_id, chat_id, None, now)
        await tx.steps.set(person.id, draft.step, draft.kept(), now)
