"""Shared fixtures: a running emulator and the end-to-end bot harness on top of it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest

from emulator import EmulatorConfig, RunningEmulator, running_emulator
from tests.support.e2e import Harness, start_bot
from tests.support.properties import register_profiles

register_profiles()  # hypothesis: `ci` unless HYPOTHESIS_PROFILE says otherwise

# PostgreSQL fixtures (postgres_server, postgres_url): a throwaway cluster per test process;
# a watchdog that dumps a hung test's threads and tasks (tests/support/hang_watch.py).
pytest_plugins = ("tests.support.postgres_plugin", "tests.support.hang_watch")

BotAppFactory = Callable[..., AbstractAsyncContextManager[Harness]]


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt into PTB's timedelta periods: building RetryAfter otherwise warns (warnings fail)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    """The emulator's configuration; override in a test module to change limits."""
    return EmulatorConfig()


@pytest.fixture
async def emulator(emulator_config: EmulatorConfig) -> AsyncIterator[RunningEmulator]:
    """An emulator on 127.0.0.1 with a free port, stopped after the test."""
    async with running_emulator("127.0.0.1", 0, config=emulator_config) as running:
        yield running


@pytest.fixture
def bot_app(emulator: RunningEmulator) -> BotAppFactory:
    """`async with bot_app(handlers=[...]) as harness:` runs a PTB bot on the emulator."""

    def factory(**options: Any) -> AbstractAsyncContextManager[Harness]:
        """Start a bot with these options (see tests.support.e2e.start_bot)."""
        return start_bot(emulator, **options)

    return factory
