"""What `/follow` accepts: whole words, tags, phrases, sources; its canonical key."""

from __future__ import annotations

import pytest

from news.follows import (
    MAX_FOLLOW_CHARS,
    FollowProblem,
    FollowQueryError,
    follow_search,
    parse_follow,
)
from news.query import SearchQuery


def test_last_word_is_a_whole_word_not_a_prefix():
    assert follow_search("ferry strike") == SearchQuery(words=("ferry", "strike"))
    assert parse_follow("war").search.words == ("war",)


def test_text_is_kept_as_typed_with_whitespace_collapsed():
    query = parse_follow('  Ferry \n  #Harbour   source:"Quay Post" ')
    assert query.text == 'Ferry #Harbour source:"Quay Post"'
    assert query.search == SearchQuery(words=("ferry",), tags=("harbour",), sources=("Quay Post",))


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Ferry #Harbour", "#harbour ferry"),
        ("strike ferry", "ferry  STRIKE"),
        ('"winter market" source:Quay', 'source:quay "Winter  market"'),
        ("#São_Paulo", "#sao-paulo"),
    ],
)
def test_same_search_same_key(one, other):
    assert parse_follow(one).key == parse_follow(other).key


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("ferry", "ferry strike"),
        ("ferry", "#ferry"),
        ('"winter market"', "winter market"),
        ("ferry source:Quay", "ferry source:Harbour"),
    ],
)
def test_different_search_different_key(one, other):
    assert parse_follow(one).key != parse_follow(other).key


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", FollowProblem.EMPTY),
        ("   \n ", FollowProblem.EMPTY),
        ("!!! ??? #", FollowProblem.UNSEARCHABLE),
        ("saved", FollowProblem.SAVED),
        ("saved ferry", FollowProblem.SAVED),
        ("ferry " * 40, FollowProblem.TOO_LONG),
    ],
)
def test_refused_texts_say_why(text, problem):
    with pytest.raises(FollowQueryError) as raised:
        parse_follow(text)
    assert raised.value.problem is problem


def test_longest_allowed_text_is_accepted():
    text = ("ferry " * 40)[:MAX_FOLLOW_CHARS].strip()
    assert parse_follow(text).text == text
