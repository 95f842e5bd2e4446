"""Key terms, headline terms and whether two stories share a subject."""

from __future__ import annotations

import pytest

from news.related import headline_terms, is_related, key_terms, subject_overlap, text_terms

STORM = "Storm damages harbour pier as ferry service halts"


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


def test_headline_terms_drop_plurals_and_headline_filler():
    # "Mayor" is a generic word (news.words.GENERIC_WORDS): it names no subject alone.
    assert headline_terms("Mayor says new talks on ferries start after storms") == {
        "talk",
        "ferry",
        "start",
        "storm",
    }


def test_a_follow_up_repeating_the_subject_is_related():
    follow_up = subject_overlap(
        STORM, "", "Harbour pier inspection ordered before storm season", ""
    )
    assert follow_up == pytest.approx((3 / 7 + 3 / 6) / 2)
    assert is_related(follow_up)


def test_one_common_word_or_a_one_sided_match_is_not_related():
    assert subject_overlap(STORM, "", "Storm warning for the valley", "") == 0.0
    # Two of the story's words are in the other's summary, but the other's headline
    # words are nowhere in the story: seen from one side only.
    one_sided = subject_overlap(STORM, "", "Ferry prices rise", "A new service starts.")
    assert one_sided == 0.0
    assert not is_related(one_sided)


def test_two_frequent_names_in_long_headlines_are_not_a_shared_subject():
    """The issue's case: a Venezuela story linked to unrelated Zelensky and Iran stories."""
    venezuela = "Under pressure from Marlow, Venezuela's acting president weighs oil deal"
    others = [
        "Zelensky says Marlow is putting undue pressure on him over a peace plan",
        "Iran studies Marlow's offer as pressure mounts over its nuclear programme",
        "China's exports rise as Marlow tariffs bite",
    ]
    for other in others:
        assert subject_overlap(venezuela, "", other, "") == 0.0, other
    report = "Venezuela's acting president agrees oil deal under pressure from Marlow"
    assert is_related(subject_overlap(venezuela, "", report, ""))


def test_the_summary_counts_for_the_other_side():
    story = "Lufthansa pilots strike over pensions"
    other = "Hundreds of flights grounded in Germany"
    summary = "Lufthansa cancelled flights as pilots began a strike over pensions."
    assert is_related(subject_overlap(story, "", other, summary)) is False  # one-sided
    assert is_related(subject_overlap(story, "Flights grounded across Germany.", other, summary))


def test_no_terms_means_nothing_is_related():
    assert subject_overlap("", "", STORM, "") == 0.0
    assert subject_overlap("The day after", "", STORM, "") == 0.0
