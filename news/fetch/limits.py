"""Concurrency limits for fetching: one slot pool per host, created and dropped on demand."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class HostSlots:
    """At most `per_host` concurrent holders per host name; idle hosts are forgotten."""

    def __init__(self, per_host: int) -> None:
        self._per_host = per_host
        self._semaphores: dict[str, asyncio.Semaphore] = {}
        self._users: dict[str, int] = {}

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold one of `host`'s slots for the duration of the block."""
        key = host.lower()
        semaphore = self._semaphores.setdefault(key, asyncio.Semaphore(self._per_host))
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with semaphore:
                yield
        finally:
            self._users[key] -= 1
            if self._users[key] == 0:
                del self._users[key]
                del self._semaphores[key]

    def __len__(self) -> int:
        """Return how many hosts currently have holders or waiters."""
        return len(self._semaphores)
