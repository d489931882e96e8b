"""Sharing: the draft, step by step, and sending it."""

from __future__ import annotations

from dataclasses import replace

from bot.services.alert_withdrawal import link_alert
from bot.services.sharing.base import (
    SharingBase,
)
from bot.services.sharing.model import (
    MAX_WORDS,
    MEDIA_KINDS,
    Consent,
    DiscardOutcome,
    Draft,
    Kind,
    Problem,
    Receipt,
    ShareStage,
    StepView,
    Submission,
    SubmitOutcome,
    SubmitResult,
    clean_words,
)
from storage.tx import Tx


class Drafting(SharingBase):
    """The draft, step by step, and sending it."""

    # --- the draft, step by step -----------------------------------------------------------

    async def start(self, telegram_id: int) -> StepView:
        """Begin sharing; offers an unfinished draft back first."""
        async with self._storage.transaction() as tx:
            person, draft = await self._load(tx, telegram_id, kept=True)
            if person is None:
                return StepView(None, problem=Problem.NOT_MEMBER)
            if draft is not None and draft.has_content:
                return replace(await self._view(tx, person, draft), resumable=True)
            return await self._fresh(tx, person)

    async def carry_on(self, telegram_id: int) -> StepView:
        """Show the unfinished draft where it was left."""
        async with self._storage.transaction() as tx:
            person, draft = await self._load(tx, telegram_id, kept=True)
            if person is None or draft is None:
                return StepView(None, problem=Problem.STALE)
            return await self._save(tx, person, draft)

    async def start_again(self, telegram_id: int) -> StepView:
        """Drop the unfinished draft and begin a new one."""
        async with self._storage.transaction() as tx:
            person, _ = await self._load(tx, telegram_id)
            if person is None:
                return StepView(None, problem=Problem.NOT_MEMBER)
            return await self._fresh(tx, person)

    async def respond_to_prompt(self, telegram_id: int, prompt_id: int) -> StepView:
        """Begin an answer to a prompt (from its Respond button)."""
        today = self._today()
        async with self._storage.transaction() as tx:
            person, draft = await self._load(tx, telegram_id)
            prompt = await tx.prompts.get(prompt_id)
            if person is None or prompt is None:
                return StepView(None, problem=Problem.STALE)
            if not await tx.groups.is_member(prompt.group_id, person.id):
                return StepView(None, problem=Problem.NOT_IN_GROUP)
            if prompt.ends_on is not None and prompt.ends_on < today:
                return StepView(None, problem=Problem.PROMPT_CLOSED)
            if draft is not None and draft.has_content:
                return replace(await self._view(tx, person, draft), resumable=True)
            new = Draft(ShareStage.CONTENT, prompt.group_id, Kind.PROMPT, prompt_id=prompt.id)
            return await self._save(tx, person, new)

    async def share_about_session(
        self, telegram_id: int, group_id: int, session_id: int | None
    ) -> StepView:
        """Begin feedback on a session of a group (from a button on a session message)."""
        async with self._storage.transaction() as tx:
            person, draft = await self._load(tx, telegram_id)
            if person is None:
                return StepView(None, problem=Problem.NOT_MEMBER)
            if not await tx.groups.is_member(group_id, person.id):
                return StepView(None, problem=Problem.NOT_IN_GROUP)
            session = await tx.sessions.get(session_id) if session_id is not None else None
            if session_id is not None and (session is None or session.group_id != group_id):
                return StepView(None, problem=Problem.STALE)
            if draft is not None and draft.has_content:
                return replace(await self._view(tx, person, draft), resumable=True)
            new = Draft(ShareStage.CONTENT, group_id, Kind.SESSION, session_id=session_id)
            return await self._save(tx, person, new)

    async def choose_group(self, telegram_id: int, group_id: int) -> StepView:
        """Share with this group."""
        return await self._change(telegram_id, ShareStage.GROUP, group=group_id)

    async def choose_kind(self, telegram_id: int, kind: str) -> StepView:
        """Share this kind of item."""
        return await self._change(telegram_id, ShareStage.KIND, kind=kind)

    async def choose_prompt(self, telegram_id: int, prompt_id: int) -> StepView:
        """Answer this prompt."""
        return await self._change(telegram_id, ShareStage.PROMPT, prompt=prompt_id)

    async def choose_session(self, telegram_id: int, session_id: int | None) -> StepView:
        """Give feedback on this group meeting (None: one not listed)."""
        return await self._change(telegram_id, ShareStage.SESSION, session=session_id)

    async def choose_named(self, telegram_id: int, named: bool) -> StepView:
        """Send with the member's name, or without."""
        return await self._change(telegram_id, ShareStage.NAME, named=named)

    async def choose_consent(self, telegram_id: int, consent: str) -> StepView:
        """How the item may be used (every kind asks)."""
        return await self._change(telegram_id, ShareStage.CONSENT, consent=consent)

    async def give_words(self, telegram_id: int, raw: str) -> StepView:
        """Words typed for the draft (its text, or a caption for a voice note or photo)."""
        async with self._storage.transaction() as tx:
            person, draft = await self._load(tx, telegram_id)
            if person is None or draft is None:
                return StepView(None, problem=Problem.STALE)
            if draft.stage not in (ShareStage.CONTENT, ShareStage.CAPTION):
                # Not taken as the item's words, but help comes first all the same.
                alert = await self._alert(tx, telegram_id, draft.group_id, clean_words(raw))
                if alert is not None:
                    draft.alert_id = alert
                    view = await self._save(tx, person, draft)
                else:
                    view = await self._view(tx, person, draft)
                return replace(view, problem=Problem.USE_BUTTONS, alert_id=alert)
            words = clean_words(raw)
            problem = self._words_problem(words)
            if problem is not None:
                return replace(await self._view(tx, person, draft), problem=problem)
            if draft.stage is ShareStage.CONTENT:
                draft.media_kind = draft.media_file_id = None
            draft.words = words
            alert = await self._alert(tx, telegram_id, draft.group_id, words)
            draft.alert_id = alert or draft.alert_id
            draft.stage = ShareStage.NAME
            return replace(await self._save(tx, person, draft), alert_id=alert)

    async def give_media(
        self, telegram_id: int, media_kind: str, file_id: str | None, caption: str | None
    ) -> StepView:
        """A voice note, photo or other file sent for the draft."""
        async with self._storage.transaction() as tx:
            person, draft = await self._load(tx, telegram_id)
            if person is None or draft is None:
                return StepView(None, problem=Problem.STALE)
            if draft.stage not in (ShareStage.CONTENT, ShareStage.CAPTION):
                # Not taken for the draft; a caption that suggests risk still gets help.
                alert = await self._alert(tx, telegram_id, draft.group_id, clean_words(caption))
                if alert is not None:
                    draft.alert_id = alert
                    view = await self._save(tx, person, draft)
                    return replace(view, problem=Problem.USE_BUTTONS, alert_id=alert)
                return replace(await self._view(tx, person, draft), problem=Problem.USE_BUTTONS)
            if media_kind not in MEDIA_KINDS or not file_id:
                return replace(await self._view(tx, person, draft), problem=Problem.UNSUPPORTED)
            words = clean_words(caption)
            if words is not None and len(words) > MAX_WORDS:
                return replace(await self._view(tx, person, draft), problem=Problem.TOO_LONG)
            draft.media_kind, draft.media_file_id, draft.words = media_kind, file_id, words
            alert = await self._alert(tx, telegram_id, draft.group_id, words)
            draft.alert_id = alert or draft.alert_id
            draft.stage = ShareStage.NAME if words else ShareStage.CAPTION
            return replace(await self._save(tx, person, draft), alert_id=alert)

    async def skip(self, telegram_id: int) -> StepView:
        """Leave out an optional step: a caption, keeping the words so far, or the consent."""
        async with self._storage.transaction() as tx:
            person, draft = await self._load(tx, telegram_id)
            if person is None or draft is None:
                return StepView(None, problem=Problem.STALE)
            if draft.stage is ShareStage.CAPTION or (
                draft.stage is ShareStage.CONTENT and draft.has_content
            ):
                draft.stage = ShareStage.NAME
            elif draft.stage is ShareStage.CONSENT:
                draft.consent, draft.stage = Consent.COORDINATORS, ShareStage.PREVIEW
            else:
                return replace(await self._view(tx, person, draft), problem=Problem.USE_BUTTONS)
            return await self._save(tx, person, draft)

    async def back(self, telegram_id: int) -> StepView:
        """Go back one step; nothing written is lost."""
        async with self._storage.transaction() as tx:
            person, draft = await self._load(tx, telegram_id)
            if person is None or draft is None:
                return StepView(None, problem=Problem.STALE)
            draft.stage = await self._previous(tx, person, draft)
            return await self._save(tx, person, draft)

    async def change_words(self, telegram_id: int) -> StepView:
        """From the preview, go to the words again."""
        async with self._storage.transaction() as tx:
            person, draft = await self._load(tx, telegram_id)
            if person is None or draft is None or draft.group_id is None:
                return StepView(None, problem=Problem.STALE)
            draft.stage = ShareStage.CONTENT
            return await self._save(tx, person, draft)

    async def discard(self, telegram_id: int) -> DiscardOutcome:
        """Drop the draft and its words; say if they had already gone to the lead."""
        async with self._storage.transaction() as tx:
            person, draft = await self._load(tx, telegram_id)
            if person is None or draft is None or not await tx.steps.clear(person.id):
                return DiscardOutcome.NOTHING
            alert = await tx.risk_alerts.get(draft.alert_id) if draft.alert_id else None
        if alert is None:
            return DiscardOutcome.DROPPED
        if alert.answer == "yes":
            return DiscardOutcome.AFTER_ALERT_NAMED
        return DiscardOutcome.AFTER_ALERT

    async def send(
        self, telegram_id: int, chat_id: int, reference: str | None = None
    ) -> SubmitResult:
        """Send the draft shown in the preview whose Send button carries `reference`.

        The same again (a second tap, or the tap handled again after a crash) sends nothing
        more: it gives the receipt of the item already sent under that reference.
        """
        async with self._storage.transaction() as tx:
            person, draft = await self._load(tx, telegram_id)
            if reference is not None and (
                draft is None
                or draft.stage is not ShareStage.PREVIEW
                or draft.reference != reference
            ):
                return await self._sent_before(tx, telegram_id, reference)
            given = draft.submission() if draft is not None else None
            if person is None or given is None:
                return SubmitResult(SubmitOutcome.STALE)
            result = await self._store(tx, person, telegram_id, chat_id, given)
            if result.outcome is SubmitOutcome.SENT:
                await tx.steps.clear(person.id)
            return result

    async def _sent_before(self, tx: Tx, telegram_id: int, reference: str) -> SubmitResult:
        item = await self._own(tx, telegram_id, reference)
        group = await tx.groups.get(item.group_id) if item is not None else None
        if item is None or group is None:
            return SubmitResult(SubmitOutcome.STALE)
        named = item.person_id is not None
        return SubmitResult(
            SubmitOutcome.SENT, Receipt(item.reference, group.name, named, item.visible_at)
        )

    async def submit(
        self,
        telegram_id: int,
        chat_id: int,
        group_id: int,
        kind: Kind,
        words: str | None,
        named: bool,
        consent: Consent = Consent.COORDINATORS,
        *,
        session_id: int | None = None,
        prompt_id: int | None = None,
        media_kind: str | None = None,
        media_file_id: str | None = None,
    ) -> SubmitResult:
        """Store an item in one go (for other journeys, e.g. a question after a session).

        Words that suggest risk raise an alert, whose id is in the result: show the
        helplines and the contact question with it.
        """
        cleaned = clean_words(words)
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return SubmitResult(SubmitOutcome.NOT_MEMBER)
            given = Submission(
                group_id=group_id,
                kind=kind,
                words=cleaned,
                named=named,
                consent=consent,
                prompt_id=prompt_id,
                session_id=session_id,
                media_kind=media_kind,
                media_file_id=media_file_id,
            )
            result = await self._store(tx, person, telegram_id, chat_id, given)
            if result.outcome is SubmitOutcome.SENT:
                result = await self._with_alert(tx, telegram_id, given, result)
            return result

    async def _with_alert(
        self, tx: Tx, telegram_id: int, given: Submission, result: SubmitResult
    ) -> SubmitResult:
        """The result of an item stored, with the alert its words raised, if any."""
        alert = await self._alert(tx, telegram_id, given.group_id, given.words)
        if result.item_id is not None:
            await link_alert(tx, self._sealer, alert, result.item_id)
        return replace(result, alert_id=alert)
