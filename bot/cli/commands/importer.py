"""`newsbot import FILE...`: store articles from .txt, .html and .json files."""

from __future__ import annotations

import argparse
import asyncio

from bot.app.runtime import ingestion
from bot.app.store import database
from bot.cli.commands.base import CommandError
from bot.ops.settings import Settings
from bot.services.local_sources import import_source
from news.errors import ParseError
from news.parse import parse_document

CONTENT_TYPES = {
    ".txt": "text/plain",
    ".text": "text/plain",
    ".html": "text/html",
    ".htm": "text/html",
    ".json": "application/json",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
}


async def import_files(settings: Settings, args: argparse.Namespace) -> int:
    """Parse each file and store its articles; report each file, failures included."""
    failures = 0
    async with database(settings, create=True) as db, ingestion(settings, db) as ingestor:
        source = await import_source(db, args.source)
        for path in args.files:
            try:
                content = await asyncio.to_thread(path.read_bytes)
            except OSError as exc:
                failures += 1
                print(f"{path}: cannot read: {exc.strerror or exc}")
                continue
            content_type = CONTENT_TYPES.get(path.suffix.lower())
            try:
                document = parse_document(content, content_type=content_type)
            except ParseError as exc:
                failures += 1
                print(f"{path}: {exc}")
                continue
            outcome = await ingestor.store_document(source, document)
            not_stored = outcome.not_stored()
            print(
                f"{path}: {outcome.entries} entries, {outcome.inserted} new, "
                f"{outcome.updated} updated"
                + (f"; not stored: {not_stored}" if not_stored else "")
            )
    if failures == len(args.files):
        raise CommandError(f"none of the {failures} files could be imported")
    return 1 if failures else 0
