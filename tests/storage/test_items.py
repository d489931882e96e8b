"""The storage contract for items, prompts, observers, leads and risk alerts, on every
backend, through the `storage` fixture only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from storage.database import Storage
from storage.groups import GroupRow
from storage.items import ItemNew
from storage.outbox import OutboxNew
from storage.people import PersonRow

T0 = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)
DAY = timedelta(days=1)


async def _setup(storage: Storage) -> tuple[PersonRow, PersonRow, GroupRow]:
    async with storage.transaction() as tx:
        anna = await tx.people.ensure(1, 1, "Anna", T0)
        ben = await tx.people.ensure(2, 2, "Ben", T0)
        await tx.people.set_coordinator(ben.id, True)
        group = await tx.groups.create("Voices", "code", ben.id, T0)
        await tx.groups.add_coordinator(group.id, ben.id)
        await tx.groups.add_member(group.id, anna.id, T0)
        return anna, ben, group


def _item(number: int, group: GroupRow, **extra: object) -> ItemNew:
    values: dict[str, object] = {
        "id": 10**15 + number,
        "group_id": group.id,
        "kind": "feedback",
        "reference": f"REF{number:03d}",
        "consent": "coordinators",
        "given_on": date(2026, 3, number),
        "visible_at": T0,
        "body": f"v1.sealed{number}",
    }
    values.update(extra)
    return ItemNew(**values)  # type: ignore[arg-type]


async def test_items_by_author_newest_first_and_withdrawn(storage: Storage) -> None:
    anna, _, group = await _setup(storage)
    async with storage.transaction() as tx:
        await tx.items.add(_item(1, group, person_id=anna.id))
        await tx.items.add(_item(2, group, pseudonym="p" * 64, return_address="v1.addr"))
        await tx.items.add(_item(3, group, pseudonym="q" * 64))
        assert await tx.items.taken(10**15 + 1, "NEW") and await tx.items.taken(5, "REF002")
        assert not await tx.items.taken(5, "NEW")
    async with storage.read() as tx:
        mine = await tx.items.of_author(anna.id, "p" * 64, limit=10)
        assert [i.reference for i in mine] == ["REF002", "REF001"]
        assert await tx.items.count_of_author(anna.id, "p" * 64) == 2
        assert [i.reference for i in await tx.items.of_author(anna.id, "p" * 64, 1, 1)] == [
            "REF001"
        ]
    async with storage.transaction() as tx:
        await tx.outbox.enqueue(
            [OutboxNew("u1", "update", None, "{}", T0, return_address="v1.addr")], T0
        )
        assert await tx.items.withdraw(10**15 + 2, date(2026, 3, 9))
        assert not await tx.items.withdraw(10**15 + 2, date(2026, 3, 9))
        assert await tx.items.cancel_contributor_updates("v1.addr") == 1
    async with storage.read() as tx:
        gone = await tx.items.by_reference("REF002")
        assert gone is not None and gone.withdrawn_on == date(2026, 3, 9)
        assert (gone.body, gone.pseudonym, gone.return_address) == (None, None, None)
        assert await tx.items.count_of_author(anna.id, "p" * 64) == 1
        assert [i.reference for i in await tx.items.visible_in_group(group.id, T0, 10)] == [
            "REF003",
            "REF001",
        ]
        assert await tx.items.visible_in_group(group.id, T0 - DAY, 10) == []


async def test_prompts_open_until_their_last_day(storage: Storage) -> None:
    _, ben, group = await _setup(storage)
    async with storage.transaction() as tx:
        forever = await tx.prompts.create(group.id, "Always", ben.id, T0, None)
        week = await tx.prompts.create(group.id, "A week", ben.id, T0 + DAY, date(2026, 3, 10))
    async with storage.read() as tx:
        assert [p.id for p in await tx.prompts.open_in_group(group.id, date(2026, 3, 10), 5)] == [
            week.id,
            forever.id,
        ]
        assert [p.id for p in await tx.prompts.open_in_group(group.id, date(2026, 3, 11), 5)] == [
            forever.id
        ]
        assert (await tx.prompts.get(week.id)) == week


async def test_observers_links_and_leads(storage: Storage) -> None:
    anna, ben, group = await _setup(storage)
    async with storage.transaction() as tx:
        assert await tx.observers.add(group.id, anna.id, T0)
        assert not await tx.observers.add(group.id, anna.id, T0)
        await tx.observers.create_link("abc", group.id, T0, T0 + DAY)
        assert await tx.observers.use_link("abc", T0)
        assert not await tx.observers.use_link("abc", T0)
        await tx.leads.mark(ben.id, True, T0)
        await tx.leads.mark(anna.id, True, T0)
    async with storage.read() as tx:
        assert await tx.observers.is_observer(group.id, anna.id)
        assert await tx.observers.group_ids_of(anna.id) == [group.id]
        assert [o.person_id for o in await tx.observers.of_group(group.id)] == [anna.id]
        assert await tx.observers.coordinator_ids(group.id) == [ben.id]
        link = await tx.observers.get_link("abc")
        assert link is not None and link.used_at is not None
        # Only coordinators are told as leads.
        assert [lead.person_id for lead in await tx.leads.all()] == [ben.id]
        assert await tx.leads.ids() == frozenset({anna.id, ben.id})
    async with storage.transaction() as tx:
        assert await tx.observers.remove(group.id, anna.id)
        await tx.leads.mark(ben.id, False, T0)
        assert await tx.leads.all() == []


async def test_risk_alerts_settle_once(storage: Storage) -> None:
    _, _, group = await _setup(storage)
    async with storage.transaction() as tx:
        await tx.risk_alerts.create("a1", group.id, "p" * 64, "v1.words", T0 + DAY)
        await tx.risk_alerts.create("a2", None, "q" * 64, "v1.more", T0)
    async with storage.read() as tx:
        assert [a.id for a in await tx.risk_alerts.unanswered(T0, 10)] == ["a2"]
    async with storage.transaction() as tx:
        assert await tx.risk_alerts.settle("a2", "unnamed")
        assert not await tx.risk_alerts.settle("a2", "named")
        alert = await tx.risk_alerts.get("a2")
        # The words stay, sealed, until the alert is closed: it may be raised again.
        assert alert is not None and (alert.state, alert.words) == ("unnamed", "v1.more")
        assert await tx.risk_alerts.unanswered(T0 + DAY, 10) == [await tx.risk_alerts.get("a1")]


async def test_risk_alerts_are_taken_once_looked_at_again_and_closed_by_the_owner(
    storage: Storage,
) -> None:
    anna, ben, _ = await _setup(storage)
    async with storage.transaction() as tx:
        await tx.risk_alerts.create("a3", None, "r" * 64, "v1.w", T0, raised_at=T0)
        assert not await tx.risk_alerts.take("a3", ben.id, T0)  # not yet told
        await tx.risk_alerts.settle("a3", "unnamed")
        await tx.risk_alerts.told("a3", T0, T0 + DAY)
        assert await tx.risk_alerts.due_checks(T0, 10) == []
        [due] = await tx.risk_alerts.due_checks(T0 + DAY, 10)
        assert due.id == "a3" and due.told_at == T0
        assert await tx.risk_alerts.open(10, T0) == []  # told at T0: not before it
        assert await tx.risk_alerts.open(10, T0 + DAY) == [due]
        assert await tx.risk_alerts.record_answer("a3", "yes", "v1.who")
        assert await tx.risk_alerts.take("a3", ben.id, T0 + DAY)
        assert not await tx.risk_alerts.take("a3", anna.id, T0 + DAY)
        assert await tx.risk_alerts.due_checks(T0 + DAY * 2, 10) == []  # taken
        assert not await tx.risk_alerts.close("a3", anna.id, "v1.note", T0 + DAY)
        assert await tx.risk_alerts.close("a3", ben.id, "v1.note", T0 + DAY)
        assert not await tx.risk_alerts.record_answer("a3", "no", None)
        closed = await tx.risk_alerts.get("a3")
        assert closed is not None and closed.state == "closed" and closed.note == "v1.note"
        assert (closed.words, closed.identity, closed.answer) == (None, None, "yes")
        assert await tx.risk_alerts.open(10, T0 + DAY) == []
    async with storage.transaction() as tx:
        await tx.people.mark_unreachable(ben.id, T0)
        await tx.leads.mark(ben.id, True, T0)
        assert await tx.leads.reachable() == []
        assert [lead.person_id for lead in await tx.leads.all()] == [ben.id]


async def test_outcomes_that_may_be_quoted_and_how_many_may_not(storage: Storage) -> None:
    from storage.followup import EventNew

    anna, ben, group = await _setup(storage)
    today = date(2026, 3, 20)
    items = [
        _item(1, group, person_id=anna.id, consent="quote_named"),
        _item(2, group, pseudonym="p" * 64, consent="quote_anonymous"),
        _item(3, group, person_id=anna.id),  # only coordinators read it
        _item(4, group, person_id=anna.id, consent="quote_anonymous", body=None),  # no words
        _item(5, group, person_id=anna.id, consent="quote_named"),  # quoted until 19 March
        _item(6, group, person_id=anna.id, consent="quote_anonymous"),  # taken back below
        _item(7, group, person_id=anna.id, consent="quote_anonymous"),  # no outcome yet
    ]
    async with storage.transaction() as tx:
        for number, item in enumerate(items, 1):
            await tx.items.add(item)
            if number != 7:
                at = T0 + number * DAY
                await tx.followup.add_event(EventNew(item.id, "outcome", at, ben.id, "changed"))
        await tx.items.set_consent(items[4].id, "quote_named", date(2026, 3, 19))
        await tx.items.withdraw(items[5].id, today)
    async with storage.read() as tx:
        quotable = await tx.items.quotable_outcomes(group.id, today, 10)
        assert [entry.item_id for entry in quotable] == [items[1].id, items[0].id]
        assert [entry.author_name for entry in quotable] == [None, "Anna"]
        latest = await tx.items.quotable_outcomes(group.id, today, 1)
        assert [entry.item_id for entry in latest] == [items[1].id]
        # Private, without words, past its last day: three; the withdrawn one never counts.
        assert await tx.items.unquotable_outcomes(group.id, today) == 3
        assert await tx.items.unquotable_outcomes(group.id, date(2026, 3, 19)) == 2
