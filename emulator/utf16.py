"""Text lengths and slices in UTF-16 code units, the unit of Telegram entity offsets."""

from __future__ import annotations


def utf16_length(text: str) -> int:
    """Return the length of `text` in UTF-16 code units."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def utf16_slice(text: str, offset: int, length: int) -> str:
    """Return the part of `text` that starts `offset` units in and is `length` units long."""
    encoded = text.encode("utf-16-le", errors="surrogatepass")
    chunk = encoded[offset * 2 : (offset + length) * 2]
    return chunk.decode("utf-16-le", errors="surrogatepass")


def utf16_offsets(text: str) -> list[int]:
    """Return, for each character index (and the end), its offset in UTF-16 code units."""
    offsets = [0]
    total = 0
    for char in text:
        total += 2 if ord(char) > 0xFFFF else 1
        offsets.append(total)
    return offsets
