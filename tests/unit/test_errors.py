"""The error log line: the exception's kind and place, never its message."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.exc import IntegrityError

from bot.failures import describe

SECRET = "my-secret-words-4f9c"
OTHER_SECRET = "the-inner-secret-77ab"


class LookupFailed(Exception):
    """An exception defined here, to see its module and name in the output."""


def _raise_plain() -> None:
    raise ValueError(f"I said {SECRET} to you")


def _raise_inner() -> None:
    raise KeyError(OTHER_SECRET)


def _raise_chained() -> None:
    try:
        _raise_inner()
    except KeyError as exc:
        raise LookupFailed(f"lookup of {SECRET} failed") from exc


def _raise_during_handling() -> None:
    try:
        _raise_inner()
    except KeyError:
        raise RuntimeError(SECRET)  # noqa: B904  (implicit chaining on purpose)


def _caught(raiser: Callable[[], None]) -> BaseException:
    with pytest.raises(Exception) as caught:
        raiser()
    return caught.value


def test_plain_exception_has_type_and_frames_but_no_message() -> None:
    described = describe(_caught(_raise_plain))

    assert SECRET not in described
    assert "I said" not in described
    assert described.splitlines()[0] == "builtins.ValueError"
    assert "in _raise_plain" in described
    assert "in _caught" in described
    assert __file__ in described
    assert "line " in described


def test_explicit_cause_is_described_without_either_message() -> None:
    described = describe(_caught(_raise_chained))

    assert SECRET not in described
    assert OTHER_SECRET not in described
    lines = described.splitlines()
    assert lines[0] == f"{__name__}.LookupFailed"
    assert "caused by:" in lines
    after = lines[lines.index("caused by:") + 1 :]
    assert after[0] == "builtins.KeyError"
    assert any("in _raise_inner" in line for line in after)
    assert any("in _raise_chained" in line for line in lines[: lines.index("caused by:")])


def test_implicit_context_is_described_without_either_message() -> None:
    described = describe(_caught(_raise_during_handling))

    assert SECRET not in described
    assert OTHER_SECRET not in described
    assert "builtins.RuntimeError" in described
    assert "builtins.KeyError" in described
    assert "caused by:" in described


def test_database_error_does_not_leak_the_values_it_quotes() -> None:
    def insert() -> None:
        raise IntegrityError(
            "INSERT INTO person (display_name) VALUES (?)",
            (SECRET,),
            Exception(f"UNIQUE constraint failed near {OTHER_SECRET}"),
        )

    error = _caught(insert)
    assert SECRET in str(error)  # the message itself would leak it

    described = describe(error)

    assert SECRET not in described
    assert OTHER_SECRET not in described
    assert described.splitlines()[0] == "sqlalchemy.exc.IntegrityError"


def test_source_lines_are_not_included() -> None:
    def raiser() -> None:
        raise ValueError("written-in-the-source-line-3c1d")

    described = describe(_caught(raiser))

    assert "written-in-the-source-line-3c1d" not in described
    assert "raise ValueError" not in described
    assert "in raiser" in described


def test_exception_never_raised_has_just_its_type() -> None:
    assert describe(ValueError(SECRET)) == "builtins.ValueError"
