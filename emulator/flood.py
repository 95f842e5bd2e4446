"""Telegram's flood limits with honest retry_after: the time until the limit really frees.

Limits (Bot FAQ): about 30 messages per second overall, 20 per minute to one group or
channel, and about one per second to one private chat (a short burst is tolerated).
`time_scale` shrinks every window (0.05 turns a minute into three seconds) for tests.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from emulator.errors import too_many_requests


@dataclass(frozen=True, slots=True)
class FloodLimits:
    """The flood-limit settings; `enabled=False` switches them off."""

    enabled: bool = True
    overall_per_second: int = 30
    group_per_minute: int = 20
    private_burst: int = 5
    private_per_second: float = 1.0
    time_scale: float = 1.0

    @classmethod
    def off(cls) -> FloodLimits:
        """Return limits that never refuse a message."""
        return cls(enabled=False)


class _SlidingWindow:
    """At most `capacity` events in any `seconds`-long window."""

    def __init__(self, capacity: int, seconds: float) -> None:
        self.capacity = capacity
        self.seconds = seconds
        self.events: deque[float] = deque()

    def wait_time(self, now: float, count: int = 1) -> float:
        """Return how long until `count` more events fit (0 when they fit now)."""
        while self.events and self.events[0] <= now - self.seconds:
            self.events.popleft()
        if len(self.events) + count <= self.capacity:
            return 0.0
        if count > self.capacity:
            return self.seconds  # never fits: the caller is told to wait a whole window
        return self.events[len(self.events) + count - 1 - self.capacity] + self.seconds - now

    def record(self, now: float, count: int = 1) -> None:
        """Count `count` events at `now`."""
        self.events.extend([now] * count)


class _TokenBucket:
    """A burst of `capacity` events, refilled at `rate` per second."""

    def __init__(self, capacity: int, rate: float, now: float) -> None:
        self.capacity = capacity
        self.rate = rate
        self.tokens = float(capacity)
        self.updated = now

    def _refill(self, now: float) -> None:
        """Add the tokens earned since the last look."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def wait_time(self, now: float, count: int = 1) -> float:
        """Return how long until `count` tokens are available."""
        self._refill(now)
        return 0.0 if self.tokens >= count else (count - self.tokens) / self.rate

    def record(self, now: float, count: int = 1) -> None:
        """Spend `count` tokens."""
        self._refill(now)
        self.tokens -= count


class FloodControl:
    """Decides whether the bot may send one more message to a chat right now."""

    def __init__(self, limits: FloodLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.limits = limits
        self._overall = _SlidingWindow(1, 1.0)
        self._groups: dict[int, _SlidingWindow] = {}
        self._private: dict[int, _TokenBucket] = {}
        self.configure(limits)

    def configure(self, limits: FloodLimits) -> None:
        """Adopt new limits and forget what was counted so far."""
        self.limits = limits
        self._overall = _SlidingWindow(limits.overall_per_second, 1.0 * limits.time_scale)
        self._groups.clear()
        self._private.clear()

    def admit(self, chat_id: int, *, private: bool, count: int = 1) -> None:
        """Count `count` messages to `chat_id` (an album counts each of its items), or raise
        429 with the honest wait; all of them or none."""
        if not self.limits.enabled:
            return
        now = self._clock()
        chat_limit = self._private_bucket(chat_id, now) if private else self._group_window(chat_id)
        overall, chat = self._overall.wait_time(now, count), chat_limit.wait_time(now, count)
        if overall > 0 or chat > 0:
            wait, limit = max((overall, "overall"), (chat, "chat"))
            detail = f"t={now:.3f} chat={chat_id} count={count} limit={limit} wait={wait:.3f}"
            raise too_many_requests(wait, detail)
        self._overall.record(now, count)
        chat_limit.record(now, count)

    def _group_window(self, chat_id: int) -> _SlidingWindow:
        """Return the per-minute window of a group or channel."""
        window = self._groups.get(chat_id)
        if window is None:
            window = _SlidingWindow(self.limits.group_per_minute, 60.0 * self.limits.time_scale)
            self._groups[chat_id] = window
        return window

    def _private_bucket(self, chat_id: int, now: float) -> _TokenBucket:
        """Return the token bucket of a private chat."""
        bucket = self._private.get(chat_id)
        if bucket is None:
            rate = self.limits.private_per_second / self.limits.time_scale
            bucket = _TokenBucket(self.limits.private_burst, rate, now)
            self._private[chat_id] = bucket
        return bucket
