"""What each python-telegram-bot exception means for a post."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.transport.errors import FailureKind, classify_error, is_not_modified


def caused(error: TelegramError, cause: BaseException) -> TelegramError:
    """Chain `cause` under `error` the way PTB's HTTPXRequest raises it."""
    error.__cause__ = cause
    return error


REQUEST = httpx.Request("POST", "https://api.telegram.org/botTOKEN/sendMessage")


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (Forbidden("Forbidden: bot was kicked from the channel chat"), "chat_unavailable"),
        (Forbidden("Forbidden: bot is not a member of the channel chat"), "chat_unavailable"),
        (BadRequest("Chat not found"), "chat_unavailable"),
        (BadRequest("Need administrator rights in the channel chat"), "chat_unavailable"),
        (BadRequest("Not enough rights to send text messages to the chat"), "chat_unavailable"),
        (ChatMigrated(-1009), "chat_unavailable"),
        (BadRequest("Can't parse entities: unsupported start tag"), "rejected"),
        (BadRequest("Message is too long"), "rejected"),
        (BadRequest("Wrong file identifier/http url specified"), "rejected"),
        (InvalidToken(), "unauthorized"),
        (NetworkError("Bad Gateway"), "transient"),  # Telegram answered 5xx
        (Conflict("terminated by other getUpdates request"), "transient"),
        (caused(NetworkError("httpx.ConnectError"), httpx.ConnectError("refused")), "transient"),
        (caused(TimedOut("Pool timeout"), httpx.PoolTimeout("pool")), "transient"),
        (caused(TimedOut(), httpx.ConnectTimeout("connect")), "transient"),
        (caused(TimedOut(), httpx.WriteTimeout("write")), "transient"),
        (caused(TimedOut(), httpx.ReadTimeout("read")), "uncertain"),
        (TimedOut(), "uncertain"),
        (
            caused(
                NetworkError("httpx.RemoteProtocolError"),
                httpx.RemoteProtocolError("Server disconnected", request=REQUEST),
            ),
            "uncertain",
        ),
        (caused(NetworkError("httpx.ReadError"), httpx.ReadError("reset")), "uncertain"),
    ],
)
def test_classification(error: TelegramError, kind: str) -> None:
    assert classify_error(error).kind is FailureKind(kind)


def test_flood_carries_the_wait_asked_for() -> None:
    failure = classify_error(RetryAfter(timedelta(seconds=37)))
    assert failure.kind is FailureKind.FLOOD
    assert failure.retry_after == 37.0


def test_descriptions_name_the_error_once() -> None:
    assert classify_error(Forbidden("Forbidden: bot was blocked by the user")).description == (
        "Forbidden: bot was blocked by the user"
    )
    assert classify_error(BadRequest("Message is too long")).description == (
        "BadRequest: Message is too long"
    )
    migrated = classify_error(ChatMigrated(-1009)).description
    assert migrated.endswith("(the group is now the supergroup -1009)")


def test_not_modified_is_recognised_only_on_bad_requests() -> None:
    assert is_not_modified(
        BadRequest(
            "Message is not modified: specified new message content and reply markup are "
            "exactly the same as a current content and reply markup of the message"
        )
    )
    assert not is_not_modified(BadRequest("Message to edit not found"))
    assert not is_not_modified(NetworkError("message is not modified"))
