"""Prompts (J3): a coordinator posts a scenario or question to a group, with a Respond button.

A prompt lets people speak about a situation ("What could have helped Sam here?") without
telling their own story. It goes to every member through the outbox.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.presentation import outgoing, texts
from bot.presentation.callbacks import Action
from bot.presentation.moments import DayForm
from bot.presentation.outgoing import Message, Text, Value
from bot.services.roles import may_manage
from bot.services.sharing import clean_words
from bot.services.steps import button_step
from storage.database import Storage
from storage.groups import GroupRow
from storage.outbox import OutboxNew
from storage.people import PersonRow
from storage.prompts import PromptRow
from storage.tx import Tx

MAX_PROMPT = 1000
KIND = "prompt"
GROUP_STEP = button_step("prompt_group")
TEXT_STEP = "prompt_text"
END_STEP = button_step("prompt_end")
READY_STEP = button_step("prompt_ready")
STEPS = frozenset({GROUP_STEP, TEXT_STEP, END_STEP, READY_STEP})
# Back from each step goes to the one before it (the first stays where it is).
_BEFORE = {TEXT_STEP: GROUP_STEP, END_STEP: TEXT_STEP, READY_STEP: END_STEP}
# The end dates a coordinator can choose, in days from today (0: no end date).
END_CHOICES = (0, 7, 14, 28)


class PromptProblem(enum.Enum):
    """Why a prompt step could not go on."""

    NOT_ALLOWED = "not_allowed"
    NO_GROUPS = "no_groups"
    EMPTY = "empty"
    TOO_LONG = "too_long"
    STALE = "stale"


@dataclass(frozen=True)
class PromptDraft:
    """Where a coordinator's prompt stands."""

    step: str
    groups: list[GroupRow]
    group: GroupRow | None = None
    text: str | None = None
    ends_on: date | None = None
    members: int = 0
    problem: PromptProblem | None = None


@dataclass(frozen=True)
class Posted:
    """A prompt posted, and how many members it is going to."""

    prompt: PromptRow
    group: GroupRow
    queued: int


def member_message(text: str, ends_on: date | None, group_name: str) -> Text:
    """What members are told: the prompt as written, its group and when it ends."""
    ends: Value = ""
    if ends_on:
        ends = outgoing.text(texts.PROMPT_ENDS, day=outgoing.Day(ends_on, DayForm.WEEKDAY))
    return outgoing.text(texts.PROMPT_TO_MEMBERS, group=group_name, text=text, ends=ends)


def respond_message(prompt: PromptRow, group_name: str) -> Message:
    """The message members get: the prompt and a Respond button."""
    said = member_message(prompt.text, prompt.ends_on, group_name)
    return outgoing.message(
        said, [[outgoing.button(texts.BUTTON_RESPOND, Action.PROMPT_RESPOND, prompt.id)]]
    )


class Prompts:
    """Writing and posting prompts; coordinators of the group (or admins) only."""

    def __init__(
        self, storage: Storage, clock: Clock, admin_ids: frozenset[int], zone: ZoneInfo
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._admins = admin_ids
        self._zone = zone

    async def begin(self, telegram_id: int, chat_id: int) -> PromptDraft:
        """Start a prompt: choose a group (or go straight to the words with one group)."""
        async with self._storage.transaction() as tx:
            person = await tx.people.ensure(telegram_id, chat_id, None, self._clock.now())
            groups = await self._manageable(tx, telegram_id, person)
            if not groups:
                return PromptDraft(GROUP_STEP, [], problem=PromptProblem.NO_GROUPS)
            if len(groups) == 1:
                return await self._save(tx, person, TEXT_STEP, {"group": groups[0].id}, groups)
            return await self._save(tx, person, GROUP_STEP, {}, groups)

    async def choose_group(self, telegram_id: int, group_id: int) -> PromptDraft:
        """Write the prompt for this group."""
        async with self._storage.transaction() as tx:
            person, data = await self._load(tx, telegram_id)
            if person is None or data is None:
                return PromptDraft(GROUP_STEP, [], problem=PromptProblem.STALE)
            if not await may_manage(tx, telegram_id, group_id, self._admins):
                return PromptDraft(GROUP_STEP, [], problem=PromptProblem.NOT_ALLOWED)
            return await self._save(tx, person, TEXT_STEP, {"group": group_id}, [])

    async def give_text(self, telegram_id: int, raw: str) -> PromptDraft:
        """The prompt's words; then ask for an end date."""
        text = clean_words(raw)
        async with self._storage.transaction() as tx:
            person, data = await self._load(tx, telegram_id)
            if person is None or data is None or "group" not in data:
                return PromptDraft(TEXT_STEP, [], problem=PromptProblem.STALE)
            if text is None or len(text) > MAX_PROMPT:
                problem = PromptProblem.EMPTY if text is None else PromptProblem.TOO_LONG
                return PromptDraft(TEXT_STEP, [], problem=problem)
            return await self._save(tx, person, END_STEP, {**data, "text": text}, [])

    async def choose_end(self, telegram_id: int, choice: int) -> PromptDraft:
        """When the prompt stops taking answers; then show the preview."""
        async with self._storage.transaction() as tx:
            person, data = await self._load(tx, telegram_id)
            if person is None or data is None or "text" not in data:
                return PromptDraft(END_STEP, [], problem=PromptProblem.STALE)
            if not 0 <= choice < len(END_CHOICES):
                return PromptDraft(END_STEP, [], problem=PromptProblem.STALE)
            days = END_CHOICES[choice]
            ends = self._today() + timedelta(days=days) if days else None
            data = {**data, "ends": ends.isoformat() if ends else None}
            return await self._save(tx, person, READY_STEP, data, [])

    async def current(self, telegram_id: int) -> PromptDraft:
        """Where the prompt stands now (shown again after a note on its words)."""
        async with self._storage.transaction() as tx:
            person, data = await self._load(tx, telegram_id)
            step = await tx.steps.get(person.id) if person is not None else None
            if person is None or data is None or step is None:
                return PromptDraft(GROUP_STEP, [], problem=PromptProblem.STALE)
            return await self._save(tx, person, step.step, data, [])

    async def keep_text(self, telegram_id: int) -> PromptDraft:
        """Go on with the words typed before going back to them; then ask for an end date."""
        async with self._storage.read() as tx:
            _, data = await self._load(tx, telegram_id)
        text = data.get("text") if data is not None else None
        if not isinstance(text, str):
            return PromptDraft(TEXT_STEP, [], problem=PromptProblem.STALE)
        return await self.give_text(telegram_id, text)

    async def back(self, telegram_id: int) -> PromptDraft:
        """Back to the step before, with what was chosen and typed kept."""
        async with self._storage.transaction() as tx:
            person, data = await self._load(tx, telegram_id)
            step = await tx.steps.get(person.id) if person is not None else None
            if person is None or data is None or step is None:
                return PromptDraft(GROUP_STEP, [], problem=PromptProblem.STALE)
            before = _BEFORE.get(step.step, step.step)
            groups = await self._manageable(tx, telegram_id, person)
            return await self._save(tx, person, before, data, groups)

    async def post(self, telegram_id: int) -> Posted | PromptProblem:
        """Post the prompt, with a Respond button, to every reachable member of the group,
        through the outbox."""
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            person, data = await self._load(tx, telegram_id)
            if person is None or data is None or "ends" not in data:
                return PromptProblem.STALE
            group = await tx.groups.get(data["group"])
            if group is None or not await may_manage(tx, telegram_id, group.id, self._admins):
                return PromptProblem.NOT_ALLOWED
            # The draft is taken by its DELETE, first: of two taps on Post at once (on two
            # replicas), only one finds it and posts.
            if not await tx.steps.clear(person.id):
                return PromptProblem.STALE
            ends = date.fromisoformat(data["ends"]) if data["ends"] else None
            prompt = await tx.prompts.create(group.id, data["text"], person.id, now, ends)
            payload = respond_message(prompt, group.name).dumps()
            people = [
                p
                for p in await tx.broadcasts.recipients([group.id])
                if not p.unreachable and not p.paused and p.person_id != person.id
            ]
            await tx.outbox.enqueue(
                [
                    OutboxNew(
                        dedupe_key=f"p{prompt.id}:{p.person_id}",
                        kind=KIND,
                        person_id=p.person_id,
                        payload=payload,
                        due_at=now,
                    )
                    for p in people
                ],
                now,
            )
        return Posted(prompt, group, len(people))

    def _today(self) -> date:
        return self._clock.now().astimezone(self._zone).date()

    async def _manageable(self, tx: Tx, telegram_id: int, person: PersonRow) -> list[GroupRow]:
        if telegram_id in self._admins:
            return await tx.groups.all()
        if not person.is_coordinator:
            return []
        return await tx.groups.coordinated_by(person.id)

    async def _load(
        self, tx: Tx, telegram_id: int
    ) -> tuple[PersonRow | None, dict[str, Any] | None]:
        person = await tx.people.by_telegram_id(telegram_id)
        if person is None:
            return None, None
        step = await tx.steps.get(person.id)
        if step is None or step.step not in STEPS:
            return person, None
        return person, dict(step.data)

    async def _save(
        self,
        tx: Tx,
        person: PersonRow,
        step: str,
        data: dict[str, Any],
        groups: list[GroupRow],
    ) -> PromptDraft:
        await tx.steps.set(person.id, step, data, self._clock.now())
        group = await tx.groups.get(data["group"]) if "group" in data else None
        members = await tx.groups.member_count(group.id) if group is not None else 0
        ends = date.fromisoformat(data["ends"]) if data.get("ends") else None
        return PromptDraft(step, groups, group, data.get("text"), ends, members)
