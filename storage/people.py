"""People: who uses the bot, by Telegram id, and their settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update

from storage import schema
from storage.sql import insert_ignoring_duplicates
from storage.types import Executor


@dataclass(frozen=True)
class PersonRow:
    """A person known to Chorus."""

    id: int
    telegram_id: int
    chat_id: int
    display_name: str | None
    is_coordinator: bool
    paused: bool
    created_at: datetime
    unreachable_at: datetime | None = None
    quiet_hours: str | None = None
    language: str | None = None
    easy_read: bool = False


_PERSON_BY_TELEGRAM_ID = select(schema.person).where(
    schema.person.c.telegram_id == bindparam("telegram_id")
)
_PERSON_BY_ID = select(schema.person).where(schema.person.c.id == bindparam("person_id"))
# An UPDATE of one person, setting the columns named in its parameters (bound names in
# an UPDATE must differ from its columns' names).
_UPDATE_PERSON = update(schema.person).where(schema.person.c.id == bindparam("person_id"))
_SET_PAUSED_BY_TELEGRAM_ID = (
    update(schema.person)
    .where(schema.person.c.telegram_id == bindparam("of_telegram_id"))
    .values(paused=bindparam("paused_now"))
)


class PeopleRepo:
    """People who have agreed to take part, coordinators and admins who acted."""

    def __init__(self, conn: Executor) -> None:
        self._conn = conn
        self._memo: dict[int, PersonRow | None] | None = None

    def remember_in(self, memo: dict[int, PersonRow | None]) -> None:
        """Answer `by_telegram_id` from `memo` where it can, and note new answers there.

        For reads within one update: its owner clears `memo` whenever anything is written.
        """
        self._memo = memo

    async def by_telegram_id(self, telegram_id: int) -> PersonRow | None:
        """The person with this Telegram id, if known."""
        if self._memo is not None and telegram_id in self._memo:
            return self._memo[telegram_id]
        row = (
            await self._conn.execute(_PERSON_BY_TELEGRAM_ID, {"telegram_id": telegram_id})
        ).first()
        person = PersonRow(**row._mapping) if row else None
        if self._memo is not None:
            self._memo[telegram_id] = person
        return person

    async def get(self, person_id: int) -> PersonRow | None:
        """The person with this id, if any."""
        row = (await self._conn.execute(_PERSON_BY_ID, {"person_id": person_id})).first()
        return PersonRow(**row._mapping) if row else None

    async def ensure(
        self, telegram_id: int, chat_id: int, display_name: str | None, now: datetime
    ) -> PersonRow:
        """The person with this Telegram id, created if new."""
        # Most people asked for are known: one SELECT. A new one: the INSERT returns the row.
        person = await self.by_telegram_id(telegram_id)
        if person is not None:
            return person
        return await self.add(telegram_id, chat_id, display_name, now)

    async def add(
        self, telegram_id: int, chat_id: int, display_name: str | None, now: datetime
    ) -> PersonRow:
        """A new person with this Telegram id (the existing one if they were added meanwhile)."""
        row = (
            await self._conn.execute(
                insert_ignoring_duplicates(self._conn, schema.person)
                .values(
                    telegram_id=telegram_id,
                    chat_id=chat_id,
                    display_name=display_name,
                    created_at=now,
                )
                .returning(*schema.person.c)
            )
        ).first()
        if row is not None:
            return PersonRow(**row._mapping)
        # Added meanwhile by another connection (possible on PostgreSQL).
        person = await self.by_telegram_id(telegram_id)
        assert person is not None
        return person

    async def set_display_name(self, person_id: int, name: str | None) -> None:
        """Set the name others see (None: no name)."""
        await self._update(person_id, display_name=name)

    async def set_paused(self, person_id: int, paused: bool) -> None:
        """Pause or resume every message that is not a direct reply."""
        await self._update(person_id, paused=paused)

    async def set_paused_by_telegram_id(self, telegram_id: int, paused: bool) -> bool:
        """Pause or resume, in one statement; False if nobody has this Telegram id."""
        result = await self._conn.execute(
            _SET_PAUSED_BY_TELEGRAM_ID, {"of_telegram_id": telegram_id, "paused_now": paused}
        )
        return bool(result.rowcount)

    async def set_coordinator(self, person_id: int, is_coordinator: bool) -> None:
        """Give or take the coordinator role."""
        await self._update(person_id, is_coordinator=is_coordinator)

    async def set_quiet_hours(self, person_id: int, quiet_hours: str | None) -> None:
        """Set quiet hours ("HH:MM-HH:MM", "off", or None for the default)."""
        await self._update(person_id, quiet_hours=quiet_hours)

    async def set_language(self, person_id: int, language: str, easy_read: bool) -> None:
        """Set the language messages are worded in, and whether in easy read."""
        await self._update(person_id, language=language, easy_read=easy_read)

    async def mark_unreachable(self, person_id: int, now: datetime) -> None:
        """Telegram refused to deliver to this person (blocked the bot, account gone)."""
        await self._update(person_id, unreachable_at=now)

    async def mark_reachable(self, telegram_id: int) -> bool:
        """The person is back; True if they had been marked unreachable."""
        p = schema.person
        result = await self._conn.execute(
            update(p)
            .where(p.c.telegram_id == telegram_id, p.c.unreachable_at.is_not(None))
            .values(unreachable_at=None)
        )
        return bool(result.rowcount)

    async def coordinators(self) -> list[PersonRow]:
        """Everyone who is a coordinator."""
        rows = await self._conn.execute(
            select(schema.person)
            .where(schema.person.c.is_coordinator.is_(True))
            .order_by(schema.person.c.id)
        )
        return [PersonRow(**row._mapping) for row in rows]

    async def _update(self, person_id: int, **values: Any) -> None:
        await self._conn.execute(_UPDATE_PERSON, {"person_id": person_id, **values})
