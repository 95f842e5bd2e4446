"""`/bookmarks` and `/search` in the private chat: paging, removal, isolation, end to end."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.services.reading_list import (
    ListKind,
    ListPage,
    decode_list_data,
    encode_page,
    encode_remove,
    fit_words,
)
from handlers.bookmarks import SAVED
from handlers.lists import NOT_YOUR_LIST, REMOVED_ONE, SEARCH_USAGE
from news.render import encode_save
from tests.factories import PUBLISHED, draft
from tests.handlers.conftest import reader_bot
from tests.support.reads import bookmark_ids


@pytest.fixture
async def tides(desk):
    """Twelve stored stories, `Tide table 0` … `Tide table 11`."""
    source = await desk.source("Harbour Herald")
    return await desk.store(
        source,
        *(
            draft(
                f"tide{n}",
                f"Tide table {n} printed",
                published_at=PUBLISHED + timedelta(minutes=n),
                tags=["Tides"] if n % 2 else ["Boats"],
            )
            for n in range(12)
        ),
    )


async def save_all(db, user_id: int, articles) -> None:
    """Save the articles in order, one second apart (the last one newest)."""
    for n, article in enumerate(articles):
        await db.bookmarks.add(user_id, article.id, now=PUBLISHED + timedelta(seconds=n))


def listed(message) -> list[str]:
    """Return the story titles a list message shows, in order."""
    return [line.split(". ", 1)[1] for line in message.text.split("\n") if line[:1].isdigit()]


async def the_list(harness, user) -> object:
    """Return the bot's latest message in the user's private chat."""
    return (await harness.client.messages(user.id, from_bot=True))[-1]


async def greet(harness, *users) -> None:
    """Each user opens the private chat with /start; the bot's reply shows it knows them."""
    for user in users:
        await user.send("/start")
        await harness.wait_for_messages(user.id, 1)


async def test_bookmarks_page_newest_first_and_edit_the_same_message(bot_app, db, tides):
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        await greet(harness, ann)
        await save_all(db, ann.id, tides)
        await ann.send("/bookmarks")
        [_, first] = await harness.wait_for_messages(ann.id, 2)
        await ann.press(first, text="▶")
        second = await the_list(harness, ann)
        await ann.press(second, text="▶")
        third = await the_list(harness, ann)
        await ann.press(third, text="◀")
        back = await the_list(harness, ann)

    assert first.text.startswith("Your bookmarks, newest first:")
    assert listed(first) == [f"Tide table {n} printed" for n in (11, 10, 9, 8, 7)]
    assert first.button_texts == ["✖ 1", "✖ 2", "✖ 3", "✖ 4", "✖ 5", "▶"]
    assert second.message_id == first.message_id
    assert listed(second) == [f"Tide table {n} printed" for n in (6, 5, 4, 3, 2)]
    assert second.button_texts == ["✖ 6", "✖ 7", "✖ 8", "✖ 9", "✖ 10", "◀", "▶"]
    assert listed(third) == ["Tide table 1 printed", "Tide table 0 printed"]
    assert third.button_texts == ["✖ 11", "✖ 12", "◀"]
    assert listed(back) == listed(second)
    assert "Harbour Herald · 30 Nov 2026" in first.text
    assert first.entity_types.count("text_link") == 5


async def test_remove_from_the_list_and_from_the_last_page(bot_app, db, tides):
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        await greet(harness, ann)
        await save_all(db, ann.id, tides[:7])
        await ann.send("/bookmarks")
        [_, first] = await harness.wait_for_messages(ann.id, 2)
        removed = await ann.press(first, text="✖ 2")  # Tide table 5
        after = await the_list(harness, ann)
        await ann.press(after, text="▶")
        second = await the_list(harness, ann)
        await ann.press(second, text="✖ 6")  # Tide table 0, the last on its page
        emptied = await the_list(harness, ann)

    assert removed.text == REMOVED_ONE
    assert listed(after) == [f"Tide table {n} printed" for n in (6, 4, 3, 2, 1)]
    assert listed(second) == ["Tide table 0 printed"]
    assert listed(emptied) == [f"Tide table {n} printed" for n in (6, 4, 3, 2, 1)]
    assert "▶" not in emptied.button_texts
    remaining = [b.article_id for b in await db.bookmarks.list(ann.id)]
    assert remaining == [tides[n].id for n in (6, 4, 3, 2, 1)]


async def test_bookmarks_words_search_only_the_users_bookmarks(bot_app, db, tides):
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        bob = await harness.new_user("Bob")
        await greet(harness, ann, bob)
        await save_all(db, ann.id, tides[:4])
        await save_all(db, bob.id, tides[4:])
        await ann.send("/bookmarks #tides")
        await bob.send("/bookmarks 2")
        await ann.send("/bookmarks lighthouse")
        ann_replies = (await harness.wait_for_messages(ann.id, 3))[1:]
        [_, bob_reply] = await harness.wait_for_messages(bob.id, 2)

    assert ann_replies[0].text.startswith("Your bookmarks matching #tides:")
    assert set(listed(ann_replies[0])) == {"Tide table 1 printed", "Tide table 3 printed"}
    assert listed(bob_reply) == []  # "Tide table 2" is Ann's, not Bob's
    assert bob_reply.text.startswith("None of your bookmarks match 2")
    assert ann_replies[1].text == "None of your bookmarks match lighthouse."
    assert ann_replies[1].buttons == []


async def test_another_user_cannot_use_someone_elses_list(bot_app, db, tides):
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        bob = await harness.new_user("Bob")
        await greet(harness, ann, bob)
        await save_all(db, ann.id, tides[:3])
        await ann.send("/bookmarks")
        [_, message] = await harness.wait_for_messages(ann.id, 2)
        refused = await bob.press(message, text="✖ 1")
        still = await the_list(harness, ann)

    assert refused.text == NOT_YOUR_LIST
    assert still.edits == []
    assert len(await bookmark_ids(db, ann.id)) == 3


async def test_search_lists_results_with_save_buttons(bot_app, db, tides):
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        await ann.send("/search")
        await ann.send("/search #tides")
        replies = await harness.wait_for_messages(ann.id, 2)
        results = replies[1]
        saved = await ann.press(results, text="🔖 1")
        await ann.press(results, text="▶")
        [_, paged] = await harness.client.messages(ann.id, from_bot=True)

    assert replies[0].text == SEARCH_USAGE
    assert results.text.startswith("Stories matching #tides:")
    assert listed(results) == [f"Tide table {n} printed" for n in (11, 9, 7, 5, 3)]
    assert results.button_texts == ["🔖 1", "🔖 2", "🔖 3", "🔖 4", "🔖 5", "▶"]
    assert results.callback_data[0] == encode_save(tides[11].id)
    assert saved.text == SAVED
    assert [b.article_id for b in await db.bookmarks.list(ann.id)] == [tides[11].id]
    assert listed(paged) == ["Tide table 1 printed"]
    assert paged.button_texts == ["🔖 6", "◀"]


def test_list_data_round_trips_and_forgeries_decode_to_none():
    page = ListPage(ListKind.SEARCH, "ferry #harbour", 10)
    assert decode_list_data(encode_page(page)).page == page
    removal = decode_list_data(encode_remove(ListPage(ListKind.BOOKMARKS, "x", 5), 42))
    assert removal.remove_id == 42
    assert removal.page == ListPage(ListKind.BOOKMARKS, "x", 5)
    long_words = "паром " * 40
    assert len(encode_remove(ListPage(ListKind.BOOKMARKS, long_words), 2**63 - 1).encode()) <= 64
    assert fit_words(long_words).startswith("паром паром")
    for forged in ("bl:01:x", "bl:-1:", "bx:0:0:", "bx:99999999999999999999:0:", "zz:0:", None):
        assert decode_list_data(forged) is None
