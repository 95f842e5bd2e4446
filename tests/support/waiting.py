"""Waiting on a barrier in tests: poll a check until it holds, fail at a deadline with a
message that says what did not happen (and, for bot processes, their logs)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(
    check: Callable[[], Awaitable[T]],
    *,
    within: float = 5.0,
    what: str = "condition",
    interval: float = 0.02,
    context: Callable[[], str] | None = None,
) -> T:
    """Wait until `check()` returns something truthy, polling every `interval` seconds, and
    return it; after `within` seconds fail, naming `what` and adding `context()` (a log tail)."""
    deadline = asyncio.get_running_loop().time() + within
    while not (result := await check()):
        if asyncio.get_running_loop().time() > deadline:
            detail = f":\n{context()}" if context is not None else ""
            raise AssertionError(f"{what} did not happen within {within}s{detail}")
        await asyncio.sleep(interval)
    return result
