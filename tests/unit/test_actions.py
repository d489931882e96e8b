"""Actions: only a group's coordinators make and work them, items link within their own
group, and each update reaches each author once."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from bot.presentation.outgoing import render_text
from bot.services import Services
from bot.services.actions import ActionStatus
from bot.services.inbox import Done
from storage.database import Storage
from tests.support.clock import FakeClock
from tests.support.items import ItemSeed, add_items

COORDINATOR, OTHER, ANN = 4400, 4401, 4402


async def _setup(services: Services, storage: Storage, clock: FakeClock) -> tuple[int, list[int]]:
    now = clock.now()
    async with storage.transaction() as tx:
        people = [await tx.people.ensure(t, t, f"P{t}", now) for t in (COORDINATOR, OTHER, ANN)]
        for person in people[:2]:
            await tx.people.set_coordinator(person.id, True)
        group = await tx.groups.create("Carers", "c1", people[0].id, now)
        elsewhere = await tx.groups.create("Housing", "c2", people[1].id, now)
        await tx.groups.add_coordinator(group.id, people[0].id)
        await tx.groups.add_coordinator(elsewhere.id, people[1].id)
        earlier = now - timedelta(hours=1)
        ids = await add_items(
            tx,
            services.sealer,
            [
                ItemSeed(group.id, ANN, "one", date(2026, 3, 1), earlier),
                ItemSeed(group.id, ANN, "two", date(2026, 3, 2), earlier, anonymous=True),
                ItemSeed(elsewhere.id, ANN, "elsewhere", date(2026, 3, 2), earlier),
            ],
        )
    return group.id, ids


async def test_only_the_groups_coordinators_make_and_work_actions(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    group_id, ids = await _setup(services, storage, clock)
    done, action = await services.actions.create(OTHER, group_id, "Rewrite the forms")
    assert done is Done.NOT_ALLOWED and action is None
    done, action = await services.actions.create(ANN, group_id, "Rewrite the forms")
    assert done is Done.NOT_ALLOWED
    done, action = await services.actions.create(COORDINATOR, group_id, "  ")
    assert done is Done.EMPTY
    done, action = await services.actions.create(
        COORDINATOR, group_id, "Rewrite the forms", ids[0]
    )
    assert done is Done.DONE and action is not None
    assert await services.actions.link(OTHER, action.id, ids[1]) is Done.NOT_ALLOWED
    assert await services.actions.link(COORDINATOR, action.id, ids[2]) is Done.GONE
    assert await services.actions.link(COORDINATOR, action.id, ids[0]) is Done.ALREADY
    assert await services.actions.link(COORDINATOR, action.id, ids[1]) is Done.DONE
    assert (await services.actions.post(OTHER, action.id, "news")).done is Done.NOT_ALLOWED


async def test_updates_reach_each_author_once_and_build_the_history(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    group_id, ids = await _setup(services, storage, clock)
    _, action = await services.actions.create(COORDINATOR, group_id, "Rewrite the forms", ids[0])
    assert action is not None
    await services.actions.link(COORDINATOR, action.id, ids[1])
    posted = await services.actions.post(COORDINATOR, action.id, "The first draft is ready.")
    assert posted.done is Done.DONE and posted.reached == 1  # Ann, once, for both items
    changed = await services.actions.set_status(COORDINATOR, action.id, ActionStatus.DONE)
    assert changed.reached == 1
    again = await services.actions.set_status(COORDINATOR, action.id, ActionStatus.DONE)
    assert again.done is Done.ALREADY
    view = await services.actions.view(COORDINATOR, action.id)
    assert view is not None and view.items == 2 and view.action.status == "done"
    assert [(h.status, h.text) for h in view.history] == [
        (None, "The first draft is ready."),
        ("done", None),
    ]
    preview = await services.actions.preview(COORDINATOR, action.id, "More news")
    assert preview.said is not None
    assert "About what you said on 1 March (“one”)" in render_text(preview.said)
    assert (await services.actions.preview(COORDINATOR, action.id, "")).done is Done.EMPTY
    blank = await services.actions.preview(COORDINATOR, action.id, "\u2800\u3164")
    assert blank.done is Done.EMPTY


async def test_posting_the_same_draft_twice_even_at_once_posts_it_once(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    group_id, ids = await _setup(services, storage, clock)
    _, action = await services.actions.create(COORDINATOR, group_id, "Rewrite the forms", ids[0])
    assert action is not None
    ready = "loop_action_ready"
    await services.steps.begin(COORDINATOR, COORDINATOR, ready, {"action": action.id})
    first, second = await asyncio.gather(
        services.actions.post(COORDINATOR, action.id, "The first draft is ready.", ready),
        services.actions.post(COORDINATOR, action.id, "The first draft is ready.", ready),
    )
    assert sorted(p.done.value for p in (first, second)) == ["already", "done"]
    assert await services.steps.current(COORDINATOR) is None
    later = await services.actions.post(COORDINATOR, action.id, "The first draft is ready.", ready)
    assert later.done is Done.ALREADY
    view = await services.actions.view(COORDINATOR, action.id)
    assert view is not None and len(view.history) == 1
