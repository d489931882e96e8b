"""Sharing (J3): drafts kept across restarts, sending an item, `/mine`, and withdrawing.

Every word a member writes is sealed before it is stored, in the draft as in the item. An
anonymous item holds no person, Telegram id or chat id: only the local date, the keyed
pseudonym (so its author can list and withdraw it) and the sealed return address (so
updates reach them). Until the next daily batch it is held, sealed whole, apart from the
items; at the batch every held item joins them at once, in random order, so neither the
time it arrived nor the commits around its storing point to its author.
"""

from __future__ import annotations

from bot.services.sharing.held import (
    held_items,
    open_held,
    seal_held,
)
from bot.services.sharing.model import (
    BATCH_TIME,
    BODY_PURPOSE,
    DRAFT_MEDIA_PURPOSE,
    DRAFT_REFERENCE_PURPOSE,
    DRAFT_WORDS_PURPOSE,
    HELD_PAD,
    HELD_PURPOSE,
    KIND_WORDS,
    MAX_WORDS,
    MEDIA_KINDS,
    MEDIA_PURPOSE,
    MINE_PAGE,
    OWN_MEDIA_WORDS,
    READ_LIMIT,
    RECENT_SESSIONS,
    SESSIONS_OFFERED,
    SMALL_GROUP,
    STAGES,
    STATUS_WORDS,
    WITHDRAWN_KIND,
    Consent,
    DiscardOutcome,
    Draft,
    Kind,
    MineEntry,
    MineView,
    Problem,
    ReaderItem,
    Receipt,
    ShareStage,
    StepView,
    SubmitOutcome,
    SubmitResult,
    WithdrawOutcome,
    WithdrawResult,
    clean_words,
    next_batch,
    was_used,
)
from bot.services.sharing.service import Sharing

__all__ = [
    "BATCH_TIME",
    "BODY_PURPOSE",
    "DRAFT_MEDIA_PURPOSE",
    "DRAFT_REFERENCE_PURPOSE",
    "DRAFT_WORDS_PURPOSE",
    "HELD_PAD",
    "HELD_PURPOSE",
    "KIND_WORDS",
    "MAX_WORDS",
    "MEDIA_KINDS",
    "MEDIA_PURPOSE",
    "MINE_PAGE",
    "OWN_MEDIA_WORDS",
    "READ_LIMIT",
    "RECENT_SESSIONS",
    "SESSIONS_OFFERED",
    "SMALL_GROUP",
    "STAGES",
    "STATUS_WORDS",
    "WITHDRAWN_KIND",
    "Consent",
    "DiscardOutcome",
    "Draft",
    "Kind",
    "MineEntry",
    "MineView",
    "Problem",
    "ReaderItem",
    "Receipt",
    "ShareStage",
    "Sharing",
    "StepView",
    "SubmitOutcome",
    "SubmitResult",
    "WithdrawOutcome",
    "WithdrawResult",
    "clean_words",
    "held_items",
    "next_batch",
    "open_held",
    "seal_held",
    "was_used",
]
