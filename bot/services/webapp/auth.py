"""Mini App launch data (`Telegram.WebApp.initData`) checked as Telegram specifies.

https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app:

    data_check_string = every field but `hash`, as `key=<value>`, sorted by key, joined
                        by "\\n" (values URL-decoded)
    secret_key        = HMAC_SHA256(key="WebAppData", msg=bot_token)
    valid             = hex(HMAC_SHA256(key=secret_key, msg=data_check_string)) == hash

and `auth_date` (when Telegram handed the data to the page) not older than a maximum age.
Anything else — a missing or repeated field, a bad signature, an unreadable `user` — is an
`InitDataError` naming the reason; the caller answers 401 and acts on nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final
from urllib.parse import parse_qsl, urlencode

MAX_INIT_DATA_CHARS: Final = 4096
"""Telegram's launch data is well under 1 KB; longer text is refused before parsing."""
SECRET_CONSTANT: Final = b"WebAppData"
MAX_FUTURE_SKEW: Final = timedelta(minutes=5)
"""An `auth_date` this far ahead of our clock is accepted (clocks differ), more is not."""


class InitDataError(ValueError):
    """The launch data is missing, malformed, forged or stale; `str()` says which."""


@dataclass(frozen=True, slots=True)
class WebAppUser:
    """The user the launch data speaks for, as Telegram signed it."""

    id: int
    first_name: str
    username: str | None
    language_code: str | None
    auth_date: datetime


def secret_key(bot_token: str) -> bytes:
    """Return the key launch data is signed with: HMAC_SHA256(key="WebAppData", bot_token)."""
    return hmac.new(SECRET_CONSTANT, bot_token.encode("utf-8"), hashlib.sha256).digest()


def data_check_string(fields: dict[str, str]) -> str:
    """Return the fields but `hash` as sorted `key=value` lines (Telegram's data-check-string)."""
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def sign_init_data(fields: dict[str, str], bot_token: str) -> str:
    """Return launch data for these fields with Telegram's `hash` added (emulator, tests)."""
    digest = hmac.new(
        secret_key(bot_token), data_check_string(fields).encode("utf-8"), hashlib.sha256
    ).hexdigest()
    return urlencode({**fields, "hash": digest})


def parse_fields(init_data: str) -> dict[str, str]:
    """Split launch data into its fields; `InitDataError` for a malformed or repeated one."""
    if not init_data:
        raise InitDataError("no launch data")
    if len(init_data) > MAX_INIT_DATA_CHARS:
        raise InitDataError("launch data too long")
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise InitDataError("malformed launch data") from None
    fields: dict[str, str] = {}
    for key, value in pairs:
        if key in fields:
            raise InitDataError(f"field {key!r} repeated")
        fields[key] = value
    return fields


def verify_init_data(
    init_data: str, bot_token: str, *, now: datetime, max_age: timedelta
) -> WebAppUser:
    """Return the user of signed, fresh launch data, or raise `InitDataError`."""
    fields = parse_fields(init_data)
    received = fields.get("hash", "")
    if not received:
        raise InitDataError("no hash")
    expected = hmac.new(
        secret_key(bot_token), data_check_string(fields).encode("utf-8"), hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(expected, received.lower()):
        raise InitDataError("bad signature")
    auth_date = _auth_date(fields.get("auth_date", ""))
    if now - auth_date > max_age:
        raise InitDataError("launch data expired")
    if auth_date - now > MAX_FUTURE_SKEW:
        raise InitDataError("launch data from the future")
    return _user(fields.get("user", ""), auth_date)


def _auth_date(text: str) -> datetime:
    """Read `auth_date` (Unix seconds)."""
    if not text.isdigit() or len(text) > 12:
        raise InitDataError("bad auth_date")
    return datetime.fromtimestamp(int(text), UTC)


def _user(text: str, auth_date: datetime) -> WebAppUser:
    """Read the JSON `user` field."""
    try:
        raw = json.loads(text)
    except ValueError:
        raise InitDataError("unreadable user") from None
    if not isinstance(raw, dict):
        raise InitDataError("unreadable user")
    user_id = raw.get("id")
    if not isinstance(user_id, int) or isinstance(user_id, bool) or not 0 < user_id < 2**63:
        raise InitDataError("bad user id")
    first_name = raw.get("first_name")
    username = raw.get("username")
    language = raw.get("language_code")
    return WebAppUser(
        id=user_id,
        first_name=first_name if isinstance(first_name, str) else "",
        username=username if isinstance(username, str) else None,
        language_code=language if isinstance(language, str) else None,
        auth_date=auth_date,
    )
