"""Processes the benchmarks run beside themselves: the emulator in its own process."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path


@asynccontextmanager
async def emulator_process(workdir: Path, *options: str) -> AsyncIterator[str]:
    """Run `newsbot emulator` on a free port in its own process; yield its base URL."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "emulator",
        "--port",
        "0",
        *options,
        cwd=workdir,
        env=env,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        first = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        match = re.search(r"(http://\S+)", first)
        if match is None:
            raise RuntimeError(f"the emulator did not start: {first!r}")
        yield match.group(1)
    finally:
        process.terminate()
        await process.wait()
