"""Sharing as a service: submitting, the daily batch across clock changes, drafts sealed,
/mine, withdrawal, and what coordinators and observers may read."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from bot.presentation.outgoing import render_text
from bot.services import Services
from bot.services.delivery_rules import RETURN_ADDRESS_PURPOSE
from bot.services.sharing import (
    BODY_PURPOSE,
    MAX_WORDS,
    Consent,
    Draft,
    Kind,
    ShareStage,
    SubmitOutcome,
    WithdrawOutcome,
    clean_words,
    next_batch,
)
from storage import schema
from storage.database import Storage
from tests.support.clock import FakeClock

LONDON = ZoneInfo("Europe/London")
COORDINATOR, OBSERVER, ANNA, BEN, STRANGER = 1001, 1002, 1003, 1004, 1005


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "batch"),
    [
        (_utc(2026, 3, 3, 12), _utc(2026, 3, 4, 9)),  # GMT: 09:00 is 09:00 UTC
        (_utc(2026, 3, 3, 8, 59), _utc(2026, 3, 3, 9)),
        (_utc(2026, 3, 3, 9), _utc(2026, 3, 4, 9)),  # strictly after now
        (_utc(2026, 3, 28, 12), _utc(2026, 3, 29, 8)),  # clocks go forward overnight
        (_utc(2026, 3, 29, 8, 30), _utc(2026, 3, 30, 8)),  # 09:30 BST: tomorrow
        (_utc(2026, 10, 24, 12), _utc(2026, 10, 25, 9)),  # clocks go back overnight
        (_utc(2026, 10, 24, 7, 30), _utc(2026, 10, 24, 8)),  # 08:30 BST: 09:00 BST today
    ],
)
def test_the_daily_batch_is_at_nine_local_time(now: datetime, batch: datetime) -> None:
    assert next_batch(now, LONDON) == batch


def test_clean_words() -> None:
    assert clean_words(" \u200b\u2060\n ") is None
    assert clean_words("\u3164\u3164") is None  # read back as "ㅤㅤ" before
    assert clean_words("\u2800\n\u200c\u200d") is None
    assert clean_words(None) is None
    assert clean_words("  line one\nline two \u202e ") == "line one\nline two"
    assert clean_words("cafe\u0301") == "café"
    assert clean_words("👩\u200d👩\u200d👧") == "👩\u200d👩\u200d👧"


def test_a_draft_keeps_its_words_sealed(services: Services) -> None:
    draft = Draft(ShareStage.NAME, 3, Kind.STORY, words="my own words", media_kind="voice")
    draft.media_file_id = "AwACAgQ-file"
    data = draft.sealed(services.sealer)
    assert "my own words" not in str(data) and "AwACAgQ-file" not in str(data)
    assert Draft.opened("share_name", data, services.sealer) == draft


async def _group(storage: Storage, clock: FakeClock, members: list[int]) -> int:
    now = clock.now()
    async with storage.transaction() as tx:
        coordinator = await tx.people.ensure(COORDINATOR, COORDINATOR, "Cath", now)
        await tx.people.set_coordinator(coordinator.id, True)
        group = await tx.groups.create("Voices", "code1", coordinator.id, now)
        await tx.groups.add_coordinator(group.id, coordinator.id)
        for telegram_id in members:
            person = await tx.people.ensure(telegram_id, telegram_id, f"P{telegram_id}", now)
            await tx.groups.add_member(group.id, person.id, now)
        observer = await tx.people.ensure(OBSERVER, OBSERVER, "Olu", now)
        await tx.observers.add(group.id, observer.id, now)
        return group.id


async def test_submit_named_and_anonymous(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    group = await _group(storage, clock, [ANNA])
    named = await services.sharing.submit(ANNA, ANNA, group, Kind.FEEDBACK, "Named", True)
    anonymous = await services.sharing.submit(
        ANNA, ANNA, group, Kind.STORY, " Mine ", False, Consent.QUOTE_NAMED
    )
    assert named.outcome is anonymous.outcome is SubmitOutcome.SENT
    assert named.receipt is not None and anonymous.receipt is not None
    assert named.receipt.visible_at == clock.now()
    assert anonymous.receipt.visible_at == _utc(2026, 3, 4, 9)
    # Held, sealed whole, until the batch; then among the items.
    async with storage.read() as tx:
        assert await tx.items.by_reference(anonymous.receipt.reference) is None
        [(_, held)] = await tx.items.held()
    assert "Mine" not in held and str(ANNA) not in held
    clock.set(_utc(2026, 3, 4, 9))
    assert await services.sharing.release_held() == 1
    async with storage.read() as tx:
        row = await tx.items.by_reference(anonymous.receipt.reference)
        assert await tx.items.held() == []
    assert row is not None and row.person_id is None
    assert row.consent == "quote_anonymous"  # "quote with my name" means nothing without one
    assert services.sealer.open(str(row.body), BODY_PURPOSE) == "Mine"
    assert services.sealer.open(str(row.return_address), RETURN_ADDRESS_PURPOSE) == str(ANNA)
    assert row.given_on == date(2026, 3, 3) and not row.risk


async def test_submit_refuses_bad_input(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    group = await _group(storage, clock, [ANNA])
    submit = services.sharing.submit
    assert (await submit(BEN, BEN, group, Kind.FEEDBACK, "x", True)).outcome is (
        SubmitOutcome.NOT_MEMBER
    )
    assert (await submit(ANNA, ANNA, group, Kind.FEEDBACK, "\u200b", True)).outcome is (
        SubmitOutcome.EMPTY
    )
    long = "y" * (MAX_WORDS + 1)
    assert (await submit(ANNA, ANNA, group, Kind.FEEDBACK, long, True)).outcome is (
        SubmitOutcome.TOO_LONG
    )
    assert (await submit(ANNA, ANNA, group + 1, Kind.FEEDBACK, "x", True)).outcome is (
        SubmitOutcome.NOT_MEMBER
    )
    risky = await submit(ANNA, ANNA, group, Kind.SESSION, "I want to die", False, session_id=4)
    assert risky.outcome is SubmitOutcome.SENT and risky.alert_id is not None


async def test_the_local_date_is_kept_across_midnight_in_summer(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    group = await _group(storage, clock, [ANNA])
    clock.set(_utc(2026, 6, 30, 23, 30))  # 00:30 on 1 July in London
    result = await services.sharing.submit(ANNA, ANNA, group, Kind.FEEDBACK, "Late", False)
    assert result.receipt is not None
    clock.set(_utc(2026, 7, 1, 8))
    await services.sharing.release_held()
    async with storage.read() as tx:
        row = await tx.items.by_reference(result.receipt.reference)
    assert row is not None and row.given_on == date(2026, 7, 1)
    assert row.visible_at == _utc(2026, 7, 1, 8)


async def test_mine_lists_newest_first_and_withdrawal(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    group = await _group(storage, clock, [ANNA, BEN])
    first = await services.sharing.submit(ANNA, ANNA, group, Kind.FEEDBACK, "First", True)
    clock.set(_utc(2026, 3, 5, 12))
    second = await services.sharing.submit(ANNA, ANNA, group, Kind.FEEDBACK, "Second", False)
    await services.sharing.submit(BEN, BEN, group, Kind.FEEDBACK, "Ben's", True)
    assert first.receipt is not None and second.receipt is not None
    view = await services.sharing.mine(ANNA)
    assert view is not None and [e.words for e in view.entries] == ["Second", "First"]
    assert await services.sharing.mine(STRANGER) is None

    assert (await services.sharing.withdraw(BEN, first.receipt.reference)).outcome is (
        WithdrawOutcome.UNKNOWN
    )
    clock.set(_utc(2026, 3, 6, 9))
    assert await services.sharing.release_held() == 1
    view = await services.sharing.mine(ANNA)
    assert view is not None and [e.words for e in view.entries] == ["Second", "First"]
    async with storage.transaction() as tx:
        await tx.conn.execute(update(schema.item).values(status="meeting"))
    result = await services.sharing.withdraw(ANNA, second.receipt.reference.lower())
    assert result.outcome is WithdrawOutcome.WITHDRAWN and result.coordinators_told
    again = await services.sharing.withdraw(ANNA, second.receipt.reference)
    assert again.outcome is WithdrawOutcome.UNKNOWN
    async with storage.read() as tx:
        notices = (
            await tx.conn.execute(
                select(schema.outbox.c.person_id, schema.outbox.c.due_at).where(
                    schema.outbox.c.kind == "item_withdrawn"
                )
            )
        ).all()
        coordinator = await tx.people.by_telegram_id(COORDINATOR)
    # An anonymous item's notice waits for the batch moment, so its timing says nothing.
    assert coordinator is not None
    assert [(n.person_id, n.due_at) for n in notices] == [(coordinator.id, _utc(2026, 3, 7, 9))]
    view = await services.sharing.mine(ANNA)
    assert view is not None and [e.words for e in view.entries] == ["First"]


async def test_an_item_withdrawn_while_held_is_gone_and_no_one_is_told(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    group = await _group(storage, clock, [ANNA])
    sent = await services.sharing.submit(ANNA, ANNA, group, Kind.FEEDBACK, "Held", False)
    assert sent.receipt is not None
    entry = await services.sharing.read_own(ANNA, sent.receipt.reference)
    assert entry is not None and entry.words == "Held" and entry.status == "received"
    assert await services.sharing.read_own(BEN, sent.receipt.reference) is None
    history = await services.you_said.history(ANNA, entry.item_id)
    assert history is not None and history.given_on == date(2026, 3, 3)
    assert [render_text(line.said) for line in history.lines] == ["you shared it. Thank you."]
    assert await services.you_said.history(BEN, entry.item_id) is None
    result = await services.sharing.withdraw(ANNA, sent.receipt.reference)
    assert result.outcome is WithdrawOutcome.WITHDRAWN and not result.coordinators_told
    clock.set(_utc(2026, 3, 4, 9))
    assert await services.sharing.release_held() == 0
    view = await services.sharing.mine(ANNA)
    assert view is not None and view.entries == [] and view.total == 0


async def test_readers_see_no_identity(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    group = await _group(storage, clock, [ANNA, BEN])
    await services.sharing.submit(ANNA, ANNA, group, Kind.FEEDBACK, "Named words", True)
    await services.sharing.submit(BEN, BEN, group, Kind.FEEDBACK, "Unnamed words", False)

    found = await services.sharing.read_group(COORDINATOR, group)
    assert found is not None and [i.words for i in found[1]] == ["Named words"]
    clock.set(_utc(2026, 3, 4, 9))
    await services.sharing.release_held()
    found = await services.sharing.read_group(COORDINATOR, group)
    assert found is not None
    authors = {item.words: item.author for item in found[1]}
    assert authors == {"Named words": f"P{ANNA}", "Unnamed words": None}
    seen = await services.sharing.read_group(OBSERVER, group)
    assert seen is not None and all(item.author is None for item in seen[1])
    assert await services.sharing.read_group(ANNA, group) is None
    assert await services.sharing.read_group(STRANGER, group) is None
    assert await services.roles.is_observer_of(OBSERVER, group)
    assert not await services.roles.is_observer_of(ANNA, group)
    assert [g.id for g in await services.roles.readable_groups(OBSERVER)] == [group]
    assert await services.roles.readable_groups(ANNA) == []


async def test_a_draft_that_cannot_be_read_is_not_offered_back(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    await _group(storage, clock, [ANNA])
    await services.sharing.start(ANNA)
    await services.sharing.choose_kind(ANNA, "feedback")
    await services.sharing.give_words(ANNA, "Kept")
    async with storage.transaction() as tx:
        person = await tx.people.by_telegram_id(ANNA)
        assert person is not None
        step = await tx.steps.get(person.id)
        assert step is not None and step.step == "share_name"
        await tx.steps.set(person.id, step.step, {**step.data, "words": "v1.damaged"}, clock.now())
    view = await services.sharing.start(ANNA)
    assert not view.resumable and view.draft is not None and view.draft.stage is ShareStage.KIND


async def test_an_item_gathered_into_an_action_counts_as_used(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    group = await _group(storage, clock, [ANNA])
    quiet = await services.sharing.submit(ANNA, ANNA, group, Kind.FEEDBACK, "Unused", True)
    linked = await services.sharing.submit(ANNA, ANNA, group, Kind.FEEDBACK, "Linked", True)
    assert quiet.receipt is not None and linked.receipt is not None
    async with storage.transaction() as tx:
        item = await tx.items.by_reference(linked.receipt.reference)
        assert item is not None
        action = await tx.followup.create_action(group, "Shorter forms", None, clock.now())
        await tx.followup.link(action.id, item.id, clock.now())
    assert not (await services.sharing.withdraw(ANNA, quiet.receipt.reference)).coordinators_told
    assert (await services.sharing.withdraw(ANNA, linked.receipt.reference)).coordinators_told
