"""`newsbot routes ...`: send a source's articles to a channel, with word and tag filters."""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from telegram import Bot

from bot.app.store import database
from bot.cli.commands.base import CommandError
from bot.cli.commands.channels import channel_label, find_channel, telegram_bot
from bot.cli.output import print_json_lines, print_table, shorten
from bot.delivery.route_setup import (
    OptionChanges,
    RouteOptionError,
    change_route_options,
    describe_options,
)
from bot.ops.settings import Settings
from bot.services.post_content import post_content
from news.entities import Route
from news.render.routed import render_routed
from news.routing import fold_words
from news.tags import normalize_tag
from storage import Database


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


def option_changes(args: argparse.Namespace) -> OptionChanges:
    """Return the option flags given on the command line."""
    return OptionChanges(
        template=args.template,
        link_preview=args.link_preview,
        silent=args.silent,
        topic=args.topic,
        full_text=args.full_text,
    )


@asynccontextmanager
async def bot_if_needed(settings: Settings, changes: OptionChanges) -> AsyncIterator[Bot | None]:
    """A bot when the changes ask Telegram (a topic created by name), else None."""
    if not changes.needs_bot:
        yield None
        return
    async with telegram_bot(settings) as bot:
        yield bot


async def apply_options(
    db: Database, route: Route, changes: OptionChanges, bot: Bot | None
) -> Route:
    """Store option changes on a route; `CommandError` with the one-line reason."""
    if changes.empty:
        return route
    try:
        return await change_route_options(db, route, changes, bot=bot)
    except RouteOptionError as error:
        raise CommandError(str(error)) from None


async def add_route(settings: Settings, args: argparse.Namespace) -> int:
    """Route a source to a channel, replacing the filters of an existing route; set the
    options given."""
    check_filters(args.include, args.exclude, args.tag)
    changes = option_changes(args)
    async with database(settings) as db, bot_if_needed(settings, changes) as bot:
        source = await db.sources.get(args.source)
        channel = await find_channel(db, args.channel)
        existed = await db.channels.find_route(source.id, channel.id) is not None
        async with db.transaction():
            route = await db.channels.route(
                source.id, channel.id, include=args.include, exclude=args.exclude, tags=args.tag
            )
            route = await apply_options(db, route, changes, bot)
    verb = "updated route" if existed else "routed"
    print(
        f"{verb} source {source.id} ({source.name}) to channel {channel.id} "
        f"({channel_label(channel)}): {describe_filters(route)} "
        f"(route {route.id}, options: {describe_options(route.options)})"
    )
    return 0


async def set_route(settings: Settings, args: argparse.Namespace) -> int:
    """Change a route's options."""
    changes = option_changes(args)
    if changes.empty:
        raise CommandError(
            "nothing to change: give --template, --link-preview, --silent, --topic or --full-text"
        )
    async with database(settings) as db, bot_if_needed(settings, changes) as bot:
        route = await apply_options(db, await db.channels.get_route(args.route), changes, bot)
    print(f"route {route.id}: options {describe_options(route.options)}")
    return 0


async def preview_route(settings: Settings, args: argparse.Namespace) -> int:
    """Print a route's post (Telegram HTML) for the newest stored article of its source."""
    async with database(settings) as db:
        route = await db.channels.get_route(args.route)
        channel = await db.channels.get(route.channel_id)
        article = await db.articles.latest_of_source(route.source_id)
        if article is None:
            raise CommandError(
                f"source {route.source_id} has no stored article yet: "
                f"newsbot fetch {route.source_id}"
            )
        content = await post_content(db, article)
    post = render_routed(content, style=channel.style, options=route.options)
    print(post.text)
    print()
    how = [f"{post.style.value} post, {post.text_length} characters"]
    if post.photo_url:
        how.append(f"photo {post.photo_url}")
    elif post.link_preview_url is None:
        how.append("no link preview")
    else:
        size = (
            "large, above the text"
            if post.show_above
            else ("large" if post.prefer_large_media else "small")
        )
        how.append(f"link preview {size}")
    if route.options.silent:
        how.append("silent")
    if route.options.topic_id is not None:
        how.append(f"topic {route.options.topic_id}")
    print(f"# article {article.id} “{shorten(article.title, 60)}”: " + "; ".join(how))
    return 0


async def list_routes(settings: Settings, args: argparse.Namespace) -> int:
    """List every route with its id, filters and options."""
    async with database(settings) as db:
        sources = {s.id: s for s in await db.sources.list()}
        channels = await db.channels.list()
        routes = await db.channels.list_routes()
    routes.sort(key=lambda r: (r.source_id, r.channel_id))
    if args.json:
        print_json_lines(routes)
        return 0
    if not routes:
        print("no routes yet: newsbot routes add SOURCE_ID CHANNEL")
        return 0
    labels = {c.id: channel_label(c) for c in channels}
    print_table(
        ("ID", "SOURCE", "CHANNEL", "FILTERS", "OPTIONS"),
        (
            (
                r.id,
                f"{r.source_id} {shorten(sources[r.source_id].name, 24)}",
                f"{r.channel_id} {shorten(labels[r.channel_id], 32)}",
                describe_filters(r),
                describe_options(r.options)
                + (f" (topic lost: {r.topic_error})" if r.topic_error else ""),
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
