"""Tell the admins, in a private message, that the bot can no longer post to a channel."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

from telegram import Bot
from telegram.error import TelegramError

from bot.publish.pacing import Pacer
from storage.models import Channel

log = logging.getLogger(__name__)

NOTICE_TIMEOUT_SECONDS = 20.0


def channel_label(channel: Channel) -> str:
    """Name a channel for people: its title and @username, or its chat id."""
    parts = [channel.title] if channel.title else []
    if channel.username:
        parts.append(f"@{channel.username}")
    return " ".join(parts) or str(channel.chat_id)


def unavailable_notice(channel: Channel, reason: str) -> str:
    """Return the plain-text notice sent to admins when a channel stops taking posts."""
    return (
        f"⚠️ I can no longer post to the channel {channel_label(channel)} "
        f"(id {channel.chat_id}).\n"
        f"Telegram said: {reason}\n\n"
        "Posting to it is paused and its posts are kept. Make me an administrator who may "
        f"post messages there again, then add the channel again to resume it: "
        f"/addchannel {channel_reference(channel)} here, or "
        f"`newsbot channels add {channel_reference(channel)}`."
    )


def channel_reference(channel: Channel) -> str:
    """Return how an admin names the channel in commands: @username, or the chat id."""
    return f"@{channel.username}" if channel.username else str(channel.chat_id)


class AdminNotifier:
    """Sends admins notices, at most one per channel per `interval_seconds`."""

    def __init__(
        self,
        bot: Bot,
        pacer: Pacer,
        admin_ids: Iterable[int],
        *,
        interval_seconds: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Notify `admin_ids` through `bot`, paced like every other message."""
        self._bot = bot
        self._pacer = pacer
        self._admin_ids = sorted(set(admin_ids))
        self._interval = interval_seconds
        self._clock = clock
        self._last_notice: dict[int, float] = {}

    async def channel_unavailable(self, channel: Channel, reason: str) -> int:
        """Tell every admin that posting to `channel` stopped; return how many were told.

        Best effort: an admin who never started the bot cannot be written to; that is
        logged, and the paused channel still shows in `channels list`.
        """
        now = self._clock()
        last = self._last_notice.get(channel.id)
        if last is not None and now - last < self._interval:
            return 0
        self._last_notice[channel.id] = now
        text = unavailable_notice(channel, reason)
        told = 0
        for admin_id in self._admin_ids:
            try:
                async with self._pacer.slot(admin_id):
                    await self._bot.send_message(
                        admin_id,
                        text,
                        read_timeout=NOTICE_TIMEOUT_SECONDS,
                        write_timeout=NOTICE_TIMEOUT_SECONDS,
                    )
            except TelegramError as error:
                log.warning(
                    "event=admin_notice_failed admin_id=%s channel_id=%s error=%r",
                    admin_id,
                    channel.id,
                    error.message,
                )
            else:
                told += 1
        log.warning(
            "event=channel_unavailable channel_id=%s chat_id=%s admins_told=%d reason=%r",
            channel.id,
            channel.chat_id,
            told,
            reason,
        )
        return told
