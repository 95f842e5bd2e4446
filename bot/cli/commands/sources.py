"""`newsbot sources ...`: add, list, remove, pause and resume the feeds the bot watches."""

from __future__ import annotations

import argparse
from urllib.parse import urlsplit

from bot.app.runtime import database
from bot.cli.commands.base import CommandError
from bot.cli.commands.channels import channel_label, find_channel
from bot.cli.output import print_json_lines, print_table, shorten
from bot.ops.settings import Settings
from news.entities import Source


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `sources` and its sub-commands."""
    parser = commands.add_parser("sources", help="manage the feeds the bot watches")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="watch a feed (RSS, Atom, JSON Feed) or article page")
    add.add_argument("url", metavar="URL")
    add.add_argument("--name", help="display name (default: the feed's host)")
    add.add_argument("--tag", action="append", default=[], help="tag every article (repeatable)")
    add.add_argument("--interval", type=int, metavar="S", help="seconds between fetches")
    add.add_argument(
        "--channel",
        action="append",
        default=[],
        metavar="CHANNEL",
        help="post its articles to this added channel (@username or id; repeatable)",
    )
    add.add_argument(
        "--backfill",
        type=int,
        default=0,
        metavar="N",
        help="the first fetch posts only the newest N items (default 0: none, no flood)",
    )
    add.set_defaults(handler=add_source)

    listing = actions.add_parser("list", help="list sources with their health")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.set_defaults(handler=list_sources)

    for name, handler, text in (
        ("remove", remove_source, "delete a source with its articles (use pause to keep them)"),
        ("pause", pause_source, "stop fetching a source for now"),
        ("resume", resume_source, "fetch a paused or deactivated source again"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("id", type=int, metavar="ID")
        action.set_defaults(handler=handler)


def check_feed_url(url: str) -> str:
    """Return `url` when it is an absolute http(s) URL, else raise `CommandError`."""
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise CommandError(f"not an http(s) URL: {url!r}")
    return url.strip()


async def add_source(settings: Settings, args: argparse.Namespace) -> int:
    """Add a source, routed to the channels given (all of it or nothing)."""
    if args.interval is not None and args.interval < 10:
        raise CommandError("--interval must be at least 10 seconds")
    if args.backfill < 0:
        raise CommandError("--backfill must be 0 or more")
    url = check_feed_url(args.url)
    async with database(settings) as db:
        channels = [await find_channel(db, name) for name in args.channel]
        async with db.transaction():
            source = await db.sources.add(
                url,
                name=args.name,
                tags=tuple(args.tag),
                interval_seconds=args.interval,
                backfill=args.backfill,
            )
            for channel in channels:
                await db.channels.route(source.id, channel.id)
    print(f"added source {source.id}: {source.name} <{source.url}>")
    if channels:
        print(
            "posts to "
            + ", ".join(channel_label(channel) for channel in dict.fromkeys(channels))
            + f"; its first fetch posts {_newest(source.backfill)}"
        )
    return 0


def _newest(count: int) -> str:
    """Say how many of the first fetch's items are posted."""
    if count == 0:
        return "nothing (later articles are posted as they come)"
    return f"only its newest {count} item" + ("" if count == 1 else "s")


def health(source: Source) -> str:
    """A word for the source's state."""
    if source.paused:
        return "paused"
    if not source.active:
        return "deactivated"
    if source.failure_count:
        return f"failing({source.failure_count})"
    return "ok" if source.last_success_at else "new"


async def list_sources(settings: Settings, args: argparse.Namespace) -> int:
    """List sources."""
    async with database(settings) as db:
        sources = await db.sources.list()
    if args.json:
        print_json_lines(sources)
        return 0
    if not sources:
        print("no sources yet: newsbot sources add URL")
        return 0
    print_table(
        ("ID", "STATE", "NAME", "LAST OK", "NEXT", "URL / LAST ERROR"),
        (
            (
                s.id,
                health(s),
                shorten(s.name, 24),
                _when(s.last_success_at),
                _when(s.next_fetch_at),
                shorten(s.last_error if s.failure_count and s.last_error else s.url, 60),
            )
            for s in sources
        ),
    )
    return 0


def _when(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime") else "-"


async def remove_source(settings: Settings, args: argparse.Namespace) -> int:
    """Remove a source and its articles."""
    async with database(settings) as db:
        await db.sources.remove(args.id)
    print(f"removed source {args.id}")
    return 0


async def pause_source(settings: Settings, args: argparse.Namespace) -> int:
    """Pause a source."""
    async with database(settings) as db:
        await db.sources.set_paused(args.id, True)
    print(f"paused source {args.id}")
    return 0


async def resume_source(settings: Settings, args: argparse.Namespace) -> int:
    """Resume a paused or deactivated source."""
    async with database(settings) as db:
        await db.sources.set_paused(args.id, False)
        await db.sources.reactivate(args.id)
    print(f"resumed source {args.id}")
    return 0
