"""A draft of typed words is kept aside, not lost, when another step starts over it."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.database import Storage
from storage.people import PersonRow
from storage.steps import DRAFT_KEY, KEEP_KEY

T0 = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)
STORY = {DRAFT_KEY: "share", KEEP_KEY: True, "words": "sealed words"}


async def _person(storage: Storage) -> PersonRow:
    async with storage.transaction() as tx:
        return await tx.people.ensure(101, 102, None, T0)


async def test_a_draft_comes_back_when_the_step_over_it_ends(storage: Storage) -> None:
    ann = await _person(storage)
    async with storage.transaction() as tx:
        await tx.steps.set(ann.id, "content", STORY, T0)
        await tx.steps.set(ann.id, "display_name", {}, T0)
        # A step over a step over the draft keeps it too.
        await tx.steps.set(ann.id, "choosing", {"update": 5}, T0)
    async with storage.transaction() as tx:
        kept = await tx.steps.kept(ann.id)
        assert kept is not None and (kept.step, kept.data) == ("content", STORY)
        assert await tx.steps.clear(ann.id)
        step = await tx.steps.get(ann.id)
        assert step is not None and (step.step, step.data) == ("content", STORY)
        assert await tx.steps.clear(ann.id)  # the draft itself, ended: nothing comes back
        assert await tx.steps.get(ann.id) is None


async def test_the_drafts_own_flow_takes_its_place(storage: Storage) -> None:
    ann = await _person(storage)
    async with storage.transaction() as tx:
        await tx.steps.set(ann.id, "content", STORY, T0)
        await tx.steps.set(ann.id, "display_name", {}, T0)
        await tx.steps.set(ann.id, "preview", {**STORY, "named": True}, T0)
        step = await tx.steps.get(ann.id)
        assert step is not None and "kept" not in step.data
        # An empty draft (nothing typed yet) is not kept.
        await tx.steps.set(ann.id, "kind", {DRAFT_KEY: "share", KEEP_KEY: False}, T0)
        await tx.steps.set(ann.id, "display_name", {}, T0)
        assert await tx.steps.kept(ann.id) is None


async def test_drop_takes_the_kept_draft_too(storage: Storage) -> None:
    ann = await _person(storage)
    async with storage.transaction() as tx:
        await tx.steps.set(ann.id, "content", STORY, T0)
        await tx.steps.set(ann.id, "display_name", {}, T0)
        assert await tx.steps.drop(ann.id)
        assert await tx.steps.get(ann.id) is None


async def test_drop_kept_throws_the_draft_away_and_the_step_goes_on(storage: Storage) -> None:
    ann = await _person(storage)
    async with storage.transaction() as tx:
        await tx.steps.set(ann.id, "content", STORY, T0)
        await tx.steps.set(ann.id, "display_name", {"asked": 1}, T0)
        assert await tx.steps.drop_kept(ann.id)
        step = await tx.steps.get(ann.id)
        assert step is not None and (step.step, step.data) == ("display_name", {"asked": 1})
        assert await tx.steps.kept(ann.id) is None
        assert not await tx.steps.drop_kept(ann.id)  # nothing left to throw away
        # Ending the step brings nothing back.
        await tx.steps.clear(ann.id)
        assert await tx.steps.get(ann.id) is None
