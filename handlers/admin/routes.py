"""`/routes` and `/setroute ID option=value…` in an admin's private chat: route options,
changed by the code `newsbot routes set` uses (`bot.delivery.route_setup`)."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from typing import Any, Final

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import Context
from bot.delivery.route_setup import (
    OptionChanges,
    RouteOptionError,
    change_route_options,
    describe_options,
)
from bot.ops.i18n import N_
from handlers.admin.access import admin_message, private_commands
from handlers.common import texts
from storage.errors import NotFoundError

SET_ROUTE_USAGE: Final = N_(
    "Usage: /setroute ROUTE_ID [preview=off|on|large|default] [silent=on|off] "
    "[topic=ID|NAME|none] [full_text=on|off] [template=TEXT]\n"
    "template= takes the rest of the message: Telegram HTML with {title} {link} {lede} "
    "{source} {time} {tags} {author} {image}, \\n for a line break; template= alone "
    "brings back the channel's own layout. full_text=on links each post to the article's "
    "full text on a Telegraph page (Instant View). /routes lists the routes with their ids."
)
MAX_LISTED: Final = 40
"""Routes listed in one message (it stays far below Telegram's 4096 characters)."""
_KEYS: Final = {
    "preview": "link_preview",
    "silent": "silent",
    "topic": "topic",
    "full_text": "full_text",
}


class UsageError(ValueError):
    """The command's arguments cannot be read."""


def parse_set_route(text: str) -> tuple[int, OptionChanges]:
    """Read `ID key=value… [template=rest]` into a route id and its changes."""
    head, marker, template = text.partition("template=")
    try:
        words = shlex.split(head)
    except ValueError:
        raise UsageError from None
    if not words or not words[0].isdecimal() or len(words[0]) > 12:
        raise UsageError
    values: dict[str, str] = {}
    for word in words[1:]:
        key, equals, value = word.partition("=")
        if not equals or key not in _KEYS:
            raise UsageError
        values[_KEYS[key]] = value
    if marker:
        values["template"] = template.strip()
    changes = OptionChanges(**values)
    if changes.empty:
        raise UsageError
    return int(words[0]), changes


async def set_route(update: Update, context: Context) -> None:
    """Change a route's template, link preview, notification, forum topic or full text."""
    message = await admin_message(update, context)
    if message is None:
        return
    _ = texts(update).gettext
    command, _space, rest = (message.text or "").partition(" ")
    del command
    try:
        route_id, changes = parse_set_route(rest)
    except UsageError:
        await message.reply_text(_(SET_ROUTE_USAGE))
        return
    db = context.bot_data.db
    try:
        route = await db.channels.get_route(route_id)
        route = await change_route_options(db, route, changes, bot=context.bot)
    except NotFoundError:
        await message.reply_text(_("There is no route {id}: see /routes.").format(id=route_id))
        return
    except RouteOptionError as error:
        # The reason quotes Telegram or the template checker and stays English.
        await message.reply_text(_("Not changed: {reason}.").format(reason=error))
        return
    await message.reply_text(
        _("Route {id}: {options}.").format(id=route.id, options=describe_options(route.options))
    )


async def list_routes(update: Update, context: Context) -> None:
    """List the routes with their ids and options."""
    message = await admin_message(update, context)
    if message is None:
        return
    _ = texts(update).gettext
    db = context.bot_data.db
    routes = await db.channels.list_routes()
    if not routes:
        await message.reply_text(_("No routes yet: `newsbot routes add SOURCE CHANNEL`."))
        return
    names = await db.sources.names({route.source_id for route in routes})
    channels = {channel.id: channel for channel in await db.channels.list()}
    lines = []
    for route in routes[:MAX_LISTED]:
        channel = channels[route.channel_id]
        label = f"@{channel.username}" if channel.username else channel.title
        lines.append(
            _("{id}: {source} → {channel} ({options})").format(
                id=route.id,
                source=names.get(route.source_id, route.source_id),
                channel=label or channel.chat_id,
                options=describe_options(route.options),
            )
        )
    if len(routes) > MAX_LISTED:
        lines.append(
            _("… and {count} more: `newsbot routes list`.").format(count=len(routes) - MAX_LISTED)
        )
    await message.reply_text("\n".join(lines))


def route_handlers() -> dict[int, Sequence[BaseHandler[Any, Any, Any]]]:
    """`/routes` and `/setroute` handlers by group (private chats, new messages only)."""
    return {
        0: [
            CommandHandler("routes", list_routes, filters=private_commands()),
            CommandHandler("setroute", set_route, filters=private_commands()),
        ]
    }
