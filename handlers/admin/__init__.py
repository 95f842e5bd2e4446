"""Admin commands, in a private chat with the bot: channels, sources, reports, the menu.

Only users in the `ADMIN_IDS` setting may use them; others get a polite refusal (`access`).
In groups and channels the bot stays quiet (the handlers only match private chats).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram.ext import BaseHandler

from handlers.admin.channels import channel_handlers
from handlers.admin.digest import digest_handlers
from handlers.admin.quiet import quiet_handlers
from handlers.admin.routes import route_handlers
from handlers.admin.sources import admin_source_handlers
from handlers.admin.status import admin_status_handlers

__all__ = ["admin_handlers"]


def admin_handlers() -> dict[int, Sequence[BaseHandler[Any, Any, Any]]]:
    """Every admin command's handlers by group (private chats, new messages only)."""
    groups: dict[int, list[BaseHandler[Any, Any, Any]]] = {}
    features = (
        channel_handlers(),
        digest_handlers(),
        quiet_handlers(),
        route_handlers(),
        admin_source_handlers(),
        admin_status_handlers(),
    )
    for feature in features:
        for group, handlers in feature.items():
            groups.setdefault(group, []).extend(handlers)
    return dict(groups)
