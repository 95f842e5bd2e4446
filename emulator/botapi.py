"""The Bot API over HTTP: `/bot<token>/<method>` and `/file/bot<token>/<path>`."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from aiohttp import web

from emulator.core import TOKEN_FORMAT, Emulator
from emulator.errors import ApiError, not_found, unauthorized
from emulator.faults import Fault
from emulator.methods import MethodEntry
from emulator.methods.base import MethodResult
from emulator.params import read_params

EMULATOR_KEY = web.AppKey("emulator", Emulator)
REGISTRY_KEY = web.AppKey("registry", dict[str, MethodEntry])


class _DropConnection(Exception):
    """Close the connection without an answer (an injected fault)."""


def _check_token(emu: Emulator, token: str) -> None:
    """Malformed tokens get 404 and unknown well-formed ones 401, as from Telegram."""
    if not TOKEN_FORMAT.match(token):
        raise not_found()
    if token != emu.config.token:
        raise unauthorized()


async def _run_fault_before(emu: Emulator, fault: Fault) -> None:
    """Apply a fault that strikes before the method runs."""
    if fault.kind == "error":
        raise ApiError(
            fault.error_code,
            fault.description,
            retry_after=fault.retry_after,
            migrate_to_chat_id=fault.migrate_to_chat_id,
        )
    if fault.kind == "hang":
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(emu.closing.wait(), fault.hang_seconds)
        raise _DropConnection
    if fault.kind == "drop":
        raise _DropConnection


def _drop(request: web.Request) -> web.Response:
    """Abort the TCP connection; the response returned is never written."""
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=500)


async def handle_bot_call(request: web.Request) -> web.StreamResponse:
    """Run one Bot API method and answer Telegram's JSON envelope."""
    emu = request.app[EMULATOR_KEY]
    entry = request.app[REGISTRY_KEY].get(request.match_info["method"].lower())
    method = entry.name if entry else request.match_info["method"]
    emu.stats.record_call(method)
    fault: Fault | None = None
    try:
        _check_token(emu, request.match_info["token"])
        if entry is None:
            raise not_found()
        fault = emu.faults.take(method)
        if fault is not None and fault.kind != "drop_after":
            await _run_fault_before(emu, fault)
        params = await read_params(request)
        outcome = await entry.handler(emu, params)
    except ApiError as exc:
        emu.stats.record_error(method, exc.error_code, exc.description, exc.detail)
        return web.json_response(exc.to_payload(), status=exc.error_code)
    except _DropConnection:
        return _drop(request)
    if fault is not None and fault.kind == "drop_after":
        return _drop(request)
    body: dict[str, Any] = {"ok": True}
    if isinstance(outcome, MethodResult):
        body["result"] = outcome.result
        if outcome.description:
            body["description"] = outcome.description
    else:
        body["result"] = outcome
    return web.json_response(body)


async def handle_file_download(request: web.Request) -> web.StreamResponse:
    """Serve the bytes of an uploaded file by the file_path getFile gave."""
    emu = request.app[EMULATOR_KEY]
    if request.match_info["token"] != emu.config.token:
        return web.json_response(unauthorized().to_payload(), status=401)
    path = request.match_info["path"]
    for stored in emu.world.files.values():
        if stored.file_path == path and stored.data is not None:
            return web.Response(body=stored.data, content_type="application/octet-stream")
    return web.json_response(not_found().to_payload(), status=404)


def add_bot_api_routes(app: web.Application) -> None:
    """Register the Bot API and file download routes."""
    app.router.add_route("*", r"/bot{token}/{method}", handle_bot_call)
    app.router.add_get(r"/file/bot{token}/{path:.+}", handle_file_download)
