"""URL helpers for fetching: credentials never reach a message."""

from __future__ import annotations

import re

_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*:)?//[^/?#]*@")


def redact_url(url: str) -> str:
    """Return `url` without its `user:password@` part (works on malformed URLs too)."""
    match = _USERINFO.match(url.strip())
    if match is None:
        return url
    return f"{match.group(1) or ''}//" + url.strip()[match.end() :]
