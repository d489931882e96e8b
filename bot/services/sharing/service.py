"""The Sharing service, made of its parts."""

from __future__ import annotations

from bot.services.sharing.batch import Batch
from bot.services.sharing.drafts import Drafting
from bot.services.sharing.mine import OwnItems
from bot.services.sharing.readers import Readers


class Sharing(Drafting, OwnItems, Batch, Readers):
    """Drafts, sending, a member's own items, withdrawing, and reading a group's items."""
