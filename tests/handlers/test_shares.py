"""Stories sent from inline mode are recorded as shares (chosen_inline_result), end to end."""

from __future__ import annotations

from telegram import Update

from bot.services.inline.results import article_id_of_result, result_id_of
from tests.factories import draft
from tests.handlers.conftest import reader_bot
from tests.support.reads import share_rows


def chosen_update(update_id: int, user_id: int, result_id: str) -> Update:
    """A chosen_inline_result update as Telegram would send it, with any result id."""
    data = {
        "update_id": update_id,
        "chosen_inline_result": {
            "result_id": result_id,
            "from": {"id": user_id, "is_bot": False, "first_name": "Ann"},
            "query": "ferry",
        },
    }
    return Update.de_json(data, None)


async def test_choosing_an_inline_result_records_a_share(bot_app, emulator, db, desk):
    source = await desk.source("Harbour Herald")
    ferry, keeper = await desk.store(
        source,
        draft("ferry", "Night ferry returns to the island route"),
        draft("keeper", "Lighthouse keeper retires"),
    )
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        group = await emulator.client.create_group("Harbour talk", member_ids=[ann.id])
        answer = await ann.inline("ferry")
        await ann.choose(answer, result_id_of(ferry.id), chat_id=group.id)
        await ann.choose(answer, result_id_of(ferry.id))
        await harness.wait_handled()
        shares = await db.shares.count_for_article(ferry.id)
        errors = harness.take_errors()

    assert answer.result_ids == [str(ferry.id)]
    assert shares == 2
    assert await db.shares.count_for_article(keeper.id) == 0
    first_share = (await share_rows(db))[0]
    assert first_share == (ann.id, str(ferry.id))
    assert errors == []


async def test_forged_or_stale_result_ids_record_nothing(bot_app, db, desk):
    source = await desk.source("Harbour Herald")
    [ferry] = await desk.store(source, draft("ferry", "Night ferry returns"))
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        answer = await ann.inline("ferry")
        forged = ["", "abc", "-1", "0", "1e3", "٣", "9" * 40, str(ferry.id + 1000), " 1"]
        for number, result_id in enumerate(forged, start=1):
            await harness.application.process_update(chosen_update(number, ann.id, result_id))
        await db.sources.remove(source.id)  # the story goes between answer and choice
        await ann.choose(answer, result_id_of(ferry.id))
        await harness.wait_handled()
        errors = harness.take_errors()

    assert await db.shares.count_all() == 0
    assert errors == []


def test_result_ids_round_trip_and_forgeries_decode_to_none():
    assert article_id_of_result(result_id_of(42)) == 42
    for forged in ("", "abc", "-1", "0", "007", "1e3", "٣", "9" * 40, " 1", "1 "):
        assert article_id_of_result(forged) is None
