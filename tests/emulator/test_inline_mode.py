"""The emulator remembers a bounded number of inline queries (the oldest are forgotten)."""

from __future__ import annotations

from emulator import running_emulator
from emulator.interactions import KEPT_INLINE_QUERIES, send_inline_query


async def test_only_the_newest_inline_queries_are_kept(monkeypatch):
    monkeypatch.setattr("emulator.interactions.KEPT_INLINE_QUERIES", 3)
    async with running_emulator("127.0.0.1", 0) as running:
        user = await running.client.create_user("Ann")
        emu = running.emulator
        ids = [send_inline_query(emu, user.id, f"ferry {n}").id for n in range(5)]
        assert list(emu.world.inline_queries) == ids[2:]
    assert KEPT_INLINE_QUERIES >= 100  # enough for any test and a benchmark's queries in flight
