"""Drafts on an inbox item: typed, kept by the service in the step, sent once."""

from __future__ import annotations

from datetime import date, timedelta

from bot.services import Services
from bot.services.inbox import Done, Outcome
from bot.services.inbox_drafts import DUE_STEP, MEETING_STEP, READY_STEP, REPLY_STEP
from storage.database import Storage
from tests.support.clock import FakeClock
from tests.support.items import ItemSeed, add_items

COORDINATOR, OTHER, ANN = 4300, 4301, 4302


async def _item(services: Services, storage: Storage, clock: FakeClock) -> int:
    """One item from Ann in Carers, which COORDINATOR coordinates."""
    now = clock.now()
    async with storage.transaction() as tx:
        coordinator = await tx.people.ensure(COORDINATOR, COORDINATOR, "Cora", now)
        await tx.people.set_coordinator(coordinator.id, True)
        other = await tx.people.ensure(OTHER, OTHER, "Olu", now)
        await tx.people.set_coordinator(other.id, True)
        group = await tx.groups.create("Carers", "c1", coordinator.id, now)
        await tx.groups.add_coordinator(group.id, coordinator.id)
        ann = await tx.people.ensure(ANN, ANN, "Ann", now)
        await tx.groups.add_member(group.id, ann.id, now)
        seed = ItemSeed(group.id, ANN, "the forms", date(2026, 3, 2), now - timedelta(hours=1))
        [item_id] = await add_items(tx, services.sealer, [seed])
    return item_id


async def _status(services: Services, item_id: int) -> str:
    card = await services.inbox.card(COORDINATOR, item_id)
    assert card is not None
    return card.item.status


async def test_a_reply_is_previewed_then_sent_once(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    item_id = await _item(services, storage, clock)
    drafts = services.inbox_drafts
    assert not await drafts.begin(OTHER, OTHER, REPLY_STEP, item_id)
    assert await drafts.begin(COORDINATOR, COORDINATOR, REPLY_STEP, item_id)

    written = await drafts.write_reply(COORDINATOR, COORDINATOR, "Thank you, we read it.")
    sent = await drafts.send(COORDINATOR)
    again = await drafts.send(COORDINATOR)

    assert written.done is Done.DONE and written.said is not None
    assert written.item_id == item_id
    assert sent == (Done.DONE, item_id)
    assert again == (Done.STALE, None)


async def test_a_reply_begun_from_a_conversation_is_the_same_typed_draft(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    item_id = await _item(services, storage, clock)
    drafts = services.inbox_drafts
    await drafts.begin_reply(COORDINATOR, COORDINATOR, str(item_id))

    written = await drafts.write_reply(COORDINATOR, COORDINATOR, "Thank you, we read it.")

    assert written.done is Done.DONE and written.item_id == item_id
    assert await drafts.send(COORDINATOR) == (Done.DONE, item_id)


async def test_a_will_change_outcome_asks_by_when_then_keeps_the_day(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    item_id = await _item(services, storage, clock)
    drafts = services.inbox_drafts
    await drafts.begin(COORDINATOR, COORDINATOR, "loop_outcome", item_id, Outcome.WILL_CHANGE)

    empty = await drafts.write_outcome(COORDINATOR, COORDINATOR, "  ")
    asked = await drafts.write_outcome(COORDINATOR, COORDINATOR, "The forms get shorter.")
    step = await services.steps.current(COORDINATOR)
    shown = await drafts.write_due(COORDINATOR, COORDINATOR, "31 December")

    assert empty.done is Done.EMPTY
    assert asked.asks_due and step is not None and step.step == DUE_STEP
    assert shown.said is not None
    step = await services.steps.current(COORDINATOR)
    assert step is not None and step.step == READY_STEP
    assert step.data["due"].endswith("-12-31")
    assert (await drafts.send(COORDINATOR))[0] is Done.DONE
    assert await _status(services, item_id) == "outcome"


async def test_an_outcome_draft_kept_by_the_previous_version_is_still_sent(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    """A coordinator half-way through an outcome while Chorus is upgraded carries on."""
    item_id = await _item(services, storage, clock)
    old = {
        "item": str(item_id),
        "outcome": "changed",
        "text": "The forms are shorter now.",
        "step": READY_STEP,
    }
    await services.steps.begin(COORDINATOR, COORDINATOR, READY_STEP, old)

    assert await services.inbox_drafts.send(COORDINATOR) == (Done.DONE, item_id)
    assert await _status(services, item_id) == "outcome"


async def test_a_meeting_that_is_not_understood_is_asked_again(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    item_id = await _item(services, storage, clock)
    old = {"item": str(item_id), "step": MEETING_STEP}
    await services.steps.begin(COORDINATOR, COORDINATOR, MEETING_STEP, old)

    retry, _ = await services.inbox_drafts.meeting(COORDINATOR, "Board meeting")
    kept = await services.steps.current(COORDINATOR)
    done, taken = await services.inbox_drafts.meeting(COORDINATOR, "Board meeting, 31 December")

    assert retry is Done.BAD_DATE and kept is not None
    assert (done, taken) == (Done.DONE, item_id)
    assert await services.steps.current(COORDINATOR) is None


async def test_an_inbox_draft_that_cannot_be_read_ends_with_a_kind_word(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    await _item(services, storage, clock)
    odd = {"item": "1", "outcome": "maybe", "step": "loop_outcome"}
    await services.steps.begin(COORDINATOR, COORDINATOR, "loop_outcome", odd)

    written = await services.inbox_drafts.write_outcome(COORDINATOR, COORDINATOR, "Words")

    assert written.done is Done.STALE and written.said is None
    assert await services.steps.current(COORDINATOR) is None
