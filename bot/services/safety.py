"""Safeguarding (J6): words that suggest risk, the helplines, and alerts to the lead.

Free text is matched against a list of phrases (bot/data/risk_phrases.txt) after
normalising it, so "I don't want to be here anymore" and "I DONT want to be here
anymore!!" match alike, while "this is killing me with laughter" does not. A match gets
the helplines at once and the question "Would you like someone to contact you?". The
safeguarding lead is told either way: who the person is only after a yes; after a no, or
no answer in time, only the words and the group.
"""

from __future__ import annotations

import enum
import logging
import re
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from bot import texts
from bot.clock import Clock
from bot.crypto import Sealer
from bot.services.delivery_rules import RETURN_ADDRESS_PURPOSE, Payload, seal_payload
from bot.texts import Raw, say
from storage.database import Storage
from storage.items import RiskAlertRow
from storage.repositories import OutboxNew, Tx

logger = logging.getLogger(__name__)

PHRASES_FILE = Path(__file__).resolve().parents[1] / "data" / "risk_phrases.txt"
WORDS_PURPOSE = "risk_alert.words"
ALERT_KIND = "risk_alert"
# How long the writer has to answer before the lead is told without their name.
ANSWER_WITHIN = timedelta(minutes=30)
_ALERT_ID_LETTERS = "abcdefghijkmnopqrstuvwxyz23456789"
_APOSTROPHES = str.maketrans({"'": "", "’": "", "‘": "", "`": "", "´": ""})
_NOT_WORD = re.compile(r"[^\w]+")


def normalise(text: str) -> str:
    """Lower case, compatibility forms folded, apostrophes dropped, the rest single-spaced."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    return " ".join(_NOT_WORD.sub(" ", folded).replace("_", " ").split())


@cache
def phrases(path: Path = PHRASES_FILE) -> tuple[str, ...]:
    """The risk phrases, normalised, from the data file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = {normalise(line) for line in lines if line.strip() and not line.startswith("#")}
    return tuple(sorted(phrase for phrase in found if phrase))


def suggests_risk(text: str | None) -> bool:
    """True if the text holds one of the risk phrases as whole words."""
    if not text:
        return False
    padded = f" {normalise(text)} "
    return any(f" {phrase} " in padded for phrase in phrases())


def _alert_buttons(alert: RiskAlertRow) -> list[list[tuple[str, str]]]:
    """The buttons under a lead's alert: write to the person through Chorus."""
    if alert.return_address is None:
        return []
    from bot.services.conversations import write_button  # it imports this module

    return [[write_button(alert.id)]]


class AnswerOutcome(enum.Enum):
    """What happened when the writer answered "Would you like someone to contact you?"."""

    LEAD_TOLD_WITH_NAME = "named"
    LEAD_TOLD_WITHOUT_NAME = "unnamed"
    ALREADY_ANSWERED = "already"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class LeadEntry:
    """A coordinator as an admin sees them when choosing safeguarding leads."""

    person_id: int
    display_name: str | None
    is_lead: bool


class Safety:
    """Risk alerts: raised from a member's words, answered, and sent to the leads."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        sealer: Sealer,
        admin_ids: frozenset[int],
        helplines: Sequence[str],
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._sealer = sealer
        self._admins = admin_ids
        self.helplines = tuple(helplines)

    def helplines_text(self) -> Raw:
        """The helplines, one a line."""
        return Raw("\n".join(say(texts.HELPLINE_LINE, line=line) for line in self.helplines))

    async def raise_alert(
        self, tx: Tx, telegram_id: int, group_id: int | None, words: str, now: datetime
    ) -> str:
        """Keep the words for the lead until the writer answers; the alert's id (for buttons)."""
        alert_id = "".join(secrets.choice(_ALERT_ID_LETTERS) for _ in range(12))
        await tx.risk_alerts.create(
            alert_id,
            group_id,
            self._sealer.pseudonym(telegram_id),
            self._sealer.seal(words, WORDS_PURPOSE),
            now + ANSWER_WITHIN,
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

    async def answer(self, telegram_id: int, alert_id: str, wants_contact: bool) -> AnswerOutcome:
        """The writer's answer: tell the leads, with who they are only if they said yes."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            alert = await tx.risk_alerts.get(alert_id)
            if alert is None or alert.pseudonym != self._sealer.pseudonym(telegram_id):
                return AnswerOutcome.UNKNOWN
            if alert.state != "asked":
                return AnswerOutcome.ALREADY_ANSWERED
            identity = None
            if wants_contact:
                writer = await tx.people.by_telegram_id(telegram_id)
                name = (writer.display_name if writer else None) or say(texts.SAFETY_NO_NAME)
                identity = say(texts.SAFETY_IDENTITY, id=telegram_id, name=name)
            await self._tell_leads(tx, alert, identity, now)
        if identity is None:
            return AnswerOutcome.LEAD_TOLD_WITHOUT_NAME
        return AnswerOutcome.LEAD_TOLD_WITH_NAME

    async def send_unanswered(self) -> int:
        """Tell the leads, without names, about alerts nobody answered in time; how many."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            due = await tx.risk_alerts.unanswered(now, limit=100)
            for alert in due:
                await self._tell_leads(tx, alert, None, now)
        return len(due)

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

    async def _tell_leads(
        self, tx: Tx, alert: RiskAlertRow, identity: str | None, now: datetime
    ) -> None:
        state = "named" if identity is not None else "unnamed"
        if not await tx.risk_alerts.settle(alert.id, state) or alert.words is None:
            return
        words = self._sealer.open(alert.words, WORDS_PURPOSE)
        group = await tx.groups.get(alert.group_id) if alert.group_id is not None else None
        group_name = group.name if group else say(texts.SAFETY_NO_GROUP)
        if identity is not None:
            text = say(texts.SAFETY_ALERT_NAMED, who=Raw(identity), group=group_name, words=words)
        else:
            text = say(texts.SAFETY_ALERT_UNNAMED, group=group_name, words=words)
        payload = seal_payload(self._sealer, Payload(text, _alert_buttons(alert)))
        recipients = [lead.person_id for lead in await tx.leads.all()]
        if not recipients:
            # Nobody is marked as lead: the organisation's admins must hear of it instead.
            logger.warning("no safeguarding lead is set; risk alert goes to the admins")
            for admin in sorted(self._admins):
                recipients.append((await tx.people.ensure(admin, admin, None, now)).id)
        await tx.outbox.enqueue(
            [
                OutboxNew(
                    dedupe_key=f"r{alert.id}:{person_id}",
                    kind=ALERT_KIND,
                    person_id=person_id,
                    payload=payload,
                    due_at=now,
                    urgent=True,
                )
                for person_id in recipients
            ],
            now,
        )
        logger.info("risk alert %s queued for %d leads", state, len(recipients))
