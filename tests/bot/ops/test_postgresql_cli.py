"""`DATABASE_URL`: the CLI on PostgreSQL — `check` names the engine, a wrong URL is one line."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import pytest

from bot.cli.main import main
from tests.support.postgres_plugin import PostgresServer

PASSWORD_MARK = "pw-Never-Shown-91"


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Own folder, no stray `.env`, no token: only the database checks matter here."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "unused.sqlite3"))
    for name in ("TELEGRAM_BOT_TOKEN", "WEBHOOK_URL", "WEBHOOK_SECRET_TOKEN", "HEALTH_PORT"):
        monkeypatch.delenv(name, raising=False)


async def run(capsys, *arguments: str) -> tuple[int, str]:
    code = await asyncio.to_thread(main, list(arguments))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


async def test_check_reports_the_engine_version_and_schema(
    postgres_url: str, monkeypatch, capsys, tmp_path
):
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    _, output = await run(capsys, "check")
    [line] = [line for line in output.splitlines() if line.split()[1:2] == ["database"]]
    assert line.startswith("ok")
    assert "PostgreSQL 15" in line
    assert "schema 4" in line
    password = postgres_url.split(":")[2].split("@")[0]
    assert password not in output
    assert not (tmp_path / "unused.sqlite3").exists()  # the SQLite file is not touched


async def test_sources_live_in_postgresql(postgres_url: str, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    code, _ = await run(capsys, "sources", "add", "https://harbour.example/feed.xml", "--no-check")
    assert code == 0
    code, output = await run(capsys, "sources", "list", "--json")
    assert code == 0
    assert "https://harbour.example/feed.xml" in output


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("missing database", "does not exist"),
        ("wrong password", "refused user"),
        ("nothing listening", "cannot reach PostgreSQL"),
    ],
)
async def test_a_wrong_url_is_one_line_without_the_password(
    postgres_server: PostgresServer, monkeypatch, capsys, kind: str, expected: str
):
    good = urlsplit(postgres_server.url("postgres"))
    user, port = good.username, good.port
    urls = {
        "missing database": postgres_server.url("nowhere"),
        "wrong password": f"postgresql://{user}:{PASSWORD_MARK}@127.0.0.1:{port}/postgres",
        "nothing listening": f"postgresql://{user}:{PASSWORD_MARK}@127.0.0.1:1/postgres",
    }
    monkeypatch.setenv("DATABASE_URL", urls[kind])
    code, output = await run(capsys, "sources", "list")
    assert code != 0
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert expected in lines[0]
    assert PASSWORD_MARK not in output
    assert good.password not in output
    assert "Traceback" not in output
