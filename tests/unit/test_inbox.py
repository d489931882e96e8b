"""The coordinators' inbox: who may see what, in which order, and moving items on."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.presentation.outgoing import render_text
from bot.services import Services
from bot.services.inbox import Done, InboxFilter, Outcome, parse_day, split_meeting
from storage.database import Storage
from tests.support.clock import FakeClock
from tests.support.items import ItemSeed, add_items

COORDINATOR, OTHER_COORDINATOR, ANN = 4200, 4201, 4202
TODAY = date(2026, 3, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 March", date(2026, 3, 12)),
        ("12th mar", date(2026, 3, 12)),
        ("1 March", date(2026, 3, 1)),  # just past: this year
        ("1 January", date(2027, 1, 1)),  # long past: next year
        ("12/3", date(2026, 3, 12)),
        ("12/3/27", date(2027, 3, 12)),
        ("today", TODAY),
        ("tomorrow", date(2026, 3, 4)),
        ("31 February", None),
        ("next week", None),
        ("12 Mawrth", date(2026, 3, 12)),
        ("١٢ مارس", date(2026, 3, 12)),
        ("yfory", date(2026, 3, 4)),
        ("غدًا", date(2026, 3, 4)),
        ("2026-03-20", date(2026, 3, 20)),
        ("", None),
    ],
)
def test_parse_day(text: str, expected: date | None) -> None:
    assert parse_day(text, TODAY) == expected


def test_split_meeting_takes_the_date_after_the_last_comma_or_on() -> None:
    assert split_meeting("Board meeting, 12 March") == ("Board meeting", "12 March")
    assert split_meeting("Board, staff and members, 12/3") == ("Board, staff and members", "12/3")
    assert split_meeting("Board meeting on 12 March") == ("Board meeting", "12 March")
    assert split_meeting("Board meeting") is None


async def _group(services: Services, storage: Storage, clock: FakeClock) -> tuple[int, list[int]]:
    now = clock.now()
    async with storage.transaction() as tx:
        coordinator = await tx.people.ensure(COORDINATOR, COORDINATOR, "Cora", now)
        other = await tx.people.ensure(OTHER_COORDINATOR, OTHER_COORDINATOR, "Olu", now)
        for person in (coordinator, other):
            await tx.people.set_coordinator(person.id, True)
        group = await tx.groups.create("Carers", "c1", coordinator.id, now)
        elsewhere = await tx.groups.create("Elsewhere", "c2", other.id, now)
        await tx.groups.add_coordinator(group.id, coordinator.id)
        await tx.groups.add_coordinator(elsewhere.id, other.id)
        ann = await tx.people.ensure(ANN, ANN, "Ann", now)
        await tx.groups.add_member(group.id, ann.id, now)
        earlier = now - timedelta(hours=1)
        ids = await add_items(
            tx,
            services.sealer,
            [
                ItemSeed(group.id, ANN, "newest", date(2026, 3, 2), earlier),
                ItemSeed(group.id, ANN, "oldest", date(2026, 2, 11), earlier, anonymous=True),
                ItemSeed(
                    group.id, ANN, "tomorrow's batch", TODAY, now + timedelta(hours=12), True
                ),
                ItemSeed(
                    group.id, ANN, "withdrawn", date(2026, 2, 1), earlier, withdrawn_on=TODAY
                ),
            ],
        )
    return group.id, ids


async def test_the_inbox_shows_visible_items_oldest_first_without_identity(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    group_id, ids = await _group(services, storage, clock)
    view = await services.inbox.view(COORDINATOR, group_id)
    assert view is not None and view.card is not None
    assert view.card.words == "oldest" and view.card.author is None
    assert view.card.waited_days == 20
    assert view.counts[InboxFilter.ALL] == 2 and view.counts[InboxFilter.OVERDUE] == 1
    following = await services.inbox.view(COORDINATOR, group_id, after_item=view.card.item.id)
    assert following is not None and following.card is not None
    assert following.card.words == "newest" and following.card.author == "Ann"
    # Items in a later batch, or withdrawn, cannot be opened, even by a forged button.
    assert await services.inbox.card(COORDINATOR, ids[2]) is None
    assert await services.inbox.card(COORDINATOR, ids[3]) is None
    assert await services.inbox.acknowledge(COORDINATOR, ids[2]) is Done.GONE


async def test_only_the_groups_coordinators_may_work_it(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    group_id, ids = await _group(services, storage, clock)
    assert await services.inbox.view(OTHER_COORDINATOR, group_id) is None
    assert await services.inbox.view(ANN, group_id) is None
    assert await services.inbox.acknowledge(OTHER_COORDINATOR, ids[0]) is Done.GONE
    assert await services.inbox.reply(ANN, ids[0], "hello") is Done.GONE
    assert await services.inbox.acknowledge(COORDINATOR, ids[0]) is Done.DONE
    assert await services.inbox.acknowledge(COORDINATOR, ids[0]) is Done.ALREADY


async def test_an_item_moves_to_its_outcome(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    _, ids = await _group(services, storage, clock)
    item = ids[0]
    assert await services.inbox.take_to_meeting(COORDINATOR, item, "Board, 12 March") is Done.DONE
    assert await services.inbox.take_to_meeting(COORDINATOR, item, "Board") is Done.BAD_DATE
    assert (
        await services.inbox.record_outcome(COORDINATOR, item, Outcome.WILL_CHANGE, "x", None)
        is Done.BAD_DATE
    )
    for blank in ("", "\u3164\u2800", "\u200c\u200d \ufe0f"):
        assert (
            await services.inbox.record_outcome(COORDINATOR, item, Outcome.CHANGED, blank, None)
            is Done.EMPTY
        )
    assert (
        await services.inbox.record_outcome(COORDINATOR, item, Outcome.CHANGED, "x" * 1001, None)
        is Done.TOO_LONG
    )
    preview = await services.inbox.preview_outcome(
        COORDINATOR, item, Outcome.CHANGED, "the forms are one page", None
    )
    assert preview.said is not None
    assert render_text(preview.said).startswith("On 2 March you said: “newest”")
    done = await services.inbox.record_outcome(
        COORDINATOR, item, Outcome.CHANGED, "the forms are one page", None
    )
    assert done is Done.DONE
    history = await services.you_said.history(ANN, item)
    assert history is not None
    texts = [render_text(line.said) for line in history.lines]
    assert any("Board on 12 March" in t for t in texts)
    assert any("What changed: the forms are one page" in t for t in texts)
    # Only the author may read an item's history.
    assert await services.you_said.history(COORDINATOR, item) is None


async def test_nudge_days_are_a_coordinators_choice_from_the_list(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    group_id, ids = await _group(services, storage, clock)
    assert await services.inbox.acknowledge(COORDINATOR, ids[1]) is Done.DONE
    view = await services.inbox.view(COORDINATOR, group_id, InboxFilter.OVERDUE)
    assert view is not None and view.counts[InboxFilter.OVERDUE] == 1  # 20 days, no outcome
    assert await services.inbox.outcome_days(COORDINATOR, group_id) == 14
    assert not await services.inbox.set_outcome_days(COORDINATOR, group_id, 5)
    assert not await services.inbox.set_outcome_days(ANN, group_id, 21)
    assert await services.inbox.set_outcome_days(COORDINATOR, group_id, 21)
    assert await services.inbox.outcome_days(COORDINATOR, group_id) == 21
    view = await services.inbox.view(COORDINATOR, group_id, InboxFilter.OVERDUE)
    assert view is not None and view.counts[InboxFilter.OVERDUE] == 0 and view.card is None
