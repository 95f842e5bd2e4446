"""The Mini App end to end in headless Chromium: opened from the bot's menu button on the
emulator as a user, against the real bot process."""

from __future__ import annotations

from tests.support.browser import Browser
from tests.support.images import png_pixels
from tests.webapp.conftest import SAVED_BY_ANN, MiniAppWorld


async def open_as(world: MiniAppWorld, browser: Browser, user_id: int, **options) -> str:
    """Open the app from the menu button as a user; return the launch's query_id."""
    launch = await world.emulator.client.open_web_app(user_id, **options)
    await browser.get(launch.url)
    await browser.find(".item, #list-empty")
    return launch.query_id


def count_items(at_least: int):
    return lambda driver: len(driver.find_elements("css selector", ".item")) >= at_least


async def test_a_reader_lists_searches_removes_undoes_reads_shares_and_follows(world, browser):
    db = world.application.bot_data.db
    query_id = await open_as(world, browser, world.ann.id)

    # Newest saved first, 20 a page; scrolling loads the rest; never Bob's story.
    first_page = await browser.texts(".item .title")
    assert first_page[0] == world.anns[-1].title
    assert len(first_page) == 20
    await browser.script("window.scrollTo(0, document.body.scrollHeight)")
    await browser.until(count_items(SAVED_BY_ANN), "the second page")
    titles = await browser.texts(".item .title")
    assert titles == [a.title for a in reversed(world.anns)]
    assert world.bobs.title not in titles

    # Search with the bot's query language, within Ann's bookmarks only.
    await browser.type("#search", "lighthouse")
    await browser.until(lambda d: len(d.find_elements("css selector", ".item")) == 1, "search")
    assert await browser.texts(".item .title") == ["Lighthouse keeper retires"]
    await browser.type("#search", "secret")
    await browser.find("#list-empty")
    await browser.type("#search", "#harbour")
    await browser.until(lambda d: len(d.find_elements("css selector", ".item")) == 1, "tag")
    ferry = next(a for a in world.anns if a.title.startswith("Ferry"))

    # Remove, then undo: the bookmark is gone, then back in its place.
    await browser.click(".item .remove")
    await browser.until(lambda d: not d.find_elements("css selector", ".item"), "removal")
    assert await db.bookmarks.get(world.ann.id, ferry.id) is None
    await browser.click("#toast-undo")
    await browser.find(f'.item[data-id="{ferry.id}"]')
    restored = await db.bookmarks.get(world.ann.id, ferry.id)
    assert restored is not None
    assert restored.created_at.timestamp() > world.anns[0].fetched_at.timestamp()

    # Mark read.
    await browser.click(".item .read")
    await browser.find(".item.read")
    assert (await db.bookmarks.get(world.ann.id, ferry.id)).read_at is not None

    # The reader view, then share: the page asks Telegram to switch to inline mode.
    await browser.click(".item .title")
    assert (await browser.find("#reader h1")).text == ferry.title
    assert "Second paragraph" in " ".join(await browser.texts("#reader p"))
    await browser.click("#reader .share")
    events = await world.emulator.client.web_app_events(
        query_id, wait_for="web_app_switch_inline_query"
    )
    [switch] = [e for e in events if e["type"] == "web_app_switch_inline_query"]
    assert switch["data"]["query"] == f"id:{ferry.id}"
    answer = await world.emulator.client.ask_inline(world.ann.id, switch["data"]["query"])
    assert answer.result_ids[0].endswith(str(ferry.id)) or str(ferry.id) in answer.results[0]["id"]
    assert any(e["type"] == "web_app_trigger_haptic_feedback" for e in events)

    # Alerts: follow a search in the app, see it in /following in the chat.
    await browser.click("#reader-back")
    await browser.click("#tab-alerts")
    await browser.type("#follow-text", "ferry strike")
    await browser.click("#follow-add")
    await browser.find(".follow")
    assert "ferry strike" in (await browser.texts(".follow .query"))[0]
    await world.emulator.client.send_message(world.ann.id, "/following")
    replies = await world.emulator.client.wait_for_messages(world.ann.id, 2)
    assert "ferry strike" in replies[-1].text

    # Ann is no admin: no admin view.
    assert not (await browser.all("#tab-admin"))[0].is_displayed()


async def test_bob_sees_only_his_bookmark(world, browser):
    await open_as(world, browser, world.bob.id, theme="dark")
    assert await browser.texts(".item .title") == [world.bobs.title]
    background = await browser.script("return getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(23, 33, 43)"  # the dark theme's bg_color, #17212b


async def test_an_admin_sees_the_chart_of_the_last_30_days(world, browser, tmp_path):
    await open_as(world, browser, world.admin.id)
    await browser.click("#tab-admin")
    await browser.find("#chart svg rect.bar-articles")
    await browser.find("#sources .source")
    assert (await browser.texts("#sources .source td"))[0] == "Harbour Herald"
    chart = await browser.find("#chart")
    shot = tmp_path / "admin-chart.png"
    shot.write_bytes(await browser.run(lambda: chart.screenshot_as_png))

    width, height, rows = png_pixels(shot.read_bytes())
    step = len(rows[0]) // width
    background = rows[0][:3]
    painted = sum(
        1 for row in rows for x in range(0, len(row), step) if row[x : x + 3] != background
    )
    assert width > 100
    assert height > 50
    # Bars drawn (a day of 24 articles is a full-height bar), not an empty or filled box.
    assert 2 * width < painted < 0.9 * width * height
