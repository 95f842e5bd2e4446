"""The `opml` sub-commands' arguments (handlers: `bot.cli.commands.opml`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.parsers.lazy import command


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `opml import` and `opml export`."""
    parser = commands.add_parser("opml", help="import or export sources as OPML")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    importing = actions.add_parser("import", help="add every feed of an OPML file")
    importing.add_argument("file", type=Path, metavar="FILE")
    importing.set_defaults(handler=command("opml", "import_opml"))
    exporting = actions.add_parser("export", help="print the sources as OPML 2.0")
    exporting.set_defaults(handler=command("opml", "export_opml"))
