"""A report's files: three charts (PNG), a spreadsheet (XLSX), a CSV and a short PDF for a
board. Drawing takes a while, so callers await `draw_files`, which draws in a worker process,
never on the event loop. Charts use matplotlib's Agg backend through its Figure objects only
(no pyplot), which is safe to use from a worker thread."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from openpyxl import Workbook  # type: ignore[import-untyped]

from bot.pdf_pages import Document
from bot.presentation import texts
from bot.presentation.languages import Reader, current_reader, reading_for
from bot.presentation.moments import DayForm, day_words
from bot.presentation.texts import label
from bot.report_words import day, quote_rows, rows, scope
from bot.services.reports.figures import FEW, Cell
from bot.services.reports.report import DAY_BUCKETS, Report

# A hidden count is drawn as a hatched bar this high, labelled "under 5".
_HIDDEN_HEIGHT = 2.5
_BLUE, _GREEN = "#4c72b0", "#55a868"


@dataclass(frozen=True)
class ReportFiles:
    """Everything drawn for one report, ready to send."""

    charts: list[tuple[str, bytes]]  # (file name, PNG)
    xlsx: bytes
    csv: bytes
    pdf: bytes


def draw(shown: Report, outside: Report) -> ReportFiles:
    """The charts for the chat (from `shown`), and the files that leave it (from `outside`,
    with small numbers guarded). Slow: call it in a thread."""
    charts = draw_charts(shown)
    # The board's charts differ only where a small count is hidden: drawn again only then.
    same = _charted(outside) == _charted(shown)
    board_charts = charts if outside is shown or same else draw_charts(outside)
    return ReportFiles(
        charts, spreadsheet(outside), csv_file(outside), board_pdf(outside, board_charts)
    )


def _charted(report: Report) -> tuple[object, ...]:
    """What the charts show of a report."""
    return (report.closure, report.time_to_outcome, report.attendance)


def draw_charts(report: Report) -> list[tuple[str, bytes]]:
    """Loop closure over time, time to outcome, attendance: three PNGs."""
    months = [_month(m) for m, _, _ in report.closure]
    closure = _bars(
        label(texts.CHART_CLOSURE),
        months,
        [
            (label(texts.CHART_RECEIVED), [r for _, r, _ in report.closure], _BLUE),
            (label(texts.CHART_CLOSED), [c for _, _, c in report.closure], _GREEN),
        ],
    )
    buckets = [
        label(texts.CHART_DAYS_UP_TO, days=top)
        if top is not None
        else label(texts.CHART_DAYS_MORE, days=DAY_BUCKETS[-1])
        for top, _ in report.time_to_outcome
    ]
    time_chart = _bars(
        label(texts.CHART_TIME), buckets, [("", [c for _, c in report.time_to_outcome], _BLUE)]
    )
    attendance = _bars(
        label(texts.CHART_ATTENDANCE),
        [_month(m) for m, _, _ in report.attendance],
        [
            (label(texts.CHART_GOING), [g for _, g, _ in report.attendance], _BLUE),
            (label(texts.CHART_CAME), [c for _, _, c in report.attendance], _GREEN),
        ],
    )
    return [
        ("loop-closure.png", closure),
        ("time-to-outcome.png", time_chart),
        ("attendance.png", attendance),
    ]


def _month(first: date) -> str:
    return day_words(first, DayForm.SHORT_MONTH)


def _bars(
    title: str, names: Sequence[str], series: Sequence[tuple[str, Sequence[Cell], str]]
) -> bytes:
    """A bar chart; a hidden count is a hatched bar labelled "under 5"."""
    figure = Figure(figsize=(7, 3.6), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.set_title(title, fontsize=12, pad=24)
    width = 0.8 / max(len(series), 1)
    if not names:
        axes.text(
            0.5,
            0.5,
            label(texts.CHART_NOTHING),
            ha="center",
            va="center",
            transform=axes.transAxes,
        )
    for index, (name, cells, colour) in enumerate(series):
        xs = [i + (index - (len(series) - 1) / 2) * width for i in range(len(names))]
        heights = [_HIDDEN_HEIGHT if isinstance(c, str) else c for c in cells]
        bars = axes.bar(xs, heights, width, label=name or None, color=colour)
        _mark_hidden(axes, bars, cells)
    axes.set_xticks(range(len(names)), names, fontsize=8, rotation=45 if len(names) > 5 else 0)
    axes.spines[["top", "right"]].set_visible(False)
    # Counts of people and of things shared: whole numbers on the axis, never "2.5".
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    if any(name for name, _, _ in series) and names:
        axes.legend(
            fontsize=8, frameon=False, ncol=2, loc="lower center", bbox_to_anchor=(0.5, 1.0)
        )
    # Fixed margins: working them out (tight_layout) took a third of the drawing time.
    figure.subplots_adjust(left=0.09, right=0.98, top=0.8, bottom=0.27 if len(names) > 5 else 0.1)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _mark_hidden(axes: Any, bars: Any, cells: Sequence[Cell]) -> None:
    """Hatch each bar whose count is hidden, and label it "under 5" (or a dash if withheld)."""
    for bar, c in zip(bars, cells, strict=True):
        if isinstance(c, str):
            bar.set_hatch("//")
            bar.set_alpha(0.5)
            axes.annotate(
                label(texts.CHART_FEW) if c == FEW else "–",
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                ha="center",
                va="bottom",
                fontsize=8,
            )


def spreadsheet(report: Report) -> bytes:
    """The figures (and the quotes) as an XLSX workbook."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _sheet_title(label(texts.SHEET_FIGURES))
    sheet.append([label(texts.SHEET_FIGURE), label(texts.SHEET_VALUE)])
    for what, how_many in rows(report):
        sheet.append([what, _number(how_many)])
    sheet.column_dimensions["A"].width = 44
    quotes = book.create_sheet(_sheet_title(label(texts.SHEET_QUOTES)))
    quotes.append([label(t) for t in _QUOTE_COLUMNS])
    for line in quote_rows(report):
        quotes.append(list(line))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_QUOTE_COLUMNS = (texts.SHEET_DATE, texts.SHEET_SAID, texts.SHEET_NAME, texts.SHEET_HAPPENED)


def _sheet_title(title: str) -> str:
    """A worksheet's title as Excel allows it: at most 31 characters, none of []:*?/\\."""
    return "".join(" " if ch in "[]:*?/\\" else ch for ch in title)[:31]


def _number(text: str) -> int | float | str:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def csv_file(report: Report) -> bytes:
    """The figures as CSV (UTF-8 with a byte-order mark, so spreadsheets read it right)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([label(texts.SHEET_FIGURE), label(texts.SHEET_VALUE)])
    writer.writerows(rows(report))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def board_pdf(report: Report, charts: list[tuple[str, bytes]]) -> bytes:
    """One or two pages for a board: the figures, the charts, and what may be quoted."""
    pdf = Document()
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 15)
    title = label(texts.PDF_TITLE, scope=scope(report))
    pdf.cell(0, 8, title, align=pdf.start, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    period = label(texts.PDF_PERIOD, start=day(report.period.start), end=day(report.period.end))
    pdf.cell(0, 6, period, align=pdf.start, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 7.5)
    pdf.multi_cell(0, 4, label(texts.PDF_NOTE), align=pdf.start, new_x="LMARGIN", new_y="NEXT")
    top = pdf.get_y() + 2
    pdf.set_font("DejaVu", "", 7.5)
    for what, how_many in rows(report)[3:]:
        pdf.set_x(10)
        pdf.cell(62, 4.2, what[:48], align=pdf.start)
        pdf.cell(26, 4.2, how_many, align=pdf.start, new_x="LMARGIN", new_y="NEXT")
    for index, (_, png) in enumerate(charts):
        pdf.image(io.BytesIO(png), x=100, y=top + index * 56, w=100)
    pdf.set_y(max(pdf.get_y(), top + 3 * 56) + 2)
    _pdf_quotes(pdf, report)
    return bytes(pdf.output())


def _pdf_quotes(pdf: Document, report: Report) -> None:
    if not report.quotes:
        return
    if pdf.get_y() > 250:
        pdf.add_page()
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(0, 6, label(texts.SHEET_QUOTES), align=pdf.start, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 8)
    for when, words, name, happened in quote_rows(report)[:6]:
        by = f" ({name})" if name else ""
        line = f"{when}: “{words[:160]}”{by}: {happened[:160]}"
        pdf.multi_cell(0, 4, line, align=pdf.start, new_x="LMARGIN", new_y="NEXT")


_T = TypeVar("_T")
_POOL: list[ProcessPoolExecutor] = []
_WARMING: list[Future[None]] = []


def _pool() -> ProcessPoolExecutor:
    if not _POOL:
        # "spawn": a fresh interpreter, never a fork of a process with an event loop.
        context = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(
            1, mp_context=context, initializer=_end_with_parent, initargs=(os.getpid(),)
        )
        _POOL.append(pool)
    return _POOL[0]


def submit(work: Callable[..., _T], *args: object) -> Future[_T]:
    """`work(*args)` in the drawing process, started now if it is not running. Call it on
    the main thread.

    Ctrl+C reaches the whole process group, and one pressed while a new worker's interpreter
    is still starting would print a traceback before `_end_with_parent` could ignore it. So
    the worker is started with Ctrl+C ignored (an ignored signal stays ignored in a child);
    meanwhile Chorus's own Ctrl+C is blocked, not lost, and comes once the worker is started.
    """
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("the drawing process is started from the main thread")
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    handler = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        return _pool().submit(work, *args)
    finally:
        signal.signal(signal.SIGINT, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def _end_with_parent(parent: int) -> None:
    """In the worker: end when Chorus has gone (killed, say), rather than linger holding
    its files and output open."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    # Ctrl+C in a terminal reaches the whole process group: Chorus stops this process itself,
    # so it must not print a KeyboardInterrupt of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _warm() -> None:
    """In the worker: draw a tiny chart, PDF and workbook, so that the first report finds
    matplotlib, fpdf2, openpyxl and the fonts loaded."""
    png = _bars("", ["1"], [("", [1], _BLUE)])
    pdf = Document()
    pdf.add_page()
    pdf.set_font("DejaVu", "", 10)
    pdf.cell(0, 5, "1")
    pdf.image(io.BytesIO(png), x=10, y=20, w=50)
    pdf.output()
    Workbook().save(io.BytesIO())


async def warm_up() -> None:
    """Start the drawing process and let it load what drawing needs (a couple of seconds),
    off the event loop: Chorus does this at start-up, so the first /report is not slow."""
    future = submit(_warm)
    _WARMING.append(future)
    await asyncio.wrap_future(future)


def last_warm_up() -> Future[None] | None:
    """The latest warm-up of the drawing process, if one was started."""
    return _WARMING[-1] if _WARMING else None


def stop_warming() -> None:
    """At shutdown: a warm-up still under way is not waited for; its process is ended (a
    warmed, idle one is kept, and ends with the interpreter)."""
    if not _POOL or all(future.done() for future in _WARMING):
        return
    pool = _POOL.pop()
    _WARMING.clear()
    processes = list(getattr(pool, "_processes", None) or {})
    for pid in processes:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    # The worker is gone, so this returns at once; waiting for the pool's own thread to end
    # here keeps it from racing the interpreter's exit (which then printed a traceback).
    pool.shutdown(wait=True, cancel_futures=True)


async def draw_files(shown: Report, outside: Report) -> ReportFiles:
    """`draw`, in a worker process of its own. A thread is not enough: matplotlib's and
    fpdf2's Python code keeps the interpreter's lock for long stretches, so the event loop
    would wait behind it (over 150 ms at a time at 100,000 items)."""
    # The worker has no reader of its own: the files are worded for the one who asked.
    reader = current_reader()
    try:
        return await asyncio.wrap_future(submit(_draw_for, reader, shown, outside))
    except BrokenProcessPool:
        # The worker died (killed, out of memory): a new one, once.
        _POOL.clear()
        return await asyncio.wrap_future(submit(_draw_for, reader, shown, outside))


def _draw_for(reader: Reader, shown: Report, outside: Report) -> ReportFiles:
    """In the worker: `draw`, in the reader's language."""
    with reading_for(reader):
        return draw(shown, outside)
