"""`newsbot db copy --to postgresql://…`: a SQLite database moved into an empty PostgreSQL."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from bot.cli.main import main
from news.entities import LinkPreview, OutboxState, QuietHours, RouteOptions
from storage import opened_database
from tests.factories import add_source, draft, store

ROUTE_OPTIONS = RouteOptions(
    template="<b>{title}</b> {link}",
    link_preview=LinkPreview.OFF,
    silent=True,
    topic_id=9,
    topic_name="Ferries",
)


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Own folder and SQLite file, no stray `.env`, no token, no DATABASE_URL."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "news.sqlite3"))
    for name in ("DATABASE_URL", "TELEGRAM_BOT_TOKEN", "WEBHOOK_URL", "WEBHOOK_SECRET_TOKEN"):
        monkeypatch.delenv(name, raising=False)


async def run(capsys, *arguments: str) -> tuple[int, str]:
    code = await asyncio.to_thread(main, list(arguments))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


async def fill(path) -> dict[str, int]:
    """Store sources, articles, a channel with a route, outbox rows in several states,
    a user with a bookmark and a follow; return the ids the copy must keep."""
    async with opened_database(path) as db:
        source = await add_source(db, "Harbour Courier")
        articles = await store(
            db,
            source,
            draft(1, "Lighthouse keeper retires", tags=["Coast"]),
            draft(2, "Ferry timetable changes"),
            draft(3, "Storm closes the quay"),
        )
        channel = await db.channels.add(-1001, title="Harbour", username="harbour")
        route = await db.channels.route(source.id, channel.id)
        await db.channels.set_route_options(route.id, ROUTE_OPTIONS)
        await db.channels.set_schedule(
            channel.id, timezone="Europe/Berlin", quiet_hours=QuietHours(23, 7)
        )
        await db.outbox.add_many((article.id, channel.id) for article in articles)
        first = await db.outbox.claim_next(channel.id)
        assert first is not None
        await db.outbox.mark_sent(first.id, message_id=77)
        second = await db.outbox.claim_next(channel.id)
        assert second is not None
        await db.outbox.mark_failed(second.id, error="400: bad request")
        await db.users.upsert(42, username="robin", first_name="Robin", language_code="en")
        await db.bookmarks.add(42, articles[0].id)
        await db.follows.add(42, "storm", "storm", max_follows=10)
        await db.telegraph.set_full_text(source.id, channel.id, True)
        await db.telegraph.save_account("newsbot", "telegraph-token")
        await db.telegraph.want_page(articles[0].id)
        await db.telegraph.page_created(
            articles[0].id,
            path="Lighthouse-12-07",
            url="https://telegra.ph/Lighthouse-12-07",
            truncated=False,
            content_digest="d",
        )
        return {
            "source": source.id,
            "channel": channel.id,
            "last_article": articles[-1].id,
            "route": route.id,
        }


async def test_copy_moves_every_table_and_the_copy_works(tmp_path, postgres_url, capsys):
    ids = await fill(tmp_path / "news.sqlite3")
    code, output = await run(capsys, "db", "copy", "--to", postgres_url)
    assert code == 0, output
    lines = output.strip().splitlines()
    per_table = dict(line.split() for line in lines[:-1])
    assert per_table["articles"] == "3"
    assert per_table["outbox"] == "3"
    assert per_table["bookmarks"] == "1"
    assert per_table["follows"] == "1"
    assert "every count verified" in lines[-1]
    password = postgres_url.split(":")[2].split("@")[0]
    assert password not in output

    async with opened_database(postgres_url) as db:
        states = await db.outbox.state_counts(ids["channel"])
        assert states[OutboxState.SENT] == 1
        assert states[OutboxState.FAILED] == 1
        assert states[OutboxState.PENDING] == 1
        assert await db.telegraph.full_text(ids["source"], ids["channel"])
        assert await db.telegraph.account() == ("newsbot", "telegraph-token")
        page = await db.telegraph.page(ids["last_article"] - 2)
        assert page is not None
        assert page.url == "https://telegra.ph/Lighthouse-12-07"
        [saved] = await db.bookmarks.list(42)
        assert (await db.articles.get(saved.article_id)).title == "Lighthouse keeper retires"
        hits = await db.search.articles("saved keeper", user_id=42)
        assert [hit.article.id for hit in hits] == [saved.article_id]
        hits = await db.search.articles("lighthous")  # unfinished word, as typed inline
        assert [hit.article.title for hit in hits] == ["Lighthouse keeper retires"]
        assert [h.article.title for h in await db.search.articles("#coast")] == [
            "Lighthouse keeper retires"
        ]
        # Ids continue after the copied ones: the sequences were moved on.
        source = await db.sources.get(ids["source"])
        [new] = await store(db, source, draft(4, "Harbour festival announced"))
        assert new.id > ids["last_article"]
        other = await db.sources.add("https://other.example/rss", "Other")
        assert other.id > ids["source"]
        route = await db.channels.get_route(ids["route"])
        assert route.options == replace(ROUTE_OPTIONS, full_text=True)
        channel = await db.channels.get(ids["channel"])
        assert (channel.timezone, channel.quiet_hours) == ("Europe/Berlin", QuietHours(23, 7))
        assert (await db.channels.route(other.id, channel.id)).id > ids["route"]


async def test_copy_refuses_a_target_with_rows(tmp_path, postgres_url, capsys):
    await fill(tmp_path / "news.sqlite3")
    async with opened_database(postgres_url) as db:
        await db.sources.add("https://already.example/rss", "Already here")
    code, output = await run(capsys, "db", "copy", "--to", postgres_url)
    assert code == 1
    [line] = output.strip().splitlines()
    assert "not empty" in line
    assert "sources" in line
    async with opened_database(postgres_url) as db:
        assert [s.name for s in await db.sources.list()] == ["Already here"]  # untouched


async def test_copy_wants_a_postgresql_url(tmp_path, capsys):
    await fill(tmp_path / "news.sqlite3")
    code, output = await run(capsys, "db", "copy", "--to", str(tmp_path / "other.sqlite3"))
    assert code == 1
    assert "PostgreSQL URL" in output
    assert not (tmp_path / "other.sqlite3").exists()


async def test_copy_in_batches_keeps_every_row_and_the_indexes(
    tmp_path, postgres_url, capsys, monkeypatch
):
    monkeypatch.setattr("storage.copy.BATCH", 2)  # every table past its first batch
    await fill(tmp_path / "news.sqlite3")
    async with opened_database(tmp_path / "news.sqlite3") as db:
        source = (await db.sources.list())[0]
        await store(db, source, *(draft(n, f"Quay works, part {n}") for n in range(10, 15)))
    code, output = await run(capsys, "db", "copy", "--to", postgres_url)
    assert code == 0, output
    per_table = dict(line.split() for line in output.strip().splitlines()[:-1])
    assert per_table["articles"] == "8"
    assert int(per_table["article_tags"]) >= 1

    async with opened_database(postgres_url) as db:
        hits = await db.search.articles("quay wor")  # the prefix needs the headline terms
        assert len(hits) == 5
        names = {
            row["indexname"]
            for row in await db.session.fetchall(  # type: ignore[attr-defined]
                "SELECT indexname FROM pg_indexes WHERE tablename = 'articles'"
            )
        }
        assert {"articles_search", "articles_recent", "articles_band0"} <= names
        assert {"articles_search_buckets", "articles_title_buckets"} <= names  # migration 17
        trigger = await db.session.fetchone(  # type: ignore[attr-defined]
            "SELECT CAST(tgenabled AS text) AS tgenabled FROM pg_trigger "
            "WHERE tgname = 'articles_headline_terms'"
        )
        assert trigger["tgenabled"] == "O"  # enabled again after the load
