"""The publisher: posts outbox rows to their channels, in order, paced, crash-safe.

One worker per channel with work; a supervisor starts workers for channels whose next row
is claimable (or that have a post to edit), when woken by ingestion or every
`poll_seconds`. A worker waits until the pacer lets a message go to its chat, then claims
the channel's oldest pending row (pending → sending, committed), sends it, and records the
message id (sending → sent) — or what went wrong:

- 429: the chat (or, when several chats are told at once, every chat) waits the time asked;
  the row goes back to pending without counting the attempt.
- 5xx, connection refused, pool timeout: nothing was posted; retried with exponential
  backoff, up to `max_attempts` claims, then failed for good.
- TimedOut, or the connection lost after the request was written (UNCERTAIN): Telegram may
  have posted it, and the Bot API offers no way to ask (a bot sees no updates for its own
  channel posts, and no send is idempotent). A channel post is retried like a transient
  failure: a rare duplicate is better than a story silently missing. The send timeout is
  generous (`send_timeout_seconds`) so that a slow answer is waited for, not retried, and
  the row's last_error says "UNCERTAIN" so that an operator can see it. Edits are simply
  retried (an edit is idempotent: "message is not modified" counts as done). Admin notices
  are not retried.
- 400 about the message: recorded on the row as failed, never retried; a photo Telegram
  refuses is sent once more as a text post first.
- 403, or a 400 about the chat or the bot's rights: the row goes back to pending, the
  channel is paused and the admins are told.

Crash safety: a row is `sending` only while its one request is in flight, and a worker
sends one row at a time, so after `kill -9` at most one row per channel is left in
`sending`; `reset_sending_on_start` returns it to pending and it is posted again — posted
twice only when Telegram had already accepted it. On stop, in-flight sends finish (they run
shielded from cancellation) and nothing is left in `sending`. The database lost mid-step (a
restarted server): the worker returns its row to pending before its next step, so the row
neither waits in `sending` for a restart nor fails as if its article were broken.

Albums (a `photo` channel, an article with 2-10 images): `sendMediaGroup`, paced as its
photos, then a follow-up message with the buttons (an album cannot carry them). The album's
message ids are committed on the row as soon as Telegram answers, the row still `sending`;
a row claimed with its album recorded sends only the follow-up, so an album is one unit:
after `kill -9` at most the one request in flight repeats, as for any post.

Several processes (with a `LeaseKeeper`): a worker runs only while its process holds the
channel's lease (`publish:<channel id>`), so each channel is worked — and its chat paced —
by one process at a time. Taking a channel over, a worker first returns the row a dead
holder left in `sending` to pending (posted again: at most one duplicate per channel) and
seeds the chat's pacing window with the channel's sends of the last window, so the new
holder keeps the per-chat limit across the handover; the worker gives the lease up when
the channel has no more work.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from telegram import Bot
from telegram.error import TelegramError

from bot.delivery.fulltext import FullTextPages
from bot.delivery.notices import AdminNotifier
from bot.ops.waiting import wait_event
from bot.services.leases import LeaseKeeper
from bot.services.post_content import post_content
from bot.transport.errors import FailureKind, SendFailure, classify_error
from bot.transport.pacing import Pacer
from bot.transport.send import (
    SentPost,
    edit_post,
    post_digest,
    send_album,
    send_follow_up,
    send_post,
)
from news.entities import Article, Channel, ChannelStyle, OutboxItem, PostedAs, Route, RouteOptions
from news.quiet import quiet_until
from news.render import PostContent, PostStyle, RenderedPost, http_url
from news.render.routed import render_routed
from storage import Database
from storage.errors import NotFoundError, StorageError

if TYPE_CHECKING:
    from bot.delivery.digest_poster import DigestPoster

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
_T = TypeVar("_T")
RequestObserver = Callable[[str, float], None]
"""Told `("post" | "edit", seconds)` after every send or edit call, whatever its outcome."""
UNAUTHORIZED_PAUSE_SECONDS = 60.0
RECORD_FIRST_WAIT_SECONDS = 0.2
RECORD_MAX_WAIT_SECONDS = 5.0
FAILURE_MAX_WAIT_SECONDS = 10.0
"""Longest wait of a channel's worker between steps that failed (the database away)."""
RECORD_PATIENCE_SECONDS = 120.0
"""How long a send's outcome is retried while the database is away."""
QUIET_RECHECK_SECONDS = 60.0
"""A channel in its quiet hours is looked at again at least this often (its hours may
have been changed meanwhile)."""
STOP_GRACE_SECONDS = 15.0
"""How long a stop lets the sends in flight finish and be recorded (longer than a send's
HTTP timeouts); a step still unfinished then is cancelled, its row left `sending` and
recovered at the next start, as after a crash. Without a bound a stuck step held the stop."""
CAPTION_STAND_IN = "https://telegram.invalid/photo.jpg"
"""Any http(s) URL renders the caption layout; an edit never changes the photo itself."""


def utc_now() -> datetime:
    """Return the current time, timezone-aware UTC."""
    return datetime.now(UTC)


def post_fields(channel: Channel, item: OutboxItem, **more: object) -> dict[str, object]:
    """Return the fields of every publishing event: channel, chat, outbox row, article and
    message id (None until posted), then `more`."""
    return {
        "channel_id": channel.id,
        "chat_id": channel.chat_id,
        "item_id": item.id,
        "article_id": item.article_id,
        "message_id": item.message_id,
        **more,
    }


@dataclass(frozen=True, slots=True)
class PublisherConfig:
    """How the publisher retries and waits (see `bot.ops.settings` for the defaults' origin)."""

    max_attempts: int = 8
    """Claims of one row (transient or uncertain failures) before it fails for good."""
    retry_base_seconds: float = 2.0
    """First backoff after a transient failure; doubled at every further attempt."""
    retry_max_seconds: float = 600.0
    """Longest backoff."""
    poll_seconds: float = 1.0
    """How often the supervisor looks for work when nobody wakes it."""
    send_timeout_seconds: float = 20.0
    """How long a send may wait for Telegram's answer before its outcome is unknown."""
    prepare_ahead_seconds: float = 0.25
    """How long before a channel's window opens its next post is claimed and rendered, so
    that the send goes out when the window opens rather than a claim and a render later
    (time that grows on a busy machine); a stop waits at most this long for the send."""


@dataclass(slots=True)
class PublishStats:
    """What the publisher did since it started."""

    sent: int = 0
    edited: int = 0
    failed: int = 0
    retried: int = 0
    uncertain: int = 0
    flood_waits: int = 0
    channels_paused: int = 0


class Publisher:
    """Posts the outbox to channels until stopped; `start()`, `wake()`, `await stop()`."""

    def __init__(
        self,
        bot: Bot,
        db: Database,
        pacer: Pacer,
        config: PublisherConfig | None = None,
        *,
        notifier: AdminNotifier | None = None,
        clock: Clock = utc_now,
        leases: LeaseKeeper | None = None,
        digests: DigestPoster | None = None,
        pages: FullTextPages | None = None,
    ) -> None:
        """Publish with `bot` from `db`'s outbox, paced by `pacer`; with `leases`, only the
        channels whose lease this process holds; with `digests`, channels' daily digests
        too (each before the channel's next outbox row); with `pages`, full-text routes
        link their article's Telegraph page."""
        self._bot = bot
        self._db = db
        self._pacer = pacer
        self._config = config or PublisherConfig()
        self._notifier = notifier
        self._clock = clock
        self._leases = leases
        self._digests = digests
        self._pages = pages
        self.stats = PublishStats()
        self.observe_request: RequestObserver | None = None
        """Set to time each Bot API send and edit (the metrics' latency histogram)."""
        self._wake = asyncio.Event()
        self.looks = 0
        """How many times the publisher has looked for channels with work (a test barrier)."""
        self._supervisor: asyncio.Task[None] | None = None
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._in_flight: set[asyncio.Future[bool]] = set()
        self._quiet_until: dict[int, datetime] = {}
        """Channels in their quiet hours: not worked before this time."""

    @property
    def running(self) -> bool:
        """Tell whether the publisher was started and not stopped."""
        return self._supervisor is not None

    def start(self) -> None:
        """Start publishing in the background (on the running loop)."""
        if self._supervisor is None:
            self._supervisor = asyncio.create_task(self._supervise(), name="publisher")

    def wake(self) -> None:
        """Look for work now (called after ingestion queued posts or asked for edits)."""
        self._wake.set()

    async def stop(self) -> None:
        """Stop: workers stop waiting, sends in flight finish and are recorded."""
        supervisor, self._supervisor = self._supervisor, None
        if supervisor is None:
            return
        supervisor.cancel()
        workers = list(self._workers.values())
        for worker in workers:
            worker.cancel()
        await asyncio.gather(supervisor, *workers, return_exceptions=True)
        if self._in_flight:
            _, stuck = await asyncio.wait(set(self._in_flight), timeout=STOP_GRACE_SECONDS)
            if stuck:
                log.warning("publisher_stop_abandoned", extra={"steps": len(stuck)})
                for step in stuck:
                    step.cancel()
                await asyncio.gather(*stuck, return_exceptions=True)
        log.info("publisher_stopped", extra=asdict(self.stats))

    async def __aenter__(self) -> Publisher:
        """Start; `async with Publisher(...)` stops it at the end of the block."""
        self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Stop cleanly."""
        await self.stop()

    # ---- scheduling --------------------------------------------------------------------
    async def _supervise(self) -> None:
        """Start a worker for every channel with work; look again when woken or polled."""
        while True:
            self._wake.clear()
            try:
                channel_ids = await self._db.outbox.channels_with_work(now=self._clock())
                if self._digests is not None:
                    more = await self._digests.channels_with_work()
                    channel_ids = sorted({*channel_ids, *more})
            except Exception:  # a database hiccup must not end publishing
                log.exception("publisher_poll_failed")
                channel_ids = []
            now = self._clock()
            for channel_id in channel_ids:
                if self._quiet_until.get(channel_id, now) > now:
                    continue
                if channel_id not in self._workers and await self._take(channel_id):
                    worker = asyncio.create_task(
                        self._serve_channel(channel_id), name=f"publish-channel-{channel_id}"
                    )
                    self._workers[channel_id] = worker
                    worker.add_done_callback(self._worker_done)
            self.looks += 1
            await wait_event(self._wake, self._config.poll_seconds)

    def _failure_wait(self, failures: int) -> float:
        """Return the wait after `failures` failed steps in a row: from `poll_seconds`,
        doubled each time, at most `FAILURE_MAX_WAIT_SECONDS` (the database is away)."""
        return min(FAILURE_MAX_WAIT_SECONDS, self._config.poll_seconds * 2.0 ** (failures - 1))

    def _worker_done(self, worker: asyncio.Task[None]) -> None:
        """Forget a finished worker (logging a crash) and let the supervisor look again."""
        for channel_id, task in list(self._workers.items()):
            if task is worker:
                del self._workers[channel_id]
        if not worker.cancelled() and worker.exception() is not None:
            log.error("publisher_worker_crashed", exc_info=worker.exception())
        self._wake.set()

    async def _take(self, channel_id: int) -> bool:
        """Take a channel's lease (always, without leases); False if another process has it.

        A channel taken over has its row left in `sending` returned to pending and its
        chat's pacing window filled with the sends of the last window.
        """
        if self._leases is None:
            return True
        try:
            if not await self._leases.acquire(lease_name(channel_id)):
                return False
            channel = await self._db.channels.get(channel_id)
            returned = await self._db.outbox.reset_sending(channel_id)
            if self._digests is not None:
                await self._digests.recover(channel_id)
            now = self._clock()
            _, window = self._pacer.limits.channel_window
            sent = await self._db.outbox.recent_sends(
                channel_id, since=now - timedelta(seconds=window)
            )
        except Exception:  # the database away, or the channel removed: look again later
            log.warning("channel_take_failed", extra={"channel_id": channel_id}, exc_info=True)
            return False
        self._pacer.seed(channel.chat_id, [(now - at).total_seconds() for at in sent])
        if returned:
            log.warning(
                "outbox_recovered",
                extra={"rows": returned, "channel_id": channel_id, "cause": "taken over"},
            )
        return True

    async def _serve_channel(self, channel_id: int) -> None:
        """Work a channel while it has work (and its lease is ours), then give it up."""
        await self._work_channel(channel_id)
        if self._leases is not None:
            await self._leases.release(lease_name(channel_id))

    async def _work_channel(self, channel_id: int) -> None:
        """Post a channel's rows one at a time until none is claimable or it is paused.

        A step that failed (the database away) may have left its claimed row in `sending`;
        nothing else sends for this channel, so the row is returned to pending before the
        next step, or it would wait for the next take-over or start (posted again only if
        its send had happened: the at-most-one duplicate of an unrecorded outcome).
        """
        failures = 0
        unsettled = False
        while True:
            if self._leases is not None and not self._leases.holds(lease_name(channel_id)):
                log.warning("channel_lease_lost", extra={"channel_id": channel_id})
                return
            if unsettled:
                try:
                    returned = await self._db.outbox.reset_sending(channel_id)
                except Exception:  # still away: back off and try again
                    log.warning("outbox_reset_failed", extra={"channel_id": channel_id})
                    failures += 1
                    await asyncio.sleep(self._failure_wait(failures))
                    continue
                unsettled = False
                if returned:
                    log.warning(
                        "outbox_recovered",
                        extra={"rows": returned, "channel_id": channel_id, "cause": "step failed"},
                    )
            try:
                channel = await self._db.channels.get(channel_id)
            except NotFoundError:
                return  # removed meanwhile; its rows went with it
            if channel.paused or self._quiet(channel):
                return
            await self._pacer.wait_ready(channel.chat_id, lead=self._config.prepare_ahead_seconds)
            step = asyncio.ensure_future(self._step(channel))
            self._in_flight.add(step)
            step.add_done_callback(self._in_flight.discard)
            try:
                if not await asyncio.shield(step):  # a stop lets the claimed send finish
                    return
            except Exception:  # the database failed mid-step: log, back off, carry on
                log.exception("publish_step_failed", extra={"channel_id": channel_id})
                failures += 1
                unsettled = True
                await asyncio.sleep(self._failure_wait(failures))
            else:
                failures = 0

    def _quiet(self, channel: Channel) -> bool:
        """Tell whether the channel is in its quiet hours; if so, leave it until they end
        (looking again at least every `QUIET_RECHECK_SECONDS`)."""
        now = self._clock()
        try:
            ends = quiet_until(now, channel.quiet_hours, channel.timezone)
        except Exception:  # an unknown zone stored by hand: post as if there were none
            log.warning("quiet_hours_unreadable", extra={"channel_id": channel.id})
            return False
        if ends is None:
            self._quiet_until.pop(channel.id, None)
            return False
        self._quiet_until[channel.id] = min(ends, now + timedelta(seconds=QUIET_RECHECK_SECONDS))
        log.info("channel_quiet", extra={"channel_id": channel.id, "until": ends.isoformat()})
        return True

    async def _step(self, channel: Channel) -> bool:
        """Post a due digest, else edit one changed post or post one row; return False when
        there was nothing."""
        if self._digests is not None and await self._digests.step(channel):
            return True
        now = self._clock()
        edit = await self._db.outbox.next_edit(channel.id, now=now)
        if edit is not None:
            await self._edit(channel, edit)
            return True
        item = await self._db.outbox.claim_next(channel.id, now=now)
        if item is None:
            return False
        await self._post(channel, item)
        return True

    # ---- posting -----------------------------------------------------------------------
    async def _post(self, channel: Channel, item: OutboxItem) -> None:
        """Send one claimed row and record the outcome on it."""
        try:
            article = await self._db.articles.get(item.article_id)
            route = await self._db.channels.find_route(article.source_id, channel.id)
            options = RouteOptions() if route is None else route.options
            content = await post_content(self._db, article)
            content = await self._with_full_text(article, content, options, make=True)
            post = render_routed(content, style=channel.style, options=options)
        except NotFoundError:
            return  # the article was removed meanwhile, and its outbox rows with it
        except StorageError:
            raise  # the database away, not a broken article: the worker returns the row
        except Exception as error:  # a broken article fails its row, never the loop
            log.exception("publish_render_failed", extra=post_fields(channel, item))
            await self._db.outbox.mark_failed(item.id, error=f"internal error: {error!r}")
            self.stats.failed += 1
            return
        if route is not None and route.topic_error is not None:
            # the route's topic is closed or gone (admins were told): not sent, not retried
            await self._db.outbox.mark_failed(item.id, error=route.topic_error)
            self.stats.failed += 1
            return
        try:
            sent = await self._deliver(channel, item, content, post, options)
        except TelegramError as error:
            await self._record_failure(channel, item, classify_error(error), route)
            return
        except Exception as error:  # not Telegram's answer: treat the outcome as unknown
            log.exception("publish_send_crashed", extra=post_fields(channel, item))
            failure = SendFailure(FailureKind.UNCERTAIN, f"internal error: {error!r}")
            await self._record_failure(channel, item, failure, route)
            return
        await self._stored(
            self._db.outbox.mark_sent,
            item.id,
            message_id=sent.message_id,
            sent_at=self._clock(),
            posted_as=sent.posted_as,
            posted_digest=sent.digest,
            buttons_message_id=sent.buttons_message_id,
        )
        self.stats.sent += 1
        log.info(
            "posted",
            extra=post_fields(
                channel, replace(item, message_id=sent.message_id), posted_as=sent.posted_as.value
            ),
        )

    async def _deliver(
        self,
        channel: Channel,
        item: OutboxItem,
        content: PostContent,
        post: RenderedPost,
        options: RouteOptions,
    ) -> SentPost:
        """Send a post; a photo or an album Telegram refuses (400: an image too big, not an
        image, unreachable) goes once more as a text post."""
        if item.album_posted:  # claimed again after its album went out: only the rest
            return await self._follow_up(channel, item, post, options)
        try:
            if post.album:
                return await self._album(channel, item, post, options)
            return await self._send(channel.chat_id, post, options)
        except TelegramError as error:
            failure = classify_error(error)
            if post.style is not PostStyle.PHOTO or failure.kind is not FailureKind.REJECTED:
                raise
            fields = post_fields(channel, item, error=failure.description)
            if post.album:
                log.info("album_refused", extra=fields)
            else:
                log.info("photo_refused", extra=fields)
        text = render_routed(content, style=PostStyle.TEXT, options=options)
        return await self._send(channel.chat_id, text, options)

    async def _album(
        self, channel: Channel, item: OutboxItem, post: RenderedPost, options: RouteOptions
    ) -> SentPost:
        """Send an album (one request, counted as its photos), record its message ids at
        once, then send its follow-up with the buttons.

        The row stays `sending` in between, with the album recorded: claimed again (after
        a crash, a retry), it sends only the follow-up, so an album is posted twice only
        when its own request was in flight at a crash, like any post.
        """
        async with self._pacer.slot(channel.chat_id, weight=len(post.album)):
            message_ids = await self._timed(
                "post",
                send_album(
                    self._bot,
                    channel.chat_id,
                    post,
                    answer_timeout=self._config.send_timeout_seconds,
                    silent=options.silent,
                    thread_id=options.topic_id,
                ),
            )
        recorded = await self._stored(
            self._db.outbox.mark_album_posted,
            item.id,
            album=post.album,
            message_ids=message_ids,
        )
        return await self._follow_up(channel, recorded, post, options)

    async def _follow_up(
        self, channel: Channel, item: OutboxItem, post: RenderedPost, options: RouteOptions
    ) -> SentPost:
        """Send the buttons of a posted album; a follow-up Telegram refuses (or that keeps
        failing) leaves the album without buttons rather than unrecorded."""
        assert item.message_id is not None  # recorded with the album
        digest = post_digest(post, PostedAs.CAPTION)
        if post.follow_up is None:  # the article lost its images since: nothing to follow
            return SentPost(item.message_id, PostedAs.CAPTION, digest)
        try:
            async with self._pacer.slot(channel.chat_id):
                buttons = await self._timed(
                    "post",
                    send_follow_up(
                        self._bot,
                        channel.chat_id,
                        post,
                        reply_to=item.message_id,
                        answer_timeout=self._config.send_timeout_seconds,
                        silent=options.silent,
                        thread_id=options.topic_id,
                    ),
                )
        except TelegramError as error:
            failure = classify_error(error)
            gave_up = failure.kind in (FailureKind.TRANSIENT, FailureKind.UNCERTAIN) and (
                item.attempts >= self._config.max_attempts
            )
            if failure.kind is not FailureKind.REJECTED and not gave_up:
                raise
            log.warning(
                "album_follow_up_dropped",
                extra=post_fields(channel, item, error=failure.description),
            )
            return SentPost(item.message_id, PostedAs.CAPTION, digest)
        return SentPost(item.message_id, PostedAs.CAPTION, digest, buttons)

    async def _send(self, chat_id: int, post: RenderedPost, options: RouteOptions) -> SentPost:
        """Send one message within the pacing limits, as the route's options say."""
        async with self._pacer.slot(chat_id):
            return await self._timed(
                "post",
                send_post(
                    self._bot,
                    chat_id,
                    post,
                    answer_timeout=self._config.send_timeout_seconds,
                    silent=options.silent,
                    thread_id=options.topic_id,
                ),
            )

    async def _timed(self, kind: str, call: Awaitable[_T]) -> _T:
        """Await one Bot API call and tell `observe_request` how long it took."""
        started = time.perf_counter()
        try:
            return await call
        finally:
            if self.observe_request is not None:
                self.observe_request(kind, time.perf_counter() - started)

    async def _stored(
        self, method: Callable[..., Awaitable[_T]], *args: object, **kwargs: object
    ) -> _T:
        """Record a send's outcome, trying again while the database is away (restarted,
        unreachable): a row must not stay in `sending` for a send that happened. Bounded:
        after `RECORD_PATIENCE_SECONDS` the error is raised (the row is then returned to
        pending when the channel is next taken, or at the next start)."""
        waited = 0.0
        delay = RECORD_FIRST_WAIT_SECONDS
        while True:
            try:
                return await method(*args, **kwargs)
            except NotFoundError:
                raise
            except StorageError:
                if waited >= RECORD_PATIENCE_SECONDS:
                    raise
                log.warning("outcome_not_recorded", extra={"retry_in": delay}, exc_info=True)
                await asyncio.sleep(delay)
                waited += delay
                delay = min(delay * 2, RECORD_MAX_WAIT_SECONDS)

    async def _record_failure(
        self, channel: Channel, item: OutboxItem, failure: SendFailure, route: Route | None
    ) -> None:
        """Record a failed send on its row and react: wait, retry, give up or pause."""
        outbox = self._db.outbox
        now = self._clock()
        kind = failure.kind
        if kind is FailureKind.FLOOD:
            wait = failure.retry_after or 1.0
            self._pacer.hold(channel.chat_id, wait)
            await self._stored(
                outbox.release,
                item.id,
                retry_at=now + timedelta(seconds=wait),
                error=failure.description,
            )
            self.stats.flood_waits += 1
            log.info("post_flood_wait", extra=post_fields(channel, item, retry_after=wait))
        elif kind in (FailureKind.TRANSIENT, FailureKind.UNCERTAIN):
            error = f"{kind.value.upper()}: {failure.description}"
            fields = post_fields(channel, item, attempts=item.attempts, error=error)
            if kind is FailureKind.UNCERTAIN:
                self.stats.uncertain += 1
                log.warning("send_outcome_unknown", extra=fields)
            if item.attempts >= self._config.max_attempts:
                await self._stored(outbox.mark_failed, item.id, error=error)
                self.stats.failed += 1
                log.error("post_gave_up", extra=fields)
            else:
                delay = self._backoff(item.attempts)
                await self._stored(
                    outbox.mark_failed,
                    item.id,
                    error=error,
                    retry_at=now + timedelta(seconds=delay),
                )
                self.stats.retried += 1
                log.info("post_retry", extra={**fields, "retry_in": round(delay, 1)})
        elif kind is FailureKind.REJECTED:
            await self._stored(outbox.mark_failed, item.id, error=failure.description)
            self.stats.failed += 1
            log.warning(
                "post_rejected", extra=post_fields(channel, item, error=failure.description)
            )
        elif kind is FailureKind.TOPIC_UNAVAILABLE:
            await self._stored(outbox.mark_failed, item.id, error=failure.description)
            self.stats.failed += 1
            await self._topic_lost(channel, route, failure.description)
        elif kind is FailureKind.CHAT_UNAVAILABLE:
            await self._stored(outbox.release, item.id, error=failure.description)
            log.warning("post_held", extra=post_fields(channel, item, error=failure.description))
            await self._pause_channel(channel, failure.description)
        else:
            log.warning("post_held", extra=post_fields(channel, item, error=failure.description))
            await self._hold_everything(failure.description)
            await self._stored(
                outbox.release,
                item.id,
                retry_at=now + timedelta(seconds=UNAUTHORIZED_PAUSE_SECONDS),
                error=failure.description,
            )

    def _backoff(self, attempts: int) -> float:
        """Return the wait before claim number `attempts + 1`: exponential, jittered."""
        config = self._config
        exponent = max(0, attempts - 1)
        delay = min(config.retry_max_seconds, config.retry_base_seconds * 2.0**exponent)
        return delay * random.uniform(0.8, 1.2)  # jitter: channels do not retry in step

    async def _pause_channel(self, channel: Channel, reason: str) -> None:
        """Pause a channel the bot can no longer post to, and tell the admins."""
        await self._db.channels.set_paused(channel.id, True)
        self.stats.channels_paused += 1
        log.warning("channel_paused", extra={"channel_id": channel.id, "reason": reason})
        if self._notifier is not None:
            await self._notifier.channel_unavailable(channel, reason)

    async def _topic_lost(self, channel: Channel, route: Route | None, reason: str) -> None:
        """Stop a route's posts to its closed or deleted topic; tell the admins once."""
        log.warning("topic_lost", extra={"channel_id": channel.id, "reason": reason})
        if route is None or route.options.topic_id is None:
            return
        first = await self._db.channels.mark_topic_lost(route.id, reason)
        if first and self._notifier is not None:
            await self._notifier.topic_lost(channel, route, reason)

    async def _hold_everything(self, reason: str) -> None:
        """Stop sending for a while: the token is refused."""
        self._pacer.hold_all(UNAUTHORIZED_PAUSE_SECONDS)
        log.error("bot_unauthorized", extra={"reason": reason})

    async def _with_full_text(
        self,
        article: Article,
        content: PostContent,
        options: RouteOptions,
        *,
        make: bool,
    ) -> PostContent:
        """Add the article's Telegraph page when the route wants one: made now for a post
        (`make`), looked up (and brought up to date) for an edit. Telegraph never fails a
        post: on any trouble the post goes without the link, to be edited in later."""
        if self._pages is None or not options.full_text:
            return content
        try:
            if make:
                url = await self._pages.link_for_post(article, content.source_name)
            else:
                await self._pages.refresh(article, content.source_name)
                url = await self._pages.link(article.id)
        except StorageError:
            raise
        except Exception:
            log.exception("full_text_link_failed", extra={"article_id": article.id})
            return content
        return replace(content, full_text_url=url) if url is not None else content

    # ---- editing -----------------------------------------------------------------------
    async def _edit(self, channel: Channel, item: OutboxItem) -> None:
        """Bring a sent post in line with its changed article."""
        requested_at = item.edit_requested_at
        assert requested_at is not None  # next_edit returns only rows with a request
        assert item.message_id is not None  # and only sent ones
        kind = item.posted_as or PostedAs.TEXT
        try:
            article = await self._db.articles.get(item.article_id)
            route = await self._db.channels.find_route(article.source_id, channel.id)
            content = await post_content(self._db, article)
            options = RouteOptions() if route is None else route.options
            content = await self._with_full_text(article, content, options, make=False)
            post = render_edit(content, channel.style, kind, options)
        except NotFoundError:
            return  # the article was removed meanwhile, and its outbox rows with it
        except Exception as error:  # a broken article gives up its edit, never the loop
            log.exception("edit_render_failed", extra=post_fields(channel, item))
            await self._db.outbox.finish_edit(
                item.id, requested_at=requested_at, error=f"internal error: {error!r}"
            )
            return
        digest = post_digest(post, kind)
        if digest == item.posted_digest:
            await self._db.outbox.finish_edit(item.id, requested_at=requested_at)
            return
        try:
            async with self._pacer.slot(channel.chat_id):
                await self._timed(
                    "edit",
                    edit_post(
                        self._bot,
                        channel.chat_id,
                        item.message_id,
                        post,
                        kind=kind,
                        answer_timeout=self._config.send_timeout_seconds,
                        album=item.album_posted,
                    ),
                )
        except TelegramError as error:
            await self._record_edit_failure(channel, item, requested_at, classify_error(error))
            return
        await self._db.outbox.finish_edit(item.id, requested_at=requested_at, posted_digest=digest)
        self.stats.edited += 1
        log.info("edited", extra=post_fields(channel, item))

    async def _record_edit_failure(
        self, channel: Channel, item: OutboxItem, requested_at: datetime, failure: SendFailure
    ) -> None:
        """Keep, retry or give up an edit after a failed call."""
        outbox = self._db.outbox
        now = self._clock()
        kind = failure.kind
        if kind is FailureKind.FLOOD:
            wait = failure.retry_after or 1.0
            self._pacer.hold(channel.chat_id, wait)
            await outbox.defer_edit(
                item.id, retry_at=now + timedelta(seconds=wait), error=failure.description
            )
            self.stats.flood_waits += 1
            log.info("edit_flood_wait", extra=post_fields(channel, item, retry_after=wait))
        elif kind in (FailureKind.TRANSIENT, FailureKind.UNCERTAIN):
            fields = post_fields(channel, item, error=failure.description)
            waited = (now - requested_at).total_seconds()
            if waited > self._config.retry_max_seconds * self._config.max_attempts:
                await outbox.finish_edit(
                    item.id, requested_at=requested_at, error=failure.description
                )
                log.error("edit_gave_up", extra=fields)
                return
            config = self._config
            delay = min(config.retry_max_seconds, max(config.retry_base_seconds, waited))
            await outbox.defer_edit(
                item.id, retry_at=now + timedelta(seconds=delay), error=failure.description
            )
            log.info("edit_retry", extra={**fields, "retry_in": round(delay, 1)})
        elif kind in (FailureKind.REJECTED, FailureKind.TOPIC_UNAVAILABLE):
            log.warning(
                "edit_rejected", extra=post_fields(channel, item, error=failure.description)
            )
            await outbox.finish_edit(item.id, requested_at=requested_at, error=failure.description)
        elif kind is FailureKind.CHAT_UNAVAILABLE:
            log.warning("edit_held", extra=post_fields(channel, item, error=failure.description))
            await self._pause_channel(channel, failure.description)
        else:
            log.warning("edit_held", extra=post_fields(channel, item, error=failure.description))
            await self._hold_everything(failure.description)


def lease_name(channel_id: int) -> str:
    """Return the name of the lease on a channel's outbox."""
    return f"publish:{channel_id}"


def render_edit(
    content: PostContent,
    style: ChannelStyle,
    kind: PostedAs,
    options: RouteOptions | None = None,
) -> RenderedPost:
    """Render the new version of a post sent as `kind` in a channel of `style`, with its
    route's options.

    A photo's caption is rendered in the photo layout whether or not the article still has
    an image (the photo stays what it was); a text message keeps a text layout.
    """
    options = options or RouteOptions()
    if kind is PostedAs.CAPTION:
        image = http_url(content.image_url) or CAPTION_STAND_IN
        return render_routed(
            replace(content, image_url=image), style=PostStyle.PHOTO, options=options
        )
    text_style = PostStyle.TEXT if style is ChannelStyle.PHOTO else PostStyle(style.value)
    return render_routed(content, style=text_style, options=options)
