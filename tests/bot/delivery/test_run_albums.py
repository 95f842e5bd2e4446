"""`newsbot run` as a real process posting albums: kill -9 in the middle of an album (its
media group sent and recorded, its follow-up not yet) and a restart post every album once,
and repeat at most the one request in flight per channel."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from collections import Counter, defaultdict
from pathlib import Path

from emulator import RunningEmulator
from news.entities import ChannelStyle
from storage import open_database
from tests.bot.delivery.conftest import article_id_of, draft
from tests.bot.delivery.test_run_publishing import (
    bot_env,
    emulator_config,
    outbox_is,
    outbox_states,
    running_bot,
    stop_with,
    wait_for,
)
from tests.support.feedserver import FeedServer
from tests.support.images import png_bytes

__all__ = ["emulator_config"]  # the module's flood limits: Telegram's at 1/100

PHOTOS = 3
ARTICLES = 40


def half_posted_albums(db_path: Path) -> list[tuple[int, int]]:
    """Return (article id, chat id) of rows whose album went out and was recorded but whose
    follow-up did not."""
    with sqlite3.connect(db_path) as connection:
        return list(
            connection.execute(
                "SELECT o.article_id, c.chat_id FROM outbox AS o "
                "JOIN channels AS c ON c.id = o.channel_id "
                "WHERE o.state = 'sending' AND o.album_message_ids != '[]'"
            )
        )


async def album_burst(
    emulator: RunningEmulator, db_path: Path, images: FeedServer, channel_count: int
) -> tuple[list[int], list[int], dict[str, int]]:
    """Queue ARTICLES articles of PHOTOS images each for photo channels; return (article
    ids, chat ids, first photo URL -> article id)."""
    chats = [(await emulator.client.create_channel(f"Album {n}")).id for n in range(channel_count)]
    first_photo: dict[str, int] = {}
    async with await open_database(db_path) as db:
        source = await db.sources.add("https://harbour.example/feed.xml")
        await db.sources.set_paused(source.id, True)  # nothing to fetch: the queue is given
        channels = [await db.channels.add(chat, style=ChannelStyle.PHOTO) for chat in chats]
        drafts = []
        for n in range(1, ARTICLES + 1):
            urls = []
            for k in range(PHOTOS):
                path = f"/img/{n}-{k}.png"
                images.add(path, body=png_bytes(20 + k, 20 + n % 7), content_type="image/png")
                urls.append(images.url(path))
            one = draft(n, image_url=urls[0])
            one.image_urls = urls
            drafts.append(one)
        result = await db.articles.upsert_many(
            source.id, drafts, fetched_at=drafts[0].published_at
        )
        ids = list(result.inserted)
        for article_id, one in zip(ids, drafts, strict=True):
            first_photo[one.image_urls[0]] = article_id
        await db.outbox.add_many((a, c.id) for a in ids for c in channels)
    return ids, chats, first_photo


async def albums_and_follow_ups(
    emulator: RunningEmulator, chat_id: int, first_photo: dict[str, int]
) -> tuple[Counter[int], Counter[int]]:
    """Count, per article, the albums and the follow-ups the bot posted in a channel."""
    groups: dict[str, list[str | None]] = defaultdict(list)
    follow_ups: Counter[int] = Counter()
    for message in await emulator.client.messages(chat_id, from_bot=True):
        if message.media_group_id is not None:
            groups[message.media_group_id].append(message.photo_url)
        else:
            follow_ups[article_id_of(message)] += 1
    albums: Counter[int] = Counter()
    for photos in groups.values():
        assert len(photos) == PHOTOS, "an album went out incomplete"
        albums[first_photo[str(photos[0])]] += 1
    return albums, follow_ups


async def test_kill_9_between_an_album_and_its_follow_up_posts_each_album_once(
    emulator: RunningEmulator, tmp_path: Path
):
    db_path = tmp_path / "bot.sqlite3"
    async with FeedServer() as images:
        ids, chats, first_photo = await album_burst(emulator, db_path, images, channel_count=2)
        env = bot_env(emulator, db_path)
        # the first follow-up never gets an answer: its album stays recorded and `sending`
        # until the kill, however fast the machine sends the rest
        await emulator.client.add_fault("sendMessage", "hang", times=1)

        async with running_bot(env, tmp_path, "first") as bot:

            async def mid_album() -> bool:
                return bool(await asyncio.to_thread(half_posted_albums, db_path))

            await wait_for(
                mid_album, within=30, what="an album waiting for its follow-up", bot=bot
            )
            bot.process.kill()  # SIGKILL: no cleanup at all
            await bot.process.wait()
        interrupted = outbox_states(db_path)
        half_posted = half_posted_albums(db_path)
        assert half_posted, "the kill did not fall between an album and its follow-up"
        assert interrupted["pending"] > 0, "the burst ended before the kill"

        async with running_bot(env, tmp_path, "second") as bot:
            await wait_for(
                outbox_is(db_path, Counter({"sent": ARTICLES * len(chats)})),
                within=90,
                what="finishing the burst",
                bot=bot,
            )
            assert await stop_with(bot, signal.SIGTERM) == 0

    repeated = 0
    for chat_id in chats:
        albums, follow_ups = await albums_and_follow_ups(emulator, chat_id, first_photo)
        assert set(albums) == set(ids), "an album was lost"
        assert set(follow_ups) == set(ids), "a follow-up (the buttons) was lost"
        extra = sum(albums.values()) - len(albums) + sum(follow_ups.values()) - len(follow_ups)
        assert extra <= 1, f"channel {chat_id} repeated {extra} sends"
        repeated += extra
        for article_id, half_chat in half_posted:
            if half_chat == chat_id:  # its album was recorded: finished, never sent again
                assert albums[article_id] == 1
    assert repeated <= interrupted["sending"]  # only a request in flight at the kill repeats
    assert f"event=outbox_recovered rows={interrupted['sending']}" in bot.log
    assert (await emulator.client.stats()).too_many_requests == 0
