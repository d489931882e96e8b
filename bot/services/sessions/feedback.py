"""Group sessions: the short question after a session."""

from __future__ import annotations

from bot.presentation import texts
from bot.presentation.texts import label
from bot.services.sessions.base import (
    SessionsBase,
)
from bot.services.sessions.model import (
    _SUBMIT_OUTCOMES,
    COMMENT_MAX,
    FEEDBACK_STEP,
    SCALE,
    FeedbackOutcome,
    FeedbackResult,
)
from bot.services.sharing import Kind, SubmitOutcome
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
            session_id=session.id,
        )
        if result.outcome is not SubmitOutcome.SENT or result.receipt is None:
            return FeedbackResult(_SUBMIT_OUTCOMES.get(result.outcome, FeedbackOutcome.NO_DRAFT))
        async with self._storage.transaction() as tx:
            await tx.steps.clear(person.id)
        return FeedbackResult(FeedbackOutcome.SENT, result.receipt.reference, result.alert_id)

    async def skip_feedback(self, telegram_id: int) -> None:
        """The person would rather not answer; forget the draft."""
        async with self._storage.transaction() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            step = None if person is None else await tx.steps.get(person.id)
            if person is not None and step is not None and step.step == FEEDBACK_STEP:
                await tx.steps.clear(person.id)
