"""`SQLITE_CACHE_MIB` reaches the running bot's SQLite connections."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from emulator import RunningEmulator
from storage.sqlite.database import CACHE_MIB
from tests.bot.ops.conftest import bot_settings, running_app


@pytest.mark.parametrize(("setting", "total_mib"), [(None, CACHE_MIB), (16, 16)])
async def test_the_bot_splits_the_configured_cache_between_its_connections(
    emulator: RunningEmulator, tmp_path: Path, setting: int | None, total_mib: int
) -> None:
    settings = bot_settings(emulator, tmp_path, sqlite_cache_mib=setting)
    async with running_app(settings) as application:
        session = application.bot_data.db.session  # type: ignore[attr-defined]
        (writer,) = await session.fetchall("PRAGMA cache_size")
        readers = await asyncio.gather(
            *(session.fetchall("SELECT * FROM pragma_cache_size") for _ in range(2))
        )
    assert writer[0] == -total_mib * 1024 // 2
    assert [rows[0][0] for rows in readers] == [-total_mib * 1024 // 4] * 2
