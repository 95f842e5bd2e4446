"""Tell the admins, in a private message, what needs their hand: a lost channel, a source
the bot stopped fetching.

Each notice has a cause (`("channel_lost", chat_id)`, `("source_deactivated", source_id)`);
one cause is told at most once per `interval_seconds`, however often it recurs. Notices are
paced like every other message and written in each admin's language when it is known.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Final

from telegram import Bot
from telegram.error import TelegramError

from bot.ops.i18n import Texts, texts_for
from bot.services.admin.labels import channel_label, channel_reference, shorten
from bot.transport.pacing import Pacer
from news.entities import Channel, Route, Source
from storage.errors import StorageError

log = logging.getLogger(__name__)

NOTICE_TIMEOUT_SECONDS: Final = 20.0
ERROR_PREVIEW_CHARS: Final = 300
"""A source's last error is cut to this length in a notice."""

NoticeCause = tuple[str, int]
"""What a notice is about: a kind and the id of the thing (`("channel_lost", -100…)`)."""
Compose = Callable[[Texts], str]
"""Builds a notice's text in one language."""
LanguageLookup = Callable[[int], Awaitable[str | None]]
"""Returns a user's Telegram `language_code` (None when unknown)."""

CHANNEL_LOST: Final = "channel_lost"
SOURCE_DEACTIVATED: Final = "source_deactivated"
DATABASE_DAMAGED: Final = "database_damaged"
TOPIC_LOST: Final = "topic_lost"


def unavailable_notice(channel: Channel, reason: str, language: Texts | None = None) -> str:
    """Return the plain-text notice sent to admins when a channel stops taking posts."""
    _ = (language or texts_for(None)).gettext
    return _(
        "⚠️ I can no longer post to the channel {channel} (id {chat_id}).\n"
        "Telegram said: {reason}\n\n"
        "Posting to it is paused and its posts are kept. Make me an administrator who may "
        "post messages there again, then add the channel again to resume it: "
        "/addchannel {reference} here, or `newsbot channels add {reference}`."
    ).format(
        channel=channel_label(channel),
        chat_id=channel.chat_id,
        reason=reason,
        reference=channel_reference(channel),
    )


def topic_lost_notice(
    channel: Channel, route: Route, reason: str, language: Texts | None = None
) -> str:
    """Return the plain-text notice sent to admins when a route's forum topic is closed or
    deleted."""
    _ = (language or texts_for(None)).gettext
    topic = route.options.topic_name or str(route.options.topic_id)
    return _(
        "⚠️ I can no longer post to the topic “{topic}” of {channel} (route {route_id}).\n"
        "Telegram said: {reason}\n\n"
        "The route's posts are not sent until its topic is set again: reopen the topic, "
        "then /setroute {route_id} topic={topic_id} here, or "
        "`newsbot routes set {route_id} --topic ID|NAME`."
    ).format(
        topic=topic,
        channel=channel_label(channel),
        route_id=route.id,
        reason=reason,
        topic_id=route.options.topic_id,
    )


def deactivated_notice(source: Source, language: Texts | None = None) -> str:
    """Return the plain-text notice sent to admins when a source is deactivated."""
    texts = language or texts_for(None)
    attempts = texts.ngettext(
        "after {count} failed fetch",
        "after {count} failed fetches in a row",
        source.failure_count,
    ).format(count=source.failure_count)
    return texts.gettext(
        "⚠️ I stopped fetching the source {id} “{name}” {attempts}.\n"
        "Last error: {error}\n"
        "Address: {url}\n\n"
        "Its articles are kept. When the feed works again, resume it with /resume {id} "
        "here, or `newsbot sources resume {id}`."
    ).format(
        id=source.id,
        name=source.name,
        attempts=attempts,
        error=shorten(source.last_error or "-", ERROR_PREVIEW_CHARS),
        url=source.url,
    )


def damaged_notice(problems: list[str], language: Texts | None = None) -> str:
    """Return the plain-text notice sent to admins when the periodic check finds damage."""
    _ = (language or texts_for(None)).gettext
    return _(
        "⚠️ The database failed its integrity check: {problem}\n\n"
        "Searches and posts may miss articles. Stop the bot and restore the last good "
        "backup (`newsbot db backup` makes one); until then /healthz says “damaged”."
    ).format(problem=shorten("; ".join(problems[:3]) or "-", ERROR_PREVIEW_CHARS))


async def no_language(_user_id: int) -> str | None:
    """Know no one's language: every notice is in English."""
    return None


class AdminNotifier:
    """Sends admins notices, at most one per cause per `interval_seconds`."""

    def __init__(
        self,
        bot: Bot,
        pacer: Pacer,
        admin_ids: Iterable[int],
        *,
        interval_seconds: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
        language_of: LanguageLookup = no_language,
    ) -> None:
        """Notify `admin_ids` through `bot`, paced like every other message."""
        self._bot = bot
        self._pacer = pacer
        self._admin_ids = sorted(set(admin_ids))
        self._interval = interval_seconds
        self._clock = clock
        self._language_of = language_of
        self._last_notice: dict[NoticeCause, float] = {}

    async def channel_unavailable(self, channel: Channel, reason: str) -> int:
        """Tell every admin that posting to `channel` stopped; return how many were told.

        Best effort: an admin who never started the bot cannot be written to; that is
        logged, and the paused channel still shows in `channels list` and `/channels`.
        """
        told = await self.notify(
            (CHANNEL_LOST, channel.chat_id),
            lambda language: unavailable_notice(channel, reason, language),
        )
        log.warning(
            "channel_unavailable",
            extra={
                "channel_id": channel.id,
                "chat_id": channel.chat_id,
                "admins_told": told,
                "reason": reason,
            },
        )
        return told

    async def topic_lost(self, channel: Channel, route: Route, reason: str) -> int:
        """Tell every admin that a route's forum topic is closed or gone; return how many
        were told."""
        told = await self.notify(
            (TOPIC_LOST, route.id),
            lambda language: topic_lost_notice(channel, route, reason, language),
        )
        log.warning(
            "topic_lost",
            extra={
                "route_id": route.id,
                "channel_id": channel.id,
                "topic_id": route.options.topic_id,
                "admins_told": told,
                "reason": reason,
            },
        )
        return told

    async def source_deactivated(self, source: Source) -> int:
        """Tell every admin that `source` is no longer fetched; return how many were told."""
        told = await self.notify(
            (SOURCE_DEACTIVATED, source.id),
            lambda language: deactivated_notice(source, language),
        )
        log.warning(
            "source_deactivated",
            extra={
                "source_id": source.id,
                "failures": source.failure_count,
                "admins_told": told,
                "error": source.last_error,
            },
        )
        return told

    async def database_damaged(self, problems: list[str]) -> int:
        """Tell every admin that the database is damaged; return how many were told."""
        told = await self.notify(
            (DATABASE_DAMAGED, 0), lambda language: damaged_notice(problems, language)
        )
        log.error("database_damaged", extra={"problems": problems[:3], "admins_told": told})
        return told

    async def notify(self, cause: NoticeCause, compose: Compose) -> int:
        """Send every admin the notice `compose` writes, unless `cause` was told within the
        interval; return how many admins were told. Failures are logged, never raised."""
        now = self._clock()
        self._forget_before(now - self._interval)
        if cause in self._last_notice:
            return 0
        self._last_notice[cause] = now
        told = 0
        for admin_id in self._admin_ids:
            text = compose(texts_for(await self._admin_language(admin_id)))
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
                    "admin_notice_failed",
                    extra={
                        "admin_id": admin_id,
                        "cause": f"{cause[0]}:{cause[1]}",
                        "error": error.message,
                    },
                )
            else:
                told += 1
        return told

    def _forget_before(self, cutoff: float) -> None:
        """Drop causes last told before `cutoff`: they may be told again."""
        for cause in [c for c, told_at in self._last_notice.items() if told_at <= cutoff]:
            del self._last_notice[cause]

    async def _admin_language(self, admin_id: int) -> str | None:
        """Return the admin's language code, or None (English) when it cannot be read."""
        try:
            return await self._language_of(admin_id)
        except StorageError as error:
            log.warning("admin_language_failed", extra={"admin_id": admin_id, "error": str(error)})
            return None
