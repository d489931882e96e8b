"""The state shared by the parts of the sessions service."""

from __future__ import annotations

from bot.clock import Clock
from bot.services.sharing import Sharing
from storage.database import Storage


class SessionsBase:
    """What every part of the sessions service holds."""

    def __init__(
        self, storage: Storage, clock: Clock, admin_ids: frozenset[int], sharing: Sharing
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._admins = admin_ids
        self._sharing = sharing
