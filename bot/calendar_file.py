"""Calendar files (.ics) for group sessions, made with the icalendar library.

Each session keeps one UID; every change raises its SEQUENCE, so a calendar that already
holds the session replaces it rather than adding a second one. Times carry the configured
zone (with its VTIMEZONE), so calendars show the local time across clock changes.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

PRODUCT = "-//Chorus//Group sessions//EN"


def session_ics(
    *,
    uid: str,
    sequence: int,
    title: str,
    group: str,
    starts_at: datetime,
    ends_at: datetime,
    zone: ZoneInfo,
    stamp: datetime,
    place: str | None = None,
    link: str | None = None,
    notes: str | None = None,
    cancelled: bool = False,
) -> bytes:
    """The calendar file for one session (a cancelled one tells calendars to drop it)."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", starts_at.astimezone(zone))
    event.add("dtend", ends_at.astimezone(zone))
    event.add("summary", f"{title} ({group})")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    _add_details(event, place, link, notes)
    calendar.add_component(event)
    # The zone's rules from a year before to a year after: enough for any calendar, and a
    # small file.
    local = starts_at.astimezone(zone).date()
    calendar.add_missing_timezones(
        first_date=date(local.year - 1, 1, 1), last_date=date(local.year + 2, 1, 1)
    )
    return calendar.to_ical()


def _add_details(event: Event, place: str | None, link: str | None, notes: str | None) -> None:
    """Where the session is (a place, a link or both) and the notes, when given."""
    where = ", ".join(part for part in (place, link) if part)
    if where:
        event.add("location", where)
    if link:
        event.add("url", link)
    if notes:
        event.add("description", notes)
