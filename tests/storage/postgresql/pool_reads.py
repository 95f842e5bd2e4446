"""Reading one ranking pool as the PostgreSQL search does, for the pool and bucket tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractAsyncContextManager, AbstractContextManager, contextmanager
from typing import Any, Final

from news.query import SearchQuery
from storage import Database
from storage.postgresql import pools
from storage.postgresql.search import _text_scope

QUERY: Final = "to_tsquery('simple', CAST(:match AS text))"


def pool_over(vector: str = "a.search") -> pools.Pool:
    """A pool over `vector` as the search builds it."""
    return pools.Pool(
        f"SELECT a.id, a.story_at FROM articles AS a WHERE {pools.MATCH} "
        "ORDER BY a.id DESC LIMIT :pool",
        vector,
    )


async def newest_ids(
    db: Database, match: str, size: int, *, vector: str = "a.search", hopeful: bool = False
) -> tuple[list[int], list[str]]:
    """Return the pool's `size` newest ids for `match` and the statements its rounds ran."""
    session: Any = db.text_session  # type: ignore[attr-defined]
    parameters: dict[str, Any] = {"match": match, "pool": size}
    with recorded_statements(session, calls=("fetchall",)) as statements:
        async with scope(db, parameters):
            top = int(parameters["top"])
            (rows,) = await pools.newest_matches(
                session, [pool_over(vector)], QUERY, parameters, top, size, hopeful=hopeful
            )
    return [row["id"] for row in rows], statements


def scope(db: Database, parameters: dict[str, Any]) -> AbstractAsyncContextManager[Any]:
    """The search's scope: the newest id read into `parameters`, giving the text session
    (`db.text_session`) the reads then run on."""
    main: Any = db.session  # type: ignore[attr-defined]
    return _text_scope(main, SearchQuery(), parameters, text_session=db.text_session)  # type: ignore[attr-defined]


@contextmanager
def recorded_statements(
    *sessions: Any, calls: tuple[str, ...] = ("fetchall", "fetchone")
) -> Iterator[list[str]]:
    """Record the statements `sessions` run through `calls` within the block, in order."""
    statements: list[str] = []
    for session in sessions:
        for name in calls:
            real = getattr(session, name)

            async def recorded(sql: str, arguments: Any = (), real: Any = real) -> Any:
                statements.append(sql)
                return await real(sql, arguments)

            setattr(session, name, recorded)
    try:
        yield statements
    finally:
        for session in sessions:
            for name in calls:
                delattr(session, name)


def searches_statements(db: Database) -> AbstractContextManager[list[str]]:
    """Record the statements a search runs on the database's two sessions."""
    return recorded_statements(db.session, db.text_session)  # type: ignore[attr-defined]
