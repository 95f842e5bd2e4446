"""Telegraph's API (telegra.ph: Instant View pages) behind a small interface.

`TelegraphApi` is what the full-text service needs: `create_account`, `create_page`,
`edit_page`. `HttpTelegraph` speaks the real protocol (POST `{base}/{method}[/{path}]`,
form fields, `content` as a JSON array of nodes; answers `{"ok": true, "result": ...}` or
`{"ok": false, "error": "..."}`) on aiohttp. Every failure is one of the errors below, so
that callers decide on kinds, never on messages:

    TelegraphError
     ├─ TelegraphFlood        FLOOD_WAIT_N: wait N seconds before the next call
     ├─ TelegraphUnavailable  no answer, a broken one, or 5xx: try again later
     ├─ TelegraphTokenInvalid ACCESS_TOKEN_INVALID: make a new account
     └─ TelegraphRejected     any other refusal of the request (CONTENT_TOO_BIG, ...)

The access token is sent in the body, never in a URL, and never appears in an error.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol

import aiohttp

from news.render.telegraph import Node, content_json

DEFAULT_BASE_URL: Final = "https://api.telegra.ph"
_FLOOD = re.compile(r"^FLOOD_WAIT_(\d+)$")


class TelegraphError(Exception):
    """Telegraph did not do what was asked."""


class TelegraphFlood(TelegraphError):
    """Too many calls: wait `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"FLOOD_WAIT_{retry_after}")
        self.retry_after = retry_after


class TelegraphUnavailable(TelegraphError):
    """No usable answer (network, timeout, 5xx): nothing known, try again later."""


class TelegraphTokenInvalid(TelegraphError):
    """The stored account's token is refused."""


class TelegraphRejected(TelegraphError):
    """Telegraph refused the request itself (it would refuse it again)."""


@dataclass(frozen=True, slots=True)
class TelegraphAccount:
    """A Telegraph account: its name and the token that creates and edits its pages."""

    short_name: str
    access_token: str

    def __repr__(self) -> str:
        """Show the name only: the token is a credential."""
        return f"TelegraphAccount(short_name={self.short_name!r})"


@dataclass(frozen=True, slots=True)
class TelegraphPage:
    """A created page: its path (for editPage) and public URL."""

    path: str
    url: str


class TelegraphApi(Protocol):
    """What the bot calls on Telegraph."""

    async def create_account(self, short_name: str, author_name: str = "") -> TelegraphAccount:
        """Create an account and return its token."""
        ...

    async def create_page(
        self,
        token: str,
        *,
        title: str,
        nodes: Sequence[Node],
        author_name: str = "",
        author_url: str | None = None,
    ) -> TelegraphPage:
        """Create a page and return where it is."""
        ...

    async def edit_page(
        self,
        token: str,
        path: str,
        *,
        title: str,
        nodes: Sequence[Node],
        author_name: str = "",
        author_url: str | None = None,
    ) -> TelegraphPage:
        """Replace a page's title and content."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


class HttpTelegraph:
    """`TelegraphApi` over HTTP on one aiohttp session (opened on first use)."""

    def __init__(self, base_url: str = DEFAULT_BASE_URL, *, timeout_seconds: float = 10.0):
        """Call Telegraph at `base_url`; a call without an answer in `timeout_seconds`
        fails as unavailable."""
        self._base_url = base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: aiohttp.ClientSession | None = None
        self.calls = 0
        """How many calls were made (a test and benchmark counter)."""

    async def create_account(self, short_name: str, author_name: str = "") -> TelegraphAccount:
        result = await self._call(
            "createAccount", {"short_name": short_name, "author_name": author_name}
        )
        token = result.get("access_token")
        if not isinstance(token, str) or not token:
            raise TelegraphUnavailable("createAccount answered without an access token")
        return TelegraphAccount(str(result.get("short_name", short_name)), token)

    async def create_page(
        self,
        token: str,
        *,
        title: str,
        nodes: Sequence[Node],
        author_name: str = "",
        author_url: str | None = None,
    ) -> TelegraphPage:
        fields = _page_fields(token, title, nodes, author_name, author_url)
        return _page(await self._call("createPage", fields))

    async def edit_page(
        self,
        token: str,
        path: str,
        *,
        title: str,
        nodes: Sequence[Node],
        author_name: str = "",
        author_url: str | None = None,
    ) -> TelegraphPage:
        fields = _page_fields(token, title, nodes, author_name, author_url)
        return _page(await self._call(f"editPage/{path}", fields))

    async def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def _call(self, method: str, fields: dict[str, str]) -> dict[str, Any]:
        """POST one method and return its result, or raise the matching error."""
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        self.calls += 1
        name = method.split("/", 1)[0]
        try:
            async with self._session.post(f"{self._base_url}/{method}", data=fields) as answer:
                if answer.status >= 500:
                    raise TelegraphUnavailable(f"{name}: HTTP {answer.status}")
                try:
                    body = await answer.json(content_type=None)
                except ValueError:
                    raise TelegraphUnavailable(
                        f"{name}: not JSON (HTTP {answer.status})"
                    ) from None
        except (aiohttp.ClientError, TimeoutError) as error:
            raise TelegraphUnavailable(f"{name}: {type(error).__name__}") from None
        if not isinstance(body, dict):
            raise TelegraphUnavailable(f"{name}: unexpected answer")
        if body.get("ok") is True and isinstance(body.get("result"), dict):
            return body["result"]  # type: ignore[no-any-return]  # checked just above
        raise _error(name, str(body.get("error", "unknown error")))


def _error(method: str, error: str) -> TelegraphError:
    """Return the error for Telegraph's `error` string."""
    flood = _FLOOD.match(error)
    if flood is not None:
        return TelegraphFlood(int(flood.group(1)))
    if error == "ACCESS_TOKEN_INVALID":
        return TelegraphTokenInvalid(f"{method}: {error}")
    return TelegraphRejected(f"{method}: {error}")


def _page_fields(
    token: str, title: str, nodes: Sequence[Node], author_name: str, author_url: str | None
) -> dict[str, str]:
    """Return the form fields of createPage and editPage."""
    fields = {
        "access_token": token,
        "title": title,
        "author_name": author_name,
        "content": content_json(nodes),
        "return_content": "false",
    }
    if author_url:
        fields["author_url"] = author_url
    return fields


def _page(result: dict[str, Any]) -> TelegraphPage:
    """Read a Page object's path and URL."""
    path, url = result.get("path"), result.get("url")
    if not isinstance(path, str) or not isinstance(url, str):
        raise TelegraphUnavailable("the page answer has no path or URL")
    return TelegraphPage(path, url)
