"""Conversations: who may answer, who may end them, what is kept (sealed), and where the
words go, for items (named and anonymous) and for risk alerts."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from bot.crypto import Sealer
from bot.services import Services
from bot.services.conversations import ANSWER_STEP, HELD_STEP, TEXT_MAX, Said
from bot.services.inbox import Done, InboxFilter
from storage import schema
from storage.database import Storage
from tests.support.clock import FakeClock
from tests.support.items import ItemSeed, add_items
from tests.support.outbox import shown

COORDINATOR, ELSEWHERE, ANN, BEN, LEAD, OBSERVER = 4300, 4301, 4302, 4303, 4304, 4305


async def _setup(services: Services, storage: Storage, clock: FakeClock) -> list[int]:
    """Carers (coordinated by COORDINATOR, LEAD a lead) with a named and an anonymous item
    by ANN; another group coordinated by ELSEWHERE."""
    now = clock.now()
    async with storage.transaction() as tx:
        people = {}
        for telegram_id, name in ((COORDINATOR, "Cora"), (ELSEWHERE, "Eli"), (LEAD, "Lee")):
            person = await tx.people.ensure(telegram_id, telegram_id, name, now)
            await tx.people.set_coordinator(person.id, True)
            people[telegram_id] = person
        group = await tx.groups.create("Carers", "c1", people[COORDINATOR].id, now)
        other = await tx.groups.create("Elsewhere", "c2", people[ELSEWHERE].id, now)
        await tx.groups.add_coordinator(group.id, people[COORDINATOR].id)
        await tx.groups.add_coordinator(other.id, people[ELSEWHERE].id)
        await tx.leads.mark(people[LEAD].id, True, now)
        observer = await tx.people.ensure(OBSERVER, OBSERVER, "Obi", now)
        await tx.observers.add(group.id, observer.id, now)
        for member in (ANN, BEN):
            person = await tx.people.ensure(member, member, f"M{member}", now)
            await tx.groups.add_member(group.id, person.id, now)
        earlier = now - timedelta(hours=1)
        return await add_items(
            tx,
            services.sealer,
            [
                ItemSeed(group.id, ANN, "named words", date(2026, 3, 2), earlier),
                ItemSeed(group.id, ANN, "anonymous words", date(2026, 3, 2), earlier, True),
            ],
        )


async def _count(storage: Storage, table: object, *where: object) -> int:
    async with storage.read() as tx:
        query = select(func.count()).select_from(table)  # type: ignore[arg-type]
        for condition in where:
            query = query.where(condition)  # type: ignore[arg-type]
        return int((await tx.conn.execute(query)).scalar_one())


async def _conversation(storage: Storage, item_id: int) -> str:
    async with storage.read() as tx:
        found = await tx.conversations.latest_of_item(item_id)
    assert found is not None
    return found.id


async def test_a_reply_opens_a_conversation_only_its_author_can_answer(
    services: Services, storage: Storage, clock: FakeClock, sealer: Sealer
) -> None:
    named, anonymous = await _setup(services, storage, clock)
    assert await services.inbox.reply(COORDINATOR, anonymous, "Which form?") is Done.DONE
    conversation = await _conversation(storage, anonymous)
    async with storage.read() as tx:
        row = await tx.conversations.get(conversation)
    assert row is not None and row.person_id is None
    assert row.pseudonym == sealer.pseudonym(ANN) and row.return_address is None

    # Someone else, a forged id, an empty or long answer: nothing kept.
    assert (await services.conversations.answer(BEN, conversation, "hi")).said is Said.UNKNOWN
    assert (await services.conversations.answer(ANN, "nosuchthing", "hi")).said is Said.UNKNOWN
    assert (await services.conversations.answer(ANN, conversation, "  ")).said is Said.EMPTY
    long = "x" * (TEXT_MAX + 1)
    assert (await services.conversations.answer(ANN, conversation, long)).said is Said.TOO_LONG
    assert await _count(storage, schema.conversation_message) == 1

    result = await services.conversations.answer(ANN, conversation, "The blue one")
    assert result.said is Said.DONE and result.reader is not None
    assert result.reader.anonymous and result.reader.group == "Carers"
    async with storage.read() as tx:
        messages = await tx.conversations.messages(conversation, 10)
        queued = (
            await tx.conn.execute(
                select(schema.outbox.c.person_id, schema.outbox.c.payload).where(
                    schema.outbox.c.kind == "conversation"
                )
            )
        ).all()
        coordinator = await tx.people.by_telegram_id(COORDINATOR)
    assert [m.direction for m in messages] == ["out", "in"]
    # The anonymous member's answer is kept with its day only.
    assert messages[1].at == clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
    assert all(m.text.startswith("v1.") and "blue" not in m.text for m in messages)
    assert messages[1].by_person is None
    # Only the group's coordinator hears it, without who said it.
    assert coordinator is not None and [p for p, _ in queued] == [coordinator.id]
    text = shown(sealer, queued[0][1]).text
    assert "The blue one" in text and "without a name" in text and "M4302" not in text

    # Shown with the item in the inbox.
    card = await services.inbox.card(COORDINATOR, anonymous)
    assert card is not None and card.talk_open
    assert [(line.from_member, line.text) for line in card.talk] == [
        (False, "Which form?"),
        (True, "The blue one"),
    ]
    # Observers read the item, never the conversation.
    watched = await services.inbox.view(OBSERVER, card.group.id, InboxFilter.WAITING)
    assert watched is not None and watched.card is not None and not watched.may_act
    assert watched.card.item.id == anonymous and watched.card.talk == []
    # The named item has no conversation of its own yet.
    named_card = await services.inbox.card(COORDINATOR, named)
    assert named_card is not None and named_card.talk == []


async def test_the_member_is_asked_for_an_answer_and_told_who_reads_it(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    named, _ = await _setup(services, storage, clock)
    await services.inbox.reply(COORDINATOR, named, "Can I call you?")
    conversation = await _conversation(storage, named)
    assert (await services.conversations.start_answer(BEN, BEN, conversation)).said is Said.UNKNOWN
    started = await services.conversations.start_answer(ANN, ANN, conversation)
    assert started.said is Said.DONE and started.reader is not None
    assert not started.reader.anonymous and not started.reader.alert
    step = await services.steps.current(ANN)
    assert step is not None and step.step == ANSWER_STEP
    assert await services.conversations.waiting_for(ANN) == conversation
    assert await services.conversations.waiting_for(BEN) == ""
    await services.conversations.answer(ANN, conversation, "Yes")
    assert await services.steps.current(ANN) is None
    assert await services.conversations.waiting_for(ANN) == ""


async def test_either_side_ends_it_and_answers_after_that_are_refused(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    named, anonymous = await _setup(services, storage, clock)
    await services.inbox.reply(COORDINATOR, named, "Thanks")
    conversation = await _conversation(storage, named)
    ending = services.conversations.end_by_staff
    # Another group's coordinator, or a member, may not end it.
    assert (await ending(ELSEWHERE, conversation)).said is Said.NOT_ALLOWED
    assert (await ending(ANN, conversation)).said is Said.NOT_ALLOWED
    assert (await ending(COORDINATOR, conversation)).said is Said.DONE
    assert (await ending(COORDINATOR, conversation)).said is Said.CLOSED
    assert (await services.conversations.answer(ANN, conversation, "hi")).said is Said.CLOSED
    # A new reply opens it again.
    await services.inbox.reply(COORDINATOR, named, "One more question")
    assert await _conversation(storage, named) == conversation
    assert (await services.conversations.answer(ANN, conversation, "ok")).said is Said.DONE

    await services.inbox.reply(COORDINATOR, anonymous, "Thanks too")
    other = await _conversation(storage, anonymous)
    assert (await services.conversations.end_by_member(BEN, other)).said is Said.UNKNOWN
    assert (await services.conversations.end_by_member(ANN, other)).said is Said.DONE
    assert (await services.conversations.answer(ANN, other, "hi")).said is Said.CLOSED


async def test_replied_or_linked_items_no_longer_wait_to_be_acknowledged(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    named, anonymous = await _setup(services, storage, clock)
    await services.inbox.reply(COORDINATOR, named, "Thank you")
    group_id = await _group_of(storage, named)
    _, action = await services.followup_actions.create(COORDINATOR, group_id, "Forms")
    assert action is not None
    assert await services.followup_actions.link(COORDINATOR, action.id, anonymous) is Done.DONE
    async with storage.read() as tx:
        statuses = {i.id: i.status for i in await tx.followup.items([named, anonymous])}
    assert statuses == {named: "acknowledged", anonymous: "acknowledged"}
    # Neither counts as new, nor as waiting too long for an acknowledgement.
    view = await services.inbox.view(COORDINATOR, group_id)
    assert view is not None and view.counts[InboxFilter.NEW] == 0
    clock.advance(timedelta(days=5))
    async with storage.read() as tx:
        overdue = await services.inbox.overdue(tx, group_id)
        waiting = await tx.followup.waiting({group_id: overdue}, 5)
    assert waiting[group_id][0].count == 0


async def _group_of(storage: Storage, item_id: int) -> int:
    async with storage.read() as tx:
        item = await tx.followup.item(item_id)
    assert item is not None
    return item.group_id


async def test_taking_an_item_back_erases_its_conversation(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    _, anonymous = await _setup(services, storage, clock)
    await services.inbox.reply(COORDINATOR, anonymous, "Tell us more?")
    conversation = await _conversation(storage, anonymous)
    await services.conversations.answer(ANN, conversation, "Sure")
    async with storage.read() as tx:
        reference = (
            await tx.conn.execute(
                select(schema.item.c.reference).where(schema.item.c.id == anonymous)
            )
        ).scalar_one()
    await services.sharing.withdraw(ANN, reference)
    assert await _count(storage, schema.conversation) == 0
    assert await _count(storage, schema.conversation_message) == 0
    assert (await services.conversations.answer(ANN, conversation, "hi")).said is Said.UNKNOWN


async def test_a_lead_writes_to_the_person_of_an_alert_through_its_sealed_address(
    services: Services, storage: Storage, clock: FakeClock, sealer: Sealer
) -> None:
    await _setup(services, storage, clock)
    alert_id = await services.safety.check(BEN, None, "i want to end it all")
    assert alert_id is not None
    async with storage.read() as tx:
        alert = await tx.risk_alerts.get(alert_id)
    assert alert is not None and alert.return_address is not None
    assert str(BEN) not in alert.return_address

    # Only a lead (or an admin) may write.
    for someone in (COORDINATOR, BEN):
        refused = await services.conversations.write_to_alert(someone, someone, alert_id)
        assert refused.said is Said.NOT_ALLOWED
    opened = await services.conversations.write_to_alert(LEAD, LEAD, alert_id)
    assert opened.said is Said.DONE and opened.conversation_id is not None
    conversation = opened.conversation_id
    assert (await services.conversations.staff_write(COORDINATOR, conversation, "hi")).said is (
        Said.NOT_ALLOWED
    )
    sent = await services.conversations.staff_write(LEAD, conversation, "Can we talk?")
    assert sent.said is Said.DONE
    async with storage.read() as tx:
        [row] = (
            await tx.conn.execute(
                select(
                    schema.outbox.c.person_id,
                    schema.outbox.c.return_address,
                    schema.outbox.c.urgent,
                    schema.outbox.c.payload,
                ).where(schema.outbox.c.kind == "conversation")
            )
        ).all()
    assert row.person_id is None and row.return_address == alert.return_address and row.urgent
    assert "Can we talk?" in shown(sealer, row.payload).text

    answered = await services.conversations.answer(BEN, conversation, "yes please")
    assert answered.said is Said.DONE and answered.reader is not None and answered.reader.alert
    assert (await services.conversations.answer(ANN, conversation, "me?")).said is Said.UNKNOWN
    async with storage.read() as tx:
        lead = await tx.people.by_telegram_id(LEAD)
        to_lead = (
            await tx.conn.execute(
                select(schema.outbox.c.person_id).where(
                    schema.outbox.c.kind == "conversation",
                    schema.outbox.c.person_id.is_not(None),
                )
            )
        ).all()
    assert lead is not None and [r.person_id for r in to_lead] == [lead.id]


async def test_a_lead_is_told_when_the_person_cannot_be_reached(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    await _setup(services, storage, clock)
    alert_id = await services.safety.check(BEN, None, "i want to end it all")
    assert alert_id is not None
    async with storage.transaction() as tx:
        ben = await tx.people.by_telegram_id(BEN)
        assert ben is not None
        await tx.people.mark_unreachable(ben.id, clock.now())
    opened = await services.conversations.write_to_alert(LEAD, LEAD, alert_id)
    assert opened.conversation_id is not None
    result = await services.conversations.staff_write(LEAD, opened.conversation_id, "Hello?")
    assert result.said is Said.UNREACHABLE
    assert await _count(storage, schema.outbox, schema.outbox.c.kind == "conversation") == 0
    # What the lead wrote is kept with the conversation.
    assert await _count(storage, schema.conversation_message) == 1


async def test_a_reply_to_someone_who_stopped_the_bot_waits_for_them(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    named, anonymous = await _setup(services, storage, clock)
    async with storage.transaction() as tx:
        ann = await tx.people.by_telegram_id(ANN)
        assert ann is not None
        await tx.people.mark_unreachable(ann.id, clock.now())
    assert await services.inbox.reply(COORDINATOR, named, "Are you there?") is Done.HELD
    assert await services.inbox.reply(COORDINATOR, anonymous, "And you?") is Done.HELD
    pending = schema.contributor_update.c.state == "pending"
    assert await _count(storage, schema.contributor_update, pending) == 2


async def test_a_lead_can_write_to_someone_in_no_group(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    await _setup(services, storage, clock)
    stranger = 4999
    alert_id = await services.safety.check(stranger, None, "i want to end it all")
    assert alert_id is not None
    opened = await services.conversations.write_to_alert(LEAD, LEAD, alert_id)
    assert opened.conversation_id is not None
    sent = await services.conversations.staff_write(LEAD, opened.conversation_id, "Hello")
    assert sent.said is Said.DONE
    # Known to Chorus from now on, so the message can be delivered; the conversation itself
    # still holds no id of theirs.
    async with storage.read() as tx:
        person = await tx.people.by_telegram_id(stranger)
        talk = await tx.conversations.get(opened.conversation_id)
    assert person is not None and person.chat_id == stranger
    assert talk is not None and talk.person_id is None and talk.return_address is not None
    answered = await services.conversations.answer(stranger, opened.conversation_id, "thanks")
    assert answered.said is Said.DONE


async def test_a_leads_words_held_for_a_note_go_once_or_come_back_to_change(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    await _setup(services, storage, clock)
    alert_id = await services.safety.check(BEN, None, "i want to end it all")
    assert alert_id is not None
    conversations = services.conversations
    await conversations.write_to_alert(LEAD, LEAD, alert_id)
    assert (await conversations.hold(LEAD, LEAD, "   ")).said is Said.EMPTY
    held = await conversations.hold(LEAD, LEAD, "Would a call help?")
    assert held.said is Said.DONE
    async with storage.read() as tx:
        step = await tx.steps.of_telegram_id(LEAD)
        raw = str((await tx.conn.execute(select(schema.pending_step.c.data))).all())
    assert step is not None and step.step == HELD_STEP
    assert "call" not in raw  # sealed at rest
    outbox = schema.outbox.c.kind == "conversation"
    assert await _count(storage, schema.outbox, outbox) == 0  # nothing goes while noted

    # Changed: the words come back, and new words are waited for; the old ones never go.
    assert await conversations.change_held(LEAD, LEAD) == "Would a call help?"
    assert await conversations.waiting_for(LEAD) == held.conversation_id
    assert (await conversations.send_held(LEAD)).said is Said.UNKNOWN
    assert await conversations.change_held(LEAD, LEAD) is None

    # Sent as they are: once, however often the button is tapped.
    await conversations.hold(LEAD, LEAD, "Can we talk today?")
    assert (await conversations.send_held(LEAD)).said is Said.DONE
    assert (await conversations.send_held(LEAD)).said is Said.UNKNOWN
    assert await _count(storage, schema.outbox, outbox) == 1
    async with storage.read() as tx:
        assert await tx.steps.of_telegram_id(LEAD) is None
