"""The integrity benchmark: every check runs and passes on a small generated database."""

from __future__ import annotations

from bench.inline_data import populate
from bench.integrity import measure
from storage.sqlite.database import open_sqlite


async def test_every_check_is_timed_on_an_intact_database(tmp_path):
    path = tmp_path / "small.sqlite3"
    db = await open_sqlite(path)
    try:
        await populate(db, 200, report=False)
    finally:
        await db.close()
    timings = await measure(path)
    assert set(timings) == {
        "quick_check",
        "articles_fts check",
        "headlines_fts check",
        "at start (quick_check)",
        "full (periodic, newsbot check)",
    }
    assert all(seconds >= 0 for seconds in timings.values())
