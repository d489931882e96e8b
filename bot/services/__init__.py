"""The services: Chorus's rules, over repositories and a clock; no Telegram, no SQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TypedDict
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.crypto import Sealer
from bot.presentation.languages import LANGUAGES
from bot.services.access import Access
from bot.services.broadcasts import Broadcasts
from bot.services.consent import ItemConsent
from bot.services.contributor_updates import ContributorUpdates
from bot.services.conversations import Conversations
from bot.services.followup_actions import FollowUpActions
from bot.services.groups import Groups
from bot.services.inbox import Inbox
from bot.services.inbox_drafts import InboxDrafts
from bot.services.languages import Languages
from bot.services.long_messages import LongMessages
from bot.services.membership import Membership
from bot.services.nudges import Nudges
from bot.services.payments import Payments
from bot.services.prompts import Prompts
from bot.services.reports import Reports
from bot.services.rights import Retention, Rights
from bot.services.roles import Roles
from bot.services.safety import TAKE_WITHIN, Safety
from bot.services.sessions import Sessions
from bot.services.sharing import Sharing
from bot.services.steps import Steps
from bot.services.withdrawal import Withdrawal
from bot.services.you_said import YouSaid
from bot.settings import DEFAULT_HELPLINES
from storage.database import Storage

DEFAULT_ZONE = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Services:
    """Every service, built once per application."""

    clock: Clock
    sealer: Sealer
    roles: Roles
    groups: Groups
    membership: Membership
    steps: Steps
    broadcasts: Broadcasts
    safety: Safety
    sharing: Sharing
    prompts: Prompts
    # Closing the loop (J4)
    contributor_updates: ContributorUpdates
    inbox: Inbox
    # A meeting, outcome or reply being written about an item.
    inbox_drafts: InboxDrafts
    followup_actions: FollowUpActions
    nudges: Nudges
    you_said: YouSaid
    reports: Reports
    sessions: Sessions
    # Whether a tapped button's group, session, item or action is the person's to use.
    access: Access
    # The parts of a long message Telegram split, held a few seconds to be joined.
    long_messages: LongMessages
    conversations: Conversations
    # Data rights (J7): /mydata, /forgetme, retention.
    rights: Rights
    # Where items' words went (so taking one back reaches every copy), and consent changes.
    withdrawal: Withdrawal
    consent: ItemConsent
    # Involvement payment and recognition (J8)
    payments: Payments
    # Each person's language and easy-read setting.
    languages: Languages

    @classmethod
    def build(
        cls,
        storage: Storage,
        clock: Clock,
        admin_ids: frozenset[int],
        sealer: Sealer,
        *,
        zone: ZoneInfo = DEFAULT_ZONE,
        helplines: Sequence[str] = DEFAULT_HELPLINES,
        alert_take_within: timedelta = TAKE_WITHIN,
        retention: Retention | None = None,
    ) -> Services:
        """Build the services over one storage, clock and secret key, in the local zone."""
        storage.seal_steps_with(sealer)
        safety = Safety(
            storage, clock, sealer, admin_ids, helplines, zone=zone, take_within=alert_take_within
        )
        sharing = Sharing(storage, clock, sealer, safety, zone, admin_ids)
        payments = Payments(storage, clock, admin_ids, zone)
        sessions = Sessions(storage, clock, admin_ids, sharing, payments.sync_claims)
        return cls(
            clock=clock,
            sealer=sealer,
            roles=Roles(storage, clock, admin_ids),
            groups=Groups(storage, clock, admin_ids),
            membership=Membership(storage, clock, admin_ids, sessions, zone, sealer, sharing),
            steps=Steps(storage, clock, admin_ids),
            broadcasts=Broadcasts(storage, clock, admin_ids),
            safety=safety,
            sharing=sharing,
            prompts=Prompts(storage, clock, admin_ids, zone),
            **_followup(storage, clock, admin_ids, sealer, zone),
            reports=Reports(storage, clock, admin_ids, sealer, zone),
            sessions=sessions,
            access=Access(storage, admin_ids),
            long_messages=LongMessages(),
            **_own(storage, clock, sealer, zone, retention or Retention()),
            payments=payments,
        )


class _Own(TypedDict):
    """The services of what people own: their data, their items' consent, their language."""

    rights: Rights
    withdrawal: Withdrawal
    consent: ItemConsent
    languages: Languages


def _own(
    storage: Storage, clock: Clock, sealer: Sealer, zone: ZoneInfo, retention: Retention
) -> _Own:
    """The services of what people own, over one storage, clock and secret key."""
    return _Own(
        rights=Rights(storage, clock, sealer, zone, retention),
        withdrawal=Withdrawal(storage, clock, sealer, zone),
        consent=ItemConsent(storage, clock, sealer, zone),
        languages=Languages(storage, clock, LANGUAGES),
    )


class _FollowUp(TypedDict):
    """The follow-up of input's services (J4), which share the contributor updates."""

    contributor_updates: ContributorUpdates
    inbox: Inbox
    inbox_drafts: InboxDrafts
    followup_actions: FollowUpActions
    nudges: Nudges
    you_said: YouSaid
    conversations: Conversations


def _followup(
    storage: Storage, clock: Clock, admin_ids: frozenset[int], sealer: Sealer, zone: ZoneInfo
) -> _FollowUp:
    """The follow-up of input's services, built over one contributor updates service."""
    contributor_updates = ContributorUpdates(storage, clock, sealer)
    conversations = Conversations(storage, clock, sealer, admin_ids, contributor_updates)
    inbox = Inbox(storage, clock, admin_ids, sealer, contributor_updates, zone, conversations)
    return _FollowUp(
        contributor_updates=contributor_updates,
        inbox=inbox,
        inbox_drafts=InboxDrafts(storage, clock, inbox),
        followup_actions=FollowUpActions(storage, clock, admin_ids, sealer, contributor_updates),
        nudges=Nudges(storage, clock, inbox, zone, sealer),
        you_said=YouSaid(storage, clock, admin_ids, sealer, zone),
        conversations=conversations,
    )
