"""`newsbot db backup PATH`: an online, consistent copy of the database."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.app.runtime import database
from bot.cli.commands.base import CommandError
from bot.ops.settings import Settings


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `db backup`."""
    parser = commands.add_parser("db", help="database maintenance")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    backup = actions.add_parser(
        "backup", help="copy the database while the bot runs (consistent snapshot)"
    )
    backup.add_argument("path", type=Path, metavar="PATH")
    backup.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    backup.set_defaults(handler=backup_database)


async def backup_database(settings: Settings, args: argparse.Namespace) -> int:
    """Write a snapshot of the database to PATH."""
    target: Path = args.path
    if _same_file(target, settings.database_path):
        raise CommandError("the backup path is the database itself")
    async with database(settings) as db:
        await db.backup(target, overwrite=args.force)
    print(f"backed up {settings.database_path} to {target}")
    return 0


def _same_file(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()
