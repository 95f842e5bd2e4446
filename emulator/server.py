"""Run the emulator: an aiohttp app, an async context manager for tests, a standalone server."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from importlib import resources

from aiohttp import web

from emulator import webapp
from emulator.botapi import EMULATOR_KEY, REGISTRY_KEY, add_bot_api_routes
from emulator.client import EmulatorClient
from emulator.control import add_control_routes
from emulator.core import DEFAULT_TOKEN, Emulator, EmulatorConfig
from emulator.flood import FloodLimits
from emulator.methods import build_registry
from emulator.telegraph.http import add_telegraph_routes

MAX_REQUEST_BYTES = 60 * 1024 * 1024
SHUTDOWN_SECONDS = 1.0


def create_app(emulator: Emulator) -> web.Application:
    """Build the aiohttp application serving the Bot API and the control API."""
    app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    app[EMULATOR_KEY] = emulator
    app[REGISTRY_KEY] = build_registry()
    add_bot_api_routes(app)
    add_control_routes(app)
    add_web_app_routes(app)
    add_telegraph_routes(app)
    return app


def add_web_app_routes(app: web.Application) -> None:
    """Serve the stand-in `telegram-web-app.js` and take the events pages post with it."""
    script = resources.files("emulator").joinpath("static", "telegram-web-app.js")
    body = script.read_text(encoding="utf-8")
    cors = {"Access-Control-Allow-Origin": "*", "Timing-Allow-Origin": "*"}

    async def serve_script(_request: web.Request) -> web.Response:
        """GET /js/telegram-web-app.js: the stand-in for Telegram's script."""
        return web.Response(
            text=body,
            content_type="application/javascript",
            headers={"Cache-Control": "no-cache", **cors},
        )

    async def take_event(request: web.Request) -> web.Response:
        """POST /web-app-events: one event a page sent to "Telegram" (204; 400 if refused)."""
        recorded = webapp.record_event(app[EMULATOR_KEY], await request.read())
        return web.Response(status=204 if recorded else 400, headers=cors)

    app.router.add_get("/js/telegram-web-app.js", serve_script)
    app.router.add_post("/web-app-events", take_event)


@dataclass(frozen=True, slots=True)
class RunningEmulator:
    """A started emulator: its URLs, its in-process state, and an open control client."""

    emulator: Emulator
    base_url: str
    client: EmulatorClient

    @property
    def token(self) -> str:
        """Return the bot token the emulator accepts."""
        return self.emulator.config.token

    @property
    def api_base_url(self) -> str:
        """Return the value for PTB's `base_url` / TELEGRAM_API_BASE_URL (ends in /bot)."""
        return f"{self.base_url}/bot"

    @property
    def telegraph_base_url(self) -> str:
        """Return the value for TELEGRAPH_API_BASE_URL (the emulated Telegraph)."""
        return f"{self.base_url}/telegraph"

    @property
    def file_base_url(self) -> str:
        """Return the value for PTB's `base_file_url` (ends in /file/bot)."""
        return f"{self.base_url}/file/bot"


@asynccontextmanager
async def running_emulator(
    host: str = "127.0.0.1", port: int = 0, *, config: EmulatorConfig | None = None
) -> AsyncIterator[RunningEmulator]:
    """Serve an emulator on host:port (0 picks a free port) for the duration of the block."""
    emulator = Emulator(config)
    runner = web.AppRunner(
        create_app(emulator),
        handle_signals=False,
        access_log=None,
        shutdown_timeout=SHUTDOWN_SECONDS,
    )
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound_host, bound_port = runner.addresses[0][:2]
        base_url = f"http://{_url_host(bound_host)}:{bound_port}"
        emulator.telegraph.base_url = base_url
        async with EmulatorClient(base_url) as client:
            try:
                yield RunningEmulator(emulator, base_url, client)
            finally:
                await emulator.close()
    finally:
        await runner.cleanup()


def _url_host(host: str) -> str:
    """Bracket IPv6 literals for use in a URL."""
    return f"[{host}]" if ":" in host else host


def serve_forever(
    host: str = "127.0.0.1",
    port: int = 8081,
    *,
    token: str = DEFAULT_TOKEN,
    flood_limits: bool = True,
    announce: Callable[[str], None] | None = None,
) -> None:
    """Run a standalone emulator until SIGINT/SIGTERM (`newsbot emulator --port P`)."""
    asyncio.run(serve(host, port, token=token, flood_limits=flood_limits, announce=announce))


async def serve(
    host: str = "127.0.0.1",
    port: int = 8081,
    *,
    token: str = DEFAULT_TOKEN,
    flood_limits: bool = True,
    announce: Callable[[str], None] | None = None,
) -> None:
    """Serve a standalone emulator on the running loop until SIGINT/SIGTERM."""
    config = EmulatorConfig(token=token)
    if not flood_limits:
        config = replace(config, flood=FloodLimits.off())
    await _serve(host, port, config, announce or _print_now)


def _print_now(line: str) -> None:
    """Print a line at once (the standalone server's output is often piped)."""
    print(line, flush=True)


async def _serve(
    host: str, port: int, config: EmulatorConfig, announce: Callable[[str], None]
) -> None:
    """Serve until a termination signal arrives."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    async with running_emulator(host, port, config=config) as running:
        announce(f"Telegram Bot API emulator on {running.base_url}")
        announce(f"  TELEGRAM_API_BASE_URL={running.api_base_url}")
        shown = running.token if running.token == DEFAULT_TOKEN else "<your configured token>"
        announce(f"  TELEGRAM_BOT_TOKEN={shown}")
        announce(f"  WEBAPP_SCRIPT_URL={running.base_url}/js/telegram-web-app.js")
        announce(f"  TELEGRAPH_API_BASE_URL={running.telegraph_base_url}")
        announce(
            f"  control API: {running.base_url}/control/ (GET it for the routes; "
            "how to drive it by hand: docs/emulator.md)"
        )
        gc.freeze()  # start-up objects live as long as the process: keep them out of full GCs
        await stop.wait()
