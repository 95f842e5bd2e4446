"""The one ranking rule every engine's search applies, and what a hit's snippet starts as.

    relevance = 1 + TITLE_WEIGHT * [every term in the title] + TAGS_WEIGHT * [… in the tags]
    recency   = 1 / (1 + max(0, now - story_time) / RECENCY_HALF_LIFE)
    score     = relevance * recency     (text queries; recency alone without text)

over the `RANKING_POOL` newest matches anywhere, in titles and in tags.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from storage.sql.session import Row

TITLE_WEIGHT: Final = 10.0
"""Added to the text relevance (1) when every query term is in the title."""
TAGS_WEIGHT: Final = 5.0
"""Added when every query term is in the tags."""
RECENCY_HALF_LIFE: Final = timedelta(hours=72)
"""An article this much older than another scores half as much for the same text match."""
HALF_LIFE_MICROS: Final = RECENCY_HALF_LIFE // timedelta(microseconds=1)
MAX_LIMIT: Final = 100
RANKING_POOL: Final = 200
"""Text queries rank the this-many newest matches anywhere, in titles and in tags;
results past this position are not returned."""
MAX_COMPLETIONS: Final = 20
"""More headline words than this for an unfinished word: the engine expands the prefix."""
PREFIX_INDEX_CHARS: Final = 3
"""A prefix this short is expanded by the engine itself (SQLite keeps a 3-letter index)."""
SNIPPET_CHARS: Final = 200
FTS_BODY_CHARS: Final = 2000
"""Every engine's text index takes the first this-many characters of a body (titles,
summaries and tags whole): indexing whole bodies was most of an ingest's storage CPU
(issue 18). The migrations that cut the body (SQLite 17, PostgreSQL 7) spell the number."""


def lede(row: Row) -> str:
    """Return the start of an article's summary (or body) as its snippet."""
    text = " ".join(str(row["summary"] or row["body"]).split())
    if len(text) <= SNIPPET_CHARS:
        return text
    cut = text[:SNIPPET_CHARS].rsplit(" ", 1)[0]
    return cut + "…"
