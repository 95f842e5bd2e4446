"""`newsbot run`: the bot's main job — poll Telegram, ingest sources on schedule."""

from __future__ import annotations

import argparse

from bot.app import build_application
from bot.commands.base import CommandError
from bot.lifecycle import run_polling_until_stopped
from bot.settings import Settings


class MissingTokenCommandError(CommandError):
    """Raised when `run` has no token; the CLI exits with the usage code."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `run`."""
    parser = commands.add_parser("run", help="run the bot (long polling) until interrupted")
    parser.set_defaults(handler=run_bot)


async def run_bot(settings: Settings, args: argparse.Namespace) -> int:  # noqa: ARG001  # every handler takes the parsed args
    """Run until SIGINT/SIGTERM."""
    if settings.telegram_bot_token is None:
        raise MissingTokenCommandError(
            "TELEGRAM_BOT_TOKEN is not set; run `newsbot demo` to try the bot locally"
        )
    application = build_application(settings)
    await run_polling_until_stopped(application)
    return 0
