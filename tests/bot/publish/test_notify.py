"""Admin notices about channels the bot lost: once per channel per hour."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Bot

from bot.publish.notify import AdminNotifier, channel_label, unavailable_notice
from bot.publish.pacing import Pacer
from emulator import RunningEmulator
from storage.models import Channel, ChannelStyle


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


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


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
    clock = FakeClock()
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
