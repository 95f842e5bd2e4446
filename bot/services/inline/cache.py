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
from collections.abc import Callable
from datetime import datetime
from typing import Any, Final, TypeAlias

from bot.services.expiring_lru import ExpiringLRU

DEFAULT_SIZE: Final = 10_000
DEFAULT_TTL_SECONDS: Final = 600.0

ResultKey: TypeAlias = tuple[int, datetime, str, str]
"""(article id, updated_at, content_hash, language)."""
JSONDict: TypeAlias = dict[str, Any]


class RenderedResults(ExpiringLRU[ResultKey, JSONDict]):
    """Rendered inline results by article version and language, bounded and expiring."""

    def __init__(
        self,
        size: int = DEFAULT_SIZE,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Keep at most `size` results, each for `ttl_seconds`."""
        super().__init__(size, ttl_seconds, clock=clock)
