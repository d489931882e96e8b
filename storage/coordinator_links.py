"""One-time links that make a person a coordinator of a group."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update

from storage import schema
from storage.types import Executor


@dataclass(frozen=True)
class CoordinatorLinkRow:
    """A one-time link that makes whoever opens it a coordinator."""

    code: str
    expires_at: datetime
    used_at: datetime | None


class CoordinatorLinksRepo:
    """One-time links that make someone a coordinator."""

    def __init__(self, conn: Executor) -> None:
        self._conn = conn

    async def create(
        self, code: str, created_by_telegram_id: int, now: datetime, expires_at: datetime
    ) -> None:
        """Store a new link."""
        await self._conn.execute(
            insert(schema.coordinator_link).values(
                code=code,
                created_by_telegram_id=created_by_telegram_id,
                created_at=now,
                expires_at=expires_at,
            )
        )

    async def get(self, code: str) -> CoordinatorLinkRow | None:
        """The link with this code, if any."""
        link = schema.coordinator_link
        row = (
            await self._conn.execute(
                select(link.c.code, link.c.expires_at, link.c.used_at).where(link.c.code == code)
            )
        ).first()
        return CoordinatorLinkRow(**row._mapping) if row else None

    async def use(self, code: str, now: datetime) -> bool:
        """Mark the link used; False if it was already used."""
        link = schema.coordinator_link
        result = await self._conn.execute(
            update(link).where(link.c.code == code, link.c.used_at.is_(None)).values(used_at=now)
        )
        return bool(result.rowcount)
