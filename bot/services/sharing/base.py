"""The state and the inner steps shared by the parts of the sharing service."""

from __future__ import annotations

import logging
import secrets
from dataclasses import replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.crypto import Sealer, SealError
from bot.presentation import outgoing, texts
from bot.presentation.moments import DayForm
from bot.services.alert_withdrawal import link_alert
from bot.services.delivery_rules import RETURN_ADDRESS_PURPOSE
from bot.services.safety import Safety, suggests_risk
from bot.services.sharing.held import (
    _held_row,
    held_items,
    open_held,
    seal_held,
)
from bot.services.sharing.model import (
    _REFERENCE_LENGTH,
    _REFERENCE_LETTERS,
    BODY_PURPOSE,
    KIND_WORDS,
    MAX_WORDS,
    MEDIA_PURPOSE,
    RECENT_SESSIONS,
    SESSIONS_OFFERED,
    STAGES,
    WITHDRAWN_KIND,
    Consent,
    Draft,
    Kind,
    MineEntry,
    Problem,
    Receipt,
    ShareStage,
    StepView,
    Submission,
    SubmitOutcome,
    SubmitResult,
    next_batch,
)
from storage.database import Storage
from storage.items import ItemNew, ItemRow
from storage.outbox import OutboxNew
from storage.people import PersonRow
from storage.prompts import PromptRow
from storage.sessions import SessionRow
from storage.tx import Tx

logger = logging.getLogger(__name__)


class SharingBase:
    """What every part of the sharing service holds, and the steps they share."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        sealer: Sealer,
        safety: Safety,
        zone: ZoneInfo,
        admin_ids: frozenset[int],
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._sealer = sealer
        self._safety = safety
        self._zone = zone
        self._admins = admin_ids

    def _seal_held(self, item: ItemNew) -> str:
        return seal_held(self._sealer, item)

    def _open_held(self, sealed: str) -> ItemNew:
        return open_held(self._sealer, sealed)

    async def _held(self, tx: Tx, pseudonym: str | None = None) -> list[ItemNew]:
        return await held_items(tx, self._sealer, pseudonym)

    # --- inside ------------------------------------------------------------------------------

    def _today(self) -> date:
        return self._clock.now().astimezone(self._zone).date()

    def _open(self, sealed: str | None, purpose: str) -> str | None:
        return self._sealer.open(sealed, purpose) if sealed else None

    @staticmethod
    def _words_problem(words: str | None) -> Problem | None:
        if words is None:
            return Problem.EMPTY
        if len(words) > MAX_WORDS:
            return Problem.TOO_LONG
        return None

    async def _alert(
        self, tx: Tx, telegram_id: int, group_id: int | None, words: str | None
    ) -> str | None:
        if words is None or not suggests_risk(words):
            return None
        return await self._safety.raise_alert(tx, telegram_id, group_id, words, self._clock.now())

    async def _load(
        self, tx: Tx, telegram_id: int, kept: bool = False
    ) -> tuple[PersonRow | None, Draft | None]:
        """The person and their draft; with `kept`, also a draft kept aside while another
        step goes on (saving it makes it their step again)."""
        person = await tx.people.by_telegram_id(telegram_id)
        if person is None:
            return None, None
        step = await tx.steps.get(person.id)
        if kept and step is not None and step.step not in STAGES:
            step = await tx.steps.kept(person.id)
        if step is None or step.step not in STAGES:
            return person, None
        try:
            return person, Draft.opened(step.step, step.data, self._sealer)
        except (SealError, ValueError, TypeError) as exc:
            # Sealed under another key, or damaged: it cannot be offered back.
            logger.warning("a draft could not be read: %s", type(exc).__name__)
            return person, None

    async def _save(self, tx: Tx, person: PersonRow, draft: Draft) -> StepView:
        if draft.stage is ShareStage.PREVIEW and draft.reference is None:
            draft.reference = await self._new_reference(tx)
        await tx.steps.set(person.id, draft.stage.value, draft.sealed(self._sealer), self._now())
        return await self._view(tx, person, draft)

    def _now(self) -> datetime:
        return self._clock.now()

    async def _fresh(self, tx: Tx, person: PersonRow) -> StepView:
        groups = await tx.groups.of_member(person.id)
        if not groups:
            await tx.steps.clear(person.id)
            return StepView(None, problem=Problem.NOT_MEMBER)
        if len(groups) == 1:
            return await self._save(tx, person, Draft(ShareStage.KIND, groups[0].id))
        return await self._save(tx, person, Draft(ShareStage.GROUP))

    async def _change(self, telegram_id: int, stage: ShareStage, **choice: Any) -> StepView:
        """Apply a button choice made at `stage` and move the draft on."""
        async with self._storage.transaction() as tx:
            person, draft = await self._load(tx, telegram_id)
            if person is None or draft is None:
                return StepView(None, problem=Problem.STALE)
            if draft.stage is not stage:
                return replace(await self._view(tx, person, draft), problem=Problem.STALE)
            problem = await self._apply(tx, person, draft, choice)
            if problem is not None:
                return replace(await self._view(tx, person, draft), problem=problem)
            return await self._save(tx, person, draft)

    async def _apply(
        self, tx: Tx, person: PersonRow, draft: Draft, choice: dict[str, Any]
    ) -> Problem | None:
        if "group" in choice:
            if not await tx.groups.is_member(choice["group"], person.id):
                return Problem.STALE
            draft.group_id, draft.kind, draft.prompt_id = choice["group"], None, None
            draft.stage = ShareStage.KIND
        elif "kind" in choice:
            return await self._apply_kind(tx, draft, choice["kind"])
        elif "session" in choice:
            if choice["session"] is not None:
                offered = await self._recent_sessions(tx, draft.group_id)
                if choice["session"] not in [session.id for session in offered]:
                    return Problem.STALE
            draft.session_id, draft.stage = choice["session"], ShareStage.CONTENT
        elif "prompt" in choice:
            return await self._apply_prompt(tx, draft, choice["prompt"])
        elif "named" in choice:
            draft.named = bool(choice["named"])
            if not draft.named and draft.consent is Consent.QUOTE_NAMED:
                draft.consent = None
            # Every kind asks how it may be used: quotes fill "you said, we did".
            draft.stage = ShareStage.CONSENT
        elif "consent" in choice:
            return _apply_consent(draft, choice["consent"])
        return None

    async def _apply_kind(self, tx: Tx, draft: Draft, kind: Any) -> Problem | None:
        """The kind chosen: a prompt's answer asks which prompt, a word about a session
        which session (if any began lately); the others go to the words."""
        if kind not in set(Kind):
            return Problem.STALE
        draft.kind = Kind(kind)
        draft.prompt_id = draft.session_id = None
        draft.stage = ShareStage.CONTENT
        if draft.kind is Kind.PROMPT:
            if draft.group_id is None or not await tx.prompts.open_in_group(
                draft.group_id, self._today(), 1
            ):
                draft.kind = None
                return Problem.NO_PROMPTS
            draft.stage = ShareStage.PROMPT
        elif draft.kind is Kind.SESSION and await self._recent_sessions(tx, draft.group_id):
            draft.stage = ShareStage.SESSION
        return None

    async def _apply_prompt(self, tx: Tx, draft: Draft, prompt_id: Any) -> Problem | None:
        """The prompt chosen, if it is the group's and still open."""
        prompt = await tx.prompts.get(prompt_id)
        if prompt is None or prompt.group_id != draft.group_id:
            return Problem.STALE
        if prompt.ends_on is not None and prompt.ends_on < self._today():
            return Problem.PROMPT_CLOSED
        draft.prompt_id, draft.stage = prompt.id, ShareStage.CONTENT
        return None

    async def _previous(self, tx: Tx, person: PersonRow, draft: Draft) -> ShareStage:
        several = len(await tx.groups.of_member(person.id)) > 1
        if draft.stage is ShareStage.KIND:
            return ShareStage.GROUP if several else ShareStage.KIND
        if draft.stage in (ShareStage.PROMPT, ShareStage.GROUP):
            return ShareStage.KIND if draft.stage is ShareStage.PROMPT else ShareStage.GROUP
        if draft.stage is ShareStage.SESSION:
            return ShareStage.KIND
        if draft.stage is ShareStage.CONTENT:
            if draft.kind is Kind.SESSION and await self._recent_sessions(tx, draft.group_id):
                return ShareStage.SESSION
            return ShareStage.PROMPT if draft.kind is Kind.PROMPT else ShareStage.KIND
        if draft.stage in (ShareStage.CAPTION, ShareStage.NAME):
            return ShareStage.CONTENT
        if draft.stage is ShareStage.CONSENT:
            return ShareStage.NAME
        return ShareStage.CONSENT

    async def _view(self, tx: Tx, person: PersonRow, draft: Draft) -> StepView:
        group = await tx.groups.get(draft.group_id) if draft.group_id is not None else None
        groups = await tx.groups.of_member(person.id) if draft.stage is ShareStage.GROUP else []
        prompts: list[PromptRow] = []
        if group is not None and draft.stage in (ShareStage.KIND, ShareStage.PROMPT):
            prompts = await tx.prompts.open_in_group(group.id, self._today(), 10)
        prompt = await tx.prompts.get(draft.prompt_id) if draft.prompt_id is not None else None
        sessions: list[SessionRow] = []
        if group is not None and draft.stage is ShareStage.SESSION:
            sessions = await self._recent_sessions(tx, group.id)
        session = await tx.sessions.get(draft.session_id) if draft.session_id else None
        members = await tx.groups.member_count(group.id) if group is not None else 0
        observers = len(await tx.observers.of_group(group.id)) if group is not None else 0
        return StepView(
            draft=draft,
            group=group,
            groups=groups,
            prompts=prompts,
            prompt=prompt,
            sessions=sessions,
            session=session,
            members=members,
            observers=observers,
            display_name=person.display_name,
            zone=self._zone,
        )

    async def _recent_sessions(self, tx: Tx, group_id: int | None) -> list[SessionRow]:
        """The group's meetings that have begun, lately, newest first."""
        if group_id is None:
            return []
        now = self._clock.now()
        found = await tx.sessions.of_groups([group_id], now - RECENT_SESSIONS, 100)
        begun = [session for session in found if session.starts_at <= now]
        return sorted(begun, key=lambda session: session.starts_at, reverse=True)[
            :SESSIONS_OFFERED
        ]

    async def _store(
        self, tx: Tx, person: PersonRow, telegram_id: int, chat_id: int, given: Submission
    ) -> SubmitResult:
        if given.words is None and given.media_file_id is None:
            return SubmitResult(SubmitOutcome.EMPTY)
        if given.words is not None and len(given.words) > MAX_WORDS:
            return SubmitResult(SubmitOutcome.TOO_LONG)
        group = await tx.groups.get(given.group_id)
        if group is None or not await tx.groups.is_member(given.group_id, person.id):
            return SubmitResult(SubmitOutcome.NOT_MEMBER)
        if not given.named and given.consent is Consent.QUOTE_NAMED:
            given = replace(given, consent=Consent.QUOTE_ANONYMOUS)
        now = self._clock.now()
        item_id, reference = await self._new_identity(tx, given.reference)
        visible_at = now if given.named else next_batch(now, self._zone)
        sender = (person.id, telegram_id, chat_id)
        item = self._sealed_item(given, item_id, reference, visible_at, sender)
        if given.named:
            await tx.items.add(item)
        else:
            await tx.items.hold(item.id, visible_at, self._seal_held(item))
        # The alert the draft's words raised (its leads saw them) goes with the item.
        await link_alert(tx, self._sealer, given.alert_id, item.id)
        # Nothing is logged: a log line's time would show when an anonymous item arrived,
        # which the daily batch hides.
        receipt = Receipt(reference, group.name, given.named, visible_at)
        return SubmitResult(SubmitOutcome.SENT, receipt, item_id=item.id)

    def _sealed_item(
        self,
        given: Submission,
        item_id: int,
        reference: str,
        visible_at: datetime,
        sender: tuple[int, int, int],
    ) -> ItemNew:
        """The item to store, its words and media sealed; an anonymous one holds no person,
        only the keyed pseudonym and the sealed return address. `sender`: the person's id,
        Telegram id and chat id."""
        named, words, media_file_id = given.named, given.words, given.media_file_id
        person_id, telegram_id, chat_id = sender
        return ItemNew(
            id=item_id,
            group_id=given.group_id,
            kind=given.kind.value,
            reference=reference,
            consent=given.consent.value,
            given_on=self._today(),
            visible_at=visible_at,
            person_id=person_id if named else None,
            pseudonym=None if named else self._sealer.pseudonym(telegram_id),
            return_address=(
                None if named else self._sealer.seal(str(chat_id), RETURN_ADDRESS_PURPOSE)
            ),
            body=self._sealer.seal(words, BODY_PURPOSE) if words else None,
            media_kind=given.media_kind if media_file_id else None,
            media_file_id=(
                self._sealer.seal(media_file_id, MEDIA_PURPOSE) if media_file_id else None
            ),
            prompt_id=given.prompt_id,
            session_id=given.session_id,
            risk=suggests_risk(words),
        )

    async def _new_identity(self, tx: Tx, reference: str | None = None) -> tuple[int, str]:
        """A random item id and a random reference (`reference`, chosen at random for the
        preview, if still free), neither derived from anything else."""
        while True:
            item_id = secrets.randbelow(2**62) + 1
            if reference is None or reference in await self._held_refs(tx):
                reference = await self._new_reference(tx)
            if not await tx.items.taken(item_id, reference):
                return item_id, reference
            reference = None

    async def _held_refs(self, tx: Tx) -> set[str]:
        """The references of anonymous items held until the daily batch."""
        return {item.reference for item in await self._held(tx)}

    async def _new_reference(self, tx: Tx) -> str:
        while True:
            reference = "".join(
                secrets.choice(_REFERENCE_LETTERS) for _ in range(_REFERENCE_LENGTH)
            )
            # Item ids start at 1: only the reference is checked, here and among the held.
            if not await tx.items.taken(0, reference) and reference not in await self._held_refs(
                tx
            ):
                return reference

    async def _own(self, tx: Tx, telegram_id: int, reference: str) -> ItemRow | None:
        person = await tx.people.by_telegram_id(telegram_id)
        item = await tx.items.by_reference(reference.upper())
        if item is None and person is not None:
            pseudonym = self._sealer.pseudonym(telegram_id)
            held = [i for i in await self._held(tx, pseudonym) if i.reference == reference.upper()]
            return _held_row(held[0]) if held else None
        if person is None or item is None or item.withdrawn_on is not None:
            return None
        mine = item.person_id == person.id or (
            item.pseudonym is not None
            and secrets.compare_digest(item.pseudonym, self._sealer.pseudonym(telegram_id))
        )
        return item if mine else None

    async def _entry(self, tx: Tx, row: ItemRow) -> MineEntry:
        group = await tx.groups.get(row.group_id)
        return MineEntry(
            reference=row.reference,
            kind=Kind(row.kind),
            group_name=group.name if group else "",
            words=self._open(row.body, BODY_PURPOSE),
            media_kind=row.media_kind,
            status=row.status,
            named=row.person_id is not None,
            given_on=row.given_on,
            consent=Consent(row.consent),
            media_file_id=self._open(row.media_file_id, MEDIA_PURPOSE),
            item_id=row.id,
            quote_until=row.quote_until,
        )

    async def _tell_withdrawn(self, tx: Tx, item: ItemRow, now: datetime) -> bool:
        coordinators = await tx.observers.coordinator_ids(item.group_id)
        if not coordinators:
            return False
        group = await tx.groups.get(item.group_id)
        said = outgoing.text(
            texts.ITEM_WITHDRAWN_NOTICE,
            group=group.name if group else "",
            kind=outgoing.text(KIND_WORDS[Kind(item.kind)]),
            day=outgoing.Day(item.given_on, DayForm.FULL),
        )
        due = now if item.person_id is not None else next_batch(now, self._zone)
        await tx.outbox.enqueue(
            [
                OutboxNew(
                    dedupe_key=f"w{item.id}:{person_id}",
                    kind=WITHDRAWN_KIND,
                    person_id=person_id,
                    payload=outgoing.message(said).dumps(),
                    due_at=due,
                )
                for person_id in coordinators
            ],
            now,
        )
        return True


def _apply_consent(draft: Draft, consent: Any) -> Problem | None:
    """How the item may be used, chosen: quoted with the name only if it is named."""
    allowed = [Consent.COORDINATORS, Consent.QUOTE_ANONYMOUS]
    if draft.named:
        allowed.append(Consent.QUOTE_NAMED)
    if consent not in [c.value for c in allowed]:
        return Problem.STALE
    draft.consent, draft.stage = Consent(consent), ShareStage.PREVIEW
    return None
