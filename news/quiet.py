"""Quiet hours: the local hours when a channel's posts wait in the outbox.

`23-07` is from 23:00 to 07:00 local time (past midnight); the end hour is excluded. Local
time is the channel's IANA time zone (`Europe/Berlin`), UTC when it has none, with its
daylight-saving changes: the hours stay the same on the wall clock.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from news.entities import QuietHours

_HOURS = re.compile(r"\s*(\d{1,2})(?::00)?\s*-\s*(\d{1,2})(?::00)?\s*")


def parse_quiet_hours(text: str) -> QuietHours:
    """Read `23-07` (or `23:00-07:00`); `ValueError` with one line saying what is wrong."""
    match = _HOURS.fullmatch(text)
    if match is None:
        raise ValueError(f"quiet hours {text!r} are not START-END in whole hours, like 23-07")
    return QuietHours(int(match.group(1)), int(match.group(2)))


def check_timezone(name: str) -> str:
    """Return an IANA time zone name that exists; `ValueError` for an unknown one."""
    clean = name.strip()
    try:
        ZoneInfo(clean)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r}: use an IANA name like Europe/Berlin"
        ) from None
    return clean


def quiet_until(now: datetime, hours: QuietHours | None, timezone: str | None) -> datetime | None:
    """Return when the quiet hours around `now` end (UTC), or None when `now` is not quiet."""
    if hours is None:
        return None
    local = now.astimezone(ZoneInfo(timezone or "UTC"))
    hour = local.hour
    if hours.start < hours.end:
        quiet = hours.start <= hour < hours.end
    else:
        quiet = hour >= hours.start or hour < hours.end
    if not quiet:
        return None
    end = local.replace(hour=hours.end, minute=0, second=0, microsecond=0)
    if end <= local:
        end += timedelta(days=1)  # wall-clock arithmetic: the same local hour tomorrow
    return end.astimezone(UTC)
