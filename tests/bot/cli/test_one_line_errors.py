"""Every CLI command given bad arguments answers with one line and no traceback; and the
setting-up aids: `--version`, misspelt `.env` keys, `check --has-token`."""

from __future__ import annotations

import argparse
import socket
from collections.abc import Iterator

import pytest

from bot.cli.main import build_parser, main

BAD_ARGUMENTS: dict[str, list[tuple[list[str], int]]] = {
    "demo": [(["demo", "--port", "99999"], 2)],
    "run": [(["run"], 2), (["run", "now"], 2)],
    "check": [(["check", "everything"], 2)],
    "sources add": [(["sources", "add", "courier.example"], 1), (["sources", "add"], 2)],
    "sources list": [(["sources", "list", "--jsn"], 2)],
    "sources rename": [(["sources", "rename", "99", "X"], 1), (["sources", "rename", "1"], 2)],
    "sources set": [(["sources", "set", "1", "--interval", "5"], 1)],
    "sources remove": [(["sources", "remove", "one"], 2), (["sources", "remove", "99"], 1)],
    "sources pause": [(["sources", "pause", "99"], 1)],
    "sources resume": [(["sources", "resume", "99"], 1)],
    "channels add": [(["channels", "add", "not a channel!"], 1)],
    "channels list": [(["channels", "list", "--bogus"], 2)],
    "channels set": [(["channels", "set", "99", "--discussion", "on"], 1)],
    "channels remove": [(["channels", "remove", "99"], 1)],
    "routes add": [(["routes", "add", "99", "99"], 1)],
    "routes list": [(["routes", "list", "--bogus"], 2)],
    "routes remove": [(["routes", "remove", "99", "99"], 1)],
    "routes set": [(["routes", "set", "99", "--silent", "on"], 1), (["routes", "set", "x"], 2)],
    "routes preview": [(["routes", "preview", "99"], 1)],
    "fetch": [(["fetch", "--source", "99"], 1), (["fetch", "--source", "x"], 2)],
    "import": [(["import", "missing.txt"], 1)],
    "search": [(["search", "x", "--limit", "0"], 1), (["search", "x", "--limit", "-5"], 1)],
    "articles show": [(["articles", "show", "99"], 1)],
    "opml import": [(["opml", "import", "missing.opml"], 1)],
    "opml export": [(["opml", "export", "--bogus"], 2)],
    "db backup": [(["db", "backup", "notdir/x.sqlite3"], 1)],
    "db copy": [(["db", "copy", "--to", "other.sqlite3"], 1), (["db", "copy"], 2)],
    "emulator": [(["emulator", "--port", "99999"], 2), (["emulator", "--port", "http"], 2)],
}


def leaf_commands(parser: argparse.ArgumentParser, prefix: str = "") -> Iterator[str]:
    """Every runnable command of the parser, as `group action`."""
    groups = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not groups:
        yield prefix.strip()
        return
    for name, sub in groups[0].choices.items():
        yield from leaf_commands(sub, f"{prefix} {name}")


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Own database, no token, no stray `.env`; `notdir` is a file."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "db" / "newsbot.sqlite3"))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    (tmp_path / "notdir").write_text("a file, not a folder")


def run(capsys, argv: list[str]) -> tuple[int, str, str]:
    """Run the CLI as the console script does, usage exits included."""
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's usage errors and --version
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_every_command_has_a_bad_arguments_case():
    assert sorted(leaf_commands(build_parser())) == sorted(BAD_ARGUMENTS)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [case for cases in BAD_ARGUMENTS.values() for case in cases],
    ids=lambda value: " ".join(value) if isinstance(value, list) else str(value),
)
def test_bad_arguments_give_one_line_and_no_traceback(capsys, argv, expected):
    assert run(capsys, ["sources", "add", "https://courier.example/feed", "--no-check"])[0] == 0
    code, out, err = run(capsys, argv)
    assert code == expected
    assert "Traceback" not in out + err
    assert err.startswith("newsbot: error: ")
    assert err.count("\n") == 1, err


def test_a_usage_error_names_the_command_and_its_help(capsys):
    code, _, err = run(capsys, ["search", "x", "--limit", "ten"])
    assert code == 2
    assert err == (
        "newsbot: error: search: argument --limit: not a whole number: 'ten' "
        "(see `newsbot search --help`)\n"
    )


def test_search_limit_must_be_positive(capsys):
    run(capsys, ["sources", "add", "https://courier.example/feed", "--no-check"])
    code, _, err = run(capsys, ["search", "x", "--limit", "0"])
    assert err == "newsbot: error: --limit must be between 1 and 500, not 0\n"
    assert code == 1


def test_a_file_where_a_folder_should_be_is_named(capsys, tmp_path, monkeypatch):
    run(capsys, ["sources", "add", "https://courier.example/feed", "--no-check"])
    code, _, err = run(capsys, ["db", "backup", "notdir/x.sqlite3"])
    assert code == 1
    assert err == (
        "newsbot: error: cannot create the folder of the backup target notdir: Not a directory\n"
    ) or err == (
        "newsbot: error: cannot create the folder of the backup target notdir: File exists\n"
    )
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "notdir" / "x.sqlite3"))
    code, _, err = run(capsys, ["sources", "add", "https://courier.example/feed", "--no-check"])
    assert code == 1
    assert err.startswith(
        f"newsbot: error: cannot create the folder of the database {tmp_path / 'notdir'}: "
    )
    assert err.count("\n") == 1


def test_the_emulator_on_a_busy_port_is_one_line(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, out, err = run(capsys, ["emulator", "--port", str(port)])
    assert code == 1
    assert err == f"newsbot: error: cannot listen on 127.0.0.1:{port}: address already in use\n"
    assert "Traceback" not in out


def test_version(capsys):
    code, out, _ = run(capsys, ["--version"])
    assert code == 0
    assert out.startswith("newsbot ")
    assert out.split()[1][0].isdigit()


def test_a_misspelt_env_key_is_warned_about_once(capsys, tmp_path):
    (tmp_path / ".env").write_text(
        "export TELEGRAM_BOT_TOKN=123:abc\nADMIN_ID=42\nMY_OWN_THING=1\nLOG_LEVEL=info\n"
    )
    code, _, err = run(capsys, ["sources", "add", "https://courier.example/feed", "--no-check"])
    assert code == 0
    warnings = [line for line in err.splitlines() if line.startswith("newsbot: warning:")]
    assert warnings == [
        "newsbot: warning: .env: TELEGRAM_BOT_TOKN is not a setting (ignored); "
        "did you mean TELEGRAM_BOT_TOKEN?",
        "newsbot: warning: .env: ADMIN_ID is not a setting (ignored); did you mean ADMIN_IDS?",
    ]


@pytest.mark.parametrize(
    ("env_file", "expected"),
    [
        ("export TELEGRAM_BOT_TOKEN=123456:abcdef\n", 0),
        ('TELEGRAM_BOT_TOKEN="123456:abcdef"  # from BotFather\n', 0),
        ("TELEGRAM_BOT_TOKEN=\n", 1),
        ("# TELEGRAM_BOT_TOKEN=123456:abcdef\n", 1),
        ("", 1),
    ],
)
def test_has_token_reads_env_as_the_settings_loader_does(capsys, tmp_path, env_file, expected):
    (tmp_path / ".env").write_text(env_file)
    code, out, err = run(capsys, ["check", "--has-token"])
    assert code == expected
    assert out == err == ""
