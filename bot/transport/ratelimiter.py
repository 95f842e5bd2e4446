"""The bot-wide rate limiter: every message the bot sends goes through the shared `Pacer`.

The publisher paces its own sends before it claims a row (so that it never holds a row in
`sending` while it waits); this limiter paces everything else the bot sends — handler
replies, notices — against the same windows, so the overall limit counts them too. A send
made inside `Pacer.slot` is already paced and passes straight through.

It never retries: a 429 is recorded in the pacer (that chat waits as asked) and raised to
the caller, who knows whether retrying makes sense. PTB's `AIORateLimiter` is not used: its
leaky buckets let a burst through that a strict sliding window refuses, it has no
per-private-chat limit, and its retries pause every request for the longest wait asked.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, Final

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.transport.errors import retry_after_seconds
from bot.transport.pacing import Pacer, in_paced_send

JSONDict = dict[str, Any]
MESSAGE_ENDPOINTS_ALSO: Final = frozenset(
    {"copyMessage", "copyMessages", "forwardMessage", "forwardMessages"}
)
"""Endpoints that post messages without starting with `send`."""
NOT_A_MESSAGE: Final = frozenset({"sendChatAction"})
"""`send` endpoints that post nothing."""


def posts_a_message(endpoint: str) -> bool:
    """Tell whether a Bot API endpoint posts a message (and counts against flood limits)."""
    if endpoint in NOT_A_MESSAGE:
        return False
    return endpoint.startswith("send") or endpoint in MESSAGE_ENDPOINTS_ALSO


def chat_key(chat_id: object) -> int | str | None:
    """Return the pacing key of a chat_id parameter: the number (also when given as a
    string), a public chat's @username, or None when there is none."""
    if isinstance(chat_id, bool):
        return None
    if isinstance(chat_id, int):
        return chat_id
    if isinstance(chat_id, str) and chat_id.strip():
        text = chat_id.strip()
        return int(text) if text.lstrip("-").isdigit() else text.lower()
    return None


class PacingRateLimiter(BaseRateLimiter[None]):
    """Paces the bot's message sends per chat and overall with a shared `Pacer`."""

    def __init__(self, pacer: Pacer) -> None:
        """Use `pacer` (the publisher's) for every send."""
        self.pacer = pacer

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,  # noqa: ARG002  # part of PTB's interface; nothing to pass
    ) -> bool | JSONDict | list[JSONDict]:
        """Wait for a place in the chat's and the overall window, then make the call."""
        chat_id = chat_key(data.get("chat_id"))
        if chat_id is None or in_paced_send() or not posts_a_message(endpoint):
            return await callback(*args, **kwargs)
        try:
            async with self.pacer.slot(chat_id):
                return await callback(*args, **kwargs)
        except RetryAfter as error:
            self.pacer.hold(chat_id, retry_after_seconds(error))
            raise
