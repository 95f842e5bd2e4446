"""Clocks the test moves by hand, for code that takes a clock (monotonic seconds or datetimes)."""

from __future__ import annotations

from datetime import datetime


class FakeClock:
    """Monotonic seconds that only move when the test says so."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Let `seconds` pass."""
        self.now += seconds


class FakeWallClock:
    """Aware UTC datetimes that only move when the test says so (for `Clock` parameters)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        """Make it `moment` now."""
        self.now = moment
