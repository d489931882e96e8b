"""Risk alerts: words that matched the safeguarding phrases, and following them up.

The words arrive here already sealed (bot/crypto.py). The caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, update

from storage import schema
from storage.types import Executor


@dataclass(frozen=True)
class RiskAlertRow:
    """Words that matched the safeguarding phrases, and where following them up stands."""

    id: str
    group_id: int | None
    pseudonym: str
    words: str | None
    state: str
    ask_until: datetime
    raised_at: datetime | None = None
    answer: str | None = None
    identity: str | None = None
    reason: str | None = None
    told_at: datetime | None = None
    check_at: datetime | None = None
    escalated_at: datetime | None = None
    owner_id: int | None = None
    taken_at: datetime | None = None
    closed_at: datetime | None = None
    note: str | None = None
    # The writer's chat id, sealed: how a lead writes to them without learning who they are.
    return_address: str | None = None
    # A keyed digest of the item its words went into, if any, and when that item was taken
    # back (its words are then gone from the alert, which stays).
    item_key: str | None = None
    withdrawn_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        """True until a lead closes it."""
        return self.closed_at is None


class RiskAlertsRepo:
    """Risk alerts: waiting for the writer's answer, then open until a lead closes them."""

    def __init__(self, conn: Executor) -> None:
        self._conn = conn

    async def create(
        self,
        alert_id: str,
        group_id: int | None,
        pseudonym: str,
        words: str,
        ask_until: datetime,
        *,
        raised_at: datetime | None = None,
        reason: str | None = None,
        return_address: str | None = None,
    ) -> None:
        """Store a new alert, asked; `words` and `reason` sealed already."""
        await self._conn.execute(
            insert(schema.risk_alert).values(
                id=alert_id,
                group_id=group_id,
                pseudonym=pseudonym,
                words=words,
                state="asked",
                ask_until=ask_until,
                raised_at=raised_at,
                reason=reason,
                return_address=return_address,
            )
        )

    async def get(self, alert_id: str) -> RiskAlertRow | None:
        """The alert with this id, if any."""
        r = schema.risk_alert
        row = (await self._conn.execute(select(r).where(r.c.id == alert_id))).first()
        return RiskAlertRow(**row._mapping) if row else None

    async def settle(self, alert_id: str, state: str) -> bool:
        """Leave the asked state for `state`; False if it had already left it."""
        r = schema.risk_alert
        result = await self._conn.execute(
            update(r).where(r.c.id == alert_id, r.c.state == "asked").values(state=state)
        )
        return bool(result.rowcount)

    async def record_answer(self, alert_id: str, answer: str, identity: str | None) -> bool:
        """Keep the writer's answer (and, after a yes, who they are, sealed); False if the
        alert is closed."""
        r = schema.risk_alert
        values: dict[str, object] = {"answer": answer}
        if identity is not None:
            values["identity"] = identity
        result = await self._conn.execute(
            update(r).where(r.c.id == alert_id, r.c.closed_at.is_(None)).values(**values)
        )
        return bool(result.rowcount)

    async def told(self, alert_id: str, now: datetime, check_at: datetime | None) -> None:
        """The leads (or admins) were told; look again at `check_at` if no one takes it."""
        r = schema.risk_alert
        await self._conn.execute(
            update(r)
            .where(r.c.id == alert_id)
            .values(told_at=func.coalesce(r.c.told_at, now), check_at=check_at)
        )

    async def check_again(
        self, alert_id: str, check_at: datetime | None, escalated_at: datetime | None = None
    ) -> None:
        """When the tick should look at the alert next (None: not unless asked)."""
        r = schema.risk_alert
        values: dict[str, object] = {"check_at": check_at}
        if escalated_at is not None:
            values["escalated_at"] = escalated_at
        await self._conn.execute(update(r).where(r.c.id == alert_id).values(**values))

    async def unanswered(self, now: datetime, limit: int) -> list[RiskAlertRow]:
        """Alerts whose time to answer has passed."""
        r = schema.risk_alert
        rows = await self._conn.execute(
            select(r)
            .where(r.c.state == "asked", r.c.ask_until <= now)
            .order_by(r.c.ask_until)
            .limit(limit)
        )
        return [RiskAlertRow(**row._mapping) for row in rows]

    async def due_checks(self, now: datetime, limit: int) -> list[RiskAlertRow]:
        """Open alerts no one has taken whose time to look again has come."""
        r = schema.risk_alert
        rows = await self._conn.execute(
            select(r)
            .where(
                r.c.check_at <= now,
                r.c.closed_at.is_(None),
                r.c.owner_id.is_(None),
                r.c.state != "asked",
            )
            .order_by(r.c.check_at)
            .limit(limit)
        )
        return [RiskAlertRow(**row._mapping) for row in rows]

    async def take(self, alert_id: str, owner_id: int, now: datetime) -> bool:
        """Make `owner_id` the alert's owner; False if it is taken, closed or not yet told."""
        r = schema.risk_alert
        result = await self._conn.execute(
            update(r)
            .where(
                r.c.id == alert_id,
                r.c.owner_id.is_(None),
                r.c.closed_at.is_(None),
                r.c.state != "asked",
            )
            .values(owner_id=owner_id, taken_at=now, check_at=None)
        )
        return bool(result.rowcount)

    async def close(self, alert_id: str, owner_id: int, note: str, now: datetime) -> bool:
        """Close the owner's alert with a note (sealed); the words and who it was are
        erased. False if it is not theirs or already closed."""
        r = schema.risk_alert
        result = await self._conn.execute(
            update(r)
            .where(r.c.id == alert_id, r.c.owner_id == owner_id, r.c.closed_at.is_(None))
            .values(
                state="closed",
                closed_at=now,
                note=note,
                words=None,
                reason=None,
                identity=None,
                check_at=None,
            )
        )
        return bool(result.rowcount)

    async def open(self, limit: int, told_before: datetime) -> list[RiskAlertRow]:
        """Alerts the leads were told of before `told_before` and no one has closed, oldest
        first."""
        r = schema.risk_alert
        rows = await self._conn.execute(
            select(r)
            .where(r.c.closed_at.is_(None), r.c.state != "asked", r.c.told_at < told_before)
            .order_by(r.c.ask_until)
            .limit(limit)
        )
        return [RiskAlertRow(**row._mapping) for row in rows]
