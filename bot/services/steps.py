"""Unfinished steps: what a person is in the middle of, kept in the database."""

from __future__ import annotations

from typing import Any

from bot.clock import Clock
from storage.database import Storage
from storage.repositories import StepRow


class Steps:
    """Start, read, change and end a person's unfinished step (it survives a restart)."""

    def __init__(self, storage: Storage, clock: Clock) -> None:
        self._storage = storage
        self._clock = clock

    async def begin(self, telegram_id: int, chat_id: int, step: str, data: dict[str, Any]) -> None:
        """Start `step` with `data`, replacing any other unfinished step."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            person = await tx.people.ensure(telegram_id, chat_id, None, now)
            await tx.steps.set(person.id, step, data, now)

    async def current(self, telegram_id: int) -> StepRow | None:
        """The person's unfinished step, if any."""
        async with self._storage.lookup() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            return None if person is None else await tx.steps.get(person.id)

    async def clear(self, telegram_id: int) -> None:
        """End the person's unfinished step."""
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is not None:
                await tx.steps.clear(person.id)
