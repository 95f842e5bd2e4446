"""The health server over HTTP: /healthz 200 or 503, /metrics in Prometheus text 0.0.4."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from bot.app.health.server import HealthServer
from bot.context import BotData
from bot.ops.settings import Settings
from storage import open_database

TOKEN = "123456789:" + "HealthTokenHealthTokenHealthTokenXY"  # split: not token-shaped
SECRET = "health-secret-5d2f"


@pytest.fixture
async def served() -> AsyncIterator[tuple[BotData, httpx.AsyncClient]]:
    """A BotData with settings and an in-memory database, served on a free port."""
    data = BotData()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]  # pydantic-settings init kwarg
        telegram_bot_token=SecretStr(TOKEN),
        webhook_url="https://bot.example/hook",
        webhook_secret_token=SecretStr(SECRET),
    )
    db = await open_database(":memory:")
    data.attach(settings=settings, db=db)
    server = HealthServer(data, "127.0.0.1", 0)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            yield data, client
    finally:
        await server.stop()
        await db.close()


async def test_healthz_is_200_with_the_figures(served):
    _, client = served
    response = await client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["last_fetch_ok_at"] is None
    assert body["last_publish_ok_at"] is None
    assert body["sources_active"] == 0
    assert TOKEN not in response.text
    assert SECRET not in response.text


async def test_healthz_is_503_when_the_database_is_closed(served):
    data, client = served
    await data.db.close()
    response = await client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["database"] == "unreachable"
    assert body["database_error"] == "the database is closed"


async def test_healthz_is_503_before_the_database_is_attached(served):
    data, client = served
    data.detach()
    response = await client.get("/healthz")
    assert response.status_code == 503
    assert "not open" in response.json()["database_error"]


async def test_metrics_is_prometheus_text_0_0_4(served):
    data, client = served
    await data.db.sources.add("https://dale.example/rss", "Dale")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    assert {
        "newsbot_fetches",
        "newsbot_fetch_duration_seconds",
        "newsbot_publish",
        "newsbot_publish_request_duration_seconds",
        "newsbot_inline_queries",
        "newsbot_inline_query_duration_seconds",
        "newsbot_outbox_pending",
        "newsbot_sources_active",
        "newsbot_database_up",
    } <= set(families)
    assert families["newsbot_sources_active"].samples[0].value == 1
    assert families["newsbot_database_up"].samples[0].value == 1
    assert TOKEN not in response.text
    assert SECRET not in response.text


async def test_metrics_say_the_database_is_down(served):
    data, client = served
    await data.db.close()
    response = await client.get("/metrics")
    assert response.status_code == 200
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    assert families["newsbot_database_up"].samples[0].value == 0


async def test_other_paths_are_404(served):
    _, client = served
    assert (await client.get("/")).status_code == 404
