"""Helpers for operations tests: the real application run in-process on the emulator."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.app.application import build_application
from bot.app.lifecycle import run_until_stopped
from bot.context import NewsApplication
from bot.ops.settings import Settings
from emulator import EmulatorConfig, RunningEmulator
from tests.support.waiting import eventually

START_SECONDS = 10.0


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    """Retry failed webhook deliveries quickly."""
    return EmulatorConfig(webhook_retry_seconds=0.05)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bot_settings(emulator: RunningEmulator, folder: Path, **overrides: Any) -> Settings:
    """Settings for a bot on the emulator with its own database; no .env read."""
    values: dict[str, Any] = {
        "telegram_bot_token": SecretStr(emulator.token),
        "telegram_api_base_url": emulator.api_base_url,
        "database_path": folder / "bot.sqlite3",
        "ingest_workers": 0,
        "allow_private_addresses": True,
        "publish_poll_seconds": 0.2,
        "health_port": None,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]  # pydantic-settings init kwarg


@asynccontextmanager
async def running_app(settings: Settings) -> AsyncIterator[NewsApplication]:
    """Run the real application (run_until_stopped) until the block ends, then stop it."""
    async with running_application(build_application(settings)) as application:
        yield application


@asynccontextmanager
async def running_application(application: NewsApplication) -> AsyncIterator[NewsApplication]:
    """Run an application already built (run_until_stopped) until the block ends."""
    stop = asyncio.Event()
    task = asyncio.create_task(run_until_stopped(application, stop))
    try:

        async def started() -> bool:
            if task.done():
                task.result()  # raises what made the start fail
                raise AssertionError("the bot stopped before it started")
            return application.running

        await eventually(started, within=START_SECONDS, what="the bot starting")
        yield application
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=15)
