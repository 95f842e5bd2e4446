"""`wait_event`: a loop that waits on an event is stopped by cancelling it, whenever the
cancellation comes (Python 3.11's `asyncio.wait_for` loses one that arrives just after the
event is set: the publisher's stop then waited for ever)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable

import pytest

from bot.ops.waiting import cancel_and_wait, wait_event

Wait = Callable[[asyncio.Event, float], Awaitable[object]]


async def wait_for_event(event: asyncio.Event, seconds: float) -> object:
    """The old way: `asyncio.wait_for` on the event's wait."""
    try:
        return await asyncio.wait_for(event.wait(), seconds)
    except TimeoutError:
        return False


async def stopped_by_cancel(wait: Wait, steps_after_set: int) -> bool:
    """Run a wake-up loop, set its event, let `steps_after_set` loop steps pass, cancel it:
    return whether it ended (False: it went on looping, the cancellation lost)."""
    event = asyncio.Event()
    looked = asyncio.Event()

    async def loop_until_cancelled() -> None:
        while True:
            event.clear()
            looked.set()
            await wait(event, 60.0)

    task = asyncio.create_task(loop_until_cancelled())
    await looked.wait()
    await asyncio.sleep(0)  # the loop now waits on the event
    event.set()
    for _ in range(steps_after_set):
        await asyncio.sleep(0)
    task.cancel()
    try:
        async with asyncio.timeout(1.0):
            await task
    except asyncio.CancelledError:
        return True
    except TimeoutError:
        task.cancel()  # one more: the lost one left the task looping
        with pytest.raises(asyncio.CancelledError):
            await task
        return False
    return True


@pytest.mark.parametrize("steps_after_set", [0, 1, 2, 3])
async def test_a_cancelled_loop_ends_whenever_the_cancel_comes(steps_after_set: int) -> None:
    assert await stopped_by_cancel(wait_event, steps_after_set)


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="wait_for was fixed in Python 3.12")
async def test_wait_for_loses_the_cancel_that_comes_just_after_the_event() -> None:
    # the race this module exists for, shown on the old way of waiting
    assert not await stopped_by_cancel(wait_for_event, 0)


async def test_returns_whether_the_event_was_set() -> None:
    event = asyncio.Event()
    assert await wait_event(event, 0.01) is False
    event.set()
    assert await wait_event(event, 60.0) is True


async def test_cancel_and_wait_ends_the_task_and_raises_its_error() -> None:
    forever = asyncio.create_task(asyncio.Event().wait())
    await cancel_and_wait(forever)
    assert forever.cancelled()

    async def fails_when_stopped() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            raise RuntimeError("could not stop cleanly") from None

    failing = asyncio.create_task(fails_when_stopped())
    await asyncio.sleep(0)
    with pytest.raises(RuntimeError, match="could not stop cleanly"):
        await cancel_and_wait(failing)
    await cancel_and_wait(None)  # nothing to stop


async def test_cancel_and_wait_keeps_the_callers_own_cancellation() -> None:
    # the caller is cancelled while the task takes its time to end: the caller ends too
    ending = asyncio.Event()

    async def slow_to_stop() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            await ending.wait()
            raise

    slow = asyncio.create_task(slow_to_stop())
    await asyncio.sleep(0)
    stopping = asyncio.create_task(cancel_and_wait(slow))
    await asyncio.sleep(0)  # the caller now waits for the slow task to end
    stopping.cancel()
    with pytest.raises(asyncio.CancelledError):
        await stopping
    ending.set()
    await asyncio.wait({slow})
    assert slow.cancelled()
