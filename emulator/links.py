"""URL checks shared by `<a href>` entities and URL buttons, after Telegram's link rules."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_SCHEME_WITH_SLASHES = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")
_TG_SCHEME = re.compile(r"^tg:", re.IGNORECASE)
_OTHER_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:(?![0-9])")
_HOST = re.compile(r"^[^\s/?#:@\"'<>\\]+$")
_USER_LINK = re.compile(r"^tg:(?://)?user\?id=(\d{1,19})$", re.IGNORECASE)


class LinkError(ValueError):
    """The link is not one Telegram accepts; the message is Telegram's reason."""


def normalize_link(url: str) -> str:
    """Return the link as Telegram stores it (http(s) with a path, or tg:), or raise."""
    url = url.strip()
    if not url:
        raise LinkError("URL must be non-empty")
    match = _SCHEME_WITH_SLASHES.match(url)
    if match is None and _TG_SCHEME.match(url):
        return url
    if match is None and _OTHER_SCHEME.match(url):
        raise LinkError("Unsupported URL protocol")
    if match is None:
        url = "http://" + url
        scheme = "http"
    else:
        scheme = match.group(1).lower()
    if scheme == "tg":
        return url
    if scheme not in ("http", "https"):
        raise LinkError("Unsupported URL protocol")
    return _normalize_http(url, scheme)


def link_user_id(url: str) -> int | None:
    """Return the user id of a `tg://user?id=N` link, else None."""
    match = _USER_LINK.match(url.strip())
    return int(match.group(1)) if match else None


def _normalize_http(url: str, scheme: str) -> str:
    """Check host and port of an http(s) URL and give it at least a `/` path."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise LinkError("Wrong port number specified in the URL") from None
    host = parts.hostname or ""
    if not host or not _HOST.match(host) or host.startswith(".") or ".." in host:
        raise LinkError("Wrong HTTP URL")
    if port == 0:
        raise LinkError("Wrong port number specified in the URL")
    rest = url[len(scheme) + 3 :]
    netloc_end = len(rest)
    for separator in "/?#":
        index = rest.find(separator)
        if index != -1:
            netloc_end = min(netloc_end, index)
    netloc, tail = rest[:netloc_end], rest[netloc_end:]
    if not tail.startswith("/"):
        tail = "/" + tail
    return f"{scheme}://{netloc}{tail}"
