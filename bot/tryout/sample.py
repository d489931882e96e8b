"""The try-out's sample people and group, made on first start through Chorus's own services."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bot.clock import Clock
from bot.crypto import Sealer
from bot.services import Services
from bot.services.roles import COORDINATOR_LINK_PREFIX, LinkOutcome
from bot.tryout.server import Person
from storage.database import Storage

logger = logging.getLogger(__name__)

ADMIN_ID = 1001
SAMPLE_GROUP = "Carers' voice group"
SAMPLE_PEOPLE = (
    Person(ADMIN_ID, "Alex", "admin"),
    Person(1002, "Jo", "coordinator"),
    Person(1003, "Sam", "member"),
    Person(1004, "Priya", "member"),
    Person(1006, "Dev", "member"),
    Person(1007, "Ana", "member"),
    Person(1008, "Lee", "member"),
    Person(1005, "Robin", "newcomer"),
)


@dataclass(frozen=True)
class Sample:
    """The try-out's people, and the sample group's invite code."""

    people: list[Person]
    invite_code: str


async def prepare(storage: Storage, clock: Clock, sealer: Sealer, people_file: Path) -> Sample:
    """The try-out's people and sample group: as left last time, or made on first start."""
    services = Services.build(storage, clock, frozenset({ADMIN_ID}), sealer)
    coordinator = SAMPLE_PEOPLE[1]
    groups = await services.groups.manageable(coordinator.id)
    if not groups:
        await _make(services)
        groups = await services.groups.manageable(coordinator.id)
        save(people_file, list(SAMPLE_PEOPLE), timedelta(0))
    people, _offset = _read(people_file) or (list(SAMPLE_PEOPLE), timedelta(0))
    return Sample(people, groups[0].invite_code)


def saved_offset(path: Path) -> timedelta:
    """How far the try-out's time had been moved forward when it last ran."""
    saved = _read(path)
    return timedelta(0) if saved is None else saved[1]


async def _make(services: Services) -> None:
    admin, coordinator, *members, newcomer = SAMPLE_PEOPLE
    link = await services.roles.new_coordinator_link(admin.id)
    assert link is not None
    outcome = await services.roles.use_coordinator_link(
        coordinator.id, coordinator.id, link.removeprefix(COORDINATOR_LINK_PREFIX)
    )
    if outcome not in (LinkOutcome.MADE_COORDINATOR, LinkOutcome.ALREADY_COORDINATOR):
        raise RuntimeError(f"could not make the sample coordinator: {outcome.name}")
    await services.membership.set_name(coordinator.id, coordinator.name)
    created = await services.groups.create(coordinator.id, coordinator.id, SAMPLE_GROUP)
    assert created.group is not None
    for member in members:
        await services.membership.join(member.id, member.id, created.group.invite_code)
        await services.membership.set_name(member.id, member.name)
    del newcomer  # joins from the invite link, on the page
    logger.info("made the try-out's sample group and %d people", len(SAMPLE_PEOPLE))


def _read(path: Path) -> tuple[list[Person], timedelta] | None:
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        people = [Person(int(p["id"]), str(p["name"]), str(p["role"])) for p in data["people"]]
        return people, timedelta(seconds=float(data.get("clock_offset_seconds", 0)))
    except (ValueError, KeyError, TypeError):
        logger.warning("the try-out's people file %s is unreadable; using the sample people", path)
        return None


def save(path: Path, people: list[Person], clock_offset: timedelta) -> None:
    """Keep the try-out's people, and how far its time was moved, for the next start."""
    data = {
        "people": [person.to_dict() for person in people],
        "clock_offset_seconds": clock_offset.total_seconds(),
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
