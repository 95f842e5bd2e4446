"""Pacing under Telegram's flood limits: sliding windows per chat and overall.

Telegram's limits (Bot FAQ): about 30 messages per second overall, at most 20 messages per
minute to one group or channel, and about one per second to one private chat (a short burst
is tolerated). Each is a sliding window here — at most `capacity` sends in any window of
`seconds` — because that is how a strict server counts: a leaky bucket (PTB's
AIORateLimiter) lets message 21 out a few seconds after a burst of 20 and earns a wait of
almost a minute. A private chat's window is `burst` sends per `burst / rate` seconds, which
never exceeds a token bucket of that burst and rate.

A send holds its place in the windows from the moment it starts, and is recorded at the
moment its answer arrives: Telegram counted it somewhere in between, so a window that frees
`seconds` after our answer never frees early on Telegram's side, whatever the network delay.

`Pacer.hold` honours a 429's retry_after for that chat only; when several chats are told to
wait within a second it is the overall limit, and every chat waits.

Several processes on one PostgreSQL database share the overall limit through the database
(`bot.delivery.send_budget`): each process's overall window has the capacity it holds of
the bot's budget (`set_overall_capacity`), and tells how much it wants (`take_demand`).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Final

from bot.ops.waiting import wait_event

ChatKey = int | str
"""A chat id, or a public chat's @username."""

GLOBAL_HOLD_CHATS: Final = 3
"""This many different chats told to wait ..."""
GLOBAL_HOLD_SECONDS: Final = 1.0
"""... within this many seconds means the overall limit was hit: every chat waits."""
PRUNE_EVERY: Final = 512
"""Forget idle per-chat windows after this many sends."""
COMPLETION_WAIT_SECONDS: Final = 1.0
"""Longest wait for a send in flight to finish before the windows are looked at again."""

_in_paced_send: ContextVar[bool] = ContextVar("newsbot_in_paced_send", default=False)
# Per task (a ContextVar, not shared state): whether the running code holds a pacer slot,
# so the bot-wide rate limiter does not count the same send twice.


def in_paced_send() -> bool:
    """Tell whether the current task is inside `Pacer.slot` (its send is already paced)."""
    return _in_paced_send.get()


@dataclass(frozen=True, slots=True)
class PacingLimits:
    """Telegram's flood limits; `time_scale` shrinks every window (for emulator runs)."""

    overall_per_second: int = 30
    channel_per_minute: int = 20
    private_per_second: float = 1.0
    private_burst: int = 3
    time_scale: float = 1.0

    def __post_init__(self) -> None:
        """Refuse limits that could never let a message out."""
        if min(self.overall_per_second, self.channel_per_minute, self.private_burst) < 1:
            raise ValueError("every pacing capacity must be at least 1")
        if self.private_per_second <= 0 or self.time_scale <= 0:
            raise ValueError("rates and the time scale must be positive")

    @property
    def overall_window(self) -> tuple[int, float]:
        """Return (capacity, seconds) of the overall window."""
        return self.overall_per_second, 1.0 * self.time_scale

    @property
    def channel_window(self) -> tuple[int, float]:
        """Return (capacity, seconds) of a group's or channel's window."""
        return self.channel_per_minute, 60.0 * self.time_scale

    @property
    def private_window(self) -> tuple[int, float]:
        """Return (capacity, seconds) of a private chat's window."""
        return self.private_burst, self.private_burst / self.private_per_second * self.time_scale


@dataclass(frozen=True, slots=True)
class Demand:
    """What a process wanted of the overall window over a while."""

    places: int
    """All of them while chats are being sent to or the overall window held a send back
    (the shares by weight decide), else the most taken at once."""
    chats: int
    """Chats being sent to: a send in their own window, or ready to send (its share's
    weight; steady through a burst, where the chats ready at one instant swing with their
    own windows)."""


class SlidingWindow:
    """At most `capacity` sends in any `seconds`: sends in flight count until recorded."""

    def __init__(self, capacity: int, seconds: float) -> None:
        """Start empty."""
        self.capacity = capacity
        self.seconds = seconds
        self.in_flight = 0
        self._done: deque[float] = deque()

    def delay(self, now: float, weight: int = 1) -> float | None:
        """Return seconds until `weight` more sends fit (0: now; an album counts each of
        its photos), or None when the window is full of sends still in flight (wait for
        one to finish). A weight over the capacity waits for an empty window."""
        self._expire(now)
        if self.capacity < 1:
            return None  # no place at all until the capacity is raised
        weight = min(weight, self.capacity)
        used = self.in_flight + len(self._done)
        if used + weight <= self.capacity:
            return 0.0
        must_expire = used + weight - self.capacity
        if must_expire > len(self._done):
            return None
        return max(0.0, self._done[must_expire - 1] + self.seconds - now)

    def reserve(self, weight: int = 1) -> None:
        """Take `weight` places for a send that starts now."""
        self.in_flight += weight

    def record(self, now: float, weight: int = 1) -> None:
        """Turn `weight` reserved places into sends answered at `now`."""
        self.in_flight = max(0, self.in_flight - weight)
        if self._done and now < self._done[-1]:
            now = self._done[-1]  # keep the deque sorted even if a clock goes backwards
        self._done.extend([now] * weight)

    def adopt(self, times: list[float], now: float) -> None:
        """Take `times` (sorted) as the sends answered so far, if they are more than the
        window remembers (another record of the same sends, made elsewhere)."""
        self._expire(now)
        if len(times) > len(self._done):
            self._done = deque(times)

    def used(self, now: float) -> int:
        """Return the places taken now: sends in flight and sends answered in the window."""
        self._expire(now)
        return self.in_flight + len(self._done)

    def idle(self, now: float) -> bool:
        """Tell whether the window holds nothing that still counts."""
        self._expire(now)
        return self.in_flight == 0 and not self._done

    def _expire(self, now: float) -> None:
        """Forget sends that left the window."""
        while self._done and self._done[0] <= now - self.seconds:
            self._done.popleft()


class Pacer:
    """Decides when a message may go to a chat; shared by everything that sends."""

    def __init__(
        self, limits: PacingLimits | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Pace with `limits` (Telegram's by default)."""
        self.limits = limits or PacingLimits()
        self._clock = clock
        self._overall = SlidingWindow(*self.limits.overall_window)
        self._chats: dict[ChatKey, SlidingWindow] = {}
        self._held_until: dict[ChatKey, float] = {}
        self._all_held_until = 0.0
        self._recent_holds: deque[tuple[float, ChatKey]] = deque()
        self._changed = asyncio.Event()
        self._sends_since_prune = 0
        self._overall_refused = False
        self._overall_peak = 0
        self._ready_chats: set[ChatKey] = set()
        self._demand_counted = False
        """Whether demand is counted (from the first `take_demand`: a shared budget)."""

    @property
    def tracked_chats(self) -> int:
        """Return how many chats have a window in memory (idle ones are forgotten)."""
        return len(self._chats)

    def delay(self, chat_id: ChatKey, weight: int = 1) -> float | None:
        """Return seconds until `weight` messages may go to `chat_id` (0: now), or None
        while the limits are full of sends in flight."""
        now = self._clock()
        held = max(self._held_until.get(chat_id, 0.0), self._all_held_until) - now
        overall = self._overall.delay(now, weight)
        chat = self._window(chat_id).delay(now, weight)
        if self._demand_counted and chat == 0 and held <= 0:
            self._ready_chats.add(chat_id)  # only the overall budget may hold it back
            if overall is None or overall > 0:
                self._overall_refused = True
        if overall is None or chat is None:
            return None
        return max(held, overall, chat, 0.0)

    async def wait_ready(self, chat_id: ChatKey, *, lead: float = 0.0, weight: int = 1) -> None:
        """Wait until a message may go to `chat_id` within `lead` seconds (without taking
        the place): a sender that prepares its message first (a claim, a render) asks with
        a lead, so that preparing happens while the window is still closed and the send
        itself waits in `slot` only for what is left, not for its own preparation too.

        Every wake-up recomputes the deadline from the windows' clock, so time lost to a
        late wake-up (a busy machine) is not added to the next wait.
        """
        while (delay := self.delay(chat_id, weight)) is None or delay > lead:
            await self._pause(None if delay is None else delay - lead)

    @contextlib.asynccontextmanager
    async def slot(self, chat_id: ChatKey, weight: int = 1) -> AsyncIterator[None]:
        """Wait for places for `weight` messages to `chat_id` (an album's photos), hold them
        while the block sends, and record the sends when the block ends (however it ends)."""
        await self.wait_ready(chat_id, weight=weight)
        window = self._window(chat_id)
        self._overall.reserve(weight)
        window.reserve(weight)
        if self._demand_counted:
            self._overall_peak = max(self._overall_peak, self._overall.used(self._clock()))
        token = _in_paced_send.set(True)
        try:
            yield
        finally:
            _in_paced_send.reset(token)
            now = self._clock()
            self._overall.record(now, weight)
            window.record(now, weight)
            self._notify()
            self._sends_since_prune += 1
            if self._sends_since_prune >= PRUNE_EVERY:
                self._prune(now)

    def seed(self, chat_id: ChatKey, ages: list[float]) -> None:
        """Count sends made `ages` seconds ago to `chat_id` by someone else (the process
        that paced this chat before): the window keeps whichever record holds more."""
        now = self._clock()
        window = self._window(chat_id)
        times = sorted(now - age for age in ages if 0 <= age < window.seconds)
        window.adopt(times, now)

    @property
    def overall_capacity(self) -> int:
        """Return the sends this process may have in the overall window (its budget)."""
        return self._overall.capacity

    @property
    def overall_in_flight(self) -> int:
        """Return the sends in flight now (their places cannot be given away yet)."""
        return self._overall.in_flight

    def set_overall_capacity(self, capacity: int) -> None:
        """Let this process have `capacity` sends in the overall window (0: none), the part
        of the bot's budget it holds when several processes share it."""
        self._overall.capacity = max(0, min(capacity, self.limits.overall_per_second))
        self._notify()

    def take_demand(self) -> Demand:
        """Return what this process wanted of the overall window since the last call, and
        start counting again (counted only once this was first called: one process alone
        on its database never pays for it)."""
        self._demand_counted = True
        now = self._clock()
        refused, peak, ready = self._overall_refused, self._overall_peak, self._ready_chats
        self._overall_refused = False
        self._overall_peak = self._overall.used(now)
        self._ready_chats = set()
        busy = ready | {chat for chat, window in self._chats.items() if not window.idle(now)}
        places = self.limits.overall_per_second if refused or busy else peak
        return Demand(places=places, chats=len(busy))

    def hold(self, chat_id: ChatKey, seconds: float) -> None:
        """Honour a 429 for `chat_id`: nothing goes there for `seconds`; when several chats
        are told to wait at once, nothing goes anywhere."""
        now = self._clock()
        until = now + max(0.0, seconds)
        self._held_until[chat_id] = max(self._held_until.get(chat_id, 0.0), until)
        self._recent_holds.append((now, chat_id))
        while self._recent_holds and self._recent_holds[0][0] < now - GLOBAL_HOLD_SECONDS:
            self._recent_holds.popleft()
        if len({chat for _, chat in self._recent_holds}) >= GLOBAL_HOLD_CHATS:
            self.hold_all(seconds)

    def hold_all(self, seconds: float) -> None:
        """Send nothing to any chat for `seconds`."""
        self._all_held_until = max(self._all_held_until, self._clock() + max(0.0, seconds))

    def _window(self, chat_id: ChatKey) -> SlidingWindow:
        """Return the window of a chat, created on first use."""
        window = self._chats.get(chat_id)
        if window is None:
            private = isinstance(chat_id, int) and chat_id > 0
            limits = self.limits
            window = SlidingWindow(*(limits.private_window if private else limits.channel_window))
            self._chats[chat_id] = window
        return window

    async def _pause(self, delay: float | None) -> None:
        """Sleep `delay`, or until a send in flight finishes when it is None."""
        if delay is not None:
            await asyncio.sleep(delay)
            return
        await wait_event(self._changed, COMPLETION_WAIT_SECONDS)

    def _notify(self) -> None:
        """Wake the tasks waiting for a send to finish."""
        self._changed.set()
        self._changed = asyncio.Event()

    def _prune(self, now: float) -> None:
        """Forget the windows and holds of chats that no longer need them."""
        self._sends_since_prune = 0
        for chat_id in [key for key, window in self._chats.items() if window.idle(now)]:
            del self._chats[chat_id]
        for chat_id in [key for key, until in self._held_until.items() if until <= now]:
            del self._held_until[chat_id]
