"""`newsbot routes ...`: send a source's articles to a channel, with word and tag filters."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import replace

from bot.app.store import database
from bot.cli.commands.base import CommandError
from bot.cli.commands.channels import channel_label, find_channel
from bot.cli.output import print_json_lines, print_table, shorten
from bot.ops.settings import Settings
from news.entities import Route
from news.routing import fold_words
from news.tags import normalize_tag
from storage.errors import NotFoundError


def check_filters(include: Sequence[str], exclude: Sequence[str], tags: Sequence[str]) -> None:
    """Raise `CommandError` for a filter word or tag with no letters or digits."""
    for option, words in (("--include", include), ("--exclude", exclude)):
        for word in words:
            if not fold_words(word):
                raise CommandError(f"{option} {word!r} has no letters or digits to match")
    for tag in tags:
        if not normalize_tag(tag):
            raise CommandError(f"--tag {tag!r} has no letters or digits to match")


def describe_filters(route: Route) -> str:
    """Return a route's filters in words."""
    parts = []
    if route.include:
        parts.append("include " + ", ".join(route.include))
    if route.exclude:
        parts.append("exclude " + ", ".join(route.exclude))
    if route.tags:
        parts.append("tags " + ", ".join(f"#{tag}" for tag in route.tags))
    return "; ".join(parts) or "every article"


def describe_route(route: Route) -> str:
    """Return a route's filters and options in words."""
    described = describe_filters(route)
    return described + " · full text" if route.full_text else described


async def add_route(settings: Settings, args: argparse.Namespace) -> int:
    """Route a source to a channel, replacing the filters of an existing route."""
    check_filters(args.include, args.exclude, args.tag)
    async with database(settings) as db:
        source = await db.sources.get(args.source)
        channel = await find_channel(db, args.channel)
        existed = any(
            r.channel_id == channel.id for r in await db.channels.routes_for_source(source.id)
        )
        route = await db.channels.route(
            source.id, channel.id, include=args.include, exclude=args.exclude, tags=args.tag
        )
        if args.full_text:
            await db.telegraph.set_full_text(source.id, channel.id, True)
            route = replace(route, full_text=True)
    verb = "updated route" if existed else "routed"
    print(
        f"{verb} source {source.id} ({source.name}) to channel {channel.id} "
        f"({channel_label(channel)}): {describe_route(route)}"
    )
    return 0


async def set_route(settings: Settings, args: argparse.Namespace) -> int:
    """Change a route's options (full-text pages on or off); its filters stay."""
    enabled = args.full_text == "on"
    async with database(settings) as db:
        channel = await find_channel(db, args.channel)
        try:
            await db.telegraph.set_full_text(args.source, channel.id, enabled)
        except NotFoundError:
            raise CommandError(
                f"source {args.source} is not routed to channel {channel.id} "
                f"({channel_label(channel)}): see newsbot routes list"
            ) from None
    state = "on" if enabled else "off"
    print(
        f"route from source {args.source} to channel {channel.id} "
        f"({channel_label(channel)}): full text {state}"
    )
    return 0


async def list_routes(settings: Settings, args: argparse.Namespace) -> int:
    """List every route with its filters."""
    async with database(settings) as db:
        sources = {s.id: s for s in await db.sources.list()}
        channels = await db.channels.list()
        routes: list[Route] = []
        for channel in channels:
            routes.extend(await db.channels.routes_for_channel(channel.id))
    routes.sort(key=lambda r: (r.source_id, r.channel_id))
    if args.json:
        print_json_lines(routes)
        return 0
    if not routes:
        print("no routes yet: newsbot routes add SOURCE_ID CHANNEL")
        return 0
    labels = {c.id: channel_label(c) for c in channels}
    print_table(
        ("SOURCE", "CHANNEL", "FILTERS"),
        (
            (
                f"{r.source_id} {shorten(sources[r.source_id].name, 24)}",
                f"{r.channel_id} {shorten(labels[r.channel_id], 32)}",
                describe_route(r),
            )
            for r in routes
        ),
    )
    return 0


async def remove_route(settings: Settings, args: argparse.Namespace) -> int:
    """Remove the route from a source to a channel."""
    async with database(settings) as db:
        channel = await find_channel(db, args.channel)
        removed = await db.channels.unroute(args.source, channel.id)
    if not removed:
        raise CommandError(
            f"source {args.source} is not routed to channel {channel.id} "
            f"({channel_label(channel)}): see newsbot routes list"
        )
    print(f"removed route from source {args.source} to channel {channel.id}")
    return 0
