"""Safeguarding: words that suggest risk (positive and negative examples), and alerts to leads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.services import Services
from bot.services.safety import (
    ANSWER_WITHIN,
    TAKE_WITHIN,
    AnswerOutcome,
    TakeOutcome,
    Writer,
    normalise,
    risk_reason,
    suggests_risk,
)
from storage import schema
from storage.database import Storage
from tests.conftest import ADMIN_ID
from tests.support.clock import FakeClock
from tests.support.outbox import shown

# Words that must get the helplines at once.
POSITIVE = [
    "I want to end it all",
    "Some days I just want to die.",
    "I've been thinking about killing myself",
    "I don't want to be here anymore",
    "I DONT WANT TO BE HERE ANYMORE!!!",
    "i dont want to live like this",
    "Everyone would be better off without me",
    "I have been cutting myself again",
    "I took an overdose last year and nearly did again",
    "There's no reason to live",
    "Honestly I feel suicidal most nights",
    "He hits me when he's been drinking",
    "I'm scared to go home tonight",
    "I'm going to hurt him if he does that again",
    "I\u2019ve thought about how to end my life",  # a typographic apostrophe
    "ｉ ｗａｎｔ ｔｏ ｄｉｅ",  # full-width letters
    "want to die",
]
# Everyday words that must not.
NEGATIVE = [
    "This is killing me with laughter",
    "I could kill for a cup of tea",
    "The forms are killing me, they're so long",
    "I'm dying to see the new garden",
    "My phone died halfway through the call",
    "I nearly died laughing at the quiz",
    "The staff were dead helpful",
    "We should end the meeting at 8",
    "I cut myself a slice of cake",
    "The killer sudoku in the paper",
    "Can we talk about self-care at the next group?",
    "I don't want to be here on a Sunday, can we move it?",
    "",
]


@pytest.mark.parametrize("text", POSITIVE)
def test_risk_phrases_are_found(text: str) -> None:
    assert suggests_risk(text)


@pytest.mark.parametrize("text", NEGATIVE)
def test_everyday_words_are_not_risk(text: str) -> None:
    assert not suggests_risk(text)


def test_normalising() -> None:
    assert normalise("  I DON'T   want—to, be HERE! ") == "i dont want to be here"
    assert normalise("ＩＤＯＮ’Ｔ") == "idont"


async def _lead(storage: Storage, clock: FakeClock, telegram_id: int) -> int:
    async with storage.transaction() as tx:
        person = await tx.people.ensure(telegram_id, telegram_id, "Lee", clock.now())
        await tx.people.set_coordinator(person.id, True)
        return person.id


async def _alerts(
    storage: Storage, kinds: tuple[str, ...] = ("risk_alert",)
) -> list[tuple[int | None, bool, str]]:
    async with storage.read() as tx:
        rows = await tx.conn.execute(
            select(schema.outbox.c.person_id, schema.outbox.c.urgent, schema.outbox.c.payload)
            .where(schema.outbox.c.kind.in_(kinds))
            .order_by(schema.outbox.c.id)
        )
        return [(row[0], row[1], row[2]) for row in rows]


async def test_no_answer_in_time_tells_the_lead_without_identity(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    lead = await _lead(storage, clock, 10)
    assert await services.safety.toggle_lead(ADMIN_ID, lead) is True
    alert = await services.safety.check(77, None, "I want to end it all")
    assert alert is not None
    assert await services.safety.send_unanswered() == 0

    clock.advance(ANSWER_WITHIN + timedelta(seconds=1))
    assert await services.safety.send_unanswered() == 1
    [(person_id, urgent, payload)] = await _alerts(storage)
    assert (person_id, urgent) == (lead, True)
    text = shown(services.sealer, payload).text
    assert "I want to end it all" in text and "who they are is not shared" in text
    assert "77" not in text
    # A yes that comes later, while the alert is open, is honoured: the lead hears who.
    late = Writer(77, "Robin", "Hood", "robin_h")
    assert await services.safety.answer(late, alert, True) is AnswerOutcome.LEAD_TOLD_WITH_NAME
    [_, (person_id, _, payload)] = await _alerts(storage)
    text = shown(services.sealer, payload).text
    assert person_id == lead and "now ask to be contacted" in text
    assert "tg://user?id=77" in text and "Robin Hood" in text and "@robin_h" in text
    assert await services.safety.answer(late, alert, True) is AnswerOutcome.ALREADY_ANSWERED
    assert await services.safety.send_unanswered() == 0
    assert len(await _alerts(storage)) == 2


async def test_without_a_lead_alerts_go_to_the_admins(
    services: Services, storage: Storage
) -> None:
    alert = await services.safety.check(78, None, "thinking of taking my own life")
    assert alert is not None
    assert await services.safety.answer(78, alert, False) is AnswerOutcome.LEAD_TOLD_WITHOUT_NAME
    [(person_id, urgent, _)] = await _alerts(storage)
    async with storage.read() as tx:
        admin = await tx.people.by_telegram_id(ADMIN_ID)
    assert admin is not None and person_id == admin.id and urgent


async def test_only_the_writer_can_answer_and_only_admins_choose_leads(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    lead = await _lead(storage, clock, 11)
    assert await services.safety.toggle_lead(11, lead) is None
    assert await services.safety.leads(11) is None
    alert = await services.safety.check(79, None, "he beats me")
    assert alert is not None
    assert await services.safety.answer(80, alert, True) is AnswerOutcome.UNKNOWN
    assert await services.safety.answer(79, "nosuchalert", True) is AnswerOutcome.UNKNOWN
    assert await services.safety.check(79, None, "lovely day") is None
    entries = await services.safety.leads(ADMIN_ID)
    assert entries is not None and [(e.person_id, e.is_lead) for e in entries] == [(lead, False)]


async def _texts(
    services: Services, storage: Storage, kinds: tuple[str, ...] = ("risk_alert",)
) -> list[tuple[int | None, str]]:
    return [
        (person_id, shown(services.sealer, payload).text)
        for person_id, _, payload in await _alerts(storage, kinds)
    ]


async def test_a_lead_takes_an_alert_and_closes_it_with_a_note(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    first, second = await _lead(storage, clock, 12), await _lead(storage, clock, 13)
    for lead in (first, second):
        assert await services.safety.toggle_lead(ADMIN_ID, lead) is True
    alert = await services.safety.check(81, None, "I want to end it all")
    assert alert is not None
    assert (await services.safety.take(12, alert)).outcome is TakeOutcome.UNKNOWN  # not told
    await services.safety.answer(81, alert, False)
    assert [p for p, _ in await _texts(services, storage)] == [first, second]
    assert (await services.safety.take(12, alert)).outcome is TakeOutcome.TAKEN
    [(told, text)] = (await _texts(services, storage))[2:]
    assert told == second and "Lee is handling safety alert" in text
    other = await services.safety.take(13, alert)
    assert (other.outcome, other.owner) == (TakeOutcome.TAKEN_BY_OTHER, "Lee")
    assert (await services.safety.begin_close(13, alert)).outcome is TakeOutcome.NOT_YOURS
    # Taken: it is not raised again.
    clock.advance(TAKE_WITHIN * 2)
    await services.safety.send_unanswered()
    assert len(await _alerts(storage)) == 3
    assert (await services.safety.begin_close(12, alert)).outcome is TakeOutcome.YOURS
    assert (await services.safety.close(12, "Called them; GP visit booked")).outcome is (
        TakeOutcome.TAKEN
    )
    [(told, text)] = (await _texts(services, storage))[3:]
    assert told == second and "GP visit booked" in text
    async with storage.read() as tx:
        row = await tx.risk_alerts.get(alert)
    assert row is not None and row.closed_at is not None and row.words is None
    assert row.note is not None and "GP visit booked" not in row.note  # sealed
    # A yes on a closed alert reveals nothing and tells no one.
    assert await services.safety.answer(81, alert, True) is AnswerOutcome.CLOSED
    assert len(await _alerts(storage)) == 4


async def test_an_alert_no_one_takes_goes_to_every_lead_and_the_admins(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    lead = await _lead(storage, clock, 14)
    assert await services.safety.toggle_lead(ADMIN_ID, lead) is True
    alert = await services.safety.check(82, None, "I want to end it all")
    assert alert is not None
    await services.safety.answer(82, alert, False)
    clock.advance(TAKE_WITHIN - timedelta(seconds=1))
    await services.safety.send_unanswered()
    assert len(await _alerts(storage)) == 1
    clock.advance(timedelta(seconds=2))
    await services.safety.send_unanswered()
    sent = await _texts(services, storage)
    async with storage.read() as tx:
        admin = await tx.people.by_telegram_id(ADMIN_ID)
    assert admin is not None
    assert [p for p, _ in sent] == [lead, lead, admin.id]
    assert all("No one has said they are handling" in t for _, t in sent[1:])
    # Raised again once, not on every tick.
    clock.advance(TAKE_WITHIN * 3)
    await services.safety.send_unanswered()
    assert len(await _alerts(storage)) == 3


async def test_with_no_one_to_tell_a_yes_is_not_promised_and_the_alert_waits(
    storage: Storage, clock: FakeClock
) -> None:
    from bot.crypto import Sealer

    services = Services.build(storage, clock, frozenset(), Sealer(b"k" * 32))
    assert await services.safety.warn_if_no_lead() is True  # no admins to tell either
    alert = await services.safety.check(83, None, "I want to end it all")
    assert alert is not None
    outcome = await services.safety.answer(Writer(83, "Ash"), alert, True)
    assert outcome is AnswerOutcome.NO_ONE_TO_TELL
    assert await _alerts(storage) == []
    # A lead is chosen later: the next look finds the alert and tells them.
    lead = await _lead(storage, clock, 15)
    async with storage.transaction() as tx:
        await tx.leads.mark(lead, True, clock.now())
    clock.advance(timedelta(minutes=6))
    await services.safety.send_unanswered()
    [(person_id, text)] = await _texts(services, storage)
    assert person_id == lead and "tg://user?id=83" in text and "Ash" in text
    assert await services.safety.warn_if_no_lead() is False


async def test_a_lead_who_blocked_the_bot_is_passed_over_for_the_admins(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    lead = await _lead(storage, clock, 16)
    assert await services.safety.toggle_lead(ADMIN_ID, lead) is True
    async with storage.transaction() as tx:
        await tx.people.mark_unreachable(lead, clock.now())
    alert = await services.safety.check(84, None, "I want to end it all")
    assert alert is not None
    await services.safety.answer(84, alert, False)
    async with storage.read() as tx:
        admin = await tx.people.by_telegram_id(ADMIN_ID)
    assert admin is not None
    assert [p for p, _ in await _texts(services, storage)] == [admin.id]


async def test_open_alerts_are_listed_to_the_leads_each_day_until_closed(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    lead = await _lead(storage, clock, 17)
    assert await services.safety.toggle_lead(ADMIN_ID, lead) is True
    alert = await services.safety.check(85, None, "I want to end it all")
    assert alert is not None
    await services.safety.answer(85, alert, False)
    await services.safety.take(17, alert)
    # Told of it just now: today's list has no need of it, tomorrow's has.
    assert await services.safety.send_open_list() == 0
    clock.advance(timedelta(days=1))
    assert await services.safety.send_open_list() == 1
    assert await services.safety.send_open_list() == 0  # once a day
    [(_, text)] = await _texts(services, storage, ("open_alerts",))
    assert alert[:6].upper() in text and "Lee" in text
    await services.safety.begin_close(17, alert)
    await services.safety.close(17, "Spoke to them")
    clock.advance(timedelta(days=1))
    assert await services.safety.send_open_list() == 0


async def test_with_no_lead_chorus_warns_until_one_is_chosen(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    assert await services.safety.lead_is_set() is False
    assert await services.safety.warn_if_no_lead() is True
    lead = await _lead(storage, clock, 19)
    async with storage.transaction() as tx:
        await tx.leads.mark(lead, True, clock.now())
    assert await services.safety.lead_is_set() is True
    assert await services.safety.warn_if_no_lead() is False
    assert await _texts(services, storage) == [], "nothing is queued to anyone"


def test_the_lead_reads_what_the_detector_saw_and_why() -> None:
    reason = risk_reason("my carer takes my money and hits me")
    assert (
        reason
        == "Says someone hurts, threatens or abuses them (“my carer takes my money and hits me”)"
    )
    assert risk_reason("I could murder a coffee") is None
    assert risk_reason(None) is None
