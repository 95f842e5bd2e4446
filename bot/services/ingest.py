"""One ingestion cycle: fetch due sources concurrently, parse, clean, store, reschedule.

Each source is independent: its failure is recorded on the source (with backoff and, after
repeated failures, deactivation) and never stops the others. Parsing and cleaning (the CPU
half, `news.prepare`) run in the given executor — a worker process, so the event loop and the
SQLite thread keep the other core — or inline when there is none; storage writes are
serialised by the database's transaction lock.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Final

from news.entities import Source
from news.errors import FetchError, HTTPStatusError, NewsError, ParseError
from news.fetch import Fetcher, FetchResult
from news.models import ParsedDocument
from news.prepare import PreparedDocument, drafts_from_document, prepare_document
from news.routing import ChannelRoute, RouteFilter, plan_deliveries
from news.schedule import next_fetch_after_failure, next_fetch_after_success
from storage import Database

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
EDIT_WINDOW = timedelta(hours=48)
"""A post whose article changes within this time of posting is edited in place."""
ALERT_MAX_AGE = timedelta(hours=48)
"""New articles published longer than this before they were fetched (a new source's
archive) are not alerted to followers."""


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class OutcomeStatus(StrEnum):
    """How one source's turn in a cycle ended."""

    UPDATED = "updated"
    NOT_MODIFIED = "not_modified"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class SourceOutcome:
    """What happened to one source in one cycle."""

    source_id: int
    source_name: str
    status: OutcomeStatus
    entries: int = 0
    inserted: int = 0
    updated: int = 0
    error: str | None = None
    deactivated: bool = False
    seconds: float = 0.0
    inserted_ids: tuple[int, ...] = ()
    queued: int = 0
    """Outbox rows added for the channels the source is routed to."""
    unchanged: int = 0
    """Entries already stored with the same content (an earlier one of the same document
    included), so not stored again."""
    empty: int = 0
    """Entries with neither a title nor any text (nothing to store)."""
    skipped: int = 0
    """Entries that could not be read and were left out (the others were stored)."""

    def not_stored(self) -> str:
        """Say why entries were not stored as new or updated articles, or ''."""
        reasons = (
            (self.unchanged, "already stored unchanged"),
            (self.empty, "with neither title nor text"),
            (self.skipped, "unreadable"),
        )
        return ", ".join(f"{count} {why}" for count, why in reasons if count)


@dataclass(slots=True)
class CycleReport:
    """The outcomes of one cycle, with totals."""

    outcomes: list[SourceOutcome] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def entries(self) -> int:
        """Entries read from all documents."""
        return sum(o.entries for o in self.outcomes)

    @property
    def inserted(self) -> int:
        """New articles stored."""
        return sum(o.inserted for o in self.outcomes)

    @property
    def updated(self) -> int:
        """Existing articles changed in place."""
        return sum(o.updated for o in self.outcomes)

    @property
    def skipped(self) -> int:
        """Entries left out because they could not be read."""
        return sum(o.skipped for o in self.outcomes)

    @property
    def failed(self) -> int:
        """Sources whose fetch or parse failed."""
        return sum(1 for o in self.outcomes if o.status is OutcomeStatus.FAILED)

    def summary(self) -> str:
        """One line for people."""
        skipped = f"{self.skipped} unreadable entries skipped, " if self.skipped else ""
        return (
            f"{len(self.outcomes)} sources, {self.entries} entries, {self.inserted} new, "
            f"{self.updated} updated, {skipped}{self.failed} failed in {self.seconds:.1f}s"
        )


SOURCES_IN_FLIGHT: Final = 8
"""Sources fetched, parsed or stored at once by one cycle: enough to keep the fetches (4 at
once by default) and the parse workers busy, few enough that memory does not grow with the
number of sources."""

DOCUMENTS_IN_FLIGHT: Final = 3
"""Of those, sources between the start of their parse and the end of their store: the
parse workers (one or two) and the store kept busy, and at most this many parsed documents
(a 500-item feed is a few MB of drafts) held while the store, the slower half at 100k
articles, works through them; the others wait as fetched bytes."""


@dataclass(frozen=True, slots=True)
class Pipeline:
    """How many sources a cycle holds at once, for a number of parse workers."""

    sources: int = SOURCES_IN_FLIGHT
    documents: int = DOCUMENTS_IN_FLIGHT

    @classmethod
    def for_workers(cls, workers: int) -> Pipeline:
        """Bounds that keep `workers` parse workers busy: for each, a document parsing and
        one queued behind it, plus one being stored and one parsed waiting for the store;
        the fetches keep the same room ahead of them as with the defaults.

        With 3 documents for 2 workers, a document parsed while the store was busy held the
        third place and left its worker idle until the store ended (issue 18: workers idle
        7-12% of a 10k cycle beside a CPU hog, more at the start of each parse)."""
        documents = max(DOCUMENTS_IN_FLIGHT, 2 * workers + 2)
        return cls(SOURCES_IN_FLIGHT - DOCUMENTS_IN_FLIGHT + documents, documents)


class Ingestor:
    """Runs ingestion cycles over the sources stored in `db`."""

    def __init__(
        self,
        db: Database,
        fetcher: Fetcher,
        *,
        max_failures: int,
        default_interval_seconds: int,
        clock: Clock = utc_now,
        edit_window: timedelta = EDIT_WINDOW,
        executor: Executor | None = None,
        pipeline: Pipeline = Pipeline(),
    ) -> None:
        self._db = db
        self._executor = executor
        # Sources between the start of their fetch and the end of their store. Without a
        # bound a cycle fetched every feed ahead of the parser and held all the bodies and
        # parsed drafts at once: peak memory grew with the cycle (issue 18: 561 MiB at 100k).
        self._in_flight = asyncio.Semaphore(pipeline.sources)
        # ... and of those, the ones parsed or being parsed: with the store the slower half
        # at 100k articles, parsed documents waited for it up to the bound above.
        self._documents_in_flight = asyncio.Semaphore(pipeline.documents)
        self._edit_window = edit_window
        self._fetcher = fetcher
        self._max_failures = max_failures
        self._default_interval = default_interval_seconds
        self._clock = clock

    async def due_sources(self) -> list[Source]:
        """Sources whose next fetch time has come."""
        return await self._db.sources.due(self._clock())

    async def claim_due_sources(self, claim_seconds: float) -> list[Source]:
        """Sources whose next fetch time has come, claimed for `claim_seconds`: another
        process (or job) asking meanwhile does not get them; the cycle's outcome then
        sets each one's next fetch (a claim left by a dead process simply runs out)."""
        now = self._clock()
        return await self._db.sources.claim_due(now, until=now + timedelta(seconds=claim_seconds))

    async def run_cycle(
        self,
        sources: Sequence[Source],
        *,
        timeout_seconds: float,
        on_done: Callable[[SourceOutcome], None] | None = None,
    ) -> CycleReport:
        """Ingest `sources` concurrently within `timeout_seconds`; one outcome per source."""
        report = CycleReport()
        started = time.perf_counter()
        tasks = {asyncio.create_task(self.ingest_source(s)): s for s in sources}
        pending: set[asyncio.Task[SourceOutcome]] = set(tasks)
        deadline = started + timeout_seconds
        while pending:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                break
            done, pending = await asyncio.wait(
                pending, timeout=remaining, return_when=asyncio.FIRST_COMPLETED
            )
            for task in done:
                outcome = task.result()
                report.outcomes.append(outcome)
                if on_done is not None:
                    on_done(outcome)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for task in pending:
            source = tasks[task]
            outcome = await self._record_failure(
                source, f"cycle time limit of {timeout_seconds:g}s reached", retry_after=None
            )
            report.outcomes.append(outcome)
            if on_done is not None:
                on_done(outcome)
        report.seconds = time.perf_counter() - started
        return report

    async def ingest_source(self, source: Source) -> SourceOutcome:
        """Fetch, parse and store one source; record success or failure on it."""
        async with self._in_flight:
            return await self._ingest_source(source)

    async def _ingest_source(self, source: Source) -> SourceOutcome:
        """`ingest_source` once the source has its place in the pipeline."""
        started = time.perf_counter()
        try:
            result = await self._fetcher.fetch(
                source.url, etag=source.etag, last_modified=source.last_modified
            )
            if result.not_modified:
                await self._db.sources.record_not_modified(
                    source.id,
                    fetched_at=self._clock(),
                    next_fetch_at=self._next_ok(source, result),
                )
                return SourceOutcome(
                    source.id,
                    source.name,
                    OutcomeStatus.NOT_MODIFIED,
                    seconds=time.perf_counter() - started,
                )
            async with self._documents_in_flight:
                prepared = await self._prepare(result, source)
                result = dataclasses.replace(result, content=b"")  # parsed: let it go
                outcome = await self._store(source, prepared, started=started)
                del prepared
            await self._db.sources.record_success(
                source.id,
                fetched_at=self._clock(),
                etag=result.etag,
                last_modified=result.last_modified,
                next_fetch_at=self._next_ok(source, result),
                skipped_entries=outcome.skipped,
            )
        except HTTPStatusError as exc:
            return await self._record_failure(source, str(exc), exc.retry_after, started)
        except (FetchError, ParseError) as exc:
            return await self._record_failure(source, _describe(exc), None, started)
        except Exception as exc:  # one broken source must never stop the cycle
            log.exception("ingest_crash", extra={"source_id": source.id})
            return await self._record_failure(
                source, f"internal error: {type(exc).__name__}: {exc}", None, started
            )
        return outcome

    async def store_document(
        self, source: Source, document: ParsedDocument, *, started: float | None = None
    ) -> SourceOutcome:
        """Clean a parsed document's entries and store them as `source`'s articles."""
        prepared = drafts_from_document(document, source_tags=source.tags, source_name=source.name)
        return await self._store(source, prepared, started=started)

    async def _prepare(self, result: FetchResult, source: Source) -> PreparedDocument:
        """Parse and clean a fetched body, in the executor when there is one."""
        work = functools.partial(
            prepare_document,
            result.content,
            content_type=result.content_type,
            url=result.final_url,
            source_tags=source.tags,
            source_name=source.name,
        )
        if self._executor is None:
            return work()
        return await asyncio.get_running_loop().run_in_executor(self._executor, work)

    async def _store(
        self, source: Source, prepared: PreparedDocument, *, started: float | None = None
    ) -> SourceOutcome:
        """Store prepared drafts, queue them for channels, request edits; one transaction."""
        began = time.perf_counter() if started is None else started
        drafts = prepared.drafts
        async with self._db.transaction():  # articles and their outbox rows, all or nothing
            result = await self._db.articles.upsert_many(
                source.id, drafts, fetched_at=self._clock()
            )
            queued = await self._queue_for_channels(source, result.inserted)
            # Followers are alerted to new stories (bot.services.alerts); queued with the articles.
            await self._db.alerts.queue(result.inserted, max_age=ALERT_MAX_AGE)
            # Posts of articles that changed are edited in place by the publisher.
            now = self._clock()
            await self._db.outbox.request_edits(
                result.updated, sent_since=now - self._edit_window, now=now
            )
        log.info(
            "ingested",
            extra={
                "source_id": source.id,
                "entries": prepared.entries,
                "inserted": len(result.inserted),
                "updated": len(result.updated),
                "queued": queued,
                "skipped": prepared.skipped,
            },
        )
        return SourceOutcome(
            source.id,
            source.name,
            OutcomeStatus.UPDATED,
            entries=prepared.entries,
            inserted=len(result.inserted),
            updated=len(result.updated),
            seconds=time.perf_counter() - began,
            inserted_ids=tuple(result.inserted),
            queued=queued,
            unchanged=result.unchanged,
            empty=prepared.entries - prepared.skipped - len(drafts),
            skipped=prepared.skipped,
        )

    async def _queue_for_channels(self, source: Source, article_ids: Sequence[int]) -> int:
        """Queue new articles for the channels `source` is routed to whose filters they pass;
        on the source's first successful fetch only its newest `backfill`. Return rows added."""
        if not article_ids:
            return 0
        routes = await self._db.channels.routes_for_source(source.id)
        if not routes:
            return 0
        articles = await self._db.articles.get_many(article_ids)
        channel_ids = [route.channel_id for route in routes]
        joined = {article.story_id for article in articles if article.story_id != article.id}
        queued = await self._db.outbox.queued_stories(joined, channel_ids) if joined else set()
        pairs = plan_deliveries(
            articles,
            [
                ChannelRoute(
                    route.channel_id, RouteFilter.of(route.include, route.exclude, route.tags)
                )
                for route in routes
            ],
            backfill=source.backfill if source.last_success_at is None else None,
            queued_stories=queued,
        )
        return await self._db.outbox.add_many(pairs, now=self._clock())

    def _next_ok(self, source: Source, result: FetchResult) -> datetime:
        return next_fetch_after_success(
            self._clock(),
            interval_seconds=source.interval_seconds or self._default_interval,
            max_age=result.max_age,
            retry_after=result.retry_after,
        )

    async def _record_failure(
        self, source: Source, error: str, retry_after: float | None, started: float | None = None
    ) -> SourceOutcome:
        now = self._clock()
        failures = source.failure_count + 1
        updated = await self._db.sources.record_failure(
            source.id,
            error=error,
            failed_at=now,
            next_fetch_at=next_fetch_after_failure(
                now,
                interval_seconds=source.interval_seconds or self._default_interval,
                failure_count=failures,
                retry_after=retry_after,
            ),
            max_failures=self._max_failures,
        )
        log.warning(
            "fetch_failed", extra={"source_id": source.id, "failures": failures, "error": error}
        )
        return SourceOutcome(
            source.id,
            source.name,
            OutcomeStatus.FAILED,
            error=error,
            deactivated=not updated.active,
            seconds=0.0 if started is None else time.perf_counter() - started,
        )


def _describe(exc: NewsError) -> str:
    return f"{type(exc).__name__}: {exc}" if not str(exc) else str(exc)
