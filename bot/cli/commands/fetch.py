"""`newsbot fetch`: run one ingestion cycle now, with a progress bar and a summary."""

from __future__ import annotations

import argparse

from bot.app.runtime import claim_seconds, ingestion
from bot.app.store import database
from bot.cli.commands.base import CommandError
from bot.cli.output import ProgressBar, fail, print_table, shorten
from bot.ops.settings import Settings
from bot.services.admin.sources import is_fetched
from bot.services.ingest import OutcomeStatus, SourceOutcome


async def fetch(settings: Settings, args: argparse.Namespace) -> int:
    """Fetch every active source (or the ones named) once and print what happened; exit 1
    when any source failed, each failure listed on stderr."""
    async with database(settings) as db, ingestion(settings, db) as ingestor:
        if args.source:
            sources = [await db.sources.get(source_id) for source_id in args.source]
            for source in sources:
                if not is_fetched(source):
                    raise CommandError(
                        f"source {source.id} ({source.name}) holds saved or imported "
                        "articles and is never fetched"
                    )
        elif args.due:
            sources = await ingestor.claim_due_sources(claim_seconds(settings))
        else:
            sources = [
                s for s in await db.sources.list() if s.active and not s.paused and is_fetched(s)
            ]
        if not sources:
            raise CommandError("nothing to fetch: no active sources (newsbot sources add URL)")
        with ProgressBar(len(sources), "fetching") as bar:

            def advance(outcome: SourceOutcome) -> None:
                bar.advance(outcome.source_name)

            report = await ingestor.run_cycle(
                sources, timeout_seconds=settings.fetch_cycle_timeout_seconds, on_done=advance
            )
    print_table(
        ("ID", "SOURCE", "RESULT", "ENTRIES", "NEW", "UPDATED", "SKIPPED", "ERROR"),
        (
            (
                o.source_id,
                shorten(o.source_name, 28),
                o.status.value + (" (deactivated)" if o.deactivated else ""),
                o.entries,
                o.inserted,
                o.updated,
                o.skipped,
                shorten(o.error or "", 60),
            )
            for o in sorted(report.outcomes, key=lambda o: o.source_id)
        ),
    )
    print(report.summary())
    print(queued_line(sum(o.queued for o in report.outcomes)))
    failures = [o for o in report.outcomes if o.status is OutcomeStatus.FAILED]
    for outcome in sorted(failures, key=lambda o: o.source_id):
        fail(f"source {outcome.source_id} ({outcome.source_name}) failed: {outcome.error}")
    return 1 if failures else 0


def queued_line(queued: int) -> str:
    """Say how many posts the cycle queued and who sends them."""
    if queued == 0:
        return "no posts queued (new articles go to the channels their source is routed to)"
    posts = "post" if queued == 1 else "posts"
    return (
        f"{queued} {posts} queued for channels; `newsbot run` sends them "
        "(a running bot picks them up within seconds)"
    )
