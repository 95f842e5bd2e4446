"""Format sniffing and the errors for input that is nothing we can read."""

from __future__ import annotations

import random

import pytest

from news.errors import ParseError
from news.models import DocumentKind
from news.parse import parse_document
from news.parse.detect import DocumentFormat, detect_format


@pytest.mark.parametrize(
    ("content", "content_type", "expected"),
    [
        (b'<?xml version="1.0"?><rss version="2.0"/>', None, DocumentFormat.XML_FEED),
        (b"  \n<feed xmlns='http://www.w3.org/2005/Atom'/>", None, DocumentFormat.XML_FEED),
        (
            b"<?xml version='1.0'?><!-- hi --><rdf:RDF xmlns:rdf='x'/>",
            None,
            DocumentFormat.XML_FEED,
        ),
        (b"<rss version='2.0'></rss>", "text/html", DocumentFormat.XML_FEED),  # wrong header
        (b"<!DOCTYPE html><html><body></body></html>", "application/rss+xml", DocumentFormat.HTML),
        (b"<div>fragment</div>", None, DocumentFormat.HTML),
        (b'{"version": "https://jsonfeed.org/version/1.1"}', None, DocumentFormat.JSON),
        (b'  [{"title": "x"}]', None, DocumentFormat.JSON),
        (b"[Updated] Storm passes\n\nIt rained.", None, DocumentFormat.TEXT),
        (b"Headline\n\nBody text.", "text/plain", DocumentFormat.TEXT),
    ],
)
def test_detect_format(content, content_type, expected):
    assert detect_format(content, content_type) is expected


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty document"),
        (b" \n\t \r\n", "empty document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip"),
        (b"%PDF-1.7\n%\xe2\xe3", "PDF"),
        (b"\x00\x01\x02\x03binary\x00\x00\xff\xfe\x10", "binary data"),
        (b'<?xml version="1.0"?><opml version="2.0"><body/></opml>', "root element is <opml>"),
    ],
)
def test_unreadable_input_is_a_clear_parse_error(content, message):
    with pytest.raises(ParseError, match=message):
        parse_document(content)


def test_random_bytes_are_a_parse_error():
    noise = random.Random(7).randbytes(4096)

    with pytest.raises(ParseError):
        parse_document(noise)


def test_empty_but_valid_feed_is_an_empty_document():
    document = parse_document(b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>')

    assert document.kind is DocumentKind.RSS
    assert document.title == "Quiet"
    assert document.entries == []
