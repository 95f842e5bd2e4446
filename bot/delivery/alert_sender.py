"""The alert sender: a background task that matches new articles and messages each user once.

Each round (woken by ingestion, or every `poll_seconds`): queued articles are matched
against the follows (`bot.services.alerts.matcher`), then every user with pending alerts gets one
message listing all of them (`bot.services.alerts.message`), through the shared `Pacer` — never
faster than Telegram allows per private chat and overall. Ingestion only wakes it: it never
waits on a send.

At most once: a user's alerts are moved to `sending` and committed before the message goes
out, and to `sent` after. A crash in between leaves them in `sending`; the next start
drops them (they may have arrived) rather than risk a second message about the same story.
So a story can be lost to a crash mid-send, never repeated. On stop, sends in flight
finish and are recorded.

Failures: 429 → that chat waits as asked and the alerts are retried after it; 5xx or a
connection that never reached Telegram → retried with backoff, up to `max_attempts`;
403 (the user blocked the bot) or the chat gone → the user's follows are paused and their
unsent alerts dropped, nothing retried (`/follow` or `/following` resumes them); a timeout
after the request was written, or a 400 → dropped and logged. Nothing is fatal.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.ops.i18n import texts_for
from bot.ops.waiting import wait_event
from bot.services.alerts.matcher import match_queued
from bot.services.alerts.message import AlertMessage, render_alert
from bot.transport.errors import FailureKind, SendFailure, classify_error
from bot.transport.pacing import Pacer
from bot.transport.send import inline_markup
from news.entities import Alert
from storage import Database
from storage.errors import NotFoundError

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
UNAUTHORIZED_WAIT_SECONDS = 60.0
STALE_CLAIM_SECONDS: Final = 600.0
"""With several processes, alerts in sending longer than this were cut off by a crash."""
AIOHTTP_NEVER_SENT: Final = frozenset(
    {
        "aiohttp.ClientConnectorError",
        "aiohttp.ClientConnectorCertificateError",
        "aiohttp.ClientConnectorSSLError",
        "aiohttp.ClientProxyConnectionError",
    }
)
"""Errors of `bot.transport.http` raised before the request left: safe to retry."""


def classify_alert_error(error: TelegramError) -> SendFailure:
    """Classify like the publisher, but count any aiohttp transport failure after the
    connection was made as UNCERTAIN: `bot.transport.http` names the aiohttp error in the
    message and keeps no cause, so `classify_error` would call a lost answer transient,
    and an alert retried after it may arrive twice."""
    failure = classify_error(error)
    message = error.message
    if (
        failure.kind is FailureKind.TRANSIENT
        and message.startswith("aiohttp.")
        and message not in AIOHTTP_NEVER_SENT
    ):
        return dataclasses.replace(failure, kind=FailureKind.UNCERTAIN)
    return failure


def utc_now() -> datetime:
    """Return the current time, timezone-aware UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class AlertConfig:
    """How often the sender looks for work, how it retries, how many users at once."""

    poll_seconds: float = 5.0
    """Longest wait between rounds when nobody wakes the sender."""
    max_attempts: int = 5
    """Failed sends worth retrying (5xx, connection refused) before alerts are dropped."""
    retry_base_seconds: float = 5.0
    """First backoff; doubled at every further attempt."""
    concurrency: int = 8
    """Users served at once (the pacer still keeps every limit)."""
    send_timeout_seconds: float = 20.0
    """How long a send waits for Telegram's answer."""


@dataclass(slots=True)
class AlertStats:
    """What the sender did since it started."""

    messages: int = 0
    alerts_sent: int = 0
    alerts_dropped: int = 0
    retried: int = 0
    flood_waits: int = 0
    users_paused: int = 0


class AlertSender:
    """Matches and sends alerts until stopped; `start()`, `wake()`, `await stop()`."""

    def __init__(
        self,
        bot: Bot,
        db: Database,
        pacer: Pacer,
        config: AlertConfig | None = None,
        *,
        clock: Clock = utc_now,
        shared: bool = False,
    ) -> None:
        """Send with `bot` the alerts stored in `db`, paced by `pacer`; `shared`: other
        processes send from the same database (only their stale claims are dropped)."""
        self._bot = bot
        self._db = db
        self._pacer = pacer
        self._config = config or AlertConfig()
        self._clock = clock
        self._shared = shared
        self.stats = AlertStats()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._in_flight: set[asyncio.Future[None]] = set()

    @property
    def running(self) -> bool:
        """Tell whether the sender was started and not stopped."""
        return self._task is not None

    def start(self) -> None:
        """Start in the background (on the running loop)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="alert-sender")

    def wake(self) -> None:
        """Look for work now (ingestion stored new articles)."""
        self._wake.set()

    async def stop(self) -> None:
        """Stop: waiting stops, sends in flight finish and are recorded."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)
        log.info("alert_sender_stopped", extra=asdict(self.stats))

    async def __aenter__(self) -> AlertSender:
        """Start; `async with AlertSender(...)` stops it at the end of the block."""
        self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Stop cleanly."""
        await self.stop()

    async def _drop_cut_off(self) -> int:
        """Drop alerts a crash left in sending: all of them when this process is alone;
        with other processes, those claimed longer ago than any send can take."""
        if not self._shared:
            return await self._db.alerts.drop_sending_on_start()
        before = self._clock() - timedelta(seconds=STALE_CLAIM_SECONDS)
        return await self._db.alerts.drop_sending_on_start(claimed_before=before)

    async def _run(self) -> None:
        """Drop what a crash left mid-send, then run a round whenever woken or polled."""
        dropped = await self._drop_cut_off()
        if dropped:
            log.warning(
                "alerts_dropped_on_start", extra={"alerts": dropped, "cause": "cut off mid-send"}
            )
        while True:
            self._wake.clear()
            try:
                await self.run_round()
            except Exception:  # a database hiccup must not end the alerts
                log.exception("alert_round_failed")
            await wait_event(self._wake, self._config.poll_seconds)

    async def run_round(self) -> None:
        """Match queued articles, then send every waiting user one message."""
        await match_queued(self._db, now=self._clock())
        users = await self._db.alerts.users_waiting(now=self._clock())
        if not users:
            return
        gate = asyncio.Semaphore(self._config.concurrency)

        async def serve(user_id: int) -> None:
            async with gate:
                await self._serve_user(user_id)

        await asyncio.gather(*(serve(user_id) for user_id in users))

    async def _serve_user(self, user_id: int) -> None:
        """Wait for the chat's turn, then claim and send its alerts (shielded from stop)."""
        await self._pacer.wait_ready(user_id)
        step = asyncio.ensure_future(self._claim_and_send(user_id))
        self._in_flight.add(step)
        step.add_done_callback(self._in_flight.discard)
        try:
            await asyncio.shield(step)
        except Exception:  # the database failed mid-step: logged; the next round goes on
            log.exception("alert_step_failed", extra={"user_id": user_id})

    async def _claim_and_send(self, user_id: int) -> None:
        """Send one message with all the user's sendable alerts and record the outcome."""
        alerts = await self._db.alerts.claim(user_id, now=self._clock())
        if not alerts:
            return
        ids = [alert.article_id for alert in alerts]
        try:
            message = await self._render(user_id, alerts)
        except Exception:  # a broken article must not block the user's alerts forever
            log.exception("alert_render_failed", extra={"user_id": user_id})
            await self._drop(user_id, ids)
            return
        if not message.shown:
            await self._drop(user_id, ids)  # every article was removed meanwhile
            return
        try:
            async with self._pacer.slot(user_id):
                await self._bot.send_message(
                    user_id,
                    message.html,
                    parse_mode=ParseMode.HTML,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                    reply_markup=inline_markup(message.keyboard) if message.keyboard else None,
                    read_timeout=self._config.send_timeout_seconds,
                    write_timeout=self._config.send_timeout_seconds,
                )
        except TelegramError as error:
            await self._record_failure(user_id, alerts, classify_alert_error(error))
            return
        except Exception:  # not Telegram's answer: it may have been sent (at most once)
            log.exception("alert_send_crashed", extra={"user_id": user_id})
            await self._drop(user_id, ids)
            return
        await self._db.alerts.mark_sent(user_id, ids, now=self._clock())
        self.stats.messages += 1
        self.stats.alerts_sent += len(ids)
        log.info(
            "alert_sent",
            extra={"user_id": user_id, "stories": len(ids), "listed": len(message.shown)},
        )

    async def _render(self, user_id: int, alerts: list[Alert]) -> AlertMessage:
        """Render the user's alerts in their language."""
        user = await self._db.users.get(user_id)
        texts = texts_for(user.language_code if user is not None else None)
        articles = await self._db.articles.get_many(alert.article_id for alert in alerts)
        names: dict[int, str] = {}
        for article in articles:
            if article.source_id not in names:
                try:
                    names[article.source_id] = (await self._db.sources.get(article.source_id)).name
                except NotFoundError:
                    names[article.source_id] = ""
        return render_alert(texts, alerts, {a.id: a for a in articles}, names)

    async def _drop(self, user_id: int, article_ids: list[int]) -> None:
        """Give up claimed alerts."""
        self.stats.alerts_dropped += await self._db.alerts.drop(user_id, article_ids)

    async def _record_failure(
        self, user_id: int, alerts: list[Alert], failure: SendFailure
    ) -> None:
        """React to a failed send: wait, retry, drop, or pause the user's follows."""
        ids = [alert.article_id for alert in alerts]
        now = self._clock()
        kind = failure.kind
        if kind is FailureKind.FLOOD:
            wait = failure.retry_after or 1.0
            self._pacer.hold(user_id, wait)
            await self._db.alerts.retry_later(
                user_id, ids, retry_at=now + timedelta(seconds=wait), count_attempt=False
            )
            self.stats.flood_waits += 1
        elif kind is FailureKind.TRANSIENT:
            attempts = max(alert.attempts for alert in alerts) + 1
            if attempts >= self._config.max_attempts:
                log.warning(
                    "alert_gave_up", extra={"user_id": user_id, "error": failure.description}
                )
                await self._drop(user_id, ids)
                return
            delay = self._config.retry_base_seconds * 2.0 ** (attempts - 1)
            await self._db.alerts.retry_later(
                user_id, ids, retry_at=now + timedelta(seconds=delay), count_attempt=True
            )
            self.stats.retried += 1
        elif kind is FailureKind.CHAT_UNAVAILABLE:
            await self._pause_user(user_id, failure.description)
        elif kind is FailureKind.UNAUTHORIZED:
            log.error("alert_unauthorized", extra={"error": failure.description})
            self._pacer.hold_all(UNAUTHORIZED_WAIT_SECONDS)
            await self._db.alerts.retry_later(
                user_id,
                ids,
                retry_at=now + timedelta(seconds=UNAUTHORIZED_WAIT_SECONDS),
                count_attempt=False,
            )
        else:  # REJECTED, or UNCERTAIN (it may have arrived: never sent twice)
            log.warning(
                "alert_dropped",
                extra={"user_id": user_id, "kind": kind.value, "error": failure.description},
            )
            await self._drop(user_id, ids)

    async def _pause_user(self, user_id: int, reason: str) -> None:
        """Pause the follows of a user the bot cannot write to, and drop their alerts."""
        async with self._db.transaction():
            paused = await self._db.follows.set_paused_for_user(user_id, True)
            dropped = await self._db.alerts.drop_all_for_user(user_id)
            if await self._db.users.get(user_id) is not None:
                await self._db.users.set_blocked(user_id, True)
        self.stats.users_paused += 1
        self.stats.alerts_dropped += dropped
        log.info(
            "alerts_paused",
            extra={
                "user_id": user_id,
                "follows": paused,
                "alerts_dropped": dropped,
                "reason": reason,
            },
        )
