"""Posting the outbox to channels: pacing, Bot API calls, failure policy, the publisher.

`Publisher` (in `bot.publish.publisher`) runs as a background task of the bot; `Pacer`
(`bot.publish.pacing`) keeps every message under Telegram's flood limits and is shared with
the bot-wide `PacingRateLimiter`.
"""

from bot.publish.content import post_content
from bot.publish.errors import FailureKind, SendFailure, classify_error
from bot.publish.notify import AdminNotifier
from bot.publish.pacing import Pacer, PacingLimits
from bot.publish.publisher import Publisher, PublisherConfig, PublishStats
from bot.publish.ratelimiter import PacingRateLimiter
from bot.publish.setup import build_publisher, pacing_limits, publisher_config

__all__ = [
    "AdminNotifier",
    "FailureKind",
    "Pacer",
    "PacingLimits",
    "PacingRateLimiter",
    "PublishStats",
    "Publisher",
    "PublisherConfig",
    "SendFailure",
    "build_publisher",
    "classify_error",
    "pacing_limits",
    "post_content",
    "publisher_config",
]
