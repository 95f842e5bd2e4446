"""Odd input gets one short answer, never a traceback or silence (issue 15.7)."""

from __future__ import annotations

import pytest

from emulator import EmulatorConfig
from tests.factories import draft
from tests.handlers.admin.harness import SCALED_FLOOD, admin_bot, ask

LONG = "ferry " * 800  # 4,800 characters: echoed whole, a reply would pass Telegram's 4,096


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    """Telegram's flood limits, scaled: the replies are paced as in production."""
    return SCALED_FLOOD


@pytest.mark.parametrize(
    "command",
    [
        f"/unfollow {LONG}",
        f"/follow {LONG}",
        f"/search {LONG}",
        f"/bookmarks {LONG}",
        f"/pause {LONG}",
        f"/removesource {LONG}",
        f"/addsource {LONG}",
        f"/addchannel {LONG}",
        "/search lone \ud800 surrogate",
        "/bookmarks lone \ud800",
        "/follow lone \ud800",
        "/unfollow \ud800",
        "/pause ²",
        "/resume ²³",
        "/removesource ９",
        f"/pause {2**63}",
        f"/removesource {10**30}",
    ],
)
async def test_odd_input_gets_one_reply(bot_app, emulator, db, desk, command):
    quay = await desk.source("Quay")
    await desk.store(quay, draft("q1", "Night ferry adds a Sunday sailing"))
    ann = await emulator.client.create_user("Ann")
    async with admin_bot(bot_app, db, {ann.id}) as harness:
        [reply] = await ask(harness, harness.user(ann), command)
        await harness.wait_handled()
    assert 0 < len(reply.text) <= 4096
    assert "\ud800" not in reply.text
