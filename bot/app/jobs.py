"""Recurring jobs on PTB's JobQueue: the ingestion cycle over due sources, the integrity
check, and the look for channels' daily digests that are due."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.app.integrity import CHECK_INTERVAL, FIRST_CHECK, check_integrity
from bot.app.runtime import claim_seconds, make_ingestor
from bot.context import Context, NewsApplication
from bot.delivery.notices import AdminNotifier
from bot.services.digest import claim_due_digests
from bot.services.ingest import CycleReport
from storage import Database
from storage.errors import NotFoundError

log = logging.getLogger(__name__)

INGEST_TICK_SECONDS = 10.0


def schedule_jobs(application: NewsApplication, *, first: timedelta) -> None:
    """Run the ingestion tick every few seconds (each tick fetches only due sources), the
    look for due digests every `DIGEST_CHECK_SECONDS`, and the integrity check daily."""
    job_queue = application.job_queue
    if job_queue is None:
        raise RuntimeError("python-telegram-bot was installed without the job-queue extra")
    job_queue.run_repeating(
        ingest_due_sources,
        interval=INGEST_TICK_SECONDS,
        first=first,
        name="ingest",
        job_kwargs={"max_instances": 1, "coalesce": True},
    )
    job_queue.run_repeating(
        claim_digests,
        interval=application.bot_data.settings.digest_check_seconds,
        first=first,
        name="digests",
        job_kwargs={"max_instances": 1, "coalesce": True},
    )
    job_queue.run_repeating(
        check_integrity,
        interval=CHECK_INTERVAL,
        first=FIRST_CHECK,
        name="integrity",
        job_kwargs={"max_instances": 1, "coalesce": True},
    )


async def ingest_due_sources(context: Context) -> None:
    """Fetch every source whose next fetch time has come (claimed, so that several
    processes on one database fetch each source once), within the cycle time limit."""
    data = context.bot_data
    settings = data.settings
    ingestor = make_ingestor(
        settings, data.db, data.fetcher, data.ingest_executor, clock=data.clock
    )
    sources = await ingestor.claim_due_sources(claim_seconds(settings))
    if not sources:
        return
    report = await ingestor.run_cycle(
        sources, timeout_seconds=settings.fetch_cycle_timeout_seconds
    )
    data.metrics.record_ingest_cycle(report)
    log.info(
        "ingest_cycle",
        extra={
            "sources": len(report.outcomes),
            "entries": report.entries,
            "inserted": report.inserted,
            "updated": report.updated,
            "failed": report.failed,
            "seconds": round(report.seconds, 1),
        },
    )
    if data.publisher is not None and (report.inserted or report.updated):
        data.publisher.wake()  # post the new rows (and edit changed posts) now
    if data.alerts is not None and report.inserted:
        data.alerts.wake()  # match the new articles against the follows now
    if data.notifier is not None:
        await tell_deactivated(report, data.db, data.notifier)


async def claim_digests(context: Context) -> None:
    """Claim the channels' daily digests that are due (once per channel and day, whichever
    process or run gets there first) and let the publisher post them."""
    data = context.bot_data
    claimed = await claim_due_digests(data.db, data.clock())
    data.digest_looks += 1
    if claimed and data.publisher is not None:
        data.publisher.wake()


async def tell_deactivated(report: CycleReport, db: Database, notifier: AdminNotifier) -> int:
    """Tell the admins about each source this cycle deactivated; return how many there were."""
    sent = 0
    for outcome in report.outcomes:
        if not outcome.deactivated:
            continue
        try:
            source = await db.sources.get(outcome.source_id)
        except NotFoundError:  # removed by an admin while it was being fetched
            continue
        if not source.active:
            await notifier.source_deactivated(source)
            sent += 1
    return sent
