"""Involvement payment end to end: a group's policy, a member's choice after the benefits
notice, attendance, the claim it makes, expenses with a receipt photo (and the bad input on
the way), approval, the finance export (XLSX and CSV), the hours export and a certificate."""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook  # type: ignore[import-untyped]
from pypdf import PdfReader

from bot.presentation import callbacks
from bot.presentation.callbacks import Action
from tests.e2e.conftest import ADMIN
from tests.e2e.test_sessions import _create, _invitation, _running, _seeded
from tests.support.chorus_run import settings_for
from tests.support.clock import FakeClock
from tests.support.database import rows
from tests.support.fake_bot_api import FakeBotApi
from tests.support.phone import Phone
from tests.support.seed import seed_group
from tests.support.sharing import answer_to_media

CAME, ABSENT, OTHER_COORDINATOR = 9101, 9102, 9200
# A name that needs more than Latin-1 to print.
ORGANISATION = "Cymdeithas Ŵyn & Partners"


def _document(fake: FakeBotApi, name_ends: str, since: float = 0.0) -> bytes:
    """The content of the newest document the bot sent whose file name ends so."""
    for call in reversed(fake.calls):
        if call.method != "sendDocument" or call.at < since or call.response is None:
            continue
        document = call.response["result"]["document"]
        if document["file_name"].endswith(name_ends):
            return fake.file(document["file_id"]).content
    raise AssertionError(f"no document ending {name_ends}")


async def _set_policy(admin: Phone) -> None:
    settings = await admin.send("/payments")
    assert "Payment settings for Carers group" in settings["text"]
    assert "has not said how it pays" in settings["text"]
    ask = await admin.tap("Pay per hour", settings)
    assert "How much for each hour?" in ask["text"]
    assert "didn't understand that amount" in (await admin.send("lots"))["text"]
    settings = await admin.send("£12.50")
    assert "Carers group pays £12.50 an hour" in settings["text"]
    ask = await admin.tap("Expenses covered", settings)
    settings = await admin.send("Travel and lunch")
    assert "It pays back what you spend on: Travel and lunch" in settings["text"]
    pick = await admin.tap("Payee references", settings)
    ask = await admin.tap(f"M{CAME}: not set", pick)
    assert f"payee reference for M{CAME}, a space" in ask["text"]
    assert "need a reference" in (await admin.send("P-0042"))["text"]
    saved = await admin.send("P-0042 Sam Jones")
    assert "Sam Jones is paid under P-0042" in saved["text"]


async def _choose(fake: FakeBotApi, member: Phone) -> None:
    invitation = await _invitation(fake, member.id)
    # The policy, in a short sentence, before they say they'll take part.
    policy = "Payment: £12.50 an hour for your time. How you're paid, or not, is your choice"
    assert policy in invitation["text"]
    assert "It pays back what you spend on: Travel and lunch." in invitation["text"]
    going = await member.tap("Going", invitation)
    assert policy in going["text"] and "Your answer: going" in going["text"]
    offer = await fake.wait_for_text(member.id, "can change some benefits", timeout=10)
    assert "Carers group pays £12.50 an hour" in offer["text"]
    assert "It pays back what you spend on: Travel and lunch" in offer["text"]
    assert "You can say no to pay and still take part" in offer["text"]
    chosen = await member.tap("Pay me", offer)
    assert "You chose: be paid." in chosen["text"]


async def _mark_attendance(fake: FakeBotApi, admin: Phone, clock: FakeClock) -> None:
    clock.set(datetime(2026, 6, 9, 15, 5, tzinfo=UTC))  # it ended at 16:00 BST
    ask = await fake.wait_for_text(admin.id, "has finished", timeout=10)
    listing = await admin.tap("Mark who came", ask)
    listing = await admin.tap(f"M{CAME}", listing)
    await admin.tap("Done", listing)


async def _claim_expenses(fake: FakeBotApi, member: Phone, folder: Path) -> None:
    pick = await member.send("/claim")
    assert "Which meeting" in pick["text"]
    ask = await member.tap("Planning meeting", pick)
    assert "How much did you spend for Planning meeting?" in ask["text"]
    assert "less than nothing" in (await member.send("£-5"))["text"]
    assert "didn't understand that amount" in (await member.send("lots"))["text"]
    assert (
        "more than I can take in one claim (up to £1,000.00)" in (await member.send("1e9"))["text"]
    )
    ask = await member.send("£4.50")
    assert "Thank you: £4.50. Now send a photo of the receipt" in ask["text"]
    # Back to the amount keeps the one typed.
    back = await member.tap("Back", ask)
    assert "How much did you spend" in back["text"]
    assert "You typed £4.50 before" in back["text"]
    ask = await member.tap("Keep this amount", back)
    assert "Thank you: £4.50. Now send a photo of the receipt" in ask["text"]
    refused = await answer_to_media(fake, member, "document", b"%PDF", file_name="r.pdf")
    assert "I need a photo of the receipt" in refused["text"]
    assert "kept your amount of £4.50" in refused["text"]
    refused = await member.send("here it is")
    assert "kept your amount of £4.50" in refused["text"]
    # Words that suggest risk in a caption get help first; the receipt waits for them.
    helped = await answer_to_media(
        fake, member, "photo", b"JPEG", caption="Honestly some days I want to end it all."
    )
    assert "116 123" in helped["text"]
    again = await member.tap("Carry on", helped)
    assert "send a photo of the receipt" in again["text"]
    assert rows(folder, "SELECT count(*) FROM payment_claim WHERE kind = 'expense'") == [(0,)]
    sent = await answer_to_media(fake, member, "photo", b"JPEG receipt")
    assert "Your claim for £4.50 (Planning meeting) is with the coordinators" in sent["text"]
    # Attendance made the session's claim; the receipt, the expenses claim.
    claims = sorted(rows(folder, "SELECT kind, amount_pence, state FROM payment_claim"))
    assert claims == [("expense", 450, "pending"), ("session", 2500, "approved")]


async def _approve(fake: FakeBotApi, admin: Phone, member: Phone) -> None:
    claim = await fake.wait_for_text(admin.id, "Expenses claim", timeout=10)
    assert f"from M{CAME}: £4.50 for Planning meeting (9 June 2026)" in claim["text"]
    started = time.monotonic()
    fake.tap(admin.user, claim["message_id"], _data(fake, claim, "See the receipt"))
    photo = await fake.wait_for(
        lambda c: c.method == "sendPhoto" and c.at >= started and c.params["chat_id"] == ADMIN
    )
    assert photo.response is not None and photo.response["ok"]
    approved = await admin.tap("Approve", claim)
    assert f"Approved: £4.50 for M{CAME}" in approved["text"]
    told = await fake.wait_for_text(member.id, "is approved", timeout=10)
    assert "Your expenses claim for £4.50 (Planning meeting) is approved" in told["text"]


def _data(fake: FakeBotApi, message: dict[str, Any], label: str) -> str:
    return next(data for text, data in fake.buttons(message) if label in text)


def _check_finance(fake: FakeBotApi, since: float) -> None:
    book = load_workbook(io.BytesIO(_document(fake, ".xlsx", since)))
    sheet = book["Payments"]
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert table[0][:10] == [
        "payee reference", "name for payment", "choice", "sessions", "hours",
        "amount for time", "expenses approved", "expenses waiting", "total to pay", "approval",
    ]  # fmt: skip
    assert table[1][:11] == [
        "P-0042", "Sam Jones", "paid", 1, 2, 25, 4.5, 0, 29.5, "approved",
        "2026-06-01 to 2026-07-01",
    ]  # fmt: skip
    assert len(table) == 2  # the member who did not come has nothing to be paid
    lines = list(csv.reader(io.StringIO(_document(fake, ".csv", since).decode())))
    assert lines[1][:10] == [
        "P-0042", "Sam Jones", "paid", "1", "2.00", "25.00", "4.50", "0.00", "29.50", "approved"
    ]  # fmt: skip


async def test_the_whole_payment_path_from_policy_to_certificate(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    await _seeded(fake, tmp_path, [CAME, ABSENT])
    await seed_group(tmp_path / "chorus.db", OTHER_COORDINATOR, [9201], name="Other group")
    clock = FakeClock(datetime(2026, 6, 8, 9, 0, tzinfo=UTC))  # Monday 10:00 BST
    # ADMIN coordinates the group here and is no admin, so sees only it.
    settings = settings_for(fake, tmp_path, admin_ids=frozenset(), organisation_name=ORGANISATION)
    async with _running(fake, settings, clock):
        admin, member = Phone(fake, ADMIN), Phone(fake, CAME)
        await _set_policy(admin)
        await _create(fake, admin, when="tomorrow 2pm")  # 2 hours
        await _choose(fake, member)
        await _mark_attendance(fake, admin, clock)
        # Marking who came made the claim for the time, before anyone looked at claims.
        made = rows(tmp_path, "SELECT person_id, kind, minutes, amount_pence FROM payment_claim")
        came_id = rows(tmp_path, "SELECT id FROM person WHERE telegram_id = ?", CAME)[0][0]
        assert made == [(came_id, "session", 120, 2500)]

        # Someone who did not come cannot claim for it, even with a forged button.
        absent = Phone(fake, ABSENT)
        session_id = rows(tmp_path, "SELECT id FROM group_session")[0][0]
        await absent.send("/claim")
        forged = callbacks.encode(Action.PAY_CLAIM_SESSION, session_id)
        refused = await absent.tap_data(forged)
        assert "can't find you on the list of who came" in refused["text"]

        await _claim_expenses(fake, member, tmp_path)
        # Another group's coordinator, or a member, cannot approve it with a forged button.
        claim_id = rows(tmp_path, "SELECT id FROM payment_claim WHERE kind = 'expense'")[0][0]
        for forger in (Phone(fake, OTHER_COORDINATOR), absent):
            start = await forger.send("/help")
            for action in (Action.PAY_APPROVE, Action.PAY_QUERY, Action.PAY_RECEIPT):
                answer = await forger.tap_data(callbacks.encode(action, claim_id), start)
                assert "only the people who run a group can do" in answer["text"], action
        assert rows(tmp_path, "SELECT state FROM payment_claim WHERE id = ?", claim_id) == [
            ("pending",)
        ]
        await _approve(fake, admin, member)

        started = time.monotonic()
        pick = await admin.send("/finance")
        summary = await admin.tap("This month", pick)
        assert (
            "For 1 person, £29.50 in all. Expenses waiting for approval: £0.00" in summary["text"]
        )
        _check_finance(fake, started)

        # The hours export names the payee reference and the name to pay, not an id.
        period = await admin.send("/hours")
        await admin.tap("This month", period)
        hours = list(csv.reader(io.StringIO(_document(fake, ".csv").decode())))
        assert hours[0][:2] == ["payee reference", "name"]
        assert hours[1][:4] == ["P-0042", "Sam Jones", "1", "2.00"]

        record = await member.send("/myinvolvement")
        assert "Carers group (member): 1 meeting, 2 hours" in record["text"]
        assert "How you're paid: be paid" in record["text"]
        assert "For your time: £25.00. Expenses approved: £4.50." in record["text"]
        started = time.monotonic()
        await member.tap("Certificate", record)
        pdf = PdfReader(io.BytesIO(_document(fake, ".pdf", started)))
        words = " ".join((page.extract_text() or "") for page in pdf.pages)
        assert f"M{CAME}" in words
        assert "Planning" not in words  # sessions are counted, not listed
        assert ORGANISATION in words and "2 hours" in words
