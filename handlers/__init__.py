"""Telegram update handlers, one module per feature; `all_handlers()` collects them by group."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram.ext import BaseHandler

from handlers.admin import admin_handlers
from handlers.bookmarks import bookmark_handlers
from handlers.commands import command_handlers
from handlers.common import common_handlers
from handlers.discussion import discussion_handlers
from handlers.export import export_handlers
from handlers.follow import follow_handlers
from handlers.forwards import forward_handlers
from handlers.inline import inline_handlers
from handlers.lists import list_handlers
from handlers.reactions import reaction_handlers
from handlers.trending import trending_handlers

HandlerGroups = dict[int, Sequence[BaseHandler[Any, Any, Any]]]


def all_handlers() -> HandlerGroups:
    """Every feature's handlers, keyed by handler group (lowest runs first)."""
    features: tuple[HandlerGroups, ...] = (
        admin_handlers(),
        command_handlers(),
        list_handlers(),
        export_handlers(),
        forward_handlers(),
        inline_handlers(),
        discussion_handlers(),
        trending_handlers(),
        reaction_handlers(),
        follow_handlers(),
        bookmark_handlers(),
        common_handlers(),  # last: it ends with the catch-all for button presses
    )
    groups: dict[int, list[BaseHandler[Any, Any, Any]]] = {}
    for feature in features:
        for group, handlers in feature.items():
            groups.setdefault(group, []).extend(handlers)
    return dict(groups)
