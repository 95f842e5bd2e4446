"""Full text inside Telegram: each article of a `full_text` route gets a Telegraph page.

The publisher asks `FullTextPages.link_for_post` for the page of the article it is about to
post. The page is made then (one `createPage`, its content cut to Telegraph's 64 KB), or
the post goes without the link: a Telegraph failure never fails or holds a post. Every
page wanted is a durable row (`telegraph_pages`) written *before* the call, so a page that
could not be made is retried by `retry_due` (run every few seconds by `run`) with
exponential backoff, and once it exists the posts of the article are marked for an edit:
the publisher's edit path renders them again, now with the link, and edits them in place.

- FLOOD_WAIT_N: nothing is asked of Telegraph for N seconds (posts go without the link
  meanwhile, the pages wait); the attempt is not counted.
- No answer, 5xx: the page is retried with backoff, and for that long no post waits on
  Telegraph (the retries run in the background); after `max_attempts` it is given up.
- ACCESS_TOKEN_INVALID: the stored account is dropped and a new one created next time.
- Any other refusal: the page is given up (the post keeps its original link only).

Pages are per article, shared by every channel. Two processes (PostgreSQL) may both make
one for the same article at once; the first recorded wins and the other stays unused.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.ops.waiting import cancel_and_wait, wait_event
from bot.transport.telegraph import (
    TelegraphApi,
    TelegraphError,
    TelegraphFlood,
    TelegraphRejected,
    TelegraphTokenInvalid,
)
from news.entities import Article, FullTextPage, PageState
from news.render.telegraph import PageDraft, article_page, content_json
from storage import Database
from storage.errors import NotFoundError

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """Return the current time, timezone-aware UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class FullTextConfig:
    """How pages are made and retried (the defaults' origin: `bot.ops.settings`)."""

    account_name: str = "newsbot"
    """The Telegraph account's short name (shown only to its owner)."""
    max_attempts: int = 8
    """Failed calls for one page before it is given up."""
    retry_base_seconds: float = 5.0
    """First wait after a failure; doubled at every further one."""
    retry_max_seconds: float = 1800.0
    """Longest wait between two attempts of a page."""
    poll_seconds: float = 5.0
    """How often `run` looks for pages due again."""
    batch: int = 20
    """Pages tried per look."""


def draft_digest(draft: PageDraft) -> str:
    """Return a digest of what a page shows: title, byline and content."""
    text = "\n".join((draft.title, draft.author_name, draft.author_url or ""))
    payload = text + "\n" + content_json(draft.nodes)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def page_draft(article: Article, source_name: str) -> PageDraft:
    """Return the page of an article: its title, source as byline, image and full text."""
    return article_page(
        title=article.title,
        body=article.body or article.summary,
        url=article.url,
        image_url=article.image_url,
        source_name=source_name,
    )


class FullTextPages:
    """Makes, retries and edits the Telegraph pages of full-text routes."""

    def __init__(
        self,
        api: TelegraphApi,
        db: Database,
        config: FullTextConfig | None = None,
        *,
        clock: Clock = utc_now,
        on_link_ready: Callable[[], None] | None = None,
    ) -> None:
        """Make pages with `api`, recorded in `db`; `on_link_ready` is called when pages
        were made for posts that went without them (the publisher's `wake`)."""
        self.api = api
        """The Telegraph API the pages are made with."""
        self._db = db
        self._config = config or FullTextConfig()
        self._clock = clock
        self.on_link_ready = on_link_ready
        self._hold_until: datetime | None = None
        self._failures = 0
        self._locks: dict[int, asyncio.Lock] = {}
        self._account_lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self.created = 0
        """Pages made since start."""
        self.looks = 0
        """How many times `run` looked for due pages (a test barrier)."""

    @property
    def held_until(self) -> datetime | None:
        """Return until when nothing is asked of Telegraph (flood or outage), or None."""
        return self._hold_until

    # ---- the publisher's side ------------------------------------------------------------
    async def link_for_post(self, article: Article, source_name: str) -> str | None:
        """Return the URL of the article's page, making it now when it is due; None when
        the post must go without it (the page is then retried in the background)."""
        page = await self._db.telegraph.page(article.id)
        if page is None:
            page = await self._db.telegraph.want_page(article.id, now=self._clock())
        if page.state is PageState.CREATED:
            return page.url
        if page.state is PageState.FAILED or not self._due(page):
            return None
        async with self._lock(article.id):
            page = await self._db.telegraph.page(article.id)
            if page is None or page.state is not PageState.PENDING:
                return page.url if page is not None else None
            if not self._due(page):  # another attempt failed while this one waited
                return None
            made = await self._attempt(article, source_name, page)
        if made is not None and page.attempts:
            # Earlier posts of this article went without the link: edit them in.
            await self._request_edits(made)
        return made.url if made is not None else None

    async def link(self, article_id: int) -> str | None:
        """Return the URL of the article's page if it exists (no call to Telegraph)."""
        page = await self._db.telegraph.page(article_id)
        return page.url if page is not None and page.state is PageState.CREATED else None

    async def refresh(self, article: Article, source_name: str) -> None:
        """Edit the article's page when what it shows changed (the article was updated);
        best effort: a failure is logged, the post's edit goes on."""
        page = await self._db.telegraph.page(article.id)
        if page is None or page.state is not PageState.CREATED or page.path is None:
            return
        draft = page_draft(article, source_name)
        digest = draft_digest(draft)
        if digest == page.content_digest or self._held():
            return
        try:
            token = await self._token()
            await self.api.edit_page(
                token,
                page.path,
                title=draft.title,
                nodes=draft.nodes,
                author_name=draft.author_name,
                author_url=draft.author_url,
            )
        except TelegraphError as error:
            await self._forget_token_if_refused(error)
            self._note_failure(error)
            log.warning(
                "telegraph_edit_failed", extra={"article_id": article.id, "error": str(error)}
            )
            return
        await self._db.telegraph.page_edited(article.id, content_digest=digest)
        log.info("telegraph_page_edited", extra={"article_id": article.id})

    # ---- retries ---------------------------------------------------------------------------
    async def retry_due(self) -> int:
        """Try the pending pages that are due; mark the posts of each page made for an
        edit; return how many pages were made."""
        if self._held():
            return 0
        made = 0
        due = await self._db.telegraph.due_pages(now=self._clock(), limit=self._config.batch)
        for page in due:
            if self._held():
                break
            try:
                article = await self._db.articles.get(page.article_id)
                source_name = (await self._db.sources.get(article.source_id)).name
            except NotFoundError:
                continue  # removed meanwhile: its page row went with it
            async with self._lock(article.id):
                current = await self._db.telegraph.page(article.id)
                if current is None or current.state is not PageState.PENDING:
                    continue
                if not self._due(current):  # a post's attempt failed meanwhile
                    continue
                created = await self._attempt(article, source_name, current)
            if created is not None:
                await self._request_edits(created)
                made += 1
        if made and self.on_link_ready is not None:
            self.on_link_ready()
        return made

    def start(self) -> None:
        """Retry due pages in the background until `stop`."""
        if self._task is None:
            self._task = asyncio.create_task(self.run(), name="telegraph-pages")

    def wake(self) -> None:
        """Look for due pages now."""
        self._wake.set()

    async def stop(self) -> None:
        """Stop retrying (an attempt in flight is cancelled: its page stays pending)."""
        task, self._task = self._task, None
        await cancel_and_wait(task)

    async def run(self) -> None:
        """Call `retry_due` every `poll_seconds` (sooner when woken) until cancelled."""
        while True:
            self._wake.clear()
            try:
                await self.retry_due()
            except Exception:  # the database away: try again at the next look
                log.exception("telegraph_retry_failed")
            self.looks += 1
            await wait_event(self._wake, self._wait_seconds())

    def _wait_seconds(self) -> float:
        """Return how long `run` waits: the poll interval, or until a hold ends."""
        wait = self._config.poll_seconds
        if self._hold_until is not None:
            left = (self._hold_until - self._clock()).total_seconds()
            wait = max(wait, min(left, self._config.retry_max_seconds))
        return wait

    # ---- one attempt -----------------------------------------------------------------------
    async def _attempt(
        self, article: Article, source_name: str, page: FullTextPage
    ) -> FullTextPage | None:
        """Call createPage once for a pending page and record the outcome; return the page
        when it was made."""
        draft = page_draft(article, source_name)
        now = self._clock()
        try:
            token = await self._token()
            created = await self.api.create_page(
                token,
                title=draft.title,
                nodes=draft.nodes,
                author_name=draft.author_name,
                author_url=draft.author_url,
            )
        except TelegraphError as error:
            await self._record_failure(article.id, page, error, now)
            return None
        self._failures = 0
        self._hold_until = None
        self.created += 1
        log.info(
            "telegraph_page_created",
            extra={"article_id": article.id, "url": created.url, "truncated": draft.truncated},
        )
        return await self._db.telegraph.page_created(
            article.id,
            path=created.path,
            url=created.url,
            truncated=draft.truncated,
            content_digest=draft_digest(draft),
            now=self._clock(),
        )

    async def _record_failure(
        self, article_id: int, page: FullTextPage, error: TelegraphError, now: datetime
    ) -> None:
        """Record a failed attempt: wait out a flood, retry with backoff, or give up."""
        telegraph = self._db.telegraph
        await self._forget_token_if_refused(error)
        wait = self._note_failure(error)
        fields = {"article_id": article_id, "error": str(error), "attempts": page.attempts + 1}
        if isinstance(error, TelegraphFlood):
            retry_at = now + timedelta(seconds=wait)
            await telegraph.page_failed(
                article_id, error=str(error), retry_at=retry_at, count_attempt=False, now=now
            )
            log.info("telegraph_flood_wait", extra={**fields, "retry_after": wait})
            return
        give_up = isinstance(error, TelegraphRejected) or (
            page.attempts + 1 >= self._config.max_attempts
        )
        if give_up:
            await telegraph.page_failed(article_id, error=str(error), retry_at=None, now=now)
            log.warning("telegraph_page_given_up", extra=fields)
            return
        delay = self._backoff(page.attempts + 1)
        await telegraph.page_failed(
            article_id, error=str(error), retry_at=now + timedelta(seconds=delay), now=now
        )
        log.info("telegraph_page_retry", extra={**fields, "retry_in": round(delay, 1)})

    def _note_failure(self, error: TelegraphError) -> float:
        """Hold every call for a flood's wait or an outage's backoff; return the wait."""
        if isinstance(error, TelegraphFlood):
            wait = float(error.retry_after)
        elif isinstance(error, TelegraphRejected):
            return 0.0  # about this request only
        else:
            self._failures += 1
            wait = self._backoff(self._failures)
        self._hold_until = self._clock() + timedelta(seconds=wait)
        return wait

    def _backoff(self, failures: int) -> float:
        """Return the wait after `failures` failures in a row: exponential, jittered."""
        config = self._config
        delay = min(config.retry_max_seconds, config.retry_base_seconds * 2.0 ** (failures - 1))
        return delay * random.uniform(0.8, 1.0)

    def _held(self) -> bool:
        """Tell whether calls are on hold (a flood wait or an outage's backoff)."""
        return self._hold_until is not None and self._clock() < self._hold_until

    def _due(self, page: FullTextPage) -> bool:
        """Tell whether a pending page may be tried now."""
        if self._held():
            return False
        return page.available_at is None or page.available_at <= self._clock()

    async def _request_edits(self, page: FullTextPage) -> None:
        """Mark the article's posts since the page was first wanted for an edit."""
        since = page.created_at - timedelta(minutes=1)
        marked = await self._db.outbox.request_edits(
            [page.article_id], sent_since=since, now=self._clock()
        )
        log.info("telegraph_link_edits", extra={"article_id": page.article_id, "posts": marked})

    def _lock(self, article_id: int) -> asyncio.Lock:
        """Return the lock that keeps two workers from making one article's page twice."""
        if len(self._locks) > 1024:
            self._locks = {k: v for k, v in self._locks.items() if v.locked()}
        return self._locks.setdefault(article_id, asyncio.Lock())

    async def _token(self) -> str:
        """Return the stored account's token, creating the account once."""
        stored = await self._db.telegraph.account()
        if stored is not None:
            return stored[1]
        async with self._account_lock:
            stored = await self._db.telegraph.account()
            if stored is None:
                account = await self.api.create_account(self._config.account_name)
                stored = await self._db.telegraph.save_account(
                    account.short_name, account.access_token, now=self._clock()
                )
                log.info("telegraph_account_created", extra={"short_name": stored[0]})
            return stored[1]

    async def _forget_token_if_refused(self, error: TelegraphError) -> None:
        """Drop the stored account when Telegraph refused its token."""
        if isinstance(error, TelegraphTokenInvalid):
            stored = await self._db.telegraph.account()
            if stored is not None:
                await self._db.telegraph.forget_account(stored[1])
