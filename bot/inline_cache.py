"""`RenderedResults`: inline results already rendered, kept per article version for a while.

Rendering one result (post HTML cut to fit, description, keyboard, serialised to the Bot
API's JSON) costs ~150 µs, so a page of 50 costs more than the search behind it; news
queries keep finding the same recent stories. An entry is keyed by the article's id, its
version (`updated_at` and `content_hash`: an edit makes a new key) and the asker's
language, and lives `ttl` seconds: what else a result shows (source name, earlier
articles of its story) rarely changes and is refreshed within that time.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Any, Final, TypeAlias

DEFAULT_SIZE: Final = 10_000
DEFAULT_TTL_SECONDS: Final = 600.0

ResultKey: TypeAlias = tuple[int, datetime, str, str]
"""(article id, updated_at, content_hash, language)."""
JSONDict: TypeAlias = dict[str, Any]


class RenderedResults:
    """A bounded LRU of rendered inline results with a time to live."""

    def __init__(
        self,
        size: int = DEFAULT_SIZE,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Keep at most `size` results, each for `ttl_seconds`."""
        if size < 1:
            raise ValueError("size must be at least 1")
        self._size = size
        self._ttl = ttl_seconds
        self._clock = clock
        self._entries: OrderedDict[ResultKey, tuple[float, JSONDict]] = OrderedDict()

    def get(self, key: ResultKey) -> JSONDict | None:
        """Return the rendered result, or None when absent or expired."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        stored_at, result = entry
        if self._clock() - stored_at > self._ttl:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return result

    def put(self, key: ResultKey, result: JSONDict) -> None:
        """Keep a rendered result, evicting the least recently used beyond the size."""
        self._entries[key] = (self._clock(), result)
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
