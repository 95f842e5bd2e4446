"""Sliding windows and the pacer: Telegram's limits per chat and overall, holds after 429."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.transport.pacing import (
    GLOBAL_HOLD_CHATS,
    PRUNE_EVERY,
    Demand,
    Pacer,
    PacingLimits,
    SlidingWindow,
    in_paced_send,
)
from tests.support.clock import FakeClock

CHANNEL = -1001
OTHER_CHANNEL = -1002
USER = 42


def test_window_frees_a_place_a_full_window_after_each_answer() -> None:
    window = SlidingWindow(capacity=2, seconds=10.0)
    assert window.delay(0.0) == 0.0
    window.reserve()
    window.record(1.0)
    window.reserve()
    window.record(3.0)
    assert window.delay(3.0) == pytest.approx(8.0)  # the first answer leaves at 11
    assert window.delay(10.999) == pytest.approx(0.001)
    assert window.delay(11.0) == 0.0


def test_sends_in_flight_hold_their_place_until_answered() -> None:
    window = SlidingWindow(capacity=2, seconds=10.0)
    window.reserve()
    window.reserve()
    assert window.delay(0.0) is None  # full of sends in flight: wait for an answer
    window.record(5.0)
    assert window.delay(5.0) == pytest.approx(10.0)  # the answer at 5.0 leaves at 15.0
    window.record(6.0)
    assert window.delay(6.0) == pytest.approx(9.0)
    assert not window.idle(15.5)
    assert window.idle(16.0)


def test_limits_follow_telegram_and_scale() -> None:
    limits = PacingLimits()
    assert limits.overall_window == (30, 1.0)
    assert limits.channel_window == (20, 60.0)
    assert limits.private_window == (3, 3.0)
    scaled = PacingLimits(time_scale=0.05)
    assert scaled.channel_window == (20, pytest.approx(3.0))
    with pytest.raises(ValueError, match="at least 1"):
        PacingLimits(channel_per_minute=0)
    with pytest.raises(ValueError, match="positive"):
        PacingLimits(time_scale=0)


async def test_channel_takes_twenty_a_minute_while_others_go_on() -> None:
    clock = FakeClock()
    pacer = Pacer(PacingLimits(), clock=clock)
    for _ in range(20):
        assert pacer.delay(CHANNEL) == 0.0
        async with pacer.slot(CHANNEL):
            pass
    assert pacer.delay(CHANNEL) == pytest.approx(60.0)
    assert pacer.delay(OTHER_CHANNEL) == 0.0
    clock.now += 60.0
    assert pacer.delay(CHANNEL) == 0.0


async def test_overall_limit_spans_every_chat() -> None:
    clock = FakeClock()
    pacer = Pacer(PacingLimits(overall_per_second=5), clock=clock)
    for chat in range(-1, -6, -1):
        async with pacer.slot(chat):
            pass
    assert pacer.delay(-99) == pytest.approx(1.0)
    assert pacer.delay(USER) == pytest.approx(1.0)


async def test_private_chat_allows_a_short_burst_then_about_one_a_second() -> None:
    clock = FakeClock()
    pacer = Pacer(PacingLimits(private_burst=3, private_per_second=1.0), clock=clock)
    for _ in range(3):
        async with pacer.slot(USER):
            pass
    assert pacer.delay(USER) == pytest.approx(3.0)


async def test_hold_stops_one_chat_unless_several_are_told_at_once() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock)
    pacer.hold(CHANNEL, 7.0)
    assert pacer.delay(CHANNEL) == pytest.approx(7.0)
    assert pacer.delay(OTHER_CHANNEL) == 0.0
    clock.now += 2.0  # a second later: not "at once"
    for n in range(1, GLOBAL_HOLD_CHATS):
        pacer.hold(-2000 - n, 5.0)
    assert pacer.delay(OTHER_CHANNEL) == 0.0
    pacer.hold(-3000, 5.0)  # the third chat told to wait within a second: the overall limit
    assert pacer.delay(OTHER_CHANNEL) == pytest.approx(5.0)
    assert pacer.delay(USER) == pytest.approx(5.0)


async def test_slot_marks_the_task_as_paced_and_records_even_on_error() -> None:
    clock = FakeClock()
    pacer = Pacer(PacingLimits(channel_per_minute=1), clock=clock)
    assert not in_paced_send()
    seen: list[bool] = []

    async def failing_send() -> None:
        async with pacer.slot(CHANNEL):
            seen.append(in_paced_send())
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await failing_send()
    assert seen == [True]
    assert not in_paced_send()
    assert pacer.delay(CHANNEL) == pytest.approx(60.0)  # a failed send still counts


async def test_idle_chats_are_forgotten() -> None:
    clock = FakeClock()
    pacer = Pacer(PacingLimits(overall_per_second=10_000), clock=clock)
    for chat in range(1, PRUNE_EVERY + 1):  # one send a second, each to a new channel
        async with pacer.slot(-chat):
            pass
        clock.now += 1.0
    assert pacer.tracked_chats == 60  # only the channels of the last minute are remembered


async def test_waiting_senders_go_out_no_faster_than_the_window() -> None:
    pacer = Pacer(PacingLimits(channel_per_minute=2, time_scale=0.005))  # 2 per 0.3 s
    answered: list[float] = []

    async def post() -> None:
        async with pacer.slot(CHANNEL):
            await asyncio.sleep(0.01)
        answered.append(time.monotonic())

    started = time.monotonic()
    await asyncio.gather(*(post() for _ in range(5)))
    assert answered[-1] - started >= 0.6  # sends 3-4 wait one window, 5 waits two
    for earlier, later in zip(answered, answered[2:], strict=False):
        assert later - earlier >= 0.3 - 0.001


def test_a_chat_taken_over_is_paced_from_the_sends_made_before() -> None:
    clock = FakeClock()
    pacer = Pacer(PacingLimits(), clock=clock)
    # Another process sent 20 posts to the channel over the last 30 s, the oldest 30 s ago.
    pacer.seed(CHANNEL, [30.0 - n * 1.5 for n in range(20)])
    assert pacer.delay(CHANNEL) == pytest.approx(30.0)  # the oldest leaves the minute at 60
    pacer.seed(CHANNEL, [10.0])  # a shorter record changes nothing
    assert pacer.delay(CHANNEL) == pytest.approx(30.0)
    assert pacer.delay(OTHER_CHANNEL) == 0.0


async def test_the_overall_window_has_the_capacity_this_process_holds() -> None:
    clock = FakeClock()
    pacer = Pacer(PacingLimits(overall_per_second=30), clock=clock)
    pacer.set_overall_capacity(10)  # 10 of the bot's 30 places (another process has 20)
    for n in range(10):
        async with pacer.slot(USER + n):
            pass
    assert pacer.delay(USER + 99) == pytest.approx(1.0)
    pacer.set_overall_capacity(0)
    assert pacer.delay(USER + 99) is None  # nothing at all until places come back
    pacer.set_overall_capacity(99)
    assert pacer.overall_capacity == 30  # never more than the bot's limit
    assert pacer.delay(USER + 99) == 0.0


async def test_demand_is_everything_while_chats_are_being_sent_to() -> None:
    clock = FakeClock()
    pacer = Pacer(PacingLimits(overall_per_second=30), clock=clock)
    pacer.set_overall_capacity(3)
    assert pacer.take_demand() == Demand(places=0, chats=0)  # counting from now on
    for n in range(3):
        async with pacer.slot(USER + n):
            pass
    # 3 chats being sent to: the whole budget is asked for, the share weighed by 3 chats
    assert pacer.take_demand() == Demand(places=30, chats=3)
    assert pacer.delay(USER + 3) == pytest.approx(1.0)  # held back by the overall window
    assert pacer.take_demand() == Demand(places=30, chats=4)  # one more waits to send
    clock.advance(3.0)  # the private windows (3 in 3 s) hold nothing any more
    # nobody sent to: the most taken at once since the last count (3), then nothing
    assert pacer.take_demand() == Demand(places=3, chats=0)
    assert pacer.take_demand() == Demand(places=0, chats=0)


async def test_the_chats_weight_holds_through_their_own_windows() -> None:
    # a channel that sent its 20 and waits for its own window is still being sent to:
    # counting only the chats ready at one instant made two processes' shares swing with
    # their channels' windows (two processes: 0.69 of the allowed rate against 0.94)
    clock = FakeClock()
    pacer = Pacer(PacingLimits(overall_per_second=30), clock=clock)
    pacer.take_demand()
    for _ in range(20):
        async with pacer.slot(CHANNEL):
            pass
    assert pacer.delay(CHANNEL) == pytest.approx(60.0)  # its own window is full
    clock.advance(30.0)
    assert pacer.take_demand() == Demand(places=30, chats=1)


async def test_demand_is_not_counted_without_a_shared_budget() -> None:
    pacer = Pacer(PacingLimits(overall_per_second=30), clock=FakeClock())
    for n in range(20):
        async with pacer.slot(USER + n):
            pass
    assert not pacer._ready_chats  # one process alone: nothing kept for a settlement


async def test_a_chat_held_back_by_a_hold_is_no_demand_for_the_overall_window() -> None:
    clock = FakeClock()
    pacer = Pacer(PacingLimits(overall_per_second=30), clock=clock)
    pacer.set_overall_capacity(1)
    pacer.take_demand()
    async with pacer.slot(CHANNEL):
        pass
    pacer.hold(OTHER_CHANNEL, 5.0)
    assert pacer.delay(OTHER_CHANNEL) == pytest.approx(5.0)  # its hold, not the budget
    # CHANNEL is being sent to; OTHER_CHANNEL, held, neither counts nor asks for places
    assert pacer.take_demand() == Demand(places=30, chats=1)
    clock.advance(60.0)  # CHANNEL's window is empty again: only the peak remains
    assert pacer.take_demand() == Demand(places=1, chats=0)


async def test_a_sender_with_a_lead_is_let_through_to_prepare_before_the_window_opens() -> None:
    clock = FakeClock()
    pacer = Pacer(PacingLimits(), clock=clock)
    for _ in range(20):
        async with pacer.slot(CHANNEL):
            pass
    clock.now += 59.6  # the channel's window opens in 0.4 s

    # within the lead: let through now, to claim and render while the window is closed
    await asyncio.wait_for(pacer.wait_ready(CHANNEL, lead=0.5), timeout=1)
    # without one, still waiting (the send itself goes only when the window opens)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(pacer.wait_ready(CHANNEL), timeout=0.05)
    assert pacer.delay(CHANNEL) == pytest.approx(0.4)
