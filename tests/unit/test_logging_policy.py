"""No log call in Chorus may carry an exception's message, which can hold member text."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# logger.exception and exc_info=True print the exception's message, and a database
# error's message quotes the values it was given (people's words, raw updates).
FORBIDDEN = re.compile(r"\.exception\(|exc_info\s*=|\.opt\(exception")


def test_no_log_call_prints_an_exception_message() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("bot", "handlers", "storage")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if FORBIDDEN.search(line)
    ]
    assert offenders == [], "log with bot.failures.describe instead: " + ", ".join(offenders)


def test_the_check_finds_what_it_looks_for() -> None:
    assert FORBIDDEN.search('        logger.exception("x")')
    assert FORBIDDEN.search('        logger.warning("x", exc_info=True)')
    assert not FORBIDDEN.search('        logger.error("x: %s", describe(exc))')
