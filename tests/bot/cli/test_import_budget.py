"""The CLI's start-up budget: `newsbot --help` and `newsbot search` import only what they need.

Counting modules rather than timing keeps the test steady on a loaded machine: each heavy
dependency below costs tens to hundreds of milliseconds to import, and importing every
command's dependencies at start is what made `newsbot --help` take 1.7 s.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from storage import open_database
from tests.factories import add_source, draft, store

# Importing any of these costs 20-300 ms (measured with `python -X importtime`).
HEAVY_FOR_HELP = (
    "telegram",
    "aiohttp",
    "httpx",
    "trafilatura",
    "lxml",
    "asyncpg",
    "psycopg",
    "aiosqlite",
    "pydantic",
    "pydantic_settings",
    "emulator",
    "prometheus_client",
    "importlib.metadata",
    "bot.app",
    "bot.services",
    "bot.delivery",
    "bot.transport",
    "handlers",
    "news.parse",
    "news.fetch",
)
HEAVY_FOR_SEARCH = (
    "pydantic_settings",  # commands that only read load their settings without it
    "telegram",
    "aiohttp",
    "httpx",
    "trafilatura",
    "lxml",
    "asyncpg",
    "psycopg",
    "emulator",
    "prometheus_client",
    "bot.services",
    "bot.delivery",
    "bot.transport",
    "handlers",
    "news.parse",
    "news.fetch",
)

PROBE = """
import json, sys
from bot.cli.main import main
try:
    code = main(sys.argv[2:])
except SystemExit as exc:
    code = exc.code
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "modules": sorted(sys.modules)}, out)
"""


def imported_by(argv: list[str], tmp_path: Path, **env: str) -> tuple[int, set[str]]:
    """Run `newsbot ARGV` in a fresh interpreter; return its exit code and imported modules."""
    report = tmp_path / "modules.json"
    subprocess.run(
        [sys.executable, "-c", PROBE, str(report), *argv],
        check=False,
        capture_output=True,
        env={**os.environ, **env},
        timeout=120,
    )
    result = json.loads(report.read_text())
    return result["code"], set(result["modules"])


def heavy(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """The modules of `names` (packages included with their sub-modules) that were imported."""
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def test_help_imports_no_command_dependencies(tmp_path: Path) -> None:
    code, modules = imported_by(["--help"], tmp_path)
    assert code == 0
    assert "bot.cli.parsers.search" in modules  # every parser is registered
    assert heavy(modules, HEAVY_FOR_HELP) == []


@pytest.mark.parametrize("argv", [["sources", "--help"], ["search", "--bad-option"]])
def test_sub_command_help_and_usage_errors_stay_light(argv: list[str], tmp_path: Path) -> None:
    code, modules = imported_by(argv, tmp_path)
    assert code in (0, 2)
    assert heavy(modules, HEAVY_FOR_HELP) == []


async def test_search_imports_only_the_store(tmp_path: Path) -> None:
    path = tmp_path / "news.sqlite3"
    db = await open_database(path)
    try:
        await store(db, await add_source(db, "Harbour"), draft(1, "Budget talks resume"))
    finally:
        await db.close()

    code, modules = imported_by(["search", "budget"], tmp_path, DATABASE_PATH=str(path))

    assert code == 0  # it found the article and printed it
    assert "bot.cli.commands.search" in modules
    assert "storage.sqlite" in modules
    assert heavy(modules, HEAVY_FOR_SEARCH) == []


async def test_articles_show_loads_settings_without_pydantic_settings(tmp_path: Path) -> None:
    path = tmp_path / "news.sqlite3"
    db = await open_database(path)
    try:
        [article] = await store(db, await add_source(db, "Harbour"), draft(1, "Budget talks"))
    finally:
        await db.close()

    code, modules = imported_by(
        ["articles", "show", str(article.id)], tmp_path, DATABASE_PATH=str(path)
    )

    assert code == 0
    assert heavy(modules, HEAVY_FOR_SEARCH) == []
