"""`newsbot demo` as a real process, as a newcomer runs it: no token, no network, exit 0."""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import shlex
import signal
import sys
import time
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from bot.cli.commands.base import CommandError
from bot.cli.commands.demo import SCENES, DemoOptions, DemoWorld, play_demo, scene_start_bot
from bot.cli.demo.reader import SHARE_GROUP_TITLE
from bot.cli.demo.samples import SAMPLE_SOURCES, sample_titles
from bot.cli.demo.world import DISCUSSION_TITLE
from bot.ops.settings import load_settings

DEMO_DEADLINE_SECONDS = 60.0
EXPORT = re.compile(r"export (\w+)=(\S+)")


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


def scenes(out: str, step: str) -> list[str]:
    """Return each part of the transcript from a step line starting with `step` to the
    next step line, in order."""
    parts = out.split("\n» ")
    return ["» " + part for part in parts[1:] if part.startswith(step)]


def scene(out: str, step: str) -> str:
    """Return the one part of the transcript whose step line starts with `step`."""
    [found] = scenes(out, step)
    return found


def frame(text: str, chat: str) -> str:
    """Return the first framed message of `chat` in `text`, up to its closing line."""
    start = text.index("┌─ " + chat)
    return text[start : text.index("└─", start)]


async def test_demo_plays_the_main_job_and_exits_by_itself(tmp_path):
    code, out, err, seconds = await run_demo(tmp_path)

    assert code == 0, err
    assert seconds < DEMO_DEADLINE_SECONDS
    assert "level=ERROR" not in err
    assert "Traceback" not in err
    # the set-up steps, in order
    steps = [line for line in out.splitlines() if line.startswith("» ")]
    assert steps[1].startswith("» creating the channel @demo_news")
    assert DISCUSSION_TITLE in steps[1]
    assert any(step.startswith("» adding source Millbrook Courier") for step in steps)
    assert any(step.startswith("» adding source Fenwick Gazette") for step in steps)
    assert "added channel 1: @demo_news" in out
    assert f"its discussion group {DISCUSSION_TITLE} is linked" in out
    # every sample story posted once, in time order, bold title with its link, with buttons
    titles = sample_titles()
    heather, ferry, seeds, swifts, honey = titles
    posts = scene(out, f"the bot posts {len(titles)} stories to @demo_news")
    positions = [posts.index(f"│ *{title}*") for title in titles]
    assert positions == sorted(positions)
    assert all(posts.count(f"│ *{title}*") == 1 for title in titles)
    assert "<https://courier.example/2024/night-ferry-returns>" in posts  # the title's link
    assert posts.count("│ [🔖 Save] [↗ Share]") == len(titles)
    assert "│ #Wildlife #Alder_Estuary" in posts
    assert "│ Also: Millbrook library opens a seed bank in its old reading room" in posts
    honey_post = re.search(r"· post (\d+)\n  │ \*" + re.escape(honey), posts)
    assert honey_post is not None

    # inline mode: real inline queries answered by the bot, by keyword and by #tag
    by_word, by_tag = scenes(out, "Robin types “@")
    assert re.match(
        r"» Robin types “@\w+ honey” in a chat \(inline mode\)  →  2 results\n", by_word
    )
    assert f"  1. {honey}\n     Fenwick Gazette · " in by_word
    assert f"  2. {heather}\n     Millbrook Courier · " in by_word
    assert "#alder_estuary” in a chat (inline mode)  →  2 results\n" in by_tag
    assert f"  1. {swifts}\n" in by_tag
    assert f"  2. {ferry}\n" in by_tag
    assert seeds not in by_tag
    # one result shared into a group: the message the bot's result made, with its buttons
    shared = frame(scene(out, f"Robin picks “{honey}”"), f"{SHARE_GROUP_TITLE} · Robin via @")
    assert f"│ *{honey}*" in shared
    assert "│ [🔖 Save] [↗ Share]" in shared

    # a bookmark: the Save press under the honey post is answered, /bookmarks lists it
    saving = scene(out, "Robin presses [🔖 Save]")
    assert saving.startswith(f"» Robin presses [🔖 Save] under post {honey_post.group(1)} ")
    assert "the bot answers the press: 🔖 Saved to your bookmarks" in saving
    listed = frame(scene(out, "Robin sends /bookmarks"), "@")
    assert "(private chat with Robin)" in listed
    assert "│ Your bookmarks, newest first:" in listed
    assert f"│ 1. *{honey}*" in listed
    assert heather not in listed

    # the discussion: the bot's reply in the honey post's comments links the earlier story
    discussion = scene(out, f"in the comments under post {honey_post.group(1)} ")
    reply = frame(discussion, f"{DISCUSSION_TITLE} · comments on post {honey_post.group(1)}")
    assert "│ *Earlier coverage*" in reply
    assert f"│ • {heather}" in reply
    assert "<https://courier.example/2024/fenwick-heather> — Millbrook Courier" in reply

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
            while len(lines) < 200 and "write as Robin:" not in lines[-1]:
                lines.append((await process.stdout.readline()).decode())
        shown = "".join(lines)
        base_url = re.search(r"TELEGRAM_API_BASE_URL=(http://127\.0\.0\.1:\d+)/bot", shown)
        messages_url = re.search(r"channel messages: +(\S+)", shown)
        comments_url = re.search(r"comments \(group\): +(\S+)", shown)
        private_url = re.search(r"Robin's private chat: +(\S+)", shown)
        write = re.search(r"curl -H 'content-type: application/json' -d '(\{.*\})' (\S+)", shown)
        assert base_url is not None
        assert messages_url is not None
        assert comments_url is not None
        assert private_url is not None
        assert write is not None
        assert f"DATABASE_PATH={database}" in shown
        assert "TELEGRAM_BOT_TOKEN=" in shown
        async with httpx.AsyncClient() as client:
            posts = await client.get(messages_url.group(1), params={"from_bot": 1})
            comments = await client.get(comments_url.group(1), params={"from_bot": 1})
            # the printed command works: Robin asks for /help and the bot still answers
            sent = await client.post(
                write.group(2),
                content=write.group(1),
                headers={"content-type": "application/json"},
            )
            private = await client.get(
                private_url.group(1), params={"from_bot": 1, "count": 2, "wait": 10}
            )
        assert posts.status_code == 200
        assert len(posts.json()["messages"]) == len(sample_titles())
        [reply] = comments.json()["messages"]
        assert reply["text"].startswith("Earlier coverage")
        assert sent.status_code == 200, sent.text
        bookmarks, help_text = private.json()["messages"]
        assert bookmarks["text"].startswith("Your bookmarks")
        assert "/bookmarks" in help_text["text"]
        await second_terminal_reaches_the_demo(tmp_path, shown, write.group(2))
        process.send_signal(signal.SIGINT)
        _, err = await asyncio.wait_for(process.communicate(), timeout=15)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, err.decode()
    assert database.exists()  # a database given with --database is kept


async def second_terminal_reaches_the_demo(tmp_path: Path, shown: str, write_url: str) -> None:
    """With only the printed exports, a second terminal's CLI reads the demo's database and
    reaches its bot; the demo reader is an admin, so /sources answers them."""
    exports = {name: shlex.split(value)[0] for name, value in EXPORT.findall(shown)}
    needed = {"TELEGRAM_API_BASE_URL", "TELEGRAM_BOT_TOKEN", "DATABASE_PATH", "ADMIN_IDS"}
    assert needed <= set(exports)
    assert exports["ALLOW_PRIVATE_ADDRESSES"] == "true"  # its sample feeds are on 127.0.0.1
    elsewhere = tmp_path / "second-terminal"
    elsewhere.mkdir()
    listed = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "sources",
        "list",
        "--json",
        cwd=elsewhere,
        env={**demo_env(), **exports},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(listed.communicate(), timeout=30)
    assert listed.returncode == 0, err.decode()
    names = [json.loads(line)["name"] for line in out.decode().splitlines()]
    assert names == [sample.name for sample in SAMPLE_SOURCES]
    robin = int(exports["ADMIN_IDS"])
    async with httpx.AsyncClient() as client:
        body = {"user_id": robin, "text": "/sources"}
        assert (await client.post(write_url, json=body)).status_code == 200
        private = await client.get(
            write_url.replace("/messages", f"/chats/{robin}/messages"),
            params={"from_bot": 1, "count": 3, "wait": 10},
        )
    answer = private.json()["messages"][-1]["text"]
    assert all(sample.name in answer for sample in SAMPLE_SOURCES), answer


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
