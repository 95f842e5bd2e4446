"""BoundedBody: decoding gzip/deflate in bounded steps and enforcing the size cap."""

from __future__ import annotations

import gzip
import zlib

import pytest

from news.errors import FetchError, ResponseTooLargeError, TransportError
from news.fetch.body import BoundedBody

TEXT = b"<feed><entry>Lighthouse keepers report calm seas.</entry></feed>\n" * 200


def chunks(data: bytes, size: int) -> list[bytes]:
    """Split `data` into network-sized pieces."""
    return [data[index : index + size] for index in range(0, len(data), size)]


def collect(encoding: str | None, data: bytes, *, limit: int = 1 << 20, size: int = 97) -> bytes:
    """Feed `data` in small chunks and return the decoded body."""
    body = BoundedBody(encoding, limit=limit, url="http://feeds.example/x")
    for chunk in chunks(data, size):
        body.feed(chunk)
    return body.finish()


def raw_deflate(data: bytes) -> bytes:
    """Deflate without the zlib header, as some servers send `deflate`."""
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    ("encoding", "encoded"),
    [
        (None, TEXT),
        ("identity", TEXT),
        ("gzip", gzip.compress(TEXT)),
        ("x-gzip", gzip.compress(TEXT)),
        ("GZIP", gzip.compress(TEXT)),
        ("deflate", zlib.compress(TEXT)),
        ("deflate", raw_deflate(TEXT)),
        ("gzip", gzip.compress(TEXT[:5000]) + gzip.compress(TEXT[5000:])),
        ("gzip", gzip.compress(TEXT) + b"\0\0\0\0trailing junk"),
    ],
)
def test_decodes(encoding: str | None, encoded: bytes) -> None:
    assert collect(encoding, encoded) == TEXT


def test_body_at_the_limit_is_kept() -> None:
    assert collect("gzip", gzip.compress(TEXT), limit=len(TEXT)) == TEXT


def test_decoded_body_over_the_limit_is_refused() -> None:
    with pytest.raises(ResponseTooLargeError, match=f"larger than {len(TEXT) - 1} bytes"):
        collect("gzip", gzip.compress(TEXT), limit=len(TEXT) - 1)


def test_wire_bytes_over_the_limit_are_refused() -> None:
    with pytest.raises(ResponseTooLargeError):
        collect(None, TEXT, limit=100)


def test_bomb_in_one_chunk_inflates_no_further_than_the_limit() -> None:
    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024))
    body = BoundedBody("gzip", limit=4096, url="http://feeds.example/bomb")

    with pytest.raises(ResponseTooLargeError):
        body.feed(bomb)


def test_truncated_gzip_is_a_transport_error() -> None:
    encoded = gzip.compress(TEXT)

    with pytest.raises(TransportError, match="corrupt compressed body"):
        collect("gzip", encoded[: len(encoded) // 2])


def test_garbage_gzip_is_a_transport_error() -> None:
    with pytest.raises(TransportError, match="corrupt compressed body"):
        collect("gzip", b"this is not gzip at all")


def test_empty_gzip_body_is_empty() -> None:
    assert collect("gzip", b"") == b""


@pytest.mark.parametrize("encoding", ["br", "zstd", "gzip, br"])
def test_unsupported_encodings_are_refused(encoding: str) -> None:
    with pytest.raises(FetchError, match="unsupported"):
        BoundedBody(encoding, limit=100, url="http://feeds.example/x")
