"""Sharing: the limits, the steps of a draft, and what each action returns."""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.crypto import Sealer
from bot.presentation import texts
from bot.presentation.outgoing import Value
from bot.services.text_rules import has_visible
from storage.groups import GroupRow
from storage.items import ItemRow
from storage.prompts import PromptRow
from storage.sessions import SessionRow
from storage.steps import DRAFT_KEY, KEEP_KEY
from storage.tx import Tx

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


class ShareStage(enum.StrEnum):
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


STAGES = frozenset(stage.value for stage in ShareStage)


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


DRAFT_FAMILY = "share"


@dataclass
class Draft:
    """A half-written item, as the member sees it (words in plain text)."""

    stage: ShareStage
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

    def submission(self) -> Submission | None:
        """The item to store, once the preview shows it all; None before."""
        if (
            self.stage is not ShareStage.PREVIEW
            or self.group_id is None
            or self.kind is None
            or self.named is None
        ):
            return None
        return Submission(
            group_id=self.group_id,
            kind=self.kind,
            words=self.words,
            named=self.named,
            consent=self.consent or Consent.COORDINATORS,
            prompt_id=self.prompt_id,
            session_id=self.session_id,
            media_kind=self.media_kind,
            media_file_id=self.media_file_id,
            reference=self.reference,
            alert_id=self.alert_id,
        )

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
            # Typed words are kept aside, never lost, if another step starts meanwhile.
            DRAFT_KEY: DRAFT_FAMILY,
            KEEP_KEY: self.has_content,
        }

    @classmethod
    def opened(cls, stage: str, data: dict[str, Any], sealer: Sealer) -> Draft:
        """From the pending step."""
        words, media, reference = data.get("words"), data.get("media"), data.get("reference")
        kind, consent = data.get("kind"), data.get("consent")
        return cls(
            stage=ShareStage(stage),
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
class Submission:
    """An item to store, as a draft or another journey gives it (words in plain text)."""

    group_id: int
    kind: Kind
    words: str | None
    named: bool
    consent: Consent
    prompt_id: int | None = None
    session_id: int | None = None
    media_kind: str | None = None
    media_file_id: str | None = None
    # The reference the preview showed, kept if still free.
    reference: str | None = None
    # The alert the draft's words raised, which goes with the item.
    alert_id: str | None = None


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
    # The item stored, for the service's own use (never shown).
    item_id: int | None = None


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
    # Voice notes coordinators heard too long ago for Telegram to let them be deleted.
    voice_kept: int = 0


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


# A member's own voice note or photo, as their previews and /mine show it.
OWN_MEDIA_WORDS = {"voice": texts.PREVIEW_VOICE, "photo": texts.PREVIEW_PHOTO}
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
