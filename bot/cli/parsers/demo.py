"""The `demo` command's arguments (handler: `bot.cli.commands.demo`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.commands.base import port_or_any
from bot.cli.parsers.lazy import command


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `demo`."""
    parser = commands.add_parser(
        "demo",
        help="try the bot locally: emulator, sample feeds and the bot, shown as a chat",
        description=(
            "Start the built-in Telegram emulator, a local feed server with sample stories "
            "and the bot; add a demo channel (with a discussion group) and the sources, let "
            "the bot post, then act as a reader: search in inline mode by word and #tag, "
            "share a result, save a bookmark and list it, and see the bot's related-coverage "
            "reply in a post's comments; then stop. No token or network needed."
        ),
    )
    parser.add_argument(
        "--keep-running",
        action="store_true",
        help="leave the emulator, feeds and bot running afterwards (until Ctrl-C)",
    )
    parser.add_argument(
        "--database",
        type=Path,
        metavar="PATH",
        help="a new SQLite file to use (default: a temporary one, removed afterwards)",
    )
    parser.add_argument(
        "--port",
        type=port_or_any,
        default=0,
        metavar="P",
        help="the emulator's port (default: any free port)",
    )
    parser.set_defaults(handler=command("demo", "run_demo"))
