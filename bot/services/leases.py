"""Sharing work between several bot processes on one database: a process's leases.

Every process has a `LeaseKeeper` with a holder name of its own (host, pid, random). The
keeper takes named leases in the database (`storage.protocols.LeaseRepository`) and renews
all of them together every `renew_seconds`; a lease lives `lease_seconds`, so when a
process dies its leases are free again at most that long after its last renewal, and
another process takes them on its next try. What is leased:

- `updates`: the one process that polls Telegram for updates (webhook mode needs none);
- `publish:<channel id>`: the process working that channel's outbox (and pacing that chat);
- `process:<holder>`: one per live process (the overall send budget is shared in the
  database's `send_budget` table: `bot.delivery.send_budget`);
- `once:<job>`: a job run once per interval by whichever process gets there first (not
  renewed: it expires by itself).

On SQLite one process holds the whole database (the run lock), so every lease is simply
taken; at start, `exclusive=True` clears the leases a previous run left behind.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable
from typing import Final

from bot.ops.waiting import cancel_and_wait
from storage import Database

log = logging.getLogger(__name__)

LEASE_SECONDS: Final = 9.0
"""How long a lease lives without renewal: a dead process's work is taken over after this."""
RENEW_SECONDS: Final = 2.5
"""How often a process renews its leases (and standby processes try to take free ones)."""
PROCESS_PREFIX: Final = "process:"
ONCE_PREFIX: Final = "once:"


def new_holder() -> str:
    """Return a holder name unique to this process: host, pid and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class LeaseKeeper:
    """Takes, renews and gives up this process's leases; `start()`, `await stop()`."""

    def __init__(
        self,
        db: Database,
        *,
        holder: str | None = None,
        lease_seconds: float = LEASE_SECONDS,
        renew_seconds: float = RENEW_SECONDS,
        exclusive: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Keep leases in `db` as `holder`; `exclusive`: the only process on this database."""
        self._db = db
        self.holder = holder or new_holder()
        self.lease_seconds = lease_seconds
        self.renew_seconds = renew_seconds
        self.exclusive = exclusive
        self._clock = clock
        self._held: set[str] = set()
        self._renewed_at = clock()
        self._task: asyncio.Task[None] | None = None
        self.processes = 1
        """Live processes on this database at the last renewal (this one included)."""
        self.on_renewed: Callable[[LeaseKeeper], None] | None = None
        """Told after every renewal."""

    @property
    def process_lease(self) -> str:
        """Return the name of this process's own lease."""
        return PROCESS_PREFIX + self.holder

    def holds(self, name: str) -> bool:
        """Tell whether this process holds `name` (as of its last renewal, still in time)."""
        if self._clock() - self._renewed_at >= self.lease_seconds:
            return False  # not renewed in time (the database away): others may hold it now
        return name in self._held

    async def acquire(self, name: str) -> bool:
        """Take the lease `name` if it is free (or ours); return whether we hold it."""
        started = self._clock()
        if await self._db.leases.acquire(name, self.holder, seconds=self.lease_seconds):
            if not self._held:
                self._renewed_at = started
            self._held.add(name)
            return True
        self._held.discard(name)
        return False

    async def claim_once(self, job: str, seconds: float) -> bool:
        """Claim a job's run for `seconds`: True for the first process to ask in that time."""
        return await self._db.leases.acquire(
            ONCE_PREFIX + job, f"{self.holder}:once", seconds=seconds
        )

    async def release(self, name: str) -> None:
        """Give up the lease `name` (a failure to say so is logged: it expires anyway)."""
        self._held.discard(name)
        try:
            await self._db.leases.release(name, self.holder)
        except Exception:  # the database away: the lease expires by itself
            log.warning("lease_release_failed", extra={"lease": name}, exc_info=True)

    async def renew(self) -> None:
        """Renew every lease held; forget those lost; count the live processes."""
        started = self._clock()
        renewed = set(await self._db.leases.renew(self.holder, seconds=self.lease_seconds))
        if self.process_lease not in renewed:
            await self._db.leases.acquire(
                self.process_lease, self.holder, seconds=self.lease_seconds
            )
            renewed.add(self.process_lease)
        lost = self._held - renewed
        if lost:
            log.warning("leases_lost", extra={"leases": sorted(lost)})
        self._held &= renewed
        self._held.add(self.process_lease)
        self._renewed_at = started
        self.processes = max(1, len(await self._db.leases.holders(PROCESS_PREFIX)))
        if self.on_renewed is not None:
            self.on_renewed(self)

    async def start(self) -> None:
        """Clear a previous run's leases (exclusive only), register this process, and keep
        renewing in the background."""
        if self.exclusive:
            await self._db.leases.release_all()
        await self.renew()
        if self._task is None:
            self._task = asyncio.create_task(self._keep(), name="leases")

    async def stop(self) -> None:
        """Stop renewing and give every lease up, so that others take over at once."""
        task, self._task = self._task, None
        await cancel_and_wait(task)
        self._held.clear()
        try:
            await self._db.leases.release_all(self.holder)
        except Exception:  # the database away: the leases expire by themselves
            log.warning("lease_release_failed", extra={"lease": "*"}, exc_info=True)

    async def _keep(self) -> None:
        """Renew every `renew_seconds`; a failed renewal is logged and tried again."""
        while True:
            await asyncio.sleep(self.renew_seconds)
            try:
                await self.renew()
            except Exception:  # the database away: `holds` turns False when too late
                log.warning("lease_renewal_failed", exc_info=True)
