"""Copy a whole store into another, empty one, on any engines: `newsbot db copy` and backups.

Both engines hold the same tables with the same columns (`storage.sql`), so a copy reads
each table in one consistent snapshot of the source and inserts its rows into the target
in batches, parents before children; then the target's engine finishes (id sequences,
full-text indexes) and every table's row count is compared.

Built for a million articles: each table is read by keyset (`WHERE key > last ORDER BY key`,
not OFFSET, so every batch costs the same), the next batch is read while the previous one
is written, and the target's engine writes a batch its fastest way (`COPY` on PostgreSQL,
with its secondary indexes dropped for the load and built once at the end).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from storage.errors import AlreadyExistsError, DatabaseError
from storage.protocols import Database

BATCH: Final = 5_000

TABLES: Final[tuple[tuple[str, tuple[str, ...], str], ...]] = (
    (
        "sources",
        (
            "id", "url", "name", "tags", "interval_seconds", "active", "paused", "etag",
            "last_modified", "last_fetched_at", "last_success_at", "next_fetch_at",
            "failure_count", "last_error", "created_at", "backfill", "skipped_entries",
        ),
        "id",
    ),
    (
        "articles",
        (
            "id", "source_id", "story_id", "story_at", "published_at", "fetched_at",
            "updated_at", "simhash", "band0", "band1", "band2", "band3", "content_hash",
            "language", "guid", "url", "image_url", "author", "tags", "related", "title",
            "summary", "body", "image_urls",
        ),
        "id",
    ),
    ("article_tags", ("article_id", "key", "name"), "article_id, key"),
    (
        "inline_results",
        ("article_id", "language", "updated_at", "content_hash", "rendered_at", "result"),
        "article_id, language",
    ),
    (
        "channels",
        (
            "id", "chat_id", "username", "title", "style", "paused", "discussion_chat_id",
            "created_at", "discussion_replies", "timezone", "quiet_start", "quiet_end",
            "digest_hour", "digest_language",
        ),
        "id",
    ),
    (
        "routes",
        (
            "id", "source_id", "channel_id", "include_words", "exclude_words", "tags",
            "created_at", "template", "link_preview", "silent", "topic_id", "topic_name",
            "topic_error", "full_text",
        ),
        "id",
    ),
    (
        "outbox",
        (
            "id", "article_id", "channel_id", "state", "attempts", "last_error", "message_id",
            "created_at", "available_at", "sent_at", "edit_requested_at", "posted_as",
            "posted_digest", "album", "album_message_ids", "buttons_message_id",
        ),
        "id",
    ),
    (
        "users",
        ("id", "username", "first_name", "language_code", "blocked", "created_at",
         "last_seen_at"),
        "id",
    ),
    ("bookmarks", ("user_id", "article_id", "created_at", "read_at"), "user_id, article_id"),
    ("shares", ("id", "user_id", "article_id", "result_id", "chosen_at"), "id"),
    (
        "discussion_threads",
        ("chat_id", "thread_id", "article_id", "channel_id", "created_at"),
        "chat_id, thread_id",
    ),
    (
        "comments",
        ("chat_id", "message_id", "article_id", "user_id", "created_at"),
        "chat_id, message_id",
    ),
    (
        "follows",
        ("id", "user_id", "query", "query_key", "paused", "created_at", "muted"),
        "id",
    ),
    ("alert_queue", ("article_id",), "article_id"),
    (
        "reactions",
        ("channel_id", "message_id", "article_id", "reaction", "count", "changed_at"),
        "channel_id, message_id, reaction",
    ),
    (
        "digests",
        (
            "channel_id", "day", "state", "html", "article_ids", "attempts", "last_error",
            "message_id", "created_at", "available_at", "sent_at",
        ),
        "channel_id, day",
    ),
    (
        "alerts",
        (
            "user_id", "article_id", "follow_id", "state", "attempts", "available_at",
            "created_at", "sent_at",
        ),
        "user_id, article_id",
    ),
    ("telegraph_account", ("id", "short_name", "access_token", "created_at"), "id"),
    (
        "telegraph_pages",
        (
            "article_id", "state", "path", "url", "truncated", "content_digest", "attempts",
            "available_at", "last_error", "created_at", "done_at",
        ),
        "article_id",
    ),
)  # fmt: skip
"""Every table, parents first, with its columns and a stable order to read it in. Not
copied: `leases` and `send_budget`, the state of the processes running on the source."""


@dataclass(frozen=True, slots=True)
class CopyReport:
    """Rows copied per table (equal in source and target, or the copy raised)."""

    rows: dict[str, int]


Progress = Callable[[str, int], None]


def _session(db: Database) -> Any:
    """Return an engine's session (every engine has one; the contract does not expose it)."""
    return db.session  # type: ignore[attr-defined]


async def copy_store(
    source: Database, target: Database, progress: Progress | None = None
) -> CopyReport:
    """Copy every row of `source` into the empty `target`; verify the counts.

    `DatabaseError` if the target already holds rows (nothing is written then) or a count
    differs after the copy.
    """
    reader, writer = _session(source), _session(target)
    for table, _, _ in TABLES:
        if await _count(writer, table):
            raise DatabaseError(f"the target is not empty: table {table} has rows")
    copied: dict[str, int] = {}
    async with source.transaction():
        await reader.dialect.snapshot(reader)
        async with target.transaction():
            await writer.dialect.before_copy(writer, [table for table, _, _ in TABLES])
            for table, columns, order in TABLES:
                copied[table] = await _copy_table(reader, writer, table, columns, order)
                if progress is not None:
                    progress(table, copied[table])
            await writer.dialect.after_copy(writer)
    for table, _, _ in TABLES:
        found = await _count(writer, table)
        if found != copied[table]:
            raise DatabaseError(f"copy of {table} is incomplete: {found} of {copied[table]}")
    return CopyReport(copied)


async def _copy_table(
    reader: Any, writer: Any, table: str, columns: tuple[str, ...], order: str
) -> int:
    """Copy one table in batches of `BATCH` rows by keyset on `order`; return how many.

    The next batch is read while the previous one is written (source and target are two
    connections, often two engines).
    """
    keys = tuple(key.strip() for key in order.split(","))
    names = ", ".join(columns)
    first = f"SELECT {names} FROM {table} ORDER BY {order} LIMIT :limit"
    after = ", ".join(f":k{n}" for n in range(len(keys)))
    following = (
        f"SELECT {names} FROM {table} WHERE ({order}) > ({after}) ORDER BY {order} LIMIT :limit"
    )

    async def read(last: Sequence[Any] | None) -> list[Any]:
        if last is None:
            return list(await reader.fetchall(first, {"limit": BATCH}))
        parameters = {f"k{n}": value for n, value in enumerate(last)}
        return list(await reader.fetchall(following, {**parameters, "limit": BATCH}))

    total = 0
    rows = await read(None)
    while rows:
        last = [rows[-1][key] for key in keys]
        ahead = asyncio.ensure_future(read(last)) if len(rows) == BATCH else None
        try:
            await writer.dialect.insert_rows(
                writer, table, columns, [tuple(row[c] for c in columns) for row in rows]
            )
        except BaseException:
            if ahead is not None:
                ahead.cancel()
                await asyncio.gather(ahead, return_exceptions=True)
            raise
        total += len(rows)
        rows = await ahead if ahead is not None else []
    return total


async def _count(session: Any, table: str) -> int:
    """Return how many rows a table holds."""
    row = await session.fetchone(f"SELECT count(*) AS n FROM {table}")
    return int(row["n"]) if row is not None else 0


async def copy_to_sqlite_file(source: Database, path: Path, *, overwrite: bool) -> Path:
    """Write a consistent copy of `source` as a new SQLite file at `path` and return it."""
    from storage.sqlite.database import open_sqlite  # the target engine, loaded on demand

    partial = _prepare_target(path, overwrite=overwrite)
    try:
        target = await open_sqlite(partial)
        try:
            await copy_store(source, target)
        finally:
            await target.close()
        os.replace(partial, path)
    finally:
        _remove_partial(partial)
    return path


def _prepare_target(path: Path, *, overwrite: bool) -> Path:
    """Check the backup target and return the temporary file to write first."""
    if path.exists() and not overwrite:
        raise AlreadyExistsError(f"backup target {path} already exists")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    _remove_partial(partial)
    return partial


def _remove_partial(partial: Path) -> None:
    """Remove a partial copy and its SQLite side files, if any."""
    for name in (str(partial), f"{partial}-wal", f"{partial}-shm"):
        Path(name).unlink(missing_ok=True)
