"""Fixtures for the emulator's own tests: raw Bot API calls and a plain PTB Bot."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from telegram import Bot

from emulator import RunningEmulator
from tests.support.botapi import BotApiCaller


@pytest.fixture
async def api(emulator: RunningEmulator) -> AsyncIterator[BotApiCaller]:
    """Raw HTTP access to the emulator's Bot API."""
    async with httpx.AsyncClient(timeout=10) as http:
        yield BotApiCaller(emulator, http)


@pytest.fixture
async def ptb_bot(emulator: RunningEmulator) -> AsyncIterator[Bot]:
    """A python-telegram-bot `Bot` talking to the emulator (no polling)."""
    bot = Bot(emulator.token, base_url=emulator.api_base_url, base_file_url=emulator.file_base_url)
    async with bot:
        yield bot
