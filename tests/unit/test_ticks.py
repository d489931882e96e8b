"""The tick registry: runs counted by name, waiting for runs that begin after a moment."""

from __future__ import annotations

import asyncio

import pytest

from bot.ticks import Ticks


async def test_a_run_is_counted_once_it_has_finished_even_when_it_fails() -> None:
    ticks = Ticks()
    calls: list[str] = []

    async def work() -> None:
        calls.append("ran")
        if len(calls) == 2:
            raise RuntimeError("the database went away")

    ticks.add("loop", work)
    await ticks.run("loop")
    with pytest.raises(RuntimeError):
        await ticks.run("loop")
    assert calls == ["ran", "ran"]
    assert ticks.finished("loop") == 2 and ticks.finished("sessions") == 0


async def test_the_job_callback_runs_the_tick() -> None:
    ticks = Ticks()
    ran = asyncio.Event()

    async def work() -> None:
        ran.set()

    job = ticks.add("sessions", work)
    await job(object())
    assert ran.is_set() and ticks.finished("sessions") == 1


async def test_waiting_ignores_a_run_that_began_before_the_wait() -> None:
    ticks = Ticks()
    under_way = ticks.begin("delivery-round")
    waiting = ticks.next_runs("delivery-round")
    ticks.end("delivery-round", under_way)
    assert not waiting.done()
    later = ticks.begin("delivery-round")
    assert not waiting.done()
    ticks.end("delivery-round", later)
    assert waiting.done()


async def test_waiting_for_two_runs_needs_two_that_began_after_the_wait() -> None:
    ticks = Ticks()
    gate = asyncio.Event()

    async def work() -> None:
        await gate.wait()

    ticks.add("loop", work)
    first = asyncio.create_task(ticks.run("loop"))
    await asyncio.sleep(0)  # the first run has begun and waits at the gate
    two = ticks.next_runs("loop", 2)
    second = asyncio.create_task(ticks.run("loop"))
    gate.set()
    await first
    await second
    assert ticks.finished("loop") == 2 and not two.done()
    await ticks.run("loop")
    assert two.done()


async def test_runs_of_one_tick_never_overlap() -> None:
    ticks = Ticks()
    running = 0
    most = 0

    async def work() -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        running -= 1

    ticks.add("nudges", work)
    await asyncio.gather(*(ticks.run("nudges") for _ in range(5)))
    assert most == 1 and ticks.finished("nudges") == 5


async def test_a_wait_given_up_does_not_stop_the_next_one() -> None:
    ticks = Ticks()
    abandoned = ticks.next_runs("prune")
    abandoned.cancel()
    kept = ticks.next_runs("prune")
    ticks.end("prune", ticks.begin("prune"))
    assert kept.done() and abandoned.cancelled()
