"""Admin notices about lost channels and deactivated sources: once per cause per hour."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Bot

from bot.delivery.notices import (
    ERROR_PREVIEW_CHARS,
    AdminNotifier,
    deactivated_notice,
    unavailable_notice,
)
from bot.ops.i18n import texts_for
from bot.services.admin.labels import channel_label
from bot.transport.pacing import Pacer
from emulator import RunningEmulator
from news.entities import Channel, ChannelStyle, Source
from storage.errors import DatabaseError
from tests.support.clock import FakeClock


def channel(number: int, *, title: str = "Harbour News", username: str | None = None) -> Channel:
    """A channel record of our own."""
    return Channel(
        id=number,
        chat_id=-1000 - number,
        username=username,
        title=title,
        style=ChannelStyle.TEXT,
        paused=True,
        discussion_chat_id=None,
        created_at=datetime(2026, 11, 30, tzinfo=UTC),
    )


def test_labels_and_notice_text() -> None:
    assert channel_label(channel(1, username="harbour")) == "Harbour News @harbour"
    assert channel_label(channel(1, title="")) == "-1001"
    notice = unavailable_notice(channel(1), "Forbidden: bot was kicked from the channel chat")
    assert notice.startswith("⚠️ I can no longer post to the channel Harbour News (id -1001).")
    assert "Telegram said: Forbidden: bot was kicked from the channel chat" in notice
    assert "paused" in notice
    assert notice.endswith("/addchannel -1001 here, or `newsbot channels add -1001`.")
    named = unavailable_notice(channel(1, username="harbour"), "Forbidden: bot was kicked")
    assert "/addchannel @harbour here" in named


async def test_each_channel_is_reported_at_most_once_an_hour(
    emulator: RunningEmulator, tg_bot: Bot, pacer: Pacer
) -> None:
    client = emulator.client
    admin = await client.create_user("Ada")
    await client.send_message(admin.id, "/start")
    clock = FakeClock(0.0)
    notifier = AdminNotifier(tg_bot, pacer, [admin.id], interval_seconds=3600, clock=clock)

    assert await notifier.channel_unavailable(channel(1), "Forbidden: first") == 1
    assert await notifier.channel_unavailable(channel(1), "Forbidden: again") == 0
    assert await notifier.channel_unavailable(channel(2), "Forbidden: other") == 1
    clock.now += 3600
    assert await notifier.channel_unavailable(channel(1), "Forbidden: an hour later") == 1

    notices = await client.messages(admin.id, from_bot=True)
    assert [n.text.split("Telegram said: ")[1].split("\n")[0] for n in notices if n.text] == [
        "Forbidden: first",
        "Forbidden: other",
        "Forbidden: an hour later",
    ]


def source(
    number: int, *, failures: int = 5, error: str | None = "HTTPStatusError: 503"
) -> Source:
    """A deactivated source record of our own."""
    return Source(
        id=number,
        url=f"https://quay{number}.example/feed.xml",
        name=f"Quay Gazette {number}",
        tags=(),
        interval_seconds=None,
        active=False,
        paused=False,
        etag=None,
        last_modified=None,
        last_fetched_at=None,
        last_success_at=None,
        next_fetch_at=None,
        failure_count=failures,
        last_error=error,
        created_at=datetime(2026, 11, 30, tzinfo=UTC),
    )


def test_deactivated_notice_says_why_and_how_to_resume() -> None:
    notice = deactivated_notice(source(3, failures=5, error="the feed answered 503 " * 40))
    assert notice.startswith(
        "⚠️ I stopped fetching the source 3 “Quay Gazette 3” after 5 failed fetches in a row."
    )
    error_line = notice.split("\n")[1]
    assert error_line.startswith("Last error: the feed answered 503")
    assert error_line.endswith("…")
    assert len(error_line) == len("Last error: ") + ERROR_PREVIEW_CHARS
    assert "Address: https://quay3.example/feed.xml" in notice
    assert notice.endswith("resume it with /resume 3 here, or `newsbot sources resume 3`.")
    assert "after 1 failed fetch." in deactivated_notice(source(4, failures=1))
    assert "Last error: -" in deactivated_notice(source(4, error=None))


def test_notices_in_russian() -> None:
    russian = texts_for("ru")
    lost = unavailable_notice(channel(1), "Forbidden: bot was kicked", russian)
    assert "Forbidden: bot was kicked" in lost
    assert "/addchannel -1001" in lost
    assert lost != unavailable_notice(channel(1), "Forbidden: bot was kicked")
    stopped = deactivated_notice(source(3, failures=5), russian)
    assert "/resume 3" in stopped
    assert "после 5 неудачных попыток подряд" in stopped
    assert "после 1 неудачной попытки подряд" in deactivated_notice(source(3, failures=1), russian)
    assert "после 2 неудачных попыток подряд" in deactivated_notice(source(3, failures=2), russian)


async def test_each_cause_is_told_at_most_once_an_hour(
    emulator: RunningEmulator, tg_bot: Bot, pacer: Pacer
) -> None:
    client = emulator.client
    ada = await client.create_user("Ada")
    olga = await client.create_user("Olga", language_code="ru")
    stranger_id = 987654  # never started the bot: the notice to them fails, is logged
    for admin in (ada, olga):
        await client.send_message(admin.id, "/start")
    clock = FakeClock(0.0)
    languages = {olga.id: "ru"}

    async def language_of(user_id: int) -> str | None:
        return languages.get(user_id)

    notifier = AdminNotifier(
        tg_bot,
        pacer,
        [ada.id, olga.id, stranger_id],
        interval_seconds=3600,
        clock=clock,
        language_of=language_of,
    )

    assert await notifier.source_deactivated(source(3)) == 2
    assert await notifier.source_deactivated(source(3, error="again")) == 0
    # a channel whose chat id equals a source id is another cause
    assert await notifier.channel_unavailable(channel(1), "Forbidden: gone") == 2
    assert await notifier.source_deactivated(source(4)) == 2
    clock.now += 3599
    assert await notifier.source_deactivated(source(3)) == 0
    clock.now += 1
    assert await notifier.source_deactivated(source(3, error="an hour later")) == 2

    english = [n.text for n in await client.messages(ada.id, from_bot=True)]
    russian = [n.text for n in await client.messages(olga.id, from_bot=True)]
    assert [text.split("\n")[0] for text in english] == [
        "⚠️ I stopped fetching the source 3 “Quay Gazette 3” after 5 failed fetches in a row.",
        "⚠️ I can no longer post to the channel Harbour News (id -1001).",
        "⚠️ I stopped fetching the source 4 “Quay Gazette 4” after 5 failed fetches in a row.",
        "⚠️ I stopped fetching the source 3 “Quay Gazette 3” after 5 failed fetches in a row.",
    ]
    assert "Last error: an hour later" in english[3]
    assert russian == [
        deactivated_notice(source(3), texts_for("ru")),
        unavailable_notice(channel(1), "Forbidden: gone", texts_for("ru")),
        deactivated_notice(source(4), texts_for("ru")),
        deactivated_notice(source(3, error="an hour later"), texts_for("ru")),
    ]


async def test_a_language_lookup_failure_falls_back_to_english(
    emulator: RunningEmulator, tg_bot: Bot, pacer: Pacer
) -> None:
    client = emulator.client
    ada = await client.create_user("Ada")
    await client.send_message(ada.id, "/start")

    async def broken_lookup(_user_id: int) -> str | None:
        raise DatabaseError("database is locked")

    notifier = AdminNotifier(tg_bot, pacer, [ada.id], language_of=broken_lookup)
    assert await notifier.source_deactivated(source(3)) == 1
    [notice] = await client.messages(ada.id, from_bot=True)
    assert notice.text == deactivated_notice(source(3))
