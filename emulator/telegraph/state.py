"""Telegraph's accounts and pages, and its rules for each call."""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from emulator.faults import FaultPlan

MAX_CONTENT_BYTES: Final = 64 * 1024
MAX_TITLE: Final = 256
MAX_SHORT_NAME: Final = 32
MAX_AUTHOR_NAME: Final = 128
MAX_AUTHOR_URL: Final = 512
MAX_DEPTH: Final = 32
ALLOWED_TAGS: Final = frozenset(
    {
        "a", "aside", "b", "blockquote", "br", "code", "em", "figcaption", "figure", "h3",
        "h4", "hr", "i", "iframe", "img", "li", "ol", "p", "pre", "s", "strong", "u", "ul",
        "video",
    }
)  # fmt: skip
ALLOWED_ATTRS: Final = frozenset({"href", "src"})
_SLUG_DROP = re.compile(r"[^\w\s-]")
_SLUG_SPACE = re.compile(r"[\s_-]+")


class TelegraphCallError(Exception):
    """A call Telegraph refuses: answered `{"ok": false, "error": error}`."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


@dataclass(slots=True)
class Account:
    """A Telegraph account."""

    short_name: str
    author_name: str
    access_token: str


@dataclass(slots=True)
class Page:
    """A page: its owner, title, byline, content (nodes) and versions."""

    path: str
    title: str
    author_name: str
    author_url: str
    content: list[Any]
    content_bytes: int
    owner_token: str
    edits: int = 0
    views: int = 0


@dataclass(slots=True)
class TelegraphState:
    """Every account and page of the emulated Telegraph, and its faults and counters."""

    base_url: str = ""
    """Where the pages are served (`{base_url}/telegraph/page/<path>`), set at start."""
    accounts: dict[str, Account] = field(default_factory=dict)
    pages: dict[str, Page] = field(default_factory=dict)
    faults: FaultPlan = field(default_factory=FaultPlan)
    calls: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)

    def page_url(self, path: str) -> str:
        """Return the public URL of a page."""
        return f"{self.base_url}/telegraph/page/{path}"

    def create_account(self, params: dict[str, str]) -> dict[str, Any]:
        """createAccount: short_name 1-32 characters, author_name 0-128."""
        short_name = params.get("short_name", "")
        if not short_name.strip():
            raise TelegraphCallError("SHORT_NAME_REQUIRED")
        if len(short_name) > MAX_SHORT_NAME:
            raise TelegraphCallError("SHORT_NAME_TOO_LONG")
        author_name = params.get("author_name", "")
        if len(author_name) > MAX_AUTHOR_NAME:
            raise TelegraphCallError("AUTHOR_NAME_TOO_LONG")
        token = secrets.token_hex(30)
        self.accounts[token] = Account(short_name, author_name, token)
        return {
            "short_name": short_name,
            "author_name": author_name,
            "author_url": "",
            "access_token": token,
            "auth_url": f"{self.base_url}/telegraph/auth/{token[:16]}",
        }

    def create_page(self, params: dict[str, str]) -> dict[str, Any]:
        """createPage: a valid token, title, byline and content; returns the Page."""
        account = self._account(params)
        title, author_name, author_url = self._page_fields(params, account)
        content, size = parse_content(params.get("content"))
        path = self._new_path(title)
        self.pages[path] = Page(
            path, title, author_name, author_url, content, size, account.access_token
        )
        return self.page_json(self.pages[path], with_content=_flag(params, "return_content"))

    def edit_page(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        """editPage/{path}: only the page's owner may replace its title and content."""
        account = self._account(params)
        page = self.pages.get(path)
        if page is None:
            raise TelegraphCallError("PAGE_NOT_FOUND")
        if page.owner_token != account.access_token:
            raise TelegraphCallError("PAGE_ACCESS_DENIED")
        title, author_name, author_url = self._page_fields(params, account)
        content, size = parse_content(params.get("content"))
        page.title, page.author_name, page.author_url = title, author_name, author_url
        page.content, page.content_bytes = content, size
        page.edits += 1
        return self.page_json(page, with_content=_flag(params, "return_content"))

    def get_page(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        """getPage/{path}: the page, with its content when asked."""
        page = self.pages.get(path)
        if page is None:
            raise TelegraphCallError("PAGE_NOT_FOUND")
        return self.page_json(page, with_content=_flag(params, "return_content"))

    def page_json(self, page: Page, *, with_content: bool) -> dict[str, Any]:
        """Return a Page object as Telegraph answers it."""
        body: dict[str, Any] = {
            "path": page.path,
            "url": self.page_url(page.path),
            "title": page.title,
            "description": _description(page.content),
            "author_name": page.author_name,
            "author_url": page.author_url,
            "views": page.views,
            "can_edit": False,
        }
        if with_content:
            body["content"] = page.content
        return body

    def _account(self, params: dict[str, str]) -> Account:
        """Return the account of the call's access_token."""
        account = self.accounts.get(params.get("access_token", ""))
        if account is None:
            raise TelegraphCallError("ACCESS_TOKEN_INVALID")
        return account

    def _page_fields(self, params: dict[str, str], account: Account) -> tuple[str, str, str]:
        """Check a page's title (1-256), author_name (0-128) and author_url (0-512)."""
        title = params.get("title", "")
        if not title.strip():
            raise TelegraphCallError("TITLE_REQUIRED")
        if len(title) > MAX_TITLE:
            raise TelegraphCallError("TITLE_TOO_LONG")
        author_name = params.get("author_name", account.author_name)
        if len(author_name) > MAX_AUTHOR_NAME:
            raise TelegraphCallError("AUTHOR_NAME_TOO_LONG")
        author_url = params.get("author_url", "")
        if len(author_url) > MAX_AUTHOR_URL:
            raise TelegraphCallError("AUTHOR_URL_TOO_LONG")
        if author_url and not author_url.startswith(("http://", "https://")):
            raise TelegraphCallError("AUTHOR_URL_INVALID")
        return title, author_name, author_url

    def _new_path(self, title: str) -> str:
        """Return `Title-Words-MM-DD`, with `-2`, `-3`... when taken (Telegraph's scheme)."""
        slug = _SLUG_SPACE.sub("-", _SLUG_DROP.sub("", title)).strip("-")[:100] or "page"
        today = datetime.now(UTC)
        base = f"{slug}-{today.month:02d}-{today.day:02d}"
        path, number = base, 1
        while path in self.pages:
            number += 1
            path = f"{base}-{number}"
        return path


def _flag(params: dict[str, str], name: str) -> bool:
    """Read a boolean parameter (`true`/`1`)."""
    return params.get(name, "").lower() in ("true", "1")


def parse_content(raw: str | None) -> tuple[list[Any], int]:
    """Check a page's content as Telegraph does; return the nodes and their size in bytes."""
    if raw is None or not raw.strip():
        raise TelegraphCallError("CONTENT_REQUIRED")
    size = len(raw.encode())
    try:
        content = json.loads(raw)
    except ValueError:
        raise TelegraphCallError("CONTENT_FORMAT_INVALID") from None
    compact = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()
    if max(size, len(compact)) > MAX_CONTENT_BYTES:
        raise TelegraphCallError("CONTENT_TOO_BIG")
    if not isinstance(content, list):
        raise TelegraphCallError("CONTENT_FORMAT_INVALID")
    for node in content:
        check_node(node, 0)
    if not _text_of(content).strip() and not _has_media(content):
        raise TelegraphCallError("CONTENT_TEXT_REQUIRED")
    return content, len(compact)


def check_node(node: Any, depth: int) -> None:
    """Refuse a node that is not text or an allowed element with allowed attributes."""
    if isinstance(node, str):
        return
    if depth > MAX_DEPTH or not isinstance(node, dict):
        raise TelegraphCallError("CONTENT_FORMAT_INVALID")
    tag = node.get("tag")
    if not isinstance(tag, str):
        raise TelegraphCallError("CONTENT_FORMAT_INVALID")
    if tag not in ALLOWED_TAGS:
        raise TelegraphCallError("TAG_NOT_ALLOWED")
    if set(node) - {"tag", "attrs", "children"}:
        raise TelegraphCallError("CONTENT_FORMAT_INVALID")
    attrs = node.get("attrs", {})
    if not isinstance(attrs, dict) or not all(isinstance(v, str) for v in attrs.values()):
        raise TelegraphCallError("CONTENT_FORMAT_INVALID")
    if set(attrs) - ALLOWED_ATTRS:
        raise TelegraphCallError("ATTRIBUTE_NOT_ALLOWED")
    children = node.get("children", [])
    if not isinstance(children, list):
        raise TelegraphCallError("CONTENT_FORMAT_INVALID")
    for child in children:
        check_node(child, depth + 1)


def _text_of(nodes: list[Any]) -> str:
    """Return the text of nodes, depth first."""
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            parts.append(node)
        elif isinstance(node, dict):
            parts.append(_text_of(node.get("children", [])))
    return "".join(parts)


def _has_media(nodes: list[Any]) -> bool:
    """Tell whether nodes hold an image, video or embed."""
    for node in nodes:
        if isinstance(node, dict):
            if node.get("tag") in ("img", "video", "iframe"):
                return True
            if _has_media(node.get("children", [])):
                return True
    return False


def _description(content: list[Any]) -> str:
    """Return the start of the page's text, as Telegraph's `description`."""
    return " ".join(_text_of(content).split())[:150]
