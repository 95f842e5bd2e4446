"""Launch data checked as Telegram specifies: signature, freshness, the user it names."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode

import pytest

from bot.services.webapp.auth import (
    InitDataError,
    data_check_string,
    parse_fields,
    secret_key,
    sign_init_data,
    verify_init_data,
)
from bot.services.webapp.ratelimit import UserRateLimit
from tests.support.clock import FakeClock

DAY = timedelta(days=1)

# A published example of Telegram launch data with the bot token that signed it
# (docs.telegram-mini-apps.com, "Validating with Bot Token"); core.telegram.org gives the
# algorithm, this vector pins our reading of it.
EXAMPLE_TOKEN = "5768337691:" + "AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8"  # split: not token-shaped
EXAMPLE = (
    "query_id=AAHdF6IQAAAAAN0XohDhrOrc"
    "&user=%7B%22id%22%3A279058397%2C%22first_name%22%3A%22Vladislav%22%2C%22last_name%22"
    "%3A%22Kibenko%22%2C%22username%22%3A%22vdkfrost%22%2C%22language_code%22%3A%22ru%22"
    "%2C%22is_premium%22%3Atrue%7D"
    "&auth_date=1662771648"
    "&hash=c501b71e775f74ce10e377dea85a7ea24ecd640b223ea86dfe453e0eaed2e2b2"
)
EXAMPLE_SIGNED_AT = datetime.fromtimestamp(1662771648, UTC)
TOKEN = "123456789:emulator-token-for-tests"


def signed(user_id: int = 7, *, at: datetime, token: str = TOKEN, **extra: str) -> str:
    fields = {
        "auth_date": str(int(at.timestamp())),
        "query_id": "AAE1",
        "user": json.dumps({"id": user_id, "first_name": "Ann", "language_code": "ru"}),
        **extra,
    }
    return sign_init_data(fields, token)


def test_telegrams_example_is_accepted_with_its_token():
    user = verify_init_data(
        EXAMPLE, EXAMPLE_TOKEN, now=EXAMPLE_SIGNED_AT + timedelta(minutes=1), max_age=DAY
    )
    assert (user.id, user.first_name, user.username) == (279058397, "Vladislav", "vdkfrost")
    assert user.language_code == "ru"
    assert user.auth_date == EXAMPLE_SIGNED_AT


def test_the_data_check_string_is_sorted_lines_without_the_hash():
    # Telegram: 'auth_date=<auth_date>\nquery_id=<query_id>\nuser=<user>'
    fields = parse_fields(EXAMPLE)
    assert data_check_string(fields) == (
        "auth_date=1662771648\nquery_id=AAHdF6IQAAAAAN0XohDhrOrc\nuser="
        '{"id":279058397,"first_name":"Vladislav","last_name":"Kibenko",'
        '"username":"vdkfrost","language_code":"ru","is_premium":true}'
    )
    assert len(secret_key(EXAMPLE_TOKEN)) == 32


@pytest.mark.parametrize(
    ("mangle", "reason"),
    [
        (lambda d: d.replace("279058397", "279058398"), "bad signature"),  # another user
        (lambda d: d.replace("auth_date=1662771648", "auth_date=1662771649"), "bad signature"),
        (lambda d: d.replace("hash=c501", "hash=d501"), "bad signature"),
        (lambda d: d.split("&hash=")[0], "no hash"),
        (lambda d: d + "&auth_date=1", "field 'auth_date' repeated"),
        (lambda _: "", "no launch data"),
        (lambda _: "&&&", "malformed launch data"),
        (lambda d: d + "&x=" + "a" * 5000, "launch data too long"),
    ],
)
def test_forged_or_malformed_launch_data_is_refused(mangle, reason):
    with pytest.raises(InitDataError, match=reason):
        verify_init_data(mangle(EXAMPLE), EXAMPLE_TOKEN, now=EXAMPLE_SIGNED_AT, max_age=DAY)


def test_another_bots_token_does_not_verify():
    with pytest.raises(InitDataError, match="bad signature"):
        verify_init_data(EXAMPLE, TOKEN, now=EXAMPLE_SIGNED_AT, max_age=DAY)


def test_stale_launch_data_is_refused_after_the_maximum_age():
    now = datetime(2025, 1, 1, tzinfo=UTC)
    data = signed(at=now - DAY)
    assert verify_init_data(data, TOKEN, now=now, max_age=DAY).id == 7
    with pytest.raises(InitDataError, match="expired"):
        verify_init_data(data, TOKEN, now=now + timedelta(seconds=1), max_age=DAY)
    with pytest.raises(InitDataError, match="future"):
        verify_init_data(signed(at=now + timedelta(hours=1)), TOKEN, now=now, max_age=DAY)


@pytest.mark.parametrize(
    "user",
    ["not json", "[1]", '{"id": "7"}', '{"id": true}', '{"id": -1}', '{"first_name": "x"}'],
)
def test_a_signed_but_unreadable_user_is_refused(user):
    now = datetime(2025, 1, 1, tzinfo=UTC)
    data = sign_init_data({"auth_date": str(int(now.timestamp())), "user": user}, TOKEN)
    with pytest.raises(InitDataError):
        verify_init_data(data, TOKEN, now=now, max_age=DAY)


def test_signing_round_trips_every_field():
    now = datetime(2025, 1, 1, tzinfo=UTC)
    data = signed(at=now, start_param="x y&z")
    assert dict(parse_qsl(data))["start_param"] == "x y&z"
    assert verify_init_data(data, TOKEN, now=now, max_age=DAY).language_code == "ru"
    assert "hash=" in urlencode(parse_qsl(data))


def test_the_rate_limit_allows_a_burst_then_the_steady_rate_per_user():
    clock = FakeClock()
    limit = UserRateLimit(60, burst=3, clock=clock)
    assert [limit.allow(1) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limit.allow(1) == pytest.approx(1.0)
    assert limit.allow(2) == 0.0  # another user has their own bucket
    clock.advance(1.0)
    assert limit.allow(1) == 0.0
    assert limit.allow(1) > 0
