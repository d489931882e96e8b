"""The try-out's sample people and group, made on first start through Chorus's own services."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.crypto import Sealer
from bot.services import Services
from bot.services.roles import COORDINATOR_LINK_PREFIX, LinkOutcome
from bot.services.sessions import SaveOutcome
from bot.tryout.server import Person
from storage.database import Storage

logger = logging.getLogger(__name__)

ADMIN_ID = 1001
SAMPLE_GROUP = "Carers' voice group"
SAMPLE_SESSION = "Planning the carers' open day"
SAMPLE_PEOPLE = (
    Person(ADMIN_ID, "Alex", "admin"),
    Person(1002, "Jo", "coordinator"),
    Person(1003, "Sam", "member"),
    Person(1004, "Priya", "member"),
    Person(1006, "Dev", "member"),
    Person(1007, "Ana", "member"),
    Person(1008, "Lee", "member"),
    # A Welsh speaker: her Telegram is in Welsh, and Chorus writes to her in Welsh.
    Person(1010, "Nia", "member", "cy"),
    Person(1005, "Robin", "newcomer"),
    # Another coordinator, who is the safeguarding lead: alerts about risk reach Kim.
    Person(1009, "Kim", "lead"),
)
LEAD = SAMPLE_PEOPLE[-1]


@dataclass(frozen=True)
class Sample:
    """The try-out's people, and the sample group's invite code."""

    people: list[Person]
    invite_code: str


async def prepare(
    storage: Storage, clock: Clock, sealer: Sealer, zone: ZoneInfo, people_file: Path
) -> Sample:
    """The try-out's people, sample group and session: as left last time, or made on first
    start."""
    services = Services.build(storage, clock, frozenset({ADMIN_ID}), sealer)
    coordinator = SAMPLE_PEOPLE[1]
    groups = await services.groups.manageable(coordinator.id)
    if not groups:
        await _make(services)
        await _make_session(services, coordinator.id, zone)
        groups = await services.groups.manageable(coordinator.id)
        save(people_file, list(SAMPLE_PEOPLE), timedelta(0))
    people, _offset = _read(people_file) or (list(SAMPLE_PEOPLE), timedelta(0))
    return Sample(people, groups[0].invite_code)


def saved_offset(path: Path) -> timedelta:
    """How far the try-out's time had been moved forward when it last ran."""
    saved = _read(path)
    return timedelta(0) if saved is None else saved[1]


async def _make(services: Services) -> None:
    admin, coordinator, *members, newcomer, lead = SAMPLE_PEOPLE
    await _make_coordinator(services, coordinator)
    await _make_coordinator(services, lead)
    # As an admin does it with /leads.
    entries = await services.safety.leads(admin.id) or []
    [entry] = [e for e in entries if e.display_name == lead.name]
    if not await services.safety.toggle_lead(admin.id, entry.person_id):
        raise RuntimeError("could not make the sample safeguarding lead")
    created = await services.groups.create(coordinator.id, coordinator.id, SAMPLE_GROUP)
    assert created.group is not None
    for member in members:
        await services.membership.join(member.id, member.id, created.group.invite_code)
        await services.membership.set_name(member.id, member.name)
        if member.language != "en":
            await services.languages.choose(member.id, language=member.language)
    del newcomer  # joins from the invite link, on the page
    logger.info("made the try-out's sample group and %d people", len(SAMPLE_PEOPLE))


async def _make_coordinator(services: Services, person: Person) -> None:
    """Make `person` a coordinator with a one-time link from the admin, as on Telegram."""
    link = await services.roles.new_coordinator_link(ADMIN_ID)
    assert link is not None
    outcome = await services.roles.use_coordinator_link(
        person.id, person.id, link.removeprefix(COORDINATOR_LINK_PREFIX)
    )
    made = (
        LinkOutcome.MADE_COORDINATOR,
        LinkOutcome.MADE_COORDINATOR_ASK_NAME,
        LinkOutcome.ALREADY_COORDINATOR,
    )
    if outcome not in made:
        raise RuntimeError(f"could not make the sample coordinator: {outcome.name}")
    await services.membership.set_name(person.id, person.name)


async def current_roles(storage: Storage, people: list[int]) -> dict[int, str]:
    """What each person is now, as the page names them: admin, lead (a coordinator who is
    a safeguarding lead), coordinator, member, or newcomer (in no group yet)."""
    roles = {}
    async with storage.read() as tx:
        leads = await tx.leads.ids()
        for telegram_id in people:
            person = await tx.people.by_telegram_id(telegram_id)
            if telegram_id == ADMIN_ID:
                roles[telegram_id] = "admin"
            elif person is None:
                roles[telegram_id] = "newcomer"
            elif person.is_coordinator:
                roles[telegram_id] = "lead" if person.id in leads else "coordinator"
            elif await tx.groups.of_member(person.id):
                roles[telegram_id] = "member"
            else:
                roles[telegram_id] = "newcomer"
    return roles


async def _make_session(services: Services, coordinator: int, zone: ZoneInfo) -> None:
    """A session a week ahead, set up as the coordinator would with /newsession."""
    [group] = await services.groups.manageable(coordinator)
    if await services.sessions.begin_new(coordinator, coordinator, group.id) is None:
        raise RuntimeError("the sample coordinator may not make sessions")
    day = (services.clock.now().astimezone(zone) + timedelta(days=7)).date()
    answers = [
        SAMPLE_SESSION,
        f"{day:%a} {day.day} {day:%B} 6pm",
        "2 hours",
        "Community room, Central Library",
        "Step-free entrance and a hearing loop",
        None,  # no content note
        None,  # no limit on places
        None,  # the usual reminders
    ]
    for answer in answers:
        reply = await services.sessions.advance(coordinator, coordinator, answer, zone)
        if reply.problem is not None:
            raise RuntimeError(f"the sample session was refused: {reply.problem.name}")
    saved = await services.sessions.save(coordinator, coordinator, zone)
    if saved.outcome is not SaveOutcome.CREATED:
        raise RuntimeError(f"the sample session was not made: {saved.outcome.name}")


def _read(path: Path) -> tuple[list[Person], timedelta] | None:
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        people = [
            Person(int(p["id"]), str(p["name"]), str(p["role"]), str(p.get("language", "en")))
            for p in data["people"]
        ]
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
