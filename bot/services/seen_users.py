"""`SeenUsers`: which users were written to the database lately, to skip rewriting them.

Every update records its user (group -1). For inline queries — many a minute from one user
while typing — that was one database write per keystroke, and writes wait on the one
connection that also serves searches. A user whose name and language are unchanged and who
was written within `refresh_seconds` is not written again (their `last_seen_at` is at most
that stale). Private-chat messages always write: they also lift a `blocked` mark.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Final, TypeAlias

from bot.services.expiring_lru import ExpiringLRU

DEFAULT_REFRESH_SECONDS: Final = 600.0
DEFAULT_SIZE: Final = 50_000

UserFields: TypeAlias = tuple[str | None, str, str | None]
"""(username, first_name, language_code) as last written."""


class SeenUsers(ExpiringLRU[int, UserFields]):
    """Users recently written, with the fields written (bounded, expiring)."""

    def __init__(
        self,
        refresh_seconds: float = DEFAULT_REFRESH_SECONDS,
        size: int = DEFAULT_SIZE,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Remember up to `size` users for `refresh_seconds` each."""
        super().__init__(size, refresh_seconds, clock=clock)

    def needs_write(self, user_id: int, fields: UserFields) -> bool:
        """Tell whether the user must be written (new, changed, or not written lately)."""
        return self.get(user_id) != fields

    def written(self, user_id: int, fields: UserFields) -> None:
        """Note that the user was just written with these fields."""
        self.put(user_id, fields)
