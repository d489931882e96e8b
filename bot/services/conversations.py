"""Conversations: a member answers a coordinator's reply to their item, or a safeguarding
lead writes to the person of a risk alert and they answer, until either side ends it.

Anonymity holds both ways. The member's side of a conversation is a person (named items)
or a pseudonym; an anonymous author is reached only through their item's sealed return
address (as every update is), and the person of an alert only through the alert's own
sealed return address. Nothing the coordinator or lead is sent names an anonymous member.
Words are sealed at rest.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime

from bot.clock import Clock
from bot.crypto import Sealer, SealError
from bot.presentation import outgoing, texts
from bot.presentation.buttons import member_buttons, staff_buttons
from bot.presentation.outgoing import Button, Value, join
from bot.services.contributor_updates import ContributorUpdates, first_line
from bot.services.conversation_results import About, Line, Reader, Result, Said
from bot.services.delivery_rules import open_return_address, seal_payload
from bot.services.nudges import kind_said
from bot.services.roles import may_manage
from bot.services.safety import suggests_risk, writer_pseudonym
from bot.services.steps import button_step
from bot.services.withdrawal import Place, Shape, note_queued
from storage.conversations import ConversationNew, ConversationRow
from storage.database import Storage
from storage.items import ItemRow
from storage.outbox import OutboxNew
from storage.people import PersonRow
from storage.tx import Tx

logger = logging.getLogger(__name__)

ANSWER_STEP = "conv_answer"
WRITE_STEP = "conv_write"
HELD_STEP = button_step("conv_write_held")  # a lead's words kept while a note on them is read
LOOSE_STEP = button_step("conv_loose")
WORDS_PURPOSE = "conversation.words"
KIND = "conversation"
TEXT_MAX = 1000
HISTORY_SHOWN = 6
_ID_LETTERS = "abcdefghijkmnopqrstuvwxyz23456789"


_ANSWER = {
    "alert": texts.ANSWER_ABOUT_ALERT,
    "named": texts.ANSWER_ABOUT_NAMED,
    "anonymous": texts.ANSWER_ABOUT_ANONYMOUS,
}
_ENDED = {
    "alert": texts.ENDED_ABOUT_ALERT,
    "named": texts.ENDED_ABOUT_NAMED,
    "anonymous": texts.ENDED_ABOUT_ANONYMOUS,
}


def _checked(text: str) -> str | Said:
    cleaned = text.strip()
    if not cleaned:
        return Said.EMPTY
    if len(cleaned) > TEXT_MAX:
        return Said.TOO_LONG
    return cleaned


class Conversations:
    """Opening, answering and ending conversations, on both sides."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        sealer: Sealer,
        admin_ids: frozenset[int],
        contributor_updates: ContributorUpdates,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._sealer = sealer
        self._admins = admin_ids
        self._contributor_updates = contributor_updates

    # --- The coordinators' side of an item (inside the inbox's transaction) -------------

    async def open_for_item(
        self, tx: Tx, item: ItemRow, by_person: int | None, text: str, now: datetime
    ) -> str:
        """A coordinator replied to an item: open (or open again) its conversation and keep
        the reply; the conversation's id, for the update's buttons."""
        found = await tx.conversations.latest_of_item(item.id)
        if found is None:
            conversation_id = _new_id()
            await tx.conversations.add(
                ConversationNew(
                    conversation_id,
                    "item",
                    now,
                    item_id=item.id,
                    person_id=item.person_id,
                    pseudonym=None if item.person_id is not None else item.pseudonym,
                )
            )
        else:
            conversation_id = found.id
            if not found.is_open:
                await tx.conversations.reopen(found.id, None)
        sealed = self._sealer.seal(text, WORDS_PURPOSE)
        await tx.conversations.add_message(conversation_id, "out", sealed, by_person, now)
        return conversation_id

    async def reachable(self, tx: Tx, item: ItemRow) -> bool:
        """False if the item's author has stopped or blocked the bot (updates then wait)."""
        if item.person_id is not None:
            person = await tx.people.get(item.person_id)
        elif item.return_address is not None:
            chat = open_return_address(self._sealer, item.return_address)
            person = await tx.people.by_telegram_id(chat) if chat is not None else None
        else:
            return False
        return person is not None and person.unreachable_at is None

    async def history(self, tx: Tx, item_id: int) -> tuple[list[Line], str | None]:
        """The latest messages about an item, oldest first, and the conversation's id while
        it is open (None once ended, or if there is none)."""
        found = await tx.conversations.latest_of_item(item_id)
        if found is None:
            return [], None
        lines = []
        for message in await tx.conversations.messages(found.id, HISTORY_SHOWN):
            words = self._open(message.text)
            if words is not None:
                lines.append(Line(message.direction == "in", words, message.at))
        return lines, found.id if found.is_open else None

    # --- The member's side ------------------------------------------------------------------

    async def start_answer(self, telegram_id: int, chat_id: int, conversation_id: str) -> Result:
        """The member tapped Reply: wait for their words; who will read them."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            found = await self._own(tx, telegram_id, conversation_id)
            if isinstance(found, Said):
                return Result(found)
            person = await tx.people.ensure(telegram_id, chat_id, None, now)
            await tx.steps.set(person.id, ANSWER_STEP, {"conversation": found.id}, now)
            return Result(Said.DONE, await self._reader(tx, found), found.id)

    async def answer(self, telegram_id: int, conversation_id: str, text: str) -> Result:
        """The member's answer: kept, and sent to the item's coordinators or to the lead."""
        checked = _checked(text)
        if isinstance(checked, Said):
            return Result(checked)
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            found = await self._own(tx, telegram_id, conversation_id)
            if isinstance(found, Said):
                await self._clear_step(tx, telegram_id, (ANSWER_STEP, LOOSE_STEP))
                return Result(found)
            sealed = self._sealer.seal(checked, WORDS_PURPOSE)
            at = _kept_time(found, now)
            message_id = await tx.conversations.add_message(found.id, "in", sealed, None, at)
            await self._clear_step(tx, telegram_id, (ANSWER_STEP, LOOSE_STEP))
            about = await self._about(tx, found)
            if about is None:
                return Result(Said.UNKNOWN)
            body: Value = outgoing.text(_ANSWER[about.case], **about.values, words=checked)
            if suggests_risk(checked):
                body = join("\n\n", [body, outgoing.text(texts.CONVERSATION_RISK_NOTE)])
            await self._to_staff(tx, found, body, f"c{message_id}", now, staff_buttons(found.id))
            return Result(Said.DONE, await self._reader(tx, found), found.id)

    async def newest_open(self, telegram_id: int) -> Result:
        """The member's newest open conversation, for words typed outside any step."""
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return Result(Said.UNKNOWN)
            found = await tx.conversations.open_of_member(
                person.id, self._pseudonyms(telegram_id), 1
            )
            if not found:
                return Result(Said.UNKNOWN)
            return Result(Said.DONE, await self._reader(tx, found[0]), found[0].id)

    async def keep_loose(
        self, telegram_id: int, chat_id: int, conversation_id: str, text: str
    ) -> None:
        """Keep words typed outside any step (sealed) until the member says to send them."""
        now = self._clock.now()
        sealed = self._sealer.seal(text, WORDS_PURPOSE)
        async with self._storage.transaction() as tx:
            person = await tx.people.ensure(telegram_id, chat_id, None, now)
            data = {"conversation": conversation_id, "words": sealed}
            await tx.steps.set(person.id, LOOSE_STEP, data, now)

    async def send_loose(self, telegram_id: int) -> Result:
        """Send the words kept by `keep_loose`."""
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            step = await tx.steps.get(person.id) if person is not None else None
        if step is None or step.step != LOOSE_STEP:
            return Result(Said.UNKNOWN)
        words = self._open(str(step.data.get("words", "")))
        if words is None:
            return Result(Said.UNKNOWN)
        return await self.answer(telegram_id, str(step.data.get("conversation", "")), words)

    async def end_by_member(self, telegram_id: int, conversation_id: str) -> Result:
        """The member ends the conversation; the coordinators or the lead are told."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            found = await self._own(tx, telegram_id, conversation_id)
            if isinstance(found, Said):
                return Result(found)
            await tx.conversations.close(found.id, "member", _kept_time(found, now))
            await self._clear_step(tx, telegram_id, (ANSWER_STEP, LOOSE_STEP))
            about = await self._about(tx, found)
            if about is not None:
                body = outgoing.text(_ENDED[about.case], **about.values)
                await self._to_staff(tx, found, body, f"cm{found.id}{_stamp(now)}", now, [])
            return Result(Said.DONE, await self._reader(tx, found), found.id)

    # --- The coordinators' and leads' side ------------------------------------------------

    async def write_to_alert(self, telegram_id: int, chat_id: int, alert_id: str) -> Result:
        """A lead chose to write to the person of an alert: open its conversation and wait
        for their words."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            lead = await self._lead(tx, telegram_id, chat_id, now)
            if lead is None:
                return Result(Said.NOT_ALLOWED)
            alert = await tx.risk_alerts.get(alert_id)
            if alert is None or alert.return_address is None:
                return Result(Said.UNKNOWN)
            found = await tx.conversations.latest_of_alert(alert.id)
            if found is None:
                conversation_id = _new_id()
                await tx.conversations.add(
                    ConversationNew(
                        conversation_id,
                        "alert",
                        now,
                        alert_id=alert.id,
                        pseudonym=alert.pseudonym,
                        return_address=alert.return_address,
                        staff_id=lead.id,
                    )
                )
            else:
                conversation_id = found.id
                await tx.conversations.reopen(found.id, lead.id)
            await tx.steps.set(lead.id, WRITE_STEP, {"conversation": conversation_id}, now)
        return Result(Said.DONE, Reader(alert=True), conversation_id)

    async def start_reply(self, telegram_id: int, chat_id: int, conversation_id: str) -> Result:
        """A coordinator or lead tapped Reply under a member's answer. For an item, the
        inbox's reply takes over (the id returned is the item's); for an alert, their words
        are awaited here."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            found = await tx.conversations.get(conversation_id)
            if found is None or not await self._may_staff(tx, telegram_id, found):
                return Result(Said.NOT_ALLOWED)
            if found.kind == "item":
                return Result(Said.DONE, None, str(found.item_id))
            lead = await self._lead(tx, telegram_id, chat_id, now)
            assert lead is not None
            await tx.conversations.reopen(found.id, lead.id)
            await tx.steps.set(lead.id, WRITE_STEP, {"conversation": found.id}, now)
        return Result(Said.DONE, Reader(alert=True), found.id)

    async def staff_write(self, telegram_id: int, conversation_id: str, text: str) -> Result:
        """A lead's words to the person of an alert, through its sealed return address."""
        checked = _checked(text)
        if isinstance(checked, Said):
            return Result(checked)
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            found = await tx.conversations.get(conversation_id)
            if (
                found is None
                or found.kind != "alert"
                or found.return_address is None
                or not await self._may_staff(tx, telegram_id, found)
            ):
                return Result(Said.NOT_ALLOWED)
            lead = await tx.people.by_telegram_id(telegram_id)
            by = lead.id if lead is not None else None
            await self._clear_step(tx, telegram_id, (WRITE_STEP, HELD_STEP))
            sealed = self._sealer.seal(checked, WORDS_PURPOSE)
            message_id = await tx.conversations.add_message(found.id, "out", sealed, by, now)
            await tx.conversations.reopen(found.id, by)
            person = await self._behind(tx, found.return_address, now)
            if person is None or person.unreachable_at is not None:
                return Result(Said.UNREACHABLE, Reader(alert=True), found.id)
            if await _refused_before(tx, found.id, message_id):
                return Result(Said.UNREACHABLE, Reader(alert=True), found.id)
            await self._queue_to_alert(tx, found, message_id, checked, now)
        return Result(Said.DONE, Reader(alert=True), found.id)

    async def hold(self, telegram_id: int, chat_id: int, text: str) -> Result:
        """Keep a lead's words (sealed with the step) until they are sent or changed."""
        checked, target = _checked(text), await self.waiting_for(telegram_id)
        if isinstance(checked, Said) or not target:
            return Result(checked if isinstance(checked, Said) else Said.UNKNOWN)
        now, data = self._clock.now(), {"conversation": target, "words": checked}
        async with self._storage.transaction() as tx:
            person = await tx.people.ensure(telegram_id, chat_id, None, now)
            await tx.steps.set(person.id, HELD_STEP, data, now)
        return Result(Said.DONE, Reader(alert=True), target)

    async def send_held(self, telegram_id: int) -> Result:
        """Send the lead's words kept by `hold`."""
        held = await self._held(telegram_id)
        return await self.staff_write(telegram_id, *held) if held else Result(Said.UNKNOWN)

    async def change_held(self, telegram_id: int, chat_id: int) -> str | None:
        """Wait for the lead's words again; those kept by `hold` (None if none are)."""
        held = await self._held(telegram_id)
        reply = await self.start_reply(telegram_id, chat_id, held[0]) if held else None
        return held[1] if held and reply and reply.said is Said.DONE else None

    async def _held(self, telegram_id: int) -> tuple[str, str] | None:
        async with self._storage.read() as tx:
            step = await tx.steps.of_telegram_id(telegram_id)
        if step is None or step.step != HELD_STEP:
            return None
        return str(step.data.get("conversation", "")), str(step.data.get("words", ""))

    async def _queue_to_alert(
        self, tx: Tx, found: ConversationRow, message_id: int, words: str, now: datetime
    ) -> None:
        """Queue a lead's words to the person of an alert, through its sealed return address."""
        said = outgoing.text(texts.CONVERSATION_FROM_LEAD, words=words)
        payload = outgoing.message(said, member_buttons(found.id))
        await tx.outbox.enqueue(
            [
                OutboxNew(
                    dedupe_key=f"c{message_id}",
                    kind=KIND,
                    person_id=None,
                    return_address=found.return_address,
                    payload=seal_payload(self._sealer, payload),
                    due_at=now,
                    urgent=True,
                )
            ],
            now,
        )

    async def end_by_staff(self, telegram_id: int, conversation_id: str) -> Result:
        """A coordinator or lead ends the conversation; the member is told, kindly."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            found = await tx.conversations.get(conversation_id)
            if found is None or not await self._may_staff(tx, telegram_id, found):
                return Result(Said.NOT_ALLOWED)
            if not await tx.conversations.close(found.id, "staff", now):
                return Result(Said.CLOSED)
            await self._clear_step(tx, telegram_id, (WRITE_STEP, HELD_STEP))
            if found.kind == "item" and found.item_id is not None:
                item = await tx.followup.item(found.item_id)
                if item is not None:
                    line = outgoing.text(texts.LINE_CONVERSATION_ENDED)
                    await self._contributor_updates.queue(
                        tx, item, line, f"x{found.id}{_stamp(now)}", now
                    )
            elif found.return_address is not None:
                payload = outgoing.message(outgoing.text(texts.CONVERSATION_LEAD_ENDED))
                await tx.outbox.enqueue(
                    [
                        OutboxNew(
                            dedupe_key=f"x{found.id}{_stamp(now)}",
                            kind=KIND,
                            person_id=None,
                            return_address=found.return_address,
                            payload=seal_payload(self._sealer, payload),
                            due_at=now,
                        )
                    ],
                    now,
                )
        return Result(Said.DONE, None, found.id)

    async def waiting_for(self, telegram_id: int) -> str:
        """The conversation a member's answer or a lead's words are being typed for (the
        person's unfinished step); "" if none."""
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            step = await tx.steps.get(person.id) if person is not None else None
        if step is None or step.step not in (ANSWER_STEP, WRITE_STEP):
            return ""
        return str(step.data.get("conversation", ""))

    # --- Helpers -----------------------------------------------------------------------------

    def _pseudonyms(self, telegram_id: int) -> tuple[str, str]:
        """A member's keyed names: their items' (item conversations) and their alerts'."""
        return (self._sealer.pseudonym(telegram_id), writer_pseudonym(self._sealer, telegram_id))

    async def _own(self, tx: Tx, telegram_id: int, conversation_id: str) -> ConversationRow | Said:
        """The conversation, if this person is its member and it is open."""
        found = await tx.conversations.get(conversation_id)
        if found is None:
            return Said.UNKNOWN
        if found.person_id is not None:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None or person.id != found.person_id:
                return Said.UNKNOWN
        elif found.pseudonym not in self._pseudonyms(telegram_id):
            return Said.UNKNOWN
        if not found.is_open:
            return Said.CLOSED
        if found.kind == "item":
            item = await tx.followup.item(found.item_id or 0)
            if item is None or item.withdrawn_on is not None:
                return Said.CLOSED
        return found

    async def _may_staff(self, tx: Tx, telegram_id: int, found: ConversationRow) -> bool:
        if found.kind == "item":
            item = await tx.followup.item(found.item_id or 0)
            return item is not None and await may_manage(
                tx, telegram_id, item.group_id, self._admins
            )
        if telegram_id in self._admins:
            return True
        person = await tx.people.by_telegram_id(telegram_id)
        return person is not None and person.id in await tx.leads.ids()

    async def _lead(
        self, tx: Tx, telegram_id: int, chat_id: int, now: datetime
    ) -> PersonRow | None:
        """The lead (or admin) acting, as a person; None if they are neither."""
        person = await tx.people.by_telegram_id(telegram_id)
        if person is not None and person.id in await tx.leads.ids():
            return person
        if telegram_id in self._admins:
            return await tx.people.ensure(telegram_id, chat_id, None, now)
        return None

    async def _reader(self, tx: Tx, found: ConversationRow) -> Reader:
        if found.kind == "alert":
            return Reader(alert=True)
        item = await tx.followup.item(found.item_id or 0)
        group = await tx.groups.get(item.group_id) if item is not None else None
        return Reader(False, group.name if group else None, found.person_id is None)

    async def _about(self, tx: Tx, found: ConversationRow) -> About | None:
        """What the conversation is about, as coordinators or the lead read it: never who an
        anonymous member is. Which case it is (alert, named, anonymous), and its values."""
        if found.kind == "alert":
            return About("alert", {})
        item = await tx.followup.item(found.item_id or 0)
        if item is None:
            return None
        group = await tx.groups.get(item.group_id)
        words = self._contributor_updates.words_of(item)
        values: dict[str, Value] = {
            "kind": kind_said(item.kind),
            "date": outgoing.Day(item.given_on),
            "group": group.name if group else "",
            "text": first_line(words) if words else outgoing.words(texts.CONVERSATION_NO_WORDS),
        }
        if item.person_id is None:
            return About("anonymous", values)
        person = await tx.people.get(item.person_id)
        name = (person.display_name if person else None) or outgoing.words(texts.UNNAMED_MEMBER)
        return About("named", {**values, "name": name})

    async def _to_staff(
        self,
        tx: Tx,
        found: ConversationRow,
        body: Value,
        key: str,
        now: datetime,
        buttons: list[list[Button]],
    ) -> None:
        """Queue a message to the item's coordinators, or to the alert's lead."""
        if found.kind == "alert":
            recipients = [found.staff_id] if found.staff_id is not None else []
            if not recipients:
                recipients = [lead.person_id for lead in await tx.leads.all()]
        item = None
        if found.kind != "alert":
            item = await tx.followup.item(found.item_id or 0)
            recipients = await tx.observers.coordinator_ids(item.group_id) if item else []
        # About an item: taking it back reaches these messages too.
        payload = seal_payload(
            self._sealer, outgoing.message(body, buttons, copies=item is not None)
        )
        await tx.outbox.enqueue(
            [
                OutboxNew(
                    dedupe_key=f"{key}:{person_id}",
                    kind=KIND,
                    person_id=person_id,
                    payload=payload,
                    due_at=now,
                    urgent=found.kind == "alert",
                )
                for person_id in recipients
            ],
            now,
        )
        if item is not None:
            keys = [f"{key}:{person_id}" for person_id in recipients]
            await note_queued(tx, [item.id], keys, Shape.CARD, Place.INBOX, now.date())

    async def _behind(self, tx: Tx, return_address: str, now: datetime) -> PersonRow | None:
        """The person a return address reaches, known to Chorus from now on so messages can
        be delivered (someone who wrote before joining any group has no row yet)."""
        chat = open_return_address(self._sealer, return_address)
        if chat is None:
            return None
        return await tx.people.ensure(chat, chat, None, now)

    async def _clear_step(self, tx: Tx, telegram_id: int, steps: tuple[str, ...]) -> None:
        person = await tx.people.by_telegram_id(telegram_id)
        if person is None:
            return
        step = await tx.steps.get(person.id)
        if step is not None and step.step in steps:
            await tx.steps.clear(person.id)

    def _open(self, sealed: str) -> str | None:
        try:
            return self._sealer.open(sealed, WORDS_PURPOSE)
        except SealError:
            logger.error("conversation words could not be opened")
            return None


def _kept_time(found: ConversationRow, now: datetime) -> datetime:
    """When a member did something, as kept: for someone not named, the day only, as for
    their items, so the database does not record when they were about."""
    if found.person_id is not None:
        return now
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def _new_id() -> str:
    return "".join(secrets.choice(_ID_LETTERS) for _ in range(12))


def _stamp(now: datetime) -> str:
    return str(int(now.timestamp()))


async def _refused_before(tx: Tx, conversation_id: str, message_id: int) -> bool:
    """True if the last message out before this one was refused as blocked."""
    # A message through a sealed address that was refused as blocked marks no one (that
    # would tie them to it); the refusal of the last one tells all the same.
    earlier = [
        m for m in await tx.conversations.messages(conversation_id, 3) if m.id != message_id
    ]
    last_out = [m for m in earlier if m.direction == "out"]
    return bool(last_out) and await tx.outbox.refused_as_blocked(f"c{last_out[-1].id}")
