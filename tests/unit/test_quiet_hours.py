"""Quiet hours typed in a member's own words."""

from __future__ import annotations

import pytest

from bot.services.delivery_rules import quiet_window, valid_quiet_hours
from bot.services.quiet_hours import read_quiet_hours


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("22:30-07:00", "22:30-07:00"),
        ("22:30 - 07:00", "22:30-07:00"),
        ("22:30–07:00", "22:30-07:00"),
        ("10pm to 7am", "22:00-07:00"),
        ("10 pm to 7 am", "22:00-07:00"),
        ("10PM-7AM", "22:00-07:00"),
        ("10.30pm to 6.45am", "22:30-06:45"),
        ("10:30 p.m. until 6 a.m.", "22:30-06:00"),
        ("22:00 to 7", "22:00-07:00"),
        ("22 to 7", "22:00-07:00"),
        ("from 9pm to 8am", "21:00-08:00"),
        ("between 11pm and 9am", "23:00-09:00"),
        ("midnight to 6am", "00:00-06:00"),
        ("9pm to midnight", "21:00-00:00"),
        ("21.30-7", "21:30-07:00"),
        ("  22:30   to   07:00  ", "22:30-07:00"),
        # With no am/pm, "10 to 7" is ten at night to seven in the morning.
        ("10 to 7", "22:00-07:00"),
        ("12 to 7", "00:00-07:00"),
        ("1pm to 2pm", "13:00-14:00"),
        ("13:00-14:00", "13:00-14:00"),
        ("7am to 9am", "07:00-09:00"),
        ("off", "off"),
        ("Off", "off"),
        ("none", "off"),
        ("no quiet hours", "off"),
        ("Never.", "off"),
    ],
)
def test_typed_quiet_hours_are_read(typed: str, stored: str) -> None:
    assert read_quiet_hours(typed) == stored
    # What is stored is what delivery reads.
    assert valid_quiet_hours(stored)
    assert stored == "off" or quiet_window(stored) is not None


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "late",
        "10pm",
        "22:30",
        "25:00-07:00",
        "22:60-07:00",
        "13pm to 7am",
        "0am to 7am",
        "22:00-22:00",
        "10pm to 10pm",
        "22:30-07:00 and 13:00-14:00",
        "after the news",
        "22:30-07:00 please call me",
    ],
)
def test_what_cannot_be_read_is_refused(typed: str) -> None:
    assert read_quiet_hours(typed) is None
