"""`newsbot routes set|preview`, `routes add --topic` and `channels set --quiet-hours`,
in-process against the emulator."""

from __future__ import annotations

import os

from storage import opened_database
from tests.bot.cli.test_channels_cli import cli, cli_env, json_lines, one_line_error
from tests.factories import add_source, draft, store

__all__ = ["cli_env"]  # the autouse fixture: own database, the test's emulator

MANAGER = {"can_manage_topics": True, "can_delete_messages": True}


async def forum_with_a_route(capsys, emulator, *, rights=None):
    """A forum supergroup added as a channel, a source with two stored articles."""
    forum = await emulator.client.create_group(
        "Harbour Forum",
        username="harbour_forum",
        bot_status="administrator",
        bot_rights=rights if rights is not None else MANAGER,
        forum=True,
    )
    assert (await cli(capsys, "channels", "add", "@harbour_forum"))[0] == 0
    async with opened_database(os.environ["DATABASE_PATH"]) as db:
        source = await add_source(db, "Harbour Courier")
        await store(
            db,
            source,
            draft(1, "Old quay reopens", hours=-5),
            draft(2, "Night ferry <returns> & sails", summary="The ramp was repaired.", hours=0),
        )
    return forum


async def test_route_with_a_new_topic_template_preview_and_silence(capsys, emulator):
    forum = await forum_with_a_route(capsys, emulator)
    code, out, err = await cli(
        capsys,
        "routes",
        "add",
        "1",
        "@harbour_forum",
        "--topic",
        "Ferries",
        "--template",
        "<b>{title}</b>\\n{lede}\\n<i>{source}</i>",
        "--silent",
        "on",
        "--link-preview",
        "large",
    )
    assert code == 0, err
    [topic] = await emulator.client.topics(forum.id)
    assert topic["name"] == "Ferries"
    thread = topic["message_thread_id"]
    assert f"(route 1, options: template, preview large, silent, topic {thread} Ferries)" in out

    [row] = await json_lines(capsys, "routes", "list")
    assert row["id"] == 1
    assert row["options"]["topic_id"] == topic["message_thread_id"]
    assert row["options"]["silent"] is True
    assert row["options"]["link_preview"] == "large"

    code, out, err = await cli(capsys, "routes", "preview", "1")
    assert code == 0, err
    html, _, footer = out.strip().partition("\n\n")
    assert html == (
        "<b>Night ferry &lt;returns&gt; &amp; sails</b>\nThe ramp was repaired.\n"
        "<i>Harbour Courier</i>"
    )
    assert "link preview large, above the text; silent; topic" in footer

    code, out, err = await cli(capsys, "routes", "set", "1", "--template", "", "--silent", "off")
    assert code == 0, err
    assert (
        out.strip()
        == f"route 1: options preview large, topic {topic['message_thread_id']} Ferries"
    )


async def test_bad_options_are_refused_with_one_line_and_nothing_changes(capsys, emulator):
    await forum_with_a_route(capsys, emulator, rights={"can_delete_messages": True})
    assert (await cli(capsys, "routes", "add", "1", "@harbour_forum"))[0] == 0

    code, _, err = await cli(capsys, "routes", "set", "1", "--template", "{title} {body}")
    assert code == 1
    assert "template refused: unknown field {body}" in one_line_error(err)
    code, _, err = await cli(capsys, "routes", "set", "1", "--template", "<b>{title}")
    assert "<b> is never closed" in one_line_error(err)
    code, _, err = await cli(capsys, "routes", "set", "1", "--topic", "Ferries")
    assert code == 1
    line = one_line_error(err)
    assert "cannot create the topic 'Ferries'" in line
    assert "Not enough rights to create a topic" in line
    code, _, err = await cli(capsys, "routes", "set", "1")
    assert "nothing to change" in one_line_error(err)
    code, _, err = await cli(capsys, "routes", "set", "7", "--silent", "on")
    assert code == 1
    assert "no route with id 7" in one_line_error(err)
    [row] = await json_lines(capsys, "routes", "list")
    assert row["options"] == {
        "template": None,
        "link_preview": None,
        "silent": False,
        "topic_id": None,
        "topic_name": None,
        "full_text": False,
    }
    # a topic by id needs no right to create one
    code, out, _ = await cli(capsys, "routes", "set", "1", "--topic", "12")
    assert (code, out.strip()) == (0, "route 1: options topic 12")


async def test_a_route_to_a_channel_whose_source_has_no_article_cannot_be_previewed(
    capsys, emulator
):
    await emulator.client.create_channel("Harbour News", username="harbour_news")
    assert (await cli(capsys, "channels", "add", "@harbour_news"))[0] == 0
    assert (await cli(capsys, "sources", "add", "https://harbour.example/rss", "--no-check"))[
        0
    ] == 0
    assert (await cli(capsys, "routes", "add", "1", "1"))[0] == 0
    code, _, err = await cli(capsys, "routes", "preview", "1")
    assert code == 1
    assert "has no stored article yet" in one_line_error(err)


async def test_channel_quiet_hours(capsys, emulator):
    await emulator.client.create_channel("Harbour News", username="harbour_news")
    assert (await cli(capsys, "channels", "add", "@harbour_news"))[0] == 0

    code, out, err = await cli(
        capsys,
        "channels",
        "set",
        "@harbour_news",
        "--timezone",
        "Europe/Berlin",
        "--quiet-hours",
        "23-07",
    )
    assert code == 0, err
    assert "quiet hours 23-07 Europe/Berlin" in out
    [row] = await json_lines(capsys, "channels", "list")
    assert row["timezone"] == "Europe/Berlin"
    assert row["quiet_hours"] == {"start": 23, "end": 7}
    code, out, _ = await cli(capsys, "channels", "list")
    assert "23-07 Europe/Berlin" in out

    code, _, err = await cli(capsys, "channels", "set", "1", "--timezone", "Mars/Olympus")
    assert "unknown time zone 'Mars/Olympus'" in one_line_error(err)
    code, _, err = await cli(capsys, "channels", "set", "1", "--quiet-hours", "7-7")
    assert "must not start and end at the same hour" in one_line_error(err)

    code, out, _ = await cli(capsys, "channels", "set", "1", "--quiet-hours", "none")
    assert code == 0
    assert "no quiet hours (Europe/Berlin)" in out
