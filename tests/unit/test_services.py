"""The services: roles, groups and membership, over real storage and a fake clock."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.crypto import Sealer
from bot.services import Services
from bot.services.groups import JOIN_PREFIX, NEW_GROUP_STEP, CreateOutcome
from bot.services.membership import NAME_STEP, JoinOutcome, NameOutcome
from bot.services.roles import (
    COORDINATOR_LINK_LIFETIME,
    COORDINATOR_LINK_PREFIX,
    LinkOutcome,
    MenuTarget,
    Role,
)
from storage import schema
from storage.database import Storage
from storage.groups import GroupRow
from tests.conftest import ADMIN_ID
from tests.support.clock import FakeClock

# Telegram's /start parameter: up to 64 of these characters.
START_PARAMETER = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

ANN, BOB, CAT, DAN = 1001, 1002, 1003, 1004


async def _people_count(storage: Storage) -> int:
    async with storage.read() as tx:
        result = await tx.conn.execute(select(func.count()).select_from(schema.person))
        return int(result.scalar_one())


async def _link_code(services: Services) -> str:
    link = await services.roles.new_coordinator_link(ADMIN_ID)
    assert link is not None
    assert link.startswith(COORDINATOR_LINK_PREFIX)
    return link[len(COORDINATOR_LINK_PREFIX) :]


async def _make_coordinator(services: Services, telegram_id: int) -> None:
    outcome = await services.roles.use_coordinator_link(
        telegram_id, telegram_id, await _link_code(services)
    )
    assert outcome is LinkOutcome.MADE_COORDINATOR_ASK_NAME


async def _make_group(services: Services, telegram_id: int, name: str) -> GroupRow:
    result = await services.groups.create(telegram_id, telegram_id, name)
    assert result.outcome is CreateOutcome.CREATED
    assert result.group is not None
    return result.group


async def _join(services: Services, telegram_id: int, group: GroupRow) -> None:
    result = await services.membership.join(telegram_id, telegram_id, group.invite_code)
    assert result.outcome is JoinOutcome.JOINED


async def _make_admin_known(services: Services) -> None:
    """Store the admin as a person, as happens once they have made a group."""
    assert await services.groups.begin_new_group(ADMIN_ID, ADMIN_ID) is True
    assert await services.membership.cancel(ADMIN_ID) is True


# --- Roles ----------------------------------------------------------------------------------


async def test_role_of_each_kind_of_person(services: Services) -> None:
    await _make_coordinator(services, ANN)
    group = await _make_group(services, ANN, "Choir")
    await _join(services, BOB, group)

    assert await services.roles.role_of(CAT) is Role.STRANGER
    assert await services.roles.role_of(BOB) is Role.MEMBER
    assert await services.roles.role_of(ANN) is Role.COORDINATOR
    assert await services.roles.role_of(ADMIN_ID) is Role.ADMIN


async def test_roles_are_ordered() -> None:
    assert Role.STRANGER < Role.MEMBER < Role.COORDINATOR < Role.ADMIN


async def test_only_admins_make_coordinator_links(services: Services) -> None:
    await _make_coordinator(services, ANN)

    assert await services.roles.new_coordinator_link(ANN) is None
    assert await services.roles.new_coordinator_link(BOB) is None
    link = await services.roles.new_coordinator_link(ADMIN_ID)
    assert link is not None
    assert START_PARAMETER.match(link)


async def test_coordinator_link_makes_its_opener_a_coordinator_once(services: Services) -> None:
    code = await _link_code(services)

    assert (
        await services.roles.use_coordinator_link(ANN, 5001, code)
        is LinkOutcome.MADE_COORDINATOR_ASK_NAME
    )
    assert await services.roles.use_coordinator_link(BOB, 5002, code) is LinkOutcome.USED
    assert await services.roles.use_coordinator_link(ANN, 5001, code) is LinkOutcome.USED

    assert await services.roles.role_of(ANN) is Role.COORDINATOR
    assert await services.roles.role_of(BOB) is Role.STRANGER
    coordinators = await services.roles.coordinators(ADMIN_ID)
    assert coordinators is not None
    assert [c.chat_id for c in coordinators] == [5001]


async def test_coordinator_link_works_until_it_expires(
    services: Services, clock: FakeClock
) -> None:
    early = await _link_code(services)
    late = await _link_code(services)

    clock.advance(COORDINATOR_LINK_LIFETIME - timedelta(seconds=1))
    assert await services.roles.use_coordinator_link(ANN, ANN, early) is (
        LinkOutcome.MADE_COORDINATOR_ASK_NAME
    )
    clock.advance(timedelta(seconds=1))
    assert await services.roles.use_coordinator_link(BOB, BOB, late) is LinkOutcome.EXPIRED

    assert await services.roles.role_of(BOB) is Role.STRANGER


async def test_coordinator_opening_another_link_leaves_it_unused(services: Services) -> None:
    await _make_coordinator(services, ANN)
    code = await _link_code(services)

    assert await services.roles.use_coordinator_link(ANN, ANN, code) is (
        LinkOutcome.ALREADY_COORDINATOR
    )
    assert await services.roles.use_coordinator_link(BOB, BOB, code) is (
        LinkOutcome.MADE_COORDINATOR_ASK_NAME
    )


async def test_unknown_coordinator_link_stores_nothing(
    services: Services, storage: Storage
) -> None:
    outcome = await services.roles.use_coordinator_link(ANN, ANN, "no-such-code")

    assert outcome is LinkOutcome.UNKNOWN
    assert await _people_count(storage) == 0


async def test_only_admins_see_coordinators(services: Services) -> None:
    await _make_coordinator(services, ANN)

    assert await services.roles.coordinators(ANN) is None
    coordinators = await services.roles.coordinators(ADMIN_ID)
    assert coordinators is not None
    assert [(c.chat_id, c.display_name) for c in coordinators] == [(ANN, None)]


async def test_only_admins_remove_coordinators(services: Services) -> None:
    await _make_coordinator(services, ANN)
    await _make_coordinator(services, BOB)
    coordinators = await services.roles.coordinators(ADMIN_ID)
    assert coordinators is not None
    ann_id, bob_id = (c.person_id for c in coordinators)

    assert await services.roles.remove_coordinator(BOB, ann_id) is None
    assert await services.roles.role_of(ANN) is Role.COORDINATOR

    assert await services.roles.remove_coordinator(ADMIN_ID, ann_id) == ANN
    assert await services.roles.role_of(ANN) is Role.MEMBER
    assert await services.roles.remove_coordinator(ADMIN_ID, ann_id) is None
    assert await services.roles.remove_coordinator(ADMIN_ID, bob_id + 1000) is None
    assert await services.roles.role_of(BOB) is Role.COORDINATOR


async def test_removed_coordinator_can_no_longer_manage_their_groups(
    services: Services,
) -> None:
    await _make_coordinator(services, ANN)
    group = await _make_group(services, ANN, "Choir")
    coordinators = await services.roles.coordinators(ADMIN_ID)
    assert coordinators is not None

    await services.roles.remove_coordinator(ADMIN_ID, coordinators[0].person_id)

    assert await services.groups.manageable(ANN) == []
    assert await services.groups.invite(ANN, group.id) is None


async def test_menu_targets_are_admins_and_coordinators(services: Services) -> None:
    await _make_coordinator(services, BOB)
    await _make_coordinator(services, ANN)
    group = await _make_group(services, ANN, "Choir")
    await _join(services, CAT, group)

    targets = await services.roles.menu_targets()

    assert targets == [
        MenuTarget(ANN, Role.COORDINATOR),
        MenuTarget(BOB, Role.COORDINATOR),
        MenuTarget(ADMIN_ID, Role.ADMIN),
    ]


async def test_an_admin_who_is_also_a_coordinator_gets_the_admin_menu_once(
    storage: Storage, clock: FakeClock, sealer: Sealer
) -> None:
    services = Services.build(storage, clock, frozenset({ADMIN_ID, ANN}), sealer)
    await _make_coordinator(services, ANN)

    targets = await services.roles.menu_targets()

    assert targets == [MenuTarget(ANN, Role.ADMIN), MenuTarget(ADMIN_ID, Role.ADMIN)]


# --- Groups ---------------------------------------------------------------------------------


async def test_strangers_and_members_may_not_start_a_group(
    services: Services, storage: Storage
) -> None:
    await _make_coordinator(services, ANN)
    group = await _make_group(services, ANN, "Choir")
    await _join(services, BOB, group)
    await services.membership.set_name(BOB, "Bob")
    before = await _people_count(storage)

    assert await services.groups.begin_new_group(BOB, BOB) is False
    assert await services.groups.begin_new_group(CAT, CAT) is False

    assert await services.membership.current_step(BOB) is None
    assert await _people_count(storage) == before


async def test_coordinators_and_admins_start_a_group(services: Services) -> None:
    await _make_coordinator(services, ANN)

    assert await services.groups.begin_new_group(ANN, ANN) is True
    assert await services.groups.begin_new_group(ADMIN_ID, ADMIN_ID) is True

    for who in (ANN, ADMIN_ID):
        step = await services.membership.current_step(who)
        assert step is not None
        assert step.step == NEW_GROUP_STEP


async def test_members_may_not_create_groups(services: Services) -> None:
    await _make_coordinator(services, ANN)
    group = await _make_group(services, ANN, "Choir")
    await _join(services, BOB, group)

    result = await services.groups.create(BOB, BOB, "Bob's group")
    stranger = await services.groups.create(CAT, CAT, "Cat's group")

    assert (result.outcome, result.group) == (CreateOutcome.NOT_ALLOWED, None)
    assert (stranger.outcome, stranger.group) == (CreateOutcome.NOT_ALLOWED, None)
    assert [g.name for g in await services.groups.manageable(ADMIN_ID)] == ["Choir"]


@pytest.mark.parametrize("name", ["", "   ", "\u200b\u202e", "x" * 61])
async def test_bad_group_names_are_refused_and_the_step_stays(
    services: Services, name: str
) -> None:
    await _make_coordinator(services, ANN)
    await services.groups.begin_new_group(ANN, ANN)

    result = await services.groups.create(ANN, ANN, name)

    assert (result.outcome, result.group) == (CreateOutcome.BAD_NAME, None)
    assert await services.groups.manageable(ANN) == []
    step = await services.membership.current_step(ANN)
    assert step is not None
    assert step.step == NEW_GROUP_STEP


async def test_creator_coordinates_the_new_group_and_the_step_ends(services: Services) -> None:
    await _make_coordinator(services, ANN)
    await services.groups.begin_new_group(ANN, ANN)

    result = await services.groups.create(ANN, ANN, "  Tuesday \u200b  Choir ")

    assert result.outcome is CreateOutcome.CREATED
    assert result.group is not None
    assert result.group.name == "Tuesday Choir"
    assert await services.groups.manageable(ANN) == [result.group]
    assert await services.membership.current_step(ANN) is None
    assert START_PARAMETER.match(JOIN_PREFIX + result.group.invite_code)


async def test_every_group_gets_its_own_invite_code(services: Services) -> None:
    await _make_coordinator(services, ANN)

    codes = {(await _make_group(services, ANN, f"Group {n}")).invite_code for n in range(5)}

    assert len(codes) == 5


async def test_manageable_depends_on_the_role(services: Services) -> None:
    await _make_coordinator(services, ANN)
    await _make_coordinator(services, BOB)
    zed = await _make_group(services, ANN, "Zed")
    alpha = await _make_group(services, ANN, "Alpha")
    bobs = await _make_group(services, BOB, "Middle")
    await _join(services, CAT, zed)

    assert await services.groups.manageable(ADMIN_ID) == [alpha, bobs, zed]
    assert await services.groups.manageable(ANN) == [alpha, zed]
    assert await services.groups.manageable(BOB) == [bobs]
    assert await services.groups.manageable(CAT) == []
    assert await services.groups.manageable(DAN) == []


async def test_coordinator_of_another_group_is_refused(services: Services) -> None:
    await _make_coordinator(services, ANN)
    await _make_coordinator(services, BOB)
    group = await _make_group(services, ANN, "Choir")
    await _join(services, CAT, group)

    for who in (BOB, CAT, DAN):
        assert await services.groups.invite(who, group.id) is None
        assert await services.groups.renew_invite(who, group.id) is None
        assert await services.groups.members(who, group.id) is None

    # Nothing changed: the old link still works.
    assert await services.membership.group_for_code(group.invite_code) == group


async def test_invite_for_own_group_and_for_admins(services: Services) -> None:
    await _make_coordinator(services, ANN)
    group = await _make_group(services, ANN, "Choir")
    await _make_admin_known(services)

    assert await services.groups.invite(ANN, group.id) == group
    assert await services.groups.invite(ADMIN_ID, group.id) == group
    assert await services.groups.invite(ADMIN_ID, group.id + 1000) is None


async def test_renewing_the_invite_retires_the_old_code(services: Services) -> None:
    await _make_coordinator(services, ANN)
    group = await _make_group(services, ANN, "Choir")

    renewed = await services.groups.renew_invite(ANN, group.id)

    assert renewed is not None
    assert renewed.id == group.id
    assert renewed.invite_code != group.invite_code
    assert await services.membership.group_for_code(group.invite_code) is None
    assert await services.membership.group_for_code(renewed.invite_code) == renewed
    assert await services.groups.invite(ANN, group.id) == renewed
    result = await services.membership.join(BOB, BOB, group.invite_code)
    assert result.outcome is JoinOutcome.BAD_CODE


async def test_members_view_lists_names_in_join_order(
    services: Services, clock: FakeClock
) -> None:
    await _make_coordinator(services, ANN)
    group = await _make_group(services, ANN, "Choir")
    await _join(services, CAT, group)
    await services.membership.set_name(CAT, "Cat")
    clock.advance(timedelta(minutes=1))
    await _join(services, BOB, group)
    await services.membership.set_name(BOB, None)
    await _make_admin_known(services)

    view = await services.groups.members(ANN, group.id)
    admin_view = await services.groups.members(ADMIN_ID, group.id)

    assert view is not None
    assert view.group == group
    assert [m.display_name for m in view.members] == ["Cat", None]
    assert admin_view == view
    assert await services.groups.members(ADMIN_ID, group.id + 1000) is None


async def test_admin_renews_any_group_s_invite(services: Services) -> None:
    await _make_coordinator(services, ANN)
    group = await _make_group(services, ANN, "Choir")
    await _make_admin_known(services)

    renewed = await services.groups.renew_invite(ADMIN_ID, group.id)

    assert renewed is not None
    assert renewed.invite_code != group.invite_code


async def test_admin_unknown_to_the_database_manages_every_group(services: Services) -> None:
    await _make_coordinator(services, ANN)
    group = await _make_group(services, ANN, "Choir")
    assert await services.groups.manageable(ADMIN_ID) == [group]

    assert await services.groups.invite(ADMIN_ID, group.id) == group
    assert await services.groups.members(ADMIN_ID, group.id) is not None
    assert await services.groups.renew_invite(ADMIN_ID, group.id) is not None


# --- Membership -----------------------------------------------------------------------------


async def test_looking_at_an_invite_stores_nothing(services: Services, storage: Storage) -> None:
    await _make_coordinator(services, ANN)
    group = await _make_group(services, ANN, "Choir")
    before = await _people_count(storage)

    assert await services.membership.group_for_code(group.invite_code) == group
    assert await services.membership.group_for_code("no-such-code") is None

    assert await _people_count(storage) == before
    assert await services.roles.role_of(BOB) is Role.STRANGER


async def test_first_join_asks_for_a_name(services: Services) -> None:
    await _make_coordinator(services, ANN)
    group = await _make_group(services, ANN, "Choir")

    result = await services.membership.join(BOB, 7002, group.invite_code)

    assert (result.outcome, result.group, result.first_time) == (JoinOutcome.JOINED, group, True)
    step = await services.membership.current_step(BOB)
    assert step is not None
    assert step.step == NAME_STEP
    assert await services.membership.is_member(BOB, group.id) is True
    assert await services.roles.role_of(BOB) is Role.MEMBER


async def test_joining_twice_is_already_member(services: Services) -> None:
    await _make_coordinator(services, ANN)
    group = await _make_group(services, ANN, "Choir")
    await _join(services, BOB, group)

    result = await services.membership.join(BOB, BOB, group.invite_code)

    assert (result.outcome, result.group, result.first_time) == (
        JoinOutcome.ALREADY_MEMBER,
        group,
        False,
    )
    assert await services.membership.groups_of(BOB) == [group]


async def test_bad_code_stores_nothing(services: Services, storage: Storage) -> None:
    before = await _people_count(storage)

    result = await services.membership.join(BOB, BOB, "no-such-code")

    assert (result.outcome, result.group, result.first_time) == (JoinOutcome.BAD_CODE, None, False)
    assert await _people_count(storage) == before


async def test_joining_a_second_group_is_not_a_first_time(services: Services) -> None:
    await _make_coordinator(services, ANN)
    choir = await _make_group(services, ANN, "Choir")
    band = await _make_group(services, ANN, "Band")
    await _join(services, BOB, choir)
    await services.membership.set_name(BOB, "Bob")

    result = await services.membership.join(BOB, BOB, band.invite_code)

    assert (result.outcome, result.first_time) == (JoinOutcome.JOINED, False)
    assert await services.membership.current_step(BOB) is None
    assert await services.membership.groups_of(BOB) == [band, choir]


async def test_set_name_saves_the_cleaned_name(services: Services) -> None:
    await _make_coordinator(services, ANN)
    group = await _make_group(services, ANN, "Choir")
    await _join(services, BOB, group)

    result = await services.membership.set_name(BOB, "  Bob \u202e  Smith ")

    assert (result.outcome, result.name) == (NameOutcome.SAVED, "Bob Smith")
    assert await services.membership.current_step(BOB) is None
    account = await services.membership.account(BOB)
    assert account is not None
    assert account.display_name == "Bob Smith"


async def test_set_name_none_clears_it(services: Services) -> None:
    await _make_coordinator(services, ANN)
    group = await _make_group(services, ANN, "Choir")
    await _join(services, BOB, group)
    await services.membership.set_name(BOB, "Bob")
    await services.membership.begin_name(BOB)

    result = await services.membership.set_name(BOB, None)

    assert (result.outcome, result.name) == (NameOutcome.CLEARED, None)
    assert await services.membership.current_step(BOB) is None
    account = await services.membership.account(BOB)
    assert account is not None
    assert account.display_name is None


@pytest.mark.parametrize(
    "raw", ["", "   ", "\u200b", "\u200c\u200d", "\u2800", "\u3164 \u115f", "b" * 41]
)
async def test_invalid_name_is_refused_and_the_step_stays(services: Services, raw: str) -> None:
    await _make_coordinator(services, ANN)
    group = await _make_group(services, ANN, "Choir")
    await _join(services, BOB, group)
    await services.membership.set_name(BOB, "Bob")
    await services.membership.begin_name(BOB)

    result = await services.membership.set_name(BOB, raw)

    assert (result.outcome, result.name) == (NameOutcome.INVALID, None)
    step = await services.membership.current_step(BOB)
    assert step is not None
    assert step.step == NAME_STEP
    account = await services.membership.account(BOB)
    assert account is not None
    assert account.display_name == "Bob"


async def test_strangers_have_no_name_account_or_step(services: Services) -> None:
    assert (await services.membership.set_name(BOB, "Bob")).outcome is NameOutcome.UNKNOWN_PERSON
    assert await services.membership.begin_name(BOB) is False
    assert await services.membership.account(BOB) is None
    assert await services.membership.current_step(BOB) is None
    assert await services.membership.set_paused(BOB, True) is False
    assert await services.membership.groups_of(BOB) == []
    assert await services.membership.cancel(BOB) is False


async def test_account_shows_name_pause_groups_and_role(services: Services) -> None:
    await _make_coordinator(services, ANN)
    choir = await _make_group(services, ANN, "Choir")
    band = await _make_group(services, ANN, "Band")
    await _join(services, BOB, choir)
    await _join(services, BOB, band)
    await services.membership.set_name(BOB, "Bob")

    account = await services.membership.account(BOB)

    assert account is not None
    assert (account.display_name, account.paused, account.role) == ("Bob", False, Role.MEMBER)
    assert account.groups == [band, choir]
    coordinator = await services.membership.account(ANN)
    assert coordinator is not None
    assert (coordinator.role, coordinator.groups) == (Role.COORDINATOR, [])


async def test_pause_and_resume(services: Services) -> None:
    await _make_coordinator(services, ANN)
    group = await _make_group(services, ANN, "Choir")
    await _join(services, BOB, group)

    assert await services.membership.set_paused(BOB, True) is True
    paused = await services.membership.account(BOB)
    assert await services.membership.set_paused(BOB, False) is True
    resumed = await services.membership.account(BOB)

    assert paused is not None and paused.paused is True
    assert resumed is not None and resumed.paused is False


async def test_leave_returns_the_group_once(services: Services) -> None:
    await _make_coordinator(services, ANN)
    group = await _make_group(services, ANN, "Choir")
    await _join(services, BOB, group)

    left = await services.membership.leave(BOB, group.id)
    assert left is not None and (left.id, left.name) == (group.id, group.name)
    assert await services.membership.leave(BOB, group.id) is None

    assert await services.membership.is_member(BOB, group.id) is False
    assert await services.membership.groups_of(BOB) == []
    view = await services.groups.members(ANN, group.id)
    assert view is not None and view.members == []


async def test_leave_of_unknown_group_or_person_is_none(services: Services) -> None:
    await _make_coordinator(services, ANN)
    group = await _make_group(services, ANN, "Choir")
    await _join(services, BOB, group)

    assert await services.membership.leave(BOB, group.id + 1000) is None
    assert await services.membership.leave(CAT, group.id) is None
    assert await services.membership.is_member(BOB, group.id) is True


async def test_cancel_is_true_once(services: Services) -> None:
    await _make_coordinator(services, ANN)
    group = await _make_group(services, ANN, "Choir")
    await _join(services, BOB, group)

    assert await services.membership.cancel(BOB) is True
    assert await services.membership.cancel(BOB) is False
    assert await services.membership.current_step(BOB) is None


async def test_current_step_follows_the_latest_step(services: Services) -> None:
    await _make_coordinator(services, ANN)
    group = await _make_group(services, ANN, "Choir")
    await _join(services, ANN, group)

    first = await services.membership.current_step(ANN)
    await services.groups.begin_new_group(ANN, ANN)
    second = await services.membership.current_step(ANN)

    # A coordinator joining is not new to Chorus: no name step.
    assert first is None
    assert second is not None
    assert second.step == NEW_GROUP_STEP
    assert second.data == {}


async def test_a_new_coordinator_with_no_name_is_asked_for_one(
    services: Services, storage: Storage
) -> None:
    await _make_coordinator(services, ANN)
    step = await services.membership.current_step(ANN)
    assert step is not None and step.step == NAME_STEP

    async with storage.transaction() as tx:
        await tx.people.ensure(BOB, BOB, "Bob", datetime.now(UTC))
    code = await _link_code(services)
    assert await services.roles.use_coordinator_link(BOB, BOB, code) is (
        LinkOutcome.MADE_COORDINATOR
    )
    assert await services.membership.current_step(BOB) is None
