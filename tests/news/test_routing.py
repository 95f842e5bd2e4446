"""Route filters and the delivery plan (which new articles go to which channels)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from news.routing import (
    ArticleText,
    ChannelRoute,
    RouteFilter,
    chronological,
    fold_words,
    passes,
    plan_deliveries,
)

TITLE = "Café owners in São Paulo protest the new rent rules"
TEXT = (
    "Dozens of small cafés closed their doors on Friday. The city council in Sao Paulo said "
    "the rules follow a year of talks with landlords. COVID-19 relief ended in March."
)


def article_passes(**filters: list[str]) -> bool:
    return passes(TITLE, TEXT, ["Brazil", "Small Business"], **filters)


def test_fold_words_drops_case_diacritics_and_punctuation() -> None:
    assert fold_words("Café-Bar, SÃO Paulo!") == ["cafe", "bar", "sao", "paulo"]
    assert fold_words("Ёлка и ЙОГУРТ") == ["елка", "и", "иогурт"]
    assert fold_words("snake_case") == ["snake", "case"]
    assert fold_words("...") == []


def test_a_route_without_filters_passes_everything() -> None:
    assert RouteFilter.of().passes_everything
    assert article_passes()
    assert passes("", "", [])


@pytest.mark.parametrize("word", ["cafe", "CAFÉ", "Café", "sao paulo", "SÃO PAULO", "covid-19"])
def test_include_words_match_case_and_diacritics_insensitively(word: str) -> None:
    assert article_passes(include=[word])


@pytest.mark.parametrize(
    "word",
    [
        "caf",  # a prefix is not a word
        "owner",  # nor is a stem
        "paulo sao",  # a phrase keeps its order
        "owners protest",  # and its words must be adjacent
        "rio",
    ],
)
def test_include_words_match_whole_words_and_phrases_only(word: str) -> None:
    assert not article_passes(include=[word])


def test_any_include_word_is_enough() -> None:
    assert article_passes(include=["football", "landlords"])
    assert not article_passes(include=["football", "tennis"])


def test_title_and_text_are_both_searched() -> None:
    assert article_passes(include=["protest"])  # title only
    assert article_passes(include=["landlords"])  # text only
    # a phrase does not run across the title's end into the text
    assert not article_passes(include=["rules dozens"])


def test_exclude_wins_over_include_and_tags() -> None:
    assert not article_passes(exclude=["RENT"])
    assert not article_passes(include=["cafe"], exclude=["landlords"], route_tags=["brazil"])
    assert article_passes(include=["cafe"], exclude=["football"])
    assert not article_passes(exclude=["football", "sao paulo"])


def test_tags_match_exactly_on_normalised_keys() -> None:
    assert article_passes(route_tags=["#brazil"])
    assert article_passes(route_tags=["small_business"])
    assert article_passes(route_tags=["Small-Business"])
    assert not article_passes(route_tags=["small"])  # exact, not a part of a tag
    assert not article_passes(route_tags=["brazilian"])
    assert not article_passes(route_tags=["cafe"])  # a word of the text is not a tag


def test_include_and_tags_must_both_hold() -> None:
    assert article_passes(include=["cafe"], route_tags=["brazil"])
    assert not article_passes(include=["tennis"], route_tags=["brazil"])
    assert not article_passes(include=["cafe"], route_tags=["chile"])


def test_filters_without_letters_or_digits_are_ignored() -> None:
    route = RouteFilter.of(include=["!!!", "  "], exclude=["--"], tags=["#"])
    assert route.passes_everything
    assert route.accepts(ArticleText.of("Anything", "", "", []))


def test_route_filter_folds_and_dedupes_its_words() -> None:
    route = RouteFilter.of(include=["São  Paulo", "sao paulo"], exclude=["Café"], tags=["#X"])
    assert route == RouteFilter(include=("sao paulo",), exclude=("cafe",), tags=frozenset({"x"}))


def test_non_latin_words_match() -> None:
    assert passes("Выборы в Москве", "Итоги голосования", include=["москве"])
    assert passes("Выборы в Москве", "Итоги голосования", include=["ВЫБОРЫ"])
    assert not passes("Выборы в Москве", "Итоги голосования", include=["москва"])


T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Item:
    """A stored article as routing sees it."""

    id: int
    title: str = "Harbour news"
    summary: str = ""
    body: str = ""
    tags: tuple[str, ...] = ()
    published_at: datetime | None = None
    story: int | None = None

    @property
    def story_id(self) -> int:
        return self.id if self.story is None else self.story


def at(hours: int) -> datetime:
    return T0 + timedelta(hours=hours)


EVERYTHING = RouteFilter.of()


def test_chronological_uses_dates_else_reverses_feed_order() -> None:
    dated = [Item(1, published_at=at(2)), Item(2, published_at=at(5)), Item(3, published_at=at(1))]
    assert [a.id for a in chronological(dated)] == [3, 1, 2]
    ties = [Item(1, published_at=at(1)), Item(2, published_at=at(1))]
    assert [a.id for a in chronological(ties)] == [2, 1]  # feeds list the newest first
    partly = [Item(1, published_at=at(1)), Item(2), Item(3, published_at=at(9))]
    assert [a.id for a in chronological(partly)] == [3, 2, 1]


def test_later_fetches_queue_every_passing_article_oldest_first() -> None:
    articles = [
        Item(1, title="Ferry delayed", published_at=at(3)),
        Item(2, title="Bridge closed", published_at=at(1)),
        Item(3, title="Ferry back", published_at=at(2)),
    ]
    routes = [ChannelRoute(10, EVERYTHING), ChannelRoute(20, RouteFilter.of(include=["ferry"]))]
    assert plan_deliveries(articles, routes) == [(2, 10), (3, 10), (3, 20), (1, 10), (1, 20)]


def test_first_fetch_queues_only_the_newest_backfill_per_channel() -> None:
    articles = [Item(n, title=f"Ferry {n}", published_at=at(n)) for n in range(1, 7)]
    articles[5] = Item(6, title="Bridge 6", published_at=at(6))
    routes = [ChannelRoute(10, EVERYTHING), ChannelRoute(20, RouteFilter.of(include=["ferry"]))]
    pairs = plan_deliveries(articles, routes, backfill=2)
    assert pairs == [(4, 20), (5, 10), (5, 20), (6, 10)]
    assert plan_deliveries(articles, routes, backfill=0) == []
    assert len(plan_deliveries(articles, routes, backfill=100)) == 6 + 5


def test_backfill_without_dates_takes_the_first_items_of_the_feed() -> None:
    articles = [Item(1), Item(2), Item(3)]  # feed order: 1 is the newest
    assert plan_deliveries(articles, [ChannelRoute(10, EVERYTHING)], backfill=2) == [
        (2, 10),
        (1, 10),
    ]


def test_negative_backfill_is_refused() -> None:
    with pytest.raises(ValueError, match="backfill"):
        plan_deliveries([Item(1)], [ChannelRoute(10, EVERYTHING)], backfill=-1)


def test_near_duplicates_of_a_queued_story_are_not_queued_again() -> None:
    articles = [
        Item(7, published_at=at(1), story=3),  # joins story 3, already sent to channel 10
        Item(8, published_at=at(2), story=5),
        Item(9, published_at=at(3), story=5),  # a second article of story 5 in this batch
    ]
    routes = [ChannelRoute(10, EVERYTHING), ChannelRoute(20, EVERYTHING)]
    pairs = plan_deliveries(articles, routes, queued_stories=[(3, 10)])
    assert pairs == [(7, 20), (8, 10), (8, 20)]


def test_nothing_to_route() -> None:
    assert plan_deliveries([], [ChannelRoute(10, EVERYTHING)]) == []
    assert plan_deliveries([Item(1)], []) == []
