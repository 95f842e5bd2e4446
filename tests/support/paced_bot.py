"""A reader bot (every feature's handlers, typed BotData) paced like production, time-scaled.

The emulator enforces Telegram's flood limits; the bot sends through the same `Pacer` as in
production (`PacingRateLimiter`), both scaled by `TIME_SCALE` so tests run fast.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram.ext import ContextTypes

from bot.context import BotData
from bot.ops.settings import Settings
from bot.transport.pacing import Pacer, PacingLimits
from bot.transport.ratelimiter import PacingRateLimiter
from emulator import EmulatorConfig
from emulator.flood import FloodLimits
from handlers import all_handlers
from storage import Database

TIME_SCALE = 0.05


def scaled_emulator_config() -> EmulatorConfig:
    """The emulator with Telegram's flood limits, time-scaled."""
    return EmulatorConfig(flood=FloodLimits(time_scale=TIME_SCALE))


def scaled_pacer() -> Pacer:
    """Telegram's pacing, time-scaled like the emulator."""
    return Pacer(PacingLimits(time_scale=TIME_SCALE))


@asynccontextmanager
async def paced_reader_bot(
    bot_app: Any, db: Database, pacer: Pacer, **settings: Any
) -> AsyncIterator[Any]:
    """Run every feature's handlers, sending through `pacer`, with settings and `db`."""
    handlers = [(handler, group) for group, hs in all_handlers().items() for handler in hs]

    def configure(builder: Any) -> None:
        builder.context_types(ContextTypes(bot_data=BotData))
        builder.rate_limiter(PacingRateLimiter(pacer))

    async with bot_app(handlers=handlers, configure=configure) as harness:
        data = harness.application.bot_data
        data.attach(settings=Settings(_env_file=None, **settings), db=db)
        data.pacer = pacer
        yield harness
