"""`newsbot opml import FILE` and `newsbot opml export`: move subscription lists."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.app.store import database
from bot.cli.commands.base import CommandError
from bot.ops.settings import Settings
from bot.services.local_sources import IMPORT_SCHEME
from news.opml import Subscription, parse_opml, render_opml
from storage.errors import AlreadyExistsError


async def import_opml(settings: Settings, args: argparse.Namespace) -> int:
    """Add the file's feeds as sources; existing ones are left as they are."""
    try:
        content = await asyncio.to_thread(Path(args.file).read_bytes)
    except OSError as exc:
        raise CommandError(f"cannot read {args.file}: {exc.strerror or exc}") from None
    subscriptions = parse_opml(content)
    added = skipped = 0
    async with database(settings, create=True) as db:
        for sub in subscriptions:
            if not sub.url.startswith(("http://", "https://")):
                print(f"skipped (not http/https): {sub.url}")
                skipped += 1
                continue
            try:
                await db.sources.add(sub.url, name=sub.name, tags=sub.tags)
                added += 1
            except AlreadyExistsError:
                skipped += 1
    print(f"{added} sources added, {skipped} skipped, from {len(subscriptions)} outlines")
    return 0


async def export_opml(settings: Settings, args: argparse.Namespace) -> int:  # noqa: ARG001  # every handler takes the parsed args
    """Print every fetched source as an OPML document."""
    async with database(settings) as db:
        sources = await db.sources.list()
    subs = [
        Subscription(url=s.url, name=s.name, tags=tuple(s.tags))
        for s in sources
        if not s.url.startswith(IMPORT_SCHEME)
    ]
    sys.stdout.write(render_opml(subs))
    return 0
