"""A broadcast being written: the typed draft the broadcasts service keeps in the step."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.services import Services
from bot.services.broadcasts import (
    READY_STEP,
    TEXT_STEP,
    WHEN_STEP,
    CreateOutcome,
    DraftStep,
)
from storage import schema
from storage.database import Storage
from tests.support.clock import FakeClock

ANN, BOB = 2001, 2002


async def _choir(storage: Storage, clock: FakeClock) -> int:
    """Ann coordinates Choir, where Bob is a member; the group's id."""
    now = clock.now()
    async with storage.transaction() as tx:
        ann = await tx.people.ensure(ANN, ANN, None, now)
        bob = await tx.people.ensure(BOB, BOB, None, now)
        await tx.people.set_coordinator(ann.id, True)
        choir = await tx.groups.create("Choir", "choir-code", ann.id, now)
        await tx.groups.add_coordinator(choir.id, ann.id)
        await tx.groups.add_member(choir.id, bob.id, now)
    return choir.id


async def test_the_draft_goes_step_by_step_and_is_sent_once(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    choir = await _choir(storage, clock)
    broadcasts = services.broadcasts

    asked = await broadcasts.start(ANN, ANN)
    assert asked.step is DraftStep.ASK_TEXT
    shown = await broadcasts.write(ANN, ANN, "Hello all")
    assert shown.step is DraftStep.PREVIEW
    assert shown.draft is not None and shown.draft.groups == (choir,)
    assert shown.audience is not None and shown.audience.reachable == 1
    assert (await broadcasts.send_now(ANN, ANN)).step is DraftStep.CONFIRM_NOW

    sent = await broadcasts.confirm(ANN, ANN)
    again = await broadcasts.confirm(ANN, ANN)

    assert sent.outcome is CreateOutcome.SENDING
    assert sent.broadcast is not None and sent.broadcast.text == "Hello all"
    assert again.outcome is CreateOutcome.NO_DRAFT


async def test_the_words_are_sealed_in_the_step(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    await _choir(storage, clock)
    await services.broadcasts.start(ANN, ANN)
    await services.broadcasts.write(ANN, ANN, "A very private plan")

    async with storage.read() as tx:
        raw = await tx.conn.execute(select(schema.pending_step.c.data))
        kept = " ".join(str(row[0]) for row in raw)

    assert "private" not in kept
    step = await services.steps.current(ANN)
    assert step is not None and step.data["text"] == "A very private plan"


async def test_a_draft_kept_by_the_previous_version_is_still_sent(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    """A coordinator half-way through a broadcast while Chorus is upgraded carries on."""
    choir = await _choir(storage, clock)
    later = (clock.now() + timedelta(days=1)).isoformat()
    # Exactly as the handlers used to keep it.
    old = {"groups": [choir], "text": "See you tomorrow", "send_at": later}
    await services.steps.begin(ANN, ANN, READY_STEP, old)

    result = await services.broadcasts.confirm(ANN, ANN)

    assert result.outcome is CreateOutcome.SCHEDULED
    assert result.broadcast is not None and result.broadcast.text == "See you tomorrow"
    assert result.broadcast.send_at.isoformat() == later


async def test_an_old_draft_at_the_text_step_takes_the_words(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    choir = await _choir(storage, clock)
    await services.steps.begin(ANN, ANN, TEXT_STEP, {"groups": [choir]})

    view = await services.broadcasts.write(ANN, ANN, "Hi")

    assert view.step is DraftStep.PREVIEW
    assert view.draft is not None and view.draft.groups == (choir,)


async def test_a_draft_that_cannot_be_read_ends_with_a_kind_word(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    await _choir(storage, clock)
    await services.steps.begin(ANN, ANN, WHEN_STEP, {"groups": "?", "send_at": "soon"})

    view = await services.broadcasts.schedule(ANN, ANN, clock.now() + timedelta(hours=2))

    assert view.step is DraftStep.STALE
    assert await services.steps.current(ANN) is None
    assert (await services.broadcasts.confirm(ANN, ANN)).outcome is CreateOutcome.NO_DRAFT


async def test_choosing_groups_toggles_them(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    choir = await _choir(storage, clock)

    assert (await services.broadcasts.choose_next(ANN, ANN)).step is DraftStep.PICK_ONE
    on = await services.broadcasts.toggle(ANN, ANN, choir)
    off = await services.broadcasts.toggle(ANN, ANN, choir)

    assert on.draft is not None and on.draft.groups == (choir,)
    assert off.draft is not None and off.draft.groups == ()
    assert [g.id for g in off.choices] == [choir]
