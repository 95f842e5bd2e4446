"""The `emulator` command's arguments (handler: `bot.cli.commands.emulator`)."""

from __future__ import annotations

import argparse

from bot.cli.commands.base import port_or_any
from bot.cli.parsers.lazy import command


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `emulator`."""
    parser = commands.add_parser(
        "emulator", help="run the local Telegram Bot API emulator (for development and demos)"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--port", type=port_or_any, default=8081, metavar="P", help="1-65535; 0: any free port"
    )
    parser.add_argument(
        "--no-flood-limits", action="store_true", help="switch Telegram's flood limits off"
    )
    parser.set_defaults(handler=command("emulator", "run_emulator"))
