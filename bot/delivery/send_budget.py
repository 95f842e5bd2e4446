"""The bot's overall send budget shared by several processes on one PostgreSQL database.

Telegram counts about 30 messages a second for the whole bot, whichever process sends
them. Each process's pacer has an overall window whose capacity is the number of places it
holds of that budget; every `every` seconds a `SendBudget` settles with the database
(`LeaseRepository.settle_budget`, one transaction): it says how many places the process
wants (all of them while it is sending to any chat or the overall window held a send back,
else the most it used at once, at least one so that a reply never waits for a settlement),
gives back what it holds beyond its fair share, and takes free places up to that share. The
shares are in proportion to the chats each process is sending to (a send still in their
own window, or ready to send), none above what it wants: a process with work gets the
budget the idle ones leave, two busy ones split it by their chats (16 and 14 channels: 16
and 14 places, so both finish a burst together), and together they never hold more than
the budget. (Counting only the chats ready at one instant made the shares swing with the
channels' own windows: two processes reached 0.69 of the allowed rate, 0.94 with this.) And:

- a process lowers its own window first and gives the places back at its next settlement,
  never below its sends in flight;
- places given back still count for a window (and a margin) after the settlement, so the
  sends made with them have left Telegram's window before another process uses them;
- a process that cannot settle for half its places' lifetime sends nothing until it can,
  and a dead process's places come back when their lifetime ends.

On SQLite one process sends alone: its pacer keeps the whole budget and nothing is settled.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Final

from bot.ops.waiting import cancel_and_wait
from bot.services.leases import LEASE_SECONDS
from bot.transport.pacing import Pacer
from storage import Database

log = logging.getLogger(__name__)

COOLING_MARGIN: Final = 0.1
"""Places given back count this fraction of a window longer than the window itself."""
MIN_WANTS: Final = 1
"""Places every live process keeps, so that a reply goes out without a settlement."""


def settle_every(window_seconds: float) -> float:
    """Return how often to settle for an overall window of `window_seconds`: half of it,
    between 0.05 and 0.5 s (a busy process gets idle ones' places within that)."""
    return min(0.5, max(0.05, window_seconds / 2))


class SendBudget:
    """Keeps this process's part of the overall send budget; `start()`, `await stop()`."""

    def __init__(
        self,
        db: Database,
        pacer: Pacer,
        holder: str,
        *,
        every: float | None = None,
        lease_seconds: float = LEASE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Settle `pacer`'s overall window as `holder` in `db` every `every` seconds."""
        self._db = db
        self._pacer = pacer
        self.holder = holder
        capacity, window = pacer.limits.overall_window
        self.capacity = capacity
        self.every = every if every is not None else settle_every(window)
        self.cooling = window * (1 + COOLING_MARGIN)
        self.lease_seconds = lease_seconds
        self._clock = clock
        self._settled_at: float | None = None
        self._task: asyncio.Task[None] | None = None
        self.settlements = 0
        """Settlements made (a test barrier)."""

    async def settle(self, *, wants: int | None = None) -> None:
        """Settle once: say what this process wants, give back, take, set the window."""
        pacer = self._pacer
        demand = pacer.take_demand()
        wanted = max(MIN_WANTS, demand.places) if wants is None else wants
        keep = max(pacer.overall_capacity, pacer.overall_in_flight)
        started = self._clock()
        try:
            held, share = await self._db.leases.settle_budget(
                self.holder,
                wants=wanted,
                weight=demand.chats,
                keep=keep,
                capacity=self.capacity,
                seconds=self.lease_seconds,
                cooling=self.cooling,
            )
        except Exception:  # the database away: keep the places while they are surely ours
            log.warning("send_budget_settle_failed", exc_info=True)
            if self._settled_at is None or started - self._settled_at > self.lease_seconds / 2:
                pacer.set_overall_capacity(0)
            return
        self._settled_at = started
        self.settlements += 1
        if min(held, share) != pacer.overall_capacity:
            log.debug(
                "send_budget_settled",
                extra={"held": held, "share": share, "wants": wanted, "weight": demand.chats},
            )
        pacer.set_overall_capacity(min(held, share))

    async def start(self) -> None:
        """Hold nothing, settle once, and keep settling in the background."""
        self._pacer.set_overall_capacity(0)
        await self.settle()
        if self._task is None:
            self._task = asyncio.create_task(self._keep(), name="send-budget")

    async def stop(self) -> None:
        """Stop settling and give every place back (they count for a window more)."""
        task, self._task = self._task, None
        await cancel_and_wait(task)
        self._pacer.set_overall_capacity(0)
        await self.settle(wants=0)

    async def _keep(self) -> None:
        """Settle every `every` seconds until stopped."""
        while True:
            await asyncio.sleep(self.every)
            await self.settle()
