"""Comment threads under the bot's channel posts in linked discussion groups.

When a channel has a discussion group, Telegram copies every channel post into it (an
"automatic forward"); that copy opens the post's comment thread, and replies to it (or
to other comments in it) are the comments. The bot:

- traces the copy to the article it posted (channel chat id + channel message id, through
  the outbox), records the thread (group, thread id) → article, and — when the channel's
  discussion replies are on — returns the related-coverage reply to post in the thread;
- counts each comment in a recorded thread once per (group, message id), so a redelivered
  update never counts twice.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Final

from bot.services.related import related_coverage_html
from news.entities import Channel, OutboxItem, OutboxState
from storage import Database
from storage.errors import NotFoundError

POSTED_WAIT_SECONDS: Final = 5.0
"""How long to wait for the publisher to record a post it is sending (the copy can reach
the bot before the publisher has stored the message id)."""
POSTED_POLL_SECONDS: Final = 0.05


@dataclass(frozen=True, slots=True)
class ThreadStart:
    """A comment thread the bot recorded, and what to reply in it (None: stay silent)."""

    channel: Channel
    article_id: int
    reply_html: str | None


async def start_thread(
    db: Database,
    *,
    group_chat_id: int,
    thread_id: int,
    channel_chat_id: int,
    channel_message_id: int,
    wait_seconds: float = POSTED_WAIT_SECONDS,
) -> ThreadStart | None:
    """Record the thread opened by the copy of a channel post in its discussion group.

    Returns None when the post is not one the bot published (another channel, a post an
    admin wrote) or when the thread was recorded already (a redelivered update: no second
    reply). `reply_html` is None when the channel's discussion replies are off or nothing
    related was found.
    """
    channel = await db.channels.get_by_chat_id(channel_chat_id)
    if channel is None:
        return None
    posted = await _posted(db, channel.id, channel_message_id, wait_seconds)
    if posted is None:
        return None
    if channel.discussion_chat_id != group_chat_id:
        channel = await db.channels.set_discussion_chat(channel.id, group_chat_id)
    try:
        opened = await db.discussion.open_thread(
            group_chat_id, thread_id, posted.article_id, channel_id=channel.id
        )
    except NotFoundError:
        return None  # the article was removed meanwhile
    if not opened:
        return None
    reply = None
    if channel.discussion_replies:
        reply = await related_coverage_html(db, posted.article_id)
    return ThreadStart(channel, posted.article_id, reply)


async def _posted(
    db: Database, channel_id: int, message_id: int, wait_seconds: float
) -> OutboxItem | None:
    """Return the outbox row posted as `message_id`, waiting (bounded) while the channel
    has a post being sent whose message id may not be stored yet."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_seconds
    while True:
        posted = await db.outbox.find_posted(channel_id, message_id)
        if posted is not None or loop.time() >= deadline:
            return posted
        counts = await db.outbox.state_counts(channel_id)
        if counts[OutboxState.SENDING] == 0:
            # nothing in flight; a send may have finished between the two reads
            return await db.outbox.find_posted(channel_id, message_id)
        await asyncio.sleep(POSTED_POLL_SECONDS)


async def count_comment(
    db: Database, *, group_chat_id: int, thread_id: int, message_id: int, user_id: int | None
) -> bool:
    """Count a message in a thread as a comment on its article; return whether it was new
    (False for a thread that is not the bot's, or a message counted already)."""
    article_id = await db.discussion.thread_article(group_chat_id, thread_id)
    if article_id is None:
        return False
    try:
        return await db.discussion.add_comment(
            group_chat_id, message_id, article_id, user_id=user_id
        )
    except NotFoundError:
        return False
