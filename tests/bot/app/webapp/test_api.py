"""The Mini App's JSON API: authentication, acting only as the signed user, bad bodies."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app.webapp import WebAppServer
from bot.app.webapp.server import MAX_BODY_BYTES
from bot.context import BotData
from bot.ops.settings import Settings
from bot.services.webapp.auth import sign_init_data
from storage import Database, open_database
from tests.factories import add_source, draft, store
from tests.support.clock import FakeWallClock

TOKEN = "123456789:emulator-token-for-tests"
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
ANN, BOB, ADMIN = 11, 22, 99


def launch(user_id: int, *, at: datetime = NOW, token: str = TOKEN, language: str = "en") -> str:
    user = json.dumps({"id": user_id, "first_name": f"U{user_id}", "language_code": language})
    return sign_init_data({"auth_date": str(int(at.timestamp())), "user": user}, token)


def auth(user_id: int, **options) -> dict[str, str]:
    return {"Authorization": "tma " + launch(user_id, **options)}


@pytest.fixture
async def db() -> AsyncIterator[Database]:
    database = await open_database(":memory:")
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
def clock() -> FakeWallClock:
    return FakeWallClock(NOW)


@pytest.fixture
async def world(db):
    """Ann saved three stories, Bob one; one source, one channel."""
    for user_id in (ANN, BOB, ADMIN):
        await db.users.upsert(user_id, username=None, first_name="U", language_code="en")
    source = await add_source(db, "Herald", "https://herald.example/rss")
    articles = await store(
        db,
        source,
        draft(1, title="Ferry timetable cut", tags=["Harbour"], published_at=NOW),
        draft(2, title="Lighthouse repainted", tags=["Coast"], published_at=NOW),
        draft(3, title="Winter market opens", published_at=NOW),
        draft(4, title="Bob's secret story", published_at=NOW),
    )
    for n, article in enumerate(articles[:3]):
        await db.bookmarks.add(ANN, article.id, now=NOW - timedelta(minutes=10 - n))
    await db.bookmarks.add(BOB, articles[3].id, now=NOW)
    return articles


@pytest.fixture
async def client(db, clock, world) -> AsyncIterator[TestClient]:
    settings = Settings(
        _env_file=None,
        webapp_url="http://127.0.0.1/app/",
        admin_ids=frozenset({ADMIN}),
        webapp_requests_per_minute=60,
    )
    data = BotData(clock=clock)
    data.attach(settings=settings, db=db)
    server = WebAppServer(data, bot_token=TOKEN)
    async with TestClient(TestServer(server.application())) as test_client:
        yield test_client


async def test_the_page_is_served_with_the_configured_script(client):
    response = await client.get("/app/")
    page = await response.text()
    assert response.status == 200
    assert '<script src="https://telegram.org/js/telegram-web-app.js">' in page
    assert "script-src 'self' https://telegram.org" in response.headers["Content-Security-Policy"]
    assert (await client.get("/app/app.js")).status == 200


async def test_each_user_sees_only_their_bookmarks_newest_first(client, world):
    ann = await (await client.get("/app/api/bookmarks", headers=auth(ANN))).json()
    bob = await (await client.get("/app/api/bookmarks", headers=auth(BOB))).json()
    assert [i["title"] for i in ann["items"]] == [
        "Winter market opens",
        "Lighthouse repainted",
        "Ferry timetable cut",
    ]
    assert ann["next_offset"] is None
    assert ann["items"][0]["share_query"] == f"id:{world[2].id}"
    assert [i["title"] for i in bob["items"]] == ["Bob's secret story"]


async def test_search_and_filters_use_the_query_language_within_the_bookmarks(client):
    async def titles(**query):
        response = await client.get("/app/api/bookmarks", params=query, headers=auth(ANN))
        return [i["title"] for i in (await response.json())["items"]]

    assert await titles(q="ferry") == ["Ferry timetable cut"]
    assert await titles(q="secret") == []  # Bob's story is not in Ann's bookmarks
    assert await titles(tag="coast") == ["Lighthouse repainted"]
    assert await titles(q="#harbour") == ["Ferry timetable cut"]
    assert len(await titles(source="herald")) == 3
    assert await titles(source="nowhere") == []


async def test_another_users_article_is_not_read_or_changed(client, db, world):
    bobs = world[3].id
    for method, path in [
        ("GET", f"/app/api/articles/{bobs}"),
        ("POST", f"/app/api/bookmarks/{bobs}/remove"),
    ]:
        response = await client.request(method, path, headers=auth(ANN), json={})
        assert response.status == 404
    response = await client.post(
        f"/app/api/bookmarks/{bobs}/read", headers=auth(ANN), json={"read": True}
    )
    assert response.status == 404
    assert await db.bookmarks.get(BOB, bobs) is not None
    assert (await db.bookmarks.get(BOB, bobs)).read_at is None


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer x"},
        {"Authorization": "tma "},
        {"Authorization": "tma " + launch(ANN, token="987654321:another-bots-token")},
        {"Authorization": "tma " + launch(ANN, at=NOW - timedelta(days=1, seconds=1))},
        {"Authorization": "tma " + launch(ANN).replace("%22id%22%3A+11", "%22id%22%3A+22")},
        {"Authorization": "tma garbage&&="},
    ],
    ids=["missing", "scheme", "empty", "forged", "stale", "other-user", "malformed"],
)
async def test_without_valid_launch_data_nothing_is_read_or_changed(client, db, world, headers):
    article = world[0].id
    for method, path in [
        ("GET", "/app/api/me"),
        ("GET", "/app/api/bookmarks"),
        ("POST", f"/app/api/bookmarks/{article}/remove"),
        ("GET", "/app/api/admin/overview"),
    ]:
        response = await client.request(method, path, headers=headers, json={})
        assert response.status == 401, path
        assert "error" in await response.json()
    assert await db.bookmarks.get(ANN, article) is not None


async def test_remove_then_undo_puts_the_bookmark_back_in_place(client, db, world):
    middle = world[1].id
    await client.post(f"/app/api/bookmarks/{middle}/read", headers=auth(ANN), json={"read": True})
    response = await client.post(f"/app/api/bookmarks/{middle}/remove", headers=auth(ANN))
    removed = (await response.json())["removed"]
    assert await db.bookmarks.get(ANN, middle) is None

    response = await client.post(
        f"/app/api/bookmarks/{middle}/restore",
        headers=auth(ANN),
        json={"saved_at": removed["created_at"], "read_at": removed["read_at"]},
    )
    assert (await response.json()) == {"restored": True}
    page = await (await client.get("/app/api/bookmarks", headers=auth(ANN))).json()
    assert [i["article_id"] for i in page["items"]] == [world[2].id, middle, world[0].id]
    assert page["items"][1]["read"] is True


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b"[1, 2]", 400),
        (b'{"read": "yes"}', 400),
        (b"\xff\xfe", 400),
        (b'{"read": true, "pad": "' + b"x" * MAX_BODY_BYTES + b'"}', 413),
    ],
)
async def test_malformed_or_oversized_bodies_are_refused_without_a_500(
    client, db, world, body, status
):
    article = world[0].id
    response = await client.post(
        f"/app/api/bookmarks/{article}/read",
        data=body,
        headers={**auth(ANN), "Content-Type": "application/json"},
    )
    assert response.status == status
    assert "error" in await response.json()
    assert (await db.bookmarks.get(ANN, article)).read_at is None


@pytest.mark.parametrize(
    "path", ["/app/api/articles/0", "/app/api/articles/99999999999999999999", "/app/api/nope"]
)
async def test_bad_ids_and_unknown_routes_are_not_found(client, path):
    response = await client.get(path, headers=auth(ANN))
    assert response.status == 404


async def test_bad_query_parameters_are_400(client):
    response = await client.get("/app/api/bookmarks?offset=-1", headers=auth(ANN))
    assert response.status == 400


async def test_the_rate_limit_answers_429_per_user(client):
    statuses = [(await client.get("/app/api/me", headers=auth(ANN))).status for _ in range(21)]
    assert statuses[:20] == [200] * 20
    assert statuses[20] == 429
    assert (await client.get("/app/api/me", headers=auth(BOB))).status == 200


async def test_texts_come_in_the_users_language(client):
    me = await (await client.get("/app/api/me", headers=auth(ANN, language="ru"))).json()
    assert me["language"] == "ru"
    assert me["texts"]["undo"] == "Вернуть"
    assert me["admin"] is False


async def test_follows_are_added_paused_and_removed_as_the_user(client, db):
    response = await client.post("/app/api/follows", headers=auth(ANN), json={"text": "ferry"})
    assert (await response.json()) == {"status": "added", "number": 1}
    [follow] = (await (await client.get("/app/api/follows", headers=auth(ANN))).json())["follows"]
    assert follow["query"] == "ferry"

    other = await client.post(
        f"/app/api/follows/{follow['id']}/pause", headers=auth(BOB), json={"paused": True}
    )
    assert other.status == 404
    paused = await client.post(
        f"/app/api/follows/{follow['id']}/pause", headers=auth(ANN), json={"paused": True}
    )
    assert (await paused.json()) == {"paused": True}
    assert await db.follows.active() == []
    assert (
        await client.post(f"/app/api/follows/{follow['id']}/remove", headers=auth(BOB))
    ).status == 404
    assert (
        await client.post(f"/app/api/follows/{follow['id']}/remove", headers=auth(ANN))
    ).status == 200
    assert await db.follows.list(ANN) == []


async def test_admin_views_are_for_admins_only(client, db, world):
    refused = await client.get("/app/api/admin/overview", headers=auth(ANN))
    assert refused.status == 403
    source_id = world[0].source_id
    pause = await client.post(
        f"/app/api/admin/sources/{source_id}/pause", headers=auth(ANN), json={"paused": True}
    )
    assert pause.status == 403
    assert not (await db.sources.get(source_id)).paused

    overview = await (await client.get("/app/api/admin/overview", headers=auth(ADMIN))).json()
    assert [s["name"] for s in overview["sources"]] == ["Herald"]
    assert overview["sources"][0]["articles"] == 4
    assert len(overview["chart"]) == 30
    assert overview["chart"][-1] == {"day": "2025-03-01", "articles": 4, "posts": 0}
    paused = await client.post(
        f"/app/api/admin/sources/{source_id}/pause", headers=auth(ADMIN), json={"paused": True}
    )
    assert (await paused.json())["state"] == "paused"
    assert (await db.sources.get(source_id)).paused
