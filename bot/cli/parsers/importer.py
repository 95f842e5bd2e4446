"""The `import` command's arguments (handler: `bot.cli.commands.importer`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.parsers.lazy import command


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `import`."""
    parser = commands.add_parser(
        "import",
        help="store articles from files: scraped .txt, .html pages, .json article lists, feeds",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument(
        "--source", default="imported", metavar="NAME", help="source to file them under"
    )
    parser.set_defaults(handler=command("importer", "import_files"))
