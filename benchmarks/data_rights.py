"""Data rights at scale: `/mydata` and `/forgetme` for a member with 1,000 items, in a
database of 10,000 members and 100,000 items, on SQLite, through the rights service.

Seeds the database as benchmarks/storage.py does, then gives one member a whole footprint
(memberships, a meeting answered and attended, 500 items with their name and 500 without,
history, updates, messages, a conversation, an alert, a draft). Prints how long gathering
their data and making the file took, and how long erasing them took, each with the longest
the event loop went without a turn meanwhile (targets: under 2 s; the loop never held more
than 50 ms).

    .venv/bin/python benchmarks/data_rights.py [--members 10000] [--items 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from benchmarks.storage import NOW, seed  # noqa: E402
from bot.crypto import Sealer  # noqa: E402
from bot.rights_file import data_archive  # noqa: E402
from bot.services import Services  # noqa: E402
from storage import schema  # noqa: E402
from storage.database import open_storage  # noqa: E402
from tests.support.clock import FakeClock  # noqa: E402
from tests.support.rights import seed_footprint  # noqa: E402

MEMBER = 9_000_001
ZONE = ZoneInfo("Europe/London")
TARGET_S = 2.0
HELD_TARGET_MS = 50.0
WATCH_INTERVAL = 0.002
# In memory where the machine has it: seeding 100,000 items commits many times, and what
# is timed here is Chorus's own work, not the disk's.
IN_MEMORY = "/dev/shm" if Path("/dev/shm").is_dir() else None


async def _timed(label: str, step: Callable[[], Awaitable[Any]]) -> Any:
    """Run `step` once; print how long it took and the longest the loop was held."""
    held = 0.0

    async def watch() -> None:
        nonlocal held
        while True:
            began = time.perf_counter()
            await asyncio.sleep(WATCH_INTERVAL)
            held = max(held, time.perf_counter() - began - WATCH_INTERVAL)

    watcher = asyncio.create_task(watch())
    await asyncio.sleep(0)
    began = time.perf_counter()
    try:
        result = await step()
    finally:
        took = time.perf_counter() - began
        watcher.cancel()
    verdict = "ok" if took < TARGET_S and held * 1000 <= HELD_TARGET_MS else "OVER"
    print(
        f"{label:<36} {took * 1000:8.1f} ms; event loop held up {held * 1000:5.1f} ms at most"
        f"   {verdict}"
    )
    return result


async def main(members: int, items: int) -> None:
    with tempfile.TemporaryDirectory(dir=IN_MEMORY) as folder:
        database = Path(folder) / "chorus.db"
        clock = FakeClock(NOW)
        storage = await open_storage(make_url(f"sqlite+aiosqlite:///{database}"), clock.now)
        sealer = Sealer(b"s" * 48)
        services = Services.build(storage, clock, frozenset(), sealer, zone=ZONE)
        try:
            began = time.perf_counter()
            await seed(storage, sealer, members, 20, items)
            async with storage.transaction() as tx:
                await seed_footprint(
                    tx, sealer, MEMBER, "Bench member", [1], NOW, named=500, anonymous=500
                )
                total = await tx.conn.execute(select(func.count()).select_from(schema.item))
                print(
                    f"seeded {members:,} members and {total.scalar_one():,} items "
                    f"in {time.perf_counter() - began:.1f} s"
                )

            async def my_data() -> int:
                result = await services.rights.my_data(MEMBER)
                archive = await asyncio.to_thread(data_archive, result.data, ZONE)
                return len(archive)

            size = await _timed("/mydata (1,000 items, with the file)", my_data)
            print(f"{'':<36} file of {size / 1024:.0f} KiB")

            async def forget() -> Any:
                ask = await services.rights.ask_forget(MEMBER)
                return await services.rights.forget(MEMBER, ask.token, keep_anonymous=False)

            result = await _timed("/forgetme (1,000 items)", forget)
            print(
                f"{'':<36} erased {result.named_items} named, {result.anonymous_deleted} anonymous"
            )
        finally:
            await storage.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=100_000)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.members, arguments.items))
