"""The `db backup` and `db copy` commands' arguments (handler: `bot.cli.commands.db`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.parsers.lazy import command


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `db backup` and `db copy`."""
    parser = commands.add_parser("db", help="database maintenance")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    backup = actions.add_parser(
        "backup", help="copy the database while the bot runs (consistent snapshot)"
    )
    backup.add_argument("path", type=Path, metavar="PATH")
    backup.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    backup.set_defaults(handler=command("db", "backup_database"))
    copy = actions.add_parser(
        "copy",
        help="copy the whole database into an empty PostgreSQL database (counts verified)",
    )
    copy.add_argument(
        "--to", required=True, metavar="URL", help="the target: postgresql://user:pw@host/db"
    )
    copy.set_defaults(handler=command("db", "copy_database"))
