"""How texts for admins name channels and cut long names and errors to one line."""

from __future__ import annotations

from news.entities import Channel


def channel_label(channel: Channel) -> str:
    """Name a channel for people: its title and @username, or its chat id."""
    parts = [channel.title] if channel.title else []
    if channel.username:
        parts.append(f"@{channel.username}")
    return " ".join(parts) or str(channel.chat_id)


def channel_reference(channel: Channel) -> str:
    """Return how an admin names the channel in commands: @username, or the chat id."""
    return f"@{channel.username}" if channel.username else str(channel.chat_id)


def shorten(text: str, limit: int) -> str:
    """Return `text` on one line, cut to `limit` characters with `…` when longer."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
