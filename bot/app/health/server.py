"""The optional HTTP server for operators: `GET /healthz` (JSON) and `GET /metrics` (Prometheus).

Started in post_init when HEALTH_PORT is set, stopped in post_shutdown. It reads the
application's `BotData`; it never shows the token, the webhook secret or any setting.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from aiohttp import web

from bot.app.health.report import HealthReport, database_down, health_report
from bot.context import BotData
from bot.metrics import CONTENT_TYPE
from storage.protocols import StoreStatus

log = logging.getLogger(__name__)

DATABASE_TIMEOUT_SECONDS = 3.0
"""A query slower than this counts as the database being unreachable."""
SHUTDOWN_SECONDS = 1.0


class HealthServer:
    """Serve `/healthz` and `/metrics` for one application on `listen:port`."""

    def __init__(self, data: BotData, listen: str, port: int) -> None:
        """Serve `data`'s database and metrics on `listen:port` (0: any free port)."""
        self._data = data
        self._listen = listen
        self._port = port
        self._runner: web.AppRunner | None = None
        self.started_at = datetime.now(UTC)
        self.port: int | None = None
        """The bound port once started."""

    async def start(self) -> None:
        """Bind and start serving."""
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        runner = web.AppRunner(
            app, handle_signals=False, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS
        )
        await runner.setup()
        try:
            site = web.TCPSite(runner, self._listen, self._port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        self.started_at = datetime.now(UTC)
        log.info("health_server_started", extra={"listen": self._listen, "port": self.port})

    async def stop(self) -> None:
        """Stop serving (idempotent)."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def report(self) -> HealthReport:
        """Build the `/healthz` report now."""
        now = datetime.now(UTC)
        status = await self._store_status(now)
        if isinstance(status, str):
            return database_down(status, started_at=self.started_at)
        return health_report(
            status,
            now=now,
            started_at=self.started_at,
            poll_interval_seconds=self._data.settings.poll_interval_seconds,
            integrity_problems=self._data.integrity_problems,
        )

    async def _store_status(self, now: datetime) -> StoreStatus | str:
        """Read the store's status, or return why it could not be read."""
        try:
            async with asyncio.timeout(DATABASE_TIMEOUT_SECONDS):
                return await self._data.db.status.read(now=now)
        except TimeoutError:
            return f"no answer within {DATABASE_TIMEOUT_SECONDS:g} s"
        except Exception as exc:  # any failure to read means "unreachable"; say which
            log.warning("health_database_unreachable", extra={"error": str(exc)})
            return str(exc) or type(exc).__name__

    async def _healthz(self, _request: web.Request) -> web.Response:
        """GET /healthz."""
        report = await self.report()
        return web.json_response(report.body, status=report.http_status)

    async def _metrics(self, _request: web.Request) -> web.Response:
        """GET /metrics: refresh the store gauges, then expose every metric."""
        status = await self._store_status(datetime.now(UTC))
        metrics = self._data.metrics
        metrics.set_store_status(None if isinstance(status, str) else status)
        return web.Response(body=metrics.exposition(), headers={"Content-Type": CONTENT_TYPE})
