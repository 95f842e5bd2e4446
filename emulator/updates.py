"""The bot's update queue: allowed_updates filtering, confirmation by offset, long polling."""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Callable
from typing import Any

from emulator.errors import ApiError

UPDATE_TYPES = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "inline_query",
    "chosen_inline_result",
    "callback_query",
    "my_chat_member",
    "chat_member",
    "message_reaction",
    "message_reaction_count",
)
# Telegram's default: everything except chat_member and the reaction updates.
DEFAULT_ALLOWED = frozenset(UPDATE_TYPES) - {
    "chat_member",
    "message_reaction",
    "message_reaction_count",
}
CONFLICT_OTHER_POLL = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


def parse_allowed_updates(raw: object) -> frozenset[str] | None:
    """Read `allowed_updates` as Telegram does: None keeps the previous setting."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return None
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        return None
    chosen = frozenset(item.lower() for item in raw) & frozenset(UPDATE_TYPES)
    return chosen or DEFAULT_ALLOWED


class UpdateQueue:
    """Pending updates, oldest first; getUpdates and webhook delivery read from here."""

    def __init__(
        self,
        first_update_id: int = 100_000_001,
        on_confirm: Callable[[], None] | None = None,
    ) -> None:
        """`on_confirm` is called whenever confirmation (or a drop) forgets updates."""
        self._pending: deque[dict[str, Any]] = deque()
        self._next_id = first_update_id
        self._on_confirm = on_confirm
        self._delivered_through = first_update_id - 1
        self.delivered_count = 0
        self.polls_waiting = 0
        self._parked = asyncio.Event()
        self.allowed: frozenset[str] = DEFAULT_ALLOWED
        self._arrival = asyncio.Event()
        self._poll_generation = 0
        self.closed = False

    @property
    def pending_count(self) -> int:
        """Return how many updates wait for confirmation."""
        return len(self._pending)

    def push(self, kind: str, payload: dict[str, Any]) -> bool:
        """Queue an update of `kind` unless allowed_updates excludes it."""
        if kind not in self.allowed:
            return False
        self._pending.append({"update_id": self._next_id, kind: payload})
        self._next_id += 1
        self.wake()
        return True

    def wake(self) -> None:
        """Wake every waiting long poll and delivery loop."""
        self._arrival.set()
        self._arrival = asyncio.Event()

    def confirm(self, offset: int) -> None:
        """Forget updates before `offset`; a negative offset keeps only the last -offset."""
        before = len(self._pending)
        if offset < 0:
            while len(self._pending) > -offset:
                self._pending.popleft()
        else:
            while self._pending and self._pending[0]["update_id"] < offset:
                self._pending.popleft()
        if len(self._pending) != before:
            self._confirmed()

    def batch(self, limit: int) -> list[dict[str, Any]]:
        """Return up to `limit` pending updates without confirming them."""
        return [self._pending[index] for index in range(min(limit, len(self._pending)))]

    def mark_delivered(self, updates: list[dict[str, Any]]) -> None:
        """Count the updates handed to the bot for the first time (a resend counts once)."""
        for update in updates:
            if update["update_id"] > self._delivered_through:
                self._delivered_through = update["update_id"]
                self.delivered_count += 1

    def drop_pending(self) -> None:
        """Forget every pending update (drop_pending_updates)."""
        if self._pending:
            self._pending.clear()
            self._confirmed()

    def _confirmed(self) -> None:
        """Tell the listener that pending updates were forgotten."""
        if self._on_confirm is not None:
            self._on_confirm()

    def abort_polls(self) -> None:
        """Make any waiting long poll fail with 409 (a newer poll or a webhook took over)."""
        self._poll_generation += 1
        self.wake()

    def close(self) -> None:
        """Release every waiter: the server is shutting down."""
        self.closed = True
        self.wake()

    async def wait_arrival(self, within: float) -> None:
        """Wait until something is pushed or woken, at most `timeout` seconds."""
        arrival = self._arrival
        try:
            await asyncio.wait_for(arrival.wait(), within)
        except TimeoutError:
            return

    async def long_poll(self, offset: int, limit: int, wait: float) -> list[dict[str, Any]]:
        """Answer getUpdates: confirm, then wait up to `wait` s for something to return."""
        self.abort_polls()
        generation = self._poll_generation
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, CONFLICT_OTHER_POLL)
            self.confirm(offset)
            found = self.batch(limit)
            remaining = deadline - loop.time()
            if found or remaining <= 0 or self.closed:
                self.mark_delivered(found)
                return found
            self.polls_waiting += 1
            self._parked.set()
            self._parked = asyncio.Event()
            try:
                await self.wait_arrival(remaining)
            finally:
                self.polls_waiting -= 1

    async def wait_parked(self, count: int = 1) -> None:
        """Wait until `count` long polls wait for updates (tests: "the poll is waiting")."""
        while self.polls_waiting < count:
            await self._parked.wait()
