"""Routing: which new articles go to which channels (pure; no storage, no Telegram).

Filter semantics, per route:

* A route with no filters passes every article of its source.
* ``include`` words: the article must contain at least one of them; ``exclude`` words: an
  article containing any of them never passes (exclude wins over include and tags).
* Words match the title, summary and body as whole words, case- and diacritics-insensitive
  (``cafe`` matches ``Café``, ``ukraine`` does not match ``Ukrainian``). A filter of several
  words (``"new york"``) is a phrase: its words must appear together, in order.
  Punctuation inside a filter splits it into words like the text (``covid-19`` is the
  phrase ``covid 19``); a filter with no letters or digits is ignored.
* ``tags``: the article must carry at least one of these tags, compared as normalised keys
  (`news.query.normalize_tag`), exactly: ``#Syria`` matches ``syria``, not ``syria_war``.
* Include words and tags, when both are set, must both be satisfied.

Delivery policy (`plan_deliveries`): on a source's first successful fetch only the newest
``backfill`` articles that pass a route are queued for its channel (adding a source never
floods a channel); later fetches queue every new article that passes. A new article whose
story (near-duplicate cluster) was already queued or posted to a channel is not queued
there again. Articles are queued oldest first, so a channel reads in time order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from news.tags import normalize_tag

_WORD = re.compile(r"[^\W_]+")
_FIELD_BREAK = "|"  # never part of a folded word


def fold_words(text: str) -> list[str]:
    """Return the words of `text` case-folded and without diacritics: ``"Café-Bar"`` →
    ``["cafe", "bar"]``."""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _WORD.findall(text.casefold())


def _phrases(words: Iterable[str]) -> tuple[str, ...]:
    """Return filter words as folded, space-separated phrases; empty ones dropped."""
    folded = (" ".join(fold_words(word)) for word in words)
    return tuple(dict.fromkeys(phrase for phrase in folded if phrase))


class RoutableArticle(Protocol):
    """What routing reads from a stored article (`news.entities.Article` fits)."""

    @property
    def id(self) -> int:
        """The article id."""
        ...

    @property
    def story_id(self) -> int:
        """The id of its near-duplicate story."""
        ...

    @property
    def published_at(self) -> datetime | None:
        """When the source says it was published."""
        ...

    @property
    def title(self) -> str:
        """The title."""
        ...

    @property
    def summary(self) -> str:
        """The summary."""
        ...

    @property
    def body(self) -> str:
        """The clean body text."""
        ...

    @property
    def tags(self) -> tuple[str, ...]:
        """Tags in display form."""
        ...


@dataclass(frozen=True, slots=True)
class ArticleText:
    """An article's words and tag keys, prepared once and matched against many routes."""

    words: str
    """Folded words joined by single spaces, with a space at both ends; fields are parted
    by `_FIELD_BREAK` so that a phrase never runs from the title into the text."""
    tag_keys: frozenset[str]

    @classmethod
    def of(cls, title: str, summary: str, body: str, tags: Iterable[str]) -> ArticleText:
        """Prepare an article's text and tags for matching."""
        fields = (" ".join(fold_words(field)) for field in (title, summary, body))
        words = f" {_FIELD_BREAK} ".join(fields)
        keys = frozenset(key for key in map(normalize_tag, tags) if key)
        return cls(words=f" {words} ", tag_keys=keys)

    @classmethod
    def of_article(cls, article: RoutableArticle) -> ArticleText:
        """Prepare a stored article for matching."""
        return cls.of(article.title, article.summary, article.body, article.tags)

    def contains(self, phrase: str) -> bool:
        """Tell whether a folded phrase occurs as whole words."""
        return f" {phrase} " in self.words


@dataclass(frozen=True, slots=True)
class RouteFilter:
    """A route's filters, folded for matching (build with `RouteFilter.of`)."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    tags: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls, include: Iterable[str] = (), exclude: Iterable[str] = (), tags: Iterable[str] = ()
    ) -> RouteFilter:
        """Build a filter from words and tags as an admin typed or storage keeps them."""
        keys = frozenset(key for key in map(normalize_tag, tags) if key)
        return cls(include=_phrases(include), exclude=_phrases(exclude), tags=keys)

    @property
    def passes_everything(self) -> bool:
        """Tell whether the filter has no conditions at all."""
        return not (self.include or self.exclude or self.tags)

    def accepts(self, article: ArticleText) -> bool:
        """Tell whether the article passes: no exclude word, an include word and a tag
        when those are set."""
        if any(article.contains(phrase) for phrase in self.exclude):
            return False
        if self.include and not any(article.contains(phrase) for phrase in self.include):
            return False
        return not self.tags or not self.tags.isdisjoint(article.tag_keys)


def passes(
    title: str,
    text: str,
    tags: Iterable[str] = (),
    *,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
    route_tags: Iterable[str] = (),
) -> bool:
    """Tell whether one article passes one route's filters (a convenience for one-offs)."""
    route = RouteFilter.of(include, exclude, route_tags)
    return route.accepts(ArticleText.of(title, "", text, tags))


@dataclass(frozen=True, slots=True)
class ChannelRoute:
    """A channel a source is routed to, with the route's filter."""

    channel_id: int
    filter: RouteFilter


def chronological(articles: Sequence[RoutableArticle]) -> list[RoutableArticle]:
    """Return new articles (given in feed order) oldest first.

    By `published_at` when every article has one (feed order breaks ties); otherwise the
    feed order reversed, since feeds list their newest items first.
    """
    dated = [
        (article.published_at, -position, article)
        for position, article in enumerate(articles)
        if article.published_at is not None
    ]
    if len(dated) < len(articles):
        return list(reversed(articles))
    dated.sort(key=lambda item: (item[0], item[1]))
    return [article for _, _, article in dated]


def plan_deliveries(
    articles: Sequence[RoutableArticle],
    routes: Sequence[ChannelRoute],
    *,
    backfill: int | None = None,
    queued_stories: Iterable[tuple[int, int]] = (),
) -> list[tuple[int, int]]:
    """Return the (article_id, channel_id) pairs to queue, oldest article first.

    `articles` are the newly stored articles in feed order. `backfill` is None on later
    fetches (every passing article is queued) and the source's backfill count on its first
    fetch (only the newest that many passing articles per channel). `queued_stories` holds
    (story_id, channel_id) pairs already queued or posted: a near-duplicate of one of them
    is not queued to that channel, nor is a second article of one story in this batch.
    """
    if backfill is not None and backfill < 0:
        raise ValueError(f"backfill must not be negative, got {backfill}")
    if not articles or not routes or backfill == 0:
        return []
    ordered = chronological(articles)
    texts = {article.id: ArticleText.of_article(article) for article in ordered}
    chosen: set[tuple[int, int]] = set()
    for route in routes:
        passing = [a for a in ordered if route.filter.accepts(texts[a.id])]
        if backfill is not None:
            passing = passing[-backfill:]
        chosen.update((article.id, route.channel_id) for article in passing)
    seen_stories = set(queued_stories)
    pairs: list[tuple[int, int]] = []
    for article in ordered:
        for route in routes:
            story = (article.story_id, route.channel_id)
            if (article.id, route.channel_id) in chosen and story not in seen_stories:
                seen_stories.add(story)
                pairs.append((article.id, route.channel_id))
    return pairs
