"""Delivery rules: quiet hours in local wall-clock time, retries, and the queued payload."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.crypto import Sealer
from bot.presentation.outgoing import Payload
from bot.services.delivery_rules import (
    BACKOFF,
    DEFAULT_QUIET_HOURS,
    MAX_ATTEMPTS,
    QUIET_OFF,
    open_payload,
    quiet_until,
    quiet_window,
    retry_delay,
    seal_payload,
    valid_quiet_hours,
)

LONDON = ZoneInfo("Europe/London")


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A London wall-clock time (the first one, if the clocks repeat it)."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- The default window, summer and winter ---------------------------------------------------

# (a summer day in BST, +01:00) and (a winter day in GMT, +00:00)
SEASONS = [
    pytest.param((2026, 7, 14), 1, id="summer-BST"),
    pytest.param((2026, 1, 14), 0, id="winter-GMT"),
]


@pytest.mark.parametrize(("day", "offset"), SEASONS)
def test_late_evening_is_quiet_until_eight_next_morning(
    day: tuple[int, int, int], offset: int
) -> None:
    now = local(*day, 22, 30)

    until = quiet_until(now, LONDON, None)

    assert until is not None
    assert until.utcoffset() == timedelta(0)
    assert until.astimezone(LONDON) == local(*day, 8) + timedelta(days=1)
    next_day = (now + timedelta(days=1)).date()
    assert until == utc(next_day.year, next_day.month, next_day.day, 8 - offset)


@pytest.mark.parametrize(("day", "offset"), SEASONS)
def test_just_before_eight_is_quiet_until_eight_the_same_morning(
    day: tuple[int, int, int], offset: int
) -> None:
    until = quiet_until(local(*day, 7, 59), LONDON, None)

    assert until == utc(*day, 8 - offset)
    assert until.astimezone(LONDON).time() == time(8, 0)


@pytest.mark.parametrize(("day", "offset"), SEASONS)
@pytest.mark.parametrize(("hour", "minute"), [(8, 0), (12, 0), (20, 59)])
def test_daytime_is_not_quiet(
    day: tuple[int, int, int], offset: int, hour: int, minute: int
) -> None:
    assert quiet_until(local(*day, hour, minute), LONDON, None) is None


@pytest.mark.parametrize(("day", "offset"), SEASONS)
def test_exactly_nine_pm_is_quiet(day: tuple[int, int, int], offset: int) -> None:
    until = quiet_until(local(*day, 21, 0), LONDON, None)

    next_day = (local(*day, 21) + timedelta(days=1)).date()
    assert until == utc(next_day.year, next_day.month, next_day.day, 8 - offset)


@pytest.mark.parametrize(("day", "offset"), SEASONS)
def test_the_same_moment_given_in_utc_is_read_as_local_time(
    day: tuple[int, int, int], offset: int
) -> None:
    # 20:30 UTC is 21:30 in summer (quiet) but 20:30 in winter (not yet quiet).
    until = quiet_until(utc(*day, 20, 30), LONDON, None)

    assert (until is not None) == (offset == 1)


def test_midnight_is_quiet_until_eight_the_same_day() -> None:
    assert quiet_until(local(2026, 7, 14, 0, 0), LONDON, None) == utc(2026, 7, 14, 7)


# --- Other windows, "off", and whose setting counts -----------------------------------------


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [
        (12, 59, None),
        (13, 0, utc(2026, 1, 14, 14)),
        (13, 30, utc(2026, 1, 14, 14)),
        (13, 59, utc(2026, 1, 14, 14)),
        (14, 0, None),
        (22, 0, None),
        (3, 0, None),
    ],
)
def test_a_window_that_does_not_cross_midnight(
    hour: int, minute: int, expected: datetime | None
) -> None:
    assert quiet_until(local(2026, 1, 14, hour, minute), LONDON, "13:00-14:00") == expected


@pytest.mark.parametrize("hour", [0, 3, 7, 12, 21, 23])
def test_off_is_never_quiet(hour: int) -> None:
    assert quiet_until(local(2026, 1, 14, hour), LONDON, QUIET_OFF) is None


def test_an_organisation_default_of_off_is_never_quiet() -> None:
    assert quiet_until(local(2026, 1, 14, 23), LONDON, None, default=QUIET_OFF) is None


def test_a_window_of_no_length_is_never_quiet() -> None:
    assert quiet_until(local(2026, 1, 14, 9), LONDON, "09:00-09:00") is None


def test_the_person_s_setting_overrides_the_organisation_default() -> None:
    ten_pm = local(2026, 1, 14, 22)

    # The organisation says 21:00-08:00, the person says 23:00-07:00: 22:00 is not quiet.
    assert quiet_until(ten_pm, LONDON, "23:00-07:00", default="21:00-08:00") is None
    # The organisation says off, the person wants quiet evenings.
    assert quiet_until(ten_pm, LONDON, "21:00-08:00", default=QUIET_OFF) == utc(2026, 1, 15, 8)
    # The person turned quiet hours off; the organisation's default does not apply.
    assert quiet_until(ten_pm, LONDON, QUIET_OFF, default="21:00-08:00") is None


def test_no_setting_uses_the_organisation_default() -> None:
    ten_pm = local(2026, 1, 14, 22)

    assert quiet_until(ten_pm, LONDON, None, default="22:00-06:00") == utc(2026, 1, 15, 6)
    assert quiet_until(ten_pm, LONDON, None, default="23:00-06:00") is None
    assert quiet_until(ten_pm, LONDON, None) == utc(2026, 1, 15, 8)


def test_quiet_window_reads_the_setting_or_the_default() -> None:
    assert quiet_window(None) == (time(21, 0), time(8, 0))
    assert quiet_window("13:05-14:10") == (time(13, 5), time(14, 10))
    assert quiet_window(QUIET_OFF) is None
    assert quiet_window(None, default=QUIET_OFF) is None
    assert quiet_window(None, default="22:00-07:00") == (time(22, 0), time(7, 0))


def test_the_default_is_nine_pm_to_eight_am() -> None:
    assert DEFAULT_QUIET_HOURS == "21:00-08:00"


# --- Clock changes --------------------------------------------------------------------------


def test_saturday_night_before_the_clocks_go_forward() -> None:
    # Saturday 28 March 2026, 23:00 GMT; the clocks go forward at 01:00 on Sunday.
    now = local(2026, 3, 28, 23)
    assert now == utc(2026, 3, 28, 23)

    until = quiet_until(now, LONDON, None)

    # 08:00 BST on Sunday.
    assert until == utc(2026, 3, 29, 7)
    assert until is not None
    assert until.astimezone(LONDON).time() == time(8, 0)


def test_saturday_night_before_the_clocks_go_back() -> None:
    # Saturday 24 October 2026, 23:00 BST; the clocks go back at 02:00 on Sunday.
    now = local(2026, 10, 24, 23)
    assert now == utc(2026, 10, 24, 22)

    until = quiet_until(now, LONDON, None)

    # 08:00 GMT on Sunday.
    assert until == utc(2026, 10, 25, 8)
    assert until is not None
    assert until.astimezone(LONDON).time() == time(8, 0)


@pytest.mark.parametrize(
    "now",
    [utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 0, 59), utc(2026, 10, 25, 0, 30)],
    ids=["spring-00:30", "spring-00:59", "autumn-01:30-first"],
)
def test_the_small_hours_of_a_clock_change_night_are_quiet(now: datetime) -> None:
    until = quiet_until(now, LONDON, None)

    assert until is not None
    assert until.astimezone(LONDON).time() == time(8, 0)
    assert until.astimezone(LONDON).date() == now.astimezone(LONDON).date()


def test_a_window_ending_inside_the_spring_gap_ends_when_the_gap_ends() -> None:
    # 01:00-02:00 local does not exist on 29 March 2026; 02:00 BST is 01:00 UTC.
    until = quiet_until(local(2026, 3, 28, 23), LONDON, "23:00-01:30")

    assert until == utc(2026, 3, 29, 1)
    # At that moment the person is no longer in their quiet hours.
    assert quiet_until(utc(2026, 3, 29, 1), LONDON, "23:00-01:30") is None


def test_a_held_message_is_released_as_soon_as_the_window_is_over() -> None:
    start = utc(2026, 3, 28, 22)
    for minute in range(0, 5 * 60, 5):
        now = start + timedelta(minutes=minute)
        until = quiet_until(now, LONDON, "23:00-01:30")
        if until is None:
            continue
        # One minute before the end the person is still in their quiet hours.
        assert quiet_until(until - timedelta(minutes=1), LONDON, "23:00-01:30") is not None, now


@pytest.mark.parametrize("minute", [0, 15, 29])
def test_quiet_until_is_never_in_the_past_in_the_repeated_hour(minute: int) -> None:
    # 01:00-01:29 GMT, the second time the clocks show 01:xx that night.
    now = utc(2026, 10, 25, 1, minute)

    until = quiet_until(now, LONDON, "23:00-01:30")

    assert until is None or until > now


@pytest.mark.parametrize("setting", [None, "13:00-14:00", "22:00-07:00", "00:00-06:00"])
@pytest.mark.parametrize("day", [(2026, 3, 28), (2026, 10, 24), (2026, 7, 14)])
def test_quiet_until_is_always_later_than_now_on_ordinary_windows(
    setting: str | None, day: tuple[int, int, int]
) -> None:
    start = utc(*day, 0)
    for minute in range(0, 48 * 60, 10):
        now = start + timedelta(minutes=minute)
        until = quiet_until(now, LONDON, setting)
        if until is not None:
            assert until > now, now
            assert quiet_until(until, LONDON, setting) is None, now


# --- Settings that are accepted --------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["21:00-08:00", "00:00-23:59", "13:00-14:00", "23:59-00:00", "off"]
)
def test_valid_quiet_hours_accepts(value: str) -> None:
    assert valid_quiet_hours(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "OFF",
        "on",
        "24:00-08:00",
        "21:60-08:00",
        "9:00-17:00",
        "21:00 - 08:00",
        "21:00-08:00-09:00",
        "2100-0800",
        "21:00",
        " 21:00-08:00",
    ],
)
def test_valid_quiet_hours_refuses(value: str) -> None:
    assert not valid_quiet_hours(value)


# --- Retries --------------------------------------------------------------------------------


def test_retry_delay_grows_then_gives_up() -> None:
    delays = [retry_delay(attempt) for attempt in range(1, MAX_ATTEMPTS)]

    assert delays == list(BACKOFF)
    assert delays[0] == timedelta(seconds=5)
    waits = [delay for delay in delays if delay is not None]
    assert waits == sorted(set(waits)), "each wait is longer than the one before"
    assert retry_delay(MAX_ATTEMPTS) is None
    assert retry_delay(MAX_ATTEMPTS + 1) is None


def test_retry_delay_before_any_attempt_is_the_first_wait() -> None:
    assert retry_delay(0) == BACKOFF[0]


# --- Payload --------------------------------------------------------------------------------


def test_payload_round_trips_html_unicode_and_buttons() -> None:
    payload = Payload(
        "<b>Rehearsal</b> &amp; tea ☕ — Zoë's “café”\nSecond line 日本語 🎶",
        [[("Yes ✅", "j:abc"), ("No", "jn")], [("Stop “now”", "bx:12")]],
    )

    raw = payload.dumps()
    again = Payload.loads(raw)

    assert again == payload
    assert again.buttons[0][0] == ("Yes ✅", "j:abc")
    # Stored readable, not as \\u escapes.
    assert "☕" in raw
    assert "日本語" in raw


def test_payload_without_buttons_round_trips() -> None:
    payload = Payload("plain")

    assert Payload.loads(payload.dumps()) == Payload("plain", [])


def test_a_sealed_payload_opens_to_the_same_message_and_hides_its_words() -> None:
    sealer = Sealer(b"k" * 48)
    payload = Payload("About what you said: <i>the forms</i>", [[("Thanks", "x:1")]])

    stored = seal_payload(sealer, payload)

    assert "forms" not in stored
    assert open_payload(sealer, stored) == payload
    assert open_payload(sealer, payload.dumps()) == payload


def test_a_payload_keeps_its_file_through_the_outbox() -> None:
    payload = Payload("The place has changed.", [], ("session-3.ics", "BEGIN:VCALENDAR\r\n"))

    assert Payload.loads(payload.dumps()) == payload
    assert Payload.loads(Payload("No file").dumps()).document is None


def test_a_payload_that_edits_a_message_round_trips() -> None:
    payload = Payload("<b>Now going</b>", [[("✓ Going", "sa:1:g")]], edit=2**40)
    assert Payload.loads(payload.dumps()) == payload
    assert Payload.loads(Payload("plain").dumps()).edit is None
