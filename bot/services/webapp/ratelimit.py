"""A per-user token bucket for the Mini App's API: a burst, then a steady rate."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

MAX_TRACKED_USERS: Final = 100_000
"""Buckets kept; the least recently used go first (a full bucket is the default anyway)."""


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float


class UserRateLimit:
    """Allow each user `burst` requests at once, refilled at `per_minute` a minute."""

    def __init__(
        self,
        per_minute: int,
        *,
        burst: int = 20,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Limit to `per_minute` a minute after a burst of `burst` (clock: seconds)."""
        self._rate = per_minute / 60.0
        self._burst = float(burst)
        self._clock = clock
        self._buckets: OrderedDict[int, _Bucket] = OrderedDict()

    def allow(self, user_id: int) -> float:
        """Take one request from the user's bucket: 0 if allowed, else seconds to wait."""
        now = self._clock()
        bucket = self._buckets.pop(user_id, None) or _Bucket(self._burst, now)
        bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.at) * self._rate)
        bucket.at = now
        self._buckets[user_id] = bucket
        if len(self._buckets) > MAX_TRACKED_USERS:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self._rate
