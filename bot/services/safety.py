"""Safeguarding (J6): words that suggest risk, the helplines, and alerts to the lead.

Free text goes through the risk detector (bot/services/risk.py, its rules in
bot/data/risk/), so "I don't want to be here anymore" and "I DONT want to be here
anymore!!" match alike, while "this is killing me with laughter" does not. A match gets
the helplines at once and the question "Would you like someone to contact you?". The
safeguarding lead is told either way: who the person is only after a yes; after a no, or
no answer in time, only the words and the group.

An alert stays open until a lead closes it with a note. A yes is honoured whenever it
comes while it is open. A lead takes it with "I'll handle this"; one no one takes in time
goes again to every lead and the admins. When no lead can be reached (none is set, or they
blocked the bot) it goes to the admins; when no one at all can be reached, it waits in the
database and is tried again, and the person is not promised a call.
"""

from __future__ import annotations

import enum
import json
import logging
import re
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.crypto import Sealer
from bot.presentation import outgoing, texts
from bot.presentation.buttons import alert_buttons
from bot.presentation.moments import MomentForm
from bot.presentation.outgoing import Message, Value, join, message
from bot.services.alert_words import (
    ANSWER_WITHIN,
    IDENTITY_PURPOSE,
    REASON_PURPOSE,
    WORDS_PURPOSE,
    alert_text,
    reference_of,
)
from bot.services.delivery_rules import RETURN_ADDRESS_PURPOSE, seal_payload
from bot.services.risk import RiskFinding as RiskFinding  # for callers of this module
from bot.services.risk import assess
from storage.database import Storage
from storage.outbox import OutboxNew
from storage.people import PersonRow
from storage.risk_alerts import RiskAlertRow
from storage.tx import Tx

logger = logging.getLogger(__name__)

ALERT_WRITER_PURPOSE = "risk_alert.writer"
ALERT_KIND = "risk_alert"
# How long an alert may wait for a lead to take it before it goes to everyone again.
TAKE_WITHIN = timedelta(minutes=15)
# How often an alert no one could be told of is tried again.
RETRY_EVERY = timedelta(minutes=5)
NOTE_PURPOSE = "risk_alert.note"
NOTE_STEP = "alert_note"
NOTE_MAX = 1000
# The leads' daily list of open alerts, from this local time.
OPEN_LIST_AT = time(9, 0)
OPEN_LIST_RUN = "open_alerts"
OPEN_LIST_MAX = 20
OPEN_LIST_KIND = "open_alerts"
_ALERT_ID_LETTERS = "abcdefghijkmnopqrstuvwxyz23456789"
_APOSTROPHES = str.maketrans({"'": "", "’": "", "‘": "", "`": "", "´": ""})
_NOT_WORD = re.compile(r"[^\w]+")


def normalise(text: str) -> str:
    """Lower case, compatibility forms folded, apostrophes dropped, the rest single-spaced."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    return " ".join(_NOT_WORD.sub(" ", folded).replace("_", " ").split())


def suggests_risk(text: str | None) -> bool:
    """True if the risk detector finds words that suggest risk in the text."""
    return assess(text) is not None


def risk_reason(text: str | None) -> str | None:
    """What the detector saw in the words, in a line for the lead (None: nothing to add):
    its reason and the words that matched, e.g. "Talks of ending their life (“done
    goodbye”)"."""
    finding = assess(text) if text else None
    if finding is None:
        return None
    return f"{finding.reason} (“{finding.words}”)"


def writer_pseudonym(sealer: Sealer, telegram_id: int) -> str:
    """Who wrote an alert's words, keyed: not the pseudonym their anonymous items carry,
    so an alert, written beside its writer's draft, leads to none of their items."""
    return sealer.fingerprint(str(telegram_id), ALERT_WRITER_PURPOSE)


class AnswerOutcome(enum.Enum):
    """What happened when the writer answered "Would you like someone to contact you?"."""

    LEAD_TOLD_WITH_NAME = "named"
    LEAD_TOLD_WITHOUT_NAME = "unnamed"
    # A yes was kept, but no lead or admin can be reached now: no promise of a call.
    NO_ONE_TO_TELL = "no_one"
    ALREADY_ANSWERED = "already"
    CLOSED = "closed"
    UNKNOWN = "unknown"


class TakeOutcome(enum.Enum):
    """What happened when a lead tapped "I'll handle this" or "Close with a note"."""

    TAKEN = "taken"
    YOURS = "yours"
    TAKEN_BY_OTHER = "other"
    CLOSED = "closed"
    NOT_YOURS = "not_yours"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Writer:
    """Who the person is, from their Telegram account: given to the leads only after a yes."""

    telegram_id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None


@dataclass(frozen=True)
class TakeResult:
    """The outcome, the alert's reference, and who has it when someone else does."""

    outcome: TakeOutcome
    reference: str = ""
    owner: Value | None = None


@dataclass(frozen=True)
class LeadEntry:
    """A coordinator as an admin sees them when choosing safeguarding leads."""

    person_id: int
    display_name: str | None
    is_lead: bool


class Safety:
    """Risk alerts: raised from a member's words, answered, sent to the leads, taken by one,
    raised again if no one takes them, and closed with a note."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        sealer: Sealer,
        admin_ids: frozenset[int],
        helplines: Sequence[str],
        *,
        zone: ZoneInfo | None = None,
        take_within: timedelta = TAKE_WITHIN,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._sealer = sealer
        self._admins = admin_ids
        self._zone = zone or ZoneInfo("Europe/London")
        self._take_within = take_within
        self.helplines = tuple(helplines)

    def helplines_said(self) -> Value:
        """The helplines, one a line."""
        return join("\n", [outgoing.text(texts.HELPLINE_LINE, line=h) for h in self.helplines])

    def writer_pseudonym(self, telegram_id: int) -> str:
        """Who wrote an alert's words, keyed (see `writer_pseudonym`)."""
        return writer_pseudonym(self._sealer, telegram_id)

    async def raise_alert(
        self, tx: Tx, telegram_id: int, group_id: int | None, words: str, now: datetime
    ) -> str:
        """Keep the words for the lead until the writer answers; the alert's id (for buttons)."""
        alert_id = "".join(secrets.choice(_ALERT_ID_LETTERS) for _ in range(12))
        reason = risk_reason(words)
        await tx.risk_alerts.create(
            alert_id,
            group_id,
            self.writer_pseudonym(telegram_id),
            self._sealer.seal(words, WORDS_PURPOSE),
            now + ANSWER_WITHIN,
            raised_at=now,
            reason=self._sealer.seal(reason, REASON_PURPOSE) if reason else None,
            # In a private chat the chat id is the Telegram id; sealed, as an anonymous
            # item's return address is, so a lead can write back without learning who.
            return_address=self._sealer.seal(str(telegram_id), RETURN_ADDRESS_PURPOSE),
        )
        return alert_id

    async def check(self, telegram_id: int, group_id: int | None, words: str) -> str | None:
        """Raise an alert if the words suggest risk; the alert's id, or None."""
        if not suggests_risk(words):
            return None
        async with self._storage.transaction() as tx:
            return await self.raise_alert(tx, telegram_id, group_id, words, self._clock.now())

    # --- the writer's answer ----------------------------------------------------------------

    async def answer(
        self, writer: Writer | int, alert_id: str, wants_contact: bool
    ) -> AnswerOutcome:
        """The writer's answer, whenever it comes while the alert is open: tell the leads,
        with who they are only if they said yes."""
        if isinstance(writer, int):
            writer = Writer(writer, "")
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            alert = await tx.risk_alerts.get(alert_id)
            if alert is None or alert.pseudonym != self.writer_pseudonym(writer.telegram_id):
                return AnswerOutcome.UNKNOWN
            if not alert.is_open:
                return AnswerOutcome.CLOSED
            if alert.answer == "yes" or (alert.answer == "no" and not wants_contact):
                return AnswerOutcome.ALREADY_ANSWERED
            if not wants_contact and alert.state != "asked":
                # They did not answer in time and the lead was told so; now they say no.
                await tx.risk_alerts.record_answer(alert.id, "no", None)
                await self._follow_up(tx, alert, outgoing.text(texts.SAFETY_LATE_NO), now)
                return AnswerOutcome.LEAD_TOLD_WITHOUT_NAME
            identity = None
            if wants_contact:
                identity = self._sealer.seal(await self._identity(tx, writer), IDENTITY_PURPOSE)
            await tx.risk_alerts.record_answer(
                alert.id, "yes" if wants_contact else "no", identity
            )
            alert = await tx.risk_alerts.get(alert.id)
            assert alert is not None
            if alert.state == "asked":
                told = await self._tell(tx, alert, now)
            else:
                told = await self._follow_up(tx, alert, None, now)
        if not wants_contact:
            return AnswerOutcome.LEAD_TOLD_WITHOUT_NAME
        return AnswerOutcome.LEAD_TOLD_WITH_NAME if told else AnswerOutcome.NO_ONE_TO_TELL

    async def send_unanswered(self) -> int:
        """Tell the leads, without names, about alerts nobody answered in time; raise again
        alerts no one took; try again alerts no one could be told of. How many."""
        now = self._clock.now()
        # Most ticks find nothing: look first without taking the database's write lock.
        async with self._storage.read() as tx:
            nothing = not await tx.risk_alerts.unanswered(now, limit=1)
            nothing = nothing and not await tx.risk_alerts.due_checks(now, limit=1)
        if nothing:
            return await self.send_open_list()
        async with self._storage.transaction() as tx:
            due = await tx.risk_alerts.unanswered(now, limit=100)
            for alert in due:
                await self._tell(tx, alert, now)
            again = await tx.risk_alerts.due_checks(now, limit=100)
            for alert in again:
                if alert.told_at is None:
                    await self._tell(tx, alert, now)
                else:
                    await self._escalate(tx, alert, now)
        return len(due) + len(again) + await self.send_open_list()

    # --- the leads --------------------------------------------------------------------------

    async def may_handle(self, telegram_id: int) -> bool:
        """True for a safeguarding lead (still a coordinator) or an admin."""
        if telegram_id in self._admins:
            return True
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None or not person.is_coordinator:
                return False
            return person.id in await tx.leads.ids()

    async def take(self, telegram_id: int, alert_id: str) -> TakeResult:
        """The lead takes the alert; the others are told who did."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            alert = await tx.risk_alerts.get(alert_id)
            if alert is None or alert.state == "asked":
                return TakeResult(TakeOutcome.UNKNOWN)
            reference = reference_of(alert.id)
            me = await self._person(tx, telegram_id, now)
            if not alert.is_open:
                return TakeResult(TakeOutcome.CLOSED, reference)
            if alert.owner_id is not None:
                if alert.owner_id == me.id:
                    return TakeResult(TakeOutcome.YOURS, reference)
                return TakeResult(
                    TakeOutcome.TAKEN_BY_OTHER, reference, await self._name_of(tx, alert.owner_id)
                )
            if not await tx.risk_alerts.take(alert.id, me.id, now):
                return TakeResult(TakeOutcome.UNKNOWN)
            name = await self._name_of(tx, me.id)
            text = outgoing.text(texts.ALERT_TAKEN_OTHERS, reference=reference, name=name)
            await self._tell_others(tx, alert, me.id, text, "t", now)
        return TakeResult(TakeOutcome.TAKEN, reference)

    async def begin_close(self, telegram_id: int, alert_id: str) -> TakeResult:
        """The owner asks to close the alert: wait for their note."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            alert = await tx.risk_alerts.get(alert_id)
            if alert is None or alert.state == "asked":
                return TakeResult(TakeOutcome.UNKNOWN)
            reference = reference_of(alert.id)
            if not alert.is_open:
                return TakeResult(TakeOutcome.CLOSED, reference)
            me = await self._person(tx, telegram_id, now)
            if alert.owner_id != me.id:
                return TakeResult(TakeOutcome.NOT_YOURS, reference)
            await tx.steps.set(me.id, NOTE_STEP, {"alert": alert.id}, now)
        return TakeResult(TakeOutcome.YOURS, reference)

    async def close(self, telegram_id: int, note: str) -> TakeResult:
        """Close the alert the owner is writing a note for; the other leads are told."""
        now = self._clock.now()
        note = " ".join(note.split())[:NOTE_MAX]
        async with self._storage.transaction() as tx:
            me = await tx.people.by_telegram_id(telegram_id)
            step = await tx.steps.get(me.id) if me is not None else None
            if me is None or step is None or step.step != NOTE_STEP:
                return TakeResult(TakeOutcome.UNKNOWN)
            alert = await tx.risk_alerts.get(str(step.data.get("alert", "")))
            if alert is None:
                await tx.steps.clear(me.id)
                return TakeResult(TakeOutcome.UNKNOWN)
            reference = reference_of(alert.id)
            if not note:
                return TakeResult(TakeOutcome.YOURS, reference)
            await tx.steps.clear(me.id)
            sealed = self._sealer.seal(note, NOTE_PURPOSE)
            if not await tx.risk_alerts.close(alert.id, me.id, sealed, now):
                return TakeResult(TakeOutcome.NOT_YOURS, reference)
            name = await self._name_of(tx, me.id)
            text = outgoing.text(
                texts.ALERT_CLOSED_OTHERS, reference=reference, name=name, note=note
            )
            await self._tell_others(tx, alert, me.id, text, "c", now)
        return TakeResult(TakeOutcome.TAKEN, reference)

    async def lead_is_set(self) -> bool:
        """True if at least one safeguarding lead can receive alerts."""
        async with self._storage.read() as tx:
            return bool(await tx.leads.reachable())

    async def warn_if_no_lead(self) -> bool:
        """Warn in the log when no lead can receive alerts; True if it warned. (Admins are
        told in their own chat whenever they ask for /help, /leads or /coordinators.)"""
        if await self.lead_is_set():
            return False
        logger.warning(
            "no safeguarding lead is set: risk alerts go to the %d admins only; "
            "an admin can choose leads with /leads",
            len(self._admins),
        )
        return True

    async def send_open_list(self) -> int:
        """Once a day, from 9:00, tell each lead of the alerts still open that they were told
        of before 9:00 (one raised later is in tomorrow's list: they have just had it);
        how many messages."""
        now = self._clock.now()
        local = now.astimezone(self._zone)
        if local.time() < OPEN_LIST_AT:
            return 0
        today = local.date()
        async with self._storage.read() as tx:
            last = await tx.followup.last_run(OPEN_LIST_RUN)
        if last is not None and last[0] >= today:
            return 0
        async with self._storage.transaction() as tx:
            if not await tx.followup.claim_run(OPEN_LIST_RUN, today, now):
                return 0
            since = datetime.combine(today, OPEN_LIST_AT, self._zone)
            alerts = await tx.risk_alerts.open(OPEN_LIST_MAX, since.astimezone(UTC))
            if not alerts:
                return 0
            lines = [await self._open_line(tx, alert, now) for alert in alerts]
            text = outgoing.text(texts.ALERT_OPEN_LIST, lines=join("\n", lines))
            recipients = await self._recipients(tx, now)
            key = f"open{today.isoformat()}"
            await self._queue(tx, recipients, message(text), key, now, kind=OPEN_LIST_KIND)
        return len(recipients)

    async def leads(self, admin_telegram_id: int) -> list[LeadEntry] | None:
        """Every coordinator and whether they are a lead, for an admin; None for anyone else."""
        if admin_telegram_id not in self._admins:
            return None
        async with self._storage.read() as tx:
            coordinators = await tx.people.coordinators()
            leads = await tx.leads.ids()
        return [LeadEntry(p.id, p.display_name, p.id in leads) for p in coordinators]

    async def toggle_lead(self, admin_telegram_id: int, person_id: int) -> bool | None:
        """Make a coordinator a lead, or stop; whether they are one now (None: not allowed)."""
        if admin_telegram_id not in self._admins:
            return None
        async with self._storage.transaction() as tx:
            person = await tx.people.get(person_id)
            if person is None or not person.is_coordinator:
                return None
            lead = person_id not in await tx.leads.ids()
            await tx.leads.mark(person_id, lead, self._clock.now())
        return lead

    # --- telling people ---------------------------------------------------------------------

    async def _tell(self, tx: Tx, alert: RiskAlertRow, now: datetime) -> bool:
        """The first alert to the leads (or the admins); False if no one could be reached,
        and then the tick tries again."""
        state = "named" if alert.answer == "yes" else "unnamed"
        await tx.risk_alerts.settle(alert.id, state)
        recipients = await self._recipients(tx, now)
        if not recipients:
            logger.error("a risk alert reached no one: no lead or admin can be reached")
            await tx.risk_alerts.check_again(alert.id, now + RETRY_EVERY)
            return False
        text = await alert_text(tx, self._sealer, self._zone, alert, None)
        payload = message(text, alert_buttons(alert.id), copies=True)
        await self._queue(tx, recipients, payload, f"r{alert.id}", now, quotes=alert.id)
        await tx.risk_alerts.told(alert.id, now, now + self._take_within)
        logger.info("risk alert %s queued for %d people", state, len(recipients))
        return True

    async def _follow_up(
        self, tx: Tx, alert: RiskAlertRow, note: Value | None, now: datetime
    ) -> bool:
        """Tell whoever has the alert (its owner, or everyone it went to) what changed: the
        whole alert again after a late yes, or `note`. False if no one could be reached."""
        if alert.told_at is None:
            return await self._tell(tx, alert, now)
        if alert.owner_id is not None:
            recipients = [alert.owner_id]
        else:
            everyone = alert.escalated_at is not None
            recipients = await self._recipients(tx, now, everyone=everyone)
        if not recipients:
            return False
        reference = reference_of(alert.id)
        if note is None:
            text = await alert_text(
                tx, self._sealer, self._zone, alert, outgoing.text(texts.ALERT_UPDATE_YES)
            )
            taken = alert.owner_id is not None
            payload, tag = message(text, alert_buttons(alert.id, taken=taken), copies=True), "y"
        else:
            text = join("\n", [note, outgoing.text(texts.ALERT_REF, reference=reference)])
            payload, tag = message(text), "n"
        await self._queue(tx, recipients, payload, f"r{alert.id}{tag}", now, quotes=alert.id)
        return True

    async def _escalate(self, tx: Tx, alert: RiskAlertRow, now: datetime) -> None:
        """No one took the alert in time: every lead and the admins hear of it again."""
        recipients = await self._recipients(tx, now, everyone=True)
        if not recipients:
            await tx.risk_alerts.check_again(alert.id, now + RETRY_EVERY)
            return
        text = await alert_text(
            tx, self._sealer, self._zone, alert, outgoing.text(texts.ALERT_NOT_TAKEN)
        )
        payload = message(text, alert_buttons(alert.id), copies=True)
        key = f"r{alert.id}e{now:%Y%m%d%H%M}"
        await self._queue(tx, recipients, payload, key, now, quotes=alert.id)
        await tx.risk_alerts.check_again(alert.id, None, escalated_at=now)
        logger.warning("a risk alert no one took was raised again to %d people", len(recipients))

    async def _tell_others(
        self, tx: Tx, alert: RiskAlertRow, me: int, text: Value, tag: str, now: datetime
    ) -> None:
        everyone = alert.escalated_at is not None
        others = [p for p in await self._recipients(tx, now, everyone=everyone) if p != me]
        await self._queue(tx, others, message(text), f"r{alert.id}{tag}", now)

    async def _queue(
        self,
        tx: Tx,
        recipients: list[int],
        payload: Message,
        key: str,
        now: datetime,
        kind: str = ALERT_KIND,
        quotes: str | None = None,
    ) -> None:
        """Queue it for each; `quotes`: the alert whose words it quotes (see alert_copy)."""
        sealed = seal_payload(self._sealer, payload)
        rows = [
            OutboxNew(f"{key}:{pid}", kind, pid, sealed, now, urgent=True) for pid in recipients
        ]
        await tx.outbox.enqueue(rows, now)
        if quotes is not None:
            await tx.alert_copies.queued(quotes, [row.dedupe_key for row in rows])

    async def _recipients(self, tx: Tx, now: datetime, *, everyone: bool = False) -> list[int]:
        """The leads who can be reached; the admins too when there are none, or for
        everyone. Empty when no one can be reached."""
        found = [lead.person_id for lead in await tx.leads.reachable()]
        if everyone or not found:
            if not found:
                logger.warning("no safeguarding lead can be reached; risk alert goes to admins")
            found += [pid for pid in await self._admin_ids(tx, now) if pid not in found]
        return found

    async def _admin_ids(self, tx: Tx, now: datetime) -> list[int]:
        ids = []
        for admin in sorted(self._admins):
            person = await tx.people.ensure(admin, admin, None, now)
            if person.unreachable_at is None:
                ids.append(person.id)
        return ids

    async def _person(self, tx: Tx, telegram_id: int, now: datetime) -> PersonRow:
        return await tx.people.ensure(telegram_id, telegram_id, None, now)

    async def _name_of(self, tx: Tx, person_id: int) -> Value:
        person = await tx.people.get(person_id)
        return (person.display_name if person else None) or outgoing.words(texts.ALERT_SOMEONE)

    async def _identity(self, tx: Tx, writer: Writer) -> str:
        person = await tx.people.by_telegram_id(writer.telegram_id)
        groups = await tx.groups.of_member(person.id) if person is not None else []
        return json.dumps(
            {
                "id": writer.telegram_id,
                "chosen": person.display_name if person else None,
                "telegram": " ".join(p for p in (writer.first_name, writer.last_name) if p),
                "username": writer.username,
                "groups": [g.name for g in groups],
            }
        )

    async def _open_line(self, tx: Tx, alert: RiskAlertRow, now: datetime) -> Value:
        raised = alert.raised_at or (alert.ask_until - ANSWER_WITHIN)
        owner = await self._name_of(tx, alert.owner_id) if alert.owner_id else None
        return outgoing.text(
            texts.ALERT_OPEN_LINE,
            reference=reference_of(alert.id),
            when=outgoing.Moment(raised, MomentForm.SHORT_THIS_YEAR),
            owner=owner or outgoing.words(texts.ALERT_NO_OWNER),
        )
