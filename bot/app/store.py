"""Open the configured database for one command or one run; light to import (no Telegram,
no fetching), so that `newsbot search` starts quickly."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.ops.settings_model import SettingsModel
from storage import Database, open_database
from storage.errors import NotFoundError

__all__ = ["database"]


@asynccontextmanager
async def database(settings: SettingsModel, *, create: bool = False) -> AsyncIterator[Database]:
    """Open the configured database (migrated) and close it afterwards.

    Only commands that store something new pass `create=True`; the others, finding no
    database, raise `NotFoundError` saying where they looked and how one is made.
    """
    try:
        db = await open_database(settings.database_location, create=create)
    except NotFoundError as exc:
        raise NotFoundError(
            f"{exc} (DATABASE_PATH): nothing is stored yet; `newsbot sources add URL`, "
            "`newsbot channels add` or `newsbot run` creates it"
        ) from None
    try:
        yield db
    finally:
        await db.close()
