"""When to fetch a source next: after a success, after a failure, and when to give up.

Rules (all delays in seconds, `now` must be timezone-aware):

- After a success the next fetch waits `interval_seconds`, or longer when the server asks
  for it (Cache-Control `max-age`, `Retry-After`). Server hints are capped at
  `MAX_SERVER_DELAY` (24 h) so a stray `max-age=31536000` cannot silence a source for a
  year; the source's own interval is the floor and is never shortened or capped.
- After the n-th consecutive failure the wait is `interval * 2**(n-1)` (exponential
  backoff), capped at `MAX_BACKOFF` (24 h) but never below the interval; a later
  `Retry-After` (capped the same way) wins. With `jitter_key` (e.g. the source id) up to
  `JITTER_FRACTION` of the wait is added, derived deterministically from the key, so sources
  that failed together (network down) do not all retry in the same second.
- A source is deactivated once its consecutive failures reach `max_failures`.
"""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta

MAX_SERVER_DELAY = timedelta(hours=24)
MAX_BACKOFF = timedelta(hours=24)
JITTER_FRACTION = 0.1
_MAX_EXPONENT = 32  # 2**32 intervals exceed any cap; avoids huge integers


def next_fetch_after_success(
    now: datetime,
    *,
    interval_seconds: float,
    max_age: float | None = None,
    retry_after: float | None = None,
) -> datetime:
    """Return when to fetch again after a successful fetch at `now`."""
    _check(now, interval_seconds)
    hint = max(max_age or 0.0, retry_after or 0.0)
    capped_hint = min(hint, MAX_SERVER_DELAY.total_seconds())
    return now + timedelta(seconds=max(interval_seconds, capped_hint))


def next_fetch_after_failure(
    now: datetime,
    *,
    interval_seconds: float,
    failure_count: int,
    retry_after: float | None = None,
    jitter_key: str | None = None,
) -> datetime:
    """Return when to retry after the `failure_count`-th consecutive failure at `now`."""
    _check(now, interval_seconds)
    if failure_count < 1:
        raise ValueError("failure_count must be at least 1 after a failure")
    exponent = min(failure_count - 1, _MAX_EXPONENT)
    backoff = min(interval_seconds * 2**exponent, MAX_BACKOFF.total_seconds())
    backoff = max(backoff, interval_seconds)
    if retry_after is not None:
        backoff = max(backoff, min(retry_after, MAX_SERVER_DELAY.total_seconds()))
    if jitter_key is not None:
        backoff += backoff * JITTER_FRACTION * _unit_fraction(jitter_key)
    return now + timedelta(seconds=backoff)


def should_deactivate(failure_count: int, max_failures: int) -> bool:
    """Return True once `failure_count` consecutive failures reach `max_failures`."""
    if max_failures < 1:
        raise ValueError("max_failures must be at least 1")
    return failure_count >= max_failures


def _unit_fraction(key: str) -> float:
    """Map `key` to a stable number in [0, 1) (CRC-32, the same on every run and machine)."""
    return zlib.crc32(key.encode("utf-8")) / 2**32


def _check(now: datetime, interval_seconds: float) -> None:
    """Refuse a naive `now` or a non-positive interval."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if not interval_seconds > 0:
        raise ValueError("interval_seconds must be positive")
