"""The ingestion cycle end to end: local HTTP feeds → parse → clean → SQLite, per source."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from bot.services import ingest
from bot.services.ingest import (
    DOCUMENTS_IN_FLIGHT,
    SOURCES_IN_FLIGHT,
    Ingestor,
    OutcomeStatus,
    Pipeline,
)
from news.fetch import Fetcher, FetchPolicy, FetchResult
from storage import Database, open_database
from tests.support.feedserver import FeedServer
from tests.support.reads import outbox_rows


def rss(items: list[tuple[str, str, str, str]]) -> bytes:
    """An RSS 2.0 feed of (guid, link, title, body) items."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>Harbour Gazette</title><link>https://gazette.example/</link>"
    ]
    for guid, link, title, body in items:
        parts.append(
            f"<item><guid>{guid}</guid><link>{link}</link><title>{title}</title>"
            f"<pubDate>Mon, 30 Nov 2026 08:00:00 +0000</pubDate>"
            f"<description><![CDATA[<p>{body}</p>]]></description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


FERRY = (
    "The harbour authority suspended the night ferry to Northport after inspectors found "
    "corrosion in the loading ramp. Travellers were offered seats on the morning boat and "
    "refunds at the terminal office. The ramp will be replaced before the summer timetable "
    "starts, the authority said in a statement on Monday."
)
BRIDGE = (
    "Engineers closed the old stone bridge over the Wend river for two weeks of repairs. "
    "Buses are diverted through the market square and cyclists may cross on foot. The town "
    "council said the work had been planned since the spring floods damaged the piers."
)


@pytest.fixture
async def db() -> AsyncIterator[Database]:
    database = await open_database(":memory:")
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
async def server() -> AsyncIterator[FeedServer]:
    async with FeedServer() as srv:
        yield srv


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    policy = FetchPolicy(timeout_seconds=5, allow_private_addresses=True)
    async with Fetcher(policy) as client:
        yield client


def make_ingestor(
    db: Database, fetcher: Fetcher, max_failures: int = 3, pipeline: Pipeline | None = None
) -> Ingestor:
    return Ingestor(
        db,
        fetcher,
        max_failures=max_failures,
        default_interval_seconds=300,
        pipeline=pipeline or Pipeline(),
    )


async def test_cycle_stores_good_sources_and_records_the_bad_one(db, server, fetcher):
    server.add(
        "/ferry.xml",
        body=rss([("f-1", "https://gazette.example/ferry", "Night ferry suspended", FERRY)]),
    )
    server.add(
        "/bridge.xml",
        body=rss(
            [("b-1", "https://courier.example/bridge", "Old bridge closed for repairs", BRIDGE)]
        ),
    )
    server.add("/broken.xml", status=500, body=b"oops")
    server.add("/garbage.xml", body=b"\x00\x01\x02 not a feed at all", content_type="text/html")
    for path in ("/ferry.xml", "/bridge.xml", "/broken.xml", "/garbage.xml"):
        await db.sources.add(server.url(path))
    ingestor = make_ingestor(db, fetcher)

    report = await ingestor.run_cycle(await ingestor.due_sources(), timeout_seconds=30)

    by_url = {(await db.sources.get(o.source_id)).url: o for o in report.outcomes}
    assert by_url[server.url("/ferry.xml")].status is OutcomeStatus.UPDATED
    assert by_url[server.url("/ferry.xml")].inserted == 1
    assert by_url[server.url("/bridge.xml")].inserted == 1
    assert by_url[server.url("/broken.xml")].status is OutcomeStatus.FAILED
    assert "500" in (by_url[server.url("/broken.xml")].error or "")
    assert by_url[server.url("/garbage.xml")].status is OutcomeStatus.FAILED
    assert report.inserted == 2
    assert report.failed == 2
    hits = await db.search.articles("ferry")
    assert [h.article.title for h in hits] == ["Night ferry suspended"]
    broken = await db.sources.get(by_url[server.url("/broken.xml")].source_id)
    assert broken.failure_count == 1
    assert broken.active
    assert "500" in (broken.last_error or "")


async def test_etag_gives_not_modified_on_the_next_cycle(db, server, fetcher):
    server.add(
        "/ferry.xml", body=rss([("f-1", "https://g.example/f", "Ferry", FERRY)]), etag='"v1"'
    )
    source = await db.sources.add(server.url("/ferry.xml"))
    ingestor = make_ingestor(db, fetcher)
    first = await ingestor.ingest_source(source)
    assert first.status is OutcomeStatus.UPDATED
    source = await db.sources.get(source.id)
    assert source.etag == '"v1"'
    assert source.next_fetch_at is not None
    assert source.next_fetch_at >= datetime.now(UTC) + timedelta(seconds=290)

    second = await ingestor.ingest_source(source)

    assert second.status is OutcomeStatus.NOT_MODIFIED
    assert server.requests_to("/ferry.xml")[-1].headers.get("If-None-Match") == '"v1"'
    assert await db.articles.count() == 1


async def test_source_is_deactivated_after_repeated_failures(db, server, fetcher):
    server.add("/down.xml", status=503, body=b"maintenance")
    source = await db.sources.add(server.url("/down.xml"))
    ingestor = make_ingestor(db, fetcher, max_failures=3)
    outcomes = []
    for _ in range(3):
        outcomes.append(await ingestor.ingest_source(await db.sources.get(source.id)))
    assert [o.deactivated for o in outcomes] == [False, False, True]
    stored = await db.sources.get(source.id)
    assert not stored.active
    assert stored.failure_count == 3
    assert "503" in (stored.last_error or "")
    assert await ingestor.due_sources() == []


async def test_guid_update_changes_the_article_in_place(db, server, fetcher):
    server.add("/f.xml", body=rss([("f-1", "https://g.example/f", "Ferry delayed", FERRY)]))
    source = await db.sources.add(server.url("/f.xml"))
    ingestor = make_ingestor(db, fetcher)
    first = await ingestor.ingest_source(source)
    server.add("/f.xml", body=rss([("f-1", "https://g.example/f", "Ferry cancelled", FERRY)]))

    second = await ingestor.ingest_source(await db.sources.get(source.id))

    assert second.inserted == 0
    assert second.updated == 1
    assert await db.articles.count() == 1
    article = await db.articles.get(first.inserted_ids[0])
    assert article.title == "Ferry cancelled"


async def test_tracking_variants_of_one_url_are_one_article(db, server, fetcher):
    server.add(
        "/a.xml", body=rss([("a-1", "https://g.example/ferry?utm_source=rss", "Ferry", FERRY)])
    )
    server.add(
        "/b.xml", body=rss([("b-9", "https://G.example/ferry?utm_medium=x#top", "Ferry", FERRY)])
    )
    await db.sources.add(server.url("/a.xml"))
    await db.sources.add(server.url("/b.xml"))
    ingestor = make_ingestor(db, fetcher)
    report = await ingestor.run_cycle(await ingestor.due_sources(), timeout_seconds=30)
    assert report.inserted == 1
    assert await db.articles.count() == 1


async def test_near_duplicate_from_another_source_joins_the_story(db, server, fetcher):
    edited = FERRY.replace("on Monday", "on Monday morning")
    server.add(
        "/a.xml",
        body=rss([("a-1", "https://gazette.example/ferry", "Night ferry suspended", FERRY)]),
    )
    server.add(
        "/b.xml",
        body=rss([("b-1", "https://courier.example/ferry-ramp", "Night ferry suspended", edited)]),
    )
    first = await db.sources.add(server.url("/a.xml"))
    second = await db.sources.add(server.url("/b.xml"))
    ingestor = make_ingestor(db, fetcher)
    one = await ingestor.ingest_source(first)
    two = await ingestor.ingest_source(second)
    original = await db.articles.get(one.inserted_ids[0])
    copy = await db.articles.get(two.inserted_ids[0])
    assert copy.id != original.id
    assert copy.story_id == original.story_id == original.id


async def test_cycle_is_bounded_in_time(db, server, fetcher):
    server.hang("/slow.xml")
    server.add("/ok.xml", body=rss([("f-1", "https://g.example/f", "Ferry", FERRY)]))
    slow = await db.sources.add(server.url("/slow.xml"))
    await db.sources.add(server.url("/ok.xml"))
    ingestor = make_ingestor(db, fetcher)
    started = time.monotonic()

    report = await ingestor.run_cycle(await ingestor.due_sources(), timeout_seconds=1.0)

    assert time.monotonic() - started < 3.0
    statuses = {o.source_id: o for o in report.outcomes}
    assert statuses[slow.id].status is OutcomeStatus.FAILED
    assert "time limit" in (statuses[slow.id].error or "")
    assert report.inserted == 1


# --- routing at ingestion: outbox rows for routed channels, in the articles' transaction ---

STORIES = {
    "ferry-1": ("Ferry timetable cut for winter", "Fewer crossings run to the islands."),
    "ferry-2": ("Ferry crews vote on pay offer", "The union balloted deckhands and engineers."),
    "bridge-1": ("Bridge repairs start early", "Scaffolding went up along the east span."),
    "market-1": ("Fish market moves indoors", "Traders carried their stalls into the hall."),
    "ferry-3": ("Ferry fares frozen until spring", "Season tickets keep last year's price."),
}


def dated_rss(guids: list[str], *, newest_hour: int = 20) -> bytes:
    """An RSS feed of STORIES items, newest first, one hour apart."""
    items = []
    for offset, guid in enumerate(guids):
        title, text = STORIES[guid]
        published = datetime(2026, 11, 30, newest_hour - offset, 0, tzinfo=UTC)
        items.append(
            f"<item><guid>{guid}</guid><link>https://harbour.example/{guid}</link>"
            f"<title>{title}</title><pubDate>{format_datetime(published)}</pubDate>"
            f"<description>{text} {FERRY if 'ferry' in guid else BRIDGE}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>Harbour Log</title><link>https://harbour.example/</link>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


async def queued_titles(db: Database, channel_id: int) -> list[str]:
    """Titles of the articles queued for a channel, in the order they will be posted."""
    items = [item for item in await outbox_rows(db) if item.channel_id == channel_id]
    titles = {a.id: a.title for a in await db.articles.get_many(i.article_id for i in items)}
    return [titles[item.article_id] for item in items]


async def test_new_articles_are_queued_only_for_routed_channels_that_pass(db, server, fetcher):
    server.add("/log.xml", body=dated_rss(["ferry-1", "bridge-1", "market-1"]))
    source = await db.sources.add(server.url("/log.xml"), backfill=10)
    everything = await db.channels.add(-1001, username="harbour_all")
    ferries = await db.channels.add(-1002, username="harbour_ferries")
    unrouted = await db.channels.add(-1003, username="elsewhere")
    await db.channels.route(source.id, everything.id, exclude=["fish"])
    await db.channels.route(source.id, ferries.id, include=["FERRY"])

    outcome = await make_ingestor(db, fetcher).ingest_source(source)

    assert outcome.inserted == 3
    assert outcome.queued == 3
    assert await queued_titles(db, everything.id) == [
        "Bridge repairs start early",  # oldest first
        "Ferry timetable cut for winter",
    ]
    assert await queued_titles(db, ferries.id) == ["Ferry timetable cut for winter"]
    assert await queued_titles(db, unrouted.id) == []


async def test_first_fetch_queues_only_the_backfill_then_every_new_article(db, server, fetcher):
    server.add("/log.xml", body=dated_rss(["ferry-1", "bridge-1", "market-1"]))
    source = await db.sources.add(server.url("/log.xml"), backfill=1)
    channel = await db.channels.add(-1001)
    await db.channels.route(source.id, channel.id)
    ingestor = make_ingestor(db, fetcher)

    first = await ingestor.ingest_source(source)

    assert first.inserted == 3  # every item is stored (and searchable) ...
    assert await queued_titles(db, channel.id) == ["Ferry timetable cut for winter"]  # newest

    server.add(
        "/log.xml",
        body=dated_rss(["ferry-3", "ferry-2", "ferry-1", "bridge-1", "market-1"], newest_hour=22),
    )
    second = await ingestor.ingest_source(await db.sources.get(source.id))

    assert second.inserted == 2
    assert second.queued == 2
    assert await queued_titles(db, channel.id) == [
        "Ferry timetable cut for winter",
        "Ferry crews vote on pay offer",
        "Ferry fares frozen until spring",
    ]


async def test_default_backfill_queues_nothing_on_the_first_fetch(db, server, fetcher):
    server.add("/log.xml", body=dated_rss(["ferry-1", "bridge-1"]))
    source = await db.sources.add(server.url("/log.xml"))
    channel = await db.channels.add(-1001)
    await db.channels.route(source.id, channel.id)

    outcome = await make_ingestor(db, fetcher).ingest_source(source)

    assert outcome.inserted == 2
    assert outcome.queued == 0
    assert await db.outbox.pending_count() == 0


async def test_articles_and_outbox_rows_are_written_together_or_not_at_all(
    db, server, fetcher, monkeypatch
):
    server.add("/log.xml", body=dated_rss(["ferry-1", "bridge-1"]))
    source = await db.sources.add(server.url("/log.xml"), backfill=5)
    channel = await db.channels.add(-1001)
    await db.channels.route(source.id, channel.id)
    ingestor = make_ingestor(db, fetcher)

    async def disk_full(*args, **kwargs):
        raise RuntimeError("disk I/O error while queueing")

    with monkeypatch.context() as patch:
        patch.setattr(db.outbox, "add_many", disk_full)
        failed = await ingestor.ingest_source(source)

    assert failed.status is OutcomeStatus.FAILED
    assert "disk I/O error" in (failed.error or "")
    assert await db.articles.count() == 0  # the articles were rolled back with the rows
    assert await db.outbox.pending_count() == 0

    retried = await ingestor.ingest_source(await db.sources.get(source.id))

    assert retried.inserted == 2
    assert retried.queued == 2  # still the first successful fetch: the backfill applies
    assert await db.outbox.pending_count(channel.id) == 2


async def test_a_story_already_queued_to_a_channel_is_not_queued_again(db, server, fetcher):
    edited = FERRY.replace("on Monday", "on Monday morning")
    server.add(
        "/a.xml",
        body=rss([("a-1", "https://gazette.example/ferry", "Night ferry suspended", FERRY)]),
    )
    server.add(
        "/b.xml",
        body=rss([("b-1", "https://courier.example/ferry-ramp", "Night ferry suspended", edited)]),
    )
    gazette = await db.sources.add(server.url("/a.xml"), backfill=1)
    courier = await db.sources.add(server.url("/b.xml"), backfill=1)
    shared = await db.channels.add(-1001)
    courier_only = await db.channels.add(-1002)
    await db.channels.route(gazette.id, shared.id)
    await db.channels.route(courier.id, shared.id)
    await db.channels.route(courier.id, courier_only.id)
    ingestor = make_ingestor(db, fetcher)

    one = await ingestor.ingest_source(gazette)
    two = await ingestor.ingest_source(courier)

    assert (await db.articles.get(two.inserted_ids[0])).story_id == one.inserted_ids[0]
    assert one.queued == 1
    assert two.queued == 1  # only to the channel that has not had the story
    assert [i.channel_id for i in await db.outbox.for_article(one.inserted_ids[0])] == [shared.id]
    assert [i.channel_id for i in await db.outbox.for_article(two.inserted_ids[0])] == [
        courier_only.id
    ]


class CountingFetcher:
    """Answers every feed at once from memory, counting the bodies a cycle holds: fetched
    and not yet stored (a source's outcome is reported once it is stored)."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.held = 0
        self.most_held = 0

    async def fetch(self, url: str, **_conditional: str | None) -> FetchResult:
        self.held += 1
        self.most_held = max(self.most_held, self.held)
        return FetchResult(
            url=url,
            final_url=url,
            status=200,
            not_modified=False,
            content=self.body,
            content_type="application/rss+xml",
            etag=None,
            last_modified=None,
            max_age=None,
            retry_after=None,
            elapsed=0.0,
        )

    def stored(self, _outcome) -> None:
        self.held -= 1


async def test_a_cycle_holds_a_bounded_number_of_sources_whatever_its_size(db):
    body = rss([("f-1", "https://gazette.example/ferry", "Night ferry suspended", FERRY)])
    fetcher = CountingFetcher(body)
    for n in range(4 * SOURCES_IN_FLIGHT):
        await db.sources.add(f"https://feeds.example/{n}.xml")
    ingestor = make_ingestor(db, fetcher)  # type: ignore[arg-type]  # a fake fetcher

    report = await ingestor.run_cycle(
        await db.sources.list(), timeout_seconds=30, on_done=fetcher.stored
    )

    assert report.failed == 0
    assert len(report.outcomes) == 4 * SOURCES_IN_FLIGHT
    # the bound, plus sources stored but not yet reported: not all 32 at once
    assert fetcher.most_held < 2 * SOURCES_IN_FLIGHT


@pytest.mark.parametrize("pipeline", [Pipeline(), Pipeline.for_workers(2)])
async def test_a_cycle_holds_a_bounded_number_of_parsed_documents(db, monkeypatch, pipeline):
    # The store is the slower half at scale: parsed documents (a feed's drafts, a few MB)
    # must not pile up waiting for it, whatever the number of sources in flight.
    body = rss([("f-1", "https://gazette.example/ferry", "Night ferry suspended", FERRY)])
    fetcher = CountingFetcher(body)
    for n in range(4 * pipeline.sources):
        await db.sources.add(f"https://feeds.example/{n}.xml")
    ingestor = make_ingestor(db, fetcher, pipeline=pipeline)  # type: ignore[arg-type]
    held = {"now": 0, "most": 0}
    parse = ingest.prepare_document
    store = ingestor._store

    def counting_parse(*args, **kwargs):
        held["now"] += 1
        held["most"] = max(held["most"], held["now"])
        return parse(*args, **kwargs)

    async def counting_store(*args, **kwargs):
        try:
            return await store(*args, **kwargs)
        finally:
            held["now"] -= 1

    monkeypatch.setattr(ingest, "prepare_document", counting_parse)
    monkeypatch.setattr(ingestor, "_store", counting_store)

    report = await ingestor.run_cycle(await db.sources.list(), timeout_seconds=30)

    assert report.failed == 0
    assert report.inserted == 1
    assert len(report.outcomes) == 4 * pipeline.sources
    assert held["now"] == 0
    assert 1 <= held["most"] <= pipeline.documents < pipeline.sources


def test_the_pipeline_keeps_each_worker_a_document_queued():
    assert Pipeline() == Pipeline(SOURCES_IN_FLIGHT, DOCUMENTS_IN_FLIGHT)
    assert Pipeline.for_workers(0) == Pipeline()  # parsing on the event loop: as before
    two = Pipeline.for_workers(2)  # two parsing, two queued, one stored, one waiting
    assert two.documents == 6
    assert two.sources - two.documents == SOURCES_IN_FLIGHT - DOCUMENTS_IN_FLIGHT
