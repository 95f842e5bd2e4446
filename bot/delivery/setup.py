"""The publisher's parts configured from the settings."""

from __future__ import annotations

from telegram import Bot

from bot.delivery.digest_poster import DigestPoster
from bot.delivery.fulltext import FullTextConfig, FullTextPages
from bot.delivery.notices import AdminNotifier
from bot.delivery.publisher import Clock, Publisher, PublisherConfig, utc_now
from bot.ops.settings import Settings
from bot.services.leases import LeaseKeeper
from bot.transport.pacing import Pacer, PacingLimits
from bot.transport.telegraph import HttpTelegraph
from storage import Database


def pacing_limits(settings: Settings) -> PacingLimits:
    """The flood limits the settings ask for."""
    return PacingLimits(
        overall_per_second=settings.publish_overall_per_second,
        channel_per_minute=settings.publish_channel_per_minute,
        private_per_second=settings.publish_private_per_second,
        private_burst=settings.publish_private_burst,
        time_scale=settings.publish_time_scale,
    )


def publisher_config(settings: Settings) -> PublisherConfig:
    """The retry and timing policy the settings ask for."""
    return PublisherConfig(
        max_attempts=settings.publish_max_attempts,
        retry_base_seconds=settings.publish_retry_base_seconds,
        retry_max_seconds=settings.publish_retry_max_seconds,
        poll_seconds=settings.publish_poll_seconds,
        send_timeout_seconds=settings.publish_send_timeout_seconds,
    )


def build_notifier(settings: Settings, bot: Bot, db: Database, pacer: Pacer) -> AdminNotifier:
    """Notices to `settings.admin_ids`, each in the admin's stored language."""

    async def language_of(user_id: int) -> str | None:
        """Return the language Telegram last reported for the user."""
        user = await db.users.get(user_id)
        return None if user is None else user.language_code

    return AdminNotifier(bot, pacer, settings.admin_ids, language_of=language_of)


def build_publisher(
    settings: Settings,
    bot: Bot,
    db: Database,
    pacer: Pacer,
    *,
    notifier: AdminNotifier | None = None,
    leases: LeaseKeeper | None = None,
    clock: Clock = utc_now,
    pages: FullTextPages | None = None,
) -> Publisher:
    """A publisher (not started) that tells the admins about lost channels and posts the
    channels' daily digests (by `clock`, the time jobs go by); with `leases`, it works only
    the channels whose lease this process holds; with `pages`, full-text routes link their
    articles' Telegraph pages."""
    notifier = notifier or build_notifier(settings, bot, db, pacer)
    config = publisher_config(settings)
    digests = DigestPoster(bot, db, pacer, config, clock=clock)
    return Publisher(
        bot,
        db,
        pacer,
        config,
        notifier=notifier,
        leases=leases,
        digests=digests,
        pages=pages,
    )


def full_text_config(settings: Settings) -> FullTextConfig:
    """How Telegraph pages are made and retried, from the settings."""
    return FullTextConfig(
        account_name=settings.telegraph_account_name,
        max_attempts=settings.telegraph_max_attempts,
        retry_base_seconds=settings.telegraph_retry_base_seconds,
        retry_max_seconds=settings.telegraph_retry_max_seconds,
    )


def build_full_text_pages(settings: Settings, db: Database) -> FullTextPages:
    """The Telegraph pages of full-text routes, on Telegraph's API at its configured URL
    (not started; close its `api` after stopping it)."""
    api = HttpTelegraph(
        settings.telegraph_api_base_url, timeout_seconds=settings.telegraph_timeout_seconds
    )
    return FullTextPages(api, db, full_text_config(settings))
