"""What a failed Bot API call means for the post: wait, retry, give up, or pause the channel.

Kinds (python-telegram-bot exception → kind)::

    RetryAfter (429)                      FLOOD        wait retry_after, for that chat
    NetworkError, the request never left  TRANSIENT    retry with backoff: nothing was sent
      (connect error, pool timeout) or the
      server answered 5xx
    TimedOut / connection lost after the  UNCERTAIN    Telegram may have posted it: see
      request was written                              `bot.delivery.publisher` for the policy
    BadRequest (400) about the message    REJECTED     record on the row, never retry
    BadRequest: the forum topic is closed TOPIC_UNAVAILABLE  fail the row, stop the route's
      or gone                                          topic, tell admins once
    Forbidden (403), BadRequest about the CHAT_UNAVAILABLE  pause the channel, tell admins
      chat or the bot's rights, ChatMigrated
    InvalidToken (401/404)                UNAUTHORIZED stop sending for a while, log loudly

`BadRequest` and `TimedOut` are subclasses of `NetworkError` in PTB, so order matters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Final

import httpx
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.transport.http import AnswerLost, ConnectTimedOut, RequestNotSent

NOT_MODIFIED: Final = "message is not modified"
"""Telegram's answer to an edit that changes nothing: the message already says it."""

CHAT_PROBLEMS: Final = (
    "chat not found",
    "need administrator rights",
    "not enough rights",
    "have no rights",
    "chat_write_forbidden",
    "chat_admin_required",
    "channel_private",
    "chat_restricted",
    "upgraded to a supergroup",
    "bot is not a member",
    "bot was kicked",
)
"""Fragments of 400 descriptions that are about the chat, not about one message."""

TOPIC_PROBLEMS: Final = (
    "topic_closed",
    "topic_deleted",
    "topic_id_invalid",
    "message thread not found",
)
"""Fragments of 400 descriptions saying that a forum topic is closed or no longer exists."""

_NEVER_SENT: Final = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
"""Transport errors raised before any byte of the request reached the server."""
_NOT_WHOLLY_SENT: Final = (httpx.WriteError, httpx.WriteTimeout)
"""Raised while the request was still being written: the server cannot act on a part."""


class FailureKind(StrEnum):
    """What a failed call means for the post it carried."""

    FLOOD = "flood"
    TRANSIENT = "transient"
    UNCERTAIN = "uncertain"
    REJECTED = "rejected"
    TOPIC_UNAVAILABLE = "topic_unavailable"
    CHAT_UNAVAILABLE = "chat_unavailable"
    UNAUTHORIZED = "unauthorized"


@dataclass(frozen=True, slots=True)
class SendFailure:
    """A classified failure: its kind, a one-line description, and the wait asked for."""

    kind: FailureKind
    description: str
    retry_after: float | None = None
    """Seconds Telegram asked to wait (FLOOD only)."""


def classify_error(error: TelegramError) -> SendFailure:
    """Return what a python-telegram-bot exception means for the post."""
    description = describe(error)
    if isinstance(error, RetryAfter):
        return SendFailure(FailureKind.FLOOD, description, retry_after_seconds(error))
    if isinstance(error, Forbidden | ChatMigrated):
        return SendFailure(FailureKind.CHAT_UNAVAILABLE, _migration_hint(error, description))
    if isinstance(error, InvalidToken):
        return SendFailure(FailureKind.UNAUTHORIZED, description)
    if isinstance(error, BadRequest):
        lowered = error.message.lower()
        if any(problem in lowered for problem in CHAT_PROBLEMS):
            return SendFailure(FailureKind.CHAT_UNAVAILABLE, description)
        if any(problem in lowered for problem in TOPIC_PROBLEMS):
            return SendFailure(FailureKind.TOPIC_UNAVAILABLE, description)
        return SendFailure(FailureKind.REJECTED, description)
    if isinstance(error, NetworkError):
        return SendFailure(_transport_kind(error), description)
    return SendFailure(FailureKind.TRANSIENT, description)


def describe(error: TelegramError) -> str:
    """Return `Kind: message` for an error, without repeating a kind the message states."""
    kind = type(error).__name__
    if error.message.lower().startswith(kind.lower()):
        return error.message
    return f"{kind}: {error.message}"


def retry_after_seconds(error: RetryAfter) -> float:
    """Return the wait a 429 asked for, in seconds (PTB gives an int or a timedelta)."""
    value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def is_not_modified(error: TelegramError) -> bool:
    """Tell whether an edit failed only because the message already says the same."""
    return isinstance(error, BadRequest) and NOT_MODIFIED in error.message.lower()


def _transport_kind(error: NetworkError) -> FailureKind:
    """Decide whether a network failure may have delivered the request."""
    cause = error.__cause__
    if isinstance(error, (RequestNotSent, ConnectTimedOut)):
        return FailureKind.TRANSIENT  # the aiohttp layer's "never sent" (it drops causes)
    if isinstance(error, AnswerLost):
        return FailureKind.UNCERTAIN
    if isinstance(cause, (*_NEVER_SENT, *_NOT_WHOLLY_SENT)):
        return FailureKind.TRANSIENT
    if isinstance(error, TimedOut) or isinstance(cause, httpx.HTTPError):
        return FailureKind.UNCERTAIN  # written in full, no answer: it may have been posted
    return FailureKind.TRANSIENT  # Telegram answered with an error (5xx): nothing posted


def _migration_hint(error: TelegramError, description: str) -> str:
    """Add the new chat id to a migration's description."""
    if isinstance(error, ChatMigrated):
        return f"{description} (the group is now the supergroup {error.new_chat_id})"
    return description
