"""`ExpiringLRU`: a bounded least-recently-used map whose entries also expire."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ExpiringLRU(Generic[K, V]):
    """At most `size` entries, each forgotten `ttl_seconds` after it was put."""

    def __init__(
        self, size: int, ttl_seconds: float, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Keep at most `size` entries, each for `ttl_seconds`."""
        if size < 1:
            raise ValueError("size must be at least 1")
        self._size = size
        self._ttl = ttl_seconds
        self._clock = clock
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()

    def get(self, key: K) -> V | None:
        """Return the value, or None when absent or expired."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        stored_at, value = entry
        if self._clock() - stored_at > self._ttl:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        """Keep a value, evicting the least recently used entries beyond the size."""
        self._entries[key] = (self._clock(), value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
