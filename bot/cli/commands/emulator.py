"""`newsbot emulator --port P`: run the local Bot API emulator on its own."""

from __future__ import annotations

import argparse

from bot.cli.commands.base import CommandError
from bot.ops.settings import Settings
from emulator.core import DEFAULT_TOKEN
from emulator.server import serve


async def run_emulator(settings: Settings, args: argparse.Namespace) -> int:
    """Serve until interrupted; accepts the configured token, or the emulator's default."""
    token = (
        settings.telegram_bot_token.get_secret_value()
        if settings.telegram_bot_token
        else DEFAULT_TOKEN
    )
    try:
        await serve(args.host, args.port, token=token, flood_limits=not args.no_flood_limits)
    except OSError as exc:  # the port is taken, or the host is not this machine's
        reason = (exc.strerror or str(exc)).rsplit(": ", 1)[-1]
        raise CommandError(f"cannot listen on {args.host}:{args.port}: {reason}") from None
    return 0
