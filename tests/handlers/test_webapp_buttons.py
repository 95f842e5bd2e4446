"""`/bookmarks` offers the Mini App (a web-app button) only when WEBAPP_URL is set."""

from __future__ import annotations

from handlers.webapp import set_menu_button
from tests.handlers.conftest import reader_bot
from tests.handlers.test_lists import greet, save_all, tides  # noqa: F401  (fixture)

APP = "https://news.example/app/"


async def test_bookmarks_carry_an_open_reading_list_button_when_the_app_is_on(
    bot_app,
    db,
    tides,  # noqa: F811
):
    async with reader_bot(bot_app, db, webapp_url=APP) as harness:
        ann = await harness.new_user("Ann", language_code="ru")
        await greet(harness, ann)
        await save_all(db, ann.id, tides)
        await ann.send("/bookmarks")
        [_, first] = await harness.wait_for_messages(ann.id, 2)
        await ann.press(first, text="▶")
        [_, turned] = await harness.client.messages(ann.id, from_bot=True)

    for message in (first, turned):
        assert message.buttons[-1] == [{"text": "Открыть список чтения", "web_app": {"url": APP}}]


async def test_no_web_app_button_without_webapp_url(bot_app, db, tides):  # noqa: F811
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        await greet(harness, ann)
        await save_all(db, ann.id, tides)
        await ann.send("/bookmarks")
        [_, first] = await harness.wait_for_messages(ann.id, 2)
        await ann.send("/search tide")
        [*_, found] = await harness.wait_for_messages(ann.id, 3)

    for message in (first, found):
        assert all("web_app" not in b for row in message.buttons for b in row)


async def test_the_menu_button_opens_the_app(bot_app, emulator):
    async with bot_app() as harness:
        assert await set_menu_button(harness.bot, APP)
    assert await emulator.client.chat_menu_button(emulator.token) == {
        "type": "web_app",
        "text": "Reading list",
        "web_app": {"url": APP},
    }
