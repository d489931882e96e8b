"""Forged buttons for another group's things: refused at the first tap, with the true reason.

Two groups: A (coordinator CA, members MA) with a future session, a prompt, an item and an
action; B (coordinator CB, member MB). MB and CB forge every button that carries an id, with
A's ids, and the first answer must refuse and say why truly."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.presentation import callbacks
from bot.presentation.callbacks import Action
from tests.e2e.conftest import ADMIN
from tests.support.chorus_run import running_chorus, settings_for
from tests.support.database import rows
from tests.support.fake_bot_api import FakeBotApi
from tests.support.items import ItemSeed, seed_items
from tests.support.phone import Phone
from tests.support.seed import seed_group
from tests.unit.test_callbacks import WORST_CASE

CA, MA = 901, 911
CB, MB = 902, 912


@dataclass
class World:
    group_a: int
    group_b: int
    session: int
    prompt: int
    item: int
    action: int
    person_a: int
    broadcast: int


def _db(folder: Path) -> Path:
    return folder / "chorus.db"


def _insert(folder: Path, statement: str, *params: object) -> int:
    [(new,)] = rows(folder, f"{statement} RETURNING id", *params)
    return int(new)


def _one(folder: Path, query: str, *params: object) -> int:
    return int(rows(folder, query, *params)[0][0])


async def _world(folder: Path) -> World:
    group_a = await seed_group(_db(folder), CA, [MA], name="Group A")
    group_b = await seed_group(_db(folder), CB, [MB], name="Group B")
    now = datetime.now(UTC)
    stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")
    starts = (now + timedelta(days=3)).strftime("%Y-%m-%d %H:%M:%S.%f")
    ends = (now + timedelta(days=3, hours=2)).strftime("%Y-%m-%d %H:%M:%S.%f")
    session = _insert(
        folder,
        "INSERT INTO group_session (group_id, title, starts_at, ends_at, reminders, state, uid,"
        " sequence, created_at) VALUES (?, 'A planning', ?, ?, '1440', 'active', 'uid-a', 0, ?)",
        group_a,
        starts,
        ends,
        stamp,
    )
    prompt = _insert(
        folder,
        "INSERT INTO prompt (group_id, text, created_at, ends_on) VALUES (?, 'How was it?', ?, ?)",
        group_a,
        stamp,
        (date.today() + timedelta(days=7)).isoformat(),
    )
    [item] = await seed_items(
        _db(folder),
        [ItemSeed(group_a, MA, "The kettle is broken", date.today(), now, anonymous=False)],
    )
    action = _insert(
        folder,
        "INSERT INTO loop_action (group_id, title, status, created_at, updated_at)"
        " VALUES (?, 'Fix the kettle', 'planned', ?, ?)",
        group_a,
        stamp,
        stamp,
    )
    person_a = _one(folder, "SELECT id FROM person WHERE telegram_id = ?", MA)
    coordinator_a = _one(folder, "SELECT id FROM person WHERE telegram_id = ?", CA)
    broadcast = _insert(
        folder,
        "INSERT INTO broadcast (created_by, text, audience, send_at, state, report_chat_id,"
        " created_at) VALUES (?, 'Bring a friend', ?, ?, 'scheduled', ?, ?)",
        coordinator_a,
        f'{{"groups": [{group_a}]}}',
        starts,
        CA,
        stamp,
    )
    return World(group_a, group_b, session, prompt, item, action, person_a, broadcast)


@pytest.fixture
async def world(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[World]:
    made = await _world(tmp_path)
    for person in (CA, MA, CB, MB):
        fake.user(person, f"P{person}")
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake):
        yield made


# The true reasons, as a member of group B and as B's coordinator read them.
ONLY_COORDINATORS = "Sorry, only the people who run a group can do that."
ONLY_ADMINS = "Sorry, only the people who run Chorus can do that."
NOT_IN_GROUP = "That's for a group you're not in"
SESSION_NOT_IN_GROUP = "That meeting is for a group you're not in."
PROMPT_NOT_IN_GROUP = "That question is for a group you're not in."
SESSION_OTHER_GROUP = "That meeting is for another group"
NOT_YOURS = "That's for a group you don't coordinate"
SESSION_NOT_YOURS = "That session is for a group you don't coordinate."
ITEM_NOT_YOURS = "That's in the inbox of a group you don't coordinate."
ACTION_NOT_YOURS = "That action belongs to a group you don't coordinate."
BROADCAST_NOT_YOURS = "Someone else sent that message, so only they can stop it."
READ_NOT_YOURS = "You can only read what was shared in groups you coordinate or observe."
GONE = "I can't find that any more"
STALE = "that button doesn't work any more"
CLAIM_NOT_CAME = "I can't find you on the list of who came to that meeting"


def forged(w: World) -> dict[Action, tuple[tuple[str | int, ...], str, str]]:
    """Every button that names a group, session, prompt, item or action, with group A's,
    and the first answer a member of B and B's coordinator must get."""
    g, s, i, a = w.group_a, w.session, w.item, w.action
    only, admin = ONLY_COORDINATORS, ONLY_ADMINS
    return {
        Action.LEAVE_PICK: ((g,), NOT_IN_GROUP, NOT_IN_GROUP),
        # A second tap after leaving is a finished step, not a forgery: said plainly.
        Action.LEAVE_YES: ((g,), STALE, STALE),
        # Leaving a group one is not in, taking back what one never shared there.
        Action.LEAVE_WITH: ((g, "back"), STALE, STALE),
        Action.MEMBER_REMOVE: ((g, w.person_a), only, NOT_YOURS),
        Action.MEMBER_REMOVE_YES: ((g, w.person_a), only, NOT_YOURS),
        Action.INVITE_PICK: ((g,), only, NOT_YOURS),
        Action.INVITE_RENEW: ((g,), only, NOT_YOURS),
        Action.MEMBERS_PICK: ((g,), only, NOT_YOURS),
        Action.BROADCAST_TOGGLE: ((g,), only, NOT_YOURS),
        Action.BROADCAST_STOP: ((w.broadcast,), only, BROADCAST_NOT_YOURS),
        Action.SHARE_SESSION: ((g, s), NOT_IN_GROUP, NOT_IN_GROUP),
        Action.SHARE_GROUP: ((g,), NOT_IN_GROUP, NOT_IN_GROUP),
        Action.SHARE_PROMPT: ((w.prompt,), PROMPT_NOT_IN_GROUP, PROMPT_NOT_IN_GROUP),
        Action.SHARE_SESSION_PICK: ((s,), SESSION_NOT_IN_GROUP, SESSION_NOT_IN_GROUP),
        Action.PROMPT_RESPOND: ((w.prompt,), PROMPT_NOT_IN_GROUP, PROMPT_NOT_IN_GROUP),
        Action.PROMPT_GROUP: ((g,), only, NOT_YOURS),
        Action.READ_GROUP: ((g,), READ_NOT_YOURS, READ_NOT_YOURS),
        Action.OBSERVERS_GROUP: ((g,), admin, admin),
        Action.OBSERVER_LINK: ((g,), admin, admin),
        Action.OBSERVER_REMOVE: ((g, w.person_a), admin, admin),
        Action.INBOX_GROUP: ((g,), READ_NOT_YOURS, READ_NOT_YOURS),
        Action.INBOX_FILTER: ((g, "a"), READ_NOT_YOURS, READ_NOT_YOURS),
        Action.INBOX_NEXT: ((g, "a", i), READ_NOT_YOURS, READ_NOT_YOURS),
        Action.INBOX_ACK: ((i,), only, ITEM_NOT_YOURS),
        Action.INBOX_CONSIDER: ((i,), only, ITEM_NOT_YOURS),
        Action.INBOX_MEETING: ((i,), only, ITEM_NOT_YOURS),
        Action.INBOX_OUTCOME: ((i,), only, ITEM_NOT_YOURS),
        Action.INBOX_OUTCOME_KIND: ((i, "cannot_change"), only, ITEM_NOT_YOURS),
        Action.INBOX_REPLY: ((i,), only, ITEM_NOT_YOURS),
        Action.INBOX_MEDIA: ((i,), only, READ_NOT_YOURS),
        Action.INBOX_DAYS: ((g,), only, NOT_YOURS),
        Action.INBOX_DAYS_SET: ((g, 28), only, NOT_YOURS),
        Action.YOU_SAID_GROUP: ((g,), NOT_IN_GROUP, NOT_IN_GROUP),
        Action.YOU_SAID_SEND: ((g,), only, NOT_YOURS),
        Action.YOU_SAID_CONFIRM: ((g,), only, NOT_YOURS),
        # Someone's own item, from /mine: another's is not found, and not said to exist.
        Action.HISTORY: ((i,), GONE, GONE),
        Action.FOLLOWUP_ACTION_GROUP: ((g,), only, NOT_YOURS),
        Action.FOLLOWUP_ACTION_OPEN: ((a,), only, ACTION_NOT_YOURS),
        Action.FOLLOWUP_ACTION_NEW: ((g, i), only, NOT_YOURS),
        Action.FOLLOWUP_ACTION_PICK: ((i,), only, ITEM_NOT_YOURS),
        Action.FOLLOWUP_ACTION_LINK: ((a, i), only, ACTION_NOT_YOURS),
        Action.FOLLOWUP_ACTION_UPDATE: ((a,), only, ACTION_NOT_YOURS),
        Action.FOLLOWUP_ACTION_STATUS: ((a, "done"), only, ACTION_NOT_YOURS),
        Action.FOLLOWUP_ACTION_STATUS_ASK: ((a, "done"), only, ACTION_NOT_YOURS),
        Action.SESSION_ANSWER: ((s, "g"), SESSION_OTHER_GROUP, SESSION_OTHER_GROUP),
        Action.SESSION_CALENDAR: ((s,), SESSION_NOT_IN_GROUP, SESSION_NOT_IN_GROUP),
        Action.SESSION_GROUP: ((g,), only, NOT_YOURS),
        Action.SESSION_MANAGE: ((s,), only, SESSION_NOT_YOURS),
        Action.SESSION_EDIT: ((s,), only, SESSION_NOT_YOURS),
        Action.SESSION_EDIT_FIELD: ((s, "title"), only, SESSION_NOT_YOURS),
        Action.SESSION_CANCEL: ((s,), only, SESSION_NOT_YOURS),
        Action.SESSION_CANCEL_YES: ((s,), only, SESSION_NOT_YOURS),
        Action.SESSION_ATTENDANCE: ((s,), only, SESSION_NOT_YOURS),
        Action.SESSION_MARK: ((s, w.person_a), only, SESSION_NOT_YOURS),
        Action.SESSION_ADD: ((s,), only, SESSION_NOT_YOURS),
        Action.SESSION_ADD_PERSON: ((s, w.person_a), only, SESSION_NOT_YOURS),
        Action.SESSION_HOURS: ((s,), only, SESSION_NOT_YOURS),
        Action.SESSION_DONE: ((s,), only, SESSION_NOT_YOURS),
        Action.SESSION_EXPORT_GROUP: ((g,), only, NOT_YOURS),
        Action.SESSION_EXPORT: ((g, "lm"), only, NOT_YOURS),
        Action.SESSION_RATE: ((s, 5), SESSION_NOT_IN_GROUP, SESSION_NOT_IN_GROUP),
        Action.PAY_GROUP: ((g,), only, NOT_YOURS),
        Action.PAY_BASIS: ((g, "hour"), only, NOT_YOURS),
        Action.PAY_EXPENSES: ((g,), only, NOT_YOURS),
        Action.PAY_PAYEES: ((g,), only, NOT_YOURS),
        Action.PAY_PAYEE: ((g, w.person_a), only, NOT_YOURS),
        Action.PAY_FINANCE_GROUP: ((g,), only, NOT_YOURS),
        Action.PAY_FINANCE: ((g, "tm"), only, NOT_YOURS),
        Action.PAY_CLAIM_SESSION: ((s,), CLAIM_NOT_CAME, CLAIM_NOT_CAME),
        Action.REPORT_GROUP: ((g, 739676, 739767), READ_NOT_YOURS, READ_NOT_YOURS),
    }


def test_every_button_that_names_something_is_forged() -> None:
    # A new button carrying an id must be added to the table above.
    names_something = {
        action
        for action, args in WORST_CASE.items()
        if any(isinstance(arg, int) and arg > 999 for arg in args)
        or action in (Action.MINE_READ, Action.MINE_WITHDRAW, Action.MINE_WITHDRAW_YES)
    }
    not_forged = {
        # Own things only, by a private reference or a pseudonymous page, or admin-only ids
        # of people.
        Action.MINE_PAGE,
        Action.MINE_READ,
        Action.MINE_WITHDRAW,
        Action.MINE_WITHDRAW_YES,
        Action.COORDINATOR_REMOVE,
        Action.LEAD_TOGGLE,
        Action.QUIET_SET,
        Action.PROMPT_END,  # a choice in one's own draft, not an id
        # Claims are forged in test_payments.py (a claim of another group's member).
        Action.PAY_APPROVE,
        Action.PAY_QUERY,
        Action.PAY_RECEIPT,
    }
    table = set(forged(World(1, 2, 3, 4, 5, 6, 7, 8)))
    assert names_something - not_forged <= table


@pytest.mark.parametrize("who", [MB, CB], ids=["member-of-B", "coordinator-of-B"])
async def test_forged_buttons_for_another_group_are_refused_truly_at_once(
    fake: FakeBotApi, world: World, who: int
) -> None:
    phone = Phone(fake, who)
    start = await phone.send("/help")
    secrets = ("A planning", "How was it?", "kettle", "Group A", "P911")
    for action, (args, as_member, as_coordinator) in forged(world).items():
        expected = as_member if who == MB else as_coordinator
        answer = await phone.tap_data(callbacks.encode(action, *args), start)
        assert expected in answer["text"], (action.name, answer["text"])
        assert not any(secret in answer["text"] for secret in secrets), action.name
        assert not fake.buttons(answer), action.name  # no menu of the other group opens


async def test_sending_to_a_group_left_meanwhile_says_so(
    fake: FakeBotApi, world: World, tmp_path: Path
) -> None:
    rows(
        tmp_path,
        "INSERT INTO membership (group_id, person_id, joined_at) VALUES (?, ?, ?)",
        world.group_b,
        world.person_a,
        "2026-03-01 12:00:00.000000",
    )
    member = Phone(fake, MA)
    await member.send("/share")
    await member.tap("Group B")
    await member.tap("Feedback")
    await member.send("The room was too cold.")
    await member.tap("With my name")
    preview = await member.tap("Only coordinators read it")
    assert "The room was too cold." in preview["text"]
    # Meanwhile they leave Group B (still in Group A).
    rows(
        tmp_path,
        "DELETE FROM membership WHERE group_id = ? AND person_id = ?",
        world.group_b,
        world.person_a,
    )

    sent = await member.tap("Send", preview)

    assert "You're not in that group any more" in sent["text"]
    assert "not in a group yet" not in sent["text"]
