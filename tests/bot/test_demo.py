"""`newsbot demo` as a real process, as a newcomer runs it: no token, no network, exit 0."""

from __future__ import annotations

import asyncio
import io
import os
import re
import signal
import sys
import time
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from bot.commands.base import CommandError
from bot.commands.demo import SCENES, DemoOptions, DemoWorld, play_demo, scene_start_bot
from bot.demo.samples import sample_titles
from bot.settings import load_settings

DEMO_DEADLINE_SECONDS = 60.0


def demo_env() -> dict[str, str]:
    """The test's environment without any bot setting (a newcomer has none)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "DATABASE_", "PUBLISH_", "LOG_", "ADMIN_"))
    }
    env["NO_COLOR"] = "1"
    env["COLUMNS"] = "100"  # messages wrap at the terminal's width (96 columns at most)
    return env


async def run_demo(cwd: Path, *args: str) -> tuple[int, str, str, float]:
    """Run `python -m bot demo ARGS` to its end; return code, stdout, stderr and seconds."""
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "demo",
        *args,
        cwd=cwd,
        env=demo_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(
            process.communicate(), timeout=DEMO_DEADLINE_SECONDS
        )
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode(), time.monotonic() - started


async def test_demo_plays_the_main_job_and_exits_by_itself(tmp_path):
    code, out, err, seconds = await run_demo(tmp_path)

    assert code == 0, err
    assert seconds < DEMO_DEADLINE_SECONDS
    assert "level=ERROR" not in err
    assert "Traceback" not in err
    # the set-up steps, in order
    steps = [line for line in out.splitlines() if line.startswith("» ")]
    assert steps[1].startswith("» creating the channel @demo_news")
    assert any(step.startswith("» adding source Millbrook Courier") for step in steps)
    assert any(step.startswith("» adding source Fenwick Gazette") for step in steps)
    assert "added channel 1: @demo_news" in out
    # every sample story posted once, in time order, bold title with its link, with buttons
    titles = sample_titles()
    assert "» the bot posts 4 stories to @demo_news" in out
    positions = [out.index(f"│ *{title}*") for title in titles]
    assert positions == sorted(positions)
    assert all(out.count(f"│ *{title}*") == 1 for title in titles)
    assert "<https://courier.example/2024/night-ferry-returns>" in out  # the title's link
    assert out.count("│ [🔖 Save] [↗ Share]") == len(titles)
    assert "│ #Wildlife #Alder_Estuary" in out
    assert "│ Also: Millbrook library opens a seed bank in its old reading room" in out
    # the searches: by keyword and by #tag
    assert "» newsbot search honey  →  1 story\n  1. " + titles[3] in out
    tag_search = out[out.index("» newsbot search #alder_estuary  →  2 stories") :]
    assert tag_search.index(titles[2]) < tag_search.index(titles[0])
    assert titles[1] not in tag_search.split("» done")[0]
    assert re.search(r"» done in \d+\.\d s\.", out)
    # the temporary database is gone
    database = re.search(r"database (\S+demo\.sqlite3)", out)
    assert database is not None
    assert not await asyncio.to_thread(Path(database.group(1)).exists)


async def test_demo_refuses_a_database_that_has_data(tmp_path):
    existing = tmp_path / "bot.sqlite3"
    existing.write_bytes(b"something precious")

    code, out, err, _ = await run_demo(tmp_path, "--database", str(existing))

    assert code == 1
    assert err.strip().splitlines() == [
        f"newsbot: error: {existing} already exists; the demo starts from an empty database "
        "(remove the file or choose another --database)"
    ]
    assert existing.read_bytes() == b"something precious"
    assert out == ""


async def test_keep_running_leaves_everything_up_until_interrupted(tmp_path):
    database = tmp_path / "kept.sqlite3"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "demo",
        "--keep-running",
        "--database",
        str(database),
        cwd=tmp_path,
        env=demo_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    try:
        lines: list[str] = []
        async with asyncio.timeout(DEMO_DEADLINE_SECONDS):
            while not lines or "press Ctrl-C" not in lines[-1]:
                line = (await process.stdout.readline()).decode()
                assert line, "the demo ended instead of staying up"
                lines.append(line)
            while len(lines) < 200 and "channel messages:" not in lines[-1]:
                lines.append((await process.stdout.readline()).decode())
        shown = "".join(lines)
        base_url = re.search(r"TELEGRAM_API_BASE_URL=(http://127\.0\.0\.1:\d+)/bot", shown)
        messages_url = re.search(r"channel messages: +(\S+)", shown)
        assert base_url is not None
        assert messages_url is not None
        assert f"DATABASE_PATH={database}" in shown
        assert "TELEGRAM_BOT_TOKEN=" in shown
        async with httpx.AsyncClient() as client:
            answer = await client.get(messages_url.group(1), params={"from_bot": 1})
        assert answer.status_code == 200
        assert len(answer.json()["messages"]) == len(sample_titles())
        process.send_signal(signal.SIGINT)
        _, err = await asyncio.wait_for(process.communicate(), timeout=15)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, err.decode()
    assert database.exists()  # a database given with --database is kept


# ---- in process: how the scenes are played and how failures end the demo ----------------


async def test_scenes_run_in_order_and_the_bot_is_stopped_after_a_failing_scene(tmp_path):
    played: list[str] = []

    async def fail_after_the_bot_started(world: DemoWorld) -> None:
        played.append("fail")
        assert world.require_application().running
        raise CommandError("a scene went wrong")

    async def never_played(world: DemoWorld) -> None:
        played.append("never")

    out = io.StringIO()
    with pytest.raises(CommandError, match="a scene went wrong"):
        await play_demo(
            load_settings(),
            DemoOptions(database=tmp_path / "demo.sqlite3"),
            scenes=(*SCENES[:3], fail_after_the_bot_started, never_played),
            out=out,
        )
    assert played == ["fail"]
    assert "» starting the bot" in out.getvalue()
    assert "» done" not in out.getvalue()


async def test_a_stop_signal_ends_the_demo_with_code_130(tmp_path):
    async def press_ctrl_c(world: DemoWorld) -> None:
        world.stop.set()
        await asyncio.sleep(30)  # the demo must not wait for this

    out = io.StringIO()
    started = time.monotonic()
    code = await play_demo(
        load_settings(),
        DemoOptions(database=tmp_path / "demo.sqlite3"),
        scenes=(*SCENES[:3], press_ctrl_c, SCENES[3]),
        out=out,
    )
    assert code == 130
    assert time.monotonic() - started < 20
    assert "» the bot posts" not in out.getvalue()
    assert "stopped before the end" in out.getvalue()


async def test_a_bot_that_cannot_start_is_one_clear_error(tmp_path):
    async def break_the_token(world: DemoWorld) -> None:
        world.settings = world.settings.model_copy(
            update={"telegram_bot_token": SecretStr("42:not-the-emulators-token")}
        )

    with pytest.raises(CommandError, match=r"^the bot stopped: "):
        await play_demo(
            load_settings(),
            DemoOptions(database=tmp_path / "demo.sqlite3"),
            scenes=(break_the_token, scene_start_bot),
            out=io.StringIO(),
        )
