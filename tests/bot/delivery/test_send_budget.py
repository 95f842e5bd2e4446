"""`SendBudget`: processes share the bot's overall send window through the database.

Two processes are two pacers (injected clocks) settling on one store; their overall
windows together never hold more than the budget, a busy one gets what an idle one leaves,
two busy ones end with half each, and a process that cannot settle stops sending."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from bot.delivery.send_budget import SendBudget, settle_every
from bot.transport.pacing import Pacer, PacingLimits
from storage import Database
from tests.support.clock import FakeClock
from tests.support.engines import fresh_store

CHANNELS = range(-1100, -1000)


@pytest.fixture(params=["sqlite", "postgresql"])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A fresh store on each engine (PostgreSQL is where processes share it)."""
    async with fresh_store(request.param, request, tmp_path) as database:
        yield database


def process(db: Database, name: str) -> tuple[Pacer, SendBudget]:
    """A process: its pacer (30 a second overall) and its part of the budget."""
    pacer = Pacer(PacingLimits(overall_per_second=30), clock=FakeClock())
    return pacer, SendBudget(db, pacer, name)


def held_back(pacer: Pacer, chats: int = 40) -> None:
    """Make the pacer see `chats` chats ready to send, taking every place its overall
    window has: the window alone holds sends back (it wants more)."""
    for chat in CHANNELS[:chats]:
        while pacer.delay(chat) == 0.0:
            pacer._overall.reserve()  # a send in flight, as `slot` takes it (the overall
            # window only: the chat's own window stays open)


async def test_a_busy_process_takes_what_an_idle_one_leaves(db: Database) -> None:
    busy, busy_budget = process(db, "busy")
    idle, idle_budget = process(db, "idle")
    await idle_budget.start()
    await busy_budget.start()
    held_back(busy)
    await busy_budget.settle()
    assert (busy.overall_capacity, idle.overall_capacity) == (29, 1)  # a place for replies


async def test_busy_processes_share_by_their_chats_ready_to_send(db: Database) -> None:
    first, first_budget = process(db, "a")
    second, second_budget = process(db, "b")
    await first_budget.start()
    await second_budget.start()
    for _ in range(3):  # settle, lower the window, give back; the cooling places stay
        held_back(first, chats=16)
        held_back(second, chats=14)
        await first_budget.settle()
        await second_budget.settle()
    assert (first.overall_capacity, second.overall_capacity) == (16, 1)
    held = await db.leases.settle_budget(
        "b", wants=30, weight=14, keep=1, capacity=30, seconds=30, cooling=30
    )
    assert held == (1, 14)  # b's share is 14, once a's places given back have cooled


async def test_two_busy_processes_end_with_half_each_never_more_than_the_budget(
    db: Database,
) -> None:
    first, first_budget = process(db, "a")
    second, second_budget = process(db, "b")
    await first_budget.start()
    held_back(first)
    await first_budget.settle()
    assert first.overall_capacity == 30  # alone: all of it
    await second_budget.start()
    held_back(second)
    seen = []
    for budget in (second_budget, first_budget, first_budget, second_budget):
        await budget.settle()
        held_back(first)
        held_back(second)
        seen.append((first.overall_capacity, second.overall_capacity))
    # b waits for a's half; a lowers its window, then gives the half back; the places
    # given back still count a window long, so b has none yet.
    assert seen == [(30, 0), (15, 0), (15, 0), (15, 0)]
    assert all(a + b <= 30 for a, b in seen)


async def test_places_are_not_given_back_below_the_sends_in_flight(db: Database) -> None:
    first, first_budget = process(db, "a")
    second, second_budget = process(db, "b")
    await first_budget.start()
    held_back(first)
    await first_budget.settle()
    held_back(first)  # 30 sends in flight
    await second_budget.start()
    held_back(second)
    await second_budget.settle()
    await first_budget.settle()  # told its share: 15, but 30 still in flight
    await first_budget.settle()
    assert first.overall_in_flight == 30
    held, _ = await db.leases.settle_budget(
        "c", wants=30, weight=40, keep=0, capacity=30, seconds=30, cooling=30
    )
    assert held == 0  # nothing free: a still holds its 30 places


class Unreachable:
    """A store whose settlements fail (the database away)."""

    async def settle_budget(self, *_: Any, **__: Any) -> tuple[int, int]:
        raise ConnectionError("the database is away")


async def test_a_process_that_cannot_settle_stops_sending_before_its_places_expire(
    db: Database,
) -> None:
    clock = FakeClock()
    pacer = Pacer(PacingLimits(overall_per_second=30), clock=clock)
    budget = SendBudget(db, pacer, "a", clock=clock, lease_seconds=9.0)
    await budget.start()
    held_back(pacer)
    await budget.settle()
    assert pacer.overall_capacity == 30
    budget._db = cast(Database, SimpleNamespace(leases=Unreachable()))
    clock.advance(4.0)
    await budget.settle()
    assert pacer.overall_capacity == 30  # still surely ours
    clock.advance(1.0)
    await budget.settle()
    assert pacer.overall_capacity == 0  # half its lifetime without a settlement


async def test_a_stopped_process_gives_its_places_back(db: Database) -> None:
    pacer, budget = process(db, "a")
    await budget.start()
    held_back(pacer)
    await budget.settle()
    assert pacer.overall_capacity == 30
    pacer._overall.in_flight = 0  # the sends were answered
    await budget.stop()
    assert pacer.overall_capacity == 0
    assert await db.leases.settle_budget(
        "b", wants=30, weight=1, keep=0, capacity=30, seconds=30, cooling=30
    ) == (0, 30)  # given back, cooling a window long


@pytest.mark.parametrize("window", [0.01, 1.0, 60.0])
def test_settlements_come_often_but_not_too_often(window: float) -> None:
    assert 0.05 <= settle_every(window) <= 0.5
