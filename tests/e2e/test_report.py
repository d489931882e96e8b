"""/report end to end: the figures of a seeded history with known answers
(tests/support/report_history.py), the charts and files arriving and opening, observers
reading the report without names, and periods picked, typed and mistyped."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from PIL import Image
from pypdf import PdfReader

from bot import report_files
from bot.clock import SystemClock
from bot.crypto import Sealer
from storage.database import open_storage
from tests.support.chorus_run import SECRET_KEY, RunningChorus, running_chorus, settings_for
from tests.support.clock import RunningClock
from tests.support.database import folder_of, storage_url
from tests.support.fake_bot_api import FakeBotApi
from tests.support.phone import Phone
from tests.support.report_history import ANNA_WORDS, REASON, STORY_WORDS, seed_history

CORA, OLU, ANNA = 720_001, 720_002, 720_100
PERIOD = "/report 1 March to 31 May 2026"


@pytest.fixture
async def seeded(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningChorus]:
    storage = await open_storage(storage_url(folder_of(tmp_path / "chorus.db")), SystemClock().now)
    try:
        members = [ANNA + n for n in range(10)]
        await seed_history(storage, Sealer(SECRET_KEY.encode()), CORA, OLU, members)
    finally:
        await storage.close()
    settings = settings_for(fake, tmp_path)
    clock = RunningClock(datetime(2026, 6, 15, 12, 0, tzinfo=UTC))
    async with running_chorus(settings, fake, clock) as running:
        yield running


async def _files(fake: FakeBotApi, chat: int, since: float) -> dict[str, bytes]:
    """The charts and documents the bot sent to `chat` after `since`, by file name."""
    await fake.wait_for(
        lambda c: (
            c.at >= since
            and c.method == "sendDocument"
            and c.params.get("chat_id") == chat
            and str(c.params.get("caption") or "") != ""
            and c.response is not None
        ),
        20,
    )
    found: dict[str, bytes] = {}
    for call in fake.calls:
        if call.at < since or call.params.get("chat_id") != chat or call.response is None:
            continue
        result: dict[str, Any] = call.response.get("result") or {}
        if call.method == "sendPhoto":
            stored = fake.file(result["photo"][-1]["file_id"])
            found[f"chart{len([k for k in found if k.startswith('chart')])}.png"] = stored.content
        elif call.method == "sendDocument":
            stored = fake.file(result["document"]["file_id"])
            found[str(stored.file_name).rsplit(".", 1)[-1]] = stored.content
    return found


async def _say(fake: FakeBotApi, phone: Phone, text: str, answer: str) -> str:
    """Type `text`, and wait for the bot's message containing `answer` (other messages,
    like a coordinator's daily notice, may come between)."""
    fake.send_text(phone.user, text)
    message = await fake.wait_for_text(phone.id, answer, 10)
    said: str = message.get("text", "")
    return said


def _figures(xlsx: bytes) -> dict[str, Any]:
    sheet = load_workbook(io.BytesIO(xlsx))["Figures"]
    return {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}


async def test_a_coordinator_gets_the_known_figures_charts_and_files(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    phone = Phone(fake, CORA)
    since = fake.calls[-1].at
    text = await _say(fake, phone, PERIOD, "Report: Voices")
    assert "Report: Voices" in text
    assert "12 (7 with a name, 5 without)" in text
    assert "Answered within 3 days: 7 (58%)" in text
    assert "What happened next: 6" in text and "Changed: 4" in text
    assert "half within 10, 9 in 10 within 40" in text
    assert REASON in text
    # The item taken back after its outcome counts only as taken back.
    assert "Taken back by the people who shared them: 1" in text
    assert "2 held; 20 invited, 11 said they'd come, 9 came (82%" in text
    assert "Voices: 18 hours" in text
    assert f"“{ANNA_WORDS}” (Anna)" in text
    files = await _files(fake, CORA, since)
    assert sorted(files) == ["chart0.png", "chart1.png", "chart2.png", "csv", "pdf", "xlsx"]
    for name in ("chart0.png", "chart1.png", "chart2.png"):
        with Image.open(io.BytesIO(files[name])) as image:
            assert image.format == "PNG" and image.size[0] > 300
    figures = _figures(files["xlsx"])
    # What leaves the chat guards small numbers: 12 shown, 1 taken back is "fewer than 5".
    assert figures["Shared (all)"] == 12 and figures["Reached what happens next"] == 6
    assert figures["Taken back"] == "fewer than 5"
    assert figures["Stories"] == "fewer than 5"
    assert figures["Median days to what happens next"] == 10
    assert "Taken back,fewer than 5" in files["csv"].decode("utf-8-sig")
    pdf = PdfReader(io.BytesIO(files["pdf"]))
    assert 1 <= len(pdf.pages) <= 2
    words = " ".join(page.extract_text() for page in pdf.pages)
    assert "What members said and what changed: Voices" in words and "fewer than 5" in words


async def test_an_observer_reads_the_report_without_names(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    since = fake.calls[-1].at
    text = await _say(fake, Phone(fake, OLU), "/report 2026-03-01 - 2026-05-31", "Report:")
    assert "Report: Voices" in text and "fewer than 5" in text
    assert "Taken back by the people who shared them: fewer than 5" in text
    assert ANNA_WORDS in text and STORY_WORDS in text
    assert "Anna" not in text.replace(ANNA_WORDS, "")
    files = await _files(fake, OLU, since)
    assert "Anna" not in files["csv"].decode("utf-8-sig")
    pdf = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(files["pdf"])).pages)
    assert "Anna" not in pdf
    sheet = load_workbook(io.BytesIO(files["xlsx"]))["You said, we did"]
    assert all("Anna" not in str(row) for row in sheet.iter_rows(values_only=True))


async def test_periods_by_button_and_kind_answers_to_nonsense(
    fake: FakeBotApi, seeded: RunningChorus
) -> None:
    phone = Phone(fake, CORA)
    await _say(fake, phone, "/report 31 May to 1 March 2026", "ends before it starts")
    await _say(fake, phone, "/report lots", "couldn't read those dates")
    await _say(fake, phone, "/report 31 April to 2 May 2026", "isn't in the calendar")
    fake.send_text(phone.user, "/report")
    asked = await fake.wait_for_text(CORA, "Which time would you like a report for?", 10)
    await phone.tap("Last month", asked)
    await fake.wait_for_text(CORA, "Report: Voices\n1 May 2026 to 31 May 2026", 10)
    await _say(fake, Phone(fake, ANNA), "/report", "for the people who run a group")


async def test_the_drawing_process_is_warmed_when_chorus_starts(seeded: RunningChorus) -> None:
    # So the first /report after a start does not wait for the process to start cold.
    warming = report_files.last_warm_up()
    assert warming is not None
    await asyncio.wait_for(asyncio.wrap_future(warming), 60)
    assert warming.exception() is None
