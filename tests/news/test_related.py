"""Key terms and relevance between stories (headline and tag words, folded)."""

from __future__ import annotations

import pytest

from news.related import MIN_RELEVANCE, is_related, key_terms, relevance, text_terms


def test_text_terms_fold_case_and_accents_and_drop_filler_words():
    assert text_terms("The Mayor of São Paulo opens a 2 km Bridge on Monday") == [
        "mayor",
        "sao",
        "paulo",
        "opens",
        "bridge",
    ]
    assert text_terms("Ferry 42 sails") == ["ferry", "42", "sails"]
    assert text_terms("") == []


def test_key_terms_join_headline_and_tag_words_once():
    terms = key_terms("Storm damages harbour pier", ["Harbour", "North_Sea", "#Storm"])
    assert terms == ("storm", "damages", "harbour", "pier", "north", "sea")


def test_two_shared_terms_are_the_minimum():
    terms = key_terms("Storm damages harbour pier")
    assert relevance(terms, "Storm warning for the valley", "", ()) == 0.0
    assert relevance(terms, "Pier closed", "The harbour master spoke.", ()) == pytest.approx(0.5)
    assert relevance(terms, "Lights out", "", ["Storm", "Pier"]) == pytest.approx(0.5)


def test_relevance_is_the_share_of_key_terms_found():
    terms = key_terms("Storm damages harbour pier as ferry service halts")
    assert len(terms) == 7
    follow_up = relevance(terms, "Harbour pier inspection ordered before storm season", "", ())
    assert follow_up == pytest.approx(3 / 7)
    assert is_related(follow_up)
    weak = relevance(terms, "Ferry prices rise", "A new service starts in spring.", ())
    assert weak == pytest.approx(2 / 7)
    assert weak < MIN_RELEVANCE
    assert not is_related(weak)


def test_no_terms_means_nothing_is_related():
    assert relevance((), "Storm damages harbour pier", "", ()) == 0.0
