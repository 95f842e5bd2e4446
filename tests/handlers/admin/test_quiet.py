"""`/quiet` end to end: an admin sets and switches off a channel's quiet hours and time zone,
in their language; wrong input gets one clear answer and changes nothing; others are refused."""

from __future__ import annotations

import pytest

from handlers.admin.access import NOT_AN_ADMIN
from handlers.admin.quiet import QUIET_USAGE
from news.entities import QuietHours
from tests.handlers.admin.harness import admin_bot, ask

ADMIN = 5_000_000_001  # the emulator's first user


@pytest.fixture
async def channel(db):
    return await db.channels.add(-1002000000001, title="Harbour News", username="harbour_news")


async def test_an_admin_sets_the_hours_and_zone_then_switches_them_off(bot_app, db, channel):
    async with admin_bot(bot_app, db, {ADMIN}) as harness:
        ann = await harness.new_user("Ann")
        assert ann.id == ADMIN
        [on] = await ask(harness, ann, "/quiet @harbour_news 23-07 Europe/Berlin")
        stored = await db.channels.get(channel.id)
        [moved] = await ask(harness, ann, f"/quiet {channel.id} 22:00-06:00")
        kept_zone = await db.channels.get(channel.id)
        [off] = await ask(harness, ann, "/quiet @harbour_news off")
        after = await db.channels.get(channel.id)
    assert on.text == "Channel Harbour News @harbour_news: quiet hours 23-07 (Europe/Berlin)."
    assert (stored.quiet_hours, stored.timezone) == (QuietHours(23, 7), "Europe/Berlin")
    assert moved.text == "Channel Harbour News @harbour_news: quiet hours 22-06 (Europe/Berlin)."
    assert (kept_zone.quiet_hours, kept_zone.timezone) == (QuietHours(22, 6), "Europe/Berlin")
    assert off.text == "Channel Harbour News @harbour_news: no quiet hours (Europe/Berlin)."
    assert (after.quiet_hours, after.timezone) == (None, "Europe/Berlin")


async def test_answers_in_russian(bot_app, db, channel):
    async with admin_bot(bot_app, db, {ADMIN}) as harness:
        ann = await harness.new_user("Ann", language_code="ru")
        [on] = await ask(harness, ann, "/quiet @harbour_news 23-07")
        [bad] = await ask(harness, ann, "/quiet @harbour_news 23-07 Mars/Olympus")
        [usage] = await ask(harness, ann, "/quiet @harbour_news")
    assert on.text == "Канал Harbour News @harbour_news: тихие часы 23-07 (UTC)."
    assert bad.text.startswith("Неизвестный часовой пояс 'Mars/Olympus'")
    assert usage.text.startswith("Использование: /quiet @канал НАЧАЛО-КОНЕЦ")


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/quiet", QUIET_USAGE),
        ("/quiet @harbour_news", QUIET_USAGE),
        ("/quiet @harbour_news off now", QUIET_USAGE),
        ("/quiet @harbour_news 23-07 UTC Europe/Berlin", QUIET_USAGE),
        (
            "/quiet @harbour_news 23-25",
            "Quiet hours are START-END in whole hours 0-23, like 23-07, not 23-25.",
        ),
        (
            "/quiet @harbour_news 7-7",
            "Quiet hours are START-END in whole hours 0-23, like 23-07, not 7-7.",
        ),
        (
            "/quiet @harbour_news night",
            "Quiet hours are START-END in whole hours 0-23, like 23-07, not night.",
        ),
        (
            "/quiet @harbour_news 23-07 Mars/Olympus",
            "Unknown time zone 'Mars/Olympus': use an IANA name such as Europe/Berlin.",
        ),
        ("/quiet @nowhere 23-07", "No channel @nowhere has been added: see /channels."),
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
        [reply] = await ask(harness, bob, "/quiet @harbour_news 23-07")
        after = await db.channels.get(channel.id)
    assert reply.text == NOT_AN_ADMIN
    assert after.quiet_hours is None
