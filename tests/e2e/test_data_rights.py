"""Data rights end to end: `/mydata` sends the whole of a person's data as a file,
`/forgetme` erases them (either choice for anonymous items) until a scan of the database
file and its log finds nothing of them, a forged confirmation erases nothing, the retention
tick erases what is past keeping, a kill in the middle of `/forgetme` is finished after the
restart, and `/privacy` says it all from the settings in force."""

from __future__ import annotations

import asyncio
import io
import json
import signal
import sqlite3
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import DBAPIError

from bot.clock import SystemClock
from bot.presentation import callbacks
from bot.presentation.callbacks import Action
from tests.e2e.conftest import ADMIN
from tests.support.chorus_run import (
    SECRET_KEY,
    chorus_env,
    running_chorus,
    settings_for,
    spawn_chorus,
)
from tests.support.clock import MovableClock
from tests.support.database import current_postgres, opened, postgres_dump, table_names
from tests.support.fake_bot_api import FakeBotApi
from tests.support.phone import Phone
from tests.support.rights import (
    Footprint,
    database_bytes,
    found_in_bytes,
    found_in_rows,
    id_forms,
    seed_footprint,
    seed_payments,
    sent_naming,
)
from tests.support.sharing import database, execute, rows, sealer

COORDINATOR = 810_001
MEMBER = 918_273_645
OTHER = 918_273_646
NAME = "Quillonmarsh"


async def _seed(folder: Path, named: int = 1, anonymous: int = 1) -> tuple[Footprint, Footprint]:
    """Two groups, the member in both with items, hours and an alert; another member."""
    clock = SystemClock()
    storage = await opened(folder)
    storage.seal_steps_with(sealer())
    try:
        now = clock.now()
        async with storage.transaction() as tx:
            coordinator = await tx.people.ensure(COORDINATOR, COORDINATOR, "Jo", now)
            await tx.people.set_coordinator(coordinator.id, True)
            groups = []
            for number, name in enumerate(("Carers group", "Housing group")):
                group = await tx.groups.create(name, f"seed{number}", coordinator.id, now)
                await tx.groups.add_coordinator(group.id, coordinator.id)
                groups.append(group.id)
            member = await seed_footprint(
                tx, sealer(), MEMBER, NAME, groups, now, named=named, anonymous=anonymous
            )
            other = await seed_footprint(tx, sealer(), OTHER, "Brisby", groups[:1], now, tag="o")
            await sent_naming(tx, coordinator.id, NAME, now)
            await seed_payments(tx, member, groups[0], coordinator.id, now.date(), now)
        return member, other
    finally:
        await storage.close()


async def _document(fake: FakeBotApi, chat: int, started: float) -> dict[str, Any]:
    call = await fake.wait_for(
        lambda c: (
            c.at >= started
            and c.method == "sendDocument"
            and c.params.get("chat_id") == chat
            and c.response is not None
        ),
        10,
    )
    assert call.response is not None and call.response["ok"], call.response
    document: dict[str, Any] = call.response["result"]["document"]
    return document


async def test_my_data_is_a_file_of_everything_held_about_the_member(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    member, other = await _seed(tmp_path)
    # Someone who blocked the bot, and came back to ask, still gets their file.
    await execute(
        tmp_path,
        "UPDATE person SET unreachable_at = '2026-01-01 00:00:00' WHERE id = ?",
        member.person_id,
    )
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake):
        phone = Phone(fake, MEMBER)
        started = time.monotonic()
        fake.send_text(phone.user, "/mydata")
        document = await _document(fake, MEMBER, started)
        assert document["file_name"].endswith(".zip")
        with zipfile.ZipFile(io.BytesIO(fake.file(document["file_id"]).content)) as archive:
            data = json.loads(archive.read("data.json"))
            summary = archive.read("summary.txt").decode()
        assert data["person"]["name_others_see"] == NAME
        assert sorted(g["group"] for g in data["groups"]) == ["Carers group", "Housing group"]
        items = {item["words"]: item for item in data["items"]}
        assert set(items) == set(member.named_words + member.anonymous_words)
        anonymous = [items[words] for words in member.anonymous_words]
        assert {item["group"] for item in anonymous} == {"Carers group", "Housing group"}
        assert not any(item["with_your_name"] for item in anonymous)
        assert data["involvement_minutes"] == 180
        assert len(data["safeguarding_alerts"]) == 1
        assert not set(other.named_words + other.anonymous_words) & set(items)
        assert member.named_words[0] in summary and "What is not in this file" in summary
        assert data["payments"]["name_for_payment"] == member.payment_words[0]
        assert "4 claims you made" in summary
        assert "Telegram" in summary

        # A few times a day, then a kind no.
        for _ in range(2):
            started = time.monotonic()
            fake.send_text(phone.user, "/mydata")
            await _document(fake, MEMBER, started)
        refused = await phone.send("/mydata")
        assert "ask again tomorrow" in refused["text"]


async def test_my_data_of_a_member_with_a_thousand_items(fake: FakeBotApi, tmp_path: Path) -> None:
    member, _ = await _seed(tmp_path, named=300, anonymous=200)
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake):
        started = time.monotonic()
        fake.send_text(Phone(fake, MEMBER).user, "/mydata")
        document = await _document(fake, MEMBER, started)
        with zipfile.ZipFile(io.BytesIO(fake.file(document["file_id"]).content)) as archive:
            data = json.loads(archive.read("data.json"))
        assert len(data["items"]) == 1000
        assert {item["words"] for item in data["items"]} == set(
            member.named_words + member.anonymous_words
        )


async def test_my_data_says_so_when_telegram_refuses_the_file(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    await _seed(tmp_path)
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake):
        fake.fail_next("sendDocument", 400, "Bad Request: file is too big")
        reply = await Phone(fake, MEMBER).send("/mydata")
        assert "Telegram wouldn't take it" in reply["text"]


def _traces(folder: Path, member: Footprint) -> list[str]:
    """Everything of the member's still in the database file or its log (on PostgreSQL, in
    a dump of the database: its data files keep dead rows until they are vacuumed, which
    deploy/README.md describes)."""
    postgres = current_postgres()
    raw = database_bytes(database(folder)) if postgres is None else postgres_dump(postgres)
    words = [member.name, *member.named_words, *member.anonymous_words, *member.payment_words]
    needles = id_forms(member.telegram_id) + [w.encode() for w in words]
    found = [repr(needle) for needle in found_in_bytes(raw, needles)]
    return found + _found_in_rows(folder, member.telegram_id, words)


def _found_in_rows(folder: Path, number: int, words: list[str]) -> list[str]:
    """Every table.column that holds `number` (in any of its forms) or any of `words`."""
    if current_postgres() is None:
        return found_in_rows(database(folder), number, words)
    needles = [form.decode() for form in id_forms(number)[:3]] + words
    found = []
    for table in table_names(folder):
        for row in rows(folder, f'SELECT * FROM "{table}"'):
            for column, value in zip(row.keys(), row, strict=True):
                if value == number or any(n in str(value) for n in needles):
                    found.append(f"{table}.{column}")
    return found


@pytest.mark.parametrize("keep_anonymous", [False, True])
async def test_forget_me_leaves_nothing_of_the_member(
    fake: FakeBotApi, tmp_path: Path, keep_anonymous: bool
) -> None:
    member, other = await _seed(tmp_path)
    # The scan finds the member before (on either backend), so finding nothing after counts.
    assert _traces(tmp_path, member)
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake):
        phone = Phone(fake, MEMBER)
        question = await phone.send("/forgetme")
        assert "It can't be undone" in question["text"]
        assert "2 things without your name" in question["text"]
        choice = "leave what I shared without my name" if keep_anonymous else "delete everything"
        done = await phone.tap(choice, question)
        assert "Done." in done["text"] and "join again any time" in done["text"]
        assert "stays only as numbers" in done["text"]
        assert "We keep the payments we said yes to, for the group's accounts" in done["text"]
        assert "you shared with your name." in done["text"] and "{" not in done["text"]
        if keep_anonymous:
            assert "The 2 things you shared without your name stay with the group" in done["text"]
        else:
            assert "I've deleted the 2 things you shared without your name too." in done["text"]
        # Each part is a paragraph of whole sentences, ending with the way back.
        assert done["text"].split("\n\n")[-1].startswith("You can join again any time")
        # The erasure's last step empties the log; the words were sealed all along, and
        # the member's name, ids and rows are gone from the file itself.
        assert _traces(tmp_path, member) == []
    assert _traces(tmp_path, member) == []
    left = rows(tmp_path, "SELECT id, pseudonym, return_address FROM item")
    kept = [row for row in left if row["id"] in member.anonymous_ids]
    assert len(kept) == (2 if keep_anonymous else 0)
    assert all(row["pseudonym"] is None and row["return_address"] is None for row in kept)
    # What the accounts need of their payments is kept, with nothing that says who.
    kept = rows(tmp_path, "SELECT kind, amount_pence, payee_reference FROM kept_payment")
    reference = f"P-{member.person_id:05d}"
    assert sorted(tuple(row) for row in kept) == [
        ("expense", 450, reference),
        ("session", 1800, reference),
    ]
    # The other member is all there.
    assert {row["id"] for row in left} >= set(other.named_ids + other.anonymous_ids)
    assert rows(tmp_path, "SELECT id FROM person WHERE telegram_id = ?", OTHER)


async def test_forget_me_deletes_a_receipt_photo_a_coordinator_opened(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    member, _ = await _seed(tmp_path)
    photo = fake.add_file("photo", b"\x89PNG a receipt")
    query = "SELECT id FROM payment_claim WHERE state = 'approved' AND kind = 'expense'"
    [claim] = rows(tmp_path, query)
    await execute(
        tmp_path,
        "UPDATE payment_claim SET receipt_file_id = ? WHERE id = ?",
        photo.file_id,
        claim[0],
    )
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake):
        coordinator = Phone(fake, COORDINATOR)
        start = await coordinator.send("/help")
        started = time.monotonic()
        fake.tap(
            coordinator.user, start["message_id"], callbacks.encode(Action.PAY_RECEIPT, claim[0])
        )
        shown = await fake.wait_for(
            lambda c: c.at >= started and c.method == "sendPhoto" and c.response is not None
        )
        assert shown.response is not None
        message_id = shown.response["result"]["message_id"]
        # Chorus notes where the photo went once it is sent.
        await _until(lambda: len(rows(tmp_path, "SELECT id FROM receipt_copy")) == 1, 10)
        phone = Phone(fake, MEMBER)
        await phone.tap("delete everything", await phone.send("/forgetme"))
        deleted = await fake.wait_for(
            lambda c: (
                c.method == "deleteMessage"
                and c.params.get("chat_id") == COORDINATOR
                and int(c.params.get("message_id", 0)) == message_id
                and c.response is not None
                and c.response["ok"]
            ),
            10,
        )
        assert deleted is not None
    assert rows(tmp_path, "SELECT id FROM receipt_copy") == []
    assert _traces(tmp_path, member) == []


async def test_a_forged_or_stale_confirmation_erases_nothing(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    await _seed(tmp_path)
    settings = settings_for(fake, tmp_path, admin_ids=frozenset({ADMIN}))
    async with running_chorus(settings, fake):
        member, other = Phone(fake, MEMBER), Phone(fake, OTHER)
        first = await member.send("/forgetme")
        token = fake.buttons(first)[0][1].split(":")[1]
        await member.send("/forgetme")
        # The first question's button is stale now; the other member forges the second's.
        stale = await member.tap("delete everything", first)
        assert "out of date, so nothing was deleted" in stale["text"]
        await other.send("/help")
        forged = await other.tap_data(f"rf:{token}:d")
        assert "out of date, so nothing was deleted" in forged["text"]
        never = await other.tap_data("rf:AAAAAAAAAAAA:k")
        assert "out of date" in never["text"]
    assert (
        len(rows(tmp_path, "SELECT id FROM person WHERE telegram_id IN (?, ?)", MEMBER, OTHER))
        == 2
    )
    assert len(rows(tmp_path, "SELECT id FROM item")) == 6


async def test_privacy_says_how_long_from_the_settings(fake: FakeBotApi, tmp_path: Path) -> None:
    await _seed(tmp_path)
    settings = settings_for(
        fake, tmp_path, admin_ids=frozenset({ADMIN}), keep_words_days=90, keep_sent_days=14
    )
    async with running_chorus(settings, fake):
        stranger = Phone(fake, 123_456)
        reply = await stranger.send("/privacy")
        assert "deleted 90 days after" in reply["text"]
        assert "what it sent to people after 14 days" in reply["text"]
        assert "/mydata" in reply["text"] and "/forgetme" in reply["text"]
        assert "If your group pays you, we keep how you want to be paid" in reply["text"]
        assert "/privacy" in (await stranger.send("/help"))["text"]
        # The join message points to it.
        assert "/privacy" in (await stranger.send("/start j-seed0"))["text"]
        help_text = await Phone(fake, MEMBER).send("/help")
        for command in ("/privacy", "/mydata", "/forgetme"):
            assert command in help_text["text"]


async def test_retention_tick_erases_what_is_past_keeping(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    member, _ = await _seed(tmp_path)
    settings = settings_for(
        fake, tmp_path, admin_ids=frozenset({ADMIN}), keep_words_days=30, keep_sent_days=7
    )
    clock = MovableClock(datetime.now(UTC))
    async with running_chorus(settings, fake, clock) as running:
        await running.tick("retention")
        with_outcome = (member.named_ids[0], member.anonymous_ids[0])
        query = "SELECT COUNT(*) AS n FROM item WHERE id IN (?, ?) AND body IS NULL"
        assert rows(tmp_path, query, *with_outcome)[0]["n"] == 0
        clock.move_to(datetime.now(UTC) + timedelta(days=31))
        await running.tick("retention")
        assert rows(tmp_path, query, *with_outcome)[0]["n"] == 2
        kept = "SELECT COUNT(*) AS n FROM item WHERE body IS NOT NULL"
        assert rows(tmp_path, kept)[0]["n"] == 2  # the member's others; the other's too
        notice = rows(tmp_path, "SELECT payload FROM outbox WHERE kind = 'coordinator_notice'")
        assert NAME not in notice[0]["payload"]


async def test_a_kill_in_the_middle_of_forget_me_is_finished_after_the_restart(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    member, _ = await _seed(tmp_path, named=1000)
    total = len(member.named_ids)
    env = chorus_env(fake, tmp_path, CHORUS_SECRET_KEY=SECRET_KEY)
    process = spawn_chorus(env, tmp_path)
    try:
        await fake.wait_for(lambda c: c.method == "getUpdates", 20)
        phone = Phone(fake, MEMBER)
        await phone.send("/forgetme", timeout=20)
        # The question after a past session may come first: the answer is found by its words.
        question = await fake.wait_for_text(MEMBER, "Do you want to go ahead?", 20)
        data = next(
            data for label, data in fake.buttons(question) if label == "Yes, delete everything"
        )
        fake.tap(phone.user, question["message_id"], data)
        # Killed as soon as the erasing has begun: some items gone, others not yet.
        await _until(lambda: _named_left(tmp_path, member) < total, 40, lambda: phone.texts()[-3:])
        process.send_signal(signal.SIGKILL)
        await asyncio.to_thread(process.wait, 10)
        left = _named_left(tmp_path, member)
        process = spawn_chorus(env, tmp_path)
        await _until(lambda: not _person_left(tmp_path), 30)
        # The confirmation is handled again after the restart, so the member hears.
        await fake.wait_for_text(MEMBER, "join again any time", 30)
    except AssertionError as failure:
        process.send_signal(signal.SIGKILL)
        output, _ = await asyncio.to_thread(process.communicate)
        raise AssertionError(f"{failure}; the bot said: {output.decode()[-3000:]}") from None
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            await asyncio.to_thread(process.wait, 30)
    assert not rows(tmp_path, "SELECT * FROM erasure")
    left_now = {row["id"] for row in rows(tmp_path, "SELECT id FROM item")}
    assert not left_now & set(member.named_ids + member.anonymous_ids)
    assert _traces(tmp_path, member) == []
    # The kill came half way (if the machine let the erasing run to the end first, the
    # restart had nothing to finish, and this test would say so).
    assert 0 < left < total, left


def _named_left(folder: Path, member: Footprint) -> int:
    query = "SELECT COUNT(*) AS n FROM item WHERE person_id = ?"
    try:
        return int(rows(folder, query, member.person_id)[0]["n"])
    except (sqlite3.OperationalError, DBAPIError):  # not made yet
        return len(member.named_ids)


def _person_left(folder: Path) -> bool:
    return bool(rows(folder, "SELECT id FROM person WHERE telegram_id = ?", MEMBER))


async def _until(condition: Any, timeout: float, shown: Any = None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"the condition never came: {shown() if shown else ''}")
        await asyncio.sleep(0.01)
