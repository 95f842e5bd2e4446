"""`newsbot sources ...` as an operator meets it: add reads the URL (title, discovery,
`--no-check`), one feed is watched once, rename/set keep articles, remove confirms, list
shows articles and fetch results, the import source is never fetched, import says why."""

from __future__ import annotations

import asyncio
import io
import json
import sys

import pytest

from bot.cli.main import main
from tests.support.feedserver import FeedServer

FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>  Valley
Courier </title><link>https://courier.example/</link>
<item><guid>vc-1</guid><link>https://courier.example/orchard</link>
<title>Orchard owners expect a record apple harvest</title>
<description>Growers across the valley say a mild spring will fill their barns.</description>
</item>
<item><guid>vc-2</guid><link>https://courier.example/mill</link>
<title>The old mill reopens as a bakery</title>
<description>Flour is milled on the premises again after forty years.</description>
</item></channel></rss>"""

HOME = b"""<!doctype html><html><head><title>Valley Courier</title>
<meta property="og:type" content="website">
<link rel="alternate" type="application/rss+xml" title="News" href="/feeds/news.xml">
</head><body><h1>Valley Courier</h1><p>Local news from the valley, every day.</p></body></html>"""


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Own database, private addresses allowed (the feed server), no stray `.env`."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "db" / "newsbot.sqlite3"))
    monkeypatch.setenv("ALLOW_PRIVATE_ADDRESSES", "true")
    monkeypatch.setenv("INGEST_WORKERS", "0")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)


async def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = await asyncio.to_thread(main, list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


async def sources(capsys) -> list[dict]:
    code, out, err = await cli(capsys, "sources", "list", "--json")
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("newsbot:")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


async def test_add_reads_the_feed_and_names_it_by_its_title(capsys):
    async with FeedServer() as server:
        server.add("/feed.xml", body=FEED, content_type="application/rss+xml")
        code, out, _ = await cli(capsys, "sources", "add", server.url("/feed.xml"))
    assert code == 0
    assert out.splitlines()[:2] == [
        f"added source 1: Valley Courier <{server.url('/feed.xml')}>",
        "it holds 2 items now",
    ]
    [source] = await sources(capsys)
    assert source["name"] == "Valley Courier"


async def test_add_finds_the_feed_a_site_page_links(capsys):
    async with FeedServer() as server:
        server.add("/", body=HOME, content_type="text/html; charset=utf-8")
        server.add("/feeds/news.xml", body=FEED, content_type="application/rss+xml")
        code, out, _ = await cli(capsys, "sources", "add", server.url("/"))
    assert code == 0
    feed = server.url("/feeds/news.xml")
    assert f"added source 1: Valley Courier <{feed}>" in out
    assert f"the feed {feed} was found on {server.url('/')}" in out
    [source] = await sources(capsys)
    assert source["url"] == feed


async def test_add_refuses_what_cannot_be_read_and_stores_nothing(capsys):
    async with FeedServer() as server:
        server.add("/blob", body=b"\x00\x01\x02\x03", content_type="application/octet-stream")
        server.add("/gone.xml", status=404, content_type="text/plain")
        code, _, err = await cli(capsys, "sources", "add", server.url("/blob"))
        assert code == 1
        assert one_line(err) == (
            f"newsbot: error: {server.url('/blob')} is neither a feed (RSS, Atom, JSON Feed) "
            "nor an article page"
        )
        code, _, err = await cli(capsys, "sources", "add", server.url("/gone.xml"))
        assert code == 1
        assert one_line(err) == (
            f"newsbot: error: cannot fetch {server.url('/gone.xml')}: the page answered with "
            "an error (HTTP 404)"
        )
        # --no-check adds it unread, named by its host
        code, out, _ = await cli(capsys, "sources", "add", server.url("/gone.xml"), "--no-check")
        assert code == 0
        assert "added source 1: 127.0.0.1" in out
        assert [r.path for r in server.requests] == ["/blob", "/gone.xml"]
    assert [s["url"] for s in await sources(capsys)] == [server.url("/gone.xml")]


@pytest.mark.parametrize(
    "again",
    [
        "HTTPS://Courier.EXAMPLE/feed/",
        "https://courier.example/feed?utm_source=newsletter",
        "https://courier.example:443/feed#top",
    ],
)
async def test_the_same_feed_is_not_added_twice(capsys, again):
    assert (await cli(capsys, "sources", "add", "https://courier.example/feed", "--no-check"))[
        0
    ] == 0
    code, _, err = await cli(capsys, "sources", "add", again, "--no-check")
    assert code == 1
    assert one_line(err) == (
        f"newsbot: error: {again} is already watched as source 1 (courier.example)"
    )
    assert len(await sources(capsys)) == 1


async def test_rename_and_set_keep_the_articles(capsys):
    async with FeedServer() as server:
        server.add("/feed.xml", body=FEED, content_type="application/rss+xml")
        assert (await cli(capsys, "sources", "add", server.url("/feed.xml")))[0] == 0
        assert (await cli(capsys, "fetch"))[0] == 0
    code, out, _ = await cli(capsys, "sources", "rename", "1", "The  Courier")
    assert code == 0
    assert out == "renamed source 1: Valley Courier -> The Courier\n"
    code, out, _ = await cli(
        capsys, "sources", "set", "1", "--interval", "900", "--tag", "valley", "--tag", "farm"
    )
    assert code == 0
    assert out == "source 1 (The Courier): interval every 900s, tags #valley #farm\n"
    [source] = await sources(capsys)
    assert (source["name"], source["interval_seconds"], source["tags"]) == (
        "The Courier",
        900,
        ["valley", "farm"],
    )
    assert source["articles"] == 2  # nothing removed and re-added
    code, out, _ = await cli(capsys, "sources", "set", "1", "--no-tags")
    assert code == 0
    assert "tags none" in out
    code, _, err = await cli(capsys, "sources", "set", "1")
    assert code == 1
    assert "nothing to change" in one_line(err)
    code, _, err = await cli(capsys, "sources", "rename", "7", "X")
    assert code == 1
    assert one_line(err) == "newsbot: error: there is no source 7: see newsbot sources list"


async def test_remove_asks_on_a_terminal_and_says_what_goes(capsys, monkeypatch):
    async with FeedServer() as server:
        server.add("/feed.xml", body=FEED, content_type="application/rss+xml")
        assert (await cli(capsys, "sources", "add", server.url("/feed.xml")))[0] == 0
        assert (await cli(capsys, "fetch"))[0] == 0

    code, _, err = await cli(capsys, "sources", "remove", "1")  # not a terminal: refused
    assert code == 1
    assert one_line(err) == (
        "newsbot: error: removing source 1 (Valley Courier) with its 2 article(s) and the 0 "
        "bookmark(s) users hold of them cannot be undone: pass --yes to remove it without asking"
    )

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal("n\n"))
    code, out, _ = await cli(capsys, "sources", "remove", "1")
    assert code == 1
    assert out.endswith("kept source 1\n")
    assert "Remove source 1 (Valley Courier) with its 2 article(s)" in out
    assert len(await sources(capsys)) == 1

    monkeypatch.setattr(sys, "stdin", Terminal("y\n"))
    code, out, _ = await cli(capsys, "sources", "remove", "1")
    assert code == 0
    assert out.endswith("removed source 1 (Valley Courier) with its 2 article(s) and the 0 "
                        "bookmark(s) users hold of them\n")  # fmt: skip
    assert await sources(capsys) == []


async def test_list_shows_articles_last_result_and_next_fetch(capsys):
    async with FeedServer() as server:
        server.add("/feed.xml", body=FEED, content_type="application/rss+xml")
        server.add("/down.xml", status=500)
        assert (await cli(capsys, "sources", "add", server.url("/feed.xml")))[0] == 0
        assert (await cli(capsys, "sources", "add", server.url("/down.xml"), "--no-check"))[0] == 0
        assert (await cli(capsys, "sources", "pause", "2"))[0] == 0
        assert (await cli(capsys, "sources", "resume", "2"))[0] == 0
        assert (await cli(capsys, "fetch"))[0] == 1
    feed, down = await sources(capsys)
    assert (feed["articles"], feed["last_result"], feed["state"]) == (2, "ok", "ok")
    assert (down["articles"], down["state"]) == (0, "failing(1)")
    assert down["last_result"] == f"failed: HTTP 500 from {server.url('/down.xml')}"
    assert feed["next_fetch"] == feed["next_fetch_at"]
    assert feed["next_fetch"] is not None
    code, out, _ = await cli(capsys, "sources", "list")
    assert code == 0
    header, first, second = out.splitlines()
    assert header.split() == [
        "ID", "STATE", "NAME", "ARTICLES", "LAST", "FETCH", "NEXT", "SKIPPED", "RESULT", "URL"
    ]  # fmt: skip
    assert first.split()[:5] == ["1", "ok", "Valley", "Courier", "2"]
    assert "failed: HTTP 500" in second


async def test_the_import_source_is_never_fetched_nor_resumed(capsys, tmp_path):
    article = tmp_path / "story.json"
    article.write_text(
        json.dumps([{"title": "Ferry fares frozen", "url": "https://x.example/ferry",
                     "content": "Season tickets keep last year's price until spring."}])
    )  # fmt: skip
    assert (await cli(capsys, "import", str(article)))[0] == 0
    [imported] = await sources(capsys)
    assert (imported["state"], imported["last_result"], imported["next_fetch"]) == (
        "import",
        "never fetched",
        None,
    )
    for action in ("resume", "pause"):
        code, _, err = await cli(capsys, "sources", action, str(imported["id"]))
        assert code == 1
        assert one_line(err) == (
            f"newsbot: error: source {imported['id']} (imported) holds saved or imported "
            "articles and is never fetched"
        )
    code, _, err = await cli(capsys, "fetch", "--source", str(imported["id"]))
    assert code == 1
    assert "never fetched" in one_line(err)
    code, _, err = await cli(capsys, "fetch")
    assert code == 1
    assert "nothing to fetch" in one_line(err)


async def test_import_says_why_entries_were_not_stored(capsys, tmp_path):
    entries = [
        {"title": "Ferry fares frozen", "url": "https://x.example/ferry", "content": "Prices."},
        {"title": "", "url": "https://x.example/empty", "content": ""},
    ]
    batch = tmp_path / "batch.json"
    batch.write_text(json.dumps(entries))
    code, out, _ = await cli(capsys, "import", str(batch))
    assert code == 0
    assert out == (
        f"{batch}: 2 entries, 1 new, 0 updated; not stored: 1 with neither title nor text\n"
    )
    code, out, _ = await cli(capsys, "import", str(batch))
    assert out == (
        f"{batch}: 2 entries, 0 new, 0 updated; not stored: 1 already stored unchanged, "
        "1 with neither title nor text\n"
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["sources", "list"],
        ["search", "harbour"],
        ["articles", "show", "1"],
        ["channels", "list"],
        ["routes", "list"],
        ["opml", "export"],
        ["db", "backup", "copy.sqlite3"],
        ["sources", "pause", "1"],
        ["fetch"],
    ],
)
async def test_read_only_commands_never_create_a_database(capsys, tmp_path, argv):
    code, out, err = await cli(capsys, *argv)
    assert code == 1
    where = tmp_path / "db" / "newsbot.sqlite3"
    assert one_line(err) == (
        f"newsbot: error: no database at {where} (DATABASE_PATH): nothing is stored yet; "
        "`newsbot sources add URL`, `newsbot channels add` or `newsbot run` creates it"
    )
    assert out == ""
    assert not (tmp_path / "db").exists()
