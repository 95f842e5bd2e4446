"""The database's integrity: checked at start (refuse a damaged file) and then periodically.

At start `newsbot run` runs the engine's check without the full-text half
(`integrity_problems(full_text=False)`: SQLite's `quick_check`, every page read once; see
bench/integrity.py for its cost) and refuses a damaged file with one line. The whole check,
full-text indexes included, runs `FIRST_CHECK` after start and every `CHECK_INTERVAL`; damage
it finds shows in /healthz ("database": "damaged") and is told to the admins.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Final

from bot.context import Context
from storage import Database

log = logging.getLogger(__name__)

FIRST_CHECK: Final = timedelta(minutes=10)
CHECK_INTERVAL: Final = timedelta(hours=24)


class DamagedDatabaseError(Exception):
    """The database failed its integrity check at start; the message is the one line."""


def damaged_message(path: Path | str, problems: list[str]) -> str:
    """One line for operators: which file, what the check said first, what to do."""
    lines = [
        " ".join(line.split())
        for problem in problems
        for line in problem.splitlines()
        if line.strip() and not line.startswith("***")  # "*** in database main ***"
    ]
    first = lines[0][:160] if lines else "unknown damage"
    more = f" (+{len(lines) - 1} more)" if len(lines) > 1 else ""
    return (
        f"the database {path} is damaged: {first}{more}; restore the last good backup "
        "(made by `newsbot db backup`), or move the file away to start empty"
    )


async def check_at_start(db: Database, path: Path | str) -> None:
    """Raise `DamagedDatabaseError` when the database fails its start-up check."""
    problems = await db.status.integrity_problems(full_text=False)
    if problems:
        log.error("database_damaged", extra={"problems": problems[:3], "at": "start"})
        raise DamagedDatabaseError(damaged_message(path, problems))


async def _first_to_tell(context: Context) -> bool:
    """Tell whether this process tells the admins (several on one database: the first)."""
    leases = context.bot_data.leases
    if leases is None:
        return True
    return await leases.claim_once("integrity-notice", CHECK_INTERVAL.total_seconds() / 2)


async def check_integrity(context: Context) -> None:
    """Run the whole integrity check; record the result, tell the admins about damage."""
    data = context.bot_data
    problems = await data.db.status.integrity_problems()
    data.integrity_problems = problems
    if problems and data.notifier is not None and await _first_to_tell(context):
        await data.notifier.database_damaged(problems)
    log.info("integrity_checked", extra={"problems": len(problems)})
