"""Data rights as a service: a person's data gathered whole, at most a few times a day;
forgetting with either choice for anonymous items, safe against forged, stale and
interrupted confirmations; and the retention settings' erasing."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, insert, select, update

from bot.crypto import Sealer
from bot.rights_file import summary
from bot.services import Services
from bot.services.membership import JoinOutcome
from bot.services.payment_model import FORGOTTEN_PAYEE, Finance
from bot.services.rights import (
    CONSENT_WORDING,
    REQUESTS_PER_DAY,
    DataOutcome,
    ForgetOutcome,
    Retention,
)
from bot.services.sessions import FORGOTTEN, Period
from storage import schema
from storage.database import Storage
from storage.rights import ERASED_PAYLOAD
from tests.support.clock import FakeClock
from tests.support.rights import (
    Footprint,
    id_forms,
    seed_footprint,
    seed_payments,
    sent_naming,
)

COORDINATOR, MEMBER, OTHER = 5001, 5002, 5003
LONDON = ZoneInfo("Europe/London")


async def _world(
    storage: Storage, clock: FakeClock, sealer: Sealer, named: int = 1, anonymous: int = 1
) -> tuple[Footprint, Footprint, list[int]]:
    now = clock.now()
    async with storage.transaction() as tx:
        coordinator = await tx.people.ensure(COORDINATOR, COORDINATOR, "Jo", now)
        await tx.people.set_coordinator(coordinator.id, True)
        groups: list[int] = []
        for name in ("Carers group", "Housing group"):
            group = await tx.groups.create(name, f"code{len(groups)}", coordinator.id, now)
            await tx.groups.add_coordinator(group.id, coordinator.id)
            groups.append(group.id)
        member = await seed_footprint(
            tx, sealer, MEMBER, "Quillon", groups, now, named=named, anonymous=anonymous
        )
        other = await seed_footprint(tx, sealer, OTHER, "Brisby", groups[:1], now, tag="o")
        await sent_naming(tx, coordinator.id, "Quillon", now)
    return member, other, groups


async def _count(storage: Storage, table: object, *where: object) -> int:
    async with storage.read() as tx:
        query = select(func.count()).select_from(table)  # type: ignore[arg-type]
        for condition in where:
            query = query.where(condition)  # type: ignore[arg-type]
        return int((await tx.conn.execute(query)).scalar_one())


async def test_my_data_holds_everything_about_the_person_and_no_one_else(
    services: Services, storage: Storage, clock: FakeClock, sealer: Sealer
) -> None:
    member, other, _ = await _world(storage, clock, sealer)
    result = await services.rights.my_data(MEMBER)
    assert result.outcome is DataOutcome.READY
    data = result.data
    assert data["person"]["name_others_see"] == "Quillon"
    assert data["person"]["telegram_id"] == MEMBER
    assert sorted(g["group"] for g in data["groups"]) == ["Carers group", "Housing group"]
    assert all(g["agreed_to"]["agreed_on"] for g in data["groups"])
    words = {item["words"] for item in data["items"]}
    assert words == set(member.named_words + member.anonymous_words)
    assert not words & set(other.named_words + other.anonymous_words)
    assert {item["group"] for item in data["items"] if not item["with_your_name"]} == {
        "Carers group",
        "Housing group",
    }
    outcome = [item for item in data["items"] if item["history"]]
    assert {e["words"] for item in outcome for e in item["history"]} == {
        "the forms were cut to one page"
    }
    assert data["involvement_minutes"] == 180 and len(data["attendance"]) == 2
    assert len(data["meeting_answers"]) == 2
    assert [a["leads_know_who_you_are"] for a in data["safeguarding_alerts"]] == [True]
    assert len(data["updates_about_your_items"]) == 2
    assert [m["words"] for m in data["messages_to_you"]] == ["A meeting tomorrow"]
    assert [c["words"] for c in data["conversations"]] == ["my answer back to them"]
    assert data["settings"]["hearing_back"]["rhythm"] == "weekly"
    assert data["unfinished"]["draft_words"] == "half a draft"


async def test_my_data_only_a_few_times_a_day(
    services: Services, storage: Storage, clock: FakeClock, sealer: Sealer
) -> None:
    await _world(storage, clock, sealer)
    for _ in range(REQUESTS_PER_DAY):
        assert (await services.rights.my_data(MEMBER)).outcome is DataOutcome.READY
    assert (await services.rights.my_data(MEMBER)).outcome is DataOutcome.TOO_MANY
    clock.advance(timedelta(days=1, minutes=1))
    assert (await services.rights.my_data(MEMBER)).outcome is DataOutcome.READY
    assert (await services.rights.my_data(999)).outcome is DataOutcome.UNKNOWN


@pytest.mark.parametrize("keep_anonymous", [False, True])
async def test_forgetting_erases_the_person_and_keeps_only_what_they_chose(
    services: Services,
    storage: Storage,
    clock: FakeClock,
    sealer: Sealer,
    keep_anonymous: bool,
) -> None:
    member, other, _ = await _world(storage, clock, sealer)
    ask = await services.rights.ask_forget(MEMBER)
    assert ask.known and ask.named_items == 2 and ask.anonymous_items == 2
    result = await services.rights.forget(MEMBER, ask.token, keep_anonymous)
    assert result.outcome is ForgetOutcome.ERASED
    assert result.named_items == 2 and result.groups == 2 and result.hours_kept
    assert (result.anonymous_kept, result.anonymous_deleted) == (
        (2, 0) if keep_anonymous else (0, 2)
    )
    item, person = schema.item, schema.person
    assert await _count(storage, person, person.c.telegram_id == MEMBER) == 0
    assert await _count(storage, item, item.c.id.in_(member.named_ids)) == 0
    pseudonym = sealer.pseudonym(MEMBER)
    assert await _count(storage, item, item.c.pseudonym == pseudonym) == 0
    kept = await _count(storage, item, item.c.id.in_(member.anonymous_ids))
    assert kept == (2 if keep_anonymous else 0)
    for table in (schema.contributor_update, schema.conversation, schema.risk_alert):
        assert await _count(storage, table, table.c.pseudonym == pseudonym) == 0
    alert = schema.risk_alert
    assert await _count(storage, alert, alert.c.identity.is_not(None)) == 1  # the other's
    assert await _count(storage, schema.kept_hours) == 2
    assert await _count(storage, schema.outbox, schema.outbox.c.payload.contains("Quillon")) == 0
    assert await _count(storage, schema.outbox, schema.outbox.c.payload == ERASED_PAYLOAD) == 1
    assert await _count(storage, schema.erasure) == 0
    # The other member is untouched.
    assert await _count(storage, item, item.c.id.in_(other.named_ids + other.anonymous_ids)) == 2
    assert (await services.rights.my_data(OTHER)).data["involvement_minutes"] == 90


async def test_a_forged_or_stale_confirmation_erases_nothing(
    services: Services, storage: Storage, clock: FakeClock, sealer: Sealer
) -> None:
    await _world(storage, clock, sealer)
    person = schema.person
    # Never asked: any token is refused.
    assert (await services.rights.forget(MEMBER, "guessedtoken", False)).outcome is (
        ForgetOutcome.STALE
    )
    first = await services.rights.ask_forget(MEMBER)
    second = await services.rights.ask_forget(MEMBER)
    # Asking again makes the first question's button stale.
    assert (await services.rights.forget(MEMBER, first.token, False)).outcome is (
        ForgetOutcome.STALE
    )
    # Someone else's token does nothing for (or to) them.
    assert (await services.rights.forget(OTHER, second.token, False)).outcome is (
        ForgetOutcome.STALE
    )
    clock.advance(timedelta(hours=2))
    assert (await services.rights.forget(MEMBER, second.token, False)).outcome is (
        ForgetOutcome.STALE
    )
    assert await _count(storage, person, person.c.telegram_id.in_([MEMBER, OTHER])) == 2
    assert await _count(storage, schema.item) == 6


async def test_an_erasure_interrupted_is_finished_by_the_tick(
    services: Services, storage: Storage, clock: FakeClock, sealer: Sealer
) -> None:
    member, _, _ = await _world(storage, clock, sealer, named=250)
    ask = await services.rights.ask_forget(MEMBER)
    # As if the process died right after the confirmation was stored, and after the first
    # items went.
    async with storage.transaction() as tx:
        e = schema.erasure
        await tx.conn.execute(
            update(e).values(state="erasing", keep_anonymous=False, started_at=clock.now())
        )
        await tx.conn.execute(
            schema.item.delete().where(schema.item.c.id.in_(member.named_ids[:100]))
        )
    # Left alone at first: the confirmation that began it may still be at work.
    assert await services.rights.finish_erasures() == 0
    clock.advance(timedelta(minutes=1))
    assert await services.rights.finish_erasures() == 1
    person = schema.person
    assert await _count(storage, person, person.c.telegram_id == MEMBER) == 0
    assert await _count(storage, schema.item, schema.item.c.id.in_(member.named_ids)) == 0
    assert await services.rights.finish_erasures() == 0
    # The confirmation handled again after the restart finds nothing left to do.
    assert (await services.rights.forget(MEMBER, ask.token, False)).outcome is (
        ForgetOutcome.UNKNOWN
    )


async def test_retention_erases_words_after_their_outcome_and_old_sent_messages(
    storage: Storage, clock: FakeClock, sealer: Sealer
) -> None:
    services = Services.build(
        storage,
        clock,
        frozenset(),
        sealer,
        retention=Retention(keep_words_days=30, keep_sent_days=7),
    )
    member, _, _ = await _world(storage, clock, sealer)
    now = clock.now()
    async with storage.transaction() as tx:
        o = schema.outbox
        await tx.conn.execute(
            insert(o),
            [
                {
                    "dedupe_key": f"old{n}",
                    "kind": "update",
                    "payload": '{"text": "your words back to you"}',
                    "state": "sent",
                    "due_at": now,
                    "created_at": now,
                    "sent_at": now,
                }
                for n in range(2)
            ],
        )
    assert (await services.rights.retention_tick()).items == 0
    clock.advance(timedelta(days=8))
    report = await services.rights.retention_tick()
    assert report.items == 0 and report.messages == 3  # the two, and the seeded notice
    clock.advance(timedelta(days=30))
    report = await services.rights.retention_tick()
    # Only the items with an outcome lose their words: each member's first two.
    assert report.items == 4
    i = schema.item
    with_outcome = [member.named_ids[0], member.anonymous_ids[0]]
    assert await _count(storage, i, i.c.id.in_(with_outcome), i.c.body.is_(None)) == 2
    others = [x for x in member.named_ids + member.anonymous_ids if x not in with_outcome]
    assert await _count(storage, i, i.c.id.in_(others), i.c.body.is_not(None)) == len(others)
    o = schema.outbox
    assert await _count(storage, o, o.c.state == "pending", o.c.payload == ERASED_PAYLOAD) == 0


async def test_after_forgetting_a_dump_of_postgresql_holds_nothing_of_the_person(
    services: Services, storage: Storage, clock: FakeClock, sealer: Sealer
) -> None:
    if storage.is_sqlite:
        pytest.skip("a dump scan is for PostgreSQL (set CHORUS_TEST_POSTGRES_URL)")
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    member, _, groups = await _world(storage, clock, sealer)
    await _payments(storage, clock, member, groups[0])
    ask = await services.rights.ask_forget(MEMBER)
    assert (await services.rights.forget(MEMBER, ask.token, True)).outcome is (
        ForgetOutcome.ERASED
    )
    # The database this test's storage is on (each test process has its own).
    url = storage.engine.url.set(drivername="postgresql")
    dump = subprocess.run(
        ["pg_dump", "--data-only", "--no-owner", url.render_as_string(hide_password=False)],
        check=True,
        capture_output=True,
    ).stdout
    words = member.named_words + member.payment_words
    needles = [*id_forms(MEMBER)[:3], b"Quillon", *(w.encode() for w in words)]
    assert [n for n in needles if n in dump] == []
    # The scan would find the other member, who is still there.
    assert b"Brisby" in dump and str(OTHER).encode() in dump


async def test_joining_keeps_the_wording_agreed_to_and_my_data_shows_it(
    services: Services, storage: Storage, clock: FakeClock, sealer: Sealer
) -> None:
    await _world(storage, clock, sealer)
    joined = await services.membership.join(7007, 7007, "code0")
    assert joined.outcome is JoinOutcome.JOINED
    groups = (await services.rights.my_data(7007)).data["groups"]
    assert [g["agreed_to"]["wording"] for g in groups] == [CONSENT_WORDING]
    assert groups[0]["agreed_to"]["agreed_on"] == clock.now().isoformat()
    # Those who joined before the wording's version was kept: the date only.
    seeded = (await services.rights.my_data(MEMBER)).data["groups"]
    assert [g["agreed_to"]["wording"] for g in seeded] == [None, None]


async def test_the_hours_of_someone_forgotten_stay_in_the_accounts_without_them(
    services: Services, storage: Storage, clock: FakeClock, sealer: Sealer
) -> None:
    _, _, groups = await _world(storage, clock, sealer)
    ask = await services.rights.ask_forget(MEMBER)
    await services.rights.forget(MEMBER, ask.token, False)
    export = await services.sessions.export_hours(COORDINATOR, groups[0], Period.THIS_YEAR, LONDON)
    assert export is not None
    lines = export.content.decode().splitlines()
    assert lines[-1].startswith(f",{FORGOTTEN},1,1.50,")
    assert "Quillon" not in export.content.decode()
    assert export.minutes == 180  # the other member's 90, and the 90 kept


async def _payments(storage: Storage, clock: FakeClock, member: Footprint, group_id: int) -> None:
    """The member's payment records in the group, claimed on the day of its meeting."""
    day = (clock.now() - timedelta(days=7)).astimezone(LONDON).date()
    async with storage.transaction() as tx:
        coordinator = await tx.people.by_telegram_id(COORDINATOR)
        assert coordinator is not None
        await seed_payments(tx, member, group_id, coordinator.id, day, clock.now())


def _totals(finance: Finance | None) -> tuple[int, int, int, int]:
    assert finance is not None
    lines = finance.lines
    return (
        sum(line.sessions for line in lines),
        sum(line.minutes for line in lines),
        sum(line.time_pence for line in lines),
        sum(line.expenses_pence for line in lines),
    )


async def test_approved_payments_of_someone_forgotten_stay_in_the_finance_export_alone(
    services: Services, storage: Storage, clock: FakeClock, sealer: Sealer
) -> None:
    member, _, groups = await _world(storage, clock, sealer)
    await _payments(storage, clock, member, groups[0])
    before = await services.payments.finance(COORDINATOR, groups[0], Period.THIS_YEAR)
    ask = await services.rights.ask_forget(MEMBER)
    result = await services.rights.forget(MEMBER, ask.token, False)
    assert result.outcome is ForgetOutcome.ERASED and result.payments_kept
    after = await services.payments.finance(COORDINATOR, groups[0], Period.THIS_YEAR)
    # The accounts add up as before: the time and the expenses approved are all there.
    assert _totals(after) == _totals(before) == (2, 180, 3600, 450)
    assert after is not None
    [kept] = [line for line in after.lines if line.name == FORGOTTEN_PAYEE]
    assert (kept.reference, kept.choice, kept.sessions, kept.minutes) == (
        f"P-{member.person_id:05d}", "paid", 1, 90,
    )  # fmt: skip
    # Only what was approved is kept: nothing waiting, nothing queried.
    assert (kept.time_pence, kept.expenses_pence, kept.waiting_pence) == (1800, 450, 0)
    assert kept.approval == "approved"
    # Nothing else of their payments is left: no claim, receipt, question, choice, payee,
    # or message to the coordinators about a claim of theirs.
    for table in (schema.payment_claim, schema.payment_choice, schema.payee):
        assert await _count(storage, table, table.c.person_id == member.person_id) == 0
    assert await _count(storage, schema.kept_payment) == 2
    assert await _count(storage, schema.outbox, schema.outbox.c.dedupe_key.like("pc%")) == 0


async def test_my_data_summary_says_what_is_held_about_payment(
    services: Services, storage: Storage, clock: FakeClock, sealer: Sealer
) -> None:
    member, _, groups = await _world(storage, clock, sealer)
    await _payments(storage, clock, member, groups[0])
    text = summary((await services.rights.my_data(MEMBER)).data, LONDON)
    assert "no payment records" not in text
    assert "how you'd like to be paid (be paid)" in text
    assert f"P-{member.person_id:05d}" in text and "Marrowby Quillon Payfield" in text
    assert "4 claims you made" in text
    nothing = summary((await services.rights.my_data(OTHER)).data, LONDON)
    assert "Payments: none" in nothing
    assert "Messages paused: no\n" in nothing


async def test_time_given_without_payment_is_not_told_as_payments_kept(
    services: Services, storage: Storage, clock: FakeClock, sealer: Sealer
) -> None:
    member, _, groups = await _world(storage, clock, sealer)
    day = (clock.now() - timedelta(days=7)).astimezone(LONDON).date()
    async with storage.transaction() as tx:
        await tx.payments.set_choice(member.person_id, "none", clock.now())
        await tx.payments.add_claim(
            clock.now(), person_id=member.person_id, group_id=groups[0], kind="session",
            minutes=90, amount_pence=1800, state="approved", on_day=day,
        )  # fmt: skip
    ask = await services.rights.ask_forget(MEMBER)
    result = await services.rights.forget(MEMBER, ask.token, False)
    assert result.hours_kept and not result.payments_kept
    # Kept for the accounts all the same, and paying nothing there either.
    finance = await services.payments.finance(COORDINATOR, groups[0], Period.THIS_YEAR)
    assert finance is not None
    [kept] = [line for line in finance.lines if line.name == FORGOTTEN_PAYEE]
    assert (kept.choice, kept.minutes, kept.time_pence) == ("none", 90, 0)
