"""`newsbot db backup PATH` and `newsbot db copy --to URL`: copies of the whole database.

`backup` writes an online, consistent SQLite snapshot; `copy` moves every table (articles,
bookmarks, the outbox with its states, ...) into an empty PostgreSQL database, the way an
operator grows out of SQLite. Both verify the row counts of every table.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bot.app.store import database
from bot.cli.commands.base import CommandError
from bot.ops.settings import Settings
from storage import is_postgresql_url, opened_database, redacted_url
from storage.copy import copy_store


async def backup_database(settings: Settings, args: argparse.Namespace) -> int:
    """Write a snapshot of the database to PATH."""
    target: Path = args.path
    if _same_file(target, settings.database_path):
        raise CommandError("the backup path is the database itself")
    async with database(settings) as db:
        await db.backup(target, overwrite=args.force)
    print(f"backed up {settings.database_path} to {target}")
    return 0


async def copy_database(settings: Settings, args: argparse.Namespace) -> int:
    """Copy every table of the configured database into the empty database at --to."""
    target: str = args.to.strip()
    if not is_postgresql_url(target):
        raise CommandError("--to must be a PostgreSQL URL (postgresql://user:pw@host/db)")
    if settings.uses_postgresql and _same_url(target, str(settings.database_location)):
        raise CommandError("the target is the configured database itself")
    shown = redacted_url(target)
    started = time.perf_counter()
    async with database(settings) as source, opened_database(target) as copy:
        report = await copy_store(
            source, copy, progress=lambda table, rows: print(f"{table:<20} {rows:>10}")
        )
    total = sum(report.rows.values())
    seconds = time.perf_counter() - started
    print(
        f"copied {total} rows in {len(report.rows)} tables to {shown} in {seconds:.1f} s "
        "(every count verified)"
    )
    return 0


def _same_url(a: str, b: str) -> bool:
    """Tell whether two PostgreSQL URLs name the same database (password aside)."""
    return redacted_url(a).rstrip("/") == redacted_url(b).rstrip("/")


def _same_file(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()
