"""Group commit: items gathered while a write runs go in the next batch; nothing is lost."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.batching import GroupCommit


class Boom(Exception):
    """A write that fails."""


class Writer:
    """A fake write that records its batches; it can be held, or made to fail."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.started: list[list[int]] = []
        self.entered = asyncio.Event()
        self.release = asyncio.Event()
        self.release.set()
        self.fail_next = 0

    def hold(self) -> None:
        """Make the next write wait until `release` is set."""
        self.release.clear()
        self.entered.clear()

    async def __call__(self, batch: list[int]) -> None:
        self.started.append(list(batch))
        self.entered.set()
        await self.release.wait()
        if self.fail_next:
            self.fail_next -= 1
            raise Boom
        self.batches.append(list(batch))


async def _settle() -> None:
    """Let every ready task run until none has anything left to do without waiting."""
    for _ in range(20):
        await asyncio.sleep(0)


async def test_an_item_alone_is_written_at_once() -> None:
    writer = Writer()
    commit: GroupCommit[int] = GroupCommit(writer, "test")
    commit.start()

    commit.add(1)
    await _settle()

    assert writer.batches == [[1]]
    commit.add(2)
    await _settle()
    assert writer.batches == [[1], [2]]
    await commit.stop()
    assert writer.batches == [[1], [2]]


async def test_items_added_during_a_write_go_together_in_the_next_batch() -> None:
    writer = Writer()
    commit: GroupCommit[int] = GroupCommit(writer, "test")
    commit.start()
    writer.hold()

    commit.add(1)
    await asyncio.wait_for(writer.entered.wait(), 5)
    for item in (2, 3, 4):
        commit.add(item)
    await _settle()
    # Still held: nothing else was started alongside the first write.
    assert writer.started == [[1]]

    writer.release.set()
    await _settle()

    assert writer.batches == [[1], [2, 3, 4]]
    await commit.stop()
    assert writer.batches == [[1], [2, 3, 4]]


async def test_a_failed_batch_is_written_with_the_next_one(
    caplog: pytest.LogCaptureFixture,
) -> None:
    writer = Writer()
    commit: GroupCommit[int] = GroupCommit(writer, "sent-log")
    commit.start()
    writer.fail_next = 1

    with caplog.at_level(logging.ERROR, logger="bot.batching"):
        commit.add(1)
        commit.add(2)
        await _settle()

    assert writer.started == [[1, 2]]
    assert writer.batches == []
    assert "sent-log: could not write 2 item(s)" in caplog.text

    commit.add(3)
    await _settle()

    assert writer.batches == [[1, 2, 3]]
    await commit.stop()
    assert writer.batches == [[1, 2, 3]]


async def test_a_batch_failing_while_more_arrive_keeps_its_place_in_front() -> None:
    writer = Writer()
    commit: GroupCommit[int] = GroupCommit(writer, "test")
    commit.start()
    writer.hold()
    writer.fail_next = 1

    commit.add(1)
    await asyncio.wait_for(writer.entered.wait(), 5)
    commit.add(2)
    writer.release.set()
    await _settle()

    assert writer.batches == [[1, 2]]
    await commit.stop()


async def test_stop_writes_what_is_left() -> None:
    writer = Writer()
    commit: GroupCommit[int] = GroupCommit(writer, "test")
    commit.start()

    for item in (1, 2, 3):
        commit.add(item)
    await commit.stop()

    assert [item for batch in writer.batches for item in batch] == [1, 2, 3]


async def test_stop_without_start_writes_what_is_left() -> None:
    writer = Writer()
    commit: GroupCommit[int] = GroupCommit(writer, "test")

    commit.add(1)
    commit.add(2)
    await commit.stop()

    assert writer.batches == [[1, 2]]


async def test_stop_retries_a_batch_whose_write_failed() -> None:
    writer = Writer()
    commit: GroupCommit[int] = GroupCommit(writer, "test")
    commit.start()
    writer.fail_next = 1
    commit.add(1)
    await _settle()
    assert writer.batches == []

    await commit.stop()

    assert writer.batches == [[1]]


async def test_stop_lets_a_write_under_way_finish() -> None:
    writer = Writer()
    commit: GroupCommit[int] = GroupCommit(writer, "test")
    commit.start()
    writer.hold()
    commit.add(1)
    await asyncio.wait_for(writer.entered.wait(), 5)
    commit.add(2)

    stopping = asyncio.create_task(commit.stop())
    # What had been written when stop() returned.
    written_when_stopped: list[list[list[int]]] = []
    stopping.add_done_callback(lambda _: written_when_stopped.append(list(writer.batches)))
    await _settle()

    writer.release.set()
    await asyncio.wait_for(stopping, 5)
    # stop() waited for the write; it neither cancelled it nor returned before it ended.
    assert written_when_stopped == [[[1], [2]]]

    assert writer.batches == [[1], [2]]


async def test_nothing_is_written_after_stop_for_an_empty_queue() -> None:
    writer = Writer()
    commit: GroupCommit[int] = GroupCommit(writer, "test")
    commit.start()
    await _settle()

    await commit.stop()

    assert writer.started == []
