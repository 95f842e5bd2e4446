"""`wait_event`: wait for an event or a timeout without losing a cancellation;
`cancel_and_wait`: end a background task without swallowing the caller's.

On Python 3.11, `asyncio.wait_for(event.wait(), timeout)` swallows a cancellation that
arrives after the event was set but before the waiting task ran again: it returns the
result instead of raising (CPython gh-86296, fixed in 3.12 by building `wait_for` on
`asyncio.timeout`). A loop that waits this way and is stopped by cancelling it then goes
round again and never ends; its stop waited for ever (the full test runs that hung at a
publisher's stop). `asyncio.timeout` counts cancellations and re-raises them.
"""

from __future__ import annotations

import asyncio
from typing import Any


async def wait_event(event: asyncio.Event, seconds: float) -> bool:
    """Wait until `event` is set or `seconds` pass; return whether it was set."""
    try:
        async with asyncio.timeout(seconds):
            await event.wait()
    except TimeoutError:
        return event.is_set()
    return True


async def cancel_and_wait(task: asyncio.Task[Any] | None) -> None:
    """Cancel `task` (None: nothing) and wait until it has ended; an error it ended with is
    raised, its cancellation is not, and a cancellation of the caller is never swallowed
    (`contextlib.suppress(CancelledError)` around `await task` would take that one too)."""
    if task is None:
        return
    task.cancel()
    await asyncio.wait({task})
    if not task.cancelled():
        task.result()
