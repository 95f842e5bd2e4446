"""One `newsbot run` per SQLite file (issue 15.4): a second one refuses at start with one line,
CLI commands keep working beside the bot, and the lock dies with its holder (even SIGKILL)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.app.instance_lock import InstanceLockedError, lock_path, single_instance
from emulator import RunningEmulator
from tests.support.waiting import eventually


def bot_env(emulator: RunningEmulator, database: Path) -> dict[str, str]:
    """The environment of a polling bot on the emulator, storing into `database`."""
    return {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": emulator.token,
        "TELEGRAM_API_BASE_URL": emulator.api_base_url,
        "DATABASE_PATH": str(database),
        "INGEST_WORKERS": "0",
    }


def text_of(log: Path) -> str:
    """Return what a bot process logged so far."""
    return log.read_text(errors="replace")


@asynccontextmanager
async def running_bot(env: dict[str, str], log: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    """Start `newsbot run` as a process and yield it once it logged `event=started`."""
    with log.open("wb") as log_file:
        bot = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=log.parent, stderr=log_file
        )
    try:

        async def started() -> bool:
            assert bot.returncode is None, text_of(log)
            return "event=started" in text_of(log)

        await eventually(started, within=30, what="start-up", interval=0.1)
        yield bot
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()


async def newsbot(env: dict[str, str], cwd: Path, *args: str) -> tuple[int, str, str]:
    """Run one `newsbot` command to its end: (exit code, stdout, stderr)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_a_second_run_on_the_same_file_refuses_with_one_line(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    database = tmp_path / "data" / "bot.sqlite3"
    env = bot_env(emulator, database)
    async with running_bot(env, tmp_path / "first.log") as first:
        code, _, err = await newsbot(env, tmp_path, "run")
        assert code == 1, err
        assert len(err.strip().splitlines()) == 1, err  # one line, no traceback
        assert f"pid {first.pid}" in err
        assert str(database) in err
        assert "DATABASE_URL" in err
        assert emulator.token not in err
        # CLI commands work beside the running bot, on the same file
        code, _, err = await newsbot(
            env, tmp_path, "sources", "add", "--no-check", "https://a.example/feed"
        )
        assert code == 0, err
        code, out, err = await newsbot(env, tmp_path, "sources", "list")
        assert code == 0, err
        assert "a.example" in out
        assert first.returncode is None  # the first bot is still running
        first.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(first.wait(), timeout=15) == 0


async def test_the_lock_dies_with_a_killed_bot(emulator: RunningEmulator, tmp_path: Path) -> None:
    env = bot_env(emulator, tmp_path / "bot.sqlite3")
    async with running_bot(env, tmp_path / "first.log") as first:
        first.kill()  # SIGKILL: no clean-up runs
        await first.wait()
    async with running_bot(env, tmp_path / "second.log") as second:  # starts: lock released
        assert (tmp_path / "bot.sqlite3.lock").read_text().strip() == str(second.pid)
        second.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(second.wait(), timeout=15) == 0


def test_the_lock_names_its_holder_and_is_released_on_exit(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    with single_instance(database) as path:
        assert path == lock_path(database) == tmp_path / "bot.sqlite3.lock"
        assert path.read_text() == f"{os.getpid()}\n"
        held = rf"\(pid {os.getpid()}\) is already using"
        with pytest.raises(InstanceLockedError, match=held), single_instance(database):
            pass  # pragma: no cover - the lock is held
    with single_instance(database):  # released: taken again
        pass
    with single_instance(tmp_path / "other.sqlite3"), single_instance(database):
        pass  # another file, another lock
    (tmp_path / "link.sqlite3").symlink_to(database)
    other_name = tmp_path / "sub" / ".." / "link.sqlite3"  # the same file by another name
    with (
        single_instance(database),
        pytest.raises(InstanceLockedError),
        single_instance(other_name),
    ):
        pass  # pragma: no cover - refused


def test_an_unwritable_folder_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    refused = "cannot create the folder of the database .*file: File exists"
    with pytest.raises(InstanceLockedError, match=refused), single_instance(blocker / "db"):
        pass  # pragma: no cover - refused


def test_a_lock_file_that_cannot_be_opened_is_one_line(tmp_path: Path) -> None:
    database = tmp_path / "news.sqlite3"
    (tmp_path / "news.sqlite3.lock").mkdir()  # a folder where the lock file should be
    with (
        pytest.raises(InstanceLockedError, match="cannot create the lock file"),
        single_instance(database),
    ):
        pass  # pragma: no cover - refused
