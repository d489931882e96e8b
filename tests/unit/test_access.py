"""Who may reach what a button names, and the true reason when not."""

from __future__ import annotations

import pytest

from bot.services import Services
from bot.services.access import Need, Reach, Thing
from bot.services.prompts import PromptProblem
from bot.services.roles import OBSERVER_LINK_PREFIX, ObserverOutcome
from bot.services.sharing import Problem
from storage.groups import GroupRow
from tests.conftest import ADMIN_ID
from tests.unit.test_services import ANN, BOB, CAT, DAN, _join, _make_coordinator, _make_group

STRANGER = 1099


@pytest.fixture
async def groups(services: Services) -> tuple[GroupRow, GroupRow]:
    """Choir (ANN coordinates, BOB a member, DAN observes) and Band (CAT coordinates)."""
    await _make_coordinator(services, ANN)
    await _make_coordinator(services, CAT)
    choir = await _make_group(services, ANN, "Choir")
    band = await _make_group(services, CAT, "Band")
    await _join(services, BOB, choir)
    link = await services.roles.new_observer_link(ADMIN_ID, choir.id)
    assert link is not None
    code = link[1].removeprefix(OBSERVER_LINK_PREFIX)
    outcome, _ = await services.roles.use_observer_link(DAN, DAN, code)
    assert outcome is ObserverOutcome.MADE_OBSERVER
    return choir, band


@pytest.mark.parametrize(
    ("who", "need", "reach"),
    [
        (ANN, Need.MANAGE, Reach.OK),
        (ADMIN_ID, Need.MANAGE, Reach.OK),
        (CAT, Need.MANAGE, Reach.NOT_THEIRS),
        (BOB, Need.MANAGE, Reach.NOT_COORDINATOR),
        (STRANGER, Need.MANAGE, Reach.NOT_COORDINATOR),
        (BOB, Need.MEMBER, Reach.OK),
        (ANN, Need.MEMBER, Reach.NOT_MEMBER),
        (CAT, Need.MEMBER, Reach.NOT_MEMBER),
        (DAN, Need.READ, Reach.OK),
        (ANN, Need.READ, Reach.OK),
        (CAT, Need.READ, Reach.NOT_THEIRS),
        (BOB, Need.READ, Reach.NOT_COORDINATOR),
        (BOB, Need.SEE, Reach.OK),
        (DAN, Need.SEE, Reach.OK),
        (CAT, Need.SEE, Reach.NOT_MEMBER),
    ],
)
async def test_reach_of_a_group(
    services: Services, groups: tuple[GroupRow, GroupRow], who: int, need: Need, reach: Reach
) -> None:
    choir, _ = groups
    assert await services.access.reach(who, Thing.GROUP, choir.id, need) is reach


async def test_what_does_not_exist_is_left_to_the_handler(
    services: Services, groups: tuple[GroupRow, GroupRow]
) -> None:
    for thing in Thing:
        assert await services.access.reach(CAT, thing, 424242, Need.MANAGE) is Reach.GONE


async def test_sharing_says_which_group_a_member_is_not_in(
    services: Services, groups: tuple[GroupRow, GroupRow]
) -> None:
    choir, band = groups
    eve = 1005
    await _join(services, eve, band)
    prompts = services.prompts
    await prompts.begin(ANN, ANN)
    await prompts.give_text(ANN, "What could have helped?")
    await prompts.choose_end(ANN, 2)
    posted = await prompts.post(ANN)
    assert not isinstance(posted, PromptProblem)

    answer = await services.sharing.respond_to_prompt(eve, posted.prompt.id)
    feedback = await services.sharing.share_about_session(eve, choir.id, None)

    # Eve is in a group (Band), just not in Choir: not "You're not in a group yet".
    assert answer.problem is Problem.NOT_IN_GROUP
    assert feedback.problem is Problem.NOT_IN_GROUP
