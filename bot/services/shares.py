"""Inline shares: a chosen inline result recorded against the story it names."""

from __future__ import annotations

from datetime import datetime

from bot.services.inline.results import article_id_of_result
from storage import Database
from storage.errors import NotFoundError


async def record_share(
    db: Database, user_id: int, result_id: str, *, now: datetime | None = None
) -> bool:
    """Record that the user sent the story behind inline result `result_id`; return whether
    it was recorded (a forged id, or a story gone since, records nothing)."""
    article_id = article_id_of_result(result_id)
    if article_id is None:
        return False
    try:
        await db.shares.record(user_id, article_id, result_id=result_id, now=now)
    except NotFoundError:
        return False
    return True
