"""Collect a response body chunk by chunk, decoding gzip/deflate, never holding more than a cap.

httpx's own decoders inflate a whole network chunk at once, so one 64 KiB chunk of a gzip
bomb could become 64 MB before any size check. Here every inflate step is asked for at most
one byte more than the remaining budget (`zlib`'s `max_length`), so memory stays bounded
by the cap whatever the compression ratio. Both the bytes on the wire and the decoded bytes
are capped.
"""

from __future__ import annotations

import zlib
from typing import Protocol

from news.errors import FetchError, ResponseTooLargeError, TransportError

SUPPORTED_ENCODINGS = "gzip, deflate"
"""The `Accept-Encoding` value matching what `BoundedBody` can decode."""


_PIECE_BYTES = 256 * 1024
"""Largest piece one inflate call may produce (zlib briefly holds twice that while it works)."""


class BodyDecoder(Protocol):
    """One content-coding step."""

    def decode(self, data: bytes, max_length: int) -> list[bytes]:
        """Decode `data` into pieces; more than `max_length` bytes in all means too large."""
        ...

    def flush(self, max_length: int) -> bytes:
        """Return what is left at the end of the stream, at most `max_length` bytes."""
        ...


class _ZlibDecoder:
    """gzip (possibly multi-member) or deflate (zlib-wrapped or raw) decoding, bounded."""

    def __init__(self, *, gzip: bool) -> None:
        self._gzip = gzip
        self._wbits = zlib.MAX_WBITS | 16 if gzip else zlib.MAX_WBITS
        self._inflater = zlib.decompressobj(self._wbits)
        self._started = False
        self._members_done = 0
        self._ignoring = False

    def decode(self, data: bytes, max_length: int) -> list[bytes]:
        """Inflate `data`; stop after `max_length + 1` bytes so the caller sees the overflow."""
        pieces: list[bytes] = []  # kept apart: joining would double the peak memory
        produced = 0
        while data and not self._ignoring:
            budget = min(max_length + 1 - produced, _PIECE_BYTES)
            try:
                piece = self._inflater.decompress(data, budget)
            except zlib.error:
                if self._members_done:
                    self._ignoring = True  # junk after a complete gzip member, as browsers allow
                    break
                if self._gzip or self._started:
                    raise
                # "deflate" is often sent raw, without the zlib header: retry that way once.
                self._wbits = -zlib.MAX_WBITS
                self._inflater = zlib.decompressobj(self._wbits)
                piece = self._inflater.decompress(data, budget)
            self._started = True
            pieces.append(piece)
            produced += len(piece)
            if produced > max_length:
                break
            data = self._next_input()
        return pieces

    def _next_input(self) -> bytes:
        """Return input zlib has not consumed yet, starting a new gzip member when one ends."""
        if self._inflater.unconsumed_tail:
            return self._inflater.unconsumed_tail
        if self._inflater.eof:
            self._members_done += 1
            rest = self._inflater.unused_data
            if self._gzip and rest:
                self._inflater = zlib.decompressobj(self._wbits)
                return rest
            self._ignoring = bool(rest)  # anything after a deflate stream is junk
        return b""

    def flush(self, max_length: int) -> bytes:
        """Return any output zlib still holds; a stream cut short is an error."""
        if self._ignoring:
            return b""
        tail = self._inflater.flush()[: max_length + 1]
        if self._started and not self._members_done and not self._inflater.eof:
            raise zlib.error("compressed stream ended early")
        return tail


def _decoder_for(coding: str) -> BodyDecoder | None:
    """Return the decoder for one content-coding name; None for identity."""
    name = coding.strip().lower()
    if name in ("", "identity"):
        return None
    if name in ("gzip", "x-gzip"):
        return _ZlibDecoder(gzip=True)
    if name == "deflate":
        return _ZlibDecoder(gzip=False)
    raise FetchError(f"unsupported Content-Encoding {coding.strip()!r}")


class BoundedBody:
    """Accumulates a body's decoded bytes, raising `ResponseTooLargeError` past `limit`."""

    def __init__(self, content_encoding: str | None, *, limit: int, url: str) -> None:
        codings = [
            coding
            for coding in (content_encoding or "").split(",")
            if coding.strip().lower() not in ("", "identity")
        ]
        if len(codings) > 1:
            raise FetchError(f"unsupported stacked Content-Encoding {content_encoding!r}")
        self._decoder = _decoder_for(codings[0]) if codings else None
        self._limit = limit
        self._url = url
        self._parts: list[bytes] = []
        self._size = 0
        self._wire_size = 0

    def feed(self, chunk: bytes) -> None:
        """Add one chunk as received from the network."""
        self._wire_size += len(chunk)
        if self._wire_size > self._limit:
            self._too_large()
        if self._decoder is None:
            self._append(chunk)
            return
        try:
            pieces = self._decoder.decode(chunk, self._limit - self._size)
        except zlib.error as exc:
            raise self._corrupt(exc) from exc
        for piece in pieces:
            self._append(piece)

    def finish(self) -> bytes:
        """Flush the decoder and return the whole decoded body."""
        if self._decoder is not None:
            try:
                self._append(self._decoder.flush(self._limit - self._size))
            except zlib.error as exc:
                raise self._corrupt(exc) from exc
        return b"".join(self._parts)

    def _append(self, data: bytes) -> None:
        """Keep `data`, or raise when the decoded body would pass the limit."""
        if not data:
            return
        self._size += len(data)
        if self._size > self._limit:
            self._too_large()
        self._parts.append(data)

    def _corrupt(self, exc: zlib.error) -> TransportError:
        """Build the error for a body that does not decode."""
        return TransportError(f"corrupt compressed body from {self._url}: {exc}")

    def _too_large(self) -> None:
        """Raise the size error for this body."""
        raise ResponseTooLargeError(
            f"response from {self._url} is larger than {self._limit} bytes"
        )
