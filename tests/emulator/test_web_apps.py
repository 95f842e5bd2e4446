"""Mini Apps on the emulator: menu buttons and web-app buttons under Telegram's rules, launch
data signed as Telegram signs it, and the stand-in script's events recorded per launch."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from bot.services.webapp.auth import verify_init_data
from emulator.client import EmulatorError

APP = "https://news.example/app/"


async def started(emulator, name: str = "Ann"):
    """A user who has opened the private chat with the bot."""
    user = await emulator.client.create_user(name)
    await emulator.client.send_message(user.id, "/start")
    return user


async def test_the_menu_button_opens_a_mini_app_per_chat_or_by_default(api, emulator):
    ann = await started(emulator)
    assert await api.ok("getChatMenuButton") == {"type": "default"}
    button = {"type": "web_app", "text": "Reading list", "web_app": {"url": APP}}
    assert await api.ok("setChatMenuButton", menu_button=button) is True
    assert await api.ok("getChatMenuButton", chat_id=ann.id) == button
    assert await api.ok("setChatMenuButton", chat_id=ann.id, menu_button={"type": "commands"})
    assert await api.ok("getChatMenuButton", chat_id=ann.id) == {"type": "commands"}
    assert await api.ok("getChatMenuButton") == button


@pytest.mark.parametrize(
    ("button", "error"),
    [
        ({"type": "web_app", "text": "x", "web_app": {"url": "http://news.example/"}}, "HTTPS"),
        ({"type": "web_app", "text": "", "web_app": {"url": APP}}, "text"),
        ({"type": "web_app", "text": "x"}, "url"),
        ({"type": "nope"}, "unsupported"),
    ],
)
async def test_a_bad_menu_button_is_refused(api, button, error):
    reply = await api.refused("setChatMenuButton", menu_button=button)
    assert reply.status == 400
    assert error in reply.description
    assert await api.ok("getChatMenuButton") == {"type": "default"}


async def test_menu_buttons_are_for_private_chats_only(api, emulator):
    group = await emulator.client.create_group("Harbour")
    reply = await api.refused(
        "setChatMenuButton", chat_id=group.id, menu_button={"type": "commands"}
    )
    assert reply.description == "Bad Request: CHAT_TYPE_INVALID"


async def test_web_app_buttons_only_in_the_private_chat_and_over_https(api, emulator):
    ann = await started(emulator)
    group = await emulator.client.create_group("Harbour", member_ids=[ann.id])
    keyboard = {"inline_keyboard": [[{"text": "Open", "web_app": {"url": APP}}]]}
    sent = await api.ok("sendMessage", chat_id=ann.id, text="list", reply_markup=keyboard)
    assert sent["reply_markup"] == keyboard

    refused = await api.refused("sendMessage", chat_id=group.id, text="x", reply_markup=keyboard)
    assert refused.description == "Bad Request: BUTTON_TYPE_INVALID"
    plain = {"inline_keyboard": [[{"text": "Open", "web_app": {"url": "http://news.example/"}}]]}
    refused = await api.refused("sendMessage", chat_id=ann.id, text="x", reply_markup=plain)
    assert "Only HTTPS links are allowed" in refused.description
    local = {"inline_keyboard": [[{"text": "Open", "web_app": {"url": "http://127.0.0.1:9/"}}]]}
    assert await api.ok("sendMessage", chat_id=ann.id, text="x", reply_markup=local)
    assert len(await emulator.client.messages(group.id)) == 0


async def test_a_launch_carries_launch_data_the_bot_verifies_with_its_token(api, emulator):
    ann = await emulator.client.create_user("Ann", language_code="ru")
    button = {"type": "web_app", "text": "Reading list", "web_app": {"url": APP}}
    await api.ok("setChatMenuButton", menu_button=button)

    launch = await emulator.client.open_web_app(ann.id, theme="dark")
    parts = urlsplit(launch.url)
    assert launch.url.startswith(APP + "#")
    fragment = parse_qs(parts.fragment)
    assert fragment["tgWebAppData"] == [launch.init_data]
    assert json.loads(fragment["tgWebAppThemeParams"][0])["bg_color"] == "#17212b"
    user = verify_init_data(
        launch.init_data, emulator.token, now=datetime.now(UTC), max_age=timedelta(minutes=1)
    )
    assert (user.id, user.first_name, user.language_code) == (ann.id, "Ann", "ru")


async def test_a_launch_without_a_mini_app_or_user_is_refused(emulator):
    ann = await emulator.client.create_user("Ann")
    with pytest.raises(EmulatorError, match="no Mini App menu button"):
        await emulator.client.open_web_app(ann.id)
    with pytest.raises(EmulatorError, match="no user"):
        await emulator.client.open_web_app(999, url=APP)
    with pytest.raises(EmulatorError, match="https"):
        await emulator.client.open_web_app(ann.id, url="http://news.example/")


async def test_events_the_page_posts_are_recorded_per_launch(emulator):
    ann = await emulator.client.create_user("Ann")
    launch = await emulator.client.open_web_app(ann.id, url=APP, auth_date=int(time.time()))
    event = {
        "query_id": launch.query_id,
        "event_type": "web_app_switch_inline_query",
        "event_data": {"query": "id:5", "chat_types": ["users"]},
    }
    async with httpx.AsyncClient() as http:
        script = await http.get(f"{emulator.base_url}/js/telegram-web-app.js")
        taken = await http.post(f"{emulator.base_url}/web-app-events", content=json.dumps(event))
        unknown = await http.post(
            f"{emulator.base_url}/web-app-events",
            content=json.dumps({**event, "query_id": "forged"}),
        )
    assert script.status_code == 200
    assert "switchInlineQuery" in script.text
    assert (taken.status_code, unknown.status_code) == (204, 400)
    events = await emulator.client.web_app_events(
        launch.query_id, wait_for="web_app_switch_inline_query"
    )
    assert events == [
        {"type": "web_app_switch_inline_query", "data": {"query": "id:5", "chat_types": ["users"]}}
    ]
    with pytest.raises(TimeoutError):
        await emulator.client.web_app_events(launch.query_id, wait_for="web_app_close", within=0)
