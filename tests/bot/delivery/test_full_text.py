"""Full text inside Telegram, end to end on the emulator: Telegraph pages linked from posts.

The publisher posts to the emulated Bot API and makes pages on the emulated Telegraph
(`/telegraph/`), with its real limits and injected faults.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import timedelta

import aiohttp
import pytest

from bot.delivery.fulltext import FullTextConfig, FullTextPages, utc_now
from bot.delivery.notices import AdminNotifier
from bot.delivery.publisher import Publisher
from bot.transport.telegraph import HttpTelegraph
from emulator import MessageView, RunningEmulator
from emulator.telegraph.state import MAX_CONTENT_BYTES
from news.entities import Channel, ChannelStyle, PageState
from news.render.post import FULL_TEXT_LABEL, ORIGINAL_LABEL
from news.render.telegraph import CONTINUE_TEXT
from tests.bot.delivery.conftest import FAST, NewsWorld, draft
from tests.support.clock import FakeWallClock
from tests.support.waiting import eventually

PAGES_FAST = FullTextConfig(retry_base_seconds=0.05, retry_max_seconds=0.2, poll_seconds=0.05)


@dataclass
class FullText:
    """The publisher with its full-text pages, both running."""

    publisher: Publisher
    pages: FullTextPages


@pytest.fixture
async def telegraph(emulator: RunningEmulator) -> AsyncIterator[HttpTelegraph]:
    api = HttpTelegraph(emulator.telegraph_base_url, timeout_seconds=2)
    yield api
    await api.close()


@pytest.fixture
def start(tg_bot, db, pacer, telegraph):
    """Return `start(config)`: an async context running the publisher and the page retrier."""

    class Running:
        def __init__(self, config: FullTextConfig, clock: FakeWallClock | None) -> None:
            self.pages = FullTextPages(telegraph, db, config, clock=clock or utc_now)
            self.publisher = Publisher(
                tg_bot,
                db,
                pacer,
                FAST,
                notifier=AdminNotifier(tg_bot, pacer, ()),
                pages=self.pages,
            )
            self.pages.on_link_ready = self.publisher.wake

        async def __aenter__(self) -> FullText:
            self.publisher.start()
            self.pages.start()
            return FullText(self.publisher, self.pages)

        async def __aexit__(self, *exc: object) -> None:
            await self.publisher.stop()
            await self.pages.stop()

    return lambda config=PAGES_FAST, clock=None: Running(config, clock)


async def add_fault(emulator: RunningEmulator, **fault) -> None:
    async with aiohttp.ClientSession() as session:
        answer = await session.post(f"{emulator.base_url}/control/telegraph/faults", json=fault)
        assert answer.status == 200, await answer.text()


async def routed(world: NewsWorld, channel: Channel, *, full_text: bool = True) -> None:
    """Route the world's source to the channel (with full-text pages when asked)."""
    assert world.source is not None
    await world.db.channels.route(world.source.id, channel.id)
    await world.db.telegraph.set_full_text(world.source.id, channel.id, full_text)


def links(post: MessageView) -> dict[str, str]:
    """Return the post's linked texts and their URLs."""
    text = post.text if post.text is not None else post.caption or ""
    entities = post.entities or post.caption_entities
    found = {}
    for entity in entities:
        if entity["type"] == "text_link":
            start, length = entity["offset"], entity["length"]
            found[text[start : start + length]] = entity["url"]
    return found


async def test_a_full_text_route_posts_with_a_link_to_its_page(
    world: NewsWorld, emulator: RunningEmulator, start
):
    full = await world.add_channel("Harbour full")
    plain = await world.add_channel("Harbour plain")
    photo = await world.add_channel("Harbour photo", style=ChannelStyle.PHOTO)
    [article] = await world.add_articles([draft(1, image_url="https://harbour.example/ferry.jpg")])
    for channel in (full, photo):
        await routed(world, channel)
    await routed(world, plain, full_text=False)
    await world.queue([article], [full, plain, photo])

    async with start():
        await world.wait_until_settled()

    state = emulator.emulator.telegraph
    [page] = state.pages.values()  # one page, shared by both full-text channels
    assert page.title == "Ferry number 1 sails on the winter route"
    assert page.author_name == "harbour.example"
    assert page.content[0] == {
        "tag": "figure",
        "children": [{"tag": "img", "attrs": {"src": "https://harbour.example/ferry.jpg"}}],
    }
    assert "Passengers on sailing 1" in str(page.content)
    url = state.page_url(page.path)
    [post] = await world.posts(full)
    assert links(post)[FULL_TEXT_LABEL] == url
    assert links(post)[ORIGINAL_LABEL] == "https://harbour.example/ferry/1"
    assert post.text is not None
    assert post.text.endswith(f"{FULL_TEXT_LABEL} · {ORIGINAL_LABEL}")
    [caption_post] = await world.posts(photo)
    assert links(caption_post)[FULL_TEXT_LABEL] == url
    [plain_post] = await world.posts(plain)
    assert FULL_TEXT_LABEL not in links(plain_post)
    assert state.calls == {"createAccount": 1, "createPage": 1}
    stored = await world.db.telegraph.page(article)
    assert stored is not None
    assert (stored.state, stored.url, stored.truncated) == (PageState.CREATED, url, False)


async def test_telegraph_down_posts_without_the_link_then_edits_it_in(
    world: NewsWorld, emulator: RunningEmulator, start
):
    channel = await world.add_channel("Harbour")
    ids = await world.add_articles([draft(1), draft(2)])
    await routed(world, channel)
    await add_fault(emulator, method="createPage", error_code=502, description="Bad Gateway")
    clock = FakeWallClock(utc_now())  # Telegraph's backoff lasts until the test moves it

    async with start(clock=clock) as running:
        await world.queue(ids, [channel])
        await world.wait_until_settled()
        posted = [post.message_id for post in await world.posts(channel)]
        assert len(posted) == 2
        assert running.publisher.stats.failed == 0
        assert len(emulator.emulator.telegraph.pages) == 0
        assert emulator.emulator.telegraph.calls["createPage"] == 1  # held after the failure
        clock.set(clock.now + timedelta(seconds=1))
        running.pages.wake()

        async def linked() -> bool:
            posts = await world.posts(channel)
            return all(FULL_TEXT_LABEL in links(post) for post in posts)

        await eventually(linked, within=10, what="the links edited in")
        await world.wait_until_edited()

    first, second = await world.posts(channel)
    assert [first.message_id, second.message_id] == posted  # edited in place
    # The failed page held Telegraph for a backoff: both went out without the link.
    for post in (first, second):
        [unlinked] = post.edits
        assert FULL_TEXT_LABEL not in unlinked["text"]
        assert post.text is not None
        assert post.text.startswith(unlinked["text"])
    state = emulator.emulator.telegraph
    assert len(state.pages) == 2
    assert state.errors["Bad Gateway"] == 1
    rows = await world.rows()
    assert all(row.edit_requested_at is None for row in rows)
    page = await world.db.telegraph.page(ids[0])
    assert page is not None
    assert (page.state, page.attempts, page.last_error) == (PageState.CREATED, 1, None)


async def test_a_flood_wait_is_honoured_before_telegraph_is_called_again(
    world: NewsWorld, emulator: RunningEmulator, start
):
    channel = await world.add_channel("Harbour")
    ids = await world.add_articles([draft(n) for n in range(1, 4)])
    await routed(world, channel)
    await add_fault(emulator, method="createPage", error_code=400, description="FLOOD_WAIT_3")
    state = emulator.emulator.telegraph
    clock = FakeWallClock(utc_now())  # the 3 seconds pass when the test says so

    async with start(clock=clock) as running:
        await world.queue(ids, [channel])
        await world.wait_until_settled()
        held_until = running.pages.held_until
        # Every post went out (none waited for Telegraph), and Telegraph was asked once.
        assert len(await world.posts(channel)) == 3
        assert state.calls["createPage"] == 1
        assert held_until == clock.now + timedelta(seconds=3)
        clock.set(held_until - timedelta(seconds=0.1))
        assert await running.pages.retry_due() == 0  # still held: nothing asked
        assert state.calls["createPage"] == 1
        clock.set(held_until)
        running.pages.wake()

        async def all_pages() -> bool:
            return len(state.pages) == 3

        await eventually(all_pages, within=10, what="pages after the flood wait")
        assert running.pages.held_until is None
        await world.wait_until_edited()

    assert state.calls["createPage"] == 4
    for post in await world.posts(channel):
        assert FULL_TEXT_LABEL in links(post)
    page = await world.db.telegraph.page(ids[0])
    assert page is not None
    assert page.attempts == 0  # a flood wait is not an attempt


async def test_an_oversize_article_is_cut_to_the_limit_and_links_to_the_rest(
    world: NewsWorld, emulator: RunningEmulator, start
):
    channel = await world.add_channel("Harbour")
    body = "\n\n".join(
        f"Paragraph {n}: the harbour master read the long report aloud to the council. " * 8
        for n in range(400)
    )
    [article] = await world.add_articles([replace(draft(1), body=body)])
    await routed(world, channel)
    await world.queue([article], [channel])

    async with start():
        await world.wait_until_settled()

    [page] = emulator.emulator.telegraph.pages.values()
    assert len(body.encode()) > 3 * MAX_CONTENT_BYTES
    assert MAX_CONTENT_BYTES - 2048 < page.content_bytes <= MAX_CONTENT_BYTES
    tail = page.content[-1]
    assert tail["children"][0]["attrs"] == {"href": "https://harbour.example/ferry/1"}
    assert CONTINUE_TEXT in tail["children"][0]["children"][0]
    stored = await world.db.telegraph.page(article)
    assert stored is not None
    assert stored.truncated
    [post] = await world.posts(channel)
    assert FULL_TEXT_LABEL in links(post)


async def test_a_changed_article_edits_its_page_once(
    world: NewsWorld, emulator: RunningEmulator, db, telegraph
):
    [article_id] = await world.add_articles([draft(1)])
    article = await db.articles.get(article_id)
    pages = FullTextPages(telegraph, db, PAGES_FAST)
    url = await pages.link_for_post(article, "Harbour Times")
    assert url is not None
    await pages.refresh(article, "Harbour Times")  # unchanged: no call
    [page] = emulator.emulator.telegraph.pages.values()
    assert page.edits == 0
    changed = replace(article, body="The night ferry was cancelled after all.")
    await pages.refresh(changed, "Harbour Times")
    await pages.refresh(changed, "Harbour Times")  # edited once, then up to date
    assert page.edits == 1
    assert "cancelled after all" in str(page.content)
    assert await pages.link(article_id) == url
