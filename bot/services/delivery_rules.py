"""Rules for sending queued messages: quiet hours, retries, and sealing what they say."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.crypto import SEALED_PREFIX, Sealer, SealError
from bot.presentation.outgoing import Message, Payload, loads

DEFAULT_QUIET_HOURS = "21:00-08:00"
QUIET_OFF = "off"
# Waits before each retry after a network failure or a server error; then it fails.
BACKOFF = (
    timedelta(seconds=5),
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
_QUIET = re.compile(r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)")


def valid_quiet_hours(value: str) -> bool:
    """True for "HH:MM-HH:MM" (local times) or "off"."""
    return value == QUIET_OFF or _QUIET.fullmatch(value) is not None


# Purposes of sealed values (bot/crypto.py): a value opens only for the purpose it was
# sealed for.
PAYLOAD_PURPOSE = "outbox.payload"
RETURN_ADDRESS_PURPOSE = "item.return_address"


def seal_payload(sealer: Sealer, payload: Message | Payload) -> str:
    """`payload` as stored in the outbox, sealed: for messages that carry a member's words."""
    return sealer.seal(payload.dumps(), PAYLOAD_PURPOSE)


# How often messages held for anonymous contributors are looked at again.
ANONYMOUS_RECHECK_MINUTES = 15


def anonymous_recheck(now: datetime) -> datetime:
    """When to look again at a message held for an anonymous contributor (paused, in quiet
    hours, their digest time not come): the next quarter hour, whatever the reason. A time
    worked out from their own settings, kept next to their item's return address, would
    match their quiet hours, pause or digest time in the person table."""
    step = ANONYMOUS_RECHECK_MINUTES
    start = now.replace(minute=now.minute - now.minute % step, second=0, microsecond=0)
    return start + timedelta(minutes=step)


def open_return_address(sealer: Sealer, return_address: str) -> int | None:
    """The chat id sealed in an anonymous item's return address (in a private chat, the
    person's Telegram id); None if it cannot be opened. Every reader of a return address
    (the delivery worker, the digest run) opens it here and nowhere else."""
    try:
        return int(sealer.open(return_address, RETURN_ADDRESS_PURPOSE))
    except (SealError, ValueError):
        return None


def open_payload(sealer: Sealer, stored: str) -> Message | Payload:
    """A stored payload, opened if it was sealed: what to say, or (written by an earlier
    version) the words already rendered. `bot.presentation.outgoing.render` shows it."""
    if stored.startswith(SEALED_PREFIX):
        return loads(sealer.open(stored, PAYLOAD_PURPOSE))
    return loads(stored)


def quiet_window(
    setting: str | None, default: str = DEFAULT_QUIET_HOURS
) -> tuple[time, time] | None:
    """A person's quiet hours as (start, end) local times; None when they are off.

    `setting` is the person's own choice; None means the organisation's `default`.
    """
    chosen = default if setting is None else setting
    match = _QUIET.fullmatch(chosen)
    if match is None:
        return None
    hour1, minute1, hour2, minute2 = (int(part) for part in match.groups())
    return time(hour1, minute1), time(hour2, minute2)


def quiet_until(
    now: datetime, zone: ZoneInfo, setting: str | None, default: str = DEFAULT_QUIET_HOURS
) -> datetime | None:
    """If `now` falls in the person's quiet hours, the UTC moment they end; otherwise None.

    Quiet hours are wall-clock times in `zone`, so 08:00 is 08:00 in summer and in winter.
    """
    window = quiet_window(setting, default)
    if window is None:
        return None
    start, end = window
    if start == end:
        return None
    local = now.astimezone(zone)
    wall = local.time().replace(tzinfo=None)
    if start < end:
        inside = start <= wall < end
        end_day = local.date()
    else:  # the window crosses midnight
        inside = wall >= start or wall < end
        end_day = local.date() + timedelta(days=1) if wall >= start else local.date()
    if not inside:
        return None
    return _wall_to_utc(datetime.combine(end_day, end), zone, after=now)


def _wall_to_utc(wall: datetime, zone: ZoneInfo, after: datetime) -> datetime:
    """When a local wall time next comes, at or after `after`, in UTC.

    A time skipped when clocks go forward ends the wait when the skipped hour ends (the
    first wall time that exists). A time that happens twice when clocks go back is the
    first occurrence not already past.
    """
    moment = wall.replace(tzinfo=zone)
    if moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
        # In the gap: step to the first minute that exists (the end of the skipped hour).
        step = wall
        while (
            step.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None) != step
        ):
            step += timedelta(minutes=1)
        return step.replace(tzinfo=zone).astimezone(UTC)
    first = moment.replace(fold=0).astimezone(UTC)
    second = moment.replace(fold=1).astimezone(UTC)
    return first if first >= after else max(second, after)


def retry_delay(attempts: int) -> timedelta | None:
    """How long to wait after failed attempt number `attempts`; None when it should give up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return BACKOFF[max(0, attempts - 1)]
