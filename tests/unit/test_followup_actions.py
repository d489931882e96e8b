"""Actions: only a group's coordinators make and work them, items link within their own
group, and each update reaches each author once."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from bot.presentation.outgoing import render_text
from bot.services import Services
from bot.services.followup_actions import ActionStatus
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
    done, action = await services.followup_actions.create(OTHER, group_id, "Rewrite the forms")
    assert done is Done.NOT_ALLOWED and action is None
    done, action = await services.followup_actions.create(ANN, group_id, "Rewrite the forms")
    assert done is Done.NOT_ALLOWED
    done, action = await services.followup_actions.create(COORDINATOR, group_id, "  ")
    assert done is Done.EMPTY
    done, action = await services.followup_actions.create(
        COORDINATOR, group_id, "Rewrite the forms", ids[0]
    )
    assert done is Done.DONE and action is not None
    assert await services.followup_actions.link(OTHER, action.id, ids[1]) is Done.NOT_ALLOWED
    assert await services.followup_actions.link(COORDINATOR, action.id, ids[2]) is Done.GONE
    assert await services.followup_actions.link(COORDINATOR, action.id, ids[0]) is Done.ALREADY
    assert await services.followup_actions.link(COORDINATOR, action.id, ids[1]) is Done.DONE
    assert (
        await services.followup_actions.post(OTHER, action.id, "news")
    ).done is Done.NOT_ALLOWED


async def test_updates_reach_each_author_once_and_build_the_history(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    group_id, ids = await _setup(services, storage, clock)
    _, action = await services.followup_actions.create(
        COORDINATOR, group_id, "Rewrite the forms", ids[0]
    )
    assert action is not None
    await services.followup_actions.link(COORDINATOR, action.id, ids[1])
    posted = await services.followup_actions.post(
        COORDINATOR, action.id, "The first draft is ready."
    )
    assert posted.done is Done.DONE and posted.reached == 1  # Ann, once, for both items
    changed = await services.followup_actions.set_status(COORDINATOR, action.id, ActionStatus.DONE)
    assert changed.reached == 1
    again = await services.followup_actions.set_status(COORDINATOR, action.id, ActionStatus.DONE)
    assert again.done is Done.ALREADY
    view = await services.followup_actions.view(COORDINATOR, action.id)
    assert view is not None and view.items == 2 and view.action.status == "done"
    assert [(h.status, h.text) for h in view.history] == [
        (None, "The first draft is ready."),
        ("done", None),
    ]
    preview = await services.followup_actions.preview(COORDINATOR, action.id, "More news")
    assert preview.said is not None
    assert "On 1 March you said: “one”" in render_text(preview.said)
    assert (await services.followup_actions.preview(COORDINATOR, action.id, "")).done is Done.EMPTY
    blank = await services.followup_actions.preview(COORDINATOR, action.id, "\u2800\u3164")
    assert blank.done is Done.EMPTY


async def test_posting_the_same_draft_twice_even_at_once_posts_it_once(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    group_id, ids = await _setup(services, storage, clock)
    _, action = await services.followup_actions.create(
        COORDINATOR, group_id, "Rewrite the forms", ids[0]
    )
    assert action is not None
    ready = "loop_action_ready"
    await services.steps.begin(COORDINATOR, COORDINATOR, ready, {"action": action.id})
    first, second = await asyncio.gather(
        services.followup_actions.post(COORDINATOR, action.id, "The first draft is ready.", ready),
        services.followup_actions.post(COORDINATOR, action.id, "The first draft is ready.", ready),
    )
    assert sorted(p.done.value for p in (first, second)) == ["already", "done"]
    assert await services.steps.current(COORDINATOR) is None
    later = await services.followup_actions.post(
        COORDINATOR, action.id, "The first draft is ready.", ready
    )
    assert later.done is Done.ALREADY
    view = await services.followup_actions.view(COORDINATOR, action.id)
    assert view is not None and len(view.history) == 1


async def test_a_new_action_s_draft_makes_it_with_its_item_and_ends(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    group_id, ids = await _setup(services, storage, clock)
    await services.followup_actions.begin_new(COORDINATOR, COORDINATOR, group_id, str(ids[0]))

    empty, nothing = await services.followup_actions.make(COORDINATOR, "  ")
    done, action = await services.followup_actions.make(COORDINATOR, "Rewrite the forms")

    assert empty is Done.EMPTY and nothing is None
    assert done is Done.DONE and action is not None and action.group_id == group_id
    view = await services.followup_actions.view(COORDINATOR, action.id)
    assert view is not None and view.items == 1
    assert await services.steps.current(COORDINATOR) is None


async def test_an_update_s_draft_kept_by_the_previous_version_is_posted_once(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    """A coordinator half-way through an update while Chorus is upgraded carries on."""
    group_id, ids = await _setup(services, storage, clock)
    _, action = await services.followup_actions.create(
        COORDINATOR, group_id, "Rewrite the forms", ids[0]
    )
    assert action is not None
    old = {"action": action.id, "text": "The first draft is ready."}
    await services.steps.begin(COORDINATOR, COORDINATOR, "loop_action_ready", old)

    posted = await services.followup_actions.post_draft(COORDINATOR)
    again = await services.followup_actions.post_draft(COORDINATOR)

    assert posted.done is Done.DONE and posted.reached == 1
    assert again.done is Done.STALE
    view = await services.followup_actions.view(COORDINATOR, action.id)
    assert view is not None and [h.text for h in view.history] == ["The first draft is ready."]


async def test_an_update_s_words_are_kept_for_the_tap_that_posts_them(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    group_id, ids = await _setup(services, storage, clock)
    _, action = await services.followup_actions.create(
        COORDINATOR, group_id, "Rewrite the forms", ids[0]
    )
    assert action is not None
    assert await services.followup_actions.ask_update(OTHER, OTHER, action.id) is None
    assert (
        await services.followup_actions.ask_update(COORDINATOR, COORDINATOR, action.id) is not None
    )

    preview = await services.followup_actions.write_update(COORDINATOR, COORDINATOR, "Under way.")
    posted = await services.followup_actions.post_draft(COORDINATOR)

    assert preview.done is Done.DONE and preview.said is not None
    assert posted.done is Done.DONE


async def test_an_action_draft_that_cannot_be_read_ends_with_a_kind_word(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    await _setup(services, storage, clock)
    await services.steps.begin(COORDINATOR, COORDINATOR, "loop_action_title", {"group": "x"})

    done, action = await services.followup_actions.make(COORDINATOR, "Rewrite the forms")

    assert done is Done.STALE and action is None
    assert await services.steps.current(COORDINATOR) is None


async def test_an_update_s_words_noted_can_be_shown_again_or_given_back_to_change(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    group_id, ids = await _setup(services, storage, clock)
    actions = services.followup_actions
    _, action = await actions.create(COORDINATOR, group_id, "Rewrite the forms", ids[0])
    assert action is not None
    # Nothing written yet: nothing to show again or to change.
    await actions.ask_update(COORDINATOR, COORDINATOR, action.id)
    assert (await actions.update_as_written(COORDINATOR, COORDINATOR)).done is Done.STALE
    assert await actions.change_update(COORDINATOR, COORDINATOR) is None

    await actions.write_update(COORDINATOR, COORDINATOR, "Under way.")
    again = await actions.update_as_written(COORDINATOR, COORDINATOR)
    assert again.said is not None and "Under way." in render_text(again.said)
    changed = await actions.change_update(COORDINATOR, COORDINATOR)
    assert changed is not None and changed[0].action.id == action.id
    assert changed[1] == "Under way."
    step = await services.steps.current(COORDINATOR)
    assert step is not None and step.step == "loop_action_text"
    # Waiting for new words: the old ones are not posted.
    assert (await actions.post_draft(COORDINATOR)).done is Done.STALE
    await actions.write_update(COORDINATOR, COORDINATOR, "Done at last.")
    posted = await actions.post_draft(COORDINATOR)
    assert posted.done is Done.DONE and posted.reached == 1
