"""The `newsbot` CLI in-process: exit codes, one-line errors, tables and JSON lines."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.cli.main import main
from tests.support.feedserver import FeedServer

FIXTURES = Path(__file__).parent / "fixtures"

FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Valley Courier</title><link>https://courier.example/</link>
<item><guid>vc-1</guid><link>https://courier.example/orchard</link>
<title>Orchard owners expect a record apple harvest</title>
<category>Farming</category>
<pubDate>Sun, 29 Nov 2026 10:00:00 +0000</pubDate>
<description>&lt;p&gt;Growers across the valley say a mild spring and steady rain will fill
their barns. Cider makers are hiring extra hands for the pressing season.&lt;/p&gt;</description>
</item></channel></rss>"""


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Each test gets its own database and no stray `.env`."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "db" / "newsbot.sqlite3"))
    monkeypatch.setenv("ALLOW_PRIVATE_ADDRESSES", "true")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_invalid_setting_is_one_line_and_exit_2(capsys, monkeypatch):
    monkeypatch.setenv("FETCH_MAX_BYTES", "lots")
    code, out, err = run(capsys, "sources", "list")
    assert code == 2
    assert err.strip().count("\n") == 0
    assert "FETCH_MAX_BYTES" in err
    assert "Traceback" not in err + out


def test_no_command_prints_help_with_exit_2(capsys):
    code, out, _ = run(capsys)
    assert code == 2
    assert "sources" in out
    assert "fetch" in out
    assert "search" in out


def test_sources_add_list_pause_resume_remove(capsys):
    code, out, _ = run(
        capsys,
        "sources",
        "add",
        "https://courier.example/feed.xml",
        "--no-check",
        "--name",
        "Courier",
        "--tag",
        "local",
        "--interval",
        "600",
    )
    assert code == 0
    assert "added source 1" in out
    code, out, _ = run(capsys, "sources", "list", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 1
    assert rows[0]["name"] == "Courier"
    assert rows[0]["tags"] == ["local"]
    assert rows[0]["interval_seconds"] == 600
    assert run(capsys, "sources", "pause", "1")[0] == 0
    _, out, _ = run(capsys, "sources", "list")
    assert "paused" in out
    assert "Courier" in out
    assert run(capsys, "sources", "resume", "1")[0] == 0
    assert run(capsys, "sources", "remove", "1", "--yes")[0] == 0
    _, out, _ = run(capsys, "sources", "list", "--json")
    assert out == ""


def test_duplicate_source_and_bad_url_are_one_line_errors(capsys):
    assert run(capsys, "sources", "add", "https://courier.example/feed.xml", "--no-check")[0] == 0
    code, _, err = run(capsys, "sources", "add", "https://courier.example/feed.xml", "--no-check")
    assert code == 1
    assert err.startswith("newsbot: error:")
    assert err.count("\n") == 1
    code, _, err = run(capsys, "sources", "add", "ftp://courier.example/feed.xml")
    assert code == 1
    assert "http" in err
    code, _, err = run(capsys, "sources", "pause", "99")
    assert code == 1
    assert "99" in err


def test_import_text_article_then_search_and_show(capsys):
    code, out, _ = run(capsys, "import", str(FIXTURES / "lighthouse.txt"), "--source", "Wire")
    assert code == 0
    assert "1 new" in out
    code, out, _ = run(capsys, "search", "lighthou", "--json")
    hits = [json.loads(line) for line in out.splitlines()]
    assert len(hits) == 1
    article = hits[0]["article"]
    assert article["title"] == "Lighthouse keepers return to Skerry Point as storms ease"
    assert article["published_at"].startswith("2024-03-14T09:15")
    assert (
        article["related"][0]["title"] == "Carrow harbour reopens to fishing boats after the gales"
    )
    assert "Share this story" not in article["body"]
    code, out, _ = run(capsys, "articles", "show", str(article["id"]))
    assert code == 0
    assert "Skerry Point" in out
    assert "related:" in out
    # importing the same file again changes nothing
    code, out, _ = run(capsys, "import", str(FIXTURES / "lighthouse.txt"), "--source", "Wire")
    assert code == 0
    assert "0 new, 0 updated; not stored: 1 already stored unchanged" in out


def test_import_unreadable_and_unparsable_files(capsys, tmp_path):
    junk = tmp_path / "junk.json"
    junk.write_bytes(b"{not json")
    code, out, err = run(capsys, "import", str(tmp_path / "missing.txt"), str(junk))
    assert code == 1
    assert "missing.txt: cannot read" in out
    assert "junk.json:" in out
    assert "none of the 2 files" in err


def test_opml_round_trip(capsys, tmp_path):
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head/><body>'
        '<outline text="World"><outline text="Courier" xmlUrl="https://courier.example/rss"/>'
        '</outline><outline text="Gazette" xmlUrl="https://gazette.example/atom"/>'
        '<outline text="Local file" xmlUrl="file:///etc/passwd"/></body></opml>',
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "opml", "import", str(opml))
    assert code == 0
    assert "2 sources added, 1 skipped" in out
    code, out, _ = run(capsys, "opml", "export")
    assert code == 0
    assert 'xmlUrl="https://courier.example/rss"' in out
    assert '<outline text="World" title="World">' in out
    assert "passwd" not in out


def test_db_backup_is_a_readable_copy(capsys, tmp_path):
    run(capsys, "sources", "add", "https://courier.example/feed.xml", "--no-check")
    target = tmp_path / "copy.sqlite3"
    code, _out, _ = run(capsys, "db", "backup", str(target))
    assert code == 0
    assert target.exists()
    code, _, err = run(capsys, "db", "backup", str(target))
    assert code == 1
    assert "exists" in err
    import sqlite3

    with sqlite3.connect(target) as conn:
        assert conn.execute("select url from sources").fetchall() == [
            ("https://courier.example/feed.xml",)
        ]


async def test_fetch_runs_one_cycle_and_prints_a_summary(capsys):
    async with FeedServer() as server:
        server.add("/courier.xml", body=FEED)
        server.add("/down.xml", status=500)
        assert await asyncio.to_thread(main, ["sources", "add", server.url("/courier.xml")]) == 0
        down = ["sources", "add", server.url("/down.xml"), "--no-check"]
        assert await asyncio.to_thread(main, down) == 0
        capsys.readouterr()
        code = await asyncio.to_thread(main, ["fetch"])
    captured = capsys.readouterr()
    out = captured.out
    assert code == 1  # one source failed: the exit code says so, the failure is listed
    assert "2 sources, 1 entries, 1 new, 0 updated, 1 failed" in out
    assert "HTTP 500" in out
    errors = [line for line in captured.err.splitlines() if line.startswith("newsbot:")]
    assert errors == [f"newsbot: error: source 2 (127.0.0.1) failed: HTTP 500 from {down[2]}"]
    code = await asyncio.to_thread(main, ["search", "#farming", "--json"])
    out = capsys.readouterr().out
    assert code == 0
    assert [json.loads(line)["article"]["title"] for line in out.splitlines()] == [
        "Orchard owners expect a record apple harvest"
    ]


def test_search_id_finds_one_article_as_inline_mode_does(capsys):
    assert run(capsys, "import", str(FIXTURES / "lighthouse.txt"))[0] == 0
    code, out, _ = run(capsys, "search", "lighthou", "--json")
    [hit] = [json.loads(line) for line in out.splitlines()]
    article_id = hit["article"]["id"]
    code, out, _ = run(capsys, "search", f"id:{article_id}", "--json")
    assert code == 0
    assert [json.loads(line)["article"]["id"] for line in out.splitlines()] == [article_id]
    code, out, _ = run(capsys, "search", f"id:{article_id + 1}")
    assert (code, out) == (0, "no matches\n")
