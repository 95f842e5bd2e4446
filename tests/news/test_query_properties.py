"""Properties of the query parser: any text gives a valid query, never an exception."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from news.query import MAX_FILTERS, MAX_TERMS, SearchQuery, normalize_tag, parse_query, tokenize
from storage.sqlite.search import fts_match

ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=600)
# Query-language pieces glued with odd separators, so the grammar's corners come up often.
PIECES = st.sampled_from(
    [
        '"',
        "#",
        "source:",
        'source:"',
        "saved",
        "*",
        "-",
        "NEAR(",
        ")",
        "OR",
        "AND",
        "_",
        "'",
        "don't",
        "#Syria",
        "x",
        "ab",
        "abc",
        "\u0301",
        "İ",
        "ß",
        "²",
        "\ud800",
        "\x00",
        "🦀",
    ]
)
SEPARATORS = st.sampled_from(["", " ", "  ", "\t", "\n", "\u3000", "\u00a0"])
QUERY_LIKE = st.lists(st.tuples(PIECES, SEPARATORS), max_size=30).map(
    lambda parts: "".join(piece + sep for piece, sep in parts)
)
QUOTED_TERMS = re.compile(r'"[^"]+"\*?(?: "[^"]+"\*?)*')
TOKEN = re.compile(r"[^\W_]+")


def assert_valid(query: SearchQuery) -> None:
    """Check every invariant a parsed query promises to storage."""
    for text in (*query.words, *query.phrases, *([query.prefix] if query.prefix else [])):
        assert text, query
        assert all(TOKEN.fullmatch(token) for token in text.split(" ")), query
        assert " ".join(tokenize(text)) == text, query  # tokens only: nothing to interpret
    terms = len(query.words) + len(query.phrases) + (query.prefix is not None)
    assert terms <= MAX_TERMS, query
    assert len(query.tags) <= MAX_FILTERS, query
    assert len(query.sources) <= MAX_FILTERS, query
    assert all(tag and normalize_tag(tag) == tag for tag in query.tags), query
    assert all(source and source == " ".join(source.split()) for source in query.sources)
    for value in (*query.words, *query.phrases, *query.tags, *query.sources, query.prefix or ""):
        value.encode("utf-8")  # reaches SQL: no lone surrogates
    match = fts_match(query)
    assert match is None or QUOTED_TERMS.fullmatch(match), match


@given(st.one_of(ANY_TEXT, QUERY_LIKE))
@example('source:"')
@example("#\ud800")  # a lone surrogate (Telegram's JSON can carry one)
@example("source:\ud800")
@example('"\ud800 abc')
@example("saved saved #a #A #á")
def test_any_text_parses_to_a_valid_query(text: str) -> None:
    assert_valid(parse_query(text))


@given(ANY_TEXT)
def test_parsing_never_depends_on_text_past_the_limit(text: str) -> None:
    long = text + " " * 600 + "overflow words #tag source:x"
    assert parse_query(long[:512]) == parse_query(long)
