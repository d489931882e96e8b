"""Data rights: everything held about one person, read for `/mydata`, and erased in small
steps for `/forgetme`; what the retention settings say must go. The caller owns the
transaction; each erasing step is small, so no transaction holds the database long."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select, update

from storage import schema
from storage.types import Executor, off_loop

# What a sent message's contents become once they are no longer kept.
ERASED_PAYLOAD = '{"text": ""}'


@dataclass(frozen=True)
class ErasureRow:
    """A person's `/forgetme`: asked, or confirmed and under way."""

    person_id: int
    token: str
    state: str
    keep_anonymous: bool | None
    asked_at: datetime
    started_at: datetime | None


def _dicts(rows: Any) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in rows]


class RightsRepo:
    """Reading and erasing one person's data; the retention settings' erasing."""

    def __init__(self, conn: Executor) -> None:
        self._conn = conn

    # --- /mydata -------------------------------------------------------------------------

    async def requests_since(self, person_id: int, since: datetime) -> int:
        """How many times the person asked for their data since `since`."""
        r = schema.data_request
        count = await self._conn.execute(
            select(func.count())
            .select_from(r)
            .where(r.c.person_id == person_id, r.c.requested_at >= since)
        )
        return int(count.scalar_one())

    async def note_request(self, person_id: int, now: datetime) -> None:
        """Remember that the person asked for their data now."""
        await self._conn.execute(
            insert(schema.data_request).values(person_id=person_id, requested_at=now)
        )

    async def memberships(self, person_id: int) -> list[dict[str, Any]]:
        """The person's groups, with when they joined (and so agreed to the terms shown)."""
        m, g = schema.membership, schema.group
        rows = await self._conn.execute(
            select(g.c.id.label("group_id"), g.c.name, m.c.joined_at, m.c.consent_wording)
            .join(g, g.c.id == m.c.group_id)
            .where(m.c.person_id == person_id)
            .order_by(m.c.joined_at)
        )
        return _dicts(rows)

    async def departures(self, person_id: int) -> list[dict[str, Any]]:
        """The groups the person left or was removed from (for the coordinators' notice, kept
        a month), with a coordinator's reason (sealed) if one was kept."""
        d, g = schema.membership_departure, schema.group
        rows = await self._conn.execute(
            select(g.c.name, d.c.left_at, d.c.reason)
            .join(g, g.c.id == d.c.group_id)
            .where(d.c.person_id == person_id)
            .order_by(d.c.left_at)
        )
        return _dicts(rows)

    async def note_consent(self, group_id: int, person_id: int, wording: str) -> None:
        """Remember which wording of the join message the member agreed to."""
        m = schema.membership
        await self._conn.execute(
            update(m)
            .where(m.c.group_id == group_id, m.c.person_id == person_id)
            .values(consent_wording=wording)
        )

    async def roles(self, person_id: int) -> dict[str, list[str] | bool]:
        """The groups the person coordinates or observes, and whether they are a lead."""
        g, c, o = schema.group, schema.group_coordinator, schema.group_observer
        coordinates = await self._conn.execute(
            select(g.c.name).join(c, c.c.group_id == g.c.id).where(c.c.person_id == person_id)
        )
        observes = await self._conn.execute(
            select(g.c.name).join(o, o.c.group_id == g.c.id).where(o.c.person_id == person_id)
        )
        lead = await self._conn.execute(
            select(schema.safeguarding_lead.c.person_id).where(
                schema.safeguarding_lead.c.person_id == person_id
            )
        )
        return {
            "coordinator_of": list(coordinates.scalars()),
            "observer_of": list(observes.scalars()),
            "safeguarding_lead": lead.first() is not None,
        }

    async def digest(self, person_id: int) -> dict[str, Any] | None:
        """How the person hears about what happened to their words (None: as it happens)."""
        d = schema.digest_preference
        row = await self._conn.execute(
            select(d.c.rhythm, d.c.weekday, d.c.at_time).where(d.c.person_id == person_id)
        )
        found = row.first()
        return None if found is None else dict(found._mapping)

    @off_loop
    async def session_answers(self, person_id: int) -> list[dict[str, Any]]:
        """The person's answers to group meetings."""
        a, s, g = schema.session_answer, schema.group_session, schema.group
        rows = await self._conn.execute(
            select(
                s.c.title,
                g.c.name.label("group"),
                s.c.starts_at,
                a.c.answer,
                a.c.answered_at,
            )
            .join(s, s.c.id == a.c.session_id)
            .join(g, g.c.id == s.c.group_id)
            .where(a.c.person_id == person_id)
            .order_by(s.c.starts_at)
        )
        return _dicts(rows)

    @off_loop
    async def attendance(self, person_id: int) -> list[dict[str, Any]]:
        """The meetings the person was marked at, and the involvement time each counts."""
        a, s, g = schema.session_attendance, schema.group_session, schema.group
        rows = await self._conn.execute(
            select(
                a.c.session_id,
                s.c.group_id,
                s.c.title,
                g.c.name.label("group"),
                s.c.starts_at,
                a.c.came,
                a.c.minutes,
            )
            .join(s, s.c.id == a.c.session_id)
            .join(g, g.c.id == s.c.group_id)
            .where(a.c.person_id == person_id)
            .order_by(s.c.starts_at)
        )
        return _dicts(rows)

    @off_loop
    async def items(self, person_id: int, pseudonym: str) -> list[dict[str, Any]]:
        """Every item the person gave: named (by person) and anonymous (by pseudonym)."""
        i, g = schema.item, schema.group
        rows = await self._conn.execute(
            select(
                i.c.id,
                i.c.reference,
                g.c.name.label("group"),
                i.c.kind,
                i.c.person_id,
                i.c.body,
                i.c.media_kind,
                i.c.consent,
                i.c.status,
                i.c.outcome,
                i.c.given_on,
                i.c.withdrawn_on,
                i.c.risk,
            )
            .join(g, g.c.id == i.c.group_id)
            .where(or_(i.c.person_id == person_id, i.c.pseudonym == pseudonym))
            .order_by(i.c.given_on, i.c.reference)
        )
        return _dicts(rows)

    @off_loop
    async def events(self, item_ids: Sequence[int]) -> list[dict[str, Any]]:
        """What happened to these items, in order (coordinators' words sealed)."""
        e = schema.item_event
        found: list[dict[str, Any]] = []
        for chunk in _chunks(item_ids):
            rows = await self._conn.execute(
                select(e.c.item_id, e.c.kind, e.c.outcome, e.c.text, e.c.due_on, e.c.at)
                .where(e.c.item_id.in_(chunk))
                .order_by(e.c.item_id, e.c.id)
            )
            found += _dicts(rows)
        return found

    @off_loop
    async def contributor_updates(self, person_id: int, pseudonym: str) -> list[dict[str, Any]]:
        """Updates about the person's items, sent or waiting (their words sealed)."""
        u = schema.contributor_update
        rows = await self._conn.execute(
            select(u.c.item_id, u.c.text, u.c.state, u.c.created_at, u.c.queued_at)
            .where(or_(u.c.person_id == person_id, u.c.pseudonym == pseudonym))
            .order_by(u.c.created_at, u.c.id)
        )
        return _dicts(rows)

    @off_loop
    async def outbox(self, person_id: int) -> list[dict[str, Any]]:
        """Messages to the person: waiting, or sent and still kept."""
        o = schema.outbox
        rows = await self._conn.execute(
            select(o.c.kind, o.c.payload, o.c.state, o.c.due_at, o.c.sent_at)
            .where(o.c.person_id == person_id)
            .order_by(o.c.due_at, o.c.id)
        )
        return _dicts(rows)

    async def alerts(self, pseudonym: str) -> list[dict[str, Any]]:
        """Safeguarding alerts raised by the person's words."""
        a = schema.risk_alert
        rows = await self._conn.execute(
            select(
                a.c.id,
                a.c.state,
                a.c.answer,
                a.c.identity,
                a.c.raised_at,
                a.c.told_at,
                a.c.taken_at,
                a.c.closed_at,
            )
            .where(a.c.pseudonym == pseudonym)
            .order_by(a.c.raised_at)
        )
        return _dicts(rows)

    @off_loop
    async def conversations(self, person_id: int, pseudonym: str) -> list[dict[str, Any]]:
        """What was said in the person's conversations with coordinators and leads (sealed)."""
        c, m = schema.conversation, schema.conversation_message
        rows = await self._conn.execute(
            select(c.c.id, c.c.kind, c.c.item_id, m.c.direction, m.c.text, m.c.at)
            .join(m, m.c.conversation_id == c.c.id)
            .where(or_(c.c.person_id == person_id, c.c.pseudonym == pseudonym))
            .order_by(c.c.opened_at, m.c.id)
        )
        return _dicts(rows)

    # --- /forgetme -----------------------------------------------------------------------

    async def erasure(self, person_id: int) -> ErasureRow | None:
        """The person's `/forgetme`, if they asked."""
        e = schema.erasure
        row = (await self._conn.execute(select(e).where(e.c.person_id == person_id))).first()
        return None if row is None else ErasureRow(**row._mapping)

    async def ask_erasure(self, person_id: int, token: str, now: datetime) -> None:
        """The person asked to be forgotten; only a confirmation carrying `token` goes on."""
        e = schema.erasure
        await self._conn.execute(delete(e).where(e.c.person_id == person_id))
        await self._conn.execute(
            insert(e).values(person_id=person_id, token=token, state="asked", asked_at=now)
        )

    async def start_erasure(self, person_id: int, keep_anonymous: bool, now: datetime) -> None:
        """The person confirmed: the erasing begins, and finishes even after a crash."""
        e = schema.erasure
        await self._conn.execute(
            update(e)
            .where(e.c.person_id == person_id, e.c.state == "asked")
            .values(state="erasing", keep_anonymous=keep_anonymous, started_at=now)
        )

    async def erasing(self) -> list[ErasureRow]:
        """Erasures confirmed and not finished (a crash came in between)."""
        e = schema.erasure
        rows = await self._conn.execute(select(e).where(e.c.state == "erasing"))
        return [ErasureRow(**row._mapping) for row in rows]

    async def named_item_ids(self, person_id: int, limit: int) -> list[int]:
        """Some of the person's named items."""
        i = schema.item
        rows = await self._conn.execute(
            select(i.c.id).where(i.c.person_id == person_id).limit(limit)
        )
        return list(rows.scalars())

    async def anonymous_items(self, pseudonym: str, limit: int) -> list[tuple[int, str | None]]:
        """Some of the person's anonymous items, with their sealed return addresses."""
        i = schema.item
        rows = await self._conn.execute(
            select(i.c.id, i.c.return_address).where(i.c.pseudonym == pseudonym).limit(limit)
        )
        return [(int(row.id), row.return_address) for row in rows]

    async def voice_items(self, item_ids: Sequence[int]) -> list[int]:
        """Those of these items that are voice notes."""
        i = schema.item
        rows = await self._conn.execute(
            select(i.c.id).where(i.c.id.in_(list(item_ids)), i.c.media_kind == "voice")
        )
        return list(rows.scalars())

    @off_loop
    async def delete_items(self, item_ids: Sequence[int]) -> None:
        """Delete items with everything that hangs on them: history, links to actions,
        updates waiting for their author, conversations about them."""
        if not item_ids:
            return
        ids = list(item_ids)
        c, m = schema.conversation, schema.conversation_message
        conversations = select(c.c.id).where(c.c.item_id.in_(ids)).scalar_subquery()
        await self._conn.execute(delete(m).where(m.c.conversation_id.in_(conversations)))
        await self._conn.execute(delete(c).where(c.c.item_id.in_(ids)))
        await self._conn.execute(
            delete(schema.contributor_update).where(schema.contributor_update.c.item_id.in_(ids))
        )
        await self._conn.execute(
            delete(schema.action_item).where(schema.action_item.c.item_id.in_(ids))
        )
        await self._conn.execute(
            delete(schema.item_event).where(schema.item_event.c.item_id.in_(ids))
        )
        await self._conn.execute(delete(schema.item).where(schema.item.c.id.in_(ids)))

    @off_loop
    async def unlink_items(self, item_ids: Sequence[int]) -> None:
        """Keep items with no way back to their author: no pseudonym, no return address,
        no updates or conversations waiting to reach them."""
        if not item_ids:
            return
        ids = list(item_ids)
        c, m = schema.conversation, schema.conversation_message
        conversations = select(c.c.id).where(c.c.item_id.in_(ids)).scalar_subquery()
        await self._conn.execute(delete(m).where(m.c.conversation_id.in_(conversations)))
        await self._conn.execute(delete(c).where(c.c.item_id.in_(ids)))
        await self._conn.execute(
            delete(schema.contributor_update).where(schema.contributor_update.c.item_id.in_(ids))
        )
        i = schema.item
        await self._conn.execute(
            update(i).where(i.c.id.in_(ids)).values(pseudonym=None, return_address=None)
        )

    async def reseal_held(self, hold_id: int, sealed: str) -> None:
        """Replace what a held anonymous item holds (sealed whole)."""
        h = schema.item_hold
        await self._conn.execute(update(h).where(h.c.id == hold_id).values(sealed=sealed))

    async def delete_messages_to(self, return_addresses: Sequence[str]) -> None:
        """Delete every message (waiting or sent) to these sealed return addresses."""
        o = schema.outbox
        for chunk in _chunks([a for a in return_addresses if a]):
            await self._conn.execute(delete(o).where(o.c.return_address.in_(chunk)))

    @off_loop
    async def forget_pseudonym(self, pseudonym: str, replacement: str) -> None:
        """Nothing left keyed by the pseudonym: updates and conversations deleted, and the
        safeguarding alerts its words raised kept for the leads' record under a random
        name, without the words, who it was, or the way back to them."""
        u, c, m = schema.contributor_update, schema.conversation, schema.conversation_message
        await self._conn.execute(delete(u).where(u.c.pseudonym == pseudonym))
        conversations = select(c.c.id).where(c.c.pseudonym == pseudonym).scalar_subquery()
        await self._conn.execute(delete(m).where(m.c.conversation_id.in_(conversations)))
        await self._conn.execute(delete(c).where(c.c.pseudonym == pseudonym))
        a = schema.risk_alert
        await self._conn.execute(
            update(a)
            .where(a.c.pseudonym == pseudonym)
            .values(
                pseudonym=replacement, words=None, identity=None, return_address=None, reason=None
            )
        )

    async def keep_hours(self, person_id: int, on_day: dict[int, date]) -> None:
        """Keep the person's involvement time only as the accounts need it (group, meeting,
        minutes, day), then delete their attendance."""
        a, s = schema.session_attendance, schema.group_session
        rows = await self._conn.execute(
            select(a.c.session_id, s.c.group_id, a.c.minutes)
            .join(s, s.c.id == a.c.session_id)
            .where(a.c.person_id == person_id, a.c.came.is_(True), a.c.minutes > 0)
        )
        kept = [
            {
                "group_id": row.group_id,
                "session_id": row.session_id,
                "minutes": row.minutes,
                "on_day": on_day[row.session_id],
            }
            for row in rows
        ]
        if kept:
            await self._conn.execute(insert(schema.kept_hours), kept)
        await self._conn.execute(delete(a).where(a.c.person_id == person_id))

    async def kept_hours(self, group_id: int, start: date, end: date) -> list[tuple[date, int]]:
        """The day and minutes of each attendance kept for the accounts, from `start` up to
        (not including) `end`."""
        k = schema.kept_hours
        rows = await self._conn.execute(
            select(k.c.on_day, k.c.minutes)
            .where(k.c.group_id == group_id, k.c.on_day >= start, k.c.on_day < end)
            .order_by(k.c.on_day)
        )
        return [(row.on_day, int(row.minutes)) for row in rows]

    async def session_days(self, person_id: int) -> list[tuple[int, datetime]]:
        """When each meeting the person was marked at began."""
        a, s = schema.session_attendance, schema.group_session
        rows = await self._conn.execute(
            select(s.c.id, s.c.starts_at)
            .join(a, a.c.session_id == s.c.id)
            .where(a.c.person_id == person_id)
        )
        return [(int(row.id), row.starts_at) for row in rows]

    @off_loop
    async def sent_naming(self, words: Sequence[str]) -> list[int]:
        """Messages already sent (or given up) that show any of these words in the clear
        (a name in a coordinators' notice), their contents still kept."""
        o = schema.outbox
        wanted = [w for w in words if w]
        if not wanted:
            return []
        rows = await self._conn.execute(
            select(o.c.id).where(
                o.c.state != "pending",
                o.c.state != "sending",
                or_(*(o.c.payload.contains(w, autoescape=True) for w in wanted)),
            )
        )
        return list(rows.scalars())

    @off_loop
    async def delete_person(self, person_id: int) -> bool:
        """Delete the person row; what is theirs alone goes with it (memberships, answers,
        steps and drafts, settings, messages to them, this erasure)."""
        p = schema.person
        for table in (
            schema.membership,
            schema.membership_departure,
            schema.session_answer,
            schema.pending_step,
            schema.digest_preference,
            schema.contributor_update,
            schema.conversation,
            schema.outbox,
            schema.data_request,
            schema.group_coordinator,
            schema.group_observer,
            schema.safeguarding_lead,
            schema.erasure,
        ):
            if table is schema.conversation:
                c, m = schema.conversation, schema.conversation_message
                ids = select(c.c.id).where(c.c.person_id == person_id).scalar_subquery()
                await self._conn.execute(delete(m).where(m.c.conversation_id.in_(ids)))
            await self._conn.execute(delete(table).where(table.c.person_id == person_id))
        result = await self._conn.execute(delete(p).where(p.c.id == person_id))
        return bool(result.rowcount)

    # --- retention -----------------------------------------------------------------------

    @off_loop
    async def words_past_keeping(self, before: datetime, limit: int) -> list[int]:
        """Items with words or media still kept whose outcome was recorded before `before`."""
        i, e = schema.item, schema.item_event
        outcome_at = (
            select(func.max(e.c.at))
            .where(e.c.item_id == i.c.id, e.c.kind == "outcome")
            .scalar_subquery()
        )
        rows = await self._conn.execute(
            select(i.c.id)
            .where(
                i.c.status == "outcome",
                or_(i.c.body.is_not(None), i.c.media_file_id.is_not(None)),
                outcome_at < before,
            )
            .limit(limit)
        )
        return list(rows.scalars())

    @off_loop
    async def erase_words(self, item_ids: Sequence[int]) -> None:
        """Erase these items' words and media, and the updates quoting them."""
        if not item_ids:
            return
        ids = list(item_ids)
        i, u = schema.item, schema.contributor_update
        await self._conn.execute(
            update(i).where(i.c.id.in_(ids)).values(body=None, media_file_id=None)
        )
        await self._conn.execute(delete(u).where(u.c.item_id.in_(ids)))

    @off_loop
    async def sent_past_keeping(self, before: datetime, limit: int) -> list[int]:
        """Messages sent or given up before `before` whose contents are still kept."""
        o = schema.outbox
        done = and_(o.c.state != "pending", o.c.state != "sending")
        old = or_(o.c.sent_at < before, and_(o.c.sent_at.is_(None), o.c.created_at < before))
        kept = or_(o.c.payload != ERASED_PAYLOAD, o.c.return_address.is_not(None))
        rows = await self._conn.execute(select(o.c.id).where(done, old, kept).limit(limit))
        return list(rows.scalars())

    @off_loop
    async def erase_sent(self, outbox_ids: Sequence[int]) -> None:
        """Erase these messages' contents and sealed return addresses."""
        o = schema.outbox
        for chunk in _chunks(outbox_ids):
            await self._conn.execute(
                update(o)
                .where(o.c.id.in_(chunk))
                .values(payload=ERASED_PAYLOAD, return_address=None)
            )

    @off_loop
    async def count_items(self, person_id: int, pseudonym: str) -> tuple[int, int]:
        """How many items the person gave with their name, and without."""
        i = schema.item
        named = await self._conn.execute(
            select(func.count()).select_from(i).where(i.c.person_id == person_id)
        )
        anonymous = await self._conn.execute(
            select(func.count()).select_from(i).where(i.c.pseudonym == pseudonym)
        )
        return int(named.scalar_one()), int(anonymous.scalar_one())

    @off_loop
    async def prune_requests(self, before: datetime) -> None:
        """Forget requests for data older than `before`."""
        r = schema.data_request
        await self._conn.execute(delete(r).where(r.c.requested_at < before))


def _chunks(values: Sequence[Any], size: int = 500) -> list[list[Any]]:
    return [list(values[start : start + size]) for start in range(0, len(values), size)]
