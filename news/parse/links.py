"""Link helpers: resolve hrefs against a base, find the real images of an HTML fragment."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from typing import Final
from urllib.parse import urljoin

MAX_GALLERY_IMAGES: Final = 10
"""An article keeps at most this many images: the most a Telegram album holds."""

_ABSOLUTE_PREFIXES = ("http://", "https://")
_IMG_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
# "<img" or "<IMG" in one scan: two substring searches took twice as long on a 4 KB body.
_IMG_START_RE = re.compile("<(?:img|IMG)")
_SRC_RE = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_TINY_RE = re.compile(r"""\b(?:width|height)\s*=\s*["']?[01]["'\s/>]""", re.IGNORECASE)
_TRACKER_RE = re.compile(r"tracking|/pixel|pixel\.(?:png|gif)|/1x1\.", re.IGNORECASE)
_IMAGE_PATH_RE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)(?:$|[?#])", re.IGNORECASE)


def resolve_url(href: str | None, base: str | None) -> str | None:
    """Return `href` made absolute against `base`; None for empty, script or fragment links."""
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    if href.startswith(_ABSOLUTE_PREFIXES):
        return href
    lowered = href[:11].lower()
    if lowered.startswith(("javascript:", "data:", "mailto:", "vbscript:")):
        return None
    if href.startswith("//"):
        return "https:" + href if base is None else urljoin(base, href)
    if base is None:
        return href if lowered.startswith(_ABSOLUTE_PREFIXES) else None
    return urljoin(base, href)


def looks_like_image_url(url: str) -> bool:
    """True when the URL's path ends with a common image extension."""
    return _IMAGE_PATH_RE.search(url) is not None


def first_image_in_html(fragment: str, base: str | None) -> str | None:
    """The `src` of the first `<img>` in an HTML fragment that is not a 1x1 tracking pixel."""
    return next(_html_images(fragment, base), None)


def images_in_html(fragment: str, base: str | None) -> list[str]:
    """The `src` of every `<img>` in an HTML fragment that is not a tracking pixel, in order."""
    return list(_html_images(fragment, base))


def gallery(urls: Iterable[str | None], limit: int = MAX_GALLERY_IMAGES) -> list[str]:
    """The first `limit` distinct, non-empty URLs of `urls`, in their order."""
    kept: list[str] = []
    for url in urls:
        if url and url not in kept:
            kept.append(url)
            if len(kept) == limit:
                break
    return kept


def _html_images(fragment: str, base: str | None) -> Iterator[str]:
    """Yield the resolved `src` of each real `<img>` of a fragment (pixels skipped)."""
    if _IMG_START_RE.search(fragment) is None:
        return
    for tag in _IMG_RE.finditer(fragment):
        markup = tag.group(0)
        if _TINY_RE.search(markup):
            continue
        src = _SRC_RE.search(markup)
        if src is None:
            continue
        value = html.unescape(src.group(1) or src.group(2) or src.group(3) or "")
        if _TRACKER_RE.search(value):
            continue
        found = resolve_url(value, base)
        if found is not None:
            yield found
