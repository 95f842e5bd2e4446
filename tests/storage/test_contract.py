"""The contract itself: every engine implements every method, and speaks only storage errors.

Modelled on lemon24/reader's storage tests: one test calls every method of every repository
under the same fault and checks the translated error, so a method added later cannot forget
the contract. Arguments are built from the Protocol's own annotations.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, get_type_hints

import pytest

import storage.protocols as protocols
from news.entities import (
    AlertMatch,
    Article,
    ArticleVersion,
    Bookmark,
    ChannelStyle,
    InlineRender,
    LinkPreview,
    QuietHours,
    RouteOptions,
)
from news.models import ArticleDraft
from news.query import SearchQuery, parse_query
from storage import Database
from storage.errors import DatabaseError, StorageError
from tests.storage.conftest import NOW, DraftFactory

REPOSITORIES: dict[str, type[Any]] = {
    name: hint
    for name, hint in get_type_hints(protocols.Database, vars(protocols)).items()
    if isinstance(hint, type) and name != "location"
}


def _methods(protocol: type[Any]) -> list[str]:
    """Return the public methods a Protocol declares."""
    return [
        name
        for name, member in vars(protocol).items()
        if inspect.isfunction(member) and not name.startswith("_")
    ]


def _value_for(annotation: Any, stored: dict[Any, Any]) -> Any:
    """Return a plausible argument of the annotated type."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return _value_for(next(a for a in args if a is not type(None)), stored)
    simple: dict[Any, Any] = {
        int: 1,
        str: "harbour",
        bool: True,
        float: 1.0,
        datetime: NOW,
        date: NOW.date(),
        timedelta: timedelta(hours=1),
        ChannelStyle: ChannelStyle.TEXT,
        SearchQuery: parse_query("harbour"),
        Path: Path("unused"),
        Bookmark: Bookmark(1, 1, NOW),
        QuietHours: QuietHours(23, 7),
        RouteOptions: RouteOptions(link_preview=LinkPreview.LARGE, silent=True),
        InlineRender: InlineRender(1, "en", ArticleVersion(NOW, "h"), NOW, "{}"),
    }
    if annotation in simple:
        return simple[annotation]
    if annotation in stored:
        return stored[annotation]
    if origin in (dict, Mapping):
        return {_value_for(args[0], stored): _value_for(args[1], stored)}
    if origin in (list, Iterable, Sequence, Collection, set, tuple):
        inner = args[0] if args else int
        if inner is AlertMatch:
            return [AlertMatch(1, 1, 1)]
        if typing.get_origin(inner) is tuple:
            return [(1, 1)]
        return [_value_for(inner, stored)]
    raise AssertionError(f"no sample value for {annotation!r}: teach the contract test")


def _call(repository: Any, name: str, protocol: type[Any], stored: dict[Any, Any]) -> Any:
    """Call a method with sample values for every required and keyword-only argument."""
    method = getattr(repository, name)
    hints = get_type_hints(getattr(protocol, name), vars(protocols))
    signature = inspect.signature(getattr(protocol, name))
    positional, keywords = [], {}
    for parameter in list(signature.parameters.values())[1:]:
        if parameter.default is not inspect.Parameter.empty:
            continue
        value = _value_for(hints[parameter.name], stored)
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            keywords[parameter.name] = value
        else:
            positional.append(value)
    return method(*positional, **keywords)


CASES = [
    (attribute, name)
    for attribute, protocol in REPOSITORIES.items()
    for name in _methods(protocol)
]


def test_the_contract_covers_every_repository() -> None:
    assert set(REPOSITORIES) == {
        "sources",
        "articles",
        "channels",
        "outbox",
        "users",
        "bookmarks",
        "shares",
        "inline_results",
        "reactions",
        "digests",
        "discussion",
        "follows",
        "alerts",
        "search",
        "trending",
        "related",
        "status",
        "leases",
        "telegraph",
    }
    assert len(CASES) > 80


@pytest.mark.parametrize(("attribute", "name"), CASES)
def test_engine_implements_the_method_with_its_signature(
    db: Database, attribute: str, name: str
) -> None:
    protocol = REPOSITORIES[attribute]
    implementation = getattr(getattr(db, attribute), name, None)
    assert implementation is not None, f"{type(db).__name__}.{attribute} lacks {name}"
    expected = inspect.signature(getattr(protocol, name))
    actual = inspect.signature(implementation)
    wanted = [(p.name, p.kind, p.default) for p in list(expected.parameters.values())[1:]]
    found = [(p.name, p.kind, p.default) for p in actual.parameters.values()]
    assert found == wanted


def test_database_implements_its_own_methods(db: Database) -> None:
    for name in ("transaction", "backup", "close", "__aenter__", "__aexit__"):
        assert callable(getattr(db, name))
    assert isinstance(db.location, str)


@pytest.mark.parametrize(("attribute", "name"), CASES)
async def test_every_method_of_a_closed_store_raises_a_storage_error(
    db: Database, make_draft: DraftFactory, attribute: str, name: str
) -> None:
    source = await db.sources.add("https://contract.example/feed")
    [article_id] = (
        await db.articles.upsert_many(source.id, [make_draft(1)], fetched_at=NOW)
    ).inserted
    article = await db.articles.get(article_id)
    # an article that joined an older story, so that no method can answer without the store
    stored = {ArticleDraft: make_draft(2), Article: replace(article, story_id=article.id + 1)}
    await db.close()
    repository = getattr(db, attribute)
    with pytest.raises(StorageError) as raised:
        await _call(repository, name, REPOSITORIES[attribute], stored)
    assert isinstance(raised.value, DatabaseError)
    assert "closed" in str(raised.value)


async def test_closed_store_refuses_transactions(db: Database) -> None:
    await db.close()
    with pytest.raises(DatabaseError, match="closed"):
        async with db.transaction():
            pass
