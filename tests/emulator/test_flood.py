"""Flood limits with a fake clock: the limits, and retry_after that tells the truth."""

from __future__ import annotations

import pytest

from emulator.errors import ApiError
from emulator.flood import FloodControl, FloodLimits
from tests.support.clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def retry_after(control: FloodControl, chat_id: int, *, private: bool) -> int:
    """Send once more and return the retry_after of the expected 429."""
    with pytest.raises(ApiError) as caught:
        control.admit(chat_id, private=private)
    assert caught.value.error_code == 429
    assert caught.value.description == f"Too Many Requests: retry after {caught.value.retry_after}"
    assert caught.value.retry_after is not None
    return caught.value.retry_after


def test_twenty_per_minute_to_a_group_with_honest_wait(clock):
    control = FloodControl(FloodLimits(), clock)
    for _ in range(20):
        control.admit(-100, private=False)
        clock.now += 1.0
    clock.now += 10.0  # 30 s after the first message
    assert retry_after(control, -100, private=False) == 30
    clock.now += 29.5
    assert retry_after(control, -100, private=False) == 1
    clock.now += 0.5
    control.admit(-100, private=False)
    control.admit(-200, private=False)  # other groups have their own window


def test_thirty_per_second_overall(clock):
    control = FloodControl(FloodLimits(), clock)
    for chat in range(30):
        control.admit(-1000 - chat, private=False)
    assert retry_after(control, -5000, private=False) == 1
    clock.now += 1.0
    control.admit(-5000, private=False)


def test_private_chats_allow_a_burst_then_about_one_per_second(clock):
    control = FloodControl(FloodLimits(private_burst=5), clock)
    for _ in range(5):
        control.admit(42, private=True)
    assert retry_after(control, 42, private=True) == 1
    clock.now += 1.0
    control.admit(42, private=True)
    assert retry_after(control, 42, private=True) == 1
    control.admit(43, private=True)


def test_refused_messages_do_not_count(clock):
    control = FloodControl(FloodLimits(group_per_minute=1), clock)
    control.admit(-1, private=False)
    for _ in range(5):
        retry_after(control, -1, private=False)
    clock.now += 60.0
    control.admit(-1, private=False)


def test_time_scale_shrinks_every_window(clock):
    control = FloodControl(FloodLimits(time_scale=0.05), clock)
    for _ in range(20):
        control.admit(-1, private=False)
    assert retry_after(control, -1, private=False) == 3
    clock.now += 3.0
    control.admit(-1, private=False)


def test_limits_can_be_switched_off_and_reconfigured(clock):
    control = FloodControl(FloodLimits.off(), clock)
    for _ in range(500):
        control.admit(-1, private=False)
    control.configure(FloodLimits(group_per_minute=2))
    control.admit(-1, private=False)
    control.admit(-1, private=False)
    assert retry_after(control, -1, private=False) == 60
