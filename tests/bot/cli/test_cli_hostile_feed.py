"""A feed with unreadable entries: the others are stored, the bad ones counted (issue 15.1)."""

from __future__ import annotations

import asyncio
import json
import sqlite3

from bot.cli.main import main
from tests.support.feedserver import FeedServer

HOSTILE = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Courier</title>'
    b"<item><guid>ok-1</guid><link>https://courier.example/orchard</link>"
    b"<title>Orchard owners expect a record harvest</title></item>"
    b"<item><guid>bad-1</guid><link>https://courier.example/bad</link>"
    b"<title>A surrogate &#xD800; here</title></item>"
    b"<item><guid>ok-2</guid><link>https://courier.example/mill</link>"
    b"<title>The old mill reopens</title>"
    b"<pubDate>\xc2\xb2\xc2\xb2\xc2\xb2\xc2\xb2\xc2\xb2\xc2\xb2\xc2\xb2\xc2\xb2\xc2\xb2\xc2\xb2"
    b"</pubDate></item>"
    b"</channel></rss>"
)
JSON_FEED = json.dumps(
    {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Ledger",
        "items": [
            {"id": "j-1", "url": "https://ledger.example/1", "title": "Lone \ud800 surrogate"},
            {"id": "j-2", "url": "https://ledger.example/2", "title": "Plain headline"},
        ],
    }
).encode()


async def test_one_bad_entry_never_fails_its_feed(capsys, tmp_path, monkeypatch):
    path = tmp_path / "newsbot.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.setenv("ALLOW_PRIVATE_ADDRESSES", "true")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    async with FeedServer() as server:
        server.add("/courier.xml", body=HOSTILE)
        server.add("/ledger.json", body=JSON_FEED, content_type="application/feed+json")
        for name in ("/courier.xml", "/ledger.json"):
            assert await asyncio.to_thread(main, ["sources", "add", server.url(name)]) == 0
        capsys.readouterr()
        code = await asyncio.to_thread(main, ["fetch"])
    out = capsys.readouterr().out
    assert code == 0
    assert "0 failed" in out
    assert "1 unreadable entries skipped" in out
    assert await asyncio.to_thread(main, ["sources", "list", "--json"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(s["skipped_entries"], s["failure_count"]) for s in listed] == [(1, 0), (0, 0)]
    assert await asyncio.to_thread(main, ["sources", "list"]) == 0
    assert "SKIPPED" in capsys.readouterr().out
    with sqlite3.connect(path) as conn:
        conn.text_factory = bytes  # read raw bytes: a surrogate would be invalid UTF-8
        titles = sorted(
            row[0].decode("utf-8") for row in conn.execute("select title from articles")
        )
    assert titles == [
        "Lone \ufffd surrogate",
        "Orchard owners expect a record harvest",
        "Plain headline",
        "The old mill reopens",
    ]
