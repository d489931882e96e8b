"""Files for involvement payment: the finance export (XLSX and CSV) and a member's
certificate of involvement (PDF). Each is built in a worker thread, off the event loop."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import Workbook  # type: ignore[import-untyped]

from bot.pdf_pages import Document
from bot.presentation import texts
from bot.presentation.moments import DayForm, day_words, duration_words
from bot.presentation.texts import label
from bot.presentation.texts.payments import money
from bot.services.payment_model import Finance, Record

FINANCE_COLUMNS = (
    "payee reference",
    "name for payment",
    "choice",
    "sessions",
    "hours",
    "amount for time",
    "expenses approved",
    "expenses waiting",
    "total to pay",
    "approval",
    "period",
    "dates",
)


def _safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _finance_rows(finance: Finance) -> list[list[str | int | float]]:
    period = f"{finance.start.isoformat()} to {finance.end.isoformat()}"
    return [
        [
            _safe(line.reference),
            _safe(line.name),
            line.choice,
            line.sessions,
            round(line.minutes / 60, 2),
            line.time_pence / 100,
            line.expenses_pence / 100,
            line.waiting_pence / 100,
            (line.time_pence + line.expenses_pence) / 100,
            line.approval,
            period,
            " ".join(day.isoformat() for day in line.dates),
        ]
        for line in finance.lines
    ]


def finance_csv(finance: Finance) -> bytes:
    """The finance export as CSV (amounts in pounds, two decimals)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FINANCE_COLUMNS)
    for row in _finance_rows(finance):
        writer.writerow([f"{cell:.2f}" if isinstance(cell, float) else cell for cell in row])
    return out.getvalue().encode()


def finance_xlsx(finance: Finance) -> bytes:
    """The finance export as an XLSX workbook, amounts formatted as pounds."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Payments"
    sheet.append(list(FINANCE_COLUMNS))
    for row in _finance_rows(finance):
        sheet.append(row)
    for column in "FGHI":
        for cell in sheet[column][1:]:
            cell.number_format = '"£"#,##0.00'
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def certificate_pdf(record: Record, name: str, organisation: str, today: date) -> bytes:
    """A one-page certificate of involvement, signed off with the organisation's name."""
    pdf = Document()
    pdf.add_page()
    pdf.set_font("DejaVu", size=24)
    pdf.ln(20)
    pdf.cell(0, 14, label(texts.CERT_TITLE), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font("DejaVu", size=13)
    body = label(texts.CERT_BODY, name=name, organisation=organisation)
    pdf.multi_cell(0, 8, body, align=pdf.start)
    pdf.ln(4)
    for group in record.groups:
        if not group.sessions:
            continue
        role = texts.MYINV_ROLE_COORDINATOR if group.coordinator else texts.MYINV_ROLE_MEMBER
        line = label(
            texts.CERT_LINE,
            group=group.group_name,
            role=label(role),
            count=group.sessions,
            hours=duration_words(group.minutes),
            first=_day(group.first),
            last=_day(group.last),
        )
        pdf.multi_cell(0, 8, line, align=pdf.start)
    total_sessions = sum(g.sessions for g in record.groups)
    total_minutes = sum(g.minutes for g in record.groups)
    pdf.ln(4)
    total = label(texts.CERT_TOTAL, count=total_sessions, hours=duration_words(total_minutes))
    pdf.multi_cell(0, 8, total, align=pdf.start)
    pdf.ln(4)
    pdf.multi_cell(0, 8, label(texts.CERT_THANKS), align=pdf.start)
    pdf.ln(16)
    signed = label(texts.CERT_SIGNED, organisation=organisation, day=_day(today))
    pdf.multi_cell(0, 8, signed, align=pdf.start)
    return bytes(pdf.output())


def _day(day: date | None) -> str:
    return day_words(day, DayForm.FULL) if day is not None else ""


def amount(pence: int) -> str:
    """An amount for a message: "£12.50"."""
    return money(pence)
