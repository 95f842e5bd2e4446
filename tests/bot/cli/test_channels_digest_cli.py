"""`newsbot channels set CHANNEL --digest-hour H [--timezone TZ] --digest-language L`,
`--digest off`, one clear line for a wrong value, and the DIGEST column of the list."""

from __future__ import annotations

import json

import pytest

from storage import opened_database
from tests.bot.cli.test_channels_discussion_cli import add_channels, cli


@pytest.fixture
def database_path(tmp_path, monkeypatch):
    """Each test gets its own database; no Telegram is needed to change a setting."""
    path = tmp_path / "db" / "newsbot.sqlite3"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(path))
    return path


async def test_set_the_digest_hour_time_zone_and_language_then_off(capsys, database_path):
    await add_channels(database_path)
    code, out, _ = await cli(
        capsys,
        "channels",
        "set",
        "@harbour_all",
        "--digest-hour",
        "18",
        "--timezone",
        "Europe/Berlin",
        "--digest-language",
        "ru",
    )
    assert code == 0
    assert out.strip() == (
        "channel 1 @harbour_all: no quiet hours (Europe/Berlin); "
        "daily digest 18:00 Europe/Berlin (ru)"
    )
    code, out, _ = await cli(capsys, "channels", "list")
    header, first, second = out.splitlines()
    column = header.split().index("DIGEST")
    assert first.split()[column : column + 2] == ["18:00", "Europe/Berlin"]
    assert second.split()[column] == "off"
    code, out, _ = await cli(capsys, "channels", "list", "--json")
    row = json.loads(out.splitlines()[0])
    assert (row["digest_hour"], row["timezone"], row["digest_language"]) == (
        18,
        "Europe/Berlin",
        "ru",
    )

    code, out, _ = await cli(capsys, "channels", "set", "1", "--digest", "off")
    assert code == 0
    assert out.strip() == "channel 1 @harbour_all: daily digest off"
    async with opened_database(database_path) as db:
        channel = await db.channels.get(1)
    assert (channel.digest_hour, channel.timezone) == (None, "Europe/Berlin")  # zone kept


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--digest-hour", "24"], "The digest hour is a whole hour 0-23, not 24"),
        (["--digest-hour", "7", "--digest", "off"], "either --digest-hour H or --digest off"),
        (["--timezone", "Mars/Olympus"], "unknown time zone 'Mars/Olympus'"),
        (["--digest-language", "tlh"], "No texts in language 'tlh': use one of en, ru"),
        ([], "nothing to change"),
    ],
)
async def test_wrong_values_are_one_clear_line_and_change_nothing(
    capsys, database_path, argv, said
):
    await add_channels(database_path)
    code, out, err = await cli(capsys, "channels", "set", "@harbour_all", *argv)
    assert code != 0
    assert out == ""
    assert said in err
    assert len(err.strip().splitlines()) == 1
    async with opened_database(database_path) as db:
        channel = await db.channels.get(1)
    assert (channel.digest_hour, channel.timezone, channel.digest_language) == (None, None, None)
