"""The `run` command's arguments (handler: `bot.cli.commands.run`)."""

from __future__ import annotations

import argparse

from bot.cli.parsers.lazy import command


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `run`."""
    parser = commands.add_parser(
        "run", help="run the bot (long polling, or a webhook if WEBHOOK_URL is set)"
    )
    parser.set_defaults(handler=command("run", "run_bot"))
