"""Reactions on the bot's channel posts: Telegram's latest anonymous totals, kept per post.

Telegram sends `message_reaction_count` updates for channels (reactions there are
anonymous) to a bot that is an administrator and asked for them in `allowed_updates`;
they are grouped and may come a few minutes late. Each carries the post's whole current
list, so the stored totals are replaced, never added to. `/trending` and the daily digest
weigh them beside saves, shares and comments.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Final

from storage import Database

log = logging.getLogger(__name__)

PAID: Final = "paid"
CUSTOM_PREFIX: Final = "custom:"


def reaction_key(kind: str, value: str | None) -> str | None:
    """Return how a reaction is stored: the emoji itself, `custom:<id>` or `paid`; None for
    a kind this bot does not know."""
    if kind == "emoji" and value:
        return value
    if kind == "custom_emoji" and value:
        return CUSTOM_PREFIX + value
    if kind == "paid":
        return PAID
    return None


def totals(counts: Iterable[tuple[str | None, int]]) -> dict[str, int]:
    """Add up (reaction, count) pairs, leaving out unknown kinds and non-positive counts."""
    result: dict[str, int] = {}
    for key, count in counts:
        if key is not None and count > 0:
            result[key] = result.get(key, 0) + count
    return result


async def record_reaction_counts(
    db: Database, chat_id: int, message_id: int, counts: Mapping[str, int], *, at: datetime
) -> int | None:
    """Store a post's current reaction totals; return its article id (None: not our post,
    or a later update is stored already)."""
    article_id = await db.reactions.record(chat_id, message_id, counts, at=at)
    log.info(
        "reactions_counted",
        extra={
            "chat_id": chat_id,
            "message_id": message_id,
            "article_id": article_id,
            "reactions": sum(counts.values()),
        },
    )
    return article_id
