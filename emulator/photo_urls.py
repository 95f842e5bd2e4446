"""Photos sent by URL: Telegram downloads them itself, and refuses what it cannot use.

The emulator has no network: a URL on this machine (127.0.0.1, localhost, ::1: a test's own
image server) is fetched and checked the way Telegram checks it; any other URL stands in
for a photo of `URL_PHOTO_SIZE` without being fetched. Telegram's answers (all 400,
`Bad Request: ...`), by what the URL gives:

- no answer, an HTTP error status: `failed to get HTTP URL content`;
- something that is not `image/*` (a web page): `wrong type of the web page content`;
- a photo over 5 MB (the limit by URL): `wrong file identifier/HTTP URL specified`;
- `image/*` bytes that are no image: `IMAGE_PROCESS_FAILED`.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import urlsplit

import aiohttp

from emulator.errors import ApiError, bad_request

MAX_URL_PHOTO_BYTES: Final = 5 * 1024 * 1024
"""Telegram downloads photos of at most 5 MB by URL (10 MB when uploaded)."""
FETCH_TIMEOUT_SECONDS: Final = 10.0
LOCAL_HOSTS: Final = frozenset({"127.0.0.1", "localhost", "::1"})

FAILED_TO_GET = "failed to get HTTP URL content"
WRONG_TYPE = "wrong type of the web page content"
WRONG_FILE = "wrong file identifier/HTTP URL specified"


def is_fetchable(url: str) -> bool:
    """True when the emulator fetches `url`: http(s) on this machine."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and (parts.hostname or "") in LOCAL_HOSTS


async def fetch_photo(url: str) -> bytes:
    """Download a photo as Telegram would, or raise its 400 answer."""
    timeout = aiohttp.ClientTimeout(total=FETCH_TIMEOUT_SECONDS)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(url, allow_redirects=True) as response,
        ):
            if response.status >= 400:
                raise bad_request(FAILED_TO_GET)
            kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if not kind.startswith("image/"):
                raise bad_request(WRONG_TYPE)
            declared = response.content_length
            if declared is not None and declared > MAX_URL_PHOTO_BYTES:
                raise bad_request(WRONG_FILE)
            data = await response.content.read(MAX_URL_PHOTO_BYTES + 1)
    except ApiError:
        raise
    except (aiohttp.ClientError, TimeoutError, ValueError):
        raise bad_request(FAILED_TO_GET) from None
    if len(data) > MAX_URL_PHOTO_BYTES:
        raise bad_request(WRONG_FILE)
    return data
