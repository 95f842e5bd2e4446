"""Inline mode end to end: `@bot ...` queries answered by the real application on the emulator."""

from __future__ import annotations

from datetime import timedelta

import pytest
from telegram import InlineQueryResultArticle, InputTextMessageContent, LinkPreviewOptions

from bot.services.inline.results import (
    NO_BOOKMARKS_START,
    NOTHING_FOUND_START,
    PAGE_SIZE,
    PUBLIC_CACHE_SECONDS,
    article_result,
    parse_offset,
)
from bot.services.post_content import post_contents
from bot.transport.send import inline_markup
from news.render import encode_save, encode_share_query, post_keyboard
from tests.factories import PUBLISHED, draft
from tests.handlers.conftest import reader_bot

HOSTILE_QUERIES = [
    '"',
    '""',
    '"unclosed phrase',
    "NEAR(ferry lighthouse)",
    "ferry AND lighthouse OR quay NOT x",
    "title:ferry",
    "* ^ - + : ( ) { } [ ]",
    "ferry*",
    "#",
    "##",
    "source:",
    'source:"',
    "saved",
    "saved saved saved",
    "id:0",
    "id:99999999999999999999999",
    "id:-1",
    "x" * 256,
    "🚢⚓️🌊 " * 30,
    "שלום עולם مرحبا",
    "ǅ\u200b\u200e\u202e\ufeff",
    "\x00\x01\x7f",
    "паром маяк",
    "'; DROP TABLE articles; --",
]


@pytest.fixture
async def harbour(desk):
    """Two sources with stories about the harbour; returns the stored articles by key."""
    herald = await desk.source("Harbour Herald")
    gazette = await desk.source("Quay Gazette")
    herald_articles = await desk.store(
        herald,
        draft(
            "keeper",
            "Lighthouse keeper retires after forty winters",
            tags=["Lighthouse", "People"],
            image_url="https://harbour.example/img/keeper.jpg",
        ),
        draft("ferry", "Night ferry returns to the island route", tags=["Ferries"]),
        draft(
            "market",
            "Fish market opens an hour earlier",
            body="Traders said the lighthouse keeper once sold crabs here.",
            tags=["Market"],
        ),
    )
    gazette_articles = await desk.store(
        gazette,
        draft("paром", "Паром на остров снова ходит ночью", tags=["Паромы"]),
        draft("cafe", "Café on the pier reopens", tags=["São Paulo"]),
    )
    return {a.guid.removeprefix("guid-"): a for a in herald_articles + gazette_articles}


def titles(answer) -> list[str]:
    return [result["title"] for result in answer.results]


async def test_a_word_finds_the_story_rendered_like_a_post(bot_app, db, harbour):
    keeper = harbour["keeper"]
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        answer = await ann.inline("retires")

    assert answer.answered
    [result] = answer.results
    assert result["type"] == "article"
    assert result["id"] == str(keeper.id)
    assert result["title"] == "Lighthouse keeper retires after forty winters"
    assert result["description"].startswith("Harbour Herald · 30 Nov 2026 · Lighthouse keeper")
    assert result["thumbnail_url"] == "https://harbour.example/img/keeper.jpg"
    content = result["input_message_content"]
    assert content["parse_mode"] == "HTML"
    assert content["message_text"].startswith(
        '<b><a href="https://harbour.example/news/keeper">Lighthouse keeper retires'
    )
    assert "Harbour Herald · 30 Nov 2026 14:05" in content["message_text"]
    assert "#Lighthouse #People" in content["message_text"]
    buttons = result["reply_markup"]["inline_keyboard"][0]
    assert buttons[0]["callback_data"] == encode_save(keeper.id)
    assert buttons[1]["switch_inline_query"] == encode_share_query(keeper.id)
    assert answer.cache_time == PUBLIC_CACHE_SECONDS
    assert not answer.is_personal
    assert answer.next_offset == ""
    assert answer.button is None


async def test_results_built_as_json_are_exactly_what_ptb_would_send(db, harbour):
    keeper = harbour["keeper"]
    [content] = await post_contents(db, [keeper])
    result = article_result(keeper, content)
    content_json = result["input_message_content"]
    built_by_ptb = InlineQueryResultArticle(
        id=str(keeper.id),
        title=keeper.title,
        input_message_content=InputTextMessageContent(
            content_json["message_text"],
            parse_mode="HTML",
            link_preview_options=LinkPreviewOptions(url=keeper.url),
        ),
        reply_markup=inline_markup(post_keyboard(keeper.id)),
        description=result["description"],
        thumbnail_url=keeper.image_url,
    )
    assert built_by_ptb.to_dict() == result
    assert result["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == encode_save(
        keeper.id
    )


async def test_an_edited_story_is_answered_with_its_new_text(bot_app, db, desk, harbour):
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        before = await ann.inline("retires")
        renders = harness.application.bot_data.inline_renders
        await renders.drain()  # the render is written after the answer
        again = await ann.inline("retires")  # rendered once, read back from storage
        assert (renders.rendered, renders.reused) == (1, 1)
        herald = await db.sources.get(harbour["keeper"].source_id)
        await desk.store(herald, draft("keeper", "Lighthouse keeper retires in spring"))
        after = await ann.inline("retires")

    assert titles(before) == titles(again) == ["Lighthouse keeper retires after forty winters"]
    assert titles(after) == ["Lighthouse keeper retires in spring"]
    assert "retires in spring" in after.results[0]["input_message_content"]["message_text"]


async def test_title_matches_rank_above_body_matches_and_no_image_means_no_thumbnail(
    bot_app, db, harbour
):
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        answer = await ann.inline("lighthouse keeper")

    assert titles(answer) == [
        "Lighthouse keeper retires after forty winters",
        "Fish market opens an hour earlier",
    ]
    assert "thumbnail_url" not in answer.results[1]


async def test_prefix_tag_phrase_source_and_other_scripts(bot_app, db, harbour):
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        prefix = await ann.inline("lightho")
        short_prefix = await ann.inline("island rou")
        two_letters = await ann.inline("island ro")
        tag = await ann.inline("#ferries")
        two_tags = await ann.inline("#lighthouse #people")
        missing_tag = await ann.inline("#lighthouse #ferries")
        accent_tag = await ann.inline("#sao_paulo")
        phrase = await ann.inline('"keeper retires"')
        wrong_order = await ann.inline('"retires keeper"')
        source = await ann.inline("source:quay_gazette")
        source_quoted = await ann.inline('source:"Harbour Herald" ferry')
        cyrillic = await ann.inline("паро")
        accent = await ann.inline("cafe")

    assert set(titles(prefix)) == {
        "Lighthouse keeper retires after forty winters",
        "Fish market opens an hour earlier",
    }
    assert titles(short_prefix) == ["Night ferry returns to the island route"]
    assert two_letters.results == []  # 2 letters are a whole word, not yet a prefix
    assert titles(tag) == ["Night ferry returns to the island route"]
    assert titles(two_tags) == ["Lighthouse keeper retires after forty winters"]
    assert missing_tag.results == []
    assert titles(accent_tag) == ["Café on the pier reopens"]
    assert titles(phrase) == ["Lighthouse keeper retires after forty winters"]
    assert wrong_order.results == []
    assert set(titles(source)) == {"Паром на остров снова ходит ночью", "Café on the pier reopens"}
    assert titles(source_quoted) == ["Night ferry returns to the island route"]
    assert titles(cyrillic) == ["Паром на остров снова ходит ночью"]
    assert titles(accent) == ["Café on the pier reopens"]


async def test_empty_query_lists_the_latest_stories(bot_app, db, desk):
    source = await desk.source("Harbour Herald")
    await desk.store(
        source,
        draft("old", "Older harbour story", published_at=PUBLISHED.replace(hour=8)),
        draft("new", "Newer harbour story", published_at=PUBLISHED.replace(hour=20)),
    )
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        answer = await ann.inline("")

    assert titles(answer) == ["Newer harbour story", "Older harbour story"]
    assert answer.button is None


async def test_saved_searches_only_the_users_own_bookmarks(bot_app, db, harbour):
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        bob = await harness.new_user("Bob")
        await ann.inline("")  # the bot records Ann, so her bookmarks can be stored
        await bob.inline("")
        await db.bookmarks.add(ann.id, harbour["ferry"].id)
        await db.bookmarks.add(ann.id, harbour["keeper"].id)
        await db.bookmarks.add(bob.id, harbour["market"].id)
        ann_all = await ann.inline("saved")
        ann_words = await ann.inline("saved keeper")
        ann_other = await ann.inline("saved fish")
        bob_all = await bob.inline("saved")

    assert set(titles(ann_all)) == {
        "Night ferry returns to the island route",
        "Lighthouse keeper retires after forty winters",
    }
    assert ann_all.is_personal
    assert ann_all.cache_time == 0
    assert titles(ann_words) == ["Lighthouse keeper retires after forty winters"]
    assert ann_other.results == []
    assert ann_other.button["start_parameter"] == NO_BOOKMARKS_START
    assert titles(bob_all) == ["Fish market opens an hour earlier"]


async def test_paging_past_fifty_results(bot_app, db, desk):
    source = await desk.source("Harbour Herald")
    drafts = [
        draft(
            f"tide{n}",
            f"Tide table number {n} printed",
            published_at=PUBLISHED + timedelta(minutes=n),
        )
        for n in range(120)
    ]
    await desk.store(source, *drafts)
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        first = await ann.inline("tide")
        second = await ann.inline("tide", offset=first.next_offset)
        third = await ann.inline("tide", offset=second.next_offset)
        latest_first = await ann.inline("")
        latest_third = await ann.inline("", offset="100")
        forged = await ann.inline("tide", offset="-5")

    assert len(first.results) == PAGE_SIZE
    assert first.next_offset == "50"
    assert len(second.results) == PAGE_SIZE
    assert second.next_offset == "100"
    assert len(third.results) == 20
    assert third.next_offset == ""
    ids = first.result_ids + second.result_ids + third.result_ids
    assert len(set(ids)) == 120
    assert latest_first.results[0]["title"] == "Tide table number 119 printed"
    assert latest_first.next_offset == "50"
    assert [r["title"] for r in latest_third.results][-1] == "Tide table number 0 printed"
    assert latest_third.next_offset == ""
    assert forged.result_ids == first.result_ids  # a forged offset reads as the first page


async def test_nothing_found_answers_with_a_button_that_opens_the_bot(bot_app, db, harbour):
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        answer = await ann.inline("zeppelin")

    assert answer.answered
    assert answer.results == []
    assert answer.button["start_parameter"] == NOTHING_FOUND_START
    assert "Nothing matched" in answer.button["text"]


async def test_share_query_resolves_exactly_one_article(bot_app, db, harbour):
    ferry = harbour["ferry"]
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        shared = await ann.inline(encode_share_query(ferry.id))
        gone = await ann.inline(encode_share_query(ferry.id + 1000))

    assert shared.result_ids == [str(ferry.id)]
    assert gone.results == []
    assert gone.button["start_parameter"] == NOTHING_FOUND_START


async def test_hostile_queries_always_get_a_valid_answer(bot_app, db, harbour):
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        answers = [await ann.inline(query) for query in HOSTILE_QUERIES]
        stats = await harness.client.stats()

    assert all(answer.answered for answer in answers)
    assert stats.descriptions("answerInlineQuery") == []
    by_query = dict(zip(HOSTILE_QUERIES, answers, strict=True))
    assert titles(by_query["паром маяк"]) == []
    assert len(by_query["ferry*"].results) == 1  # `*` is punctuation, not an operator


def test_offsets_are_our_own_integers_or_zero():
    assert parse_offset("") == 0
    assert parse_offset("50") == 50
    assert parse_offset("-5") == 0
    assert parse_offset("1e3") == 0
    assert parse_offset("٣") == 0
    assert parse_offset("9" * 40) == 0


async def test_a_typing_user_is_written_once_not_per_keystroke(bot_app, db, harbour):
    writes: list[int] = []
    upsert = db.users.upsert

    async def counting_upsert(user_id, **fields):
        writes.append(user_id)
        return await upsert(user_id, **fields)

    db.users.upsert = counting_upsert  # type: ignore[method-assign]  # count the writes
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        for text in ("lig", "ligh", "light", "lighthouse"):
            await ann.inline(text)
        assert writes == [ann.id]
        await ann.send("/help")  # a private message always refreshes the user
        await harness.wait_for_messages(ann.id, 1)
    assert writes == [ann.id, ann.id]
    assert (await db.users.get(ann.id)) is not None
