"""The services: Chorus's rules, over repositories and a clock; no Telegram, no SQL."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.crypto import Sealer
from bot.services.broadcasts import Broadcasts
from bot.services.groups import Groups
from bot.services.membership import Membership
from bot.services.roles import Roles
from bot.services.sessions import Sessions
from bot.services.steps import Steps
from storage.database import Storage


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
    sessions: Sessions

    @classmethod
    def build(
        cls, storage: Storage, clock: Clock, admin_ids: frozenset[int], sealer: Sealer
    ) -> Services:
        """Build the services over one storage, clock and secret key."""
        return cls(
            clock=clock,
            sealer=sealer,
            roles=Roles(storage, clock, admin_ids),
            groups=Groups(storage, clock, admin_ids),
            membership=Membership(storage, clock, admin_ids),
            steps=Steps(storage, clock),
            broadcasts=Broadcasts(storage, clock, admin_ids),
            sessions=Sessions(storage, clock, admin_ids, sealer),
        )
