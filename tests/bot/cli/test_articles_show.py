"""`newsbot articles show ID`: the source by name, one tag a line, the summary once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli.commands.search import summary_in_body
from bot.cli.main import main

LIGHTHOUSE = Path(__file__).parent / "fixtures" / "lighthouse.txt"
LEDE = "Two keepers went back to the Skerry Point lighthouse on Thursday"


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Each test gets its own database and no stray `.env`."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "newsbot.sqlite3"))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)


def test_show_names_the_source_lists_tags_a_line_and_prints_the_summary_once(capsys):
    assert main(["import", str(LIGHTHOUSE), "--source", "Coast Wire"]) == 0
    capsys.readouterr()
    assert main(["articles", "show", "1", "--json"]) == 0
    article = json.loads(capsys.readouterr().out)
    assert article["source_name"] == "Coast Wire"
    assert main(["articles", "show", "1"]) == 0
    out = capsys.readouterr().out

    lines = out.splitlines()
    assert f"source:     Coast Wire (id {article['source_id']})" in out
    assert article["tags"]  # derived from the text: recurring names and places
    assert [line.removeprefix("tag:").strip() for line in lines if line.startswith("tag:")] == (
        article["tags"]
    )
    assert article["summary"].startswith(LEDE)
    assert out.count(LEDE) == 1  # the summary is the body's lede: printed with the body only
    assert "Engineers from Carrow repaired the cable" in out


def test_a_summary_the_body_does_not_hold_is_printed_before_it():
    assert summary_in_body("Keepers return.", "Two keepers\nreturn. Keepers\n  return.") is True
    assert summary_in_body("Two keepers went back to the…", "Two keepers went back to the lamp.")
    assert not summary_in_body("A storm summary of its own.", "Two keepers went back.")
    assert not summary_in_body("", "Two keepers went back.")
