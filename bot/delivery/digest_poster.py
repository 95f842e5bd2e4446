"""Sending claimed daily digests, as the publisher's part for them.

The publisher asks `channels_with_work` beside the outbox's, and a channel's worker calls
`step` before the channel's next outbox row, so a digest goes out under the channel's
lease (one process per channel) and its chat's pacing, like any post. The machinery is the
outbox's: the digest is claimed (pending → sending, committed) before the send, recorded
sent with its message id after it; a crash mid-send leaves it in `sending`, returned to
pending at the next start or when the channel is taken over (`recover`), so it is posted
again only when Telegram had already accepted it. Failures:

- 429: the chat waits the time asked; the digest goes back to pending, attempt not counted;
- 5xx, connection failures, an unknown outcome: retried with backoff, up to the
  publisher's `max_attempts`, then failed for good;
- 400 about the message: failed for good (it is logged; the day will not be retried);
- the chat unavailable or the token refused: back to pending, tried again a minute later
  (the channel's own posts pause it and tell the admins).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import datetime, timedelta

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.delivery.publisher import PublisherConfig
from bot.transport.errors import FailureKind, SendFailure, classify_error
from bot.transport.pacing import Pacer
from news.entities import Channel, DigestPost
from storage import Database

log = logging.getLogger(__name__)

HOLD_SECONDS = 60.0
"""How long a digest waits when its chat is unavailable or the token is refused."""


class DigestPoster:
    """Sends a channel's claimed digests, one per `step`."""

    def __init__(
        self,
        bot: Bot,
        db: Database,
        pacer: Pacer,
        config: PublisherConfig,
        *,
        clock: Callable[[], datetime],
    ) -> None:
        """Send with `bot` from `db`, paced by `pacer`, retrying as `config` says."""
        self._bot = bot
        self._db = db
        self._pacer = pacer
        self._config = config
        self._clock = clock
        self.sent = 0
        """Digests posted since start."""

    async def channels_with_work(self) -> list[int]:
        """Return the channels with a digest that may be sent now."""
        return await self._db.digests.channels_with_work(now=self._clock())

    async def recover(self, channel_id: int | None = None) -> int:
        """Return digests a dead process (or run) left in `sending` to pending."""
        returned = await self._db.digests.reset_sending(channel_id)
        if returned:
            log.warning("digest_recovered", extra={"rows": returned, "channel_id": channel_id})
        return returned

    async def step(self, channel: Channel) -> bool:
        """Send the channel's next due digest; return False when it had none."""
        post = await self._db.digests.claim_next(channel.id, now=self._clock())
        if post is None:
            return False
        fields = _fields(channel, post)
        try:
            async with self._pacer.slot(channel.chat_id):
                message = await self._bot.send_message(
                    channel.chat_id,
                    post.html,
                    parse_mode=ParseMode.HTML,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                    read_timeout=self._config.send_timeout_seconds,
                    write_timeout=self._config.send_timeout_seconds,
                )
        except TelegramError as error:
            await self._record_failure(channel, post, classify_error(error))
            return True
        except Exception as error:  # not Telegram's answer: the outcome is unknown
            log.exception("digest_send_crashed", extra=fields)
            failure = SendFailure(FailureKind.UNCERTAIN, f"internal error: {error!r}")
            await self._record_failure(channel, post, failure)
            return True
        await self._db.digests.mark_sent(
            channel.id, post.day, message_id=message.message_id, sent_at=self._clock()
        )
        self.sent += 1
        log.info("digest_posted", extra={**fields, "message_id": message.message_id})
        return True

    async def _record_failure(
        self, channel: Channel, post: DigestPost, failure: SendFailure
    ) -> None:
        """Record a failed send on the digest: wait, retry, give up or hold."""
        digests = self._db.digests
        now = self._clock()
        fields = {**_fields(channel, post), "error": failure.description}
        kind = failure.kind
        if kind is FailureKind.FLOOD:
            wait = failure.retry_after or 1.0
            self._pacer.hold(channel.chat_id, wait)
            await digests.release(
                channel.id, post.day, retry_at=_after(now, wait), error=failure.description
            )
            log.info("digest_flood_wait", extra={**fields, "retry_after": wait})
        elif kind in (FailureKind.TRANSIENT, FailureKind.UNCERTAIN):
            error = f"{kind.value.upper()}: {failure.description}"
            if post.attempts >= self._config.max_attempts:
                await digests.mark_failed(channel.id, post.day, error=error)
                log.error("digest_gave_up", extra=fields)
                return
            delay = self._backoff(post.attempts)
            await digests.release(
                channel.id, post.day, retry_at=_after(now, delay), error=error, count_attempt=True
            )
            log.info("digest_retry", extra={**fields, "retry_in": round(delay, 1)})
        elif kind is FailureKind.REJECTED:
            await digests.mark_failed(channel.id, post.day, error=failure.description)
            log.warning("digest_rejected", extra=fields)
        else:
            await digests.release(
                channel.id,
                post.day,
                retry_at=_after(now, HOLD_SECONDS),
                error=failure.description,
            )
            log.warning("digest_held", extra=fields)

    def _backoff(self, attempts: int) -> float:
        """Return the wait before attempt `attempts + 1`: exponential, jittered."""
        config = self._config
        delay = config.retry_base_seconds * 2.0 ** max(0, attempts - 1)
        return min(config.retry_max_seconds, delay) * random.uniform(0.8, 1.2)


def _after(now: datetime, seconds: float) -> datetime:
    """Return `seconds` after `now`."""
    return now + timedelta(seconds=seconds)


def _fields(channel: Channel, post: DigestPost) -> dict[str, object]:
    """Return the fields of every digest event."""
    return {
        "channel_id": channel.id,
        "chat_id": channel.chat_id,
        "day": post.day.isoformat(),
        "attempts": post.attempts,
    }
