"""The search query language and tag normalisation (pure functions)."""

from __future__ import annotations

import pytest

from news.query import MAX_TERMS, SearchQuery, normalize_tag, parse_query, tokenize


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Syria", "syria"),
        ("#syria", "syria"),
        ("##SYRIA", "syria"),
        ("São Paulo", "sao_paulo"),
        ("sao-paulo", "sao_paulo"),
        ("  São   Paulo  ", "sao_paulo"),
        ("#São_Paulo", "sao_paulo"),
        ("Straße", "strasse"),
        ("Ελλάδα", "ελλαδα"),
        ("Кипр", "кипр"),
        ("U.S. election", "u_s_election"),
        ("#", ""),
        ("🔥", ""),
    ],
)
def test_normalize_tag(text: str, key: str) -> None:
    assert normalize_tag(text) == key


def test_tokenize_splits_on_anything_but_letters_and_digits() -> None:
    assert tokenize("Don't PANIC: 42 fish_and chips!") == [
        "don",
        "t",
        "panic",
        "42",
        "fish",
        "and",
        "chips",
    ]
    assert tokenize("Привет, мир") == ["привет", "мир"]
    assert tokenize('"*()^:') == []


def test_words_and_last_word_prefix() -> None:
    assert parse_query("Ferry Winter serv") == SearchQuery(
        words=("ferry", "winter"), prefix="serv"
    )


def test_single_letter_last_word_is_not_a_prefix() -> None:
    assert parse_query("ferry a") == SearchQuery(words=("ferry", "a"))


def test_word_with_punctuation_keeps_its_tokens_together() -> None:
    assert parse_query("don't stop") == SearchQuery(words=("don t",), prefix="stop")


def test_phrases_tags_sources_and_saved() -> None:
    query = parse_query(
        'saved "harbour fees" #Syria #São-Paulo source:"Coast Gazette" source:7 conv'
    )
    assert query == SearchQuery(
        words=(),
        prefix="conv",
        phrases=("harbour fees",),
        tags=("syria", "sao_paulo"),
        sources=("Coast Gazette", "7"),
        saved=True,
    )
    assert query.has_text
    assert not query.is_empty


def test_saved_only_counts_at_the_start() -> None:
    assert not parse_query("ferry saved").saved
    assert parse_query("SAVED").saved
    assert parse_query("saved").is_empty is False
    assert parse_query("saved").has_text is False


def test_unclosed_quote_is_a_phrase_to_the_end() -> None:
    assert parse_query('ferry "winter serv').phrases == ("winter serv",)


def test_operators_are_plain_words() -> None:
    query = parse_query("NEAR(ferry winter) AND title:x OR NOT")
    assert query.words == ("near ferry", "winter", "and", "title x", "or")
    assert query.prefix == "not"


def test_empty_and_symbol_only_queries() -> None:
    for text in ["", "   ", '""', "*", "#", "()", "🔥🚀", "source:"]:
        query = parse_query(text)
        assert query.is_empty, text


def test_long_query_is_bounded() -> None:
    query = parse_query(" ".join(f"word{n}" for n in range(500)))
    assert len(query.words) + (query.prefix is not None) == MAX_TERMS
    assert len(parse_query("x" * 100_000).prefix or "") <= 512


def test_tokens_never_contain_syntax() -> None:
    query = parse_query('a"b *c* (d) e:f ^g -h +i {j} [k] \\l \x00m')
    for part in (*query.words, query.prefix or ""):
        assert all(ch.isalnum() or ch == " " for ch in part), part


def test_last_word_is_a_prefix_from_its_third_letter() -> None:
    assert parse_query("island rou") == SearchQuery(words=("island",), prefix="rou")
    assert parse_query("summit EU") == SearchQuery(words=("summit", "eu"))
    assert parse_query("un") == SearchQuery(words=("un",))
