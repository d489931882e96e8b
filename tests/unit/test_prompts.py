"""Prompts as a service: who may post, what the words may be, and who they go to."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.services import Services
from bot.services.prompts import END_STEP, READY_STEP, TEXT_STEP, Posted, PromptProblem
from storage import schema
from storage.database import Storage
from tests.support.clock import FakeClock
from tests.support.outbox import shown_plain

CATH, ANNA, BEN, CARL, DORA = 2001, 2002, 2003, 2004, 2005


async def _group(storage: Storage, clock: FakeClock) -> int:
    now = clock.now()
    async with storage.transaction() as tx:
        cath = await tx.people.ensure(CATH, CATH, "Cath", now)
        await tx.people.set_coordinator(cath.id, True)
        group = await tx.groups.create("Voices", "code2", cath.id, now)
        await tx.groups.add_coordinator(group.id, cath.id)
        await tx.groups.add_member(group.id, cath.id, now)
        for telegram_id in (ANNA, BEN, CARL):
            person = await tx.people.ensure(telegram_id, telegram_id, None, now)
            await tx.groups.add_member(group.id, person.id, now)
            if telegram_id == BEN:
                await tx.people.set_paused(person.id, True)
            if telegram_id == CARL:
                await tx.people.mark_unreachable(person.id, now)
        return group.id


async def test_a_prompt_goes_to_members_who_can_get_it(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    group = await _group(storage, clock)
    prompts = services.prompts
    draft = await prompts.begin(CATH, CATH)
    assert (draft.step, draft.group and draft.group.id) == (TEXT_STEP, group)
    assert (await prompts.give_text(CATH, " \u200b ")).problem is PromptProblem.EMPTY
    assert (await prompts.give_text(CATH, "q" * 1001)).problem is PromptProblem.TOO_LONG
    assert (await prompts.give_text(CATH, "What could have helped Sam?")).step == END_STEP
    assert (await prompts.choose_end(CATH, 9)).problem is PromptProblem.STALE
    ready = await prompts.choose_end(CATH, 2)
    assert (ready.step, ready.ends_on) == (READY_STEP, date(2026, 3, 17))

    posted = await prompts.post(CATH)
    assert isinstance(posted, Posted) and posted.queued == 1
    async with storage.read() as tx:
        rows = (
            await tx.conn.execute(
                select(schema.outbox.c.person_id, schema.outbox.c.payload).where(
                    schema.outbox.c.kind == "prompt"
                )
            )
        ).all()
        anna = await tx.people.by_telegram_id(ANNA)
    assert anna is not None and [row.person_id for row in rows] == [anna.id]
    shown = shown_plain(rows[0].payload)
    assert shown.buttons[0][0][1] == f"ur:{posted.prompt.id}"
    assert "What could have helped Sam?" in shown.text
    # Posting again needs a new draft: nothing is queued twice.
    assert await prompts.post(CATH) is PromptProblem.STALE


async def test_only_a_groups_coordinators_post_to_it(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    group = await _group(storage, clock)
    assert (await services.prompts.begin(ANNA, ANNA)).problem is PromptProblem.NO_GROUPS
    async with storage.transaction() as tx:
        dora = await tx.people.ensure(DORA, DORA, None, clock.now())
        await tx.people.set_coordinator(dora.id, True)
    assert (await services.prompts.begin(DORA, DORA)).problem is PromptProblem.NO_GROUPS
    assert (await services.prompts.choose_group(DORA, group)).problem is PromptProblem.STALE
    async with storage.transaction() as tx:
        own = await tx.groups.create("Dora's", "code4", dora.id, clock.now())
        await tx.groups.add_coordinator(own.id, dora.id)
    await services.prompts.begin(DORA, DORA)
    # A forged button naming another coordinator's group.
    refused = await services.prompts.choose_group(DORA, group)
    assert refused.problem is PromptProblem.NOT_ALLOWED
