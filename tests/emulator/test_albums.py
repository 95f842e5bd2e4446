"""sendMediaGroup and photos by URL: Telegram's rules for albums, and its refusals of URLs it
cannot use (fetched from 127.0.0.1 only)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from emulator import EmulatorConfig, FloodLimits, RunningEmulator
from tests.support.botapi import BotApiCaller
from tests.support.feedserver import FeedServer
from tests.support.imageserver import serve_bad_images, serve_images


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    """Telegram's flood limits at their real windows (a test sends at most ~25 messages)."""
    return EmulatorConfig(flood=FloodLimits())


@pytest.fixture
async def images() -> AsyncIterator[FeedServer]:
    """An image server on 127.0.0.1."""
    async with FeedServer() as server:
        yield server


@pytest.fixture
async def channel(emulator: RunningEmulator) -> int:
    """A channel where the bot is an administrator."""
    return (await emulator.client.create_channel("Quay Photos")).id


def album(urls: list[str], caption: str | None = None) -> str:
    """The `media` parameter: photos by URL, the caption (HTML) on the first."""
    items: list[dict[str, str]] = [{"type": "photo", "media": url} for url in urls]
    if caption is not None:
        items[0] |= {"caption": caption, "parse_mode": "HTML"}
    return json.dumps(items)


async def test_album_posts_its_photos_as_one_group_with_the_caption_on_the_first(
    api: BotApiCaller, emulator: RunningEmulator, images: FeedServer, channel: int
):
    urls = serve_images(images, 3)

    sent = await api.ok(
        "sendMediaGroup", chat_id=channel, media=album(urls, "<b>Quay</b> at dawn")
    )

    assert len(sent) == 3
    assert len({message["media_group_id"] for message in sent}) == 1
    assert [m["message_id"] for m in sent] == sorted(m["message_id"] for m in sent)
    assert sent[0]["caption"] == "Quay at dawn"
    assert sent[0]["caption_entities"][0]["type"] == "bold"
    assert all("caption" not in message for message in sent[1:])
    assert (sent[0]["photo"][-1]["width"], sent[0]["photo"][-1]["height"]) == (41, 31)
    posted = await emulator.client.messages(channel, from_bot=True)
    assert [m.photo_url for m in posted] == urls  # fetched, in order
    assert {m.media_group_id for m in posted} == {sent[0]["media_group_id"]}


@pytest.mark.parametrize("count", [1, 11])
async def test_album_needs_two_to_ten_items(
    api: BotApiCaller, images: FeedServer, channel: int, count: int
):
    urls = serve_images(images, 11)[:count]

    refused = await api.refused("sendMediaGroup", chat_id=channel, media=album(urls))

    assert refused.description == "Bad Request: media must include 2-10 items"


async def test_album_takes_no_keyboard_and_no_caption_over_1024(
    api: BotApiCaller, images: FeedServer, channel: int
):
    urls = serve_images(images, 2)
    refused = await api.refused("sendMediaGroup", chat_id=channel, media=album(urls, "x" * 1025))
    assert refused.description == "Bad Request: message caption is too long"


@pytest.mark.parametrize(
    ("kind", "detail"),
    [
        ("page", "Wrong type of the web page content"),
        ("huge", "Wrong file identifier/HTTP URL specified"),
        ("broken", "IMAGE_PROCESS_FAILED"),
        ("missing", "Failed to get HTTP URL content"),
        ("unreachable", "Failed to get HTTP URL content"),
    ],
)
async def test_one_photo_telegram_cannot_use_refuses_the_whole_album(
    api: BotApiCaller,
    emulator: RunningEmulator,
    images: FeedServer,
    channel: int,
    kind: str,
    detail: str,
):
    good = serve_images(images, 2)
    bad = serve_bad_images(images)[kind]

    refused = await api.refused(
        "sendMediaGroup", chat_id=channel, media=album([good[0], bad, good[1]], "Quay")
    )

    assert refused.status == 400
    assert refused.description == (
        f'Bad Request: failed to send message #2 with the error message "{detail}"'
    )
    assert await emulator.client.messages(channel, from_bot=True) == []


@pytest.mark.parametrize(
    ("kind", "description"),
    [
        ("page", "Bad Request: wrong type of the web page content"),
        ("huge", "Bad Request: wrong file identifier/HTTP URL specified"),
        ("broken", "Bad Request: IMAGE_PROCESS_FAILED"),
        ("missing", "Bad Request: failed to get HTTP URL content"),
        ("unreachable", "Bad Request: failed to get HTTP URL content"),
    ],
)
async def test_send_photo_by_a_local_url_is_refused_as_telegram_refuses_it(
    api: BotApiCaller, images: FeedServer, channel: int, kind: str, description: str
):
    url = serve_bad_images(images)[kind]

    refused = await api.refused("sendPhoto", chat_id=channel, photo=url, caption="Quay")

    assert refused.description == description


async def test_send_photo_by_a_local_url_takes_the_image_size(
    api: BotApiCaller, images: FeedServer, channel: int
):
    [url] = serve_images(images, 1)
    sent = await api.ok("sendPhoto", chat_id=channel, photo=url)
    assert (sent["photo"][-1]["width"], sent["photo"][-1]["height"]) == (41, 31)


async def test_an_album_counts_each_photo_against_the_flood_limits(
    api: BotApiCaller, images: FeedServer, channel: int
):
    urls = serve_images(images, 10)
    await api.ok("sendMediaGroup", chat_id=channel, media=album(urls))
    await api.ok("sendMediaGroup", chat_id=channel, media=album(urls[:9]))

    too_big = await api.refused("sendMediaGroup", chat_id=channel, media=album(urls[:2]))
    assert too_big.status == 429  # 19 of 20 taken: two more do not fit, all or nothing
    await api.ok("sendMessage", chat_id=channel, text="the twentieth")
