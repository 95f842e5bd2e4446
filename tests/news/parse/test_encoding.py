"""Declared, undeclared and wrongly declared encodings, in feeds, pages and scraped text."""

from __future__ import annotations

import codecs

import pytest

from news.parse import parse_document
from news.parse.encoding import (
    EncodingSource,
    charset_from_content_type,
    decode_document,
    normalise_codec,
)

# Our own Cyrillic text, long enough for statistical detection to be sure of it.
TITLE = "Паром на остров Белый снова ходит по расписанию"
BODY = (
    "После двух недель ремонта старый паром вернулся на линию. Капитан сказал, что машина "
    "работает тише, а в салоне теперь тепло даже в сильный ветер. Жители острова встречали "
    "первый рейс на причале с цветами и горячим чаем."
)


def _rss(prolog: str = '<?xml version="1.0"?>') -> str:
    return (
        f'{prolog}\n<rss version="2.0"><channel><title>Островные новости</title>'
        f"<item><title>{TITLE}</title><description>{BODY}</description></item>"
        "</channel></rss>"
    )


def _assert_cyrillic(content: bytes, *, content_type: str | None = None) -> None:
    document = parse_document(content, content_type=content_type)
    (entry,) = document.entries
    assert document.title == "Островные новости"
    assert entry.title == TITLE
    assert entry.summary == BODY


@pytest.mark.parametrize("codec", ["windows-1251", "koi8-r"])
def test_declared_single_byte_cyrillic(codec):
    _assert_cyrillic(_rss(f'<?xml version="1.0" encoding="{codec}"?>').encode(codec))


@pytest.mark.parametrize("codec", ["windows-1251", "koi8-r"])
def test_undeclared_single_byte_cyrillic_is_detected(codec):
    _assert_cyrillic(_rss().encode(codec))


@pytest.mark.parametrize(
    ("codec", "bom"), [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE)]
)
def test_utf16_with_bom(codec, bom):
    _assert_cyrillic(bom + _rss('<?xml version="1.0" encoding="UTF-16"?>').encode(codec))


def test_utf16_without_bom_is_recognised_by_its_nul_layout():
    _assert_cyrillic(_rss('<?xml version="1.0" encoding="UTF-16"?>').encode("utf-16-le"))


def test_utf8_with_bom():
    _assert_cyrillic(codecs.BOM_UTF8 + _rss().encode())


def test_undeclared_utf8_without_prolog():
    _assert_cyrillic(_rss("").encode())


def test_prolog_says_utf8_but_bytes_are_windows_1251():
    _assert_cyrillic(_rss('<?xml version="1.0" encoding="utf-8"?>').encode("windows-1251"))


def test_header_says_latin1_but_body_is_utf8():
    _assert_cyrillic(_rss().encode(), content_type="application/rss+xml; charset=ISO-8859-1")


def test_header_contradicts_a_correct_prolog():
    content = _rss('<?xml version="1.0" encoding="koi8-r"?>').encode("koi8-r")
    _assert_cyrillic(content, content_type="text/xml; charset=utf-8")


def test_prolog_says_latin1_but_bytes_are_windows_1251():
    _assert_cyrillic(_rss('<?xml version="1.0" encoding="iso-8859-1"?>').encode("windows-1251"))


def test_html_page_in_windows_1251_with_meta_charset():
    paragraphs = "".join(f"<p>{BODY} {n}</p>" for n in range(4))
    page = (
        '<html lang="ru"><head><meta charset="windows-1251">'
        f'<meta property="og:title" content="{TITLE}"></head>'
        f"<body><article><h1>{TITLE}</h1>{paragraphs}</article></body></html>"
    ).encode("windows-1251")

    (entry,) = parse_document(page, content_type="text/html").entries

    assert entry.title == TITLE
    assert entry.content.startswith(BODY)
    assert entry.language == "ru"


def test_scraped_text_in_koi8r_without_declaration():
    content = f"{TITLE}\n\n{BODY}\n".encode("koi8-r")

    (entry,) = parse_document(content, content_type="text/plain").entries

    assert entry.title == TITLE
    assert entry.summary == BODY


def test_western_latin1_feed_stays_latin1():
    text = "Café crème: l'été à Genève, où les rues sont pleines de touristes âgés."
    content = (
        f'<?xml version="1.0" encoding="iso-8859-1"?><rss><channel><item><title>{text}'
        "</title></item></channel></rss>"
    )

    (entry,) = parse_document(content.encode("latin-1")).entries

    assert entry.title == text


def test_decode_document_reports_how_it_chose():
    assert decode_document("привет".encode("utf-16"), declared=()).source is EncodingSource.BOM
    assert decode_document("é".encode(), declared=("utf-8",)).source is EncodingSource.DECLARED
    assert decode_document("é".encode(), declared=("latin-1",)).source is EncodingSource.UTF8
    assert decode_document(b"plain", declared=()).text == "plain"


def test_charset_helpers():
    assert charset_from_content_type('text/xml; charset="KOI8-R"') == "KOI8-R"
    assert charset_from_content_type("text/xml") is None
    assert normalise_codec("windows-1251") == "cp1251"
    assert normalise_codec("ISO-8859-1") == "cp1252"  # as browsers read it
    assert normalise_codec("no-such-charset") is None
