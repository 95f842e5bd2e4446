"""Encodings as browsers read them: WHATWG labels, C1 controls, mojibake, EBCDIC (issue 13)."""

from __future__ import annotations

import pytest

from news.clean import html_to_text
from news.drafts import build_drafts
from news.parse import parse_document
from news.parse.encoding import normalise_codec


def _by_url(document):
    return {entry.url: entry for entry in document.entries}


def test_c1_controls_are_read_as_windows_1252(fixture_bytes):
    entries = _by_url(parse_document(fixture_bytes("c1_and_mojibake.xml")))
    pier = entries["https://promenade.example/pier"]
    assert pier.title == "Harbourmaster says the pier won’t reopen before spring"
    assert html_to_text(pier.summary) == "“We’re waiting for the divers,” she said – again."
    raffle = entries["https://promenade.example/raffle"]
    assert raffle.title == "Lifeboat day ’s raffle “sold out”"


def test_double_encoded_utf8_is_repaired(fixture_bytes):
    entries = _by_url(parse_document(fixture_bytes("c1_and_mojibake.xml")))
    cafe = entries["https://promenade.example/cafe"]
    assert cafe.title == "Café owner’s “best summer” on the promenade"
    assert html_to_text(cafe.summary) == "Tourists queued for crème brûlée — again."
    [draft] = build_drafts([cafe])
    assert draft.title == "Café owner’s “best summer” on the promenade"


@pytest.mark.parametrize(
    "text",
    [
        "Crème brûlée, façade, naïve — kept as written.",
        "Ñandú and AÑO, São Paulo, ÂGE, Ærø.",
        "Привет, мир: это не мохибаке.",
    ],
)
def test_correct_text_is_not_repaired(text):
    assert html_to_text(f"<p>{text}</p>") == text


def test_windows_1252_bytes_under_a_latin1_label(fixture_bytes):
    [entry] = parse_document(fixture_bytes("cp1252_labelled_latin1.xml")).entries
    # 0x81 is undefined in Windows-1252: WHATWG maps it to U+0081, which titles drop.
    assert entry.title == "Fishermen’s “open day” – nets mended"


def test_gb2312_label_over_gbk_bytes_reads_as_gb18030(fixture_bytes):
    [entry] = parse_document(fixture_bytes("gbk_labelled_gb2312.xml")).entries
    assert entry.title == "朱镕基与王喆在港口参观新渡轮"
    assert entry.summary == "新渡轮今天首次启航，乘客们在码头上欢迎它的到来。"


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("gb2312", "gb18030"),
        ("GBK", "gb18030"),
        ("x-gbk", "gb18030"),
        ("latin1", "cp1252"),
        ("ISO-8859-1", "cp1252"),
        ("us-ascii", "cp1252"),
        ("iso-8859-9", "cp1254"),
        ("tis-620", "cp874"),
        ("shift_jis", "cp932"),
        ("euc-kr", "cp949"),
        ("big5", "big5hkscs"),
        ("utf-16", "utf-16-le"),
        ("unicode-1-1-utf-8", "utf-8"),
        (" koi8 ", "koi8-r"),
        ("iso-8859-8-i", "iso8859-8"),
        ("x-mac-cyrillic", "mac-cyrillic"),
        ("hz-gb-2312", None),  # WHATWG: the replacement encoding, never decoded
        ("iso-2022-kr", None),
    ],
)
def test_labels_follow_the_whatwg_table(label, codec):
    assert normalise_codec(label) == codec


@pytest.mark.parametrize("name", ["ebcdic_cp037.xml", "ebcdic_cp500.xml"])
def test_ebcdic_xml_is_recognised(fixture_bytes, name):
    document = parse_document(fixture_bytes(name))
    assert document.title == "Mainframe Gazette"
    [entry] = document.entries
    assert entry.title == "Batch window moves to [02:00]"
    assert entry.url == "https://mainframe.example/batch"
    assert entry.summary == "Jobs now start two hours later."
