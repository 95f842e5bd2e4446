"""`newsbot channels ...`: add (checked with Telegram), list, set and remove posting channels."""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import Bot
from telegram.error import TelegramError

from bot.app.store import database
from bot.cli.commands.base import CommandError
from bot.cli.output import print_json_lines, print_table, shorten, to_jsonable
from bot.delivery.channel_check import (
    ChannelCheckError,
    add_checked_channel,
    parse_channel_reference,
    unreachable,
)
from bot.ops.settings import Settings
from news.entities import Channel, ChannelStyle
from news.quiet import check_timezone, parse_quiet_hours
from storage import Database
from storage.errors import NotFoundError


@asynccontextmanager
async def telegram_bot(settings: Settings) -> AsyncIterator[Bot]:
    """A short-lived PTB `Bot` for the configured token and API base URL."""
    if settings.telegram_bot_token is None:
        raise CommandError(
            "TELEGRAM_BOT_TOKEN is not set: adding a channel asks Telegram whether the bot "
            "may post there"
        )
    bot = Bot(
        settings.telegram_bot_token.get_secret_value(),
        base_url=settings.telegram_api_base_url,
    )
    try:
        await bot.initialize()  # getMe: checks the token and the base URL
    except BaseException as exc:
        await bot.shutdown()  # close the HTTP clients initialize() opened
        if isinstance(exc, TelegramError):
            raise CommandError(str(unreachable(exc))) from None
        raise
    try:
        yield bot
    finally:
        await bot.shutdown()


async def find_channel(db: Database, text: str) -> Channel:
    """Return the stored channel named by its id, `@username` or Telegram chat id."""
    value = text.strip()
    if value.isdecimal() and len(value) <= 18:
        return await db.channels.get(int(value))
    if value.startswith("-") and value[1:].isdecimal() and len(value) <= 19:
        channel = await db.channels.get_by_chat_id(int(value))
    else:
        username = value.removeprefix("@").casefold()
        channel = next(
            (
                c
                for c in await db.channels.list()
                if c.username and c.username.casefold() == username
            ),
            None,
        )
    if channel is None:
        raise NotFoundError(
            f"no channel {value} has been added: newsbot channels add @name, "
            "then see newsbot channels list"
        )
    return channel


def channel_label(channel: Channel) -> str:
    """Return `@username`, else the title, else the chat id."""
    if channel.username:
        return f"@{channel.username}"
    return channel.title or str(channel.chat_id)


async def add_channel(settings: Settings, args: argparse.Namespace) -> int:
    """Check that the bot may post in a channel, then add it."""
    try:
        reference = parse_channel_reference(args.channel)
        async with telegram_bot(settings) as bot, database(settings, create=True) as db:
            style = ChannelStyle(args.style) if args.style else None
            added = await add_checked_channel(bot, db, reference, style=style)
    except ChannelCheckError as exc:
        raise CommandError(str(exc)) from None
    print(added.describe())
    if added.created:
        print(f"route a source to it: newsbot routes add SOURCE_ID {added.channel.id}")
    return 0


async def list_channels(settings: Settings, args: argparse.Namespace) -> int:
    """List channels with their state and how many posts wait in the outbox."""
    async with database(settings) as db:
        channels = await db.channels.list()
        pending = {c.id: await db.outbox.pending_count(c.id) for c in channels}
        routes = {c.id: len(await db.channels.routes_for_channel(c.id)) for c in channels}
    if args.json:
        print_json_lines(
            {**to_jsonable(c), "pending": pending[c.id], "routes": routes[c.id]} for c in channels
        )
        return 0
    if not channels:
        print("no channels yet: newsbot channels add @name")
        return 0
    print_table(
        ("ID", "STATE", "STYLE", "DISCUSSION", "QUIET", "PENDING", "ROUTES", "CHAT ID", "CHANNEL"),
        (
            (
                c.id,
                "paused" if c.paused else "active",
                c.style,
                "on" if c.discussion_replies else "off",
                "-" if c.quiet_hours is None else f"{c.quiet_hours} {c.timezone or 'UTC'}",
                pending[c.id],
                routes[c.id],
                c.chat_id,
                shorten(
                    f"{channel_label(c)} ({c.title})"
                    if c.username and c.title
                    else channel_label(c),
                    60,
                ),
            )
            for c in channels
        ),
    )
    return 0


async def set_channel(settings: Settings, args: argparse.Namespace) -> int:
    """Change a channel's settings: discussion replies, time zone, quiet hours."""
    if args.discussion is None and args.timezone is None and args.quiet_hours is None:
        raise CommandError("nothing to change: give --discussion, --timezone or --quiet-hours")
    try:
        timezone = None if args.timezone is None else check_timezone(args.timezone)
        quiet = args.quiet_hours
        hours = None if quiet in (None, "none") else parse_quiet_hours(quiet)
    except ValueError as error:
        raise CommandError(str(error)) from None
    async with database(settings) as db:
        channel = await find_channel(db, args.channel)
        if args.discussion is not None:
            channel = await db.channels.set_discussion_replies(channel.id, args.discussion == "on")
        if timezone is not None or quiet is not None:
            channel = await db.channels.set_schedule(
                channel.id,
                timezone=timezone if timezone is not None else channel.timezone,
                quiet_hours=channel.quiet_hours if quiet is None else hours,
            )
    state = "on" if channel.discussion_replies else "off"
    print(
        f"channel {channel.id} {channel_label(channel)}: discussion replies {state}; "
        f"{describe_schedule(channel)}"
    )
    return 0


def describe_schedule(channel: Channel) -> str:
    """Return a channel's quiet hours in words."""
    zone = channel.timezone or "UTC"
    if channel.quiet_hours is None:
        return f"no quiet hours ({zone})"
    return f"quiet hours {channel.quiet_hours} {zone}"


async def remove_channel(settings: Settings, args: argparse.Namespace) -> int:
    """Remove a channel with its routes and outbox rows."""
    async with database(settings) as db:
        channel = await find_channel(db, args.channel)
        await db.channels.remove(channel.id)
    print(f"removed channel {channel.id}: {channel_label(channel)}")
    return 0
