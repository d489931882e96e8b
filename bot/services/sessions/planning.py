"""Group sessions: making, changing and cancelling sessions, step by step from a draft."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.presentation import outgoing, texts
from bot.presentation.callbacks import Action
from bot.presentation.outgoing import Value, join
from bot.services.lengths import parse_end, parse_reminders, wall_time_before
from bot.services.roles import may_manage
from bot.services.sessions.answers import (
    Answers,
)
from bot.services.sessions.model import (
    CAPACITY_MAX,
    DEFAULT_REMINDERS,
    DRAFT_STEP,
    KIND_CHANGE,
    KIND_INVITE,
    NOTE_MAX,
    PLACE_MAX,
    SKIPPABLE,
    STAGES,
    TITLE_MAX,
    UPCOMING_LIMIT,
    Answer,
    CancelOutcome,
    CancelResult,
    Draft,
    DraftProblem,
    DraftReply,
    SaveOutcome,
    SaveResult,
    SessionQuestion,
    SessionView,
)
from bot.services.sessions.words import (
    _change_lines,
    _clean_note,
    _split_place,
    answer_buttons,
    calendar_file,
    session_said,
)
from bot.services.text_rules import clean_name
from bot.services.when import WhenError, parse_when
from storage.groups import GroupRow
from storage.outbox import OutboxNew
from storage.sessions import SessionRecipient, SessionRow
from storage.tx import Tx

# The details a coordinator can change one at a time (every question but confirming).
_EDITABLE = frozenset(q.value for q in SessionQuestion if q is not SessionQuestion.CONFIRM)


class Planning(Answers):
    """Making, changing and cancelling sessions, step by step from a draft."""

    # --- Making and changing sessions ----------------------------------------------------

    async def begin_new(self, telegram_id: int, chat_id: int, group_id: int) -> Draft | None:
        """Start a new session for the group; None if this person may not."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            group = await tx.groups.get(group_id)
            if group is None or not await may_manage(tx, telegram_id, group_id, self._admins):
                return None
            draft = Draft(group_id=group.id, group_name=group.name)
            await self._save_draft(tx, telegram_id, chat_id, draft, now)
        return draft

    async def begin_edit(
        self, telegram_id: int, chat_id: int, session_id: int, stage: SessionQuestion
    ) -> Draft | None:
        """Ask again one question of an existing session; None if not allowed or over."""
        now = self._clock.now()
        if stage is SessionQuestion.CONFIRM:
            return None
        async with self._storage.transaction() as tx:
            found = await self._managed(tx, telegram_id, session_id)
            if found is None or found[0].state != "active" or found[0].ends_at <= now:
                return None
            session, group_name = found
            draft = Draft(
                group_id=session.group_id,
                group_name=group_name,
                stage=stage,
                edit=session.id,
                title=session.title,
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                place=session.place,
                link=session.link,
                access_notes=session.access_notes,
                content_note=session.content_note,
                capacity=session.capacity,
                reminders=session.reminder_minutes,
                edited=stage.value,
            )
            await self._save_draft(tx, telegram_id, chat_id, draft, now)
        return draft

    async def draft(self, telegram_id: int) -> Draft | None:
        """The session this person is making or changing, if any."""
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            step = None if person is None else await tx.steps.get(person.id)
        if step is None or step.step != DRAFT_STEP:
            return None
        return Draft.from_data(step.data)

    async def advance(
        self, telegram_id: int, chat_id: int, text: str | None, zone: ZoneInfo
    ) -> DraftReply:
        """Take the answer to the current question (None: skip it) and go on."""
        draft = await self.draft(telegram_id)
        if draft is None:
            return DraftReply(draft, DraftProblem.NO_DRAFT)
        if draft.stage is SessionQuestion.CONFIRM:
            # All asked: show it again to save or cancel, with a word about the buttons.
            return DraftReply(draft, None if text is None else DraftProblem.USE_BUTTONS)
        if text is None and draft.stage not in SKIPPABLE:
            return DraftReply(draft, DraftProblem.CANNOT_SKIP)
        problem = self._take(draft, text, zone)
        if problem is not None:
            if problem.problem is DraftProblem.CONFIRM_YEAR:
                return await self._keep(telegram_id, chat_id, draft, problem)
            return problem
        return await self._next(telegram_id, chat_id, draft)

    async def back(self, telegram_id: int, chat_id: int) -> DraftReply:
        """Back to the question before, with every answer given so far kept."""
        draft = await self.draft(telegram_id)
        if draft is None:
            return DraftReply(draft, DraftProblem.NO_DRAFT)
        if draft.edit is None and draft.stage is not SessionQuestion.TITLE:
            draft.stage = STAGES[STAGES.index(draft.stage) - 1]
        elif draft.stage is SessionQuestion.CONFIRM and draft.edited in _EDITABLE:
            draft.stage = SessionQuestion(draft.edited)  # the detail being changed, again
        draft.pending_start = None
        return await self._keep(telegram_id, chat_id, draft, DraftReply(draft))

    async def keep_answer(self, telegram_id: int, chat_id: int) -> DraftReply:
        """Go on with the answer the draft holds for this question (typed before going
        back, or, when changing one detail, the session's own)."""
        draft = await self.draft(telegram_id)
        if draft is None or not draft.has_answer():
            return DraftReply(draft, DraftProblem.NO_DRAFT)
        draft.pending_start = None
        return await self._next(telegram_id, chat_id, draft)

    async def confirm_year(self, telegram_id: int, chat_id: int, meant: bool) -> DraftReply:
        """The coordinator says whether a start read as next year's is what they meant:
        if so it is used and the next question asked; if not, the start is asked again."""
        draft = await self.draft(telegram_id)
        if (
            draft is None
            or draft.stage is not SessionQuestion.STARTS
            or draft.pending_start is None
        ):
            return DraftReply(draft, DraftProblem.NO_DRAFT)
        start, draft.pending_start = draft.pending_start, None
        if not meant:
            return await self._keep(telegram_id, chat_id, draft, DraftReply(draft))
        self._set_start(draft, start)
        return await self._next(telegram_id, chat_id, draft)

    async def _next(self, telegram_id: int, chat_id: int, draft: Draft) -> DraftReply:
        """Go on to the next question (or, when changing one detail, to confirming)."""
        if draft.edit is not None:
            draft.stage = SessionQuestion.CONFIRM
        else:
            draft.stage = STAGES[STAGES.index(draft.stage) + 1]
        return await self._keep(telegram_id, chat_id, draft, DraftReply(draft))

    async def _keep(
        self, telegram_id: int, chat_id: int, draft: Draft, reply: DraftReply
    ) -> DraftReply:
        """Save the draft as it is now, and give `reply`."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            if not await may_manage(tx, telegram_id, draft.group_id, self._admins):
                return DraftReply(None, DraftProblem.NOT_ALLOWED)
            await self._save_draft(tx, telegram_id, chat_id, draft, now)
        return reply

    @staticmethod
    def _set_start(draft: Draft, start: datetime) -> None:
        length = (draft.ends_at - draft.starts_at) if draft.ends_at and draft.starts_at else None
        draft.starts_at = start
        # A moved session keeps its length.
        draft.ends_at = start + length if length else None

    def _take(self, draft: Draft, text: str | None, zone: ZoneInfo) -> DraftReply | None:
        """Put the typed answer into the draft; a reply saying why not, if it cannot be."""
        stage = draft.stage
        if stage is SessionQuestion.TITLE:
            title = clean_name(text or "", TITLE_MAX)
            if title is None:
                return DraftReply(draft, DraftProblem.BAD_TEXT)
            draft.title = title
        elif stage in (SessionQuestion.STARTS, SessionQuestion.ENDS):
            return self._take_time(draft, text or "", zone)
        elif stage is SessionQuestion.PLACE:
            return _take_place(draft, text)
        elif stage in (SessionQuestion.ACCESS, SessionQuestion.CONTENT):
            return _take_note(draft, text)
        elif stage is SessionQuestion.CAPACITY:
            return _take_capacity(draft, text)
        elif stage is SessionQuestion.REMINDERS:
            minutes = list(DEFAULT_REMINDERS) if text is None else parse_reminders(text)
            if minutes is None:
                return DraftReply(draft, DraftProblem.BAD_REMINDERS)
            draft.reminders = minutes
        return None

    def _take_time(self, draft: Draft, text: str, zone: ZoneInfo) -> DraftReply | None:
        """The start or the end typed, into the draft."""
        if draft.stage is SessionQuestion.STARTS:
            when = parse_when(text, self._clock.now(), zone)
            if isinstance(when, WhenError):
                return DraftReply(draft, DraftProblem.WHEN, when)
            if when.next_year:
                # "1 Dec" typed on 4 December: asked about before it is used.
                draft.pending_start = when.at
                return DraftReply(draft, DraftProblem.CONFIRM_YEAR)
            self._set_start(draft, when.at)
            return None
        assert draft.starts_at is not None
        end = parse_end(text, draft.starts_at, zone, self._clock.now())
        if isinstance(end, WhenError):
            return DraftReply(draft, DraftProblem.WHEN, end)
        draft.ends_at = end.at
        return None

    async def _save_draft(
        self, tx: Tx, telegram_id: int, chat_id: int, draft: Draft, now: datetime
    ) -> None:
        person = await tx.people.ensure(telegram_id, chat_id, None, now)
        await tx.steps.set(person.id, DRAFT_STEP, draft.to_data(), now)

    async def save(self, telegram_id: int, chat_id: int, zone: ZoneInfo) -> SaveResult:
        """Make the drafted session and invite the group, or apply the change and tell
        everyone who answered."""
        draft = await self.draft(telegram_id)
        if draft is None or draft.stage is not SessionQuestion.CONFIRM:
            return SaveResult(SaveOutcome.NO_DRAFT)
        assert draft.starts_at is not None and draft.ends_at is not None
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            if not await may_manage(tx, telegram_id, draft.group_id, self._admins):
                return SaveResult(SaveOutcome.NOT_ALLOWED)
            person = await tx.people.ensure(telegram_id, chat_id, None, now)
            # The draft is taken by its DELETE, in this transaction: of two taps on Save at
            # once (on two replicas), only one finds it and invites anyone.
            if not await tx.steps.clear(person.id):
                return SaveResult(SaveOutcome.NO_DRAFT)
            if draft.edit is None:
                return await self._create(tx, draft, person.id, zone, now)
            return await self._change(tx, draft, zone, now)

    async def _create(
        self, tx: Tx, draft: Draft, person_id: int, zone: ZoneInfo, now: datetime
    ) -> SaveResult:
        assert draft.starts_at is not None and draft.ends_at is not None
        if draft.starts_at <= now:
            return SaveResult(SaveOutcome.GONE)
        session = await tx.sessions.create(
            group_id=draft.group_id,
            title=draft.title,
            starts_at=draft.starts_at,
            ends_at=draft.ends_at,
            place=draft.place,
            link=draft.link,
            access_notes=draft.access_notes,
            content_note=draft.content_note,
            capacity=draft.capacity,
            reminders=",".join(str(m) for m in draft.reminders),
            uid=f"{secrets.token_hex(16)}@chorus",
            created_by=person_id,
            created_at=now,
        )
        await self._plan_reminders(tx, session, zone, now)
        people = await tx.broadcasts.recipients([session.group_id])
        policy = await tx.payments.policy(session.group_id)
        view = SessionView(session, draft.group_name, policy=policy)
        payload = outgoing.message(
            session_said(view, zone, None), answer_buttons(session, None)
        ).dumps()
        invited = [p for p in people if not p.paused and not p.unreachable]
        await tx.outbox.enqueue(
            (
                OutboxNew(f"si{session.id}:{p.person_id}", KIND_INVITE, p.person_id, payload, now)
                for p in invited
            ),
            now,
        )
        return SaveResult(SaveOutcome.CREATED, session, len(invited))

    async def invite_newcomer(
        self, tx: Tx, group: GroupRow, person_id: int, zone: ZoneInfo, now: datetime
    ) -> int:
        """Queue, in `tx`, an invitation to each of the group's sessions still to come for
        someone who has just joined it (as its members were invited); how many."""
        coming = await tx.sessions.of_groups([group.id], now, UPCOMING_LIMIT)
        policy = await tx.payments.policy(group.id)
        rows = [
            OutboxNew(
                f"si{session.id}:{person_id}",
                KIND_INVITE,
                person_id,
                outgoing.message(
                    session_said(SessionView(session, group.name, policy=policy), zone, None),
                    answer_buttons(session, None),
                ).dumps(),
                now,
            )
            for session in coming
            if session.starts_at > now
        ]
        # Someone who left and came back was invited before: the same key is not queued twice.
        await tx.outbox.enqueue(rows, now)
        return len(rows)

    async def _change(self, tx: Tx, draft: Draft, zone: ZoneInfo, now: datetime) -> SaveResult:
        assert draft.edit is not None and draft.starts_at is not None
        old = await tx.sessions.get(draft.edit, lock=True)
        if old is None or old.state != "active" or old.ends_at <= now:
            return SaveResult(SaveOutcome.GONE)
        values = {
            "title": draft.title,
            "starts_at": draft.starts_at,
            "ends_at": draft.ends_at,
            "place": draft.place,
            "link": draft.link,
            "access_notes": draft.access_notes,
            "content_note": draft.content_note,
            "capacity": draft.capacity,
            "reminders": ",".join(str(m) for m in draft.reminders),
        }
        changed = {k: v for k, v in values.items() if getattr(old, k) != v}
        if not changed:
            return SaveResult(SaveOutcome.UNCHANGED, old)
        await tx.sessions.update(old.id, sequence=old.sequence + 1, **changed)
        session = await tx.sessions.get(old.id)
        assert session is not None
        if {"starts_at", "reminders"} & changed.keys():
            await self._plan_reminders(tx, session, zone, now)
        await self._fill_places(tx, session, draft.group_name, zone, now)
        told = 0
        if changed.keys() - {"reminders"}:
            told = await self._tell_answered(
                tx, session, draft.group_name, zone, now, _change_lines(old, session, zone, now)
            )
        return SaveResult(SaveOutcome.CHANGED, session, told)

    async def _plan_reminders(
        self, tx: Tx, session: SessionRow, zone: ZoneInfo, now: datetime
    ) -> None:
        """Plan the session's reminders; one whose time has already gone when the session
        is made or moved is not planned (the invitation or change says it all)."""
        planned = [
            (m, wall_time_before(session.starts_at, m, zone)) for m in session.reminder_minutes
        ]
        await tx.sessions.replace_reminders(
            session.id, [(m, due) for m, due in planned if due > now]
        )

    async def _tell_answered(
        self,
        tx: Tx,
        session: SessionRow,
        group_name: str,
        zone: ZoneInfo,
        now: datetime,
        changes: Value,
    ) -> int:
        """Queue a message about a change or cancellation to everyone who was invited:
        those who answered, and the group's members who have not answered yet (except
        those who paused messages, who were not sent the invitation either); how many."""
        people = await tx.sessions.recipients(session.id, list(Answer))
        unanswered = [p for p in await tx.sessions.unanswered(session.id) if not p.paused]
        reachable = [p for p in people + unanswered if not p.unreachable]
        # Those who may have it in their calendar get the file again, so their calendar
        # updates (or drops the session) by itself.
        ics = calendar_file(session, group_name, zone, now)
        document = (ics.filename, ics.content.decode())
        rows = [
            await self._change_row(tx, session, group_name, zone, now, changes, p, document)
            for p in reachable
        ]
        await tx.outbox.enqueue(rows, now)
        return len(rows)

    async def _change_row(
        self,
        tx: Tx,
        session: SessionRow,
        group_name: str,
        zone: ZoneInfo,
        now: datetime,
        changes: Value,
        person: SessionRecipient,
        document: tuple[str, str],
    ) -> OutboxNew:
        """The message telling one person about a change or cancellation, with the calendar
        file again if the session may be in their calendar."""
        view = SessionView(
            session,
            group_name,
            Answer(person.answer) if person.answer else None,
            await self._place(tx, session, person),
        )
        header = (
            texts.SESSION_CANCELLED_HEADER
            if session.state == "cancelled"
            else texts.SESSION_CHANGED_HEADER
        )
        said = join("", [session_said(view, zone, None, header), changes])
        in_calendar = person.answer not in ("", Answer.NO)
        buttons = answer_buttons(session, view.answer)
        if session.state == "cancelled":
            remove = texts.BUTTON_CALENDAR_REMOVE
            buttons = [[outgoing.button(remove, Action.SESSION_CALENDAR, session.id)]]
        return OutboxNew(
            f"sc{session.id}.{session.sequence}:{person.person_id}",
            KIND_CHANGE,
            person.person_id,
            outgoing.message(said, buttons, document if in_calendar else None).dumps(),
            now,
        )

    async def _place(self, tx: Tx, session: SessionRow, person: SessionRecipient) -> int | None:
        if person.answer != Answer.WAITING:
            return None
        return (await tx.sessions.waiting(session.id)).index(person.person_id) + 1

    # --- Cancelling ------------------------------------------------------------------------

    async def cancel(self, telegram_id: int, session_id: int, zone: ZoneInfo) -> CancelResult:
        """Cancel a session and tell everyone who answered; coordinators only."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            found = await self._managed(tx, telegram_id, session_id, lock=True)
            if found is None:
                return CancelResult(CancelOutcome.NOT_ALLOWED)
            session, group_name = found
            if session.state == "cancelled" or session.starts_at <= now:
                return CancelResult(CancelOutcome.ALREADY, session)
            await tx.sessions.update(session.id, state="cancelled", sequence=session.sequence + 1)
            await tx.sessions.cancel_reminders(session.id, now)
            session = replace(session, state="cancelled", sequence=session.sequence + 1)
            told = await self._tell_answered(tx, session, group_name, zone, now, "")
        return CancelResult(CancelOutcome.CANCELLED, session, told)


def _take_place(draft: Draft, text: str | None) -> DraftReply | None:
    """The place (and any link) typed, into the draft."""
    place, link = _split_place(text or "")
    if len(place or "") > PLACE_MAX or len(link or "") > PLACE_MAX:
        return DraftReply(draft, DraftProblem.BAD_TEXT)
    cleaned = _clean_note(place, PLACE_MAX) if place else None
    if text is not None and cleaned is None and link is None:
        return DraftReply(draft, DraftProblem.UNREADABLE)
    draft.place, draft.link = cleaned, link
    return None


def _take_note(draft: Draft, text: str | None) -> DraftReply | None:
    """The access notes or the content note typed (None: skipped), into the draft."""
    note = None if text is None else _clean_note(text, NOTE_MAX)
    if text is not None and note is None:
        too_long = len(text.strip()) > NOTE_MAX
        return DraftReply(draft, DraftProblem.BAD_TEXT if too_long else DraftProblem.UNREADABLE)
    if draft.stage is SessionQuestion.ACCESS:
        draft.access_notes = note
    else:
        draft.content_note = note
    return None


def _take_capacity(draft: Draft, text: str | None) -> DraftReply | None:
    """The number of places typed (None: no limit), into the draft."""
    if text is None:
        draft.capacity = None
    elif text.strip().isascii() and text.strip().isdigit():
        number = int(text.strip())
        if not 1 <= number <= CAPACITY_MAX:
            return DraftReply(draft, DraftProblem.BAD_NUMBER)
        draft.capacity = number
    else:
        return DraftReply(draft, DraftProblem.BAD_NUMBER)
    return None
