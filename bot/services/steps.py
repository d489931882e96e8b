"""Unfinished steps: what a person is in the middle of, kept in the database."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock
from storage.database import Storage
from storage.steps import KEEP_KEY, KEPT_KEY, StepRow

_BUTTON_STEPS: set[str] = set()


def button_step(name: str) -> str:
    """Declare that the step `name` waits for a button, not for typed words; returns it.

    Words typed at such a step are answered "please choose with the buttons"."""
    _BUTTON_STEPS.add(name)
    return name


def waits_for_button(step: str) -> bool:
    """True if the step was declared to wait for a button."""
    return step in _BUTTON_STEPS


# A choice of buttons is showing (which group, which setting) and nothing typed is wanted.
# It lasts until the next tap or command, or for an hour: after that, the buttons are far up
# the chat and typed words are taken as a message of their own.
CHOOSING_STEP = button_step("choosing")
CHOICE_LASTS = timedelta(hours=1)


class Stopped(enum.Enum):
    """What leaving a step (/cancel, a Stop button) did."""

    NOTHING = "nothing"  # no step was waiting
    STOPPED = "stopped"
    DRAFT_BACK = "draft_back"  # stopped, and a draft kept aside while it went on is back


# Set inside a draft kept aside once the person has been asked what to do with it.
_ASKED = "asked"


def _older_choice(step: StepRow, update_id: int) -> bool:
    return step.step == CHOOSING_STEP and step.data.get("update") != update_id


class Steps:
    """Start, read, change and end a person's unfinished step (it survives a restart)."""

    def __init__(
        self, storage: Storage, clock: Clock, admin_ids: frozenset[int] = frozenset()
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._admins = admin_ids

    async def begin(self, telegram_id: int, chat_id: int, step: str, data: dict[str, Any]) -> None:
        """Start `step` with `data`, replacing any other unfinished step."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            person = await tx.people.ensure(telegram_id, chat_id, None, now)
            await tx.steps.set(person.id, step, data, now)

    async def current(self, telegram_id: int) -> StepRow | None:
        """The person's unfinished step, if any."""
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            return None if person is None else await tx.steps.get(person.id)

    def asks_for_a_tap(self, step: StepRow) -> bool:
        """True if the step waits for a button now, so typed words should be told so."""
        if not waits_for_button(step.step):
            return False
        if step.step != CHOOSING_STEP:
            return True
        # When the choice was asked travels inside the step's sealed data: the row itself
        # keeps only the day, so that no unsealed time can be matched with anything else.
        asked = step.data.get("at")
        since = datetime.fromisoformat(asked) if isinstance(asked, str) else step.updated_at
        return self._clock.now() - since < CHOICE_LASTS

    async def await_button(
        self, telegram_id: int, update_id: int, replace: bool, chat_id: int | None = None
    ) -> None:
        """Remember that the person was asked to choose with buttons (in answer to update
        `update_id`). Unless `replace`, an unfinished step that waits for typed words (a
        draft, a name) is kept instead. With `chat_id`, an admin not yet known (in no group)
        is noted too, so that /cancel leaves their choice (strangers are never noted)."""
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None and chat_id is not None and telegram_id in self._admins:
                person = await tx.people.ensure(telegram_id, chat_id, None, self._clock.now())
            if person is None:
                return
            if not replace:
                step = await tx.steps.get(person.id)
                if step is not None and not waits_for_button(step.step):
                    return
            now = self._clock.now()
            data = {"update": update_id, "at": now.isoformat()}
            await tx.steps.set(person.id, CHOOSING_STEP, data, now)

    async def end_choice(self, telegram_id: int, update_id: int) -> None:
        """The person tapped or sent a command (update `update_id`): a choice of buttons
        asked before it no longer waits (one asked in answer to it does)."""
        async with self._storage.read() as tx:
            step = await tx.steps.of_telegram_id(telegram_id)
        if step is None or not _older_choice(step, update_id):
            return
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            step = None if person is None else await tx.steps.get(person.id)
            if person is not None and step is not None and _older_choice(step, update_id):
                await tx.steps.clear(person.id)

    async def restore(self, telegram_id: int, step: StepRow | None) -> None:
        """Put the person's step back as it was (a long message's first part moved it on
        before the rest of the message arrived)."""
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return
            if step is None:
                await tx.steps.clear(person.id)
            else:
                await tx.steps.set(person.id, step.step, step.data, self._clock.now())

    async def clear(self, telegram_id: int) -> None:
        """End the person's unfinished step."""
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is not None:
                await tx.steps.clear(person.id)

    async def stop(self, telegram_id: int) -> Stopped:
        """Leave the person's step (/cancel, or a step's Stop button). A draft of typed words
        kept aside while that step went on becomes their step again."""
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            step = None if person is None else await tx.steps.get(person.id)
            if person is None or step is None:
                return Stopped.NOTHING
            await tx.steps.clear(person.id)
            return Stopped.DRAFT_BACK if KEPT_KEY in step.data else Stopped.STOPPED

    async def newly_kept(self, telegram_id: int) -> bool:
        """True, once, when a draft of typed words has just been kept aside because another
        step started: the person is then asked whether to keep it for later."""
        async with self._storage.read() as tx:
            step = await tx.steps.of_telegram_id(telegram_id)
        kept = None if step is None else step.data.get(KEPT_KEY)
        if step is None or not isinstance(kept, dict) or kept.get(_ASKED):
            return False
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return False
            data = {**step.data, KEPT_KEY: {**kept, _ASKED: True}}
            await tx.steps.set(person.id, step.step, data, self._clock.now())
        return True

    async def drop_kept(self, telegram_id: int) -> bool:
        """Throw away the draft kept aside (or, if it is the person's step again, the draft
        itself); False if there was none."""
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            step = None if person is None else await tx.steps.get(person.id)
            if person is None or step is None:
                return False
            if await tx.steps.drop_kept(person.id):
                return True
            if not step.data.get(KEEP_KEY):
                return False
            await tx.steps.drop(person.id)
            return True
