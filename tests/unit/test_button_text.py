"""Titles on buttons are cut at a word, with "…"."""

from __future__ import annotations

import pytest

from bot.services.button_text import BUTTON_LABEL_MAX, button_title


def test_a_title_that_fits_is_kept_whole_on_one_line() -> None:
    assert button_title("Planning  meeting\n(March)") == "Planning meeting (March)"
    assert button_title("x" * BUTTON_LABEL_MAX) == "x" * BUTTON_LABEL_MAX


@pytest.mark.parametrize(
    ("title", "limit", "shown"),
    [
        ("Planning meeting about the budget", 20, "Planning meeting…"),
        ("Planning meeting about the budget", 17, "Planning meeting…"),
        ("Planning meeting about the budget", 16, "Planning…"),
        ("Carers, families and friends", 12, "Carers…"),
        ("Planning meeting: budget", 20, "Planning meeting…"),
        ("Supercalifragilistic expialidocious", 10, "Supercali…"),
    ],
)
def test_a_long_title_is_cut_at_a_word(title: str, limit: int, shown: str) -> None:
    assert button_title(title, limit) == shown


@pytest.mark.parametrize("limit", range(2, 70))
def test_never_longer_than_the_limit_and_never_mid_word_unless_one_word(limit: int) -> None:
    title = "Planning meeting about the community mental health transformation budget"
    shown = button_title(title, limit)
    assert len(shown) <= limit
    if shown != title:
        kept = shown.removesuffix("…")
        assert shown.endswith("…") and title.startswith(kept)
        if " " in title[: limit - 1]:
            assert title[len(kept)] in " :,", (limit, shown)
