"""Group sessions: members' answers, the waiting list, and coordinators' views of a session."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.presentation import outgoing, texts
from bot.services.roles import Role, may_manage, role_in
from bot.services.sessions.base import (
    SessionsBase,
)
from bot.services.sessions.model import (
    ANSWER_CODES,
    JUST_INVITED,
    KIND_INVITE_EDIT,
    KIND_PLACE,
    MANAGED_AFTER,
    MANAGED_LIMIT,
    UPCOMING_LIMIT,
    Answer,
    AnswerOutcome,
    AnswerResult,
    CalendarFile,
    Listing,
    Overview,
    SessionView,
)
from bot.services.sessions.words import (
    answer_buttons,
    calendar_file,
    session_said,
)
from storage.outbox import OutboxNew
from storage.sessions import SessionRow
from storage.tx import Tx


class Answers(SessionsBase):
    """Members' answers, the waiting list, and coordinators' views of a session."""

    # --- Members' answers --------------------------------------------------------------------

    async def upcoming(self, telegram_id: int) -> list[SessionView]:
        """The member's coming sessions with their answers, soonest first."""
        now = self._clock.now()
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return []
            sessions = await tx.sessions.upcoming_for(person.id, now, UPCOMING_LIMIT)
            answers = await tx.sessions.answers_of(person.id, [s.id for s in sessions])
            views = []
            for session in sessions:
                views.append(await self._view(tx, session, person.id, answers.get(session.id)))
        return views

    async def _view(
        self, tx: Tx, session: SessionRow, person_id: int, answer: str | None
    ) -> SessionView:
        group = await tx.groups.get(session.group_id)
        place = None
        if answer == Answer.WAITING:
            place = (await tx.sessions.waiting(session.id)).index(person_id) + 1
        return SessionView(
            session,
            group.name if group else "",
            Answer(answer) if answer else None,
            place,
            await tx.payments.policy(session.group_id),
        )

    async def answer(
        self,
        telegram_id: int,
        session_id: int,
        code: str,
        zone: ZoneInfo,
        message_id: int | None = None,
    ) -> AnswerResult:
        """Record a member's answer; Going on a full session joins the waiting list.

        `message_id` is the message they answered from (their invitation), remembered so
        it can be changed when they move up from the waiting list.
        """
        wanted = ANSWER_CODES.get(code)
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            session = await tx.sessions.get(session_id, lock=True)
            person = await tx.people.by_telegram_id(telegram_id)
            if session is None or wanted is None:
                return AnswerResult(AnswerOutcome.GONE)
            if person is None or not await tx.groups.is_member(session.group_id, person.id):
                return await self._not_member(tx, session, person.id if person else None)
            previous = await tx.sessions.answer_of(session.id, person.id)
            if session.state == "cancelled":
                view = await self._view(tx, session, person.id, previous)
                return AnswerResult(AnswerOutcome.CANCELLED, view)
            if session.starts_at <= now:
                view = await self._view(tx, session, person.id, previous)
                return AnswerResult(AnswerOutcome.STARTED, view)
            outcome = await self._record(tx, session, person.id, wanted, previous, now, message_id)
            if previous == Answer.GOING and wanted is not Answer.GOING:
                group = await tx.groups.get(session.group_id)
                await self._fill_places(tx, session, group.name if group else "", zone, now)
            answer = await tx.sessions.answer_of(session.id, person.id)
            return AnswerResult(outcome, await self._view(tx, session, person.id, answer))

    @staticmethod
    async def _not_member(tx: Tx, session: SessionRow, person_id: int | None) -> AnswerResult:
        """The answer of someone not in the session's group."""
        if person_id is not None and await tx.sessions.was_invited(session.id, person_id):
            # Invited while in the group, and has left it since.
            group = await tx.groups.get(session.group_id)
            view = SessionView(session, group.name if group else "")
            return AnswerResult(AnswerOutcome.LEFT_GROUP, view)
        return AnswerResult(AnswerOutcome.NOT_MEMBER)

    async def _record(
        self,
        tx: Tx,
        session: SessionRow,
        person_id: int,
        wanted: Answer,
        previous: str | None,
        now: datetime,
        message_id: int | None,
    ) -> AnswerOutcome:
        """Keep a member's answer; Going on a full session joins the waiting list."""
        if wanted is Answer.GOING and previous in (Answer.GOING, Answer.WAITING):
            return AnswerOutcome.WAITING if previous == Answer.WAITING else AnswerOutcome.SAVED
        if wanted is Answer.GOING and await self._full(tx, session):
            waiting = Answer.WAITING
            await tx.sessions.set_answer(session.id, person_id, waiting, now, now, message_id)
            return AnswerOutcome.WAITING
        await tx.sessions.set_answer(session.id, person_id, wanted, now, None, message_id)
        return AnswerOutcome.SAVED

    async def _full(self, tx: Tx, session: SessionRow) -> bool:
        if session.capacity is None:
            return False
        return await tx.sessions.count(session.id, Answer.GOING) >= session.capacity

    async def _fill_places(
        self, tx: Tx, session: SessionRow, group_name: str, zone: ZoneInfo, now: datetime
    ) -> None:
        """Move people up from the waiting list while there are places, and tell them."""
        waiting = await tx.sessions.waiting(session.id)
        rows = []
        stamp = int(now.timestamp() * 1000)
        for person_id in waiting:
            if await self._full(tx, session):
                break
            await tx.sessions.set_answer(session.id, person_id, Answer.GOING, now)
            view = SessionView(session, group_name, Answer.GOING)
            buttons = answer_buttons(session, Answer.GOING)
            said = session_said(view, zone, None, texts.SESSION_PLACE_FREED)
            rows.append(
                OutboxNew(
                    f"sp{session.id}:{person_id}:{stamp}",
                    KIND_PLACE,
                    person_id,
                    outgoing.message(said, buttons).dumps(),
                    now,
                )
            )
            # The invitation they answered from no longer says they are waiting.
            message_id = await tx.sessions.message_of(session.id, person_id)
            if message_id is not None:
                shown = session_said(view, zone, None)
                rows.append(
                    OutboxNew(
                        f"se{session.id}:{person_id}:{stamp}",
                        KIND_INVITE_EDIT,
                        person_id,
                        outgoing.message(shown, buttons, edit=message_id).dumps(),
                        now,
                    )
                )
        await tx.outbox.enqueue(rows, now)

    async def calendar(
        self, telegram_id: int, session_id: int, zone: ZoneInfo
    ) -> CalendarFile | None:
        """The session's calendar file, for its group's members and coordinators."""
        async with self._storage.read() as tx:
            session = await tx.sessions.get(session_id)
            person = await tx.people.by_telegram_id(telegram_id)
            if session is None:
                return None
            allowed = await may_manage(tx, telegram_id, session.group_id, self._admins) or (
                person is not None and await tx.groups.is_member(session.group_id, person.id)
            )
            group = await tx.groups.get(session.group_id)
        if not allowed or group is None:
            return None
        return calendar_file(session, group.name, zone, self._clock.now())

    # --- Coordinators' views -------------------------------------------------------------------

    async def listing(self, telegram_id: int) -> Listing:
        """What /sessions shows: the member's coming sessions with their answers, and for
        coordinators and admins the sessions of the groups they manage.

        One card per session for someone who has just joined: an invitation still waiting to
        go is not sent after the list (the list shows it), and one not yet answered that was
        sent a moment ago (or is being sent) is not shown again (`just_invited` names it)."""
        views = await self.upcoming(telegram_id)
        now = self._clock.now()
        just: list[SessionView] = []
        if views:
            async with self._storage.transaction() as tx:
                person = await tx.people.by_telegram_id(telegram_id)
                if person is not None:
                    keys = {f"si{v.session.id}:{person.id}": v for v in views}
                    unanswered = [k for k, v in keys.items() if v.answer is None]
                    sent = await tx.outbox.sent_since(unanswered, now - JUST_INVITED)
                    await tx.outbox.shown_otherwise([k for k in keys if k not in sent], now)
                    just = [view for key, view in keys.items() if key in sent]
            shown_before = {view.session.id for view in just}
            views = [view for view in views if view.session.id not in shown_before]
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            role = role_in(person, telegram_id, self._admins)
            if role is Role.ADMIN:
                groups = await tx.groups.all()
            elif role is Role.COORDINATOR and person is not None:
                groups = await tx.groups.coordinated_by(person.id)
            else:
                return Listing(views, None, just)
            names = {g.id: g.name for g in groups}
            sessions = await tx.sessions.of_groups(list(names), now - MANAGED_AFTER, MANAGED_LIMIT)
        return Listing(views, [SessionView(s, names[s.group_id]) for s in sessions], just)

    async def overview(self, telegram_id: int, session_id: int) -> Overview | None:
        """Counts and names of a session's answers; coordinators of its group only."""
        async with self._storage.read() as tx:
            found = await self._managed(tx, telegram_id, session_id)
            if found is None:
                return None
            session, group_name = found
            return Overview(session, group_name, await tx.sessions.answers(session.id))

    async def _managed(
        self, tx: Tx, telegram_id: int, session_id: int, lock: bool = False
    ) -> tuple[SessionRow, str] | None:
        """The session and its group's name, if this person may manage it."""
        session = await tx.sessions.get(session_id, lock=lock)
        if session is None or not await may_manage(
            tx, telegram_id, session.group_id, self._admins
        ):
            return None
        group = await tx.groups.get(session.group_id)
        return (session, group.name) if group else None
