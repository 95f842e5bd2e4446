"""Images on 127.0.0.1 for album tests: good ones, and each kind Telegram refuses by URL."""

from __future__ import annotations

from emulator.photo_urls import MAX_URL_PHOTO_BYTES
from tests.support.feedserver import FeedServer
from tests.support.images import png_bytes

UNREACHABLE = "http://127.0.0.1:9/gone.jpg"
"""A local URL nothing answers (the discard port)."""


def serve_images(server: FeedServer, count: int = 10) -> list[str]:
    """Serve `count` small PNGs of different sizes; return their URLs in order."""
    urls = []
    for n in range(1, count + 1):
        path = f"/img/photo-{n}.png"
        server.add(path, body=png_bytes(40 + n, 30 + n), content_type="image/png")
        urls.append(server.url(path))
    return urls


def serve_bad_images(server: FeedServer) -> dict[str, str]:
    """Serve one URL of each kind Telegram refuses; return them by kind."""
    server.add("/img/page.html", body=b"<html>not a photo</html>", content_type="text/html")
    server.add(
        "/img/huge.png",
        body=png_bytes(64, 64) + b"\0" * MAX_URL_PHOTO_BYTES,
        content_type="image/png",
    )
    server.add("/img/broken.jpg", body=b"this is no jpeg", content_type="image/jpeg")
    server.add("/img/missing.jpg", status=404, body=b"no", content_type="text/plain")
    return {
        "page": server.url("/img/page.html"),
        "huge": server.url("/img/huge.png"),
        "broken": server.url("/img/broken.jpg"),
        "missing": server.url("/img/missing.jpg"),
        "unreachable": UNREACHABLE,
    }
