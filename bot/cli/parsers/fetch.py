"""The `fetch` command's arguments (handler: `bot.cli.commands.fetch`)."""

from __future__ import annotations

import argparse

from bot.cli.commands.base import record_id
from bot.cli.parsers.lazy import command


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `fetch`."""
    parser = commands.add_parser("fetch", help="run one ingestion cycle now")
    parser.add_argument(
        "--source",
        type=record_id,
        action="append",
        metavar="ID",
        help="only this source (repeatable)",
    )
    parser.add_argument(
        "--due", action="store_true", help="only sources whose next fetch time has come"
    )
    parser.set_defaults(handler=command("fetch", "fetch"))
