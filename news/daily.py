"""When a channel's daily digest is due: its local day, hour and the window it covers.

Pure time arithmetic over IANA time zones (`zoneinfo`): a digest for local day D at hour H
is due from H:00 local time on D until the end of D, and covers the 24 hours before H:00
on D. On the day a clock change skips H:00 the digest is due from the first moment after
it; on the day H:00 happens twice, from the first.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DIGEST_WINDOW = timedelta(hours=24)


class UnknownTimezoneError(ValueError):
    """A time zone name that is not in the IANA database."""


def zone(name: str | None) -> ZoneInfo:
    """Return the time zone `name` (None: UTC); `UnknownTimezoneError` for an unknown name."""
    if name is None:
        return ZoneInfo("UTC")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownTimezoneError(
            f"unknown time zone {name!r}: use an IANA name such as Europe/Berlin"
        ) from None


def digest_moment(day: date, hour: int, timezone: str | None) -> datetime:
    """Return (in UTC) when the digest of local `day` at `hour` is due."""
    local = datetime.combine(day, time(hour), tzinfo=zone(timezone))
    return _existing(local).astimezone(UTC)


def due_day(now: datetime, hour: int, timezone: str | None) -> date | None:
    """Return the local day whose digest is due at `now` (its hour has come and the day is
    not over), or None before the hour."""
    day = now.astimezone(zone(timezone)).date()
    return day if now >= digest_moment(day, hour, timezone) else None


def digest_window(day: date, hour: int, timezone: str | None) -> tuple[datetime, datetime]:
    """Return the UTC window [since, until) a digest covers: the 24 hours before its moment."""
    until = digest_moment(day, hour, timezone)
    return until - DIGEST_WINDOW, until


def _existing(local: datetime) -> datetime:
    """Return `local` itself, or the first moment after it when a clock change skipped it."""
    there_and_back = local.astimezone(UTC).astimezone(local.tzinfo)
    if there_and_back.replace(tzinfo=None) == local.replace(tzinfo=None):
        return local.replace(fold=0)
    # Skipped (spring forward): the wall time does not exist; the gap's end is when it is due.
    return there_and_back.replace(minute=0, second=0, microsecond=0)
