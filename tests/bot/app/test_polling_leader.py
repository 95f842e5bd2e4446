"""`PollingLeader`: one process polls while it holds the `updates` lease; a standby takes
over when the holder's lease expires, and a holder that lost its lease stops polling.

Two processes are two `LeaseKeeper`s on one in-memory lease table whose expiry follows an
injected clock, each with a fake updater: no database, no sleeps."""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field

from bot.app.lifecycle import PollingLeader
from bot.services.leases import LeaseKeeper

LEASE = 9.0


@dataclass
class Clock:
    """Seconds that move only when the test says so."""

    now: float = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Leases:
    """`LeaseRepository` on a dict, expiring by `clock` (the database's clock)."""

    clock: Clock
    rows: dict[str, tuple[str, float]] = field(default_factory=dict)
    reachable: bool = True

    def _check(self) -> None:
        if not self.reachable:
            raise ConnectionError("the database is away")

    async def acquire(self, name: str, holder: str, *, seconds: float) -> bool:
        self._check()
        current = self.rows.get(name)
        if current is None or current[0] == holder or current[1] <= self.clock():
            self.rows[name] = (holder, self.clock() + seconds)
            return True
        return False

    async def renew(self, holder: str, *, seconds: float) -> builtins.list[str]:
        self._check()
        names = [n for n, (h, until) in self.rows.items() if h == holder and until > self.clock()]
        for name in names:
            self.rows[name] = (holder, self.clock() + seconds)
        return sorted(names)

    async def release(self, name: str, holder: str) -> bool:
        self._check()
        if self.rows.get(name, ("", 0.0))[0] == holder:
            del self.rows[name]
            return True
        return False

    async def release_all(self, holder: str | None = None) -> int:
        self._check()
        names = [n for n, (h, _) in self.rows.items() if holder is None or h == holder]
        for name in names:
            del self.rows[name]
        return len(names)

    async def holders(self, prefix: str) -> dict[str, str]:
        self._check()
        return {
            n: h
            for n, (h, until) in self.rows.items()
            if n.startswith(prefix) and until > self.clock()
        }


@dataclass
class Store:
    """The part of `Database` a `LeaseKeeper` uses."""

    leases: Leases


@dataclass
class FakeUpdater:
    """What `PollingLeader` does with PTB's `Updater`, recorded."""

    running: bool = False
    starts: int = 0
    stops: int = 0

    async def start_polling(self, *, drop_pending_updates: bool) -> None:
        assert not self.running
        assert drop_pending_updates is False  # updates queued meanwhile are not dropped
        self.running = True
        self.starts += 1

    async def stop(self) -> None:
        assert self.running
        self.running = False
        self.stops += 1


def process(
    store: Store, clock: Clock, name: str
) -> tuple[PollingLeader, FakeUpdater, LeaseKeeper]:
    """One bot process: its leases and its polling leader."""
    keeper = LeaseKeeper(store, holder=name, lease_seconds=LEASE, clock=clock)  # type: ignore[arg-type]
    updater = FakeUpdater()
    return PollingLeader(updater, keeper), updater, keeper  # type: ignore[arg-type]


async def test_one_polls_the_other_stands_by():
    clock = Clock()
    store = Store(Leases(clock))
    first, first_updater, _ = process(store, clock, "a")
    second, second_updater, _ = process(store, clock, "b")

    await first.step()
    await second.step()
    await second.step()

    assert (first_updater.running, second_updater.running) == (True, False)
    assert second_updater.starts == 0


async def test_a_standby_takes_over_once_the_holders_lease_expired():
    clock = Clock()
    store = Store(Leases(clock))
    first, first_updater, _ = process(store, clock, "a")
    second, second_updater, second_keeper = process(store, clock, "b")
    await first.step()  # "a" polls, then dies: it renews no more

    clock.advance(LEASE - 0.5)
    await second.step()
    assert not second_updater.running  # not expired yet: still a's

    clock.advance(1.0)
    await second.step()
    assert second_updater.running
    assert second_keeper.holds("updates")
    assert first_updater.running  # the dead one's updater is not ours to stop


async def test_a_holder_that_lost_its_lease_steps_down():
    clock = Clock()
    leases = Leases(clock)
    store = Store(leases)
    first, first_updater, first_keeper = process(store, clock, "a")
    second, second_updater, _ = process(store, clock, "b")
    await first.step()

    # "a" could not renew (a long pause, the database away for it) and "b" took over.
    clock.advance(LEASE + 1)
    await second.step()
    assert second_updater.running
    await first_keeper.renew()  # reaches the database again: the lease is b's now

    await first.step()
    assert not first_updater.running
    assert first_updater.stops == 1
    assert not first_keeper.holds("updates")


async def test_a_holder_that_cannot_renew_steps_down_when_its_lease_runs_out():
    clock = Clock()
    leases = Leases(clock)
    first, updater, keeper = process(Store(leases), clock, "a")
    await first.step()
    await keeper.renew()

    leases.reachable = False  # renewals fail from now on; nobody can say it still holds it
    clock.advance(LEASE - 1)
    await first.step()
    assert updater.running  # still within its lease

    clock.advance(1)
    await first.step()
    assert not updater.running
    assert updater.stops == 1


async def test_stop_gives_the_lease_up_so_a_standby_polls_at_once():
    clock = Clock()
    store = Store(Leases(clock))
    first, first_updater, _ = process(store, clock, "a")
    second, second_updater, _ = process(store, clock, "b")
    await first.step()

    await first.stop()
    await second.step()

    assert not first_updater.running
    assert second_updater.running
