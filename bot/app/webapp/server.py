"""The Mini App's HTTP server: the page (plain HTML/CSS/JS, no build step) and its JSON API.

Served on WEBAPP_LISTEN:WEBAPP_PORT at the path of WEBAPP_URL (a reverse proxy terminates
TLS in front of it). Every API call carries the Mini App's launch data in the header
`Authorization: tma <initData>`; the server checks it as Telegram specifies
(`bot.services.webapp.auth`) and then acts only as the user it was signed for:

    401  launch data missing, malformed, forged or stale       nothing read or changed
    429  the user's rate limit is used up (Retry-After)        nothing read or changed
    400  a body that is not a JSON object of the right fields  nothing changed
    413  a body over MAX_BODY_BYTES                            nothing changed
    403  an admin route for a user not in ADMIN_IDS            nothing read or changed
    404  an id the user has no access to                       nothing read or changed

Routes under the base path: `GET /` the page, `GET /app.js`, `GET /app.css`, and
`/api/...` (listed in `_api_routes`).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from html import escape
from importlib import resources
from typing import Any, Final
from urllib.parse import urlsplit

from aiohttp import web

from bot.context import BotData
from bot.ops.i18n import texts_for
from bot.services.admin.sources import pause_source, resume_source
from bot.services.webapp import admin, reader
from bot.services.webapp.auth import InitDataError, WebAppUser, verify_init_data
from bot.services.webapp.ratelimit import UserRateLimit
from bot.services.webapp.texts import ui_texts
from storage.errors import NotFoundError

log = logging.getLogger(__name__)

MAX_BODY_BYTES: Final = 16 * 1024
SHUTDOWN_SECONDS: Final = 1.0
MAX_ID: Final = 2**63 - 1
_ID: Final = "{id:[1-9][0-9]{0,18}}"
USER_KEY: Final = web.RequestKey("webapp_user", WebAppUser)
STATIC_FILES: Final = {"app.js": "application/javascript", "app.css": "text/css"}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def webapp_base_path(url: str) -> str:
    """Return the local path the app is served under: WEBAPP_URL's path, without a
    trailing slash (`https://x.example/app/` → `/app`, `https://x.example` → ``)."""
    return urlsplit(url).path.rstrip("/")


def json_ready(value: object) -> Any:
    """Turn dataclasses, enums, dates and tuples into JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: json_ready(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [json_ready(item) for item in value]
    if isinstance(value, dict):
        return {str(key): json_ready(item) for key, item in value.items()}
    return value


def _json(body: object, status: int = 200) -> web.Response:
    """Answer JSON (compact, UTF-8)."""
    return web.Response(
        text=json.dumps(json_ready(body), ensure_ascii=False, separators=(",", ":")),
        status=status,
        content_type="application/json",
        headers={"Cache-Control": "no-store"},
    )


def _error(status: int, message: str, **extra: object) -> web.Response:
    """Answer an error as `{"error": message}`."""
    response = _json({"error": message}, status)
    for key, value in extra.items():
        response.headers[key] = str(value)
    return response


class BadRequestError(Exception):
    """The request body or a parameter is not what the route reads (answered 400)."""


class WebAppServer:
    """Serve the Mini App and its API for one application."""

    def __init__(self, data: BotData, *, bot_token: str) -> None:
        """Serve `data`'s database for the bot with this token (its launch data key)."""
        settings = data.settings
        if settings.webapp_url is None:
            raise ValueError("WEBAPP_URL is not set")
        self._data = data
        self._token = bot_token
        self._base = webapp_base_path(settings.webapp_url)
        self._limit = UserRateLimit(settings.webapp_requests_per_minute)
        self._max_age = timedelta(seconds=settings.webapp_auth_max_age_seconds)
        self._runner: web.AppRunner | None = None
        self._page = _page(settings.webapp_script_url)
        self.port: int | None = None
        """The bound port once started."""

    def application(self) -> web.Application:
        """Build the aiohttp application (also used by tests without a socket)."""
        app = web.Application(
            client_max_size=MAX_BODY_BYTES, middlewares=[self._errors, self._authenticate]
        )
        base = self._base
        app.router.add_get(base + "/", self._index)
        if base:
            app.router.add_get(base, self._to_index)
        for name in STATIC_FILES:
            app.router.add_get(f"{base}/{name}", self._static)
        for method, path, handler in self._api_routes():
            app.router.add_route(method, f"{base}/api/{path}", handler)
        return app

    def _api_routes(self) -> list[tuple[str, str, Handler]]:
        """The JSON API: (method, path under /api/, handler)."""
        return [
            ("GET", "me", self._me),
            ("GET", "bookmarks", self._bookmarks),
            ("GET", f"articles/{_ID}", self._article),
            ("POST", f"bookmarks/{_ID}/remove", self._remove),
            ("POST", f"bookmarks/{_ID}/restore", self._restore),
            ("POST", f"bookmarks/{_ID}/read", self._read),
            ("GET", "follows", self._follows),
            ("POST", "follows", self._add_follow),
            ("POST", f"follows/{_ID}/pause", self._pause_follow),
            ("POST", f"follows/{_ID}/remove", self._remove_follow),
            ("GET", "admin/overview", self._admin_overview),
            ("POST", f"admin/sources/{_ID}/pause", self._pause_source),
        ]

    async def start(self) -> None:
        """Bind WEBAPP_LISTEN:WEBAPP_PORT and start serving."""
        settings = self._data.settings
        runner = web.AppRunner(
            self.application(),
            handle_signals=False,
            access_log=None,
            shutdown_timeout=SHUTDOWN_SECONDS,
        )
        await runner.setup()
        try:
            site = web.TCPSite(runner, settings.webapp_listen, settings.webapp_port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        log.info(
            "webapp_server_started",
            extra={"listen": settings.webapp_listen, "port": self.port, "path": self._base + "/"},
        )

    async def stop(self) -> None:
        """Stop serving (idempotent)."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    # --- middlewares ---------------------------------------------------------------------

    @web.middleware
    async def _errors(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Answer a bad body 400, an oversized one 413, and anything unforeseen 500 (logged),
        always as JSON."""
        try:
            return await handler(request)
        except BadRequestError as exc:
            return _error(400, str(exc))
        except web.HTTPRequestEntityTooLarge:
            return _error(413, f"request body over {MAX_BODY_BYTES} bytes")
        except web.HTTPException as exc:
            if exc.status >= 400 and request.path.startswith(f"{self._base}/api/"):
                return _error(exc.status, exc.reason)
            raise
        except Exception:
            log.exception("webapp_error", extra={"path": request.path})
            return _error(500, "internal error")

    @web.middleware
    async def _authenticate(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Let API calls through only with valid launch data, within the user's rate."""
        if not request.path.startswith(f"{self._base}/api/"):
            return await handler(request)
        header = request.headers.get("Authorization", "")
        scheme, _, init_data = header.partition(" ")
        if scheme.lower() != "tma" or not init_data:
            return _error(401, "launch data required (Authorization: tma <initData>)")
        try:
            user = verify_init_data(
                init_data.strip(), self._token, now=self._data.clock(), max_age=self._max_age
            )
        except InitDataError as exc:
            log.info("webapp_refused", extra={"reason": str(exc)})
            return _error(401, str(exc))
        wait = self._limit.allow(user.id)
        if wait > 0:
            return _error(429, "too many requests", **{"Retry-After": max(1, round(wait))})
        request[USER_KEY] = user
        return await handler(request)

    # --- the page ------------------------------------------------------------------------

    async def _index(self, _request: web.Request) -> web.Response:
        """GET /: the page, with the launch-data script of the settings."""
        return web.Response(
            text=self._page,
            content_type="text/html",
            headers={"Cache-Control": "no-cache", **_security_headers(self._data)},
        )

    async def _to_index(self, _request: web.Request) -> web.Response:
        """GET <base>: redirect to <base>/ so relative URLs resolve under it."""
        raise web.HTTPFound(self._base + "/")

    async def _static(self, request: web.Request) -> web.Response:
        """GET app.js / app.css."""
        name = request.path.rsplit("/", 1)[-1]
        body = _static_text(name)
        return web.Response(
            text=body,
            content_type=STATIC_FILES[name],
            headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
        )

    # --- reader routes -------------------------------------------------------------------

    async def _me(self, request: web.Request) -> web.Response:
        """GET api/me: who the user is, whether they are an admin, the page's texts."""
        user = request[USER_KEY]
        language = texts_for(user.language_code)
        return _json(
            {
                "user": {"id": user.id, "first_name": user.first_name},
                "admin": user.id in self._data.settings.admin_ids,
                "language": language.language,
                "texts": ui_texts(language),
            }
        )

    async def _bookmarks(self, request: web.Request) -> web.Response:
        """GET api/bookmarks?offset=&q=&tag=&source=: a page of the reading list."""
        user = request[USER_KEY]
        query = request.query
        narrow = reader.ListFilter(
            text=_short(query.get("q", "")),
            tag=_short(query.get("tag", "")),
            source=_short(query.get("source", "")),
        )
        page = await reader.reading_page(
            self._data.db, user.id, narrow, offset=_offset(query.get("offset", "0"))
        )
        return _json(page)

    async def _article(self, request: web.Request) -> web.Response:
        """GET api/articles/{id}: a saved article to read."""
        user = request[USER_KEY]
        view = await reader.reader_view(self._data.db, user.id, _id(request))
        if view is None:
            return _error(404, "not in your bookmarks")
        return _json(view)

    async def _remove(self, request: web.Request) -> web.Response:
        """POST api/bookmarks/{id}/remove: unsave; the answer holds what an undo needs."""
        user = request[USER_KEY]
        mark = await reader.remove_bookmark(self._data.db, user.id, _id(request))
        if mark is None:
            return _error(404, "not in your bookmarks")
        return _json({"removed": mark})

    async def _restore(self, request: web.Request) -> web.Response:
        """POST api/bookmarks/{id}/restore {saved_at, read_at?}: undo a removal."""
        user = request[USER_KEY]
        body = await _body(request)
        saved_at = _moment(body.get("saved_at"), "saved_at")
        read_at = None if body.get("read_at") is None else _moment(body["read_at"], "read_at")
        try:
            restored = await reader.undo_remove(
                self._data.db, user.id, _id(request), saved_at, read_at
            )
        except NotFoundError:
            restored = False
        return _json({"restored": restored})

    async def _read(self, request: web.Request) -> web.Response:
        """POST api/bookmarks/{id}/read {read}: mark read or unread."""
        user = request[USER_KEY]
        read = _flag(await _body(request), "read")
        if not await reader.mark_read(self._data.db, user.id, _id(request), read):
            return _error(404, "not in your bookmarks")
        return _json({"read": read})

    async def _follows(self, request: web.Request) -> web.Response:
        """GET api/follows: the user's follows, numbered as /following numbers them."""
        user = request[USER_KEY]
        follows = await reader.follows(self._data.db, user.id)
        return _json({"follows": [_follow_json(n, f) for n, f in enumerate(follows, 1)]})

    async def _add_follow(self, request: web.Request) -> web.Response:
        """POST api/follows {text}: follow a search as /follow does."""
        user = request[USER_KEY]
        text = _text(await _body(request), "text")
        result = await reader.add_follow(
            self._data.db,
            user.id,
            text,
            first_name=user.first_name,
            username=user.username,
            language_code=user.language_code,
            max_follows=self._data.settings.follows_per_user,
        )
        return _json({"status": result.status, "number": result.number})

    async def _pause_follow(self, request: web.Request) -> web.Response:
        """POST api/follows/{id}/pause {paused}: pause or resume one follow."""
        user = request[USER_KEY]
        paused = _flag(await _body(request), "paused")
        follow = await reader.set_follow_paused(self._data.db, user.id, _id(request), paused)
        if follow is None:
            return _error(404, "not your follow")
        return _json({"paused": follow.muted})

    async def _remove_follow(self, request: web.Request) -> web.Response:
        """POST api/follows/{id}/remove: stop following."""
        user = request[USER_KEY]
        if not await reader.remove_follow(self._data.db, user.id, _id(request)):
            return _error(404, "not your follow")
        return _json({"removed": True})

    # --- admin routes --------------------------------------------------------------------

    def _require_admin(self, request: web.Request) -> web.Response | None:
        """Return a 403 answer unless the user is an admin."""
        if request[USER_KEY].id not in self._data.settings.admin_ids:
            return _error(403, "admins only")
        return None

    async def _admin_overview(self, request: web.Request) -> web.Response:
        """GET api/admin/overview: sources, the 30-day chart, channels."""
        refused = self._require_admin(request)
        if refused is not None:
            return refused
        db, now = self._data.db, self._data.clock()
        return _json(
            {
                "sources": await admin.sources_overview(db, now=now),
                "chart": await admin.daily_chart(db, now=now),
                "channels": await admin.channels_overview(db, now=now),
            }
        )

    async def _pause_source(self, request: web.Request) -> web.Response:
        """POST api/admin/sources/{id}/pause {paused}: pause or resume fetching a source."""
        refused = self._require_admin(request)
        if refused is not None:
            return refused
        paused = _flag(await _body(request), "paused")
        try:
            change = pause_source if paused else resume_source
            source = await change(self._data.db, _id(request))
        except NotFoundError:
            return _error(404, "no such source")
        log.info(
            "webapp_source_pause",
            extra={"source": source.id, "paused": paused, "admin": request[USER_KEY].id},
        )
        return _json({"id": source.id, "state": admin.source_state(source)})


def _follow_json(number: int, follow: Any) -> dict[str, object]:
    """A follow as the page shows it."""
    return {"id": follow.id, "number": number, "query": follow.query, "paused": follow.muted}


def _security_headers(data: BotData) -> dict[str, str]:
    """Headers that keep the page to its own scripts (and Telegram's, or the stand-in's)."""
    script = urlsplit(data.settings.webapp_script_url)
    script_origin = f"{script.scheme}://{script.netloc}"
    return {
        "Content-Security-Policy": (
            f"default-src 'self'; script-src 'self' {script_origin}; "
            f"connect-src 'self' {script_origin}; img-src 'self' https: data:; "
            "style-src 'self'; frame-ancestors https://web.telegram.org 'self'; "
            "base-uri 'none'; form-action 'none'"
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }


def _static_text(name: str) -> str:
    """Return a file of the page from the package (read once)."""
    return _STATIC_CACHE.get(name) or _STATIC_CACHE.setdefault(
        name, resources.files(__package__).joinpath("static", name).read_text(encoding="utf-8")
    )


_STATIC_CACHE: dict[str, str] = {}


def _page(script_url: str) -> str:
    """Return index.html with the launch-data script's URL filled in."""
    return _static_text("index.html").replace("{{SCRIPT_URL}}", escape(script_url, quote=True))


async def _body(request: web.Request) -> dict[str, Any]:
    """Read the body as a JSON object (400 otherwise; 413 when too large)."""
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise web.HTTPRequestEntityTooLarge(
            max_size=MAX_BODY_BYTES, actual_size=request.content_length
        )
    raw = await request.read()
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadRequestError("the body is not JSON") from None
    if not isinstance(body, dict):
        raise BadRequestError("the body must be a JSON object")
    return body


def _id(request: web.Request) -> int:
    """Return the route's id (the route pattern admits digits only; 404 beyond 2^63-1)."""
    value = int(request.match_info["id"])
    if value > MAX_ID:
        raise web.HTTPNotFound(reason="no such id")
    return value


def _flag(body: dict[str, Any], name: str) -> bool:
    """Return a boolean field (400 when missing or not a boolean)."""
    value = body.get(name)
    if not isinstance(value, bool):
        raise BadRequestError(f"{name} must be true or false")
    return value


def _text(body: dict[str, Any], name: str) -> str:
    """Return a string field of at most 256 characters (400 otherwise)."""
    value = body.get(name)
    if not isinstance(value, str) or len(value) > reader.MAX_QUERY_CHARS:
        raise BadRequestError(
            f"{name} must be text of at most {reader.MAX_QUERY_CHARS} characters"
        )
    return value


def _moment(value: object, name: str) -> datetime:
    """Return an ISO 8601 time with a zone (400 otherwise)."""
    if not isinstance(value, str) or len(value) > 40:
        raise BadRequestError(f"{name} must be an ISO 8601 time")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadRequestError(f"{name} must be an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise BadRequestError(f"{name} must carry a time zone")
    return moment


def _short(text: str) -> str:
    """Return a query parameter, cut to the query language's length."""
    return text[: reader.MAX_QUERY_CHARS]


def _offset(text: str) -> int:
    """Return the offset parameter (400 unless a small non-negative integer)."""
    if not text.isdigit() or len(text) > 6:
        raise BadRequestError("offset must be a non-negative integer")
    return int(text)
