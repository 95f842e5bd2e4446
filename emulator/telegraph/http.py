"""Telegraph over HTTP: the API under `/telegraph/`, pages, and control routes.

`POST|GET /telegraph/<method>[/<path>]` answers like api.telegra.ph: `{"ok": true,
"result": ...}`, or `{"ok": false, "error": "..."}` (HTTP 200) for a refused call.
Parameters come from the query, a form or a JSON body; `content` may be a JSON string or,
in a JSON body, the array itself. Faults planned with `POST /control/telegraph/faults`
(the Bot API's fault body, `method` being a Telegraph method) strike before a call: an
`error` with a code under 500 answers `{"ok": false, "error": description}` (say
`FLOOD_WAIT_5`), 500 and over answer that HTTP status with no JSON; `hang` and `drop`
as in the Bot API.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
from collections.abc import Awaitable, Callable
from typing import Any, Final

from aiohttp import web

from emulator.botapi import EMULATOR_KEY
from emulator.faults import FAULT_KINDS, Fault
from emulator.telegraph.state import TelegraphCallError, TelegraphState

_METHODS = {"createaccount", "createpage", "editpage", "getpage"}


def _state(request: web.Request) -> TelegraphState:
    """Return the emulated Telegraph."""
    return request.app[EMULATOR_KEY].telegraph


async def _params(request: web.Request) -> dict[str, str]:
    """Collect string parameters from the query and the body (the body wins)."""
    values: dict[str, str] = dict(request.query)
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = json.loads(await request.read() or b"{}")
            except ValueError:
                body = None
            if isinstance(body, dict):
                for key, value in body.items():
                    values[key] = value if isinstance(value, str) else json.dumps(value)
        else:
            form = await request.post()
            values.update({k: v for k, v in form.items() if isinstance(v, str)})
    return values


async def handle_call(request: web.Request) -> web.StreamResponse:
    """Run one Telegraph method."""
    state = _state(request)
    method = request.match_info["method"]
    name = method.lower()
    state.calls[method] = state.calls.get(method, 0) + 1
    if name not in _METHODS:
        return _refused(state, "METHOD_NOT_FOUND")
    fault = state.faults.take(method)
    if fault is not None:
        answer = await _fault(request, fault)
        if answer is not None:
            state.errors[fault.description] = state.errors.get(fault.description, 0) + 1
            return answer
    params = await _params(request)
    path = request.match_info.get("path", "")
    try:
        if name == "createaccount":
            result = state.create_account(params)
        elif name == "createpage":
            result = state.create_page(params)
        elif name == "editpage":
            result = state.edit_page(path, params)
        else:
            result = state.get_page(path, params)
    except TelegraphCallError as error:
        return _refused(state, error.error)
    return web.json_response({"ok": True, "result": result})


def _refused(state: TelegraphState, error: str) -> web.Response:
    """Answer a refused call as Telegraph does (HTTP 200, ok false)."""
    state.errors[error] = state.errors.get(error, 0) + 1
    return web.json_response({"ok": False, "error": error})


async def _fault(request: web.Request, fault: Fault) -> web.StreamResponse | None:
    """Apply an injected fault; return its answer (None after a drop: nothing is sent)."""
    if fault.kind == "error":
        if fault.error_code >= 500:
            return web.Response(status=fault.error_code, text=fault.description)
        return web.json_response({"ok": False, "error": fault.description})
    if fault.kind == "hang":
        emu = request.app[EMULATOR_KEY]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(emu.closing.wait(), fault.hang_seconds)
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=500)


async def serve_page(request: web.Request) -> web.Response:
    """GET /telegraph/page/<path>: the page as HTML (what a reader would open)."""
    state = _state(request)
    page = state.pages.get(request.match_info["path"])
    if page is None:
        return web.Response(status=404, text="Page not found")
    page.views += 1
    body = "".join(_node_html(node) for node in page.content)
    byline = html.escape(page.author_name)
    if page.author_url:
        byline = f'<a href="{html.escape(page.author_url)}">{byline}</a>'
    text = (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f'<meta property="og:title" content="{html.escape(page.title)}">'
        f"<title>{html.escape(page.title)}</title></head><body><article>"
        f"<h1>{html.escape(page.title)}</h1><address>{byline}</address>{body}"
        "</article></body></html>"
    )
    return web.Response(text=text, content_type="text/html")


def _node_html(node: Any) -> str:
    """Render a stored (valid) node as HTML."""
    if isinstance(node, str):
        return html.escape(node, quote=False)
    tag = node["tag"]
    attrs = "".join(
        f' {name}="{html.escape(value)}"' for name, value in node.get("attrs", {}).items()
    )
    if tag in ("br", "hr", "img"):
        return f"<{tag}{attrs}>"
    inner = "".join(_node_html(child) for child in node.get("children", []))
    return f"<{tag}{attrs}>{inner}</{tag}>"


async def control_state(request: web.Request) -> web.Response:
    """GET /control/telegraph: accounts, pages (with their content), calls and errors."""
    state = _state(request)
    pages = [
        {
            **state.page_json(page, with_content=True),
            "content_bytes": page.content_bytes,
            "edits": page.edits,
        }
        for page in state.pages.values()
    ]
    return web.json_response(
        {
            "accounts": len(state.accounts),
            "pages": pages,
            "calls": state.calls,
            "errors": state.errors,
            "faults": state.faults.pending(),
        }
    )


async def control_add_fault(request: web.Request) -> web.Response:
    """POST /control/telegraph/faults: plan a fault for the next calls of a method."""
    try:
        data = await request.json()
    except ValueError:
        return web.json_response({"error": "the body must be a JSON object"}, status=400)
    if not isinstance(data, dict) or not isinstance(data.get("method"), str):
        return web.json_response({"error": "a fault needs a method"}, status=400)
    if data.get("kind", "error") not in FAULT_KINDS:
        return web.json_response(
            {"error": f"kind must be one of {', '.join(FAULT_KINDS)}"}, status=400
        )
    known = {"method", "kind", "times", "error_code", "description", "hang_seconds"}
    try:
        fault = Fault(**{k: v for k, v in data.items() if k in known})
    except TypeError as error:
        return web.json_response({"error": str(error)}, status=400)
    if not isinstance(fault.times, int) or fault.times < 1:
        return web.json_response({"error": "a fault's times must be at least 1"}, status=400)
    state = _state(request)
    state.faults.add(fault)
    return web.json_response({"faults": state.faults.pending()})


async def control_clear_faults(request: web.Request) -> web.Response:
    """DELETE /control/telegraph/faults: forget the planned faults."""
    state = _state(request)
    state.faults.clear()
    return web.json_response({"faults": []})


Handler = Callable[[web.Request], Awaitable[web.Response]]
CONTROL_ROUTES: Final[tuple[tuple[str, str, Handler], ...]] = (
    ("GET", "/control/telegraph", control_state),
    ("POST", "/control/telegraph/faults", control_add_fault),
    ("DELETE", "/control/telegraph/faults", control_clear_faults),
)
"""The emulated Telegraph's control routes (listed by `GET /control/` too)."""


def add_telegraph_routes(app: web.Application) -> None:
    """Register Telegraph's API, its pages and its control routes."""
    app.router.add_get("/telegraph/page/{path}", serve_page)
    app.router.add_route("*", "/telegraph/{method}", handle_call)
    app.router.add_route("*", "/telegraph/{method}/{path}", handle_call)
    for verb, path, handler in CONTROL_ROUTES:
        app.router.add_route(verb, path, handler)
