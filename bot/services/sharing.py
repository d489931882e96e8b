"""Sharing (J3): drafts kept across restarts, sending an item, `/mine`, and withdrawing.

Every word a member writes is sealed before it is stored, in the draft as in the item. An
anonymous item holds no person, Telegram id or chat id: only the local date, the keyed
pseudonym (so its author can list and withdraw it) and the sealed return address (so
updates reach them). Until the next daily batch it is held, sealed whole, apart from the
items; at the batch every held item joins them at once, in random order, so neither the
time it arrived nor the commits around its storing point to its author.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import logging
import secrets
import unicodedata
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.crypto import Sealer, SealError
from bot.presentation import outgoing, texts
from bot.presentation.outgoing import Value
from bot.services.delivery_rules import RETURN_ADDRESS_PURPOSE
from bot.services.roles import may_manage
from bot.services.safety import Safety, suggests_risk
from bot.services.text_rules import has_visible
from bot.services.withdrawal import take_back
from storage.database import Storage
from storage.groups import GroupRow
from storage.items import ItemNew, ItemRow, PromptRow
from storage.outbox import OutboxNew
from storage.people import PersonRow
from storage.sessions import SessionRow
from storage.tx import Tx

logger = logging.getLogger(__name__)

MAX_WORDS = 12000
# Below this many members, "without your name" may not hide who wrote something.
SMALL_GROUP = 5
# Anonymous items reach the coordinators once a day, at this local time.
BATCH_TIME = time(9, 0)
BODY_PURPOSE = "item.body"
MEDIA_PURPOSE = "item.media"
DRAFT_WORDS_PURPOSE = "draft.words"
DRAFT_MEDIA_PURPOSE = "draft.media"
# The reference the item will have, chosen when the preview is first shown (and carried by
# its Send button), so a second Send, or the same one handled again, finds the item sent.
DRAFT_REFERENCE_PURPOSE = "draft.reference"
HELD_PURPOSE = "item.held"
# A held item is sealed padded to a multiple of this many characters, so the length of
# what is held says little about the item it becomes.
HELD_PAD = 2048
MEDIA_KINDS = ("voice", "photo")
MINE_PAGE = 8
READ_LIMIT = 50
# Feedback on a group meeting offers the group's meetings that began this long ago at most.
RECENT_SESSIONS = timedelta(days=60)
SESSIONS_OFFERED = 8
WITHDRAWN_KIND = "item_withdrawn"
_REFERENCE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_REFERENCE_LENGTH = 6
_KEEP_FORMAT = {"\u200c", "\u200d"}


class Kind(enum.StrEnum):
    """What an item is."""

    PROMPT = "prompt"
    FEEDBACK = "feedback"
    SESSION = "session"
    STORY = "story"


class Consent(enum.StrEnum):
    """How the author lets their item be used."""

    COORDINATORS = "coordinators"
    QUOTE_ANONYMOUS = "quote_anonymous"
    QUOTE_NAMED = "quote_named"


class Stage(enum.StrEnum):
    """Where a draft stands; the value is the name of the pending step."""

    GROUP = "share_group"
    KIND = "share_kind"
    PROMPT = "share_prompt"
    SESSION = "share_session"
    CONTENT = "share_content"
    CAPTION = "share_caption"
    NAME = "share_name"
    CONSENT = "share_consent"
    PREVIEW = "share_preview"


STAGES = frozenset(stage.value for stage in Stage)


class Problem(enum.Enum):
    """Why a step could not go on (the draft is kept as it was)."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    UNSUPPORTED = "unsupported"
    USE_BUTTONS = "use_buttons"
    STALE = "stale"
    NOT_MEMBER = "not_member"  # in no group at all
    NOT_IN_GROUP = "not_in_group"  # not in the group a button names
    PROMPT_CLOSED = "prompt_closed"
    NO_PROMPTS = "no_prompts"


async def was_used(tx: Tx, item: ItemRow) -> bool:
    """True if coordinators have used the item, so they must hear if it is withdrawn:
    taken beyond "received"/"acknowledged", or gathered into an action."""
    if item.status in ("considering", "meeting", "outcome"):
        return True
    return await tx.items.linked_to_action(item.id)


def clean_words(raw: str | None) -> str | None:
    """Words as they will be kept: invisible characters dropped (line breaks kept), NFC,
    trimmed; None if nothing visible is left (only blanks, fillers or invisible marks)."""
    if raw is None:
        return None
    kept = "".join(
        ch
        for ch in raw
        if ch in "\n\t" or ch in _KEEP_FORMAT or unicodedata.category(ch)[0] != "C"
    )
    words = unicodedata.normalize("NFC", kept).strip()
    return words if has_visible(words) else None


def next_batch(now: datetime, zone: ZoneInfo, at: time = BATCH_TIME) -> datetime:
    """The next daily batch moment after `now` (UTC), at wall time `at` in `zone`."""
    local_day = now.astimezone(zone).date()
    for offset in range(3):
        wall = datetime.combine(local_day + timedelta(days=offset), at)
        candidate = wall.replace(tzinfo=zone).astimezone(UTC)
        if candidate > now:
            return candidate
    raise AssertionError("a daily time always comes within three days")


@dataclass
class Draft:
    """A half-written item, as the member sees it (words in plain text)."""

    stage: Stage
    group_id: int | None = None
    kind: Kind | None = None
    prompt_id: int | None = None
    session_id: int | None = None
    words: str | None = None
    media_kind: str | None = None
    media_file_id: str | None = None
    named: bool | None = None
    consent: Consent | None = None
    # The safety alert the draft's words raised, if any (for an honest "Don't send").
    alert_id: str | None = None
    reference: str | None = None

    @property
    def has_content(self) -> bool:
        """True once words or media are in the draft."""
        return self.words is not None or self.media_file_id is not None

    def sealed(self, sealer: Sealer) -> dict[str, Any]:
        """As kept in the pending step: the words and the media sealed."""
        return {
            "group": self.group_id,
            "kind": self.kind.value if self.kind else None,
            "prompt": self.prompt_id,
            "session": self.session_id,
            "words": sealer.seal(self.words, DRAFT_WORDS_PURPOSE) if self.words else None,
            "media_kind": self.media_kind,
            "media": (
                sealer.seal(self.media_file_id, DRAFT_MEDIA_PURPOSE)
                if self.media_file_id
                else None
            ),
            "named": self.named,
            "consent": self.consent.value if self.consent else None,
            "alert": self.alert_id,
            "reference": (
                sealer.seal(self.reference, DRAFT_REFERENCE_PURPOSE) if self.reference else None
            ),
        }

    @classmethod
    def opened(cls, stage: str, data: dict[str, Any], sealer: Sealer) -> Draft:
        """From the pending step."""
        words, media, reference = data.get("words"), data.get("media"), data.get("reference")
        kind, consent = data.get("kind"), data.get("consent")
        return cls(
            stage=Stage(stage),
            group_id=data.get("group"),
            kind=Kind(str(kind)) if kind in set(Kind) else None,
            prompt_id=data.get("prompt"),
            session_id=data.get("session"),
            words=sealer.open(words, DRAFT_WORDS_PURPOSE) if words else None,
            media_kind=data.get("media_kind"),
            media_file_id=sealer.open(media, DRAFT_MEDIA_PURPOSE) if media else None,
            named=data.get("named"),
            consent=Consent(str(consent)) if consent in set(Consent) else None,
            alert_id=data.get("alert"),
            reference=sealer.open(reference, DRAFT_REFERENCE_PURPOSE) if reference else None,
        )


@dataclass(frozen=True)
class StepView:
    """What to show the member for their draft now."""

    draft: Draft | None
    group: GroupRow | None = None
    groups: list[GroupRow] = field(default_factory=list)
    prompts: list[PromptRow] = field(default_factory=list)
    prompt: PromptRow | None = None
    sessions: list[SessionRow] = field(default_factory=list)
    session: SessionRow | None = None
    members: int = 0
    observers: int = 0
    display_name: str | None = None
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/London"))
    problem: Problem | None = None
    # An earlier draft was found: ask "Carry on, or start again?".
    resumable: bool = False
    # The words suggested risk: show the helplines first, with this alert's buttons.
    alert_id: str | None = None

    @property
    def small_group(self) -> bool:
        """True if the group is so small that others may guess who wrote something."""
        return self.members < SMALL_GROUP


@dataclass(frozen=True)
class Receipt:
    """What the member is told after sending."""

    reference: str
    group_name: str
    named: bool
    visible_at: datetime


class DiscardOutcome(enum.Enum):
    """What "Don't send" did."""

    NOTHING = "nothing"
    DROPPED = "dropped"
    # The words had raised a safety alert: the lead has seen them, without the name...
    AFTER_ALERT = "after_alert"
    # ...or with it, as the person asked.
    AFTER_ALERT_NAMED = "after_alert_named"


class SubmitOutcome(enum.Enum):
    """What happened to an item sent."""

    SENT = "sent"
    NOT_MEMBER = "not_member"
    EMPTY = "empty"
    TOO_LONG = "too_long"
    STALE = "stale"


@dataclass(frozen=True)
class SubmitResult:
    """The outcome, the receipt when sent, and an alert if the words suggested risk."""

    outcome: SubmitOutcome
    receipt: Receipt | None = None
    alert_id: str | None = None


@dataclass(frozen=True)
class MineEntry:
    """One of a member's items, as `/mine` lists it."""

    reference: str
    kind: Kind
    group_name: str
    words: str | None
    media_kind: str | None
    status: str
    named: bool
    given_on: date
    consent: Consent
    # Telegram's file id of the voice note or photo, so its author can hear or see it again.
    media_file_id: str | None = None
    # The item's own (random) id, for the button that shows its history to its author.
    item_id: int = 0
    # The last day it may be quoted, if its author set one.
    quote_until: date | None = None


@dataclass(frozen=True)
class MineView:
    """A page of a member's items, newest first."""

    entries: list[MineEntry]
    total: int
    offset: int


class WithdrawOutcome(enum.Enum):
    """What happened when a member withdrew an item."""

    WITHDRAWN = "withdrawn"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class WithdrawResult:
    """The outcome, and whether the coordinators are being told."""

    outcome: WithdrawOutcome
    coordinators_told: bool = False


@dataclass(frozen=True)
class ReaderItem:
    """An item as a coordinator or observer reads it: the author only for named items,
    and only for coordinators."""

    kind: Kind
    given_on: date
    words: str | None
    media_kind: str | None
    status: str
    author: Value | None
    anonymous: bool
    # Its words got the safety reply, and a lead was told.
    risk: bool = False
    item_id: int = 0
    # How its author lets it be used now, and the last day it may be quoted.
    consent: str = "coordinators"
    quote_until: date | None = None


class Sharing:
    """Drafts, sending, a member's own items, withdrawing, and reading a group's items."""

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

    # --- the draft, step by step -----------------------------------------------------------

    async def start(self, telegram_id: int) -> StepView:
        """Begin sharing; offers an unfinished draft back first."""
        async with self._storage.transaction() as tx:
            person, draft = await self._load(tx, telegram_id)
            if person is None:
                return StepView(None, problem=Problem.NOT_MEMBER)
            if draft is not None and draft.has_content:
                return replace(await self._view(tx, person, draft), resumable=True)
            return await self._fresh(tx, person)

    async def carry_on(self, telegram_id: int) -> StepView:
        """Show the unfinished draft where it was left."""
        async with self._storage.read() as tx:
            person, draft = await self._load(tx, telegram_id)
            if person is None or draft is None:
                return StepView(None, problem=Problem.STALE)
            return await self._view(tx, person, draft)

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
            new = Draft(Stage.CONTENT, prompt.group_id, Kind.PROMPT, prompt_id=prompt.id)
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
            new = Draft(Stage.CONTENT, group_id, Kind.SESSION, session_id=session_id)
            return await self._save(tx, person, new)

    async def choose_group(self, telegram_id: int, group_id: int) -> StepView:
        """Share with this group."""
        return await self._change(telegram_id, Stage.GROUP, group=group_id)

    async def choose_kind(self, telegram_id: int, kind: str) -> StepView:
        """Share this kind of item."""
        return await self._change(telegram_id, Stage.KIND, kind=kind)

    async def choose_prompt(self, telegram_id: int, prompt_id: int) -> StepView:
        """Answer this prompt."""
        return await self._change(telegram_id, Stage.PROMPT, prompt=prompt_id)

    async def choose_session(self, telegram_id: int, session_id: int | None) -> StepView:
        """Give feedback on this group meeting (None: one not listed)."""
        return await self._change(telegram_id, Stage.SESSION, session=session_id)

    async def choose_named(self, telegram_id: int, named: bool) -> StepView:
        """Send with the member's name, or without."""
        return await self._change(telegram_id, Stage.NAME, named=named)

    async def choose_consent(self, telegram_id: int, consent: str) -> StepView:
        """How a story may be used."""
        return await self._change(telegram_id, Stage.CONSENT, consent=consent)

    async def give_words(self, telegram_id: int, raw: str) -> StepView:
        """Words typed for the draft (its text, or a caption for a voice note or photo)."""
        async with self._storage.transaction() as tx:
            person, draft = await self._load(tx, telegram_id)
            if person is None or draft is None:
                return StepView(None, problem=Problem.STALE)
            if draft.stage not in (Stage.CONTENT, Stage.CAPTION):
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
            if draft.stage is Stage.CONTENT:
                draft.media_kind = draft.media_file_id = None
            draft.words = words
            alert = await self._alert(tx, telegram_id, draft.group_id, words)
            draft.alert_id = alert or draft.alert_id
            draft.stage = Stage.NAME
            return replace(await self._save(tx, person, draft), alert_id=alert)

    async def give_media(
        self, telegram_id: int, media_kind: str, file_id: str | None, caption: str | None
    ) -> StepView:
        """A voice note, photo or other file sent for the draft."""
        async with self._storage.transaction() as tx:
            person, draft = await self._load(tx, telegram_id)
            if person is None or draft is None:
                return StepView(None, problem=Problem.STALE)
            if draft.stage not in (Stage.CONTENT, Stage.CAPTION):
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
            draft.stage = Stage.NAME if words else Stage.CAPTION
            return replace(await self._save(tx, person, draft), alert_id=alert)

    async def skip(self, telegram_id: int) -> StepView:
        """Leave out an optional step: a caption, keeping the words so far, or the consent."""
        async with self._storage.transaction() as tx:
            person, draft = await self._load(tx, telegram_id)
            if person is None or draft is None:
                return StepView(None, problem=Problem.STALE)
            if draft.stage is Stage.CAPTION or (
                draft.stage is Stage.CONTENT and draft.has_content
            ):
                draft.stage = Stage.NAME
            elif draft.stage is Stage.CONSENT:
                draft.consent, draft.stage = Consent.COORDINATORS, Stage.PREVIEW
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
            draft.stage = Stage.CONTENT
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
                draft is None or draft.stage is not Stage.PREVIEW or draft.reference != reference
            ):
                return await self._sent_before(tx, telegram_id, reference)
            if (
                person is None
                or draft is None
                or draft.stage is not Stage.PREVIEW
                or draft.group_id is None
                or draft.kind is None
                or draft.named is None
            ):
                return SubmitResult(SubmitOutcome.STALE)
            result = await self._store(
                tx,
                person,
                telegram_id,
                chat_id,
                group_id=draft.group_id,
                kind=draft.kind,
                words=draft.words,
                named=draft.named,
                consent=draft.consent or Consent.COORDINATORS,
                prompt_id=draft.prompt_id,
                session_id=draft.session_id,
                media_kind=draft.media_kind,
                media_file_id=draft.media_file_id,
                reference=draft.reference,
            )
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
            result = await self._store(
                tx,
                person,
                telegram_id,
                chat_id,
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
            if result.outcome is SubmitOutcome.SENT:
                alert = await self._alert(tx, telegram_id, group_id, cleaned)
                result = replace(result, alert_id=alert)
            return result

    # --- a member's own items ----------------------------------------------------------------

    async def mine(self, telegram_id: int, offset: int = 0) -> MineView | None:
        """A page of the member's items, newest first; None if they are not known."""
        pseudonym = self._sealer.pseudonym(telegram_id)
        async with self._storage.read() as tx:
            person = await tx.people.by_telegram_id(telegram_id)
            if person is None:
                return None
            # Held items are the newest: they wait for the next batch.
            held = [_held_row(item) for item in await self._held(tx, pseudonym)]
            held.sort(key=lambda row: row.reference)
            start = max(0, offset)
            page = held[start : start + MINE_PAGE]
            total = len(held) + await tx.items.count_of_author(person.id, pseudonym)
            if len(page) < MINE_PAGE:
                page += await tx.items.of_author(
                    person.id, pseudonym, MINE_PAGE - len(page), max(0, start - len(held))
                )
            entries = [await self._entry(tx, row) for row in page]
        return MineView(entries, total, start)

    async def read_own(self, telegram_id: int, reference: str) -> MineEntry | None:
        """One of the member's own items in full; None if it is not theirs or is withdrawn."""
        async with self._storage.read() as tx:
            item = await self._own(tx, telegram_id, reference)
            return None if item is None else await self._entry(tx, item)

    async def withdraw(self, telegram_id: int, reference: str) -> WithdrawResult:
        """Erase the item's words and media and take it out of every view and count.

        If the coordinators had used it, they are told which item was withdrawn; for an
        anonymous item at the next batch moment, so the timing does not point to anyone.
        """
        now = self._clock.now()
        async with self._storage.transaction() as tx:
            item = await self._own(tx, telegram_id, reference)
            result = None if item is None else await self.take_back_item(tx, item, now)
        return result or WithdrawResult(WithdrawOutcome.UNKNOWN)

    async def take_back_item(self, tx: Tx, item: ItemRow, now: datetime) -> WithdrawResult | None:
        """Take one of a member's items back everywhere (`take_back`), telling the
        coordinators if they had used it; None if it was taken back already."""
        if await take_back(tx, item, self._today(), now) is None:
            return None
        told = await was_used(tx, item) and await self._tell_withdrawn(tx, item, now)
        return WithdrawResult(WithdrawOutcome.WITHDRAWN, told)

    # --- the daily batch ------------------------------------------------------------------------

    async def release_held(self) -> int:
        """Give the coordinators every anonymous item whose batch has come; how many.

        They join the items all at once, in random order, in a commit of their own. On an
        SQLite file the write-ahead log is emptied first, so no file holds both the commits
        that held an item, next to its author's, and the one that stores it; and again after.
        """
        now = self._clock.now()
        async with self._storage.read() as tx:
            if not await tx.items.held(now):
                return 0
        await self._storage.checkpoint()
        async with self._storage.transaction() as tx:
            held = await tx.items.held(now, claim=True)
            items = []
            for _, sealed in held:
                try:
                    items.append(self._open_held(sealed))
                except (SealError, ValueError, TypeError) as exc:
                    # Sealed under another key, or damaged: it can never be read again.
                    logger.error("a held item could not be read; dropped: %s", type(exc).__name__)
            secrets.SystemRandom().shuffle(items)
            for item in items:
                await tx.items.add(item)
            await tx.items.drop_held(*(item_id for item_id, _ in held))
        await self._storage.checkpoint()
        return len(items)

    def _seal_held(self, item: ItemNew) -> str:
        return seal_held(self._sealer, item)

    def _open_held(self, sealed: str) -> ItemNew:
        return open_held(self._sealer, sealed)

    async def _held(self, tx: Tx, pseudonym: str | None = None) -> list[ItemNew]:
        return await held_items(tx, self._sealer, pseudonym)

    # --- readers: coordinators and observers -------------------------------------------------

    async def read_group(
        self, telegram_id: int, group_id: int
    ) -> tuple[GroupRow, list[ReaderItem]] | None:
        """The group's items a coordinator or observer may see now; None if not allowed.

        Observers never see who gave an item; coordinators see the author of named items
        only. Within a day items come in random order, so their order says nothing.
        """
        now = self._clock.now()
        async with self._storage.read() as tx:
            coordinator = await may_manage(tx, telegram_id, group_id, self._admins)
            if not coordinator:
                person = await tx.people.by_telegram_id(telegram_id)
                if person is None or not await tx.observers.is_observer(group_id, person.id):
                    return None
            group = await tx.groups.get(group_id)
            if group is None:
                return None
            rows = await tx.items.visible_in_group(group_id, now, READ_LIMIT)
            shown = []
            for row in rows:
                author = None
                if coordinator and row.person_id is not None:
                    writer = await tx.people.get(row.person_id)
                    unnamed = outgoing.words(texts.UNNAMED_MEMBER)
                    author = (writer.display_name if writer else None) or unnamed
                shown.append(
                    ReaderItem(
                        kind=Kind(row.kind),
                        given_on=row.given_on,
                        words=self._open(row.body, BODY_PURPOSE),
                        media_kind=row.media_kind,
                        status=row.status,
                        author=author,
                        anonymous=row.person_id is None,
                        risk=row.risk,
                        item_id=row.id,
                        consent=row.consent,
                        quote_until=row.quote_until,
                    )
                )
        return group, shown

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

    async def _load(self, tx: Tx, telegram_id: int) -> tuple[PersonRow | None, Draft | None]:
        person = await tx.people.by_telegram_id(telegram_id)
        if person is None:
            return None, None
        step = await tx.steps.get(person.id)
        if step is None or step.step not in STAGES:
            return person, None
        try:
            return person, Draft.opened(step.step, step.data, self._sealer)
        except (SealError, ValueError, TypeError) as exc:
            # Sealed under another key, or damaged: it cannot be offered back.
            logger.warning("a draft could not be read: %s", type(exc).__name__)
            return person, None

    async def _save(self, tx: Tx, person: PersonRow, draft: Draft) -> StepView:
        if draft.stage is Stage.PREVIEW and draft.reference is None:
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
            return await self._save(tx, person, Draft(Stage.KIND, groups[0].id))
        return await self._save(tx, person, Draft(Stage.GROUP))

    async def _change(self, telegram_id: int, stage: Stage, **choice: Any) -> StepView:
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
            draft.stage = Stage.KIND
        elif "kind" in choice:
            if choice["kind"] not in set(Kind):
                return Problem.STALE
            draft.kind = Kind(choice["kind"])
            draft.prompt_id = draft.session_id = None
            draft.stage = Stage.CONTENT
            if draft.kind is Kind.PROMPT:
                if draft.group_id is None or not await tx.prompts.open_in_group(
                    draft.group_id, self._today(), 1
                ):
                    draft.kind = None
                    return Problem.NO_PROMPTS
                draft.stage = Stage.PROMPT
            elif draft.kind is Kind.SESSION and await self._recent_sessions(tx, draft.group_id):
                draft.stage = Stage.SESSION
        elif "session" in choice:
            if choice["session"] is not None:
                offered = await self._recent_sessions(tx, draft.group_id)
                if choice["session"] not in [session.id for session in offered]:
                    return Problem.STALE
            draft.session_id, draft.stage = choice["session"], Stage.CONTENT
        elif "prompt" in choice:
            prompt = await tx.prompts.get(choice["prompt"])
            if prompt is None or prompt.group_id != draft.group_id:
                return Problem.STALE
            if prompt.ends_on is not None and prompt.ends_on < self._today():
                return Problem.PROMPT_CLOSED
            draft.prompt_id, draft.stage = prompt.id, Stage.CONTENT
        elif "named" in choice:
            draft.named = bool(choice["named"])
            if not draft.named and draft.consent is Consent.QUOTE_NAMED:
                draft.consent = None
            draft.stage = Stage.CONSENT if draft.kind is Kind.STORY else Stage.PREVIEW
        elif "consent" in choice:
            allowed = [Consent.COORDINATORS, Consent.QUOTE_ANONYMOUS]
            if draft.named:
                allowed.append(Consent.QUOTE_NAMED)
            if choice["consent"] not in [c.value for c in allowed]:
                return Problem.STALE
            draft.consent, draft.stage = Consent(choice["consent"]), Stage.PREVIEW
        return None

    async def _previous(self, tx: Tx, person: PersonRow, draft: Draft) -> Stage:
        several = len(await tx.groups.of_member(person.id)) > 1
        if draft.stage is Stage.KIND:
            return Stage.GROUP if several else Stage.KIND
        if draft.stage in (Stage.PROMPT, Stage.GROUP):
            return Stage.KIND if draft.stage is Stage.PROMPT else Stage.GROUP
        if draft.stage is Stage.SESSION:
            return Stage.KIND
        if draft.stage is Stage.CONTENT:
            if draft.kind is Kind.SESSION and await self._recent_sessions(tx, draft.group_id):
                return Stage.SESSION
            return Stage.PROMPT if draft.kind is Kind.PROMPT else Stage.KIND
        if draft.stage in (Stage.CAPTION, Stage.NAME):
            return Stage.CONTENT
        if draft.stage is Stage.CONSENT:
            return Stage.NAME
        return Stage.CONSENT if draft.kind is Kind.STORY else Stage.NAME

    async def _view(self, tx: Tx, person: PersonRow, draft: Draft) -> StepView:
        group = await tx.groups.get(draft.group_id) if draft.group_id is not None else None
        groups = await tx.groups.of_member(person.id) if draft.stage is Stage.GROUP else []
        prompts: list[PromptRow] = []
        if group is not None and draft.stage in (Stage.KIND, Stage.PROMPT):
            prompts = await tx.prompts.open_in_group(group.id, self._today(), 10)
        prompt = await tx.prompts.get(draft.prompt_id) if draft.prompt_id is not None else None
        sessions: list[SessionRow] = []
        if group is not None and draft.stage is Stage.SESSION:
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
        self,
        tx: Tx,
        person: PersonRow,
        telegram_id: int,
        chat_id: int,
        *,
        group_id: int,
        kind: Kind,
        words: str | None,
        named: bool,
        consent: Consent,
        prompt_id: int | None,
        session_id: int | None,
        media_kind: str | None,
        media_file_id: str | None,
        reference: str | None = None,
    ) -> SubmitResult:
        if words is None and media_file_id is None:
            return SubmitResult(SubmitOutcome.EMPTY)
        if words is not None and len(words) > MAX_WORDS:
            return SubmitResult(SubmitOutcome.TOO_LONG)
        group = await tx.groups.get(group_id)
        if group is None or not await tx.groups.is_member(group_id, person.id):
            return SubmitResult(SubmitOutcome.NOT_MEMBER)
        if not named and consent is Consent.QUOTE_NAMED:
            consent = Consent.QUOTE_ANONYMOUS
        now = self._clock.now()
        item_id, reference = await self._new_identity(tx, reference)
        visible_at = now if named else next_batch(now, self._zone)
        item = ItemNew(
            id=item_id,
            group_id=group_id,
            kind=kind.value,
            reference=reference,
            consent=consent.value,
            given_on=self._today(),
            visible_at=visible_at,
            person_id=person.id if named else None,
            pseudonym=None if named else self._sealer.pseudonym(telegram_id),
            return_address=(
                None if named else self._sealer.seal(str(chat_id), RETURN_ADDRESS_PURPOSE)
            ),
            body=self._sealer.seal(words, BODY_PURPOSE) if words else None,
            media_kind=media_kind if media_file_id else None,
            media_file_id=(
                self._sealer.seal(media_file_id, MEDIA_PURPOSE) if media_file_id else None
            ),
            prompt_id=prompt_id,
            session_id=session_id,
            risk=suggests_risk(words),
        )
        if named:
            await tx.items.add(item)
        else:
            await tx.items.hold(item.id, visible_at, self._seal_held(item))
        # Nothing is logged: a log line's time would show when an anonymous item arrived,
        # which the daily batch hides.
        return SubmitResult(SubmitOutcome.SENT, Receipt(reference, group.name, named, visible_at))

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
            day=item.given_on.strftime("%-d %B %Y"),
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


def seal_held(sealer: Sealer, item: ItemNew) -> str:
    """An anonymous item sealed whole, padded, to be held until the batch."""
    fields = dataclasses.asdict(item)
    fields["given_on"] = item.given_on.isoformat()
    fields["visible_at"] = item.visible_at.isoformat()
    plain = json.dumps(fields)
    return sealer.seal(plain + " " * (-len(plain) % HELD_PAD), HELD_PURPOSE)


def open_held(sealer: Sealer, sealed: str) -> ItemNew:
    """A held item; raises SealError (a ValueError) if it cannot be read."""
    fields = json.loads(sealer.open(sealed, HELD_PURPOSE))
    fields["given_on"] = date.fromisoformat(fields["given_on"])
    fields["visible_at"] = datetime.fromisoformat(fields["visible_at"])
    return ItemNew(**fields)


async def held_items(tx: Tx, sealer: Sealer, pseudonym: str | None = None) -> list[ItemNew]:
    """Held items that can be read (those of the author with `pseudonym`, if given)."""
    found = []
    for _, sealed in await tx.items.held():
        try:
            item = open_held(sealer, sealed)
        except (SealError, ValueError, TypeError):
            continue
        if pseudonym is None or (
            item.pseudonym is not None and secrets.compare_digest(item.pseudonym, pseudonym)
        ):
            found.append(item)
    return found


def _held_row(item: ItemNew) -> ItemRow:
    """A held item as its author sees it: received, not yet with the coordinators."""
    return ItemRow(**asdict(item), status="received", outcome=None, withdrawn_on=None)


KIND_WORDS = {
    Kind.PROMPT: texts.KIND_PROMPT,
    Kind.FEEDBACK: texts.KIND_FEEDBACK,
    Kind.SESSION: texts.KIND_SESSION,
    Kind.STORY: texts.KIND_STORY,
}
STATUS_WORDS = {
    "received": texts.STATUS_RECEIVED,
    "acknowledged": texts.STATUS_ACKNOWLEDGED,
    "considering": texts.STATUS_CONSIDERING,
    "meeting": texts.STATUS_MEETING,
    "outcome": texts.STATUS_OUTCOME,
}
