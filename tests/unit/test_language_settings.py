"""Each person's language: Telegram's kept at first contact only where offered and only
once, changed at will, and shown in /mydata."""

from __future__ import annotations

from bot.services import Services
from bot.services.languages import LanguageSetting
from bot.services.rights import DataOutcome
from storage.database import Storage
from tests.support.clock import FakeClock

PERSON = 4401


async def _person(storage: Storage, clock: FakeClock) -> None:
    async with storage.transaction() as tx:
        await tx.people.ensure(PERSON, PERSON, "Nia", clock.now())


async def test_telegrams_language_is_kept_once_and_only_if_offered(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    languages = services.languages
    assert not await languages.remember_first(PERSON, "cy")  # not known yet
    await _person(storage, clock)
    assert await languages.setting(PERSON) == LanguageSetting(None, False)
    assert not await languages.remember_first(PERSON, "fr")
    assert await languages.remember_first(PERSON, "cy")
    assert not await languages.remember_first(PERSON, "ar")  # the first one stays
    assert await languages.setting(PERSON) == LanguageSetting("cy", False)


async def test_language_and_easy_read_are_changed_and_shown_in_my_data(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    await _person(storage, clock)
    languages = services.languages
    assert await languages.choose(PERSON, language="xx") is None
    assert await languages.choose(PERSON, language="ar") == LanguageSetting("ar", False)
    assert await languages.choose(PERSON, easy_read=True) == LanguageSetting("ar", True)
    result = await services.rights.my_data(PERSON)
    assert result.outcome is DataOutcome.READY
    assert (result.data["person"]["language"], result.data["person"]["easy_read"]) == (
        "ar",
        True,
    )
