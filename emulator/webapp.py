"""Mini Apps on the emulator: open one as a user, and record what the page asks of Telegram.

Telegram opens a Mini App at its URL with the launch parameters in the fragment:

    <url>#tgWebAppData=<initData>&tgWebAppVersion=8.0&tgWebAppPlatform=...
          &tgWebAppThemeParams=<JSON>

`initData` is signed the way Telegram signs it (HMAC-SHA256 with the key
HMAC_SHA256(key="WebAppData", msg=bot_token) over the sorted `key=value` lines), so the
bot's server checks it exactly as it checks Telegram's. The page loads the stand-in
`/js/telegram-web-app.js` (the same `window.Telegram.WebApp` subset the app uses), which
posts every event the real script would send to the client (`web_app_switch_inline_query`,
`web_app_close`, `web_app_trigger_haptic_feedback`, ...) to `/web-app-events`, where it is
recorded against the launch's `query_id` for tests to read.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from typing import Any, Final
from urllib.parse import urlencode, urlsplit

from emulator.core import Emulator
from emulator.errors import ControlError
from emulator.markup import LOOPBACK_HOSTS
from emulator.state import WebAppSession

WEB_APP_VERSION: Final = "8.0"
MAX_EVENTS: Final = 1000
MAX_EVENT_BYTES: Final = 8192
THEMES: Final[dict[str, dict[str, str]]] = {
    "light": {
        "bg_color": "#ffffff",
        "text_color": "#000000",
        "hint_color": "#999999",
        "link_color": "#2481cc",
        "button_color": "#2481cc",
        "button_text_color": "#ffffff",
        "secondary_bg_color": "#efeff3",
    },
    "dark": {
        "bg_color": "#17212b",
        "text_color": "#f5f5f5",
        "hint_color": "#708499",
        "link_color": "#6ab3f3",
        "button_color": "#5288c1",
        "button_text_color": "#ffffff",
        "secondary_bg_color": "#232e3c",
    },
}
"""Telegram Desktop's default day and night themes (a subset of the theme params)."""


def sign_init_data(fields: dict[str, str], token: str) -> str:
    """Return `fields` as launch data with the `hash` Telegram adds."""
    check = "\n".join(f"{key}={fields[key]}" for key in sorted(fields))
    secret = hmac.new(b"WebAppData", token.encode("utf-8"), hashlib.sha256).digest()
    digest = hmac.new(secret, check.encode("utf-8"), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": digest})


def open_web_app(
    emu: Emulator,
    user_id: int,
    *,
    url: str | None = None,
    theme: str = "light",
    auth_date: int | None = None,
    platform: str = "tdesktop",
) -> dict[str, Any]:
    """Open a Mini App as a user: `url`, or else the one the bot put on the user's menu
    button. Return the URL to load (launch parameters in its fragment) and its query_id."""
    world = emu.world
    user = world.users.get(user_id)
    if user is None or user.is_bot:
        raise ControlError(f"no user {user_id}")
    if theme not in THEMES:
        raise ControlError(f"theme must be one of {', '.join(THEMES)}")
    if url is None:
        button = world.menu_buttons.get(user_id) or world.menu_buttons.get(0) or {}
        if button.get("type") != "web_app":
            raise ControlError("the bot set no Mini App menu button; pass url")
        url = str(button["web_app"]["url"])
    parts = urlsplit(url)
    if not (parts.scheme == "https" or parts.hostname in LOOPBACK_HOSTS):
        raise ControlError("url must be https (or http on a loopback host)")
    query_id = "AA" + secrets.token_urlsafe(12)
    profile: dict[str, Any] = {"id": user.id, "first_name": user.first_name}
    if user.last_name:
        profile["last_name"] = user.last_name
    if user.username:
        profile["username"] = user.username
    if user.language_code:
        profile["language_code"] = user.language_code
    profile["allows_write_to_pm"] = True
    fields = {
        "auth_date": str(auth_date if auth_date is not None else int(time.time())),
        "query_id": query_id,
        "user": json.dumps(profile, ensure_ascii=False, separators=(",", ":")),
    }
    init_data = sign_init_data(fields, emu.config.token)
    fragment = urlencode(
        {
            "tgWebAppData": init_data,
            "tgWebAppVersion": WEB_APP_VERSION,
            "tgWebAppPlatform": platform,
            "tgWebAppThemeParams": json.dumps(THEMES[theme], separators=(",", ":")),
        }
    )
    world.web_app_sessions[query_id] = WebAppSession(query_id, user.id, url)
    return {
        "url": f"{url.split('#', 1)[0]}#{fragment}",
        "query_id": query_id,
        "init_data": init_data,
    }


def record_event(emu: Emulator, raw: bytes) -> bool:
    """Record one event a page posted (`{query_id, event_type, event_data}`); False for an
    unknown launch or a malformed event (nothing recorded)."""
    if len(raw) > MAX_EVENT_BYTES:
        return False
    try:
        event = json.loads(raw)
    except ValueError:
        return False
    if not isinstance(event, dict) or not isinstance(event.get("event_type"), str):
        return False
    session = emu.world.web_app_sessions.get(str(event.get("query_id")))
    if session is None or len(session.events) >= MAX_EVENTS:
        return False
    data = event.get("event_data")
    session.events.append(
        {"type": event["event_type"], "data": data if isinstance(data, dict) else {}}
    )
    emu.notify()
    return True


def session_json(session: WebAppSession) -> dict[str, Any]:
    """A launch and the events its page sent."""
    return {
        "query_id": session.query_id,
        "user_id": session.user_id,
        "url": session.url,
        "events": list(session.events),
    }
