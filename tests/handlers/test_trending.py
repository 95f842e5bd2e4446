"""`/trending` end to end: order by saves, shares and comments, Save buttons, languages."""

from __future__ import annotations

from bot.services.trending import NOTHING_TRENDING
from handlers.bookmarks import SAVED
from news.render import encode_save
from tests.factories import draft
from tests.handlers.conftest import reader_bot
from tests.support.reads import bookmark_ids

GROUP = -100500


async def engage(db, user_ids, *, saves=(), shares=(), comments=()):
    """Record saves and shares by these users, and comments, on articles (ids)."""
    for user_id in user_ids:
        await db.users.upsert(user_id, username=None, first_name="Reader", language_code="en")
    for index, article_id in enumerate(saves):
        await db.bookmarks.add(user_ids[index], article_id)
    for index, article_id in enumerate(shares):
        await db.shares.record(user_ids[index], article_id, result_id=f"r{index}")
    for index, article_id in enumerate(comments):
        await db.discussion.add_comment(GROUP, 100 + index, article_id)


def listed(message) -> list[str]:
    """Return the story titles the message shows, in order."""
    return [line.split(". ", 1)[1] for line in message.text.split("\n") if line[:1].isdigit()]


async def test_nothing_trending_yet(bot_app, db):
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        await ann.send("/trending")
        [reply] = await harness.wait_for_messages(ann.id, 1)
    assert reply.text == NOTHING_TRENDING
    assert reply.reply_markup is None


async def test_trending_order_counts_and_save_buttons(bot_app, db, desk):
    source = await desk.source("Harbour Herald")
    pier, fair, tide, quiet = await desk.store(
        source,
        draft("pier", "Pier repairs begin"),
        draft("fair", "Sheep fair opens"),
        draft("tide", "Spring tide expected"),
        draft("quiet", "Nothing happened at the lighthouse"),
    )
    # pier: 1 save (3); fair: 2 shares (4) + 1 comment (1) = 5; tide: 4 comments (4)
    await engage(
        db,
        [901, 902, 903],
        saves=[pier.id],
        shares=[fair.id, fair.id],
        comments=[fair.id, tide.id, tide.id, tide.id, tide.id],
    )
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        await ann.send("/trending")
        [reply] = await harness.wait_for_messages(ann.id, 1)
        answer = await ann.press(reply, data=reply.callback_data[2])
        saved = pier.id in await bookmark_ids(db, ann.id)

    assert reply.text.split("\n")[0] == "Trending in the last 24 hours:"
    assert listed(reply) == ["Sheep fair opens", "Spring tide expected", "Pier repairs begin"]
    lines = reply.text.split("\n")
    assert "Harbour Herald · 2 shares · 1 comment" in lines
    assert "Harbour Herald · 4 comments" in lines
    assert "Harbour Herald · 1 save" in lines
    assert reply.button_texts == ["🔖 1", "🔖 2", "🔖 3"]
    assert reply.callback_data == [encode_save(a.id) for a in (fair, tide, pier)]
    assert quiet.title not in reply.text
    assert "text_link" in reply.entity_types
    assert answer.text == SAVED
    assert saved


async def test_trending_in_russian(bot_app, db, desk):
    source = await desk.source("Harbour Herald")
    [pier] = await desk.store(source, draft("pier", "Pier repairs begin"))
    await engage(db, [901, 902], shares=[pier.id, pier.id], comments=[pier.id] * 5)
    async with reader_bot(bot_app, db) as harness:
        ivan = await harness.new_user("Ivan", language_code="ru")
        await ivan.send("/trending")
        [reply] = await harness.wait_for_messages(ivan.id, 1)
        await db.sources.remove(source.id)  # its articles go, with their shares and comments
        await ivan.send("/trending")
        [_, empty] = await harness.wait_for_messages(ivan.id, 2)
    assert reply.text.startswith("Популярное за последние 24 часа:\n\n1. Pier repairs begin\n")
    assert reply.text.endswith("Harbour Herald · 2 репоста · 5 комментариев")
    assert empty.text.startswith("Пока ничего не набирает популярность.")
