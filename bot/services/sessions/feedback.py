"""Group sessions: the short question after a session."""

from __future__ import annotations

from dataclasses import replace

from bot.services.safety import suggests_risk
from bot.services.sessions.base import (
    SessionsBase,
)
from bot.services.sessions.model import (
    _SUBMIT_OUTCOMES,
    COMMENT_MAX,
    FEEDBACK_STEP,
    FEEDBACK_USES,
    SCALE,
    FeedbackBack,
    FeedbackDraft,
    FeedbackOutcome,
    FeedbackResult,
    RatingWords,
)
from bot.services.sharing import Consent, Kind, SubmitOutcome
from bot.services.text_rules import has_visible
from storage.tx import Tx


class Feedback(SessionsBase):
    """The short question after a session."""

    # --- The question afterwards --------------------------------------------------------------

    async def rate(
        self, telegram_id: int, chat_id: int, session_id: int, score: int
    ) -> int | None:
        """Start feedback with a one-tap score; how many came (so a small group can be told
        that without a name may still be guessed), or None unless the person came."""
        now = self._clock.now()
        if score not in SCALE:
            return None
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return None
            marks = {m.person_id: m.came for m in await tx.sessions.attendance(session_id)}
            if not marks.get(person.id):
                return None
            draft = FeedbackDraft(session_id, score)
            await tx.steps.set(person.id, FEEDBACK_STEP, draft.data(), now)
        return sum(1 for came in marks.values() if came)

    async def choose_name(self, telegram_id: int, named: bool) -> FeedbackResult:
        """With the name or without it; then words may be typed, or it is sent as it is."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            draft = None if person is None else await _draft(tx, person.id)
            if person is None or draft is None:
                return FeedbackResult(FeedbackOutcome.NO_DRAFT)
            draft = replace(draft, named=named)
            await tx.steps.set(person.id, FEEDBACK_STEP, draft.data(), now)
        return FeedbackResult(FeedbackOutcome.ASK_MORE)

    async def choose_use(
        self, telegram_id: int, chat_id: int, use: int, *, rating: RatingWords
    ) -> FeedbackResult:
        """How the answer may be used (a number in FEEDBACK_USES, from 1); then words may be
        typed, or, if words were typed before this was chosen, it is sent with them."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            draft = None if person is None else await _draft(tx, person.id)
            if person is None or draft is None or draft.named is None:
                return FeedbackResult(FeedbackOutcome.NO_DRAFT)
            if use not in range(1, len(FEEDBACK_USES) + 1):
                return FeedbackResult(FeedbackOutcome.NO_DRAFT)
            draft = replace(draft, use=FEEDBACK_USES[use - 1])
            await tx.steps.set(person.id, FEEDBACK_STEP, draft.data(), now)
        if draft.words:
            return await self.send_feedback(telegram_id, chat_id, rating=rating)
        return FeedbackResult(FeedbackOutcome.ASK_MORE)

    async def feedback_back(self, telegram_id: int) -> FeedbackBack | None:
        """One step back in the question after a session, keeping the choices before it:
        from the words to how it may be used, from there to the name, from the name to the
        rating. None if no answer is being given."""
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            draft = None if person is None else await _draft(tx, person.id)
            session = await tx.sessions.get(draft.session_id) if draft is not None else None
            if person is None or draft is None or session is None:
                return None
            if draft.use is not None:
                screen, draft = "use", replace(draft, use=None)
            elif draft.named is not None:
                screen, draft = "name", replace(draft, named=None)
            else:
                return FeedbackBack("rate", draft, session.title)
            await tx.steps.set(person.id, FEEDBACK_STEP, draft.data(), self._clock.now())
            return FeedbackBack(screen, draft, session.title)

    async def feedback_draft(self, telegram_id: int) -> FeedbackDraft | None:
        """The person's answer to the question after a session, while they give it."""
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            return None if person is None else await _draft(tx, person.id)

    async def send_feedback(
        self, telegram_id: int, chat_id: int, words: str | None = None, *, rating: RatingWords
    ) -> FeedbackResult:
        """Send the feedback (the rating in `rating`'s words, with any words typed) to the
        group's inbox, as an item about the session, through the sharing service; it says if
        the words suggest risk."""
        if words is not None and len(words) > COMMENT_MAX:
            return FeedbackResult(FeedbackOutcome.TOO_LONG)
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            draft = None if person is None else await _draft(tx, person.id)
            session = await tx.sessions.get(draft.session_id) if draft is not None else None
        if person is None or draft is None or session is None:
            return FeedbackResult(FeedbackOutcome.NO_DRAFT)
        if draft.named is None:
            return FeedbackResult(FeedbackOutcome.CHOOSE_NAME)
        if draft.use is None:
            return await self._keep_words(person.id, draft, words)
        words = words if words is not None else draft.words
        # Plain text, not HTML: the inbox escapes what it shows.
        body = rating(draft.score)
        if words and has_visible(words):
            body = f"{body}\n{words.strip()}"
        result = await self._sharing.submit(
            telegram_id,
            chat_id,
            session.group_id,
            Kind.SESSION,
            body,
            named=draft.named,
            consent=Consent(draft.use),
            session_id=session.id,
        )
        if result.outcome is not SubmitOutcome.SENT or result.receipt is None:
            return FeedbackResult(_SUBMIT_OUTCOMES.get(result.outcome, FeedbackOutcome.NO_DRAFT))
        async with self._storage.transaction() as tx:
            await tx.steps.clear(person.id)
        return FeedbackResult(FeedbackOutcome.SENT, result.receipt.reference, result.alert_id)

    async def _keep_words(
        self, person_id: int, draft: FeedbackDraft, words: str | None
    ) -> FeedbackResult:
        """Words typed before choosing how they may be used are kept with the draft, to
        send once that is chosen (unless they suggest risk: help comes first, at once)."""
        if words is not None and has_visible(words) and not suggests_risk(words):
            async with self._storage.transaction() as tx:
                kept = replace(draft, words=words).data()
                await tx.steps.set(person_id, FEEDBACK_STEP, kept, self._clock.now())
        return FeedbackResult(FeedbackOutcome.CHOOSE_USE)

    async def skip_feedback(self, telegram_id: int) -> None:
        """The person would rather not answer; forget the draft."""
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            step = None if person is None else await tx.steps.get(person.id)
            if person is not None and step is not None and step.step == FEEDBACK_STEP:
                await tx.steps.clear(person.id)


async def _draft(tx: Tx, person_id: int) -> FeedbackDraft | None:
    """The person's feedback draft, if their step is the question after a session."""
    step = await tx.steps.get(person_id)
    if step is None or step.step != FEEDBACK_STEP:
        return None
    return FeedbackDraft.opened(step.data)
