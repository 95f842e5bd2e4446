"""Sources that are never fetched: imported files and links users saved from the chat."""

from __future__ import annotations

from typing import Final

from news.entities import Source
from storage import Database

IMPORT_SCHEME: Final = "import:"
"""URL scheme of a source that holds stored articles only (not fetchable)."""


async def import_source(db: Database, name: str) -> Source:
    """The source called `name`, created (paused, never fetched) for imports if missing."""
    existing = await db.sources.get_by_url(IMPORT_SCHEME + name)
    if existing is not None:
        return existing
    for source in await db.sources.list():
        if source.name == name:
            return source
    source = await db.sources.add(IMPORT_SCHEME + name, name=name)
    return await db.sources.set_paused(source.id, True)
