"""The emulator's heart: configuration, world, update queue, limits, faults and counters."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from emulator.faults import FaultPlan
from emulator.flood import FloodControl, FloodLimits
from emulator.state import User, World
from emulator.stats import Stats
from emulator.telegraph.state import TelegraphState
from emulator.updates import UpdateQueue
from emulator.webhook import WebhookDelivery

DEFAULT_TOKEN = "123456789:emulator-token-for-tests"  # deliberately not shaped like a real token
TOKEN_FORMAT = re.compile(r"^(\d{1,20}):[A-Za-z0-9_-]{1,100}$")


@dataclass(frozen=True, slots=True)
class EmulatorConfig:
    """How one emulator instance behaves; one instance serves one bot token."""

    token: str = DEFAULT_TOKEN
    bot_username: str = "newsbot_test_bot"
    bot_first_name: str = "Newsbot"
    privacy_mode: bool = True
    inline_mode: bool = True
    """Inline mode as @BotFather's /setinline leaves it (getMe's supports_inline_queries)."""
    flood: FloodLimits = field(default_factory=FloodLimits)
    inline_query_timeout: float = 10.0
    callback_query_timeout: float = 15.0
    long_poll_max_timeout: int = 50
    webhook_retry_seconds: float = 1.0
    clock: Callable[[], float] = field(default=time.monotonic, compare=False, repr=False)
    """Seconds, monotonic: when inline and callback queries expire (tests inject one)."""

    def bot_id(self) -> int:
        """Return the bot's user id: the number before the colon of the token."""
        match = TOKEN_FORMAT.match(self.token)
        if match is None:
            raise ValueError("the bot token must look like 123456:secret")
        return int(match.group(1))


class Emulator:
    """Shared state of a running emulator; Bot API methods and control routes act on it."""

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self.config = config or EmulatorConfig()
        bot = User(
            self.config.bot_id(),
            self.config.bot_first_name,
            is_bot=True,
            username=self.config.bot_username,
        )
        self.world = World(
            bot, privacy_mode=self.config.privacy_mode, inline_mode=self.config.inline_mode
        )
        self._changed = asyncio.Event()
        self.updates = UpdateQueue(on_confirm=self.notify)
        self.flood = FloodControl(self.config.flood)
        self.faults = FaultPlan()
        self.stats = Stats()
        self.webhook = WebhookDelivery(self.updates, self.config.webhook_retry_seconds)
        self.closing = asyncio.Event()
        self.telegraph = TelegraphState()
        """The emulated Telegraph (full-text pages), served beside the Bot API."""

    def emit(self, kind: str, payload: dict[str, Any]) -> None:
        """Queue an update for the bot and tell watchers that something changed."""
        self.updates.push(kind, payload)
        self.notify()

    def notify(self) -> None:
        """Wake everyone waiting for a change of the world."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], bool], within: float) -> bool:
        """Wait until `predicate()` holds (re-checked on every change); False on timeout.

        One timeout for the whole wait: waiters wake on every change, and re-arming a
        `wait_for` (a task and a timer) each time made many waiters cost quadratically.
        """
        if predicate():
            return True
        try:
            async with asyncio.timeout(within):
                while not predicate():
                    if self.closing.is_set():
                        return predicate()
                    await self._changed.wait()
        except TimeoutError:
            return predicate()
        return True

    async def close(self) -> None:
        """Release every waiter and stop webhook delivery."""
        self.closing.set()
        self.updates.close()
        self.notify()
        await self.webhook.stop()
