"""`newsbot fetch` on a terminal: log lines never run into the progress bar; it says what
it queued and who sends it."""

from __future__ import annotations

import asyncio
import io
import logging
import re
import sys

import pytest

from bot.cli.commands.fetch import queued_line
from bot.cli.main import main
from bot.cli.output import ProgressBar
from bot.ops.logs import configure_logging
from tests.support.feedserver import FeedServer

BAR = re.compile(r"fetching \[[#-]{30}\] \d+/\d+")
LOG = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ level=\w+ logger=\S+ ")


class Terminal(io.StringIO):
    """A stream that says it is a terminal, so that the progress bar is drawn."""

    def isatty(self) -> bool:
        return True


def screen(written: str) -> list[str]:
    """Return the lines a terminal shows after `written`: `\\r` returns to the line's start,
    `ESC[K` erases to its end, text overwrites."""
    lines, line, column = [], [], 0
    for token in re.findall(r"\x1b\[K|\r|\n|[^\x1b\r\n]", written):
        if token == "\n":
            lines.append("".join(line))
            line, column = [], 0
        elif token == "\r":
            column = 0
        elif token == "\x1b[K":
            del line[column:]
        else:
            line[column : column + 1] = [token]
            column += 1
    if line:
        lines.append("".join(line))
    return lines


def feed(name: str, count: int) -> bytes:
    """An RSS feed of `count` items of our own writing."""
    items = "".join(
        f"<item><guid>{name}-{n}</guid><link>https://{name}.example/{n}</link>"
        f"<title>{name.title()} council meets for session {n}</title>"
        f"<description>Councillors of {name} met for session {n} and agreed the budget."
        "</description></item>"
        for n in range(1, count + 1)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name.title()}</title>'
        f"<link>https://{name}.example/</link>{items}</channel></rss>"
    ).encode()


def test_log_lines_are_printed_above_the_bar_never_into_it(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    configure_logging("INFO")
    log = logging.getLogger("tests.progress")
    with ProgressBar(3, "fetching", out=terminal) as bar:
        bar.advance("Courier")
        log.info("ingested", extra={"source_id": 1})
        bar.advance("Gazette")
        log.warning("fetch_failed", extra={"source_id": 2})
        bar.advance("Herald")
    log.info("after_the_bar")

    shown = screen(terminal.getvalue())
    assert [LOG.match(line) is not None for line in shown] == [True, True, False, True]
    assert "event=ingested source_id=1" in shown[0]
    assert "event=fetch_failed source_id=2" in shown[1]
    assert shown[2] == "fetching [" + "#" * 30 + "] 3/3 Herald"
    assert "event=after_the_bar" in shown[3]


def test_a_bar_off_a_terminal_prints_nothing_and_leaves_logs_alone(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    configure_logging("INFO")
    with ProgressBar(2, "fetching", out=stream) as bar:
        bar.advance("Courier")
        logging.getLogger("tests.progress").info("ingested")
    assert [LOG.match(line) is not None for line in stream.getvalue().splitlines()] == [True]


@pytest.fixture
def isolated_settings(tmp_path, monkeypatch):
    """Each test gets its own database and no stray `.env`."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "newsbot.sqlite3"))
    monkeypatch.setenv("ALLOW_PRIVATE_ADDRESSES", "true")
    monkeypatch.setenv("INGEST_WORKERS", "0")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.delenv("LOG_LEVEL", raising=False)


async def test_fetch_on_a_terminal_keeps_logs_and_bar_apart_and_says_what_it_queued(
    isolated_settings, emulator, monkeypatch, capsys
):
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", emulator.api_base_url)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", emulator.token)
    await emulator.client.create_channel("Alder News", username="alder_news")
    assert await asyncio.to_thread(main, ["channels", "add", "@alder_news"]) == 0
    async with FeedServer() as server:
        server.add("/alder.xml", body=feed("alder", 3))
        server.add("/birch.xml", body=feed("birch", 2))
        server.add("/down.xml", status=500)
        add = ["sources", "add", server.url("/alder.xml"), "--channel", "@alder_news"]
        assert await asyncio.to_thread(main, [*add, "--backfill", "3"]) == 0
        assert await asyncio.to_thread(main, ["sources", "add", server.url("/birch.xml")]) == 0
        down = ["sources", "add", server.url("/down.xml"), "--no-check"]  # failing: unchecked
        assert await asyncio.to_thread(main, down) == 0
        capsys.readouterr()
        terminal = Terminal()
        monkeypatch.setattr(sys, "stderr", terminal)
        assert await asyncio.to_thread(main, ["fetch"]) == 1  # one source failed

    out = capsys.readouterr().out
    assert "3 posts queued for channels; `newsbot run` sends them" in out
    shown = screen(terminal.getvalue())
    bars = [line for line in shown if BAR.search(line)]
    logs = [line for line in shown if LOG.match(line)]
    assert len(bars) == 1  # drawn in place: one line on the screen
    assert bars[0].startswith("fetching [")
    assert "3/3" in bars[0]
    assert sum("event=ingested" in line for line in logs) == 2
    assert sum("event=fetch_failed" in line for line in logs) == 1
    assert all(not BAR.search(line) for line in logs)
    errors = [line for line in shown if line.startswith("newsbot: error: source")]
    assert len(errors) == 1
    assert "failed" in errors[0]
    assert sorted(shown) == sorted(bars + logs + errors)  # nothing else, nothing mixed


def test_the_queued_line_names_the_count_and_who_sends():
    assert queued_line(1).startswith("1 post queued for channels; `newsbot run` sends them")
    assert queued_line(0).startswith("no posts queued")
