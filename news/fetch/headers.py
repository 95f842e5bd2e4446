"""Read the response headers that steer scheduling: Cache-Control max-age and Retry-After."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def parse_max_age(cache_control: str | None) -> int | None:
    """Return Cache-Control's `max-age` in seconds, or None when absent or malformed."""
    if not cache_control:
        return None
    for directive in cache_control.split(","):
        name, _, value = directive.partition("=")
        if name.strip().lower() != "max-age":
            continue
        value = value.strip().strip('"')
        if value.isascii() and value.isdigit():
            return int(value)
        return None
    return None


def parse_retry_after(value: str | None, *, now: datetime) -> float | None:
    """Return Retry-After (delay seconds or HTTP-date) as seconds from `now`, never negative."""
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(int(text))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # "-0000" means UTC with no claim about local time
    return max(0.0, (when - now).total_seconds())
