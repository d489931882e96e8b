"""Group sessions: the short question after a session."""

from __future__ import annotations

from bot.presentation import texts
from bot.presentation.texts import label
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
    FeedbackOutcome,
    FeedbackResult,
)
from bot.services.sharing import Consent, Kind, SubmitOutcome
from bot.services.text_rules import has_visible


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
            data = {"session": session_id, "score": score, "named": None}
            await tx.steps.set(person.id, FEEDBACK_STEP, data, now)
        return sum(1 for came in marks.values() if came)

    async def choose_name(self, telegram_id: int, named: bool) -> FeedbackResult:
        """With the name or without it; then words may be typed, or it is sent as it is."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            step = None if person is None else await tx.steps.get(person.id)
            if person is None or step is None or step.step != FEEDBACK_STEP:
                return FeedbackResult(FeedbackOutcome.NO_DRAFT)
            await tx.steps.set(person.id, FEEDBACK_STEP, {**step.data, "named": named}, now)
        return FeedbackResult(FeedbackOutcome.ASK_MORE)

    async def choose_use(self, telegram_id: int, chat_id: int, use: int) -> FeedbackResult:
        """How the answer may be used (a number in FEEDBACK_USES, from 1); then words may be
        typed, or, if words were typed before this was chosen, it is sent with them."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            step = None if person is None else await tx.steps.get(person.id)
            if person is None or step is None or step.step != FEEDBACK_STEP:
                return FeedbackResult(FeedbackOutcome.NO_DRAFT)
            if step.data.get("named") is None or use not in range(1, len(FEEDBACK_USES) + 1):
                return FeedbackResult(FeedbackOutcome.NO_DRAFT)
            data = {**step.data, "use": FEEDBACK_USES[use - 1]}
            await tx.steps.set(person.id, FEEDBACK_STEP, data, now)
        if step.data.get("words"):
            return await self.send_feedback(telegram_id, chat_id)
        return FeedbackResult(FeedbackOutcome.ASK_MORE)

    async def send_feedback(
        self, telegram_id: int, chat_id: int, words: str | None = None
    ) -> FeedbackResult:
        """Send the feedback (with any words typed) to the group's inbox, as an item about
        the session, through the sharing service; it says if the words suggest risk."""
        if words is not None and len(words) > COMMENT_MAX:
            return FeedbackResult(FeedbackOutcome.TOO_LONG)
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            step = None if person is None else await tx.steps.get(person.id)
            ready = step is not None and step.step == FEEDBACK_STEP
            session = await tx.sessions.get(int(step.data["session"])) if ready and step else None
        if person is None or step is None or session is None:
            return FeedbackResult(FeedbackOutcome.NO_DRAFT)
        if step.data.get("named") is None:
            return FeedbackResult(FeedbackOutcome.CHOOSE_NAME)
        if step.data.get("use") is None:
            return await self._keep_words(person.id, step.data, words)
        words = words if words is not None else step.data.get("words")
        # Plain text, not HTML: the inbox escapes what it shows.
        body = label(texts.SESSION_FEEDBACK_BODY, score=step.data["score"])
        if words and has_visible(words):
            body = f"{body}\n{words.strip()}"
        result = await self._sharing.submit(
            telegram_id,
            chat_id,
            session.group_id,
            Kind.SESSION,
            body,
            named=bool(step.data["named"]),
            consent=Consent(step.data["use"]),
            session_id=session.id,
        )
        if result.outcome is not SubmitOutcome.SENT or result.receipt is None:
            return FeedbackResult(_SUBMIT_OUTCOMES.get(result.outcome, FeedbackOutcome.NO_DRAFT))
        async with self._storage.transaction() as tx:
            await tx.steps.clear(person.id)
        return FeedbackResult(FeedbackOutcome.SENT, result.receipt.reference, result.alert_id)

    async def _keep_words(
        self, person_id: int, data: dict[str, object], words: str | None
    ) -> FeedbackResult:
        """Words typed before choosing how they may be used are kept with the draft, to
        send once that is chosen (unless they suggest risk: help comes first, at once)."""
        if words is not None and has_visible(words) and not suggests_risk(words):
            async with self._storage.transaction() as tx:
                kept = {**data, "words": words}
                await tx.steps.set(person_id, FEEDBACK_STEP, kept, self._clock.now())
        return FeedbackResult(FeedbackOutcome.CHOOSE_USE)

    async def skip_feedback(self, telegram_id: int) -> None:
        """The person would rather not answer; forget the draft."""
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            step = None if person is None else await tx.steps.get(person.id)
            if person is not None and step is not None and step.step == FEEDBACK_STEP:
                await tx.steps.clear(person.id)
