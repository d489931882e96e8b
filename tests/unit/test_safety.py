"""Safeguarding: words that suggest risk (positive and negative examples), and alerts to leads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.services import Services
from bot.services.delivery_rules import open_payload
from bot.services.safety import ANSWER_WITHIN, AnswerOutcome, normalise, suggests_risk
from storage import schema
from storage.database import Storage
from tests.conftest import ADMIN_ID
from tests.support.clock import FakeClock

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


async def _alerts(storage: Storage) -> list[tuple[int | None, bool, str]]:
    async with storage.read() as tx:
        rows = await tx.conn.execute(
            select(schema.outbox.c.person_id, schema.outbox.c.urgent, schema.outbox.c.payload)
            .where(schema.outbox.c.kind == "risk_alert")
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
    text = open_payload(services.sealer, payload).text
    assert "I want to end it all" in text and "who they are is not shared" in text
    assert "77" not in text
    # Answering later changes nothing: the lead has already been told.
    assert await services.safety.answer(77, alert, True) is AnswerOutcome.ALREADY_ANSWERED
    assert await services.safety.send_unanswered() == 0
    assert len(await _alerts(storage)) == 1


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
