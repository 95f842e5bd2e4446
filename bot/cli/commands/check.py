"""`newsbot check`: settings, admins, database, token, inline mode, webhook and channels, one
line each; exit 0 unless one failed (warnings do not fail)."""

from __future__ import annotations

import argparse

from bot.cli.checks import CheckStatus, run_checks
from bot.cli.output import print_json_lines
from bot.ops.settings import Settings


async def check(settings: Settings, args: argparse.Namespace) -> int:
    """Run every check and print one line each; return 1 if any failed."""
    if args.has_token:
        return 0 if settings.telegram_bot_token is not None else 1
    results = await run_checks(settings)
    if args.json:
        print_json_lines(results)
    else:
        width = max(len(result.check) for result in results)
        for result in results:
            print(f"{result.status.label:<4}  {result.check:<{width}}  {result.detail}")
    failed = any(result.status is CheckStatus.FAIL for result in results)
    return 1 if failed else 0
