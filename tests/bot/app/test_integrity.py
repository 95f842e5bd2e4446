"""A damaged database: refused at start with one line, reported later by /healthz and to
the admins (issue 15.6)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import sys
from pathlib import Path
from types import SimpleNamespace

from bot.app.health.report import health_report
from bot.app.integrity import check_integrity, damaged_message
from bot.context import BotData
from emulator import RunningEmulator
from storage import open_database
from storage.protocols import StoreStatus
from tests.factories import FETCHED, draft, store


async def make_database(path: Path, articles: int = 300) -> None:
    """A database with one source and `articles` articles."""
    db = await open_database(path)
    try:
        source = await db.sources.add("https://harbour.example/feed.xml")
        await store(db, source, *(draft(n) for n in range(articles)))
    finally:
        await db.close()


def damage(path: Path, pages: int = 3) -> None:
    """Write a pattern over `pages` pages of the articles table (as a bad disk would): its
    data, not the schema, which a damaged file may also lose but then fails at its open."""
    with contextlib.closing(sqlite3.connect(path)) as connection:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        numbers = [
            row[0]
            for row in connection.execute(
                "SELECT pageno FROM dbstat WHERE name = 'articles' ORDER BY pageno"
            )
        ]
    middle = len(numbers) // 2
    with path.open("r+b") as file:
        for number in numbers[middle : middle + pages]:
            file.seek((number - 1) * page_size + 100)  # page numbers start at 1
            file.write(bytes(range(256)) * 8)


async def test_run_refuses_a_damaged_database_with_one_line(emulator: RunningEmulator, tmp_path):
    path = tmp_path / "bot.sqlite3"
    await make_database(path)
    await asyncio.to_thread(damage, path)
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": emulator.token,
        "TELEGRAM_API_BASE_URL": emulator.api_base_url,
        "DATABASE_PATH": str(path),
        "INGEST_WORKERS": "0",
    }
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path, stderr=asyncio.subprocess.PIPE
    )
    try:
        _, stderr = await asyncio.wait_for(bot.communicate(), timeout=30)
    finally:
        if bot.returncode is None:  # it started on the damaged file: fail, do not hang
            bot.kill()
            await bot.wait()
    err = stderr.decode()
    assert bot.returncode == 1
    errors = [line for line in err.splitlines() if "newsbot: error:" in line]
    assert len(errors) == 1
    assert errors[0].startswith(f"newsbot: error: the database {path} is damaged: ")
    assert "`newsbot db backup`" in errors[0]
    assert "Traceback" not in err
    stats = await emulator.client.stats()
    assert stats.calls.get("getUpdates", 0) == 0  # it never started taking updates


async def test_periodic_check_reports_damage_to_health_and_admins(tmp_path):
    path = tmp_path / "bot.sqlite3"
    await make_database(path, articles=5)
    db = await open_database(path)
    told: list[list[str]] = []

    class Notifier:
        async def database_damaged(self, problems: list[str]) -> int:
            told.append(problems)
            return 1

    data = BotData()
    data.attach(db=db)
    data.notifier = Notifier()  # type: ignore[assignment]
    context = SimpleNamespace(bot_data=data)
    try:
        await check_integrity(context)  # type: ignore[arg-type]
        assert (data.integrity_problems, told) == ([], [])
        # the full-text index loses its rows while the articles stay: search finds nothing
        await db.session.execute("INSERT INTO articles_fts (articles_fts) VALUES ('delete-all')")
        await check_integrity(context)  # type: ignore[arg-type]
    finally:
        await db.close()
    assert data.integrity_problems != []
    assert told == [data.integrity_problems]
    status = StoreStatus(
        active_sources=0,
        pending_posts=0,
        oldest_due_post_at=None,
        last_fetch_ok_at=None,
        last_publish_ok_at=None,
    )
    report = health_report(
        status,
        now=FETCHED,
        started_at=FETCHED,
        poll_interval_seconds=300,
        integrity_problems=data.integrity_problems,
    )
    assert report.body["status"] == "degraded"
    assert report.body["database"] == "damaged"
    assert report.body["database_problems"] == data.integrity_problems


def test_the_message_is_one_line_whatever_sqlite_says():
    problems = ["*** in database main ***\nOn tree page 66 cell 9: Rowid out of order\nx", "y"]
    message = damaged_message("/data/bot.sqlite3", problems)
    assert "\n" not in message
    assert message.startswith(
        "the database /data/bot.sqlite3 is damaged: On tree page 66 cell 9: Rowid out of order"
        " (+2 more); "
    )
    assert os.linesep not in message
