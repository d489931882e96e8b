"""Broadcasts: who they reach, queuing, scheduling, stopping and progress; and how the
coordinator sees progress (bot.outbox.delivery.progress_message)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Table, func, select

from bot.outbox.delivery import progress_message
from bot.presentation import callbacks, texts
from bot.presentation.callbacks import Action
from bot.presentation.outgoing import Payload, render_text
from bot.presentation.texts import label
from bot.services import Services
from bot.services.broadcasts import (
    KIND,
    MAX_TEXT,
    CreateOutcome,
    Progress,
    member_message,
)
from storage import schema
from storage.broadcasts import BroadcastRow
from storage.database import Storage
from storage.groups import GroupRow
from tests.conftest import ADMIN_ID
from tests.support.clock import FakeClock
from tests.support.outbox import shown_plain

# Telegram ids. ANN coordinates Choir; CAT coordinates Band.
ANN, BOB, CAT, DAN, EVE, FAY, GUS = 1001, 1002, 1003, 1004, 1005, 1006, 1007


@dataclass(frozen=True)
class World:
    """Two groups and the people in them (person ids, not Telegram ids)."""

    choir: GroupRow
    band: GroupRow
    ann: int  # coordinates Choir
    cat: int  # coordinates Band
    bob: int  # Choir, reachable
    dan: int  # Choir, paused
    eve: int  # Choir, unreachable
    fay: int  # Choir and Band, reachable
    gus: int  # Band, reachable


async def _world(storage: Storage, clock: FakeClock) -> World:
    now = clock.now()
    async with storage.transaction() as tx:
        ids = {}
        for telegram_id in (ANN, BOB, CAT, DAN, EVE, FAY, GUS):
            person = await tx.people.ensure(telegram_id, telegram_id + 50_000, None, now)
            ids[telegram_id] = person.id
        await tx.people.set_coordinator(ids[ANN], True)
        await tx.people.set_coordinator(ids[CAT], True)
        choir = await tx.groups.create("Choir", "choir-code", ids[ANN], now)
        band = await tx.groups.create("Band", "band-code", ids[CAT], now)
        await tx.groups.add_coordinator(choir.id, ids[ANN])
        await tx.groups.add_coordinator(band.id, ids[CAT])
        for member in (BOB, DAN, EVE, FAY):
            await tx.groups.add_member(choir.id, ids[member], now)
        for member in (FAY, GUS):
            await tx.groups.add_member(band.id, ids[member], now)
        await tx.people.set_paused(ids[DAN], True)
        await tx.people.mark_unreachable(ids[EVE], now)
    return World(
        choir=choir,
        band=band,
        ann=ids[ANN],
        cat=ids[CAT],
        bob=ids[BOB],
        dan=ids[DAN],
        eve=ids[EVE],
        fay=ids[FAY],
        gus=ids[GUS],
    )


async def _count(storage: Storage, table: Table) -> int:
    async with storage.read() as tx:
        result = await tx.conn.execute(select(func.count()).select_from(table))
        return int(result.scalar_one())


async def _outbox(storage: Storage, broadcast_id: int) -> list[dict[str, object]]:
    """The broadcast's outbox rows, by person."""
    o = schema.outbox
    async with storage.read() as tx:
        rows = await tx.conn.execute(
            select(o).where(o.c.broadcast_id == broadcast_id).order_by(o.c.person_id)
        )
        return [dict(row._mapping) for row in rows]


async def _broadcast(storage: Storage, broadcast_id: int) -> BroadcastRow:
    async with storage.read() as tx:
        row = await tx.broadcasts.get(broadcast_id)
    assert row is not None
    return row


async def _send_now(services: Services, telegram_id: int, groups: list[int]) -> BroadcastRow:
    result = await services.broadcasts.create(telegram_id, telegram_id, groups, "Hello", None)
    assert result.outcome is CreateOutcome.SENDING
    assert result.broadcast is not None
    return result.broadcast


# --- Audience -------------------------------------------------------------------------------


async def test_audience_counts_reachable_paused_and_unreachable(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    world = await _world(storage, clock)

    audience = await services.broadcasts.audience(ANN, [world.choir.id])

    assert audience is not None
    assert [g.id for g in audience.groups] == [world.choir.id]
    # Choir: Bob and Fay reachable, Dan paused, Eve unreachable.
    assert (audience.reachable, audience.paused, audience.unreachable) == (2, 1, 1)


async def test_a_paused_unreachable_person_counts_once_as_unreachable(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    world = await _world(storage, clock)
    async with storage.transaction() as tx:
        await tx.people.set_paused(world.eve, True)

    audience = await services.broadcasts.audience(ANN, [world.choir.id])

    assert audience is not None
    assert (audience.reachable, audience.paused, audience.unreachable) == (2, 1, 1)


async def test_admin_audience_over_two_groups_counts_each_person_once(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    world = await _world(storage, clock)

    audience = await services.broadcasts.audience(ADMIN_ID, [world.choir.id, world.band.id])

    assert audience is not None
    # Bob, Fay (in both) and Gus reachable; Dan paused; Eve unreachable.
    assert (audience.reachable, audience.paused, audience.unreachable) == (3, 1, 1)


async def test_audience_is_none_for_people_who_may_not_write_to_the_group(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    world = await _world(storage, clock)

    assert await services.broadcasts.audience(BOB, [world.choir.id]) is None
    assert await services.broadcasts.audience(CAT, [world.choir.id]) is None
    # One group of theirs and one not: refused as a whole.
    assert await services.broadcasts.audience(CAT, [world.band.id, world.choir.id]) is None
    assert await services.broadcasts.audience(999_999, [world.choir.id]) is None
    # A group that does not exist.
    assert await services.broadcasts.audience(ADMIN_ID, [world.band.id + 100]) is None


async def test_a_coordinator_no_longer_a_coordinator_loses_the_audience(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    world = await _world(storage, clock)
    async with storage.transaction() as tx:
        await tx.people.set_coordinator(world.ann, False)

    assert await services.broadcasts.audience(ANN, [world.choir.id]) is None


# --- Creating -------------------------------------------------------------------------------


async def test_send_now_queues_one_row_per_reachable_member(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    world = await _world(storage, clock)

    result = await services.broadcasts.create(ANN, 7777, [world.choir.id], "Hi all", None)

    assert result.outcome is CreateOutcome.SENDING
    broadcast = result.broadcast
    assert broadcast is not None
    assert broadcast.state == "sending"
    assert broadcast.total == 2
    assert broadcast.skipped_paused == 1
    assert broadcast.skipped_unreachable == 1
    assert broadcast.created_by == world.ann
    assert broadcast.report_chat_id == 7777
    assert broadcast.send_at == clock.now()
    assert json.loads(broadcast.audience) == {"groups": [world.choir.id]}
    rows = await _outbox(storage, broadcast.id)
    assert [row["person_id"] for row in rows] == [world.bob, world.fay]
    assert [row["dedupe_key"] for row in rows] == [
        f"b{broadcast.id}:{world.bob}",
        f"b{broadcast.id}:{world.fay}",
    ]
    expected = Payload(render_text(member_message(["Choir"], "Hi all")))
    for row in rows:
        assert row["state"] == "pending"
        assert row["kind"] == KIND
        assert row["urgent"] is False
        assert row["due_at"] == clock.now()
        assert row["attempts"] == 0
        assert shown_plain(str(row["payload"])) == expected
    assert await _broadcast(storage, broadcast.id) == broadcast


async def test_two_groups_reach_a_member_of_both_once(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    world = await _world(storage, clock)

    broadcast = await _send_now(services, ADMIN_ID, [world.choir.id, world.band.id])

    rows = await _outbox(storage, broadcast.id)
    assert [row["person_id"] for row in rows] == [world.bob, world.fay, world.gus]
    assert broadcast.total == 3
    assert shown_plain(str(rows[0]["payload"])).text == render_text(
        member_message(["Choir", "Band"], "Hello")
    )


async def test_the_same_group_twice_is_one_group(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    world = await _world(storage, clock)

    broadcast = await _send_now(services, ANN, [world.choir.id, world.choir.id])

    assert json.loads(broadcast.audience) == {"groups": [world.choir.id]}
    assert len(await _outbox(storage, broadcast.id)) == 2


@pytest.mark.parametrize("ago", [timedelta(minutes=1), timedelta(0)], ids=["past", "now"])
async def test_a_send_time_not_in_the_future_sends_now(
    services: Services, storage: Storage, clock: FakeClock, ago: timedelta
) -> None:
    world = await _world(storage, clock)

    result = await services.broadcasts.create(ANN, ANN, [world.choir.id], "Hi", clock.now() - ago)

    assert result.outcome is CreateOutcome.SENDING
    assert result.broadcast is not None
    assert len(await _outbox(storage, result.broadcast.id)) == 2


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("", CreateOutcome.EMPTY),
        ("   \n\t ", CreateOutcome.EMPTY),
        ("\u2800 \u3164\u200d", CreateOutcome.EMPTY),
        ("x" * (MAX_TEXT + 1), CreateOutcome.TOO_LONG),
    ],
    ids=["empty", "blank", "invisible", "too-long"],
)
async def test_text_that_cannot_be_sent_stores_nothing(
    services: Services, storage: Storage, clock: FakeClock, text: str, outcome: CreateOutcome
) -> None:
    world = await _world(storage, clock)

    result = await services.broadcasts.create(ANN, ANN, [world.choir.id], text, None)

    assert result.outcome is outcome
    assert result.broadcast is None
    assert await _count(storage, schema.broadcast) == 0
    assert await _count(storage, schema.outbox) == 0


async def test_text_of_exactly_the_limit_is_sent(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    world = await _world(storage, clock)

    result = await services.broadcasts.create(ANN, ANN, [world.choir.id], "x" * MAX_TEXT, None)

    assert result.outcome is CreateOutcome.SENDING


@pytest.mark.parametrize("who", [BOB, CAT, 999_999])
async def test_creating_for_a_group_one_may_not_manage_stores_nothing(
    services: Services, storage: Storage, clock: FakeClock, who: int
) -> None:
    world = await _world(storage, clock)
    people = await _count(storage, schema.person)

    result = await services.broadcasts.create(who, who, [world.choir.id], "Hi", None)

    assert result.outcome is CreateOutcome.NOT_ALLOWED
    assert result.broadcast is None
    assert await _count(storage, schema.broadcast) == 0
    assert await _count(storage, schema.outbox) == 0
    assert await _count(storage, schema.person) == people


async def test_no_groups_is_no_audience(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    await _world(storage, clock)

    result = await services.broadcasts.create(ANN, ANN, [], "Hi", None)

    assert result.outcome is CreateOutcome.NO_AUDIENCE
    assert await _count(storage, schema.broadcast) == 0


async def test_an_admin_not_yet_known_can_broadcast(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    world = await _world(storage, clock)

    broadcast = await _send_now(services, ADMIN_ID, [world.band.id])

    async with storage.read() as tx:
        admin = await tx.people.by_telegram_id(ADMIN_ID)
    assert admin is not None
    assert broadcast.created_by == admin.id
    assert [row["person_id"] for row in await _outbox(storage, broadcast.id)] == [
        world.fay,
        world.gus,
    ]


# --- Scheduling -----------------------------------------------------------------------------


async def test_a_future_broadcast_is_stored_and_queues_nothing(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    world = await _world(storage, clock)
    send_at = clock.now() + timedelta(hours=2)

    result = await services.broadcasts.create(ANN, ANN, [world.choir.id], "Later", send_at)

    assert result.outcome is CreateOutcome.SCHEDULED
    assert result.broadcast is not None
    assert result.broadcast.state == "scheduled"
    assert result.broadcast.send_at == send_at
    assert result.broadcast.total == 0
    assert await _count(storage, schema.outbox) == 0
    assert [b.id for b in await services.broadcasts.active(ANN)] == [result.broadcast.id]
    assert await services.broadcasts.sending() == []


async def test_release_due_queues_a_scheduled_broadcast_once_its_time_comes(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    world = await _world(storage, clock)
    send_at = clock.now() + timedelta(hours=2)
    result = await services.broadcasts.create(ANN, ANN, [world.choir.id], "Later", send_at)
    assert result.broadcast is not None
    broadcast_id = result.broadcast.id

    clock.advance(timedelta(hours=2) - timedelta(seconds=1))
    assert await services.broadcasts.release_due() == []
    assert await _count(storage, schema.outbox) == 0

    clock.advance(timedelta(seconds=1))
    released = await services.broadcasts.release_due()

    assert [b.id for b in released] == [broadcast_id]
    assert released[0].state == "sending"
    assert (released[0].total, released[0].skipped_paused, released[0].skipped_unreachable) == (
        2,
        1,
        1,
    )
    rows = await _outbox(storage, broadcast_id)
    assert [row["person_id"] for row in rows] == [world.bob, world.fay]
    assert all(row["due_at"] == clock.now() for row in rows)
    assert [b.id for b in await services.broadcasts.sending()] == [broadcast_id]

    # A second call finds nothing to release and queues nothing more.
    assert await services.broadcasts.release_due() == []
    assert len(await _outbox(storage, broadcast_id)) == 2


async def test_releasing_the_same_broadcast_again_does_not_queue_twice(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    world = await _world(storage, clock)
    result = await services.broadcasts.create(
        ANN, ANN, [world.choir.id], "Later", clock.now() + timedelta(minutes=5)
    )
    assert result.broadcast is not None
    clock.advance(timedelta(minutes=5))
    assert len(await services.broadcasts.release_due()) == 1
    # As if a crash left it marked scheduled after its messages were queued.
    async with storage.transaction() as tx:
        await tx.broadcasts.update(result.broadcast.id, state="scheduled")

    again = await services.broadcasts.release_due()

    assert [b.id for b in again] == [result.broadcast.id]
    assert again[0].total == 2
    assert len(await _outbox(storage, result.broadcast.id)) == 2


async def test_release_uses_the_audience_at_the_time_of_sending(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    world = await _world(storage, clock)
    result = await services.broadcasts.create(
        ANN, ANN, [world.choir.id], "Later", clock.now() + timedelta(minutes=5)
    )
    assert result.broadcast is not None
    async with storage.transaction() as tx:
        await tx.people.set_paused(world.dan, False)
        await tx.people.set_paused(world.bob, True)
        await tx.groups.add_member(world.choir.id, world.gus, clock.now())
    clock.advance(timedelta(minutes=5))

    [released] = await services.broadcasts.release_due()

    assert [row["person_id"] for row in await _outbox(storage, released.id)] == [
        world.dan,
        world.fay,
        world.gus,
    ]
    assert (released.total, released.skipped_paused, released.skipped_unreachable) == (3, 1, 1)


async def test_release_due_releases_in_send_order(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    world = await _world(storage, clock)
    later = await services.broadcasts.create(
        ANN, ANN, [world.choir.id], "Second", clock.now() + timedelta(minutes=10)
    )
    sooner = await services.broadcasts.create(
        CAT, CAT, [world.band.id], "First", clock.now() + timedelta(minutes=5)
    )
    assert later.broadcast is not None
    assert sooner.broadcast is not None

    clock.advance(timedelta(minutes=10))
    released = await services.broadcasts.release_due()

    assert [b.id for b in released] == [sooner.broadcast.id, later.broadcast.id]


# --- Cancelling -----------------------------------------------------------------------------


async def test_its_maker_cancels_a_running_broadcast_s_pending_rows(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    world = await _world(storage, clock)
    broadcast = await _send_now(services, ANN, [world.choir.id])
    async with storage.transaction() as tx:
        [in_flight] = await tx.outbox.claim_due(clock.now(), 1)
    clock.advance(timedelta(seconds=3))

    cancelled = await services.broadcasts.cancel(ANN, broadcast.id)

    assert cancelled is not None
    assert cancelled.state == "cancelled"
    assert cancelled.finished_at == clock.now()
    states = {row["id"]: row["state"] for row in await _outbox(storage, broadcast.id)}
    # The message already being sent is left to the delivery worker.
    assert states.pop(in_flight.id) == "sending"
    assert list(states.values()) == ["cancelled"]
    assert await services.broadcasts.active(ANN) == []
    # Stopping twice: nothing more to stop.
    assert await services.broadcasts.cancel(ANN, broadcast.id) is None


async def test_an_admin_cancels_a_scheduled_broadcast_which_is_then_never_sent(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    world = await _world(storage, clock)
    result = await services.broadcasts.create(
        ANN, ANN, [world.choir.id], "Later", clock.now() + timedelta(hours=1)
    )
    assert result.broadcast is not None

    cancelled = await services.broadcasts.cancel(ADMIN_ID, result.broadcast.id)

    assert cancelled is not None
    assert cancelled.state == "cancelled"
    clock.advance(timedelta(hours=2))
    assert await services.broadcasts.release_due() == []
    assert await _count(storage, schema.outbox) == 0


@pytest.mark.parametrize("who", [CAT, BOB, 999_999])
async def test_others_may_not_cancel(
    services: Services, storage: Storage, clock: FakeClock, who: int
) -> None:
    world = await _world(storage, clock)
    broadcast = await _send_now(services, ANN, [world.choir.id])

    assert await services.broadcasts.cancel(who, broadcast.id) is None

    assert (await _broadcast(storage, broadcast.id)).state == "sending"
    assert [row["state"] for row in await _outbox(storage, broadcast.id)] == ["pending"] * 2


async def test_an_unknown_or_finished_broadcast_cannot_be_cancelled(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    world = await _world(storage, clock)
    broadcast = await _send_now(services, ANN, [world.choir.id])
    await services.broadcasts.finish(broadcast.id)

    assert await services.broadcasts.cancel(ANN, broadcast.id) is None
    assert await services.broadcasts.cancel(ADMIN_ID, broadcast.id + 1) is None
    assert (await _broadcast(storage, broadcast.id)).state == "done"


# --- Progress and finishing -----------------------------------------------------------------


async def test_progress_counts_each_outcome(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    world = await _world(storage, clock)
    async with storage.transaction() as tx:
        # Six more reachable members, so every outcome can be shown.
        for telegram_id in range(2001, 2007):
            person = await tx.people.ensure(telegram_id, telegram_id, None, clock.now())
            await tx.groups.add_member(world.choir.id, person.id, clock.now())
    broadcast = await _send_now(services, ANN, [world.choir.id])
    assert broadcast.total == 8
    now = clock.now()
    async with storage.transaction() as tx:
        jobs = await tx.outbox.claim_due(now, 7)
        sent, refused, network, blocked, skipped, stopped, in_flight = (job.id for job in jobs)
        await tx.outbox.finish_sent([sent], now)
        await tx.outbox.finish(refused, "failed", now, "refused: chat not found")
        await tx.outbox.finish(network, "failed", now, "network: TimedOut")
        await tx.outbox.finish(blocked, "failed", now, "blocked: Forbidden")
        await tx.outbox.finish(skipped, "skipped", now, "blocked: earlier")
        await tx.outbox.finish(stopped, "cancelled", now)

    progress = await services.broadcasts.progress(broadcast.id)

    assert progress is not None
    assert progress.broadcast.id == broadcast.id
    assert progress.sent == 1
    assert progress.waiting == 2  # one pending, one being sent
    assert progress.blocked == 2
    assert progress.failed == 2
    assert progress.cancelled == 1
    assert progress.errors == {"refused: chat not found": 1, "network: TimedOut": 1}
    assert not progress.done

    async with storage.transaction() as tx:
        await tx.outbox.finish_sent([in_flight], now)
        [last] = await tx.outbox.claim_due(now, 10)
        await tx.outbox.finish_sent([last.id], now)
    progress = await services.broadcasts.progress(broadcast.id)
    assert progress is not None
    assert (progress.sent, progress.waiting) == (3, 0)
    assert progress.done


async def test_progress_of_an_unknown_broadcast_is_none(services: Services) -> None:
    assert await services.broadcasts.progress(12345) is None


async def test_finish_marks_a_sending_broadcast_done(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    world = await _world(storage, clock)
    broadcast = await _send_now(services, ANN, [world.choir.id])
    clock.advance(timedelta(minutes=1))

    await services.broadcasts.finish(broadcast.id)

    done = await _broadcast(storage, broadcast.id)
    assert done.state == "done"
    assert done.finished_at == clock.now()
    assert await services.broadcasts.sending() == []
    assert await services.broadcasts.active(ANN) == []


async def test_finish_leaves_scheduled_and_cancelled_broadcasts_alone(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    world = await _world(storage, clock)
    scheduled = await services.broadcasts.create(
        ANN, ANN, [world.choir.id], "Later", clock.now() + timedelta(hours=1)
    )
    assert scheduled.broadcast is not None
    stopped = await _send_now(services, ANN, [world.choir.id])
    assert await services.broadcasts.cancel(ANN, stopped.id) is not None

    await services.broadcasts.finish(scheduled.broadcast.id)
    await services.broadcasts.finish(stopped.id)
    await services.broadcasts.finish(99_999)

    assert (await _broadcast(storage, scheduled.broadcast.id)).state == "scheduled"
    assert (await _broadcast(storage, stopped.id)).state == "cancelled"


async def test_set_progress_message_is_remembered(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    world = await _world(storage, clock)
    broadcast = await _send_now(services, ANN, [world.choir.id])

    await services.broadcasts.set_progress_message(broadcast.id, 4242)

    assert (await _broadcast(storage, broadcast.id)).progress_message_id == 4242


# --- What members see -----------------------------------------------------------------------


def test_member_text_escapes_the_coordinator_s_words_and_group_names() -> None:
    text = render_text(member_message(["Tom & Jerry", "<i>Band</i>"], "Bring <b>cake</b> & tea"))

    assert text == (
        "<b>From a coordinator of Tom &amp; Jerry, &lt;i&gt;Band&lt;/i&gt;</b>\n\n"
        "Bring &lt;b&gt;cake&lt;/b&gt; &amp; tea"
    )


def test_member_text_names_the_writer_escaped() -> None:
    text = render_text(member_message(["Choir"], "Hi", "Jo <3"))

    assert text == "<b>From Jo &lt;3, for Choir</b>\n\nHi"


async def test_members_are_told_who_the_message_is_from(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    world = await _world(storage, clock)
    async with storage.transaction() as tx:
        await tx.people.set_display_name(world.ann, "Ann")
    audience = await services.broadcasts.audience(ANN, [world.choir.id])
    assert audience is not None and audience.sender_name == "Ann"

    result = await services.broadcasts.create(ANN, 7777, [world.choir.id], "Hi all", None)

    assert result.broadcast is not None
    rows = await _outbox(storage, result.broadcast.id)
    assert rows
    for row in rows:
        assert shown_plain(str(row["payload"])).text.startswith("<b>From Ann, for Choir</b>")


def test_member_text_keeps_unicode_and_line_breaks() -> None:
    text = render_text(member_message(["Chœur"], "Répétition ☕\nà 19h"))

    assert text.endswith("Répétition ☕\nà 19h")
    assert "Chœur" in text


# --- The coordinator's progress message ------------------------------------------------------


SENDING = BroadcastRow(
    id=42,
    created_by=1,
    text="Hello",
    audience='{"groups": [1]}',
    send_at=datetime(2026, 3, 3, 14, tzinfo=UTC),
    state="sending",
    total=10,
    skipped_paused=0,
    skipped_unreachable=0,
    report_chat_id=5,
    progress_message_id=None,
    created_at=datetime(2026, 3, 3, 14, tzinfo=UTC),
    finished_at=None,
)


def _row(total: int = 10, skipped_paused: int = 0, skipped_unreachable: int = 0) -> BroadcastRow:
    return dataclasses.replace(
        SENDING,
        total=total,
        skipped_paused=skipped_paused,
        skipped_unreachable=skipped_unreachable,
    )


def test_progress_while_sending_shows_count_and_a_stop_button() -> None:
    progress = Progress(_row(total=10), sent=4, waiting=6, blocked=0, failed=0, cancelled=0)

    text, markup = progress_message(progress, rate=2.0)

    assert "4 of 10" in text
    assert "About 3 s left" in text
    assert markup is not None
    [[button]] = markup.inline_keyboard
    assert button.text == label(texts.BUTTON_STOP)
    assert isinstance(button.callback_data, str)
    assert callbacks.pattern(Action.BROADCAST_STOP).match(button.callback_data)
    assert callbacks.int_arg(button.callback_data) == 42


def test_progress_of_a_long_broadcast_shows_minutes() -> None:
    progress = Progress(_row(total=5000), sent=0, waiting=5000, blocked=0, failed=0, cancelled=0)

    text, _ = progress_message(progress, rate=30.0)

    # 5000 / 30 = 166.7 s: 3 minutes.
    assert "0 of 5000" in text
    assert "About 3 min left" in text


def test_the_report_when_done_counts_every_outcome_without_buttons() -> None:
    progress = Progress(
        _row(total=12, skipped_paused=3, skipped_unreachable=2),
        sent=7,
        waiting=0,
        blocked=1,
        failed=3,
        cancelled=0,
        errors={"refused: chat not found": 2, "network: TimedOut": 1},
    )

    text, markup = progress_message(progress, rate=30.0)

    assert markup is None
    assert "Delivered: 7\n" in text
    # One blocked while sending, two known to be unreachable before.
    assert "Blocked the bot: 3\n" in text
    assert "Could not be sent: 3\n  – network: TimedOut: 1\n  – refused: chat not found: 2\n" in (
        text
    )
    assert text.endswith("Paused, so not sent: 3")


def test_the_report_escapes_error_reasons() -> None:
    progress = Progress(
        _row(),
        sent=0,
        waiting=0,
        blocked=0,
        failed=1,
        cancelled=0,
        errors={"refused: can't parse <b> & entities": 1},
    )

    text, _ = progress_message(progress, rate=30.0)

    assert "refused: can't parse &lt;b&gt; &amp; entities: 1" in text


async def test_progress_message_from_a_real_broadcast(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    world = await _world(storage, clock)
    broadcast = await _send_now(services, ANN, [world.choir.id])
    now = clock.now()

    progress = await services.broadcasts.progress(broadcast.id)
    assert progress is not None
    text, markup = progress_message(progress, rate=30.0)
    assert "0 of 2" in text
    assert markup is not None

    async with storage.transaction() as tx:
        first, second = await tx.outbox.claim_due(now, 10)
        await tx.outbox.finish_sent([first.id], now)
        await tx.outbox.finish(second.id, "failed", now, "blocked: Forbidden")
    progress = await services.broadcasts.progress(broadcast.id)
    assert progress is not None
    text, markup = progress_message(progress, rate=30.0)

    assert markup is None
    assert "Delivered: 1\n" in text
    # Bob's refusal now, and Eve, unreachable before it was sent.
    assert "Blocked the bot: 2\n" in text
    assert "Could not be sent: 0\n" in text
    assert text.endswith("Paused, so not sent: 1")
