"""`/digest` end to end: an admin sets and switches off a channel's daily digest, in their
language; wrong input gets one clear answer and changes nothing; others are refused."""

from __future__ import annotations

import pytest

from handlers.admin.access import NOT_AN_ADMIN
from handlers.admin.digest import DIGEST_USAGE
from tests.handlers.admin.harness import admin_bot, ask

ADMIN = 5_000_000_001  # the emulator's first user


@pytest.fixture
async def channel(db):
    return await db.channels.add(-1002000000001, title="Harbour News", username="harbour_news")


async def test_an_admin_sets_the_hour_zone_and_language_then_switches_it_off(bot_app, db, channel):
    async with admin_bot(bot_app, db, {ADMIN}) as harness:
        ann = await harness.new_user("Ann")
        assert ann.id == ADMIN
        [on] = await ask(harness, ann, "/digest @harbour_news 18 Europe/Berlin ru")
        stored = await db.channels.get(channel.id)
        [off] = await ask(harness, ann, f"/digest {channel.id} off")
        after = await db.channels.get(channel.id)
    assert (
        on.text == "Channel Harbour News @harbour_news: a daily digest at 18:00 (Europe/Berlin)."
    )
    assert (stored.digest_hour, stored.timezone, stored.digest_language) == (
        18,
        "Europe/Berlin",
        "ru",
    )
    assert off.text == "Channel Harbour News @harbour_news: no daily digest."
    assert (after.digest_hour, after.timezone) == (None, "Europe/Berlin")


async def test_answers_in_russian(bot_app, db, channel):
    async with admin_bot(bot_app, db, {ADMIN}) as harness:
        ann = await harness.new_user("Ann", language_code="ru")
        [on] = await ask(harness, ann, "/digest @harbour_news 7")
        [bad] = await ask(harness, ann, "/digest @harbour_news 7 Mars/Olympus")
    assert on.text == "Канал Harbour News @harbour_news: ежедневный дайджест в 07:00 (UTC)."
    assert bad.text.startswith("Неизвестный часовой пояс 'Mars/Olympus'")


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/digest", DIGEST_USAGE),
        ("/digest @harbour_news", DIGEST_USAGE),
        ("/digest @harbour_news off now", DIGEST_USAGE),
        ("/digest @harbour_news 7 UTC Europe/Berlin", DIGEST_USAGE),
        ("/digest @harbour_news 25", "The digest hour is a whole hour 0-23, not 25."),
        ("/digest @harbour_news noon", "The digest hour is a whole hour 0-23, not noon."),
        (
            "/digest @harbour_news 7 Mars/Olympus",
            "Unknown time zone 'Mars/Olympus': use an IANA name such as Europe/Berlin.",
        ),
        ("/digest @nowhere 7", "No channel @nowhere has been added: see /channels."),
    ],
)
async def test_wrong_input_gets_one_answer_and_changes_nothing(
    bot_app, db, channel, command, answer
):
    async with admin_bot(bot_app, db, {ADMIN}) as harness:
        ann = await harness.new_user("Ann")
        [reply] = await ask(harness, ann, command)
        after = await db.channels.get(channel.id)
    assert reply.text == answer
    assert after == channel


async def test_others_are_refused(bot_app, db, channel):
    async with admin_bot(bot_app, db, {ADMIN}) as harness:
        await harness.new_user("Ann")
        bob = await harness.new_user("Bob")
        [reply] = await ask(harness, bob, "/digest @harbour_news 18")
        after = await db.channels.get(channel.id)
    assert reply.text == NOT_AN_ADMIN
    assert after.digest_hour is None
