"""PDFs in the reader's language: Arabic letters joined and in reading order."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader

from bot import payment_files
from bot.presentation.languages import reader_of, reading_for
from bot.services.payment_model import GroupRecord, Record

RECORD = Record(
    name="سارة",
    groups=[GroupRecord("صوت مقدمي الرعاية", False, 3, 150, date(2026, 3, 1), date(2026, 6, 1))],
)


def _certificate(language: str) -> str:
    with reading_for(reader_of(language)):
        pdf = payment_files.certificate_pdf(RECORD, "سارة", "Hope Trust", date(2026, 6, 2))
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_an_arabic_certificate_is_shaped_and_reads_right_to_left() -> None:
    text = _certificate("ar")
    # Unshaped, the title came out letter by letter in reverse ("ةكراشم ةداهش").
    assert text.splitlines()[0] == "شهادة مشاركة"
    assert "ةداهش" not in text
    assert "شكرًا على وقتك وخبرتك وصوتك." in text.splitlines()


def test_an_english_certificate_keeps_its_words_and_an_arabic_group_name() -> None:
    text = _certificate("en")
    assert text.startswith("Certificate of involvement")
    assert "2 hours and 30 minutes" in text
    assert "صوت مقدمي الرعاية" in text
