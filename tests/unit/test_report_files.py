"""A report's files: the board's charts are drawn again only where a small count is hidden."""

from __future__ import annotations

import dataclasses
import io
import os
import signal
import threading

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from bot import report_files
from bot.crypto import Sealer
from bot.presentation.languages import reader_of, reading_for
from bot.services import Services
from bot.services.reports.figures import FEW
from storage.database import Storage
from tests.support.clock import FakeClock
from tests.support.report_history import known_report


async def test_the_board_s_charts_are_drawn_again_only_when_they_differ(
    storage: Storage,
    services: Services,
    sealer: Sealer,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, made = await known_report(storage, services, sealer, clock)
    drawn: list[object] = []
    real = report_files.draw_charts

    def counting(report: object) -> list[tuple[str, bytes]]:
        drawn.append(report)
        return real(report)  # type: ignore[arg-type]

    monkeypatch.setattr(report_files, "draw_charts", counting)
    # This history has small counts in its charts: the board's are drawn from the guarded
    # figures.
    assert report_files._charted(made.shown) != report_files._charted(made.outside)
    report_files.draw(made.shown, made.outside)
    assert drawn == [made.shown, made.outside]
    # With nothing hidden, the chat's charts serve for the board too.
    same = dataclasses.replace(
        made.outside,
        closure=made.shown.closure,
        time_to_outcome=made.shown.time_to_outcome,
        attendance=made.shown.attendance,
    )
    drawn.clear()
    files = report_files.draw(made.shown, same)
    assert drawn == [made.shown] and len(files.charts) == 3
    assert any(FEW in str(c) for c in report_files._charted(made.outside))


def test_stopping_a_warm_up_under_way_ends_its_process_and_the_pools_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(report_files, "_POOL", [])
    monkeypatch.setattr(report_files, "_WARMING", [])
    before = set(threading.enumerate())
    future = report_files._pool().submit(report_files._warm)
    report_files._WARMING.append(future)
    processes = list(report_files._POOL[0]._processes)
    assert processes
    report_files.stop_warming()
    # Nothing of the pool is left to race the interpreter's exit.
    assert [t for t in threading.enumerate() if t not in before and t.is_alive()] == []
    assert report_files._POOL == []
    assert future.cancelled() or future.done()


def _sigint_handler() -> object:
    return signal.getsignal(signal.SIGINT)


def test_the_drawing_process_leaves_ctrl_c_to_chorus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_files, "_POOL", [])
    monkeypatch.setattr(report_files, "_WARMING", [])
    try:
        # Ctrl+C reaches the whole process group; the worker must not print its own traceback,
        # not even while its interpreter is still starting: Ctrl+C at once, before it could
        # have run a line of its own, leaves it working.
        started = report_files.submit(_sigint_handler)
        (worker,) = list(report_files._POOL[0]._processes or {})
        os.kill(worker, signal.SIGINT)
        assert started.result(60) == signal.SIG_IGN
        # Chorus's own Ctrl+C handling is as it was.
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        report_files._POOL[0].shutdown(wait=True)


async def test_a_welsh_coordinator_s_files_are_worded_in_welsh(
    storage: Storage, services: Services, sealer: Sealer, clock: FakeClock
) -> None:
    _, made = await known_report(storage, services, sealer, clock)
    try:
        with reading_for(reader_of("cy")):
            files = await report_files.draw_files(made.shown, made.outside)
    finally:
        report_files.stop_warming()
    book = load_workbook(io.BytesIO(files.xlsx))
    assert book.sheetnames == ["Ffigurau", "Dywedoch chi, gwnaethon ni"]
    figures = [row[0] for row in book["Ffigurau"].iter_rows(values_only=True)]
    assert "Wedi'u rhannu (i gyd)" in figures and "Shared (all)" not in figures
    assert any(str(f).startswith("Yn dal ar agor: ") for f in figures)
    quotes = book["Dywedoch chi, gwnaethon ni"]
    assert quotes.cell(row=1, column=1).value == "Dyddiad"
    csv_rows = files.csv.decode("utf-8-sig").splitlines()
    assert "Cyfradd presenoldeb (%)" in files.csv.decode("utf-8-sig")
    assert not csv_rows[0].startswith("figure")
    # The same report for an English reader stays in English.
    english = report_files.spreadsheet(made.outside)
    assert load_workbook(io.BytesIO(english)).sheetnames == ["Figures", "You said, we did"]
