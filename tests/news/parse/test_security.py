"""Hostile XML: entity bombs stay unexpanded, external entities and DTDs are never loaded."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psutil
import pytest

from news.parse import parse_document

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>Bomb</title>
<item><title>Boom &lol9;</title><description>&lol9;&lol9;&lol9;</description></item>
</channel></rss>
"""


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self) -> None:
        self.hits.append(self.path)
        body = b'<!ENTITY leaked "FETCHED-OVER-HTTP">'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def recording_server() -> Iterator[tuple[str, list[str]]]:
    """A 127.0.0.1 HTTP server that records every request path it receives."""
    hits: list[str] = []
    handler = type("Handler", (_Recorder,), {"hits": hits})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _all_text(content: bytes) -> str:
    document = parse_document(content)
    parts = [document.title or ""]
    for entry in document.entries:
        parts += [entry.title, entry.summary, entry.content, entry.url or "", entry.guid or ""]
    return "\n".join(parts)


@pytest.mark.parametrize("tail", [b"", b"<p>& trailing garbage forces the repair path"])
def test_billion_laughs_is_not_expanded(tail):
    process = psutil.Process()
    rss_before = process.memory_info().rss
    started = time.perf_counter()

    text = _all_text(BILLION_LAUGHS + tail)

    assert time.perf_counter() - started < 2.0
    assert process.memory_info().rss - rss_before < 50 * 1024 * 1024
    assert "lollol" not in text
    assert len(text) < 1000
    assert "Boom" in text


def test_external_file_entity_is_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    content = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
        "<rss><channel><title>X</title><item><title>A &xxe; B</title>"
        "<description>&xxe;</description></item></channel></rss>"
    ).encode()

    text = _all_text(content)

    assert "TOP-SECRET-CONTENT" not in text
    assert "A" in text


def test_external_http_entity_and_dtd_are_never_fetched(recording_server):
    base, hits = recording_server
    content = (
        f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "{base}/evil.dtd" ['
        f'<!ENTITY xxe SYSTEM "{base}/entity">'
        f'<!ENTITY % remote SYSTEM "{base}/parameter"> %remote;]>'
        "<rss><channel><title>X</title><item><title>A &xxe; &leaked;</title></item>"
        "</channel></rss>"
    ).encode()

    text = _all_text(content)

    assert hits == []
    assert "FETCHED-OVER-HTTP" not in text


def test_quadratic_blowup_is_not_expanded():
    big = "x" * 50_000
    refs = "&big;" * 5_000
    content = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "{big}">]>'
        f"<rss><channel><title>Q</title><item><title>T</title><description>{refs}</description>"
        "</item></channel></rss>"
    ).encode()

    text = _all_text(content)

    assert len(text) < 100_000
