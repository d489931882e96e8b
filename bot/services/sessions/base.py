"""The state shared by the parts of the sessions service."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.clock import Clock
from bot.services.sharing import Sharing
from storage.database import Storage
from storage.tx import Tx

# Called in the transaction that changes a session's attendance (group, person or None for
# everyone): the payments service makes the claims match.
AttendanceChanged = Callable[[Tx, int, int | None], Awaitable[None]]


class SessionsBase:
    """What every part of the sessions service holds."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        admin_ids: frozenset[int],
        sharing: Sharing,
        attendance_changed: AttendanceChanged | None = None,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._admins = admin_ids
        self._sharing = sharing
        self._attendance_changed = attendance_changed
