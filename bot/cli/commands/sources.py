"""`newsbot sources ...`: add, list, rename, set, remove, pause and resume the feeds the bot
watches. The rules are the chat's (`bot.services.admin.sources`): a URL is read before it
is added, a feed is watched once, the import source is never fetched."""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.app.runtime import fetch_policy
from bot.app.store import database
from bot.cli.commands.base import CommandError
from bot.cli.commands.channels import channel_label, find_channel
from bot.cli.output import print_json_lines, print_table, shorten, to_jsonable
from bot.ops.settings import Settings
from bot.services.admin.sources import (
    SourceAdminError,
    add_fetched_source,
    get_source,
    is_fetched,
    pause_source,
    removal_impact,
    remove_source,
    resume_source,
)
from news.entities import Source
from news.fetch import Fetcher
from storage import Database

MIN_INTERVAL_SECONDS = 10


def _check_interval(interval: int | None) -> None:
    """Refuse an interval shorter than the shortest the fetch schedule allows."""
    if interval is not None and interval < MIN_INTERVAL_SECONDS:
        raise CommandError(f"--interval must be at least {MIN_INTERVAL_SECONDS} seconds")


async def add_source(settings: Settings, args: argparse.Namespace) -> int:
    """Read the URL (as /addsource does), then add it, routed to the channels given."""
    _check_interval(args.interval)
    if args.backfill < 0:
        raise CommandError("--backfill must be 0 or more")
    async with database(settings, create=True) as db, Fetcher(fetch_policy(settings)) as fetcher:
        for name in args.channel:
            await find_channel(db, name)  # the CLI's own hint for an unknown channel
        try:
            added = await add_fetched_source(
                db,
                fetcher,
                args.url,
                channels=args.channel,
                name=args.name,
                tags=args.tag,
                interval_seconds=args.interval,
                backfill=args.backfill,
                check=not args.no_check,
            )
        except SourceAdminError as exc:
            raise CommandError(str(exc)) from None
    source = added.source
    print(f"added source {source.id}: {source.name} <{source.url}>")
    if added.found_from is not None:
        print(f"the feed {source.url} was found on {added.found_from}")
    if added.entries is not None:
        print(f"it holds {added.entries} item" + ("" if added.entries == 1 else "s") + " now")
    if added.channels:
        print(
            "posts to "
            + ", ".join(channel_label(channel) for channel in added.channels)
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
    if not is_fetched(source):
        return "import"
    if source.paused:
        return "paused"
    if not source.active:
        return "deactivated"
    if source.failure_count:
        return f"failing({source.failure_count})"
    return "ok" if source.last_success_at else "new"


def last_result(source: Source) -> str:
    """What the last fetch did: `never`, `ok` or `failed: <error>`."""
    if not is_fetched(source) or source.last_fetched_at is None:
        return "never fetched"
    if source.failure_count:
        return f"failed: {source.last_error or 'unknown error'}"
    return "ok"


def next_fetch(source: Source) -> datetime | None:
    """When the source is fetched next (None: never, as paused, deactivated or import)."""
    if not is_fetched(source) or source.paused or not source.active:
        return None
    return source.next_fetch_at or source.created_at


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One source as `sources list` shows it."""

    source: Source
    articles: int

    def to_json(self) -> dict[str, Any]:
        """Every field of the source with the listing's own: state, articles, last result,
        next fetch."""
        fields: dict[str, Any] = to_jsonable(self.source)
        fields.update(
            state=health(self.source),
            articles=self.articles,
            last_result=last_result(self.source),
            next_fetch=to_jsonable(next_fetch(self.source)),
        )
        return fields


async def list_sources(settings: Settings, args: argparse.Namespace) -> int:
    """List sources with their articles, last fetch result and next fetch."""
    async with database(settings) as db:
        lines = [
            SourceLine(source, await db.articles.count(source_id=source.id))
            for source in await db.sources.list()
        ]
    if args.json:
        print_json_lines(line.to_json() for line in lines)
        return 0
    if not lines:
        print("no sources yet: newsbot sources add URL")
        return 0
    print_table(
        ("ID", "STATE", "NAME", "ARTICLES", "LAST FETCH", "NEXT", "SKIPPED", "RESULT", "URL"),
        (
            (
                line.source.id,
                health(line.source),
                shorten(line.source.name, 24),
                line.articles,
                _when(line.source.last_fetched_at),
                _when(next_fetch(line.source)),
                line.source.skipped_entries,
                shorten(last_result(line.source), 40),
                shorten(line.source.url, 50),
            )
            for line in lines
        ),
    )
    return 0


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "-"


async def rename_source(settings: Settings, args: argparse.Namespace) -> int:
    """Give a source another name; its articles, routes and bookmarks stay."""
    name = " ".join(args.name.split())
    if not name:
        raise CommandError("the new name is empty")
    async with database(settings) as db:
        before = await _source(db, args.id)
        source = await db.sources.update(before.id, name=name)
    print(f"renamed source {source.id}: {before.name} -> {source.name}")
    return 0


async def set_source(settings: Settings, args: argparse.Namespace) -> int:
    """Change a source's fetch interval or tags; its articles stay."""
    _check_interval(args.interval)
    if args.tag is not None and args.no_tags:
        raise CommandError("give --tag or --no-tags, not both")
    tags: list[str] | None = [] if args.no_tags else args.tag
    if args.interval is None and tags is None:
        raise CommandError("nothing to change: give --interval S, --tag T or --no-tags")
    async with database(settings) as db:
        await _source(db, args.id)
        source = await db.sources.update(args.id, tags=tags, interval_seconds=args.interval)
    interval = f"every {source.interval_seconds}s" if source.interval_seconds else "default"
    tag_list = " ".join("#" + tag for tag in source.tags) or "none"
    print(f"source {source.id} ({source.name}): interval {interval}, tags {tag_list}")
    return 0


async def _source(db: Database, source_id: int) -> Source:
    """The source with this id, or `CommandError` naming `sources list`."""
    try:
        return await get_source(db, source_id)
    except SourceAdminError:
        raise CommandError(f"there is no source {source_id}: see newsbot sources list") from None


async def remove_source_command(settings: Settings, args: argparse.Namespace) -> int:
    """Say what goes with the source, ask on a terminal (or take --yes), then remove it."""
    async with database(settings) as db:
        await _source(db, args.id)
        impact = await removal_impact(db, args.id)
        what = (
            f"source {impact.source.id} ({impact.source.name}) with its {impact.articles} "
            f"article(s) and the {impact.bookmarks} bookmark(s) users hold of them"
        )
        if not args.yes:
            if not sys.stdin.isatty():
                raise CommandError(
                    f"removing {what} cannot be undone: pass --yes to remove it without asking"
                )
            prompt = f"Remove {what}? This cannot be undone. [y/N] "
            answer = await asyncio.to_thread(input, prompt)
            if answer.strip().lower() not in {"y", "yes"}:
                print(f"kept source {args.id}")
                return 1
        await remove_source(db, args.id)
    print(f"removed {what}")
    return 0


async def pause_source_command(settings: Settings, args: argparse.Namespace) -> int:
    """Pause a source (the import source is never fetched, so it cannot be paused)."""
    async with database(settings) as db:
        await _source(db, args.id)
        try:
            source = await pause_source(db, args.id)
        except SourceAdminError as exc:
            raise CommandError(str(exc)) from None
    print(f"paused source {source.id} ({source.name})")
    return 0


async def resume_source_command(settings: Settings, args: argparse.Namespace) -> int:
    """Resume a paused or deactivated source (never the import source)."""
    async with database(settings) as db:
        await _source(db, args.id)
        try:
            source = await resume_source(db, args.id)
        except SourceAdminError as exc:
            raise CommandError(str(exc)) from None
    print(f"resumed source {source.id} ({source.name}): fetched within a minute")
    return 0
