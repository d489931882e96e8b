"""A person's whole footprint in Chorus, put straight into a database: memberships of
groups, a group meeting answered and attended, named and anonymous items with words and
history, updates, messages queued and sent, a conversation, a safeguarding alert and a
draft. Used by the data-rights tests and benchmark, and the scans that follow an erasure."""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from bot.crypto import Sealer
from storage import schema
from storage.contributor_updates import PendingNew
from storage.tx import Tx
from tests.support.items import ItemSeed, add_items

BODY = "item.body"
EVENT = "item.event"
UPDATE = "update.text"
IDENTITY = "risk_alert.identity"
WORDS = "risk_alert.words"
CONVERSATION = "conversation.words"
RETURN_ADDRESS = "item.return_address"
DRAFT_WORDS = "draft.words"


@dataclass
class Footprint:
    """What was put in, to look for afterwards."""

    telegram_id: int
    person_id: int
    name: str
    named_words: list[str] = field(default_factory=list)
    anonymous_words: list[str] = field(default_factory=list)
    named_ids: list[int] = field(default_factory=list)
    anonymous_ids: list[int] = field(default_factory=list)
    minutes: int = 0
    alert_id: str = ""
    # What `seed_payments` put in that only this person's payment records hold.
    payment_words: list[str] = field(default_factory=list)


async def seed_footprint(
    tx: Tx,
    sealer: Sealer,
    telegram_id: int,
    name: str,
    group_ids: list[int],
    now: datetime,
    *,
    named: int = 1,
    anonymous: int = 1,
    tag: str = "",
) -> Footprint:
    """Put a person's footprint in (in this transaction); what was put in.

    Each group gets `named` items with their name and `anonymous` without, with words
    unique to this person (`tag` keeps them apart from other people's)."""
    person = await tx.people.ensure(telegram_id, telegram_id, name, now)
    await tx.people.set_display_name(person.id, name)
    found = Footprint(telegram_id, person.id, name)
    pseudonym = sealer.pseudonym(telegram_id)
    seeds: list[ItemSeed] = []
    for index, group_id in enumerate(group_ids):
        await tx.groups.add_member(group_id, person.id, now - timedelta(days=30 - index))
        session_id = await _meeting(tx, group_id, now - timedelta(days=7), f"{tag}{index}")
        await tx.conn.execute(
            insert(schema.session_answer).values(
                session_id=session_id, person_id=person.id, answer="going", answered_at=now
            )
        )
        await tx.conn.execute(
            insert(schema.session_attendance).values(
                session_id=session_id, person_id=person.id, came=True, minutes=90, marked_at=now
            )
        )
        found.minutes += 90
        for number in range(named):
            words = f"named{tag} words {index}-{number} of {name} about the ward"
            found.named_words.append(words)
            seeds.append(ItemSeed(group_id, telegram_id, words, now.date(), now))
        for number in range(anonymous):
            words = f"anonymous{tag} words {index}-{number} kept apart"
            found.anonymous_words.append(words)
            seeds.append(ItemSeed(group_id, telegram_id, words, now.date(), now, anonymous=True))
    ids = await add_items(tx, sealer, seeds)
    for seed, item_id in zip(seeds, ids, strict=True):
        (found.anonymous_ids if seed.anonymous else found.named_ids).append(item_id)
    await _history(tx, sealer, found, pseudonym, now)
    return found


async def _meeting(tx: Tx, group_id: int, starts: datetime, tag: str) -> int:
    result = await tx.conn.execute(
        insert(schema.group_session)
        .values(
            group_id=group_id,
            title=f"Monthly meeting {tag}",
            starts_at=starts,
            ends_at=starts + timedelta(minutes=90),
            reminders="",
            uid=secrets.token_hex(16),
            created_at=starts - timedelta(days=7),
        )
        .returning(schema.group_session.c.id)
    )
    return int(result.scalar_one())


async def _history(
    tx: Tx, sealer: Sealer, found: Footprint, pseudonym: str, now: datetime
) -> None:
    """An outcome on the first items, updates about them, messages, a conversation, an
    alert, a setting and a draft."""
    items = found.named_ids[:1] + found.anonymous_ids[:1]
    for item_id in items:
        await tx.conn.execute(
            insert(schema.item_event).values(
                item_id=item_id,
                kind="outcome",
                outcome="changed",
                text=sealer.seal("the forms were cut to one page", EVENT),
                at=now,
            )
        )
        await tx.followup.set_status(item_id, "outcome", "changed")
    rows = []
    if found.named_ids:
        rows.append(
            PendingNew(
                found.named_ids[0],
                found.person_id,
                None,
                sealer.seal(f"About {found.named_words[0]}: changed", UPDATE),
                f"seed:{found.named_ids[0]}",
                now,
            )
        )
    if found.anonymous_ids:
        rows.append(
            PendingNew(
                found.anonymous_ids[0],
                None,
                pseudonym,
                sealer.seal(f"About {found.anonymous_words[0]}: changed", UPDATE),
                f"seed:{found.anonymous_ids[0]}",
                now,
            )
        )
        conversation = secrets.token_hex(6)
        await tx.conn.execute(
            insert(schema.conversation).values(
                id=conversation,
                kind="item",
                item_id=found.anonymous_ids[0],
                pseudonym=pseudonym,
                return_address=sealer.seal(str(found.telegram_id), RETURN_ADDRESS),
                state="open",
                opened_at=now,
            )
        )
        await tx.conn.execute(
            insert(schema.conversation_message).values(
                conversation_id=conversation,
                direction="in",
                text=sealer.seal("my answer back to them", CONVERSATION),
                at=now,
            )
        )
    await tx.contributor_updates.add(rows, now)
    await tx.conn.execute(
        insert(schema.outbox),
        [
            {
                "dedupe_key": f"seed-wait:{found.person_id}",
                "kind": "reminder",
                "person_id": found.person_id,
                "payload": '{"text": "A meeting tomorrow", "buttons": []}',
                "due_at": now + timedelta(days=1),
                "created_at": now,
            }
        ],
    )
    found.alert_id = secrets.token_hex(6)
    await tx.conn.execute(
        insert(schema.risk_alert).values(
            id=found.alert_id,
            pseudonym=pseudonym,
            words=sealer.seal("words that raised the alert", WORDS),
            state="named",
            answer="yes",
            identity=sealer.seal(f"{found.name} ({found.telegram_id})", IDENTITY),
            ask_until=now,
            raised_at=now,
            told_at=now,
        )
    )
    await tx.conn.execute(
        insert(schema.digest_preference).values(
            person_id=found.person_id, rhythm="weekly", weekday=2, at_time="18:00"
        )
    )
    await tx.steps.set(
        found.person_id, "share_words", {"words": sealer.seal("half a draft", DRAFT_WORDS)}, now
    )


async def sent_naming(tx: Tx, recipient_person_id: int, name: str, now: datetime) -> None:
    """A message already sent to someone else (a coordinators' notice) naming `name`."""
    await tx.conn.execute(
        insert(schema.outbox).values(
            dedupe_key=f"seed-notice:{secrets.token_hex(4)}",
            kind="coordinator_notice",
            person_id=recipient_person_id,
            payload=f'{{"text": "New in the group: {name}", "buttons": []}}',
            due_at=now,
            state="sent",
            created_at=now,
            sent_at=now,
        )
    )


async def seed_payments(
    tx: Tx, found: Footprint, group_id: int, coordinator_id: int, on_day: date, now: datetime
) -> None:
    """The person's payment records in one group (paid £12 an hour): their choice, a payee
    reference and name, a session claim for the meeting they came to, an expenses claim
    approved, one waiting and one queried (each with a receipt photo), and the
    coordinators' message about the waiting one, not sent yet."""
    await tx.payments.set_policy(group_id, now, basis="hour", rate_pence=1200)
    await tx.payments.set_choice(found.person_id, "paid", now)
    payee_name = f"Marrowby {found.name} Payfield"
    await tx.payments.set_payee(found.person_id, f"P-{found.person_id:05d}", payee_name, now)
    a, s = schema.session_attendance, schema.group_session
    session_id = (
        await tx.conn.execute(
            select(a.c.session_id)
            .join(s, s.c.id == a.c.session_id)
            .where(a.c.person_id == found.person_id, s.c.group_id == group_id)
        )
    ).scalar_one()
    common = {"person_id": found.person_id, "group_id": group_id, "on_day": on_day}
    await tx.payments.add_claim(
        now, **common, session_id=session_id, kind="session", minutes=90, amount_pence=1800,
        state="approved",
    )  # fmt: skip
    states = ("approved", "pending", "queried")
    receipts = [f"AgAC{found.name}Receipt{state}" for state in states]
    question = f"Was the taxi to Quarrowfield ward for {found.name} really that much?"
    claims = []
    for receipt, state, pence in zip(receipts, states, (450, 700, 300), strict=True):
        claims.append(
            await tx.payments.add_claim(
                now, **common, session_id=session_id, kind="expense", amount_pence=pence,
                receipt_file_id=receipt, state=state,
                query=question if state == "queried" else None,
            )
        )  # fmt: skip
    await tx.conn.execute(
        insert(schema.outbox).values(
            dedupe_key=f"pc{claims[1]}:{coordinator_id}",
            kind="payment",
            person_id=coordinator_id,
            payload=f'{{"text": "An expenses claim from {found.name} to approve", "buttons": []}}',
            due_at=now + timedelta(hours=10),
            created_at=now,
        )
    )
    found.payment_words += [payee_name, *receipts, question]


def id_forms(number: int) -> list[bytes]:
    """A number as a scan looks for it: text, SHA-256 of the text and of its 8 bytes, and
    the big-endian bytes SQLite stores an integer of its size in."""
    text = str(number)
    forms = [
        text.encode(),
        hashlib.sha256(text.encode()).hexdigest().encode(),
        hashlib.sha256(number.to_bytes(8, "big")).hexdigest().encode(),
    ]
    size = 4 if number < 2**31 else 6 if number < 2**47 else 8
    forms.append(number.to_bytes(size, "big"))
    return forms


def database_bytes(path: Path) -> bytes:
    """The database file and its write-ahead log, as bytes."""
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def found_in_bytes(raw: bytes, needles: Iterable[bytes]) -> list[bytes]:
    """The needles that occur in `raw`."""
    return [needle for needle in needles if needle in raw]


def found_in_rows(path: Path, number: int, words: Iterable[str]) -> list[str]:
    """Every table.column that holds `number` (in any of its forms) or any of `words`."""
    needles = [form.decode() for form in id_forms(number)[:3]] + list(words)
    found = []
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            columns = [row[1] for row in db.execute(f"PRAGMA table_info('{table}')")]
            for row in db.execute(f"SELECT * FROM '{table}'"):
                for column, value in zip(columns, row, strict=True):
                    if value == number or any(n in str(value) for n in needles):
                        found.append(f"{table}.{column}")
    return found
