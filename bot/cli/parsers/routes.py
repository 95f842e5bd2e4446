"""The `routes` sub-commands' arguments (handlers: `bot.cli.commands.routes`)."""

from __future__ import annotations

import argparse

from bot.cli.commands.base import record_id
from bot.cli.parsers.lazy import command


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `routes` and its sub-commands."""
    parser = commands.add_parser(
        "routes",
        help="choose which sources post to which channels",
        description="An article goes to a channel when its source is routed there and it "
        "passes the route's filters: at least one --include word (when given), no --exclude "
        "word, at least one --tag (when given). Words match whole words and phrases of the "
        "title and text, ignoring case and accents; tags match exactly.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="route a source to a channel (replaces its filters)")
    add.add_argument("source", type=record_id, metavar="SOURCE_ID")
    add.add_argument("channel", metavar="CHANNEL", help="channel id or @username")
    add_filter_options(add)
    add_route_options(add)
    add.set_defaults(handler=command("routes", "add_route"))

    change = actions.add_parser(
        "set", help="change a route's options: template, link preview, silent, topic"
    )
    change.add_argument("route", type=record_id, metavar="ROUTE_ID")
    add_route_options(change)
    change.set_defaults(handler=command("routes", "set_route"))

    preview = actions.add_parser(
        "preview", help="show a route's post for the newest stored article of its source"
    )
    preview.add_argument("route", type=record_id, metavar="ROUTE_ID")
    preview.set_defaults(handler=command("routes", "preview_route"))

    listing = actions.add_parser("list", help="list routes with their ids, filters and options")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.set_defaults(handler=command("routes", "list_routes"))

    remove = actions.add_parser("remove", help="stop sending a source to a channel")
    remove.add_argument("source", type=record_id, metavar="SOURCE_ID")
    remove.add_argument("channel", metavar="CHANNEL", help="channel id or @username")
    remove.set_defaults(handler=command("routes", "remove_route"))


def add_route_options(parser: argparse.ArgumentParser) -> None:
    """Add --template, --link-preview, --silent, --topic and --full-text (unchanged when not
    given)."""
    parser.add_argument(
        "--template",
        metavar="TEMPLATE",
        help="the post's format: Telegram HTML with {title} {link} {lede} {source} {time} "
        "{tags} {author} {image}; \\n is a line break; '' for the channel style's layout",
    )
    parser.add_argument(
        "--link-preview",
        choices=("off", "on", "large", "default"),
        help="the article's link preview: none, small, large media above the text, or the "
        "style's default",
    )
    parser.add_argument(
        "--silent", choices=("on", "off"), help="post without a notification (on) or with one"
    )
    parser.add_argument(
        "--topic",
        metavar="ID|NAME",
        help="post into a forum topic: its message_thread_id, or a name to create it "
        "(needs the bot's right to manage topics); none for the chat itself",
    )
    parser.add_argument(
        "--full-text",
        nargs="?",
        const="on",
        choices=("on", "off"),
        help="publish each article's full text as a Telegraph page (Instant View) linked "
        "from the post (on when given alone)",
    )


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    """Add the repeatable --include, --exclude and --tag options."""
    parser.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="WORD",
        help="post only articles with this word or phrase (repeatable: any of them)",
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="WORD",
        help="never post articles with this word or phrase (repeatable; wins over the rest)",
    )
    parser.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="TAG",
        help="post only articles with this tag (repeatable: any of them)",
    )
