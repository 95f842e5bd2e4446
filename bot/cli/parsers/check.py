"""The `check` command's arguments (handler: `bot.cli.commands.check`)."""

from __future__ import annotations

import argparse

from bot.cli.parsers.lazy import command


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `check`."""
    parser = commands.add_parser(
        "check", help="check the settings, the database, the token (getMe) and the webhook"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per check")
    parser.add_argument(
        "--has-token",
        action="store_true",
        help="only say by the exit code whether TELEGRAM_BOT_TOKEN is configured "
        "(environment or .env): 0 yes, 1 no (`make demo` asks this)",
    )
    parser.set_defaults(handler=command("check", "check"))
