"""`newsbot demo`: the bot's main job played on the built-in emulator, as a chat transcript.

Everything is local: the Bot API emulator (flood limits on, time-scaled), a feed server
with the demo's sample stories, a temporary database, and the real application built by
`build_application`. The demo is a list of scenes run in order (`SCENES`); each scene
prints what happens. The set-up scenes are here; what the reader does (inline search, a
share, a bookmark) is in `bot.cli.demo.reader`, the comment thread in `bot.cli.demo.discussion`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import shlex
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Coroutine, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TextIO, TypeVar

from pydantic import SecretStr

from bot.app.application import build_application
from bot.app.lifecycle import run_polling_until_stopped
from bot.app.store import database
from bot.cli.commands.base import CommandError
from bot.cli.commands.channels import telegram_bot
from bot.cli.demo.discussion import scene_discussion_reply
from bot.cli.demo.feedserver import running_feed_server
from bot.cli.demo.reader import (
    scene_inline_search,
    scene_list_bookmarks,
    scene_save_bookmark,
    scene_share_result,
)
from bot.cli.demo.samples import SAMPLE_SOURCES, sample_titles
from bot.cli.demo.transcript import Transcript
from bot.cli.demo.world import (
    CHANNEL_TITLE,
    CHANNEL_USERNAME,
    DISCUSSION_TITLE,
    READER_NAME,
    DemoError,
    DemoWorld,
    Scene,
)
from bot.delivery.channel_check import ChannelCheckError, add_checked_channel
from bot.ops.logs import configure_logging
from bot.ops.settings import Settings
from emulator.client import EmulatorError, MessageView
from emulator.core import EmulatorConfig
from emulator.flood import FloodLimits
from emulator.server import RunningEmulator, running_emulator

TIME_SCALE: Final = 0.05
"""Flood-limit windows (emulator) and pacing windows (bot) shrink alike: a minute is 3 s."""
POSTS_TIMEOUT_SECONDS: Final = 30.0
"""How long the demo waits for every sample story to be posted before it gives up."""
BOT_START_TIMEOUT_SECONDS: Final = 15.0
INTERRUPTED: Final = 130
EMULATOR_CONFIG: Final = EmulatorConfig(flood=FloodLimits(time_scale=TIME_SCALE))
"""Telegram's flood limits on, their windows scaled like the bot's pacing."""
T = TypeVar("T")


async def scene_create_channel(world: DemoWorld) -> None:
    """Create the reader, the demo channel and its discussion group (the bot admin of both),
    then add the channel as /addchannel does."""
    world.transcript.step(
        f"creating the channel {world.channel_label} ({CHANNEL_TITLE}) with the bot as admin, "
        f"its discussion group {DISCUSSION_TITLE}, and a reader, {READER_NAME}, in both"
    )
    client = world.emulator.client
    world.reader = await client.create_user(READER_NAME, username="robin_reads")
    # The reader is the bot's admin too, so that the admin commands can be tried as Robin.
    admins = world.settings.admin_ids | {world.reader.id}
    world.settings = world.settings.model_copy(update={"admin_ids": admins})
    world.discussion = await client.create_group(
        DISCUSSION_TITLE, member_ids=[world.reader.id], bot_status="administrator"
    )
    world.channel = await client.create_channel(
        CHANNEL_TITLE,
        username=CHANNEL_USERNAME,
        bot_status="administrator",
        subscriber_ids=[world.reader.id],
        linked_group_id=world.discussion.id,
    )
    world.transcript.step(f"newsbot channels add {world.channel_label}")
    try:
        async with (
            telegram_bot(world.settings) as bot,
            database(world.settings, create=True) as db,
        ):
            added = await add_checked_channel(bot, db, world.channel_label)
    except ChannelCheckError as exc:
        raise CommandError(str(exc)) from None
    world.transcript.note(added.describe())
    if added.channel.discussion_chat_id == world.discussion.id:
        world.transcript.note(
            f"its discussion group {DISCUSSION_TITLE} is linked: each post gets a comment "
            "thread, where the bot adds related coverage"
        )


async def scene_add_sources(world: DemoWorld) -> None:
    """Add the sample feed and the scraped article, routed to the channel, with backfill."""
    async with database(world.settings, create=True) as db:
        channel = await db.channels.get_by_chat_id(world.require_channel().id)
        if channel is None:
            raise CommandError("the demo channel was not stored")
        for sample in SAMPLE_SOURCES:
            url = world.feeds.url(sample.path)
            world.transcript.step(
                f"adding source {sample.name}: newsbot sources add {url} "
                f"--channel {world.channel_label} --backfill {sample.stories}"
            )
            async with db.transaction():
                source = await db.sources.add(url, name=sample.name, backfill=sample.stories)
                await db.channels.route(source.id, channel.id)
            world.transcript.note(
                f"source {source.id}: {sample.kind}; its first fetch posts its newest "
                f"{sample.stories}"
            )


async def scene_start_bot(world: DemoWorld) -> None:
    """Build the real application and run it (polling, ingestion, publishing) in the background."""
    world.transcript.step("starting the bot: newsbot run (long polling on the emulator)")
    application = build_application(world.settings)
    world.application = application
    world.bot_task = asyncio.create_task(run_polling_until_stopped(application, world.stop))
    deadline = time.monotonic() + BOT_START_TIMEOUT_SECONDS
    while not application.running:
        if world.bot_task.done():
            raise _bot_failure(world.bot_task)
        if time.monotonic() > deadline:
            raise CommandError(f"the bot did not start within {BOT_START_TIMEOUT_SECONDS:.0f} s")
        await asyncio.sleep(0.05)
    world.transcript.note(f"@{application.bot.username} is polling; it fetches the sources now")


async def scene_channel_posts(world: DemoWorld) -> None:
    """Wait for each sample story to appear in the channel and show it as Telegram does."""
    channel = world.require_channel()
    expected = len(sample_titles())
    world.transcript.step(f"the bot posts {expected} stories to {world.channel_label}")
    deadline = time.monotonic() + POSTS_TIMEOUT_SECONDS
    while len(world.posts) < expected:
        within = deadline - time.monotonic()
        if within <= 0:
            raise CommandError(
                f"only {len(world.posts)} of {expected} stories reached {world.channel_label} "
                f"within {POSTS_TIMEOUT_SECONDS:.0f} s"
            )
        try:
            posted = await world.emulator.client.wait_for_messages(
                channel.id, len(world.posts) + 1, within=min(within, 5.0)
            )
        except TimeoutError:
            continue
        for message in posted[len(world.posts) :]:
            world.posts.append(message)
            show_post(world, message)


def show_post(world: DemoWorld, message: MessageView) -> None:
    """Print one channel post: text or caption, entities and buttons."""
    world.show_message(
        f"{CHANNEL_TITLE} ({world.channel_label}) · post {message.message_id}", message
    )


SCENES: Final[tuple[Scene, ...]] = (
    scene_create_channel,
    scene_add_sources,
    scene_start_bot,
    scene_channel_posts,
    scene_inline_search,
    scene_share_result,
    scene_save_bookmark,
    scene_list_bookmarks,
    scene_discussion_reply,
)
"""The demo's scenes in order; each prints its part of the transcript."""


def demo_settings(settings: Settings, emulator: RunningEmulator, database_path: Path) -> Settings:
    """The settings for a bot on the emulator: its token and URL, local feeds, scaled pacing."""
    return settings.model_copy(
        update={
            "telegram_bot_token": SecretStr(emulator.token),
            "telegram_api_base_url": emulator.api_base_url,
            "database_path": database_path,
            "allow_private_addresses": True,
            "publish_time_scale": TIME_SCALE,
            "ingest_workers": 0,
        }
    )


def check_new_database(path: Path) -> None:
    """Refuse a database file that already has data: the demo needs an empty one."""
    if path.exists() and (path.is_dir() or path.stat().st_size > 0):
        raise CommandError(
            f"{path} already exists; the demo starts from an empty database "
            "(remove the file or choose another --database)"
        )


@contextlib.asynccontextmanager
async def demo_database(path: Path | None) -> AsyncIterator[Path]:
    """Yield the database path: `path` when it is new, else a temporary file removed after."""
    if path is not None:
        check_new_database(path)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="newsbot-demo-") as folder:
        yield Path(folder) / "demo.sqlite3"


@dataclass(frozen=True, slots=True)
class DemoOptions:
    """What the command line can change about the demo."""

    keep_running: bool = False
    """Leave everything up after the scenes, until Ctrl-C or SIGTERM."""
    database: Path | None = None
    """A new SQLite file to keep; None: a temporary one, removed afterwards."""
    port: int = 0
    """The emulator's port; 0: any free port."""


async def run_demo(settings: Settings, args: argparse.Namespace) -> int:
    """Play the demo's scenes on a local emulator; 0 when every scene went through."""
    if not 0 <= args.port <= 65535:
        raise CommandError("--port must be between 0 and 65535")
    _quiet_logs(settings)
    options = DemoOptions(keep_running=args.keep_running, database=args.database, port=args.port)
    return await play_demo(settings, options)


async def play_demo(
    settings: Settings,
    options: DemoOptions,
    *,
    scenes: Sequence[Scene] = SCENES,
    out: TextIO | None = None,
) -> int:
    """Start the emulator and the feed server, play `scenes`, stop everything; the exit code.

    0 when every scene went through, 130 when a stop signal (Ctrl-C, SIGTERM) came first;
    a scene's failure is raised (as `CommandError` when the bot itself failed) after the
    bot, the feed server and the emulator have stopped.
    """
    transcript = Transcript.for_stream(out or sys.stdout)
    started = time.monotonic()
    async with contextlib.AsyncExitStack() as stack:
        database_path = await stack.enter_async_context(demo_database(options.database))
        emulator = await _start(
            stack,
            running_emulator("127.0.0.1", options.port, config=EMULATOR_CONFIG),
            f"the emulator on port {options.port}",
        )
        feeds = await _start(stack, running_feed_server(), "the sample feed server")
        transcript.step(
            f"newsbot demo: a Telegram emulator on {emulator.base_url}, sample feeds on "
            f"{feeds.base_url}, database {database_path}"
        )
        world = DemoWorld(
            demo_settings(settings, emulator, database_path),
            emulator,
            feeds,
            transcript,
            asyncio.Event(),
        )
        try:
            finished = await _play(world, scenes)
            if finished and options.keep_running:
                _show_how_to_reach(world, demo_environment(settings, world.settings))
                await _until_stopped(world)
        finally:
            failure = await _stop_bot(world)
        if failure is not None:
            raise failure
    if not finished:
        transcript.step("stopped before the end; everything is shut down")
        return INTERRUPTED
    transcript.step(
        f"done in {time.monotonic() - started:.1f} s. With a real token: set "
        "TELEGRAM_BOT_TOKEN and run `newsbot run` (or `make demo`)."
    )
    return 0


async def _start(
    stack: contextlib.AsyncExitStack, server: AbstractAsyncContextManager[T], what: str
) -> T:
    """Enter a server's context on `stack`, turning a failure to bind into a one-line error."""
    try:
        return await stack.enter_async_context(server)
    except OSError as exc:
        raise CommandError(f"cannot start {what}: {exc.strerror or exc}") from None


async def _play(world: DemoWorld, scenes: Sequence[Scene]) -> bool:
    """Run the scenes in order; False when a stop signal came first."""
    for scene in scenes:
        if not await _unless_stopped(world, scene(world)):
            return False
    return True


async def _unless_stopped(world: DemoWorld, work: Coroutine[Any, Any, None]) -> bool:
    """Run `work` until it ends, the stop event is set, or the bot fails; True if it ended."""
    task = asyncio.create_task(work)
    stop = asyncio.create_task(world.stop.wait())
    watched: set[asyncio.Future[Any]] = {task, stop}
    if world.bot_task is not None:
        watched.add(world.bot_task)
    try:
        await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stop.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    if task.cancelled():
        if world.bot_task is not None and world.bot_task.done() and not world.stop.is_set():
            raise _bot_failure(world.bot_task)
        return False
    try:
        task.result()
    except DemoError as exc:
        raise CommandError(str(exc)) from None
    except EmulatorError as exc:
        raise CommandError(f"the emulator refused a demo step: {exc}") from None
    return True


def _bot_failure(task: asyncio.Task[None]) -> CommandError:
    """Describe why the bot's task ended before it was asked to stop."""
    error = None if task.cancelled() else task.exception()
    if error is None:
        return CommandError("the bot stopped before the demo ended")
    return CommandError(f"the bot stopped: {error or type(error).__name__}")


async def _until_stopped(world: DemoWorld) -> None:
    """Wait for Ctrl-C (SIGINT) or SIGTERM, which set the stop event."""
    if world.bot_task is None:
        return
    stop = asyncio.create_task(world.stop.wait())
    try:
        await asyncio.wait({world.bot_task, stop}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stop.cancel()


async def _stop_bot(world: DemoWorld) -> CommandError | None:
    """Stop the bot cleanly (its in-flight posts finish); say what went wrong, if anything."""
    world.stop.set()
    if world.bot_task is None:
        return None
    await asyncio.wait({world.bot_task})
    if world.bot_task.cancelled() or world.bot_task.exception() is not None:
        return _bot_failure(world.bot_task)
    return None


def setting_value(value: object) -> str:
    """Return a setting's value as the environment spells it (`true`, `1,2`, the secret)."""
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, frozenset | set | list | tuple):
        return ",".join(str(item) for item in sorted(value))
    if isinstance(value, Path):
        return str(value.absolute())  # the second terminal may be somewhere else
    return str(value)


def demo_environment(base: Settings, demo: Settings) -> dict[str, str]:
    """Return every setting the demo changed, by its environment name: what a second
    terminal needs to reach the same bot, database and feeds."""
    changed: dict[str, str] = {}
    for name in type(demo).model_fields:
        value = getattr(demo, name)
        if value is not None and value != getattr(base, name):
            changed[name.upper()] = setting_value(value)
    return changed


def _show_how_to_reach(world: DemoWorld, environment: dict[str, str]) -> None:
    """Print where everything runs and the settings to reach it, for `--keep-running`."""
    transcript = world.transcript
    transcript.step("everything keeps running; press Ctrl-C to stop")
    transcript.note("in a second terminal, these settings reach the same bot, database and feeds:")
    for name, value in environment.items():
        transcript.note(f"  export {name}={shlex.quote(value)}")
    transcript.note(
        f"then try `newsbot sources list` or `newsbot search honey`; {READER_NAME} "
        f"(user {world.require_reader().id}) is in ADMIN_IDS, so /sources works as {READER_NAME}"
    )
    transcript.note(f"control API:          {world.emulator.base_url}/control/ (docs/emulator.md)")
    transcript.note(f"sample feed:          {world.feeds.feed_url}")
    transcript.note(f"sample article:       {world.feeds.article_url}")
    chats = f"{world.emulator.base_url}/control/chats"
    reader = world.require_reader()
    transcript.note(f"channel messages:     {chats}/{world.require_channel().id}/messages")
    transcript.note(f"comments (group):     {chats}/{world.require_discussion().id}/messages")
    private_label = f"{READER_NAME}'s private chat:"
    write_label = f"write as {READER_NAME}:"
    transcript.note(f"{private_label:<22}{chats}/{reader.id}/messages")
    body = json.dumps({"user_id": reader.id, "text": "/help"})
    transcript.note(
        f"{write_label:<22}curl -H 'content-type: application/json' -d '{body}' "
        f"{world.emulator.base_url}/control/messages"
    )


def _quiet_logs(settings: Settings) -> None:
    """Keep the transcript readable: warnings only, unless LOG_LEVEL was set explicitly."""
    if "log_level" not in settings.model_fields_set:
        configure_logging("WARNING", log_format=settings.log_format)
        logging.getLogger("telegram").setLevel(logging.WARNING)
