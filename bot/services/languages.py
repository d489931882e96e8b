"""Each person's language and easy-read setting: found from Telegram at first contact,
changed with /language or from /settings."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from bot.clock import Clock
from storage.database import Storage


@dataclass(frozen=True)
class LanguageSetting:
    """A person's language (None: not chosen or found yet) and easy-read setting."""

    language: str | None
    easy_read: bool


class Languages:
    """The language each person is written to in."""

    def __init__(self, storage: Storage, clock: Clock, offered: Collection[str]) -> None:
        self._storage = storage
        self._clock = clock
        self._offered = frozenset(offered)

    async def setting(self, telegram_id: int) -> LanguageSetting | None:
        """The person's setting; None if they are not known."""
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
        if person is None:
            return None
        return LanguageSetting(person.language, person.easy_read)

    async def remember_first(self, telegram_id: int, language: str) -> bool:
        """Keep the language found from Telegram for a person who has none yet; True if
        it was kept."""
        if language not in self._offered:
            return False
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
        if person is None or person.language is not None:
            return False
        async with self._storage.transaction() as tx:
            await tx.people.set_language(person.id, language, person.easy_read)
        return True

    async def choose(
        self, telegram_id: int, language: str | None = None, easy_read: bool | None = None
    ) -> LanguageSetting | None:
        """Change the person's language and/or easy read; the setting now, None if the
        person is not known or the language is not offered."""
        if language is not None and language not in self._offered:
            return None
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return None
            chosen = LanguageSetting(
                language if language is not None else person.language,
                easy_read if easy_read is not None else person.easy_read,
            )
            await tx.people.set_language(person.id, chosen.language or "en", chosen.easy_read)
        return chosen
