"""Odd CLI input is one line and a usage or failure code, never a traceback (issue 15.7)."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest

from bot.cli.main import main
from emulator import RunningEmulator

TOO_BIG = str(2**63)


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Each test gets its own database and no stray `.env`."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "newsbot.sqlite3"))
    monkeypatch.setenv("INGEST_WORKERS", "0")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)


@pytest.mark.parametrize(
    "argv",
    [
        ["sources", "pause", TOO_BIG],
        ["sources", "remove", "99999999999999999999"],
        ["sources", "resume", "²"],
        ["articles", "show", TOO_BIG],
        ["search", "ferry", "--limit", TOO_BIG],
        ["routes", "add", TOO_BIG, "@harbour"],
        ["fetch", "--source", TOO_BIG],
        ["sources", "add", "https://a.example/feed", "--interval", "1" + "0" * 30],
    ],
)
def test_ids_a_database_cannot_hold_are_usage_errors(capsys, argv):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    err = capsys.readouterr().err
    assert exited.value.code == 2
    errors = [line for line in err.splitlines() if "error:" in line]
    assert len(errors) == 1
    assert "Traceback" not in err


def test_a_huge_channel_id_is_not_found(capsys):
    assert main(["sources", "add", "https://a.example/feed.xml", "--no-check"]) == 0
    capsys.readouterr()
    code = main(["channels", "remove", "9" * 30])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("newsbot: error: no channel 999")
    assert len(err.splitlines()) == 1


def impossible_paths(tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    a_folder = tmp_path / "a-folder"
    a_folder.mkdir()
    return {
        "under a file": (
            a_file / "newsbot.sqlite3",
            f"cannot create the folder of the database {a_file}: ",
        ),
        "a folder": (a_folder, f"cannot open database {a_folder}: it is a folder"),
        "under /proc": (
            "/proc/newsbot-test/newsbot.sqlite3",
            "cannot create the folder of the database /proc/newsbot-test: ",
        ),
    }


@pytest.mark.parametrize("case", ["under a file", "a folder", "under /proc"])
def test_an_impossible_database_path_is_one_line(tmp_path, case):
    path, reason = impossible_paths(tmp_path)[case]
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sources", "add", "https://a.example/f.xml", "--no-check"],
        env={"DATABASE_PATH": str(path), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("newsbot: error: " + reason)


async def test_run_with_an_impossible_database_path_is_one_line(
    emulator: RunningEmulator, tmp_path, monkeypatch, capsys
):
    path, _ = impossible_paths(tmp_path)["under a file"]
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", emulator.token)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", emulator.api_base_url)
    code = await asyncio.to_thread(main, ["run"])
    err = capsys.readouterr().err
    assert code == 1
    errors = [line for line in err.splitlines() if "newsbot: error:" in line]
    assert errors == [
        f"newsbot: error: cannot create the folder of the database {path.parent}: File exists"
    ]
    assert "Traceback" not in err
