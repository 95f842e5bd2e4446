"""`ChannelRepository` in shared SQL: channels and routes."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Final

from news.entities import Channel, ChannelStyle, LinkPreview, QuietHours, Route, RouteOptions
from news.tags import normalize_tag
from storage.errors import AlreadyExistsError, ConstraintError, NotFoundError
from storage.sql.codec import from_micros, strings_from_json, strings_to_json, to_micros
from storage.sql.session import Row, Session

_CHANNEL_COLUMNS: Final = (
    "id, chat_id, username, title, style, paused, discussion_chat_id, created_at, "
    "discussion_replies, timezone, quiet_start, quiet_end, digest_hour, digest_language"
)
_ROUTE_COLUMNS: Final = (
    "id, source_id, channel_id, include_words, exclude_words, tags, created_at, template, "
    "link_preview, silent, topic_id, topic_name, topic_error, full_text"
)


def channel_from_row(row: Row) -> Channel:
    """Build a `Channel` from a row with the channel columns."""
    return Channel(
        id=row["id"],
        chat_id=row["chat_id"],
        username=row["username"],
        title=row["title"],
        style=ChannelStyle(row["style"]),
        paused=bool(row["paused"]),
        discussion_chat_id=row["discussion_chat_id"],
        created_at=from_micros(row["created_at"]),
        discussion_replies=bool(row["discussion_replies"]),
        timezone=row["timezone"],
        quiet_hours=(
            None
            if row["quiet_start"] is None or row["quiet_end"] is None
            else QuietHours(int(row["quiet_start"]), int(row["quiet_end"]))
        ),
        digest_hour=row["digest_hour"],
        digest_language=row["digest_language"],
    )


def route_from_row(row: Row) -> Route:
    """Build a `Route` from a row with the route columns."""
    preview = row["link_preview"]
    return Route(
        id=row["id"],
        source_id=row["source_id"],
        channel_id=row["channel_id"],
        include=strings_from_json(row["include_words"]),
        exclude=strings_from_json(row["exclude_words"]),
        tags=strings_from_json(row["tags"]),
        created_at=from_micros(row["created_at"]),
        options=RouteOptions(
            template=row["template"],
            link_preview=None if preview is None else LinkPreview(preview),
            silent=bool(row["silent"]),
            topic_id=row["topic_id"],
            topic_name=row["topic_name"],
            full_text=bool(row["full_text"]),
        ),
        topic_error=row["topic_error"],
    )


def _clean_words(words: Iterable[str]) -> list[str]:
    """Return filter words trimmed, blanks dropped, repeats (ignoring case) dropped."""
    seen: dict[str, str] = {}
    for word in words:
        clean = " ".join(word.split())
        if clean and clean.casefold() not in seen:
            seen[clean.casefold()] = clean
    return list(seen.values())


class SQLChannelRepository:
    """Channels in `channels`, routes in `routes`."""

    def __init__(self, session: Session) -> None:
        """Use the shared session."""
        self._session = session

    async def add(
        self,
        chat_id: int,
        *,
        title: str = "",
        username: str | None = None,
        style: ChannelStyle = ChannelStyle.TEXT,
        now: datetime | None = None,
    ) -> Channel:
        try:
            row = await self._session.fetchone(
                "INSERT INTO channels (chat_id, username, title, style, created_at) "
                "VALUES (:chat_id, :username, :title, :style, :created_at) "
                f"RETURNING {_CHANNEL_COLUMNS}",
                {
                    "chat_id": chat_id,
                    "username": _clean_username(username),
                    "title": title.strip(),
                    "style": ChannelStyle(style).value,
                    "created_at": to_micros(now or datetime.now(UTC)),
                },
            )
        except AlreadyExistsError:
            raise AlreadyExistsError(f"channel for chat {chat_id} already exists") from None
        assert row is not None  # RETURNING always yields the inserted row
        return channel_from_row(row)

    async def get(self, channel_id: int) -> Channel:
        row = await self._session.fetchone(
            f"SELECT {_CHANNEL_COLUMNS} FROM channels WHERE id = :id", {"id": channel_id}
        )
        if row is None:
            raise NotFoundError(f"no channel with id {channel_id}")
        return channel_from_row(row)

    async def get_by_chat_id(self, chat_id: int) -> Channel | None:
        row = await self._session.fetchone(
            f"SELECT {_CHANNEL_COLUMNS} FROM channels WHERE chat_id = :chat_id",
            {"chat_id": chat_id},
        )
        return None if row is None else channel_from_row(row)

    async def list(self) -> builtins.list[Channel]:
        rows = await self._session.fetchall(f"SELECT {_CHANNEL_COLUMNS} FROM channels ORDER BY id")
        return [channel_from_row(row) for row in rows]

    async def remove(self, channel_id: int) -> None:
        rows = await self._session.fetchall(
            "DELETE FROM channels WHERE id = :id RETURNING id", {"id": channel_id}
        )
        if not rows:
            raise NotFoundError(f"no channel with id {channel_id}")

    async def set_paused(self, channel_id: int, paused: bool) -> Channel:
        return await self._update(channel_id, "paused = :paused", {"paused": int(paused)})

    async def set_style(self, channel_id: int, style: ChannelStyle) -> Channel:
        return await self._update(
            channel_id, "style = :style", {"style": ChannelStyle(style).value}
        )

    async def update_info(self, channel_id: int, *, title: str, username: str | None) -> Channel:
        return await self._update(
            channel_id,
            "title = :title, username = :username",
            {"title": title.strip(), "username": _clean_username(username)},
        )

    async def set_discussion_chat(
        self, channel_id: int, discussion_chat_id: int | None
    ) -> Channel:
        return await self._update(
            channel_id,
            "discussion_chat_id = :discussion_chat_id",
            {"discussion_chat_id": discussion_chat_id},
        )

    async def set_discussion_replies(self, channel_id: int, enabled: bool) -> Channel:
        return await self._update(
            channel_id, "discussion_replies = :enabled", {"enabled": int(enabled)}
        )

    async def set_schedule(
        self, channel_id: int, *, timezone: str | None, quiet_hours: QuietHours | None
    ) -> Channel:
        return await self._update(
            channel_id,
            "timezone = :timezone, quiet_start = :start, quiet_end = :end",
            {
                "timezone": timezone,
                "start": None if quiet_hours is None else quiet_hours.start,
                "end": None if quiet_hours is None else quiet_hours.end,
            },
        )

    async def set_digest_hour(self, channel_id: int, hour: int | None) -> Channel:
        if hour is not None and not 0 <= hour <= 23:
            raise ValueError(f"a digest hour is 0-23, not {hour}")
        return await self._update(channel_id, "digest_hour = :hour", {"hour": hour})

    async def set_digest_language(self, channel_id: int, language: str | None) -> Channel:
        return await self._update(
            channel_id, "digest_language = :language", {"language": language}
        )

    async def route(
        self,
        source_id: int,
        channel_id: int,
        *,
        include: Iterable[str] = (),
        exclude: Iterable[str] = (),
        tags: Iterable[str] = (),
        now: datetime | None = None,
    ) -> Route:
        tag_keys = list(dict.fromkeys(key for key in map(normalize_tag, tags) if key))
        try:
            row = await self._session.fetchone(
                "INSERT INTO routes (source_id, channel_id, include_words, exclude_words, tags, "
                "created_at) VALUES (:source_id, :channel_id, :include, :exclude, :tags, :now) "
                "ON CONFLICT (source_id, channel_id) DO UPDATE SET "
                "include_words = excluded.include_words, exclude_words = excluded.exclude_words, "
                f"tags = excluded.tags RETURNING {_ROUTE_COLUMNS}",
                {
                    "source_id": source_id,
                    "channel_id": channel_id,
                    "include": strings_to_json(_clean_words(include)),
                    "exclude": strings_to_json(_clean_words(exclude)),
                    "tags": strings_to_json(tag_keys),
                    "now": to_micros(now or datetime.now(UTC)),
                },
            )
        except ConstraintError:
            raise NotFoundError(
                f"cannot route: no source {source_id} or no channel {channel_id}"
            ) from None
        assert row is not None  # RETURNING always yields the written row
        return route_from_row(row)

    async def get_route(self, route_id: int) -> Route:
        row = await self._session.fetchone(
            f"SELECT {_ROUTE_COLUMNS} FROM routes WHERE id = :id", {"id": route_id}
        )
        if row is None:
            raise NotFoundError(f"no route with id {route_id}")
        return route_from_row(row)

    async def find_route(self, source_id: int, channel_id: int) -> Route | None:
        row = await self._session.fetchone(
            f"SELECT {_ROUTE_COLUMNS} FROM routes "
            "WHERE source_id = :source_id AND channel_id = :channel_id",
            {"source_id": source_id, "channel_id": channel_id},
        )
        return None if row is None else route_from_row(row)

    async def list_routes(self) -> builtins.list[Route]:
        rows = await self._session.fetchall(f"SELECT {_ROUTE_COLUMNS} FROM routes ORDER BY id")
        return [route_from_row(row) for row in rows]

    async def set_route_options(self, route_id: int, options: RouteOptions) -> Route:
        preview = options.link_preview
        row = await self._session.fetchone(
            "UPDATE routes SET template = :template, link_preview = :preview, "
            "silent = :silent, topic_id = :topic_id, topic_name = :topic_name, "
            "full_text = :full_text, "
            f"topic_error = NULL WHERE id = :id RETURNING {_ROUTE_COLUMNS}",
            {
                "id": route_id,
                "template": options.template,
                "preview": None if preview is None else LinkPreview(preview).value,
                "silent": int(options.silent),
                "topic_id": options.topic_id,
                "topic_name": options.topic_name,
                "full_text": int(options.full_text),
            },
        )
        if row is None:
            raise NotFoundError(f"no route with id {route_id}")
        return route_from_row(row)

    async def mark_topic_lost(self, route_id: int, error: str) -> bool:
        rows = await self._session.fetchall(
            "UPDATE routes SET topic_error = :error "
            "WHERE id = :id AND topic_error IS NULL RETURNING id",
            {"id": route_id, "error": error},
        )
        return bool(rows)

    async def unroute(self, source_id: int, channel_id: int) -> bool:
        rows = await self._session.fetchall(
            "DELETE FROM routes WHERE source_id = :source_id AND channel_id = :channel_id "
            "RETURNING source_id",
            {"source_id": source_id, "channel_id": channel_id},
        )
        return bool(rows)

    async def routes_for_source(self, source_id: int) -> builtins.list[Route]:
        rows = await self._session.fetchall(
            f"SELECT {_ROUTE_COLUMNS} FROM routes WHERE source_id = :id ORDER BY channel_id",
            {"id": source_id},
        )
        return [route_from_row(row) for row in rows]

    async def routes_for_channel(self, channel_id: int) -> builtins.list[Route]:
        rows = await self._session.fetchall(
            f"SELECT {_ROUTE_COLUMNS} FROM routes WHERE channel_id = :id ORDER BY source_id",
            {"id": channel_id},
        )
        return [route_from_row(row) for row in rows]

    async def _update(self, channel_id: int, assignments: str, values: dict[str, Any]) -> Channel:
        """Apply `SET assignments` to one channel and return it; `NotFoundError` if missing."""
        row = await self._session.fetchone(
            f"UPDATE channels SET {assignments} WHERE id = :id RETURNING {_CHANNEL_COLUMNS}",
            {**values, "id": channel_id},
        )
        if row is None:
            raise NotFoundError(f"no channel with id {channel_id}")
        return channel_from_row(row)


def _clean_username(username: str | None) -> str | None:
    """Return a username without a leading `@`, or None when blank."""
    if username is None:
        return None
    clean = username.strip().lstrip("@")
    return clean or None
