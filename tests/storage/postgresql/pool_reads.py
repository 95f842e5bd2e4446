"""Reading one ranking pool as the PostgreSQL search does, for the pool and bucket tests."""

from __future__ import annotations

from typing import Any, Final

from news.query import SearchQuery
from storage import Database
from storage.postgresql import pools
from storage.postgresql.search import _from_indexes

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
    session: Any = db.session  # type: ignore[attr-defined]
    parameters: dict[str, Any] = {"match": match, "pool": size}
    statements: list[str] = []
    real = session.fetchall

    async def spy(sql: str, arguments: Any = ()) -> Any:
        statements.append(sql)
        return await real(sql, arguments)

    session.fetchall = spy
    try:
        async with _from_indexes(session, SearchQuery(), parameters):
            top = int(parameters["top"])
            (rows,) = await pools.newest_matches(
                session, [pool_over(vector)], QUERY, parameters, top, size, hopeful=hopeful
            )
    finally:
        del session.fetchall
    return [row["id"] for row in rows], statements
