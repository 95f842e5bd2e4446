"""Text lengths and slices in UTF-16 code units, the unit of Telegram entity offsets."""

from __future__ import annotations

import itertools
from collections.abc import Sequence


def utf16_length(text: str) -> int:
    """Return the length of `text` in UTF-16 code units."""
    return len(text.encode("utf-16-le", errors="surrogatepass")) // 2


def utf16_slice(text: str, offset: int, length: int) -> str:
    """Return the part of `text` that starts `offset` units in and is `length` units long."""
    encoded = text.encode("utf-16-le", errors="surrogatepass")
    chunk = encoded[offset * 2 : (offset + length) * 2]
    return chunk.decode("utf-16-le", errors="surrogatepass")


def utf16_offsets(text: str) -> Sequence[int]:
    """Return, for each character index (and the end), its offset in UTF-16 code units.

    Without characters beyond the BMP (nearly every text) the offsets are the indexes:
    a `range`, built in constant time.
    """
    if utf16_length(text) == len(text):
        return range(len(text) + 1)
    return [0, *itertools.accumulate(2 if ord(char) > 0xFFFF else 1 for char in text)]
